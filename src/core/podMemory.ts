/**
 * What the Pods view shows about a pod's memory, computed from the pod object and the live
 * figures: each container's memory request and limit as the kubelet applies them, % of request
 * and of limit, the pod's sums, the QoS class and why, and the OOM history.
 */
import type { Container, ContainerStateTerminated, ContainerStatus, Pod, QosClass, ResourceList } from './k8sTypes';
import { quantityToBytes, QuantityError } from './quantity';
import { containerOomScoreAdj, effectivePodQosClass, podQosClass } from './qos';
import { describeTermination, timestampMs } from './oomEvents';

/** A container's memory request and limit in bytes (null = not set; a zero quantity counts as not set). */
export interface MemoryResources {
  readonly requestBytes: bigint | null;
  readonly limitBytes: bigint | null;
  /** True when the request is the limit because only a limit is declared (`SetDefaults_Pod`). */
  readonly requestFromLimit: boolean;
  /** `status` after an in-place resize (`containerStatuses[].resources`), else `spec`. */
  readonly from: 'spec' | 'status';
}

/** Memory quantities repeat across pods (`128Mi` in every replica): parse each text once. */
const parsedMemory = new Map<string | number, bigint | null>();
const PARSED_MEMORY_LIMIT = 4096;

function memoryOf(list: ResourceList | undefined): bigint | null {
  const raw = list?.memory;
  if (raw === undefined || raw === null) return null;
  const cached = parsedMemory.get(raw);
  if (cached !== undefined) return cached;
  let bytes: bigint | null;
  try {
    const value = quantityToBytes(raw);
    bytes = value > 0n ? value : null;
  } catch (e) {
    if (!(e instanceof QuantityError)) throw e;
    bytes = null;
  }
  if (parsedMemory.size >= PARSED_MEMORY_LIMIT) parsedMemory.clear();
  parsedMemory.set(raw, bytes);
  return bytes;
}

/** All containers that run side by side: regular ones and sidecars (init containers with `restartPolicy: Always`). */
export function runningContainers(pod: Pod): readonly Container[] {
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  return [...sidecars, ...(pod.spec?.containers ?? [])];
}

function statusOf(pod: Pod, name: string): ContainerStatus | undefined {
  return [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].find((s) => s.name === name);
}

/**
 * The memory request and limit of one container, as the QoS computation sees them: a limit
 * without a request makes the request equal to the limit (API defaulting), so % of request and
 * the QoS class can never disagree. After an in-place resize the status holds what is applied.
 */
export function containerMemoryResources(pod: Pod, containerName: string): MemoryResources {
  const status = statusOf(pod, containerName)?.resources;
  const spec = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === containerName)?.resources;
  const read = (r: typeof spec) => {
    const limitBytes = memoryOf(r?.limits);
    const declaredRequest = memoryOf(r?.requests);
    const requestFromLimit = declaredRequest === null && limitBytes !== null && r?.requests?.memory === undefined;
    return { requestBytes: requestFromLimit ? limitBytes : declaredRequest, limitBytes, requestFromLimit };
  };
  const fromSpec = read(spec);
  // Kubelets with in-place resize report the applied resources in the status; they differ from
  // the spec only while or after a resize.
  if (status !== undefined && (status.limits !== undefined || status.requests !== undefined)) {
    const applied = read(status);
    if (applied.requestBytes !== fromSpec.requestBytes || applied.limitBytes !== fromSpec.limitBytes) return { ...applied, from: 'status' };
  }
  return { ...fromSpec, from: 'spec' };
}

/** % of the request and of the limit (null where that figure is absent). One decimal, rounded down. */
export interface MemoryPercentages {
  readonly ofRequest: number | null;
  readonly ofLimit: number | null;
}

/** Tenths of a percent, rounded down; byte counts fit a double exactly far beyond any node's memory. */
const percent = (part: bigint, whole: bigint | null): number | null => (whole === null || whole <= 0n ? null : Math.floor((Number(part) * 1000) / Number(whole)) / 10);

/** The single "% of request / % of limit" helper; its request is the defaulted one (see `containerMemoryResources`). */
export function memoryPercentages(workingSetBytes: bigint, resources: Pick<MemoryResources, 'requestBytes' | 'limitBytes'>): MemoryPercentages {
  return { ofRequest: percent(workingSetBytes, resources.requestBytes), ofLimit: percent(workingSetBytes, resources.limitBytes) };
}

/**
 * A pod's memory request and limit: the pod-level `spec.resources` when set, else the sums over
 * its running containers. The limit is a sum only when every container has one (one unlimited
 * container makes the pod unlimited: a percentage of the others' limits would be meaningless);
 * the request sums the containers that have one.
 */
export function podMemoryResources(pod: Pod): Pick<MemoryResources, 'requestBytes' | 'limitBytes'> {
  const podLevel = pod.spec?.resources;
  const podLimit = memoryOf(podLevel?.limits);
  const podRequest = memoryOf(podLevel?.requests);
  const perContainer = runningContainers(pod).map((c) => containerMemoryResources(pod, c.name));
  let requestSum: bigint | null = null;
  for (const r of perContainer) if (r.requestBytes !== null) requestSum = (requestSum ?? 0n) + r.requestBytes;
  const everyLimited = perContainer.length > 0 && perContainer.every((r) => r.limitBytes !== null);
  const limitSum = everyLimited ? perContainer.reduce((n, r) => n + (r.limitBytes as bigint), 0n) : null;
  return { requestBytes: podRequest ?? requestSum ?? podLimit, limitBytes: podLimit ?? limitSum };
}

/** The pod's QoS class and, in words, which containers made it so. */
export interface QosExplanation {
  readonly qosClass: QosClass;
  readonly reason: string;
}

export function explainQos(pod: Pod): QosExplanation {
  let qosClass: QosClass;
  try {
    qosClass = effectivePodQosClass(pod);
  } catch (e) {
    if (!(e instanceof QuantityError)) throw e;
    return { qosClass: 'Burstable', reason: `a quantity cannot be read: ${e.message}` };
  }
  const fromStatus = pod.status?.qosClass === qosClass;
  const origin = fromStatus ? 'status.qosClass' : 'computed from the spec';
  if (hasPodLevel(pod)) return { qosClass, reason: `${origin}: pod-level resources (spec.resources) decide, the containers' own are ignored` };
  const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  const single = (c: Container): QosClass => {
    try {
      return podQosClass({ spec: { containers: [c] } });
    } catch {
      return 'Burstable';
    }
  };
  const names = (q: QosClass): string => all.filter((c) => single(c) === q).map((c) => c.name).join(', ');
  switch (qosClass) {
    case 'Guaranteed':
      return { qosClass, reason: `${origin}: every container has cpu and memory requests equal to its limits` };
    case 'BestEffort':
      return { qosClass, reason: `${origin}: no container has a cpu or memory request or limit` };
    case 'Burstable': {
      const burstable = names('Burstable');
      if (burstable !== '') return { qosClass, reason: `${origin}: requests below limits, or missing limits, in ${burstable}` };
      return { qosClass, reason: `${origin}: ${names('Guaranteed')} Guaranteed but ${names('BestEffort')} without resources` };
    }
  }
}

function hasPodLevel(pod: Pod): boolean {
  const r = pod.spec?.resources;
  return ['cpu', 'memory'].some((k) => r?.requests?.[k] !== undefined || r?.limits?.[k] !== undefined);
}

/** The last time a container of this pod was OOM-killed according to its status. */
export interface OomRecord {
  readonly container: string;
  /** ms since the epoch, when known. */
  readonly at: number | undefined;
  readonly exitCode: number;
}

function terminations(s: ContainerStatus): ContainerStateTerminated[] {
  return [s.state?.terminated, s.lastState?.terminated].filter((t): t is ContainerStateTerminated => t !== undefined);
}

/** The container's last OOM kill from its status (`OOMKilled`; exit 137 alone is not an OOM). */
export function lastOomKill(pod: Pod, containerName?: string): OomRecord | undefined {
  let latest: OomRecord | undefined;
  for (const s of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) {
    if (containerName !== undefined && s.name !== containerName) continue;
    for (const t of terminations(s)) {
      if (t.reason !== 'OOMKilled') continue;
      const at = timestampMs(t.finishedAt);
      if (latest === undefined || (at ?? 0) > (latest.at ?? 0)) latest = { container: s.name, at, exitCode: t.exitCode };
    }
  }
  return latest;
}

/** The last termination of a container, in words, or undefined when it never ended. */
export function lastTermination(pod: Pod, containerName: string): { readonly text: string; readonly at: number | undefined } | undefined {
  const s = statusOf(pod, containerName);
  const t = s?.state?.terminated ?? s?.lastState?.terminated;
  if (t === undefined) return undefined;
  return { text: describeTermination(t), at: timestampMs(t.finishedAt) };
}

/** `3m ago`, `2h ago`, `4d ago`: how long ago, for badges. */
export function formatAgo(thenMs: number, nowMs: number): string {
  const s = Math.max(0, Math.floor((nowMs - thenMs) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

/** What `oom_score_adj` means for who the OOM killer picks, in one sentence. */
export function explainOomScoreAdj(adj: number): string {
  if (adj <= -1000) return 'never chosen by the OOM killer';
  if (adj <= -997) return 'chosen last: the kernel subtracts almost its whole limit from its score';
  if (adj >= 1000) return 'chosen first: the kernel adds its whole limit to its score';
  return `between the two: the kernel adds ${(adj / 10).toFixed(1)}% of the limit to its resident memory when ranking it`;
}

/**
 * The Pods view's filter: comma-separated terms that must all hold; `key=value` (or `==`) and
 * `key!=value` match labels, a bare word matches part of the pod's name.
 */
export function podMatchesFilter(pod: Pod, filter: string): boolean {
  const labels = pod.metadata?.labels ?? {};
  return filter
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .every((term) => {
      const ne = /^([^!=]+)!=(.*)$/.exec(term);
      if (ne) return labels[ne[1]!.trim()] !== ne[2]!.trim();
      const eq = /^([^=]+)==?(.*)$/.exec(term);
      if (eq) return labels[eq[1]!.trim()] === eq[2]!.trim();
      return (pod.metadata?.name ?? '').includes(term);
    });
}

/** Everything the Pods view derives from one version of a pod object (not from live figures). */
export interface PodFacts {
  /** The running containers' names (regular ones and sidecars), in order. */
  readonly containerNames: readonly string[];
  readonly containers: ReadonlyMap<string, MemoryResources>;
  readonly pod: Pick<MemoryResources, 'requestBytes' | 'limitBytes'>;
  readonly qos: QosExplanation;
  readonly lastOom: OomRecord | undefined;
  /** The container's oom_score_adj on a node with this much memory; undefined when it cannot be computed. */
  oomScoreAdj(container: string, nodeMemoryBytes: bigint): number | undefined;
}

const factsCache = new WeakMap<Pod, PodFacts>();

/**
 * The facts of a pod, computed once per pod object: a watch replaces the object on every change,
 * so a refresh of unchanged pods re-parses nothing (quantities, QoS, oom_score_adj).
 */
export function podFacts(pod: Pod): PodFacts {
  const cached = factsCache.get(pod);
  if (cached) return cached;
  const containers = new Map<string, MemoryResources>();
  for (const c of runningContainers(pod)) containers.set(c.name, containerMemoryResources(pod, c.name));
  // oom_score_adj depends on the node's capacity, which is the same for every refresh of a node.
  let adjCapacity: bigint | undefined;
  let adj = new Map<string, number | undefined>();
  const facts: PodFacts = {
    containerNames: [...containers.keys()],
    containers,
    pod: podMemoryResources(pod),
    qos: explainQos(pod),
    lastOom: lastOomKill(pod),
    oomScoreAdj(container, nodeMemoryBytes) {
      if (adjCapacity !== nodeMemoryBytes) {
        adjCapacity = nodeMemoryBytes;
        adj = new Map();
      }
      if (!adj.has(container)) {
        try {
          adj.set(container, containerOomScoreAdj(pod, container, nodeMemoryBytes));
        } catch {
          adj.set(container, undefined);
        }
      }
      return adj.get(container);
    },
  };
  factsCache.set(pod, facts);
  return facts;
}
