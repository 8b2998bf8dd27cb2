/**
 * Our JSON Schema of the StressChaos CRD (`stresschaos.chaos-mesh.org`, chaos-mesh.md §1–§2), checked
 * with ajv.
 *
 * Written from the CRD facts, with two deliberate differences:
 * - every object lists its fields with `additionalProperties: false`. The CRD has no
 *   `x-kubernetes-preserve-unknown-fields`, so the API server prunes unknown fields; `kubectl apply`
 *   (strict field validation by default since kubectl 1.27) refuses the whole object instead. A misspelt
 *   field is nearly always a mistake that silently changes the experiment (`duraton: 30s` runs forever),
 *   so validateStressChaos reports unknown fields as ERRORS (code `unknown-field`);
 * - descriptions carry the corrected semantics (chaos-mesh.md §4, §9), for hover and completion.
 *
 * `metadata` lists ObjectMeta's fields (the API server validates them; the CRD only says `object`).
 * `null` values are not modelled: the API server drops a null field of a CRD object before validation,
 * and validateStressChaos removes them (with a warning) before it runs this schema.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { isRecord, valueAt } from './stressChaos';

type Schema = Record<string, unknown>;

const stringList = (description: string): Schema => ({ type: 'array', items: { type: 'string' }, description });
const stringMap = (description: string): Schema => ({ type: 'object', additionalProperties: { type: 'string' }, description });

const SELECTOR_SCHEMA: Schema = {
  type: 'object',
  additionalProperties: false,
  description:
    'Selects the target pods. All selectors must match. Chaos Mesh fills in `namespaces` with the object\'s own namespace when it is empty, so an empty `selector: {}` targets every pod of that namespace.',
  properties: {
    namespaces: stringList('Namespaces of the target pods. Defaults to the StressChaos object\'s namespace.'),
    nodes: stringList('Only pods running on these nodes (node names).'),
    pods: {
      type: 'object',
      additionalProperties: { type: 'array', items: { type: 'string' } },
      description: 'Explicit pods: namespace → list of pod names.',
    },
    nodeSelectors: stringMap('Only pods on nodes carrying all these labels.'),
    fieldSelectors: stringMap('Pod field selectors, e.g. `metadata.name: web-0`.'),
    labelSelectors: stringMap('Pods carrying all these labels.'),
    expressionSelectors: {
      type: 'array',
      description: 'Set-based label expressions (like a Deployment\'s `matchExpressions`).',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'operator'],
        properties: {
          key: { type: 'string', description: 'The label key.' },
          operator: { type: 'string', description: '`In`, `NotIn`, `Exists` or `DoesNotExist`.' },
          values: stringList('Values for `In`/`NotIn`; must be empty for `Exists`/`DoesNotExist`.'),
        },
      },
    },
    annotationSelectors: stringMap('Pods carrying all these annotations.'),
    podPhaseSelectors: stringList('Pod phases to select: `Pending`, `Running`, `Succeeded`, `Failed`, `Unknown`.'),
  },
};

const WORKERS_DESCRIPTION_MEMORY =
  'Number of memStress worker processes (at most 8192). They share `size` between them. `0` is accepted but starts nothing, while the experiment still reports Injected.';

const MEMORY_SCHEMA: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['workers'],
  description:
    'Memory stress, run by memStress (not stress-ng) inside the target container\'s memory cgroup, so it counts against the container\'s limit.',
  properties: {
    workers: { type: 'integer', maximum: 8192, description: WORKERS_DESCRIPTION_MEMORY },
    size: {
      type: 'string',
      description:
        'TOTAL memory to allocate, split evenly across the workers (each maps size/workers). Units: B, KB/KiB, MB/MiB, GB/GiB, TB/TiB, PB/PiB (any case; KB = 1000, KiB = 1024), or a whole percentage such as `50%` — of the NODE\'s memory, not the container limit. Not a Kubernetes quantity: write `256MiB`, not `256Mi`. Without a size nothing is allocated. (The CRD text "per vm worker, default is the total available memory" is out of date.)',
    },
    oomScoreAdj: {
      type: 'integer',
      minimum: -1000,
      maximum: 1000,
      default: 0,
      description:
        'oom_score_adj of the memStress processes (-1000..1000, default 0 = unchanged). -1000: the OOM killer never picks memStress, so when the container hits its limit your application is killed instead. Positive: memStress is killed first.',
    },
    options: {
      type: 'array',
      items: { type: 'string' },
      description:
        'Extra memStress flags (not stress-ng options): `--time <Go duration>` ramps the allocation up linearly. memStress knows only --size, --workers, --time and --client; any other flag makes it exit, so nothing is allocated.',
    },
  },
};

const CPU_SCHEMA: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['workers'],
  description: 'CPU stress, run by stress-ng (`--cpu-load-slice 10 --cpu-method sqrt --cpu N`).',
  properties: {
    workers: { type: 'integer', maximum: 8192, description: 'Number of stress-ng CPU workers (`--cpu N`, at most 8192). `0` starts nothing.' },
    load: { type: 'integer', minimum: 0, maximum: 100, description: 'Percent load per worker, 0..100 (`--cpu-load`). Omitted: full load.' },
    options: { type: 'array', items: { type: 'string' }, description: 'Extra stress-ng arguments; each string is split on spaces.' },
  },
};

export const STRESS_CHAOS_SPEC_SCHEMA: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['mode', 'selector'],
  description: 'What to stress and for how long.',
  properties: {
    mode: {
      type: 'string',
      enum: ['one', 'all', 'fixed', 'fixed-percent', 'random-max-percent'],
      description:
        'How many selected pods get the stress: `one` (one at random), `all`, `fixed` (`value` pods), `fixed-percent` (`value`% of them, rounded up), `random-max-percent` (a random share up to `value`%).',
    },
    value: {
      type: 'string',
      description:
        'A string, even when it is a number (`value: "2"`). For `fixed`: a pod count > 0. For `fixed-percent`/`random-max-percent`: a whole percent 1..100. Ignored for `one`/`all`.',
    },
    selector: SELECTOR_SCHEMA,
    containerNames: stringList('Containers to stress in each pod. Empty: only the FIRST container (`spec.containers[0]`). Names that match no container are skipped silently.'),
    stressors: {
      type: 'object',
      additionalProperties: false,
      description: 'The stressors to run; at least one of `memory` and `cpu`.',
      properties: { memory: MEMORY_SCHEMA, cpu: CPU_SCHEMA },
    },
    stressngStressors: {
      type: 'string',
      description:
        'Raw stress-ng arguments. IGNORED by current Chaos Mesh (chaos-mesh#3783): nothing runs, yet the experiment reports Injected. Use `stressors`.',
    },
    duration: {
      type: 'string',
      description:
        'How long the stress runs, as a Go duration (`30s`, `5m`, `1h30m`; units ns, us, ms, s, m, h — no `d`), counted from creation; time spent paused is not added back. Without it the stress runs until the object is deleted and never shows as finished.',
    },
    remoteCluster: { type: 'string', description: 'Name of a RemoteCluster object: run the stress in that cluster instead.' },
  },
};

const STATUS_SCHEMA: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['experiment'],
  description: 'Written by the Chaos Mesh controller.',
  properties: {
    conditions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['status', 'type'],
        properties: { reason: { type: 'string' }, status: { type: 'string' }, type: { type: 'string' } },
      },
    },
    experiment: {
      type: 'object',
      additionalProperties: false,
      properties: {
        desiredPhase: { type: 'string', enum: ['Run', 'Stop'] },
        containerRecords: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'injectedCount', 'phase', 'recoveredCount', 'selectorKey'],
            properties: {
              id: { type: 'string' },
              selectorKey: { type: 'string' },
              phase: { type: 'string' },
              injectedCount: { type: 'integer' },
              recoveredCount: { type: 'integer' },
              events: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['operation', 'timestamp', 'type'],
                  properties: {
                    type: { type: 'string' },
                    operation: { type: 'string' },
                    message: { type: 'string' },
                    timestamp: { type: 'string' },
                  },
                },
              },
            },
          },
        },
      },
    },
    instances: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          uid: { type: 'string' },
          memoryUid: { type: 'string' },
          startTime: { type: 'string' },
          memoryStartTime: { type: 'string' },
        },
      },
    },
  },
};

const METADATA_SCHEMA: Schema = {
  type: 'object',
  additionalProperties: false,
  description: 'Standard object metadata.',
  properties: {
    name: { type: 'string' },
    generateName: { type: 'string' },
    namespace: { type: 'string', description: 'Also the default target namespace when `selector.namespaces` is empty.' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: '`experiment.chaos-mesh.org/pause: "true"` pauses the experiment.',
    },
    finalizers: { type: 'array', items: { type: 'string' } },
    ownerReferences: { type: 'array', items: { type: 'object' } },
    uid: { type: 'string' },
    resourceVersion: { type: 'string' },
    generation: { type: 'integer' },
    creationTimestamp: { type: 'string' },
    deletionTimestamp: { type: 'string' },
    deletionGracePeriodSeconds: { type: 'integer' },
    managedFields: { type: 'array', items: { type: 'object' } },
    selfLink: { type: 'string' },
  },
};

export const STRESS_CHAOS_SCHEMA: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['spec'],
  description: 'A Chaos Mesh memory/CPU stress experiment.',
  properties: {
    apiVersion: { type: 'string', description: '`chaos-mesh.org/v1alpha1`' },
    kind: { type: 'string', description: '`StressChaos`' },
    metadata: METADATA_SCHEMA,
    spec: STRESS_CHAOS_SPEC_SCHEMA,
    status: STATUS_SCHEMA,
  },
};

let compiled: { object: ValidateFunction; spec: ValidateFunction } | undefined;

/** Whether the schema validators have been compiled (the costly part; done on first validation). */
export function schemaCompiled(): boolean {
  return compiled !== undefined;
}

function validators(): { object: ValidateFunction; spec: ValidateFunction } {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: true, useDefaults: false });
    compiled = { object: ajv.compile(STRESS_CHAOS_SCHEMA), spec: ajv.compile(STRESS_CHAOS_SPEC_SCHEMA) };
  }
  return compiled;
}

/** One schema violation, with its JSON path (array indexes as numbers). */
export interface SchemaViolation {
  path: (string | number)[];
  keyword: string;
  params: Record<string, unknown>;
  /** The value at `path` (undefined for a missing required field). */
  value: unknown;
  /** For `required` the missing field; for `additionalProperties` the unknown one (both also end `path`). */
  property?: string;
}

/** Validates a whole StressChaos object (nulls already removed). */
export function stressChaosSchemaViolations(obj: unknown): SchemaViolation[] {
  return violations(validators().object, obj, []);
}

/** Validates a StressChaos spec embedded at `prefix` (Schedule `spec.stressChaos`, Workflow templates). */
export function stressChaosSpecSchemaViolations(spec: unknown, prefix: (string | number)[]): SchemaViolation[] {
  return violations(validators().spec, spec, prefix);
}

function violations(validate: ValidateFunction, data: unknown, prefix: (string | number)[]): SchemaViolation[] {
  if (validate(data)) return [];
  const out: SchemaViolation[] = [];
  for (const e of (validate.errors ?? []) as ErrorObject[]) {
    const local = pointerToPath(e.instancePath, data);
    const value = valueAt(data, local);
    const v: SchemaViolation = { path: [...prefix, ...local], keyword: e.keyword, params: e.params as Record<string, unknown>, value };
    if (e.keyword === 'required') {
      v.property = String((e.params as { missingProperty: string }).missingProperty);
      v.path = [...v.path, v.property];
      v.value = undefined;
    } else if (e.keyword === 'additionalProperties') {
      v.property = String((e.params as { additionalProperty: string }).additionalProperty);
      v.path = [...v.path, v.property];
      v.value = isRecord(value) ? value[v.property] : undefined;
    }
    out.push(v);
  }
  return out;
}

function pointerToPath(pointer: string, data: unknown): (string | number)[] {
  if (pointer === '') return [];
  const out: (string | number)[] = [];
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur) && /^\d+$/.test(seg)) {
      out.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      out.push(seg);
      cur = isRecord(cur) ? cur[seg] : undefined;
    }
  }
  return out;
}


/** The schema node describing the value at a JSON path of a StressChaos object (for hover/completion). */
export function schemaAt(path: (string | number)[]): Schema | undefined {
  let cur: Schema | undefined = STRESS_CHAOS_SCHEMA;
  for (const seg of path) {
    if (!cur) return undefined;
    if (typeof seg === 'number') {
      cur = cur.items as Schema | undefined;
      continue;
    }
    const props = cur.properties as Record<string, Schema> | undefined;
    if (props && Object.prototype.hasOwnProperty.call(props, seg)) cur = props[seg];
    else if (cur.additionalProperties && typeof cur.additionalProperties === 'object') cur = cur.additionalProperties as Schema;
    else return undefined;
  }
  return cur;
}

/** Field names allowed at a JSON path of a StressChaos object (for completion and "did you mean"). */
export function knownFieldsAt(path: (string | number)[]): string[] {
  const node = schemaAt(path);
  const props = node?.properties as Record<string, Schema> | undefined;
  return props ? Object.keys(props) : [];
}
