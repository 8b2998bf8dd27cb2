// Which containers a StressChaos spec would stress right now, and what the editor needs to know
// about them (memory limit, QoS class, liveness probe, the node's memory). Selection follows Chaos
// Mesh (pkg/selector): `selector.pods` alone when given; otherwise namespaces (the object's own when
// empty), label and expression selectors and field selectors on the server, then annotation, node,
// node-label and phase selectors here; each pod gives the containers in `containerNames`, or its
// first container. `mode`/`value` are not applied: the hint says how many pods the selector matches.
import type { V1Pod } from '@kubernetes/client-node';
import { isRecord, podQosClass, quantityToBytes, type Pod, type TargetContainerFacts, type TargetFacts } from '../core';
import { toClusterError } from './errors';
import type { ClusterSession } from './session';

/** What the cluster says about a spec's targets: core's TargetFacts, filled from the API. */
export type TargetReport = TargetFacts;
type StressTarget = TargetContainerFacts;

type Spec = Record<string, unknown>;
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const stringMap = (v: unknown): Record<string, string> =>
  isRecord(v) ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};

/** labelSelectors + expressionSelectors as a Kubernetes label selector string. */
export function labelSelectorText(selector: Record<string, unknown>): string {
  const parts = Object.entries(stringMap(selector.labelSelectors)).map(([k, v]) => `${k}=${v}`);
  for (const e of Array.isArray(selector.expressionSelectors) ? selector.expressionSelectors : []) {
    if (!isRecord(e) || typeof e.key !== 'string') continue;
    const values = strings(e.values).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

export async function findStressTargets(session: ClusterSession, spec: Spec, objectNamespace: string | undefined): Promise<TargetReport> {
  const at = (action: string) => ({ context: session.context, action });
  const selector = isRecord(spec.selector) ? spec.selector : {};
  const explicit = isRecord(selector.pods) ? selector.pods : undefined;
  let names = strings(selector.namespaces);
  if (explicit) names = Object.keys(explicit);
  if (names.length === 0) names = [objectNamespace || session.namespace];

  const namespaces = await Promise.all(
    names.map(async (name) => {
      try {
        await session.core.readNamespace({ name });
        return { name, exists: true };
      } catch (e) {
        const error = toClusterError(e, at(`reading namespace "${name}"`));
        if (error.kind === 'notFound') return { name, exists: false };
        throw error;
      }
    }),
  );

  let pods: V1Pod[] = [];
  const labelSelector = labelSelectorText(selector) || undefined;
  const fieldSelector = Object.entries(stringMap(selector.fieldSelectors)).map(([k, v]) => `${k}=${v}`).join(',') || undefined;
  for (const ns of namespaces.filter((n) => n.exists)) {
    try {
      if (explicit) {
        const wanted = new Set(strings(explicit[ns.name]));
        const list = await session.core.listNamespacedPod({ namespace: ns.name });
        pods.push(...list.items.filter((p) => wanted.has(p.metadata?.name ?? '')));
      } else {
        const list = await session.core.listNamespacedPod({ namespace: ns.name, labelSelector, fieldSelector });
        pods.push(...list.items);
      }
    } catch (e) {
      throw toClusterError(e, at(`listing pods in namespace "${ns.name}"`));
    }
  }
  if (!explicit) pods = pods.filter(clientSideFilter(selector));
  pods = pods.filter((p) => !p.metadata?.deletionTimestamp);
  if (!explicit) pods = await filterByNodeLabels(session, pods, stringMap(selector.nodeSelectors));

  const nodeMemory = await nodeMemTotals(session, pods);
  const wantedContainers = strings(spec.containerNames);
  const seen = new Set<string>();
  const targets: StressTarget[] = [];
  for (const pod of pods) {
    const containers = pod.spec?.containers ?? [];
    const picked = wantedContainers.length > 0 ? containers.filter((c) => wantedContainers.includes(c.name)) : containers.slice(0, 1);
    for (const c of picked) {
      seen.add(c.name);
      const limit = c.resources?.limits?.memory;
      const limitText = limit === undefined ? undefined : String(limit);
      targets.push({
        namespace: pod.metadata?.namespace ?? '',
        pod: pod.metadata?.name ?? '',
        container: c.name,
        limitText,
        limitBytes: limitText === undefined ? undefined : safeBytes(limitText),
        qosClass: pod.status?.qosClass ?? podQosClass(pod as unknown as Pod),
        livenessProbe: c.livenessProbe !== undefined && c.livenessProbe !== null,
        nodeMemTotal: nodeMemory.get(pod.spec?.nodeName ?? ''),
      });
    }
  }
  return {
    namespaces,
    pods: pods.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`),
    targets,
    missingContainers: pods.length > 0 ? wantedContainers.filter((n) => !seen.has(n)) : [],
  };
}

function safeBytes(text: string): bigint | undefined {
  try {
    return quantityToBytes(text);
  } catch {
    return undefined;
  }
}

/** Annotation, node-name and phase selectors (Chaos Mesh applies them after listing). */
function clientSideFilter(selector: Record<string, unknown>): (pod: V1Pod) => boolean {
  const annotations = stringMap(selector.annotationSelectors);
  const nodes = strings(selector.nodes);
  const phases = strings(selector.podPhaseSelectors).flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
  const include = phases.filter((p) => !p.startsWith('!'));
  const exclude = phases.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  return (pod) => {
    const own = pod.metadata?.annotations ?? {};
    if (Object.entries(annotations).some(([k, v]) => own[k] !== v)) return false;
    if (nodes.length > 0 && !nodes.includes(pod.spec?.nodeName ?? '')) return false;
    const phase = pod.status?.phase ?? '';
    if (exclude.includes(phase)) return false;
    return include.length === 0 || include.includes(phase);
  };
}

async function filterByNodeLabels(session: ClusterSession, pods: V1Pod[], nodeSelectors: Record<string, string>): Promise<V1Pod[]> {
  if (Object.keys(nodeSelectors).length === 0) return pods;
  try {
    const nodes = await session.core.listNode({ labelSelector: Object.entries(nodeSelectors).map(([k, v]) => `${k}=${v}`).join(',') });
    const names = new Set(nodes.items.map((n) => n.metadata?.name));
    return pods.filter((p) => names.has(p.spec?.nodeName));
  } catch (e) {
    throw toClusterError(e, { context: session.context, action: 'listing nodes' });
  }
}

/** capacity.memory of each pod's node (the kubelet reports MemTotal there). Unreadable nodes are skipped. */
async function nodeMemTotals(session: ClusterSession, pods: V1Pod[]): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  const names = [...new Set(pods.map((p) => p.spec?.nodeName).filter((n): n is string => !!n))];
  await Promise.all(
    names.map(async (name) => {
      try {
        const node = await session.core.readNode({ name });
        const capacity = node.status?.capacity?.memory;
        const bytes = capacity === undefined ? undefined : safeBytes(String(capacity));
        if (bytes !== undefined) out.set(name, bytes);
      } catch {
        // Reading nodes needs a cluster-scoped permission many users lack; the hint then says "% of the node" without bytes.
      }
    }),
  );
  return out;
}
