/**
 * Pod QoS class and container oom_score_adj, exactly as the kubelet computes them:
 * - QoS: kubernetes `pkg/apis/core/v1/helper/qos/qos.go` (`ComputePodQOS`, the per-container
 *   algorithm of 1.33+), run on the spec after `SetDefaults_Pod` (`pkg/apis/core/v1/defaults.go`).
 * - oom_score_adj: kubernetes `pkg/kubelet/qos/policy.go` (`GetContainerOOMScoreAdjust`) with the
 *   component-helpers `resource` aggregation for pod-level requests.
 * Feature gates are taken at their defaults on a current cluster: PodLevelResources on (beta since
 * 1.34); KubeletOOMScoreAdjTieBreak and DRANodeAllocatableResources off (alpha).
 */
import type { Container, Pod, QosClass, ResourceList, ResourceRequirements } from './k8sTypes';
import {
  addQuantities,
  compareQuantities,
  parseQuantity,
  quantityValue,
  QuantityError,
  ZERO_QUANTITY,
  type Quantity,
} from './quantity';

/** Kubelet constants (`pkg/kubelet/qos/policy.go`). */
export const GUARANTEED_OOM_SCORE_ADJ = -997;
export const BESTEFFORT_OOM_SCORE_ADJ = 1000;
export const KUBELET_OOM_SCORE_ADJ = -999;
/** Set by the container runtime (containerd's `defaultSandboxOOMAdj`) on the pause container. */
export const SANDBOX_OOM_SCORE_ADJ = -998;
/** Lowest value a Burstable container can get: 1000 + guaranteedOOMScoreAdj. */
export const BURSTABLE_MIN_OOM_SCORE_ADJ = 1000 + GUARANTEED_OOM_SCORE_ADJ;
export const BURSTABLE_MAX_OOM_SCORE_ADJ = BESTEFFORT_OOM_SCORE_ADJ - 1;

/** `scheduling.SystemCriticalPriority` = 2 * HighestUserDefinablePriority. */
export const SYSTEM_CRITICAL_PRIORITY = 2_000_000_000;
export const SYSTEM_NODE_CRITICAL = 'system-node-critical';

/** Which kubelet feature gates to assume; the defaults are those of a current cluster. */
export interface QosOptions {
  /** PodLevelResources: honour `spec.resources` (default true; beta and on since 1.34). */
  readonly podLevelResources?: boolean;
}

const QOS_RESOURCES = ['cpu', 'memory'] as const;

type ParsedList = Map<string, Quantity>;

interface ParsedRequirements {
  readonly requests: ParsedList;
  readonly limits: ParsedList;
}

interface ParsedContainer {
  readonly name: string;
  readonly sidecar: boolean;
  readonly resources: ParsedRequirements;
}

interface ParsedPod {
  readonly containers: readonly ParsedContainer[];
  readonly initContainers: readonly ParsedContainer[];
  /** `spec.resources` after defaulting, or undefined when the pod has none. */
  readonly podResources: ParsedRequirements | undefined;
}

function parseList(list: ResourceList | undefined, where: string): ParsedList {
  const parsed: ParsedList = new Map();
  if (list === undefined || list === null) return parsed;
  for (const [name, raw] of Object.entries(list)) {
    if (raw === undefined) continue;
    // A JSON/YAML null unmarshals to a zero Quantity in Go, and the key still counts as present.
    if (raw === null) {
      parsed.set(name, ZERO_QUANTITY);
      continue;
    }
    try {
      parsed.set(name, parseQuantity(raw));
    } catch (error) {
      if (error instanceof QuantityError) {
        throw new QuantityError(error.input, `${where} ${name}: ${error.message}`);
      }
      throw error;
    }
  }
  return parsed;
}

/** `SetDefaults_Pod` for one container: each limit without a request becomes the request. */
function defaultedRequirements(resources: ResourceRequirements | undefined, where: string): ParsedRequirements {
  const requests = parseList(resources?.requests, `${where} requests`);
  const limits = parseList(resources?.limits, `${where} limits`);
  for (const [name, limit] of limits) {
    if (!requests.has(name)) requests.set(name, limit);
  }
  return { requests, limits };
}

const isHugePages = (name: string): boolean => name.startsWith('hugepages-');
/** component-helpers `IsSupportedPodLevelResource`. */
const isSupportedPodLevelResource = (name: string): boolean => name === 'cpu' || name === 'memory' || isHugePages(name);
/** `IsOvercommitAllowed`: native resources other than hugepages (only cpu/memory matter here). */
const isOvercommitAllowed = (name: string): boolean => name === 'cpu' || name === 'memory';

function hasSupportedPodLevel(list: ParsedList): boolean {
  for (const name of list.keys()) if (isSupportedPodLevelResource(name)) return true;
  return false;
}

function addInto(total: ParsedList, list: ParsedList): void {
  for (const [name, q] of list) total.set(name, addQuantities(total.get(name) ?? ZERO_QUANTITY, q));
}

function maxInto(total: ParsedList, list: ParsedList): void {
  for (const [name, q] of list) {
    const current = total.get(name);
    if (current === undefined || compareQuantities(q, current) > 0) total.set(name, q);
  }
}

/**
 * component-helpers `AggregateContainerRequests`/`AggregateContainerLimits`: regular containers
 * and sidecars add up; each plain init container runs alone (plus the sidecars started before it),
 * so the pod needs the larger of the two.
 */
function aggregateContainers(pod: ParsedPod, pick: (r: ParsedRequirements) => ParsedList): ParsedList {
  const total: ParsedList = new Map();
  for (const c of pod.containers) addInto(total, pick(c.resources));
  const sidecars: ParsedList = new Map();
  const initPeak: ParsedList = new Map();
  for (const c of pod.initContainers) {
    let during: ParsedList;
    if (c.sidecar) {
      addInto(total, pick(c.resources));
      addInto(sidecars, pick(c.resources));
      during = sidecars;
    } else {
      during = new Map();
      addInto(during, pick(c.resources));
      addInto(during, sidecars);
    }
    maxInto(initPeak, during);
  }
  maxInto(total, initPeak);
  return total;
}

function parsePod(pod: Pod, options: QosOptions): ParsedPod {
  const spec = pod.spec ?? {};
  const parseContainer = (c: Container, init: boolean): ParsedContainer => ({
    name: c.name,
    sidecar: init && c.restartPolicy === 'Always',
    resources: defaultedRequirements(c.resources, `${init ? 'init container' : 'container'} "${c.name}"`),
  });
  const containers = (spec.containers ?? []).map((c) => parseContainer(c, false));
  const initContainers = (spec.initContainers ?? []).map((c) => parseContainer(c, true));
  const base: ParsedPod = { containers, initContainers, podResources: undefined };
  if (options.podLevelResources === false || spec.resources === undefined || spec.resources === null) return base;

  const requests = parseList(spec.resources.requests, 'pod-level requests');
  const limits = parseList(spec.resources.limits, 'pod-level limits');
  // defaultHugePagePodLimits: hugepage limits come from the containers when the pod sets none.
  if (limits.size > 0 || requests.size > 0) {
    for (const [name, q] of aggregateContainers(base, (r) => r.limits)) {
      if (isHugePages(name) && !requests.has(name) && !limits.has(name)) limits.set(name, q);
    }
  }
  // defaultPodRequests: with pod-level limits, a missing pod-level request defaults to the
  // containers' aggregate request (cpu, memory) and otherwise to the pod-level limit.
  if (limits.size > 0) {
    for (const [name, q] of aggregateContainers(base, (r) => r.requests)) {
      if (!requests.has(name) && isSupportedPodLevelResource(name) && isOvercommitAllowed(name)) requests.set(name, q);
    }
    for (const [name, q] of limits) {
      if (!requests.has(name) && isSupportedPodLevelResource(name)) requests.set(name, q);
    }
  }
  // defaultPodLimits: with pod-level requests and no pod-level limits, a limit every container
  // declares adds up into the pod-level limit.
  if (!hasSupportedPodLevel(limits) && hasSupportedPodLevel(requests)) {
    const all = [...containers, ...initContainers];
    for (const [name, q] of aggregateContainers(base, (r) => r.limits)) {
      if (limits.has(name) || !isSupportedPodLevelResource(name) || !isOvercommitAllowed(name)) continue;
      if (all.every((c) => c.resources.limits.has(name))) limits.set(name, q);
    }
  }
  return { ...base, podResources: { requests, limits } };
}

/** component-helpers `IsPodLevelResourcesSet`. */
function podLevelResourcesSet(pod: ParsedPod): boolean {
  const r = pod.podResources;
  return r !== undefined && (hasSupportedPodLevel(r.requests) || hasSupportedPodLevel(r.limits));
}

/** component-helpers `IsPodLevelRequestsSet`. */
function podLevelRequestsSet(pod: ParsedPod): boolean {
  return pod.podResources !== undefined && hasSupportedPodLevel(pod.podResources.requests);
}

/** qos.go `resourceQOS`: the class one set of requirements would give on its own. */
function requirementsQos(r: ParsedRequirements): QosClass {
  if (r.requests.size === 0 && r.limits.size === 0) return 'BestEffort';
  let qos: QosClass | undefined;
  for (const name of QOS_RESOURCES) {
    const request = r.requests.get(name) ?? ZERO_QUANTITY;
    const limit = r.limits.get(name) ?? ZERO_QUANTITY;
    if (compareQuantities(request, limit) !== 0) return 'Burstable';
    const bestEffort = request.sign === 0;
    if (qos === undefined) qos = bestEffort ? 'BestEffort' : 'Guaranteed';
    else if (bestEffort !== (qos === 'BestEffort')) return 'Burstable';
  }
  return qos ?? 'BestEffort';
}

function computeQos(pod: ParsedPod): QosClass {
  if (podLevelResourcesSet(pod)) return requirementsQos(pod.podResources as ParsedRequirements);
  let podQos: QosClass | undefined;
  // Init containers (sidecars included) first, then regular ones, as podutil.ContainerIter does.
  for (const c of [...pod.initContainers, ...pod.containers]) {
    const qos = requirementsQos(c.resources);
    if (qos === 'Burstable') return qos;
    if (podQos === undefined) podQos = qos;
    else if (podQos !== qos) return 'Burstable';
  }
  return podQos ?? 'BestEffort';
}

/**
 * The QoS class the API server gives this pod, computed from its spec after Pod defaulting (a
 * limit without a request counts as both), so it also works for manifests and templates that have
 * no `status`. For a pod read from a cluster prefer `status.qosClass` (see `effectivePodQosClass`).
 * Throws `QuantityError` (naming the container and resource) if a quantity is malformed.
 */
export function podQosClass(pod: Pod, options: QosOptions = {}): QosClass {
  return computeQos(parsePod(pod, options));
}

const isQosClass = (v: unknown): v is QosClass => v === 'Guaranteed' || v === 'Burstable' || v === 'BestEffort';

/** The kubelet's `GetPodQOS`: `status.qosClass` when set, otherwise computed from the spec. */
export function effectivePodQosClass(pod: Pod, options: QosOptions = {}): QosClass {
  const fromStatus = pod.status?.qosClass;
  return isQosClass(fromStatus) ? fromStatus : podQosClass(pod, options);
}

/**
 * kubelet `types.IsNodeCriticalPod`: a critical pod (static, mirror, or priority >= 2000000000)
 * whose `priorityClassName` is `system-node-critical`.
 */
export function isNodeCriticalPod(pod: Pod): boolean {
  if (pod.spec?.priorityClassName !== SYSTEM_NODE_CRITICAL) return false;
  const annotations = pod.metadata?.annotations ?? {};
  const source = annotations['kubernetes.io/config.source'];
  const isStatic = source !== undefined && source !== 'api';
  const isMirror = annotations['kubernetes.io/config.mirror'] !== undefined;
  const priority = pod.spec?.priority;
  return isStatic || isMirror || (typeof priority === 'number' && priority >= SYSTEM_CRITICAL_PRIORITY);
}

function memoryRequestBytes(c: ParsedContainer, label: string): bigint {
  return quantityValue(c.resources.requests.get('memory') ?? ZERO_QUANTITY, label);
}

/** Go int64 division truncates toward zero; bigint division does the same. */
function burstableFormula(memoryRequest: bigint, memoryCapacity: bigint): bigint {
  return 1000n - (1000n * memoryRequest) / memoryCapacity;
}

/**
 * The oom_score_adj the kubelet gives every process of container `containerName`
 * (`GetContainerOOMScoreAdjust`):
 * - node-critical pods and Guaranteed pods: -997; BestEffort: 1000;
 * - Burstable: `1000 - 1000*memoryRequest/memoryCapacity` (int64 division), where a pod-level
 *   memory request not claimed by the containers is shared equally by every container; a sidecar
 *   (init container with `restartPolicy: Always`) never scores above the regular container with the
 *   smallest request; the result is clamped to [3, 999].
 * `memoryCapacityBytes` is the node's memory capacity (`status.capacity.memory`).
 * Throws a `RangeError` for an unknown container or a capacity <= 0, and `QuantityError` for a
 * malformed quantity in the spec.
 */
export function containerOomScoreAdj(
  pod: Pod,
  containerName: string,
  memoryCapacityBytes: bigint,
  options: QosOptions = {},
): number {
  if (memoryCapacityBytes <= 0n) {
    throw new RangeError(`The node memory capacity must be positive to compute oom_score_adj, got ${memoryCapacityBytes}.`);
  }
  const parsed = parsePod(pod, options);
  // Ephemeral (debug) containers cannot declare resources: the kubelet scores them with a zero request.
  const ephemeral = (pod.spec?.ephemeralContainers ?? []).some((c) => c.name === containerName)
    ? { name: containerName, sidecar: false, resources: { requests: new Map(), limits: new Map() } }
    : undefined;
  const container =
    parsed.containers.find((c) => c.name === containerName) ??
    parsed.initContainers.find((c) => c.name === containerName) ??
    ephemeral;
  if (container === undefined) {
    const podName = pod.metadata?.name ?? '(unnamed)';
    throw new RangeError(`Pod ${podName} has no container, init container or ephemeral container named "${containerName}".`);
  }

  if (isNodeCriticalPod(pod)) return GUARANTEED_OOM_SCORE_ADJ;
  const status = pod.status?.qosClass;
  const qos = isQosClass(status) ? status : computeQos(parsed);
  if (qos === 'Guaranteed') return GUARANTEED_OOM_SCORE_ADJ;
  if (qos === 'BestEffort') return BESTEFFORT_OOM_SCORE_ADJ;

  const label = `memory request of container "${containerName}"`;
  const containerRequest = memoryRequestBytes(container, label);
  const podShare = podLevelRequestsSet(parsed) ? remainingPodMemoryRequestPerContainer(parsed) : 0n;
  let adj = burstableFormula(containerRequest + podShare, memoryCapacityBytes);

  if (container.sidecar && parsed.initContainers.includes(container)) {
    // minRegularContainerMemory reads pod.Spec.Containers[0]: a pod always has one.
    if (parsed.containers.length > 0) {
      let minRegular = memoryRequestBytes(parsed.containers[0] as ParsedContainer, label);
      for (const c of parsed.containers.slice(1)) {
        const r = memoryRequestBytes(c, label);
        if (r < minRegular) minRegular = r;
      }
      const minAdj = burstableFormula(minRegular + podShare, memoryCapacityBytes);
      if (adj > minAdj) adj = minAdj;
    }
  }

  if (adj < BigInt(BURSTABLE_MIN_OOM_SCORE_ADJ)) return BURSTABLE_MIN_OOM_SCORE_ADJ;
  if (adj === BigInt(BESTEFFORT_OOM_SCORE_ADJ)) return BURSTABLE_MAX_OOM_SCORE_ADJ;
  return Number(adj);
}

/**
 * policy.go `remainingPodMemReqPerContainer`: the pod-level memory request minus what the
 * containers request in aggregate, split equally over regular and init containers (int64 division).
 */
function remainingPodMemoryRequestPerContainer(pod: ParsedPod): bigint {
  const podRequest = pod.podResources?.requests.get('memory') ?? ZERO_QUANTITY;
  if (podRequest.sign === 0) return 0n;
  const count = BigInt(pod.containers.length + pod.initContainers.length);
  if (count === 0n) return 0n;
  const aggregate = aggregateContainers(pod, (r) => r.requests).get('memory') ?? ZERO_QUANTITY;
  const remaining = quantityValue(podRequest, 'pod-level memory request') - quantityValue(aggregate, 'aggregate memory request');
  return remaining / count;
}
