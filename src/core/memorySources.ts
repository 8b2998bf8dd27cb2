/**
 * The two places a cluster reports container memory, parsed into one shape:
 * - the kubelet Summary API (`/api/v1/nodes/{node}/proxy/stats/summary`, k8s.io/kubelet
 *   `pkg/apis/stats/v1alpha1/types.go`): working set, usage, RSS, page faults per container, with
 *   the sample's own `time` (whole seconds; the kubelet answers from a cache refreshed every 10–15 s,
 *   so a re-read with the same time is not new data);
 * - metrics.k8s.io `PodMetricsList` (metrics-server, kubernetes/metrics `v1beta1/types.go`): the
 *   working set only ("The memory usage is the memory working set"), as a Quantity.
 * Pure parsing: JSON in, figures out, and a `MemorySourceError` naming the field when the JSON is
 * not what the API sends.
 */
import { quantityToBytes, QuantityError } from './quantity';

export class MemorySourceError extends Error {
  override readonly name = 'MemorySourceError';
}

/** Where a memory figure came from; shown to the user next to it. */
export type MemorySourceKind = 'summary' | 'metrics';

/** One container's (or pod's, or node's) memory at one instant. */
export interface MemoryFigures {
  /** The sample's own time (RFC 3339), not when it was fetched. */
  readonly time: string;
  readonly workingSetBytes: bigint;
  /** Summary API only. */
  readonly usageBytes?: bigint;
  readonly rssBytes?: bigint;
  readonly pageFaults?: bigint;
  readonly majorPageFaults?: bigint;
  /** Summary API: limit − working set, present only when the cgroup has a limit. */
  readonly availableBytes?: bigint;
  readonly source: MemorySourceKind;
}

export interface ContainerMemory {
  readonly name: string;
  readonly memory: MemoryFigures | undefined;
}

export interface PodMemory {
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string;
  /** The pod cgroup (Summary API only): all containers plus overhead. */
  readonly memory: MemoryFigures | undefined;
  readonly containers: readonly ContainerMemory[];
}

export interface NodeMemorySummary {
  readonly nodeName: string;
  readonly memory: MemoryFigures | undefined;
  readonly pods: readonly PodMemory[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where a field is, built only for an error message (a 2,000-pod refresh must not build strings it never shows). */
type Where = () => string;

function uint(value: unknown, where: Where, key: string): bigint | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new MemorySourceError(`${where()}.${key} is not a whole number of bytes: ${JSON.stringify(value)}`);
  }
  return BigInt(value);
}

function text(value: unknown, where: Where, key: string): string {
  if (typeof value !== 'string' || value === '') throw new MemorySourceError(`${where()}.${key} is missing or not a string`);
  return value;
}

/** Summary API `MemoryStats`; undefined when absent or without a time (no sample yet). */
function summaryMemory(value: unknown, where: Where): MemoryFigures | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new MemorySourceError(`${where()} is not an object`);
  if (value.time === undefined) return undefined;
  const time = text(value.time, where, 'time');
  // The kubelet omits workingSetBytes only when cAdvisor has no memory for the container.
  const workingSet = uint(value.workingSetBytes, where, 'workingSetBytes');
  if (workingSet === undefined) return undefined;
  const figures: { -readonly [K in keyof MemoryFigures]: MemoryFigures[K] } = { time, workingSetBytes: workingSet, source: 'summary' };
  if (value.usageBytes !== undefined) figures.usageBytes = uint(value.usageBytes, where, 'usageBytes');
  if (value.rssBytes !== undefined) figures.rssBytes = uint(value.rssBytes, where, 'rssBytes');
  if (value.pageFaults !== undefined) figures.pageFaults = uint(value.pageFaults, where, 'pageFaults');
  if (value.majorPageFaults !== undefined) figures.majorPageFaults = uint(value.majorPageFaults, where, 'majorPageFaults');
  if (value.availableBytes !== undefined) figures.availableBytes = uint(value.availableBytes, where, 'availableBytes');
  return figures;
}

/**
 * Parses one node's Summary API answer. Throws `MemorySourceError` when it is not a Summary. With
 * `problems`, a pod whose entry is malformed is left out and why is pushed there instead, so one
 * bad entry does not take every other pod's figures with it.
 */
export function parseNodeSummary(json: unknown, problems?: string[]): NodeMemorySummary {
  if (!isObject(json) || !isObject(json.node)) throw new MemorySourceError('The answer is not a kubelet Summary (no "node" object).');
  const nodeName = text(json.node.nodeName, () => 'node', 'nodeName');
  const podsRaw = json.pods ?? [];
  if (!Array.isArray(podsRaw)) throw new MemorySourceError('"pods" is not a list');
  const pods: PodMemory[] = [];
  for (let i = 0; i < podsRaw.length; i++) {
    try {
      pods.push(summaryPod(podsRaw[i], i));
    } catch (e) {
      if (!problems || !(e instanceof MemorySourceError)) throw e;
      problems.push(e.message);
    }
  }
  return { nodeName, memory: summaryMemory(json.node.memory, () => 'node.memory'), pods };
}

function summaryPod(p: unknown, i: number): PodMemory {
  {
    const where = (): string => `pods[${i}]`;
    if (!isObject(p) || !isObject(p.podRef)) throw new MemorySourceError(`${where()}.podRef is missing`);
    const containers = (): ContainerMemory[] => {
      const containersRaw = p.containers ?? [];
      if (!Array.isArray(containersRaw)) throw new MemorySourceError(`${where()}.containers is not a list`);
      const out: ContainerMemory[] = [];
      for (let j = 0; j < containersRaw.length; j++) {
        const c: unknown = containersRaw[j];
        const cw = (): string => `${where()}.containers[${j}]`;
        if (!isObject(c)) throw new MemorySourceError(`${cw()} is not an object`);
        out.push({ name: text(c.name, cw, 'name'), memory: summaryMemory(c.memory, () => `${cw()}.memory`) });
      }
      return out;
    };
    const podRef = p.podRef;
    const ref = (): string => `${where()}.podRef`;
    const name = text(podRef.name, ref, 'name');
    const named = (e: unknown): never => {
      throw e instanceof MemorySourceError ? new MemorySourceError(`pod ${name}: ${e.message}`) : e;
    };
    try {
      return {
        namespace: text(podRef.namespace, ref, 'namespace'),
        name,
        ...(typeof podRef.uid === 'string' ? { uid: podRef.uid } : {}),
        memory: summaryMemory(p.memory, () => `${where()}.memory`),
        containers: containers(),
      };
    } catch (e) {
      return named(e);
    }
  }
}

/**
 * Parses a metrics.k8s.io `PodMetricsList` (or a single `PodMetrics`). With `problems`, a malformed
 * item is left out and why is pushed there (as parseNodeSummary does).
 */
export function parsePodMetricsList(json: unknown, problems?: string[]): PodMemory[] {
  if (!isObject(json)) throw new MemorySourceError('The answer is not a PodMetricsList.');
  const items: unknown[] = json.kind === 'PodMetrics' ? [json] : Array.isArray(json.items) ? json.items : [];
  if (json.kind !== 'PodMetrics' && !Array.isArray(json.items)) throw new MemorySourceError('The PodMetricsList has no "items".');
  const pods: PodMemory[] = [];
  items.forEach((item, i) => {
    try {
      pods.push(podMetricsItem(item, i));
    } catch (e) {
      if (!problems || !(e instanceof MemorySourceError)) throw e;
      const name = isObject(item) && isObject(item.metadata) && typeof item.metadata.name === 'string' ? `pod ${item.metadata.name}: ` : '';
      problems.push(`${name}${e.message}`);
    }
  });
  return pods;
}

function podMetricsItem(item: unknown, i: number): PodMemory {
  {
    const where = (): string => `items[${i}]`;
    if (!isObject(item) || !isObject(item.metadata)) throw new MemorySourceError(`${where()}.metadata is missing`);
    const time = text(item.timestamp, where, 'timestamp');
    const containers = Array.isArray(item.containers) ? item.containers : [];
    const meta = (): string => `${where()}.metadata`;
    return {
      namespace: text(item.metadata.namespace, meta, 'namespace'),
      name: text(item.metadata.name, meta, 'name'),
      memory: undefined,
      containers: containers.map((c: unknown, j): ContainerMemory => {
        const cw = (): string => `${where()}.containers[${j}]`;
        if (!isObject(c)) throw new MemorySourceError(`${cw()} is not an object`);
        const name = text(c.name, cw, 'name');
        const usage = isObject(c.usage) ? c.usage.memory : undefined;
        if (usage === undefined) return { name, memory: undefined };
        if (typeof usage !== 'string' && typeof usage !== 'number') throw new MemorySourceError(`${cw()}.usage.memory is not a quantity: ${JSON.stringify(usage)}`);
        let bytes: bigint;
        try {
          bytes = quantityToBytes(usage as string | number);
        } catch (e) {
          if (e instanceof QuantityError) throw new MemorySourceError(`${cw()}.usage.memory: ${e.message}`);
          throw e;
        }
        return { name, memory: { time, workingSetBytes: bytes, source: 'metrics' } };
      }),
    };
  }
}

/** `namespace/name`: the key pods are matched by across sources. */
export const podKey = (namespace: string, name: string): string => `${namespace}/${name}`;
