// The StressChaos CustomResourceDefinition as Chaos Mesh installs it (chaos-mesh.md §1), and the
// part of kube-apiserver's CRD handling that happens before the admission webhooks: structural
// schema defaulting (oomScoreAdj: 0), pruning or rejecting unknown fields per `fieldValidation`,
// and OpenAPI schema validation with the apiserver's own field-error wording.
import { ApiError, type KObject } from '../store';

type Schema =
  | { type: 'object'; properties?: Record<string, Schema>; required?: string[]; additionalProperties?: Schema }
  | { type: 'string'; enum?: string[] }
  | { type: 'integer'; minimum?: number; maximum?: number; default?: number }
  | { type: 'boolean' }
  | { type: 'array'; items: Schema };

const S: Schema = { type: 'string' };
const strings: Schema = { type: 'array', items: S };
const strMap: Schema = { type: 'object', additionalProperties: S };
const obj = (properties: Record<string, Schema>, required?: string[]): Schema => ({ type: 'object', properties, ...(required ? { required } : {}) });

const selector = obj({
  namespaces: strings,
  nodes: strings,
  pods: { type: 'object', additionalProperties: strings },
  nodeSelectors: strMap,
  fieldSelectors: strMap,
  labelSelectors: strMap,
  annotationSelectors: strMap,
  expressionSelectors: { type: 'array', items: obj({ key: S, operator: S, values: strings }, ['key', 'operator']) },
  podPhaseSelectors: strings,
});

export const MODES = ['one', 'all', 'fixed', 'fixed-percent', 'random-max-percent'];

const spec = obj({
  mode: { type: 'string', enum: MODES },
  value: S,
  selector,
  containerNames: strings,
  stressors: obj({
    memory: obj({ workers: { type: 'integer', maximum: 8192 }, size: S, oomScoreAdj: { type: 'integer', minimum: -1000, maximum: 1000, default: 0 }, options: strings }, ['workers']),
    cpu: obj({ workers: { type: 'integer', maximum: 8192 }, load: { type: 'integer', minimum: 0, maximum: 100 }, options: strings }, ['workers']),
  }),
  stressngStressors: S,
  duration: S,
  remoteCluster: S,
}, ['mode', 'selector']);

const record = obj({
  id: S, selectorKey: S, phase: S, injectedCount: { type: 'integer' }, recoveredCount: { type: 'integer' },
  events: { type: 'array', items: obj({ type: S, operation: S, message: S, timestamp: S }, ['operation', 'timestamp', 'type']) },
}, ['id', 'injectedCount', 'phase', 'recoveredCount', 'selectorKey']);

const status = obj({
  conditions: { type: 'array', items: obj({ type: S, status: S, reason: S }, ['status', 'type']) },
  experiment: obj({ desiredPhase: { type: 'string', enum: ['Run', 'Stop'] }, containerRecords: { type: 'array', items: record } }),
  instances: { type: 'object', additionalProperties: obj({ uid: S, startTime: S, memoryUid: S, memoryStartTime: S }) },
}, ['experiment']);

/** The schema of a StressChaos below `metadata` (ObjectMeta is checked by the apiserver itself). */
const STRESSCHAOS_SCHEMA = obj({ apiVersion: S, kind: S, metadata: { type: 'object' }, spec, status }, ['spec']);

interface FieldError { field: string; reason: string; detail: string }

function typeOk(s: Schema, v: unknown): boolean {
  switch (s.type) {
    case 'object': return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array': return Array.isArray(v);
    case 'string': return typeof v === 'string';
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'boolean': return typeof v === 'boolean';
  }
}

const goType = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v);

/** Walks value against schema: applies defaults, collects unknown fields (and prunes them), collects errors. */
function walk(s: Schema, v: unknown, path: string, unknown: string[], errors: FieldError[]): void {
  if (v === null || v === undefined) return;
  if (!typeOk(s, v)) {
    errors.push({ field: path, reason: 'FieldValueTypeInvalid', detail: `Invalid value: ${JSON.stringify(goType(v))}: ${path} in body must be of type ${s.type}: ${JSON.stringify(goType(v))}` });
    return;
  }
  if (s.type === 'object') {
    const o = v as Record<string, unknown>;
    if (s.properties) {
      for (const k of Object.keys(o)) {
        const p = s.properties[k];
        if (p) walk(p, o[k], path ? `${path}.${k}` : k, unknown, errors);
        else if (!s.additionalProperties) {
          unknown.push(path ? `${path}.${k}` : k);
          delete o[k];
        }
      }
      for (const [k, p] of Object.entries(s.properties)) {
        if (p.type === 'integer' && p.default !== undefined && o[k] === undefined) o[k] = p.default;
      }
      for (const r of s.required ?? []) {
        if (o[r] === undefined || o[r] === null) errors.push({ field: path ? `${path}.${r}` : r, reason: 'FieldValueRequired', detail: 'Required value' });
      }
    }
    if (s.additionalProperties) for (const [k, x] of Object.entries(o)) walk(s.additionalProperties, x, `${path}.${k}`, unknown, errors);
  } else if (s.type === 'array') {
    (v as unknown[]).forEach((x, i) => walk(s.items, x, `${path}[${i}]`, unknown, errors));
  } else if (s.type === 'string' && s.enum && !s.enum.includes(v as string)) {
    errors.push({ field: path, reason: 'FieldValueNotSupported', detail: `Unsupported value: ${JSON.stringify(v)}: supported values: ${s.enum.map((e) => JSON.stringify(e)).join(', ')}` });
  } else if (s.type === 'integer') {
    const n = v as number;
    if (s.maximum !== undefined && n > s.maximum) errors.push({ field: path, reason: 'FieldValueInvalid', detail: `Invalid value: ${n}: ${path} in body should be less than or equal to ${s.maximum}` });
    if (s.minimum !== undefined && n < s.minimum) errors.push({ field: path, reason: 'FieldValueInvalid', detail: `Invalid value: ${n}: ${path} in body should be greater than or equal to ${s.minimum}` });
  }
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/**
 * Decodes a StressChaos as kube-apiserver does for a CRD with a structural schema. Mutates `o`:
 * drops unknown fields and applies defaults. Returns the warnings to send as `Warning` headers.
 * Throws 400 (strict unknown fields) or 422 (schema violations).
 */
export function decodeStressChaos(o: KObject, fieldValidation: FieldValidation): string[] {
  const unknown: string[] = [];
  const errors: FieldError[] = [];
  walk(STRESSCHAOS_SCHEMA, o, '', unknown, errors);
  if (unknown.length && fieldValidation === 'Strict') {
    const list = unknown.map((u) => `unknown field "${u}"`);
    throw new ApiError(400, 'BadRequest',
      `StressChaos in version "v1alpha1" cannot be handled as a StressChaos: strict decoding error: ${list.join(', ')}`);
  }
  if (errors.length) throw invalid('StressChaos', 'chaos-mesh.org', o.metadata?.name ?? '', errors);
  return fieldValidation === 'Warn' ? unknown.map((u) => `unknown field "${u}"`) : [];
}

/** A 422 Invalid with the apiserver's aggregate wording and `details.causes`. */
export function invalid(kind: string, group: string, name: string, errors: FieldError[]): ApiError {
  const texts = errors.map((e) => `${e.field}: ${e.detail}`);
  const body = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${kind}${group ? '.' + group : ''} "${name}" is invalid: ${body}`, {
    name, group, kind, causes: errors.map((e) => ({ reason: e.reason, message: e.detail, field: e.field })),
  });
}

/** The CRD object Chaos Mesh's Helm chart installs, reported Established (tools detect Chaos Mesh by it). */
export function stressChaosCrd(created: string): KObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: 'stresschaos.chaos-mesh.org',
      annotations: { 'controller-gen.kubebuilder.io/version': 'v0.18.0' },
      labels: { 'app.kubernetes.io/name': 'chaos-mesh', 'app.kubernetes.io/part-of': 'chaos-mesh', 'app.kubernetes.io/component': 'crd' },
      creationTimestamp: created,
    },
    spec: {
      group: 'chaos-mesh.org',
      names: { kind: 'StressChaos', listKind: 'StressChaosList', plural: 'stresschaos', singular: 'stresschaos' },
      scope: 'Namespaced',
      versions: [{
        name: 'v1alpha1', served: true, storage: true, subresources: {},
        additionalPrinterColumns: [{ name: 'duration', type: 'string', jsonPath: '.spec.duration' }],
        schema: { openAPIV3Schema: toOpenApi(STRESSCHAOS_SCHEMA) },
      }],
      conversion: { strategy: 'None' },
    },
    status: {
      acceptedNames: { kind: 'StressChaos', listKind: 'StressChaosList', plural: 'stresschaos', singular: 'stresschaos' },
      conditions: [
        { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: created },
        { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: created },
      ],
      storedVersions: ['v1alpha1'],
    },
  };
}

function toOpenApi(s: Schema): Record<string, unknown> {
  switch (s.type) {
    case 'object': {
      const out: Record<string, unknown> = { type: 'object' };
      if (s.properties) out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, toOpenApi(v)]));
      if (s.required) out.required = s.required;
      if (s.additionalProperties) out.additionalProperties = toOpenApi(s.additionalProperties);
      return out;
    }
    case 'array': return { type: 'array', items: toOpenApi(s.items) };
    default: {
      const { ...rest } = s as Record<string, unknown>;
      return rest;
    }
  }
}
