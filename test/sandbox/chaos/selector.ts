// Target selection as Chaos Mesh does it (CM pkg/selector/{pod,container,generic}/…, read not copied):
// pods come either from `selector.pods` (then every other selector is ignored) or from a chain of
// label/expression, namespace, field, annotation, node and phase selectors; `mode`/`value` then pick
// among them at random; each picked pod gives the containers named in `containerNames`, or its first
// container. Errors carry Chaos Mesh's own text; the records controller shows them as
// `Failed to select targets: <error>`.
import { randomInt } from 'node:crypto';
import type { KObject, Store } from '../store';
import type { ExpressionSelector, PodSelectorSpec, StressChaosSpec } from './types';
import { goAtoi } from '../../../src/core/stressSize';
import { labelValueErrors, qualifiedNameErrors } from '../../../src/core/labels';

export interface Target {
  namespace: string;
  pod: string;
  container: string;
}

/** `<namespace>/<pod>/<container>`: the record id (CM pkg/selector/container Container.Id). */
export const targetId = (t: Target): string => `${t.namespace}/${t.pod}/${t.container}`;

export class SelectionError extends Error {}

type Pod = KObject & {
  spec?: { nodeName?: string; restartPolicy?: string; schedulerName?: string; serviceAccountName?: string; hostNetwork?: boolean; containers?: { name: string }[] };
  status?: { phase?: string; podIP?: string; podIPs?: { ip: string }[]; nominatedNodeName?: string };
};

// ---------------------------------------------------------------------------------------------------
// Label syntax: apimachinery's rules and messages, from src/core (labels.NewRequirement joins them with "; ").

const qualifiedNameProblem = (key: string): string | undefined => qualifiedNameErrors(key).join('; ') || undefined;
const labelValueProblem = (value: string): string | undefined => labelValueErrors(value).join('; ') || undefined;

const goStrings = (v: string[] | null | undefined): string => (v && v.length ? `[]string{${v.map((s) => JSON.stringify(s)).join(', ')}}` : v ? '[]string{}' : '[]string(nil)');

interface Requirement {
  key: string;
  op: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

/** metav1.LabelSelectorAsSelector over labelSelectors + expressionSelectors. */
function labelRequirements(matchLabels: Record<string, string> | null | undefined, expressions: ExpressionSelector[] | null | undefined): Requirement[] {
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(matchLabels ?? {})) {
    const kp = qualifiedNameProblem(key);
    if (kp) throw new Error(`key: Invalid value: ${JSON.stringify(key)}: ${kp}`);
    const vp = labelValueProblem(String(value));
    if (vp) throw new Error(`values[0][${key}]: Invalid value: ${JSON.stringify(value)}: ${vp}`);
    reqs.push({ key, op: 'In', values: [String(value)] });
  }
  for (const expr of expressions ?? []) {
    const key = expr.key ?? '';
    const values = expr.values ?? [];
    const op = expr.operator ?? '';
    if (op !== 'In' && op !== 'NotIn' && op !== 'Exists' && op !== 'DoesNotExist') {
      throw new Error(`${JSON.stringify(op)} is not a valid label selector operator`);
    }
    const kp = qualifiedNameProblem(key);
    if (kp) throw new Error(`key: Invalid value: ${JSON.stringify(key)}: ${kp}`);
    if ((op === 'In' || op === 'NotIn') && values.length === 0) {
      throw new Error(`values: Invalid value: ${goStrings(expr.values)}: for 'in', 'notin' operators, values set can't be empty`);
    }
    if ((op === 'Exists' || op === 'DoesNotExist') && values.length !== 0) {
      throw new Error(`values: Invalid value: ${goStrings(expr.values)}: values set must be empty for exists and does not exist`);
    }
    values.forEach((v, i) => {
      const vp = labelValueProblem(v);
      if (vp) throw new Error(`values[${i}][${key}]: Invalid value: ${JSON.stringify(v)}: ${vp}`);
    });
    reqs.push({ key, op, values });
  }
  return reqs;
}

function matches(reqs: Requirement[], labels: Record<string, string> | undefined): boolean {
  const set = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(set, r.key);
    switch (r.op) {
      case 'In':
        return has && r.values.includes(set[r.key]);
      case 'NotIn':
        return !has || !r.values.includes(set[r.key]);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
    }
  });
}

// ---------------------------------------------------------------------------------------------------
// Field selectors: the API server accepts these pod field labels (pkg/apis/core/v1 conversion); Chaos
// Mesh then re-checks each listed pod against its own, smaller set (pkg/selector/generic/field
// toPodSelectableFields: no spec.hostNetwork, no status.podIPs, so selecting on those selects nothing).

function apiServerPodFields(pod: Pod): Record<string, string> {
  return {
    'metadata.name': pod.metadata.name ?? '',
    'metadata.namespace': pod.metadata.namespace ?? '',
    'spec.nodeName': pod.spec?.nodeName ?? '',
    'spec.restartPolicy': pod.spec?.restartPolicy ?? '',
    'spec.schedulerName': pod.spec?.schedulerName ?? '',
    'spec.serviceAccountName': pod.spec?.serviceAccountName ?? '',
    'spec.hostNetwork': String(pod.spec?.hostNetwork ?? false),
    'status.phase': pod.status?.phase ?? '',
    'status.podIP': pod.status?.podIP ?? '',
    'status.podIPs': pod.status?.podIPs?.[0]?.ip ?? '',
    'status.nominatedNodeName': pod.status?.nominatedNodeName ?? '',
  };
}

function chaosMeshPodFields(pod: Pod): Record<string, string> {
  return {
    'spec.nodeName': pod.spec?.nodeName ?? '',
    'spec.restartPolicy': pod.spec?.restartPolicy ?? '',
    'spec.schedulerName': pod.spec?.schedulerName ?? '',
    'spec.serviceAccountName': pod.spec?.serviceAccountName ?? '',
    'status.phase': pod.status?.phase ?? '',
    'status.podIP': pod.status?.podIPs?.[0]?.ip ?? '',
    'status.nominatedNodeName': pod.status?.nominatedNodeName ?? '',
    'metadata.name': pod.metadata.name ?? '',
    'metadata.namespace': pod.metadata.namespace ?? '',
  };
}

// ---------------------------------------------------------------------------------------------------

/** podPhaseSelectors are joined with ',' and parsed as a label selector: `Running` includes, `!Failed` excludes. */
function phaseFilter(phases: string[] | null | undefined): (pod: Pod) => boolean {
  const include: string[] = [];
  const exclude: string[] = [];
  const text = (phases ?? []).join(',');
  if (text.trim() !== '') {
    for (const raw of text.split(',')) {
      const term = raw.trim();
      const op = /(!=|==|=|\s+notin\s+|\s+in\s+)/.exec(term);
      if (op) throw new Error(`unsupported operator: ${op[1].trim()}`);
      if (term.startsWith('!')) exclude.push(term.slice(1).trim());
      else include.push(term);
    }
  }
  return (pod) => {
    const phase = pod.status?.phase ?? '';
    if (exclude.includes(phase)) return false;
    return include.length === 0 || include.includes(phase);
  };
}

/** Go's strconv.Atoi as Chaos Mesh calls it (one implementation: src/core's), throwing its error. */
function atoi(s: string): bigint {
  const r = goAtoi(s);
  if ('error' in r) throw new Error(r.error);
  return r.value;
}

/** `count` distinct random indexes in [0, end) (CM generic.RandomFixedIndexes); all, in order, when count ≥ end. */
function randomIndexes(end: number, count: number): number[] {
  if (count > end) return [...Array(end).keys()];
  const picked = new Set<number>();
  const out: number[] = [];
  while (out.length < count) {
    const i = randomInt(end);
    if (picked.has(i)) continue;
    picked.add(i);
    out.push(i);
  }
  return out;
}

/** CM pkg/selector/generic/mode.go FilterObjectsByMode. */
export function filterByMode(mode: string | undefined, value: string | undefined, count: number): number[] {
  if (count === 0) throw new Error('cannot generate objects from empty list');
  const v = value ?? '';
  switch (mode) {
    case 'one':
      return [randomInt(count)];
    case 'all':
      return randomIndexes(count, count + 1);
    case 'fixed': {
      let num = atoi(v);
      if (BigInt(count) < num) num = BigInt(count);
      if (num <= 0n) throw new Error('cannot select any object as value below or equal 0');
      return randomIndexes(count, Number(num));
    }
    case 'fixed-percent': {
      const percentage = atoi(v);
      if (percentage === 0n) throw new Error('cannot select any object as value below or equal 0');
      if (percentage < 0n || percentage > 100n) throw new Error(`fixed percentage value of ${percentage} is invalid, Must be (0,100]`);
      return randomIndexes(count, Math.ceil((count * Number(percentage)) / 100));
    }
    case 'random-max-percent': {
      const maxPercentage = atoi(v);
      if (maxPercentage === 0n) throw new Error('cannot select any object as value below or equal 0');
      if (maxPercentage < 0n || maxPercentage > 100n) throw new Error(`fixed percentage value of ${maxPercentage} is invalid, Must be [0-100]`);
      const percentage = randomInt(Number(maxPercentage) + 1);
      return randomIndexes(count, Math.ceil((count * percentage) / 100));
    }
    default:
      throw new Error(`mode ${mode ?? ''} not supported`);
  }
}

/** The pods the selector matches, before `mode` (CM pkg/selector/pod SelectPods, cluster-scoped). */
export function selectPods(store: Store, selector: PodSelectorSpec): Pod[] {
  const podsMap = selector.pods ?? {};
  if (Object.keys(podsMap).length > 0) {
    // Specified pods: every other selector is ignored; missing pods are skipped.
    const out: Pod[] = [];
    for (const [ns, names] of Object.entries(podsMap)) {
      for (const name of names ?? []) {
        const pod = store.get('pods', ns, name) as Pod | undefined;
        if (pod) out.push(pod);
      }
    }
    return out;
  }

  // Build the chain first, as registry.Parse does: a selector that cannot be built fails the selection.
  let labelReqs: Requirement[];
  try {
    labelReqs = labelRequirements(selector.labelSelectors, selector.expressionSelectors);
  } catch (e) {
    throw new Error(`cannot parse label selector, msg: ${(e as Error).message}`, { cause: e });
  }
  let annotationReqs: Requirement[];
  try {
    annotationReqs = labelRequirements(selector.annotationSelectors, []);
  } catch (e) {
    throw new Error(`cannot parse annotation selector, msg: ${(e as Error).message}`, { cause: e });
  }
  let nodeNames: Set<string> | undefined;
  const nodes = selector.nodes ?? [];
  const nodeSelectors = selector.nodeSelectors ?? {};
  if (nodes.length > 0 || Object.keys(nodeSelectors).length > 0) {
    nodeNames = new Set();
    for (const name of nodes) {
      if (!store.get('nodes', undefined, name)) throw new Error(`cannot parse node selector, msg: nodes ${JSON.stringify(name)} not found`);
      nodeNames.add(name);
    }
    if (Object.keys(nodeSelectors).length > 0) {
      const reqs = Object.entries(nodeSelectors).map(([key, v]): Requirement => ({ key, op: 'In', values: [v] }));
      for (const node of store.list('nodes').items) if (matches(reqs, node.metadata.labels)) nodeNames.add(node.metadata.name!);
    }
  }
  let phaseOk: (pod: Pod) => boolean;
  try {
    phaseOk = phaseFilter(selector.podPhaseSelectors);
  } catch (e) {
    throw new Error(`cannot parse phase selector, msg: ${(e as Error).message}`, { cause: e });
  }
  const fieldSel = selector.fieldSelectors ?? {};
  const fieldKeys = Object.keys(fieldSel);

  // List per namespace (the webhook defaults namespaces to the object's own).
  const namespaces = selector.namespaces ?? [];
  const listed: Pod[] = [];
  for (const ns of namespaces.length ? namespaces : [undefined]) {
    for (const pod of store.list('pods', ns).items as Pod[]) {
      if (fieldKeys.length) {
        const apiFields = apiServerPodFields(pod);
        for (const key of fieldKeys) {
          if (!(key in apiFields)) throw new Error(`field label not supported: ${key}`);
        }
        if (!fieldKeys.every((k) => apiFields[k] === fieldSel[k])) continue;
      }
      if (!matches(labelReqs, pod.metadata.labels)) continue;
      listed.push(pod);
    }
  }
  return listed.filter((pod) => {
    if (namespaces.length && !namespaces.includes(pod.metadata.namespace ?? '')) return false;
    if (fieldKeys.length) {
      const cmFields = chaosMeshPodFields(pod);
      if (!fieldKeys.every((k) => (cmFields[k] ?? '') === fieldSel[k])) return false;
    }
    if (!matches(annotationReqs, pod.metadata.annotations)) return false;
    if (nodeNames && !nodeNames.has(pod.spec?.nodeName ?? '')) return false;
    return phaseOk(pod);
  });
}

/**
 * The containers a StressChaos targets (CM container.SelectImpl.Select). Throws with Chaos Mesh's
 * message (`no pod is selected`, `mode x not supported`, …). An empty result (no container of the
 * picked pods is named in containerNames) is not an error here: the records controller reports it as
 * `no target has been selected`.
 */
export function selectTargets(store: Store, spec: StressChaosSpec): Target[] {
  const pods = selectPods(store, spec.selector ?? {});
  if (pods.length === 0) throw new Error('no pod is selected');
  const picked = filterByMode(spec.mode, spec.value, pods.length).map((i) => pods[i]);
  const names = spec.containerNames ?? [];
  const out: Target[] = [];
  for (const pod of picked) {
    const containers = pod.spec?.containers ?? [];
    const base = { namespace: pod.metadata.namespace ?? '', pod: pod.metadata.name ?? '' };
    if (names.length === 0) {
      if (containers.length) out.push({ ...base, container: containers[0].name });
      continue;
    }
    for (const c of containers) if (names.includes(c.name)) out.push({ ...base, container: c.name });
  }
  return out;
}
