// The sandbox's kubelet: registers the Node objects, runs every pod of the store as real
// processes in real memory cgroups (through runtime/), and writes back what a kubelet writes:
// pod and container statuses (restartCount, lastState.terminated with OOMKilled when the kernel
// killed the main process, CrashLoopBackOff back-off), QoS class, conditions, and events with the
// kubelet's reasons and messages, aggregated with count/firstTimestamp/lastTimestamp as its event
// recorder does. It also serves the node side of the API: exec, logs, the Summary API and
// metrics.k8s.io figures, all read from the kernel's cgroup files.
//
// One machine, many nodes: every Node object is this host (same capacity, same node figures);
// pods are assigned to a node by spec.nodeName or round-robin, which only decides where they are
// listed. Each pod gets its own loopback IP (127.n.x.y, n leased per sandbox: 1 for the first one
// running on the host) because all pods share the host network.
//
// What differs from a real kubelet, knowingly:
// - no network, PID, IPC or UTS namespace and no root filesystem: containers run the host's
//   binaries (images/index.ts) and see every process; only the memory cgroup and the mount
//   namespace (for /sys/fs/cgroup) are the container's own;
// - pod deletion is immediate in the store, so the kubelet stops containers after the fact
//   (SIGTERM, SIGKILL after min(terminationGracePeriodSeconds, 30) s);
// - oom_score_adj below the kubelet's own needs CAP_SYS_RESOURCE: without it (some sandboxes,
//   e.g. this CI's VM) Guaranteed containers keep 0 instead of -997, and the start log says so;
// - volumes, configMap/secret env sources, image pulls, gRPC probes, lifecycle hooks, evictions
//   and SystemOOM node events are not implemented.
import { readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import { containerOomScoreAdj, podQosClass } from '../../src/core/qos';
import { bytesToQuantity, quantityToBytes } from '../../src/core/quantity';
import type { Pod as CorePod } from '../../src/core/k8sTypes';
import type { ContainerProcess, ExecOptions, LogOptions, NodeAgent } from './contracts';
import { ApiError, notFound, type KObject, type Store, type StoreEvent } from './store';
import { imageId, resolveCommand } from './images';
import { SandboxPrerequisiteError } from './runtime/errors';
import { checkPrerequisites } from './runtime/prerequisites';
import { detectCgroupLayout } from './runtime/cgroup';
import { SandboxRuntime, effectiveOomScoreAdj, type ContainerExit, type RuntimeContainer } from './runtime/runtime';
import type { ContainerLog } from './runtime/logs';
import { TimerQueue, type TimerHandle } from './runtime/timers';
import { LoopbackLease } from './runtime/network';
import { probeTiming, runProbe, type ProbeSpec } from './runtime/probes';
import { readCgroupCpuNanos, readCgroupFigures, readMeminfo, readNodeCpuNanos, readNodeMemory, type MemoryFigures } from './runtime/stats';

export { SandboxPrerequisiteError };

export interface KubeletOptions {
  nodeNames: string[];
  instanceName: string;
  log?: (line: string) => void;
  /**
   * `status.capacity.pods` of each node. Default: the kubelet's maxPods of 110, raised to the
   * largest number of pods the store already pins to one node at start (benchmark scenarios put
   * 500 pods on a node, as clusters with a raised maxPods do).
   */
  maxPods?: number;
}

/** The Kubernetes version the sandbox's API server reports; the kubelet says the same. */
const KUBELET_VERSION = 'v1.33.1';
const PROBE_USER_AGENT = 'kube-probe/1.33';
/** Kubelet back-off for restarting containers (pkg/kubelet/kubelet.go: 10s doubling up to 300s). */
const BACKOFF_INITIAL_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;
/** A back-off entry is forgotten after twice the maximum without an update (flowcontrol.Backoff). */
const BACKOFF_RESET_MS = 2 * BACKOFF_MAX_MS;
/** How soon a pod worker retries a sync that failed (here: a container in back-off). */
const POD_WORKER_BACKOFF_MS = 10_000;
/** Containers started at once while (re)syncing many pods. */
const START_CONCURRENCY = 8;

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { fieldPath: string };
    resourceFieldRef?: { containerName?: string; resource: string; divisor?: string | number };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
  };
}

interface ContainerSpec {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
  livenessProbe?: ProbeSpec;
  readinessProbe?: ProbeSpec;
  startupProbe?: ProbeSpec;
}

type ProbeKind = 'liveness' | 'readiness' | 'startup';
const PROBE_LABEL: Record<ProbeKind, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };

type ContainerState =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | { terminated: TerminatedState };

interface TerminatedState {
  exitCode: number;
  reason: string;
  message?: string;
  startedAt: string;
  finishedAt: string;
  containerID: string;
}

class ContainerRecord {
  instance: RuntimeContainer | undefined;
  /** The most recent instance that ended: `kubectl logs --previous`, and the log while restarting. */
  lastInstance: RuntimeContainer | undefined;
  restartCount = 0;
  state: ContainerState = { waiting: { reason: 'ContainerCreating' } };
  lastState: { terminated?: TerminatedState } = {};
  ready = false;
  started = false;
  containerID: string | undefined;
  imageID = '';
  backoff: { delayMs: number; lastUpdate: number } | undefined;
  restartTimer: TimerHandle | undefined;
  probeTimers: TimerHandle[] = [];
  /** Why the kubelet is stopping the current instance (its own kill is never an OOM kill). */
  killReason: string | undefined;

  /** Init container: ran to completion (exit 0). Sidecar: started. Then the pod moves on. */
  initDone = false;
  /** Its first start has been queued. */
  launched = false;
  /** A restart is queued: restartCount goes up when it starts. */
  restartPending = false;
  /** The image pull back-off (ImagePullBackOff), 0 before the first failure. */
  imagePullBackoffMs = 0;

  /** `sidecar` is an init container with `restartPolicy: Always` (it keeps running beside the app). */
  constructor(
    public spec: ContainerSpec,
    readonly kind: 'regular' | 'init' | 'sidecar' = 'regular',
  ) {}

  get name(): string {
    return this.spec.name;
  }

  get fieldPath(): string {
    return this.kind === 'regular' ? `spec.containers{${this.spec.name}}` : `spec.initContainers{${this.spec.name}}`;
  }
}

interface ConditionState {
  status: 'True' | 'False';
  reason?: string;
  message?: string;
  time: string;
}

class PodRecord {
  readonly containers: ContainerRecord[];
  readonly initContainers: ContainerRecord[];
  appLaunched = false;
  readonly conditions = new Map<string, ConditionState>();
  terminating = false;
  sandboxReady = false;
  startTime: string | undefined;
  qosClass: string;

  constructor(
    readonly pod: KObject,
    readonly nodeName: string,
    readonly podIP: string,
  ) {
    const spec = pod.spec as { containers?: ContainerSpec[]; initContainers?: (ContainerSpec & { restartPolicy?: string })[] };
    this.containers = (spec.containers ?? []).map((c) => new ContainerRecord(c));
    this.initContainers = (spec.initContainers ?? []).map((c) => new ContainerRecord(c, c.restartPolicy === 'Always' ? 'sidecar' : 'init'));
    if (this.initContainers.length) for (const c of this.containers) c.state = { waiting: { reason: 'PodInitializing' } };
    try {
      this.qosClass = podQosClass(pod as unknown as CorePod);
    } catch {
      this.qosClass = 'BestEffort';
    }
  }

  /** Init containers (sidecars included) then regular ones. */
  get all(): ContainerRecord[] {
    return [...this.initContainers, ...this.containers];
  }
  get uid(): string {
    return this.pod.metadata.uid!;
  }
  get namespace(): string {
    return this.pod.metadata.namespace ?? 'default';
  }
  get name(): string {
    return this.pod.metadata.name!;
  }
  get restartPolicy(): string {
    return ((this.pod.spec as { restartPolicy?: string }).restartPolicy ?? 'Always') as string;
  }
  get gracePeriodSeconds(): number {
    return Math.min(30, (this.pod.spec as { terminationGracePeriodSeconds?: number }).terminationGracePeriodSeconds ?? 30);
  }
  /** `format.Pod`: name_namespace(uid), as kubelet messages print a pod. */
  get formatted(): string {
    return `${this.name}_${this.namespace}(${this.uid})`;
  }
}

/** RFC 3339 with whole seconds, as metav1.Time serializes. */
const rfc3339 = (d: Date = new Date()): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Go's time.Duration.String() for whole seconds: 10s, 1m20s, 5m0s. */
function goDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60}s`;
  return `${Math.floor(m / 60)}h${m % 60}m${s % 60}s`;
}

/** Kubernetes `$(VAR)` expansion of command, args and env values; `$$(` escapes. */
function expandVars(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    return name !== undefined && name in env ? env[name] : m;
  });
}

export class Kubelet implements NodeAgent {
  private runtime: SandboxRuntime | undefined;
  private readonly pods = new Map<string, PodRecord>();
  private readonly byName = new Map<string, string>();
  private readonly timers: TimerQueue;
  private readonly log: (line: string) => void;
  private unwatch: (() => void) | undefined;
  private stopped = false;
  private started = false;
  private nextIp = 0;
  private roundRobin = 0;
  private memoryCapacity = 0n;
  private readonly startedAt = new Date();
  private readonly dirty = new Set<PodRecord>();
  private flushScheduled = false;
  private readonly eventKeys = new Map<string, string>();
  private readonly startQueue: (() => Promise<void>)[] = [];
  private activeStarts = 0;
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly cpuSamples = new Map<string, { nanos: number; at: number; rate: number }>();
  private lastEventNanos = 0n;
  private readonly layoutVersion: 1 | 2;
  private warnedOomScoreAdj = false;
  private lease: LoopbackLease | undefined;
  private readonly binding = new Set<string>();
  private maxPods = 110;
  private memoryPressure = false;
  private lastNodeReport = Date.now();

  constructor(
    private readonly store: Store,
    private readonly options: KubeletOptions,
  ) {
    if (!options.nodeNames.length) throw new Error('the kubelet needs at least one node name');
    this.log = options.log ?? (() => {});
    this.timers = new TimerQueue((e) => this.log(`kubelet timer error: ${(e as Error).stack ?? e}`));
    let version: 1 | 2 = 1;
    try {
      version = detectCgroupLayout().version;
    } catch {
      // start() reports the missing controller
    }
    this.layoutVersion = version;
  }

  /** 2 when the host's cgroup2 has the memory controller, else 1. */
  get cgroupVersion(): 1 | 2 {
    return this.runtime?.version ?? this.layoutVersion;
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('the kubelet is already started');
    this.started = true;
    checkPrerequisites();
    const layout = detectCgroupLayout();
    this.runtime = new SandboxRuntime(this.options.instanceName, layout);
    await this.runtime.init(this.log);
    this.lease = LoopbackLease.acquire(this.options.instanceName);
    const meminfo = await readMeminfo();
    this.memoryCapacity = BigInt(meminfo.get('MemTotal') ?? 0);
    const { items, resourceVersion } = this.store.list('pods');
    const perNode = new Map<string, number>();
    for (const p of items) {
      const n = (p.spec as { nodeName?: string } | undefined)?.nodeName;
      if (n) perNode.set(n, (perNode.get(n) ?? 0) + 1);
    }
    this.maxPods = this.options.maxPods ?? Math.max(110, ...perNode.values());
    this.registerNodes();
    this.unwatch = this.store.watch('pods', undefined, Number(resourceVersion), (e) => {
      try {
        this.onPodEvent(e);
      } catch (err) {
        // the store swallows listener errors: say what went wrong instead of a silently stuck pod
        this.log(`kubelet: handling ${e.type} of pod ${e.object.metadata.namespace}/${e.object.metadata.name}: ${(err as Error).stack ?? err}`);
      }
    });
    for (const pod of items) this.admit(pod);
    this.timers.after(10_000, () => this.housekeeping());
    this.log(`kubelet: cgroup v${layout.version} at ${this.runtime.cgroups.root}, nodes ${this.options.nodeNames.join(', ')}`);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unwatch?.();
    this.timers.stop();
    this.startQueue.length = 0;
    for (const p of this.pods.values()) p.terminating = true;
    await Promise.allSettled([...this.inflight]);
    await this.runtime?.destroy();
    this.lease?.release();
  }

  // ---------------------------------------------------------------- nodes

  private nodeObject(name: string): KObject {
    const meminfo = this.memoryCapacity;
    const cpus = String(os.cpus().length || 1);
    const memory = `${meminfo / 1024n}Ki`;
    const capacity = {
      cpu: cpus,
      memory,
      pods: String(this.maxPods),
      'ephemeral-storage': '0',
      'hugepages-2Mi': '0',
    };
    const now = rfc3339();
    const arch = process.arch === 'x64' ? 'amd64' : process.arch;
    let osImage = 'Linux';
    try {
      osImage = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? osImage;
    } catch {
      // keep "Linux"
    }
    const condition = (type: string, status: string, reason: string, message: string) => ({ type, status, lastHeartbeatTime: now, lastTransitionTime: now, reason, message });
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels: {
          'beta.kubernetes.io/arch': arch,
          'beta.kubernetes.io/os': 'linux',
          'kubernetes.io/arch': arch,
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
        },
        annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
      },
      spec: {},
      status: {
        capacity,
        allocatable: { ...capacity },
        conditions: [
          condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
          condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
          condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
          condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
        ],
        addresses: [
          { type: 'InternalIP', address: '127.0.0.1' },
          { type: 'Hostname', address: name },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: {
          machineID: readOr('/etc/machine-id'),
          systemUUID: readOr('/sys/class/dmi/id/product_uuid'),
          bootID: readOr('/proc/sys/kernel/random/boot_id'),
          kernelVersion: os.release(),
          osImage,
          containerRuntimeVersion: `sandbox://cgroup-v${this.runtime!.version}`,
          kubeletVersion: KUBELET_VERSION,
          kubeProxyVersion: KUBELET_VERSION,
          operatingSystem: 'linux',
          architecture: arch,
        },
      },
    };
  }

  private registerNodes(): void {
    for (const name of this.options.nodeNames) {
      const node = this.nodeObject(name);
      const existing = this.store.get('nodes', undefined, name);
      if (!existing) this.store.create('nodes', node);
      else this.store.mutate('nodes', undefined, name, (o) => void (o.status = node.status));
    }
  }

  /**
   * Every 10 s (the kubelet's housekeeping period): node MemoryPressure from memory.available <
   * 100Mi (the default hard eviction threshold). As the kubelet, the Node status is written when a
   * condition changes, and otherwise only every 5 minutes (nodeStatusReportFrequency), so node
   * watches are not flooded.
   */
  private housekeeping(): void {
    if (this.stopped) return;
    const run = (async () => {
      const mem = await readNodeMemory(this.runtime!.layout.mountPoint, this.runtime!.version);
      const pressure = mem.availableBytes < 100 * 1024 * 1024;
      const changed = pressure !== this.memoryPressure;
      if (!changed && Date.now() - this.lastNodeReport < 5 * 60_000) return;
      this.memoryPressure = pressure;
      this.lastNodeReport = Date.now();
      const now = rfc3339();
      for (const name of this.options.nodeNames) {
        try {
          this.store.mutate('nodes', undefined, name, (o) => {
            const conditions = (o.status as { conditions: Record<string, string>[] }).conditions;
            for (const c of conditions) {
              c.lastHeartbeatTime = now;
              if (c.type !== 'MemoryPressure') continue;
              const status = pressure ? 'True' : 'False';
              if (c.status !== status) {
                c.status = status;
                c.lastTransitionTime = now;
                c.reason = pressure ? 'KubeletHasInsufficientMemory' : 'KubeletHasSufficientMemory';
                c.message = pressure ? 'kubelet has insufficient memory available' : 'kubelet has sufficient memory available';
              }
            }
          });
        } catch {
          // node object deleted by a user: nothing to update
        }
      }
    })().catch((e) => this.log(`kubelet housekeeping: ${(e as Error).message}`));
    this.track(run);
    this.timers.after(10_000, () => this.housekeeping());
  }

  // ---------------------------------------------------------------- pod lifecycle

  private onPodEvent(e: StoreEvent): void {
    if (this.stopped) return;
    const uid = e.object.metadata.uid!;
    if (e.type === 'DELETED') {
      const rec = this.pods.get(uid);
      if (rec) this.teardown(rec, true);
      return;
    }
    const rec = this.pods.get(uid);
    if (rec) {
      if (e.object.metadata.deletionTimestamp && !rec.terminating) this.teardown(rec, false);
      else if (!rec.terminating) this.applySpecChange(rec, e.object);
      return;
    }
    if (!e.object.metadata.deletionTimestamp && !this.binding.has(uid)) this.admit(e.object);
  }

  /**
   * A running pod's spec may change only in its containers' `image` (the API rejects the rest):
   * the kubelet then kills the container ("definition changed") and starts the new definition.
   */
  private applySpecChange(rec: PodRecord, pod: KObject): void {
    const spec = pod.spec as { containers?: ContainerSpec[]; initContainers?: ContainerSpec[] };
    for (const next of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      const c = rec.all.find((x) => x.name === next.name);
      if (!c || c.spec.image === next.image) continue;
      c.spec = next;
      c.imagePullBackoffMs = 0;
      const inst = c.instance;
      if (!inst) {
        // waiting: an image pull that failed is retried at once with the new image; a crash
        // back-off keeps its timer, and its restart uses the new definition
        const waiting = 'waiting' in c.state ? c.state.waiting.reason : '';
        if (waiting === 'ErrImagePull' || waiting === 'ImagePullBackOff') {
          c.restartTimer?.cancel();
          this.enqueueStart(() => this.startContainer(rec, c));
        }
        this.markDirty(rec);
        continue;
      }
      c.killReason = 'definition changed';
      this.recordEvent(rec.pod, c, 'Normal', 'Killing', `Container ${c.name} definition changed, will be restarted`);
      this.track(this.runtime!.stopContainer(inst, rec.gracePeriodSeconds));
    }
  }

  /** Schedules (when unassigned) and starts a pod of one of our nodes. */
  private admit(pod: KObject): void {
    const spec = pod.spec as { nodeName?: string } | undefined;
    if (!spec || pod.metadata.deletionTimestamp) return;
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    let nodeName = spec.nodeName;
    if (!nodeName) {
      nodeName = this.options.nodeNames[this.roundRobin++ % this.options.nodeNames.length];
      // the binding's own MODIFIED event must not admit the pod a second time
      this.binding.add(pod.metadata.uid!);
      try {
        pod = this.store.mutate('pods', pod.metadata.namespace, pod.metadata.name!, (o) => void ((o.spec as { nodeName?: string }).nodeName = nodeName));
      } catch {
        return;
      } finally {
        this.binding.delete(pod.metadata.uid!);
      }
      this.recordEvent(pod, undefined, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName}`, 'default-scheduler');
    }
    if (!this.options.nodeNames.includes(nodeName)) return;
    if (this.pods.has(pod.metadata.uid!)) return;
    const rec = new PodRecord(pod, nodeName, this.allocateIp());
    this.pods.set(rec.uid, rec);
    this.byName.set(`${rec.namespace}/${rec.name}`, rec.uid);
    rec.startTime = rfc3339();
    this.markDirty(rec);
    this.enqueueStart(async () => {
      await this.startPod(rec);
    });
  }

  private allocateIp(): string {
    return this.lease!.podIp(this.nextIp++);
  }

  private enqueueStart(task: () => Promise<void>): void {
    this.startQueue.push(task);
    this.pumpStarts();
  }

  private pumpStarts(): void {
    while (this.activeStarts < START_CONCURRENCY && this.startQueue.length && !this.stopped) {
      const task = this.startQueue.shift()!;
      this.activeStarts++;
      const p = task()
        .catch((e) => this.log(`kubelet: ${(e as Error).stack ?? e}`))
        .finally(() => {
          this.activeStarts--;
          this.pumpStarts();
        });
      this.track(p);
    }
  }

  private track<T>(p: Promise<T>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
  }

  private async startPod(rec: PodRecord): Promise<void> {
    if (rec.terminating || this.stopped) return;
    const rt = this.runtime!;
    const podLimit = this.podMemoryLimit(rec);
    try {
      await rt.createPod(rec.uid, podLimit || undefined);
    } catch (e) {
      const message = `failed to create pod sandbox: ${(e as Error).message}`;
      this.recordEvent(rec.pod, undefined, 'Warning', 'FailedCreatePodSandBox', message);
      for (const c of rec.all) c.state = { waiting: { reason: 'ContainerCreating', message } };
      this.markDirty(rec);
      return;
    }
    rec.sandboxReady = true;
    this.markDirty(rec);
    this.advance(rec);
  }

  /**
   * The pod cgroup's limit, as the kubelet computes it (resource.PodLimits) when every container has
   * a memory limit: regular containers and sidecars add up; a plain init container runs alone with
   * the sidecars started before it, so the pod needs the larger of the two. Undefined otherwise.
   */
  private podMemoryLimit(rec: PodRecord): number | undefined {
    let total = 0;
    let sidecars = 0;
    let initPeak = 0;
    for (const c of rec.all) {
      const l = this.memoryLimitOf(c.spec);
      if (l === undefined) return undefined;
      if (c.kind === 'init') initPeak = Math.max(initPeak, l + sidecars);
      else {
        total += l;
        if (c.kind === 'sidecar') sidecars += l;
      }
    }
    return Math.max(total, initPeak) || undefined;
  }

  /** Starts what comes next: each init container in turn (the next once it completed, or a sidecar once started), then the app containers. */
  private advance(rec: PodRecord): void {
    if (rec.terminating || this.stopped) return;
    for (const c of rec.initContainers) {
      if (c.initDone) continue;
      if (!c.launched) {
        c.launched = true;
        this.enqueueStart(() => this.startContainer(rec, c));
      }
      return;
    }
    if (rec.appLaunched) return;
    rec.appLaunched = true;
    for (const c of rec.containers) {
      c.launched = true;
      this.enqueueStart(() => this.startContainer(rec, c));
    }
  }

  private memoryLimitOf(spec: ContainerSpec): number | undefined {
    const l = spec.resources?.limits?.memory;
    if (l === undefined) return undefined;
    try {
      const bytes = Number(quantityToBytes(String(l)));
      return bytes > 0 ? bytes : undefined;
    } catch {
      return undefined;
    }
  }

  private buildEnv(rec: PodRecord, c: ContainerRecord, imageEnv: Record<string, string>): Record<string, string> | string {
    const pod = rec.pod;
    const env: Record<string, string> = {
      HOSTNAME: (pod.spec as { hostname?: string }).hostname ?? rec.name,
      HOME: '/root',
      ...imageEnv,
    };
    // the hello-kubernetes image listens on the first containerPort (its image sets PORT); every
    // server in the sandbox must bind its pod's own IP, which only this variable tells it
    if (imageEnv.PORT !== undefined && c.spec.ports?.length) env.PORT = String(c.spec.ports[0].containerPort);
    env.SANDBOX_POD_IP = rec.podIP;
    for (const v of c.spec.env ?? []) {
      if (v.valueFrom) {
        const f = v.valueFrom;
        if (f.fieldRef) {
          const value = this.fieldRefValue(rec, f.fieldRef.fieldPath);
          if (value === undefined) return `unsupported fieldRef ${f.fieldRef.fieldPath}`;
          env[v.name] = value;
        } else if (f.resourceFieldRef) {
          const target = rec.all.find((x) => x.name === (f.resourceFieldRef!.containerName || c.name)) ?? c;
          const [kind, res] = f.resourceFieldRef.resource.split('.');
          const raw = (kind === 'limits' ? target.spec.resources?.limits : target.spec.resources?.requests)?.[res];
          let value: bigint;
          if (raw !== undefined) value = quantityToBytes(String(raw));
          else if (res === 'memory') value = kind === 'limits' ? this.memoryCapacity : 0n;
          else value = kind === 'limits' ? BigInt(os.cpus().length) : 0n;
          const divisor = f.resourceFieldRef.divisor !== undefined ? quantityToBytes(String(f.resourceFieldRef.divisor)) : 1n;
          env[v.name] = String(divisor > 0n ? (value + divisor - 1n) / divisor : value);
        } else if (f.configMapKeyRef) {
          if (f.configMapKeyRef.optional) continue;
          return `configmap "${f.configMapKeyRef.name}" not found`;
        } else if (f.secretKeyRef) {
          if (f.secretKeyRef.optional) continue;
          return `secret "${f.secretKeyRef.name}" not found`;
        }
      } else {
        env[v.name] = expandVars(v.value ?? '', env);
      }
    }
    return env;
  }

  private fieldRefValue(rec: PodRecord, fieldPath: string): string | undefined {
    const meta = rec.pod.metadata;
    const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
    if (m) return (meta[m[1]] as Record<string, string> | undefined)?.[m[2]] ?? '';
    switch (fieldPath) {
      case 'metadata.name':
        return rec.name;
      case 'metadata.namespace':
        return rec.namespace;
      case 'metadata.uid':
        return rec.uid;
      case 'spec.nodeName':
        return rec.nodeName;
      case 'spec.serviceAccountName':
        return (rec.pod.spec as { serviceAccountName?: string }).serviceAccountName ?? 'default';
      case 'status.hostIP':
      case 'status.hostIPs':
        return '127.0.0.1';
      case 'status.podIP':
      case 'status.podIPs':
        return rec.podIP;
      default:
        return undefined;
    }
  }

  private async startContainer(rec: PodRecord, c: ContainerRecord): Promise<void> {
    if (rec.terminating || this.stopped) return;
    const image = c.spec.image ?? '';
    let resolved;
    try {
      resolved = resolveCommand(image, c.spec.command, c.spec.args);
    } catch (e) {
      // as the kubelet's image puller: ErrImagePull, then ImagePullBackOff while it retries with
      // the same 10 s doubling back-off; the image never appears, so it never starts
      const message = (e as Error).message;
      this.recordEvent(rec.pod, c, 'Normal', 'Pulling', `Pulling image "${image}"`);
      c.state = { waiting: { reason: 'ErrImagePull', message } };
      this.recordEvent(rec.pod, c, 'Warning', 'Failed', `Failed to pull image "${image}": ${message}`);
      this.recordEvent(rec.pod, c, 'Warning', 'Failed', 'Error: ErrImagePull');
      this.markDirty(rec);
      const delay = (c.imagePullBackoffMs = Math.min(c.imagePullBackoffMs ? c.imagePullBackoffMs * 2 : BACKOFF_INITIAL_MS, BACKOFF_MAX_MS));
      c.restartTimer = this.timers.after(1000, () => {
        if (rec.terminating || this.stopped) return;
        c.state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}": ErrImagePull: ${message}` } };
        this.recordEvent(rec.pod, c, 'Normal', 'BackOff', `Back-off pulling image "${image}"`);
        this.recordEvent(rec.pod, c, 'Warning', 'Failed', 'Error: ImagePullBackOff');
        this.markDirty(rec);
        c.restartTimer = this.timers.after(delay, () => this.enqueueStart(() => this.startContainer(rec, c)));
      });
      return;
    }
    c.imageID = imageId(image);
    this.recordEvent(rec.pod, c, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
    const env = this.buildEnv(rec, c, resolved.env);
    if (typeof env === 'string') {
      c.state = { waiting: { reason: 'CreateContainerConfigError', message: env } };
      this.recordEvent(rec.pod, c, 'Warning', 'Failed', `Error: ${env}`);
      this.markDirty(rec);
      return;
    }
    let adj: number;
    try {
      adj = containerOomScoreAdj(rec.pod as unknown as CorePod, c.name, this.memoryCapacity);
    } catch {
      adj = 1000;
    }
    const effective = effectiveOomScoreAdj(adj);
    if (effective !== adj && !this.warnedOomScoreAdj) {
      this.warnedOomScoreAdj = true;
      this.log(
        `kubelet: this host refuses oom_score_adj below ${effective} (the sandbox lacks CAP_SYS_RESOURCE): containers whose QoS asks for less (Guaranteed: -997) run with ${effective}`,
      );
    }
    const argv = resolved.argv.map((a, i) => (resolved.fromSpec[i] ? expandVars(a, env) : a));
    let inst: RuntimeContainer;
    try {
      inst = await this.runtime!.startContainer({
        podUid: rec.uid,
        argv,
        env,
        workingDir: c.spec.workingDir,
        memoryLimit: this.memoryLimitOf(c.spec),
        oomScoreAdj: adj,
        captureOutput: resolved.writesLogs,
      });
    } catch (e) {
      // the runtime could not make the container (its cgroup, usually): CreateContainerError, as
      // the kubelet reports a CRI CreateContainer failure
      const message = (e as Error).message;
      c.state = { waiting: { reason: 'CreateContainerError', message } };
      this.recordEvent(rec.pod, c, 'Warning', 'Failed', `Error: ${message}`);
      this.markDirty(rec);
      return;
    }
    if (rec.terminating || this.stopped) {
      await this.runtime!.stopContainer(inst, 0);
      return;
    }
    c.instance = inst;
    c.killReason = undefined;
    if (c.restartPending) {
      c.restartPending = false;
      c.restartCount++;
    }
    c.containerID = `sandbox://${inst.id}`;
    this.recordEvent(rec.pod, c, 'Normal', 'Created', `Created container: ${c.name}`);
    this.recordEvent(rec.pod, c, 'Normal', 'Started', `Started container ${c.name}`);
    c.state = { running: { startedAt: rfc3339(inst.startedAt) } };
    c.started = !c.spec.startupProbe;
    c.ready = c.started && !c.spec.readinessProbe;
    this.markDirty(rec);
    this.startProbes(rec, c, inst);
    if (c.kind === 'sidecar' && c.started && !c.initDone) {
      c.initDone = true;
      this.advance(rec);
    }
    void inst.exited.then((exit) => this.onContainerExit(rec, c, inst, exit));
  }

  private onContainerExit(rec: PodRecord, c: ContainerRecord, inst: RuntimeContainer, exit: ContainerExit): void {
    if (c.instance !== inst) return;
    c.instance = undefined;
    c.lastInstance = inst;
    for (const t of c.probeTimers) t.cancel();
    c.probeTimers = [];
    c.ready = false;
    c.started = false;
    const terminated: TerminatedState = {
      exitCode: exit.exitCode,
      reason: exit.reason,
      startedAt: rfc3339(inst.startedAt),
      finishedAt: rfc3339(exit.finishedAt),
      containerID: `sandbox://${inst.id}`,
    };
    if (exit.reason === 'OOMKilled') this.log(`kubelet: ${rec.namespace}/${rec.name} container ${c.name} was OOM-killed by the kernel (oom_kill ${exit.oomKills})`);
    if (rec.terminating || this.stopped) {
      c.state = { terminated };
      this.markDirty(rec);
      return;
    }
    const policy = rec.restartPolicy;
    if (c.kind === 'init' && exit.exitCode === 0) {
      // an init container that completed is never run again; the pod moves on
      c.state = { terminated };
      c.initDone = true;
      this.markDirty(rec);
      this.advance(rec);
      return;
    }
    // sidecars always restart; a failed init container restarts unless the pod's policy is Never
    const restart =
      c.kind === 'sidecar' ||
      policy === 'Always' ||
      (c.kind === 'init' && policy !== 'Never') ||
      (policy === 'OnFailure' && exit.exitCode !== 0);
    if (!restart) {
      c.state = { terminated };
      this.markDirty(rec);
      return;
    }
    c.lastState = { terminated };
    c.state = { terminated };
    this.markDirty(rec);
    // flowcontrol.Backoff as the kubelet uses it: no entry (or a stale one) → restart now;
    // otherwise wait the current back-off from the container's finish, doubling after each restart.
    const now = Date.now();
    const finished = exit.finishedAt.getTime();
    const entry = c.backoff;
    const expired = !entry || finished - entry.lastUpdate > BACKOFF_RESET_MS;
    const waitMs = expired ? 0 : Math.max(0, entry.delayMs - (now - finished));
    if (waitMs === 0) {
      this.restartContainer(rec, c);
      return;
    }
    c.state = {
      waiting: { reason: 'CrashLoopBackOff', message: `back-off ${goDuration(entry!.delayMs)} restarting failed container=${c.name} pod=${rec.formatted}` },
    };
    this.markDirty(rec);
    // The pod worker retries the sync every 10 s while the container is in back-off, and each
    // refused sync records BackOff again: the event's count grows as on a real node.
    const restartAt = Date.now() + waitMs;
    const backOffSync = () => {
      if (rec.terminating || this.stopped || c.instance) return;
      this.recordEvent(rec.pod, c, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${rec.formatted}`);
      const left = restartAt - Date.now();
      c.restartTimer = left > POD_WORKER_BACKOFF_MS ? this.timers.after(POD_WORKER_BACKOFF_MS, backOffSync) : this.timers.after(left, () => this.restartContainer(rec, c));
    };
    backOffSync();
  }

  private restartContainer(rec: PodRecord, c: ContainerRecord): void {
    if (rec.terminating || this.stopped) return;
    const now = Date.now();
    const entry = c.backoff;
    if (!entry || now - entry.lastUpdate > BACKOFF_RESET_MS) c.backoff = { delayMs: BACKOFF_INITIAL_MS, lastUpdate: now };
    else c.backoff = { delayMs: Math.min(entry.delayMs * 2, BACKOFF_MAX_MS), lastUpdate: now };
    // restartCount goes up when the new instance exists (the kubelet reads it from the new
    // container's attempt number); until then the status still shows the termination
    c.restartPending = true;
    this.enqueueStart(() => this.startContainer(rec, c));
  }

  private teardown(rec: PodRecord, removed: boolean): void {
    if (rec.terminating) {
      if (removed) this.forget(rec);
      return;
    }
    rec.terminating = true;
    const run = (async () => {
      await Promise.all(
        rec.all.map(async (c) => {
          c.restartTimer?.cancel();
          for (const t of c.probeTimers) t.cancel();
          c.probeTimers = [];
          const inst = c.instance;
          if (!inst) return;
          c.killReason = 'Stopping';
          this.recordEvent(rec.pod, c, 'Normal', 'Killing', `Stopping container ${c.name}`);
          await this.runtime!.stopContainer(inst, rec.gracePeriodSeconds);
        }),
      );
      await this.runtime!.removePod(rec.uid);
    })()
      .catch((e) => this.log(`kubelet: cleaning up ${rec.namespace}/${rec.name}: ${(e as Error).message}`))
      .finally(() => {
        if (removed) this.forget(rec);
        else this.markDirty(rec);
      });
    this.track(run);
  }

  private forget(rec: PodRecord): void {
    if (this.pods.get(rec.uid) === rec) this.pods.delete(rec.uid);
    if (this.byName.get(`${rec.namespace}/${rec.name}`) === rec.uid) this.byName.delete(`${rec.namespace}/${rec.name}`);
    this.dirty.delete(rec);
    for (const key of [...this.cpuSamples.keys()]) if (key.startsWith(`${rec.uid}/`)) this.cpuSamples.delete(key);
  }

  // ---------------------------------------------------------------- probes

  private startProbes(rec: PodRecord, c: ContainerRecord, inst: RuntimeContainer): void {
    const kinds: [ProbeKind, ProbeSpec | undefined][] = [
      ['startup', c.spec.startupProbe],
      ['liveness', c.spec.livenessProbe],
      ['readiness', c.spec.readinessProbe],
    ];
    for (const [kind, spec] of kinds) {
      if (!spec) continue;
      const counters = { success: 0, failure: 0 };
      const t = probeTiming(spec);
      const tick = () => {
        if (c.instance !== inst || rec.terminating || this.stopped) return;
        // liveness and readiness wait for the startup probe, as the kubelet's workers do
        if (kind !== 'startup' && c.spec.startupProbe && !c.started) {
          c.probeTimers.push(this.timers.after(t.period * 1000, tick));
          return;
        }
        if (kind === 'startup' && c.started) return;
        const began = Date.now();
        const run = runProbe(spec, {
          podIP: rec.podIP,
          ports: c.spec.ports,
          userAgent: PROBE_USER_AGENT,
          exec: (argv) => this.runtime!.exec(inst, argv, false, false),
        }).then((result) => {
          if (c.instance !== inst || rec.terminating || this.stopped) return;
          if (result.ok) {
            counters.success++;
            counters.failure = 0;
          } else {
            counters.failure++;
            counters.success = 0;
            this.recordEvent(rec.pod, c, 'Warning', 'Unhealthy', `${PROBE_LABEL[kind]} probe failed: ${result.output}`);
          }
          if (this.applyProbeResult(rec, c, inst, kind, result.ok, counters, t)) return;
          c.probeTimers.push(this.timers.after(Math.max(0, t.period * 1000 - (Date.now() - began)), tick));
        });
        this.track(run);
      };
      // The kubelet's probe worker ticks every period from when the pod was added and skips
      // ticks before the container runs and within initialDelaySeconds: the first probe lands on
      // the first tick at or after both, never at the very instant the process starts.
      const first = Math.max(1, Math.ceil(t.initialDelay / t.period)) * t.period;
      c.probeTimers.push(this.timers.after(first * 1000, tick));
    }
  }

  /** Returns true when the probe loop ends (the container is being killed, or startup succeeded). */
  private applyProbeResult(
    rec: PodRecord,
    c: ContainerRecord,
    inst: RuntimeContainer,
    kind: ProbeKind,
    ok: boolean,
    counters: { success: number; failure: number },
    t: ReturnType<typeof probeTiming>,
  ): boolean {
    if (kind === 'readiness') {
      const before = c.ready;
      if (ok && counters.success >= t.success) c.ready = c.started;
      if (!ok && counters.failure >= t.failure) c.ready = false;
      if (before !== c.ready) this.markDirty(rec);
      return false;
    }
    if (kind === 'startup' && ok && counters.success >= 1) {
      c.started = true;
      if (!c.spec.readinessProbe) c.ready = true;
      this.markDirty(rec);
      if (c.kind === 'sidecar' && !c.initDone) {
        c.initDone = true;
        this.advance(rec);
      }
      return true;
    }
    if (!ok && counters.failure >= t.failure) {
      // liveness or startup failure: kill, and let the restart policy decide
      c.killReason = kind;
      this.recordEvent(rec.pod, c, 'Normal', 'Killing', `Container ${c.name} failed ${kind} probe, will be restarted`);
      const spec = kind === 'liveness' ? c.spec.livenessProbe : c.spec.startupProbe;
      const grace = spec?.terminationGracePeriodSeconds ?? rec.gracePeriodSeconds;
      this.track(this.runtime!.stopContainer(inst, grace));
      return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- status

  private markDirty(rec: PodRecord): void {
    if (this.stopped) return;
    this.dirty.add(rec);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const recs = [...this.dirty];
      this.dirty.clear();
      for (const r of recs) this.writeStatus(r);
    });
  }

  private writeStatus(rec: PodRecord): void {
    if (this.stopped || this.pods.get(rec.uid) !== rec) return;
    const status = this.buildStatus(rec);
    try {
      this.store.mutate('pods', rec.namespace, rec.name, (o) => {
        if (o.metadata.uid !== rec.uid) throw new Error('replaced');
        o.status = status;
      });
    } catch {
      // the pod is gone (or replaced by a new one of the same name): its DELETED event cleans up
    }
  }

  private setCondition(rec: PodRecord, type: string, status: 'True' | 'False', reason?: string, message?: string): void {
    const old = rec.conditions.get(type);
    if (old && old.status === status && old.reason === reason && old.message === message) return;
    rec.conditions.set(type, { status, reason, message, time: old && old.status === status ? old.time : rfc3339() });
  }

  private phaseOf(rec: PodRecord): string {
    // initializing: Pending, or Failed when an init container failed and the pod never restarts
    for (const c of rec.initContainers) {
      if (c.kind !== 'init' || c.initDone) continue;
      if ('terminated' in c.state && c.state.terminated.exitCode !== 0 && rec.restartPolicy === 'Never') return 'Failed';
      return 'Pending';
    }
    let running = 0;
    let waiting = 0;
    let stopped = 0;
    let failed = 0;
    for (const c of rec.containers) {
      if ('running' in c.state) running++;
      else if ('terminated' in c.state) {
        // a terminated container that the kubelet will restart counts as running
        const willRestart = rec.restartPolicy === 'Always' || (rec.restartPolicy === 'OnFailure' && c.state.terminated.exitCode !== 0);
        if (willRestart && !rec.terminating) running++;
        else {
          stopped++;
          if (c.state.terminated.exitCode !== 0) failed++;
        }
      } else if (c.lastState.terminated) running++;
      else waiting++;
    }
    if (waiting > 0) return 'Pending';
    if (running > 0) return 'Running';
    if (stopped === rec.containers.length && stopped > 0) return failed > 0 ? 'Failed' : 'Succeeded';
    return 'Pending';
  }

  private buildStatus(rec: PodRecord): Record<string, unknown> {
    const phase = this.phaseOf(rec);
    const notReady = [...rec.initContainers.filter((c) => c.kind === 'sidecar'), ...rec.containers].filter((c) => !c.ready).map((c) => c.name);
    const terminal = phase === 'Succeeded' || phase === 'Failed';
    this.setCondition(rec, 'PodReadyToStartContainers', rec.sandboxReady && !terminal ? 'True' : 'False');
    const incomplete = rec.initContainers.filter((c) => !c.initDone).map((c) => c.name);
    if (incomplete.length) this.setCondition(rec, 'Initialized', 'False', 'ContainersNotInitialized', `containers with incomplete status: [${incomplete.join(' ')}]`);
    else this.setCondition(rec, 'Initialized', 'True');
    if (terminal) {
      this.setCondition(rec, 'Ready', 'False', 'PodCompleted');
      this.setCondition(rec, 'ContainersReady', 'False', 'PodCompleted');
    } else if (notReady.length) {
      const message = `containers with unready status: [${notReady.join(' ')}]`;
      this.setCondition(rec, 'Ready', 'False', 'ContainersNotReady', message);
      this.setCondition(rec, 'ContainersReady', 'False', 'ContainersNotReady', message);
    } else {
      this.setCondition(rec, 'Ready', 'True');
      this.setCondition(rec, 'ContainersReady', 'True');
    }
    this.setCondition(rec, 'PodScheduled', 'True');
    const conditions = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => {
      const s = rec.conditions.get(type)!;
      return {
        type,
        status: s.status,
        lastProbeTime: null,
        lastTransitionTime: s.time,
        ...(s.reason ? { reason: s.reason } : {}),
        ...(s.message ? { message: s.message } : {}),
      };
    });
    const toStatus = (c: ContainerRecord) => ({
      name: c.name,
      state: c.state,
      lastState: c.lastState,
      ready: c.ready,
      restartCount: c.restartCount,
      image: c.spec.image ?? '',
      imageID: c.imageID,
      ...(c.containerID ? { containerID: c.containerID } : {}),
      started: c.started && 'running' in c.state,
      ...(c.spec.resources && (c.spec.resources.limits || c.spec.resources.requests) ? { resources: c.spec.resources } : {}),
    });
    const containerStatuses = rec.containers.map(toStatus);
    return {
      phase,
      conditions,
      hostIP: '127.0.0.1',
      hostIPs: [{ ip: '127.0.0.1' }],
      ...(rec.sandboxReady ? { podIP: rec.podIP, podIPs: [{ ip: rec.podIP }] } : {}),
      startTime: rec.startTime,
      ...(rec.initContainers.length ? { initContainerStatuses: rec.initContainers.map(toStatus) } : {}),
      containerStatuses,
      qosClass: rec.qosClass,
    };
  }

  // ---------------------------------------------------------------- events

  /**
   * core/v1 Events as the kubelet's recorder writes them: a repeat of the same (object, reason,
   * message, type, source) within the store's lifetime bumps `count` and `lastTimestamp` of the
   * first one instead of creating another (client-go's EventCorrelator).
   */
  private recordEvent(pod: KObject, c: ContainerRecord | undefined, type: 'Normal' | 'Warning', reason: string, message: string, component = 'kubelet'): void {
    if (this.stopped) return;
    const ns = pod.metadata.namespace ?? 'default';
    const host = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    const key = [pod.metadata.uid, c?.fieldPath ?? '', reason, message, type, component].join('\u0000');
    const now = rfc3339();
    const existing = this.eventKeys.get(key);
    if (existing) {
      try {
        this.store.mutate('events', ns, existing, (e) => {
          e.count = ((e.count as number) ?? 1) + 1;
          e.lastTimestamp = now;
        });
        return;
      } catch {
        this.eventKeys.delete(key);
      }
    }
    // Go: fmt.Sprintf("%v.%x", ref.Name, t.UnixNano()), kept unique
    let nanos = BigInt(Date.now()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000));
    if (nanos <= this.lastEventNanos) nanos = this.lastEventNanos + 1n;
    this.lastEventNanos = nanos;
    const name = `${pod.metadata.name}.${nanos.toString(16)}`;
    const event: KObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: ns },
      involvedObject: {
        kind: 'Pod',
        namespace: ns,
        name: pod.metadata.name,
        uid: pod.metadata.uid,
        apiVersion: 'v1',
        resourceVersion: pod.metadata.resourceVersion,
        ...(c ? { fieldPath: c.fieldPath } : {}),
      },
      reason,
      message,
      source: component === 'kubelet' ? { component, host } : { component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: component === 'kubelet' ? (host ?? '') : '',
    };
    try {
      this.store.create('events', event);
      this.eventKeys.set(key, name);
    } catch (e) {
      this.log(`kubelet: cannot record event ${reason}: ${(e as Error).message}`);
    }
  }

  // ---------------------------------------------------------------- NodeAgent

  private findPod(namespace: string, pod: string): PodRecord {
    const uid = this.byName.get(`${namespace}/${pod}`);
    const rec = uid ? this.pods.get(uid) : undefined;
    if (!rec) throw notFound('pods', '', pod);
    return rec;
  }

  private findContainer(rec: PodRecord, container: string): ContainerRecord {
    const c = rec.all.find((x) => x.name === container);
    if (!c) throw new ApiError(400, 'BadRequest', `container ${container} is not valid for pod ${rec.name}`);
    return c;
  }

  private runningInstance(namespace: string, pod: string, container: string): RuntimeContainer {
    const rec = this.findPod(namespace, pod);
    const c = this.findContainer(rec, container);
    const phase = this.phaseOf(rec);
    if (phase === 'Succeeded' || phase === 'Failed') {
      throw new ApiError(400, 'BadRequest', `cannot exec into a container in a completed pod; current phase is ${phase}`);
    }
    if (!c.instance || !c.instance.running) throw new ApiError(400, 'BadRequest', `container not found ("${container}")`);
    return c.instance;
  }

  exec(namespace: string, pod: string, container: string, command: string[], options: ExecOptions): ContainerProcess {
    if (!command.length) throw new ApiError(400, 'BadRequest', 'you must specify at least one command for the container');
    const inst = this.runningInstance(namespace, pod, container);
    return this.runtime!.exec(inst, command, options.stdin, options.tty);
  }

  spawnInContainer(namespace: string, pod: string, container: string, argv: string[], oomScoreAdj?: number): ContainerProcess {
    const inst = this.runningInstance(namespace, pod, container);
    return this.runtime!.spawnIn(inst, argv, oomScoreAdj);
  }

  logs(namespace: string, pod: string, container: string, options: LogOptions): string {
    const rec = this.findPod(namespace, pod);
    const c = this.findContainer(rec, container);
    // As the kubelet resolves it: `previous` is the last ended instance (lastState.terminated);
    // the current log is the running instance's, or the last ended one's while it waits to restart.
    let log: ContainerLog | undefined;
    if (options.previous) {
      log = c.lastInstance?.log;
      if (!log) throw new ApiError(400, 'BadRequest', `previous terminated container "${container}" in pod "${pod}" not found`);
    } else {
      log = (c.instance ?? c.lastInstance)?.log;
      if (!log) {
        const reason = 'waiting' in c.state ? c.state.waiting.reason : 'ContainerCreating';
        throw new ApiError(400, 'BadRequest', `container "${container}" in pod "${pod}" is waiting to start: ${reason}`);
      }
    }
    return log.render(options);
  }

  /** The container's current cgroup directory on the host (tests and tools). */
  containerCgroupDir(namespace: string, pod: string, container: string): string | undefined {
    const rec = this.pods.get(this.byName.get(`${namespace}/${pod}`) ?? '');
    return rec?.all.find((c) => c.name === container)?.instance?.cgroupDir;
  }

  /** The host pid of the container's main process, or undefined when it is not running. */
  containerPid(namespace: string, pod: string, container: string): number | undefined {
    const rec = this.pods.get(this.byName.get(`${namespace}/${pod}`) ?? '');
    return rec?.all.find((c) => c.name === container)?.instance?.main.pid;
  }

  /** The pod's cgroup directory on the host. */
  podCgroupDir(uid: string): string | undefined {
    return this.runtime?.cgroups.podDir(uid);
  }

  /** The sandbox's root cgroup directory. */
  get cgroupRoot(): string | undefined {
    return this.runtime?.cgroups.root;
  }

  /** CPU usage rate (nanocores) from the delta against the previous reading at least 1 s old. */
  private cpuRate(key: string, nanos: number, since: Date): number {
    const now = Date.now();
    const prev = this.cpuSamples.get(key);
    if (prev && now - prev.at < 1000) return prev.rate;
    const rate = prev
      ? Math.max(0, ((nanos - prev.nanos) / (now - prev.at)) * 1000)
      : Math.max(0, (nanos / Math.max(1, now - since.getTime())) * 1000);
    this.cpuSamples.set(key, { nanos, at: now, rate: Math.round(rate) });
    return Math.round(rate);
  }

  private memoryStats(f: MemoryFigures, time: string): Record<string, unknown> {
    return {
      time,
      ...(f.limitBytes !== undefined ? { availableBytes: Math.max(0, f.limitBytes - f.workingSetBytes) } : {}),
      usageBytes: f.usageBytes,
      workingSetBytes: f.workingSetBytes,
      rssBytes: f.rssBytes,
      pageFaults: f.pageFaults,
      majorPageFaults: f.majorPageFaults,
    };
  }

  private async containerStats(rec: PodRecord, c: ContainerRecord) {
    const inst = c.instance;
    if (!inst) return undefined;
    const rt = this.runtime!;
    const [mem, cpuNanos] = await Promise.all([readCgroupFigures(inst.cgroupDir, rt.version), readCgroupCpuNanos(inst.cgroupDir, rt.version)]);
    if (!mem) return undefined;
    const nanoCores = this.cpuRate(`${rec.uid}/${c.name}/${inst.id}`, cpuNanos, inst.startedAt);
    return { mem, cpuNanos, nanoCores, inst };
  }

  async summary(nodeName: string): Promise<Record<string, unknown>> {
    if (!this.options.nodeNames.includes(nodeName)) throw notFound('nodes', '', nodeName);
    const rt = this.runtime!;
    const time = rfc3339();
    const node = await readNodeMemory(rt.layout.mountPoint, rt.version);
    const nodeCpu = await readNodeCpuNanos();
    const nodeRate = this.cpuRate(`node/${nodeName}`, nodeCpu, new Date(Date.now() - os.uptime() * 1000));
    const podsRoot = await readCgroupFigures(rt.cgroups.root, rt.version);
    const recs = [...this.pods.values()].filter((r) => r.nodeName === nodeName && !r.terminating);
    const pods = (
      await Promise.all(
        recs.map(async (rec) => {
          const stats = await Promise.all(rec.all.map((c) => this.containerStats(rec, c)));
          const containers: Record<string, unknown>[] = [];
          let podCpu = 0;
          let podRate = 0;
          rec.all.forEach((c, i) => {
            const s = stats[i];
            if (!s) return;
            podCpu += s.cpuNanos;
            podRate += s.nanoCores;
            containers.push({
              name: c.name,
              startTime: rfc3339(s.inst.startedAt),
              cpu: { time, usageNanoCores: s.nanoCores, usageCoreNanoSeconds: Math.round(s.cpuNanos) },
              memory: this.memoryStats(s.mem, time),
              swap: { time, swapUsageBytes: 0 },
            });
          });
          // the pod cgroup: all its containers (the Summary API's pods[].memory)
          const podMem = await readCgroupFigures(rt.cgroups.podDir(rec.uid), rt.version);
          return {
            podRef: { name: rec.name, namespace: rec.namespace, uid: rec.uid },
            startTime: rec.startTime,
            containers,
            cpu: { time, usageNanoCores: podRate, usageCoreNanoSeconds: Math.round(podCpu) },
            ...(podMem ? { memory: this.memoryStats(podMem, time) } : {}),
            swap: { time, swapUsageBytes: 0 },
          };
        }),
      )
    ).sort((a, b) => `${a.podRef.namespace}/${a.podRef.name}`.localeCompare(`${b.podRef.namespace}/${b.podRef.name}`));
    return {
      node: {
        nodeName,
        systemContainers: [
          {
            name: 'pods',
            startTime: rfc3339(this.startedAt),
            ...(podsRoot ? { memory: { ...this.memoryStats(podsRoot, time), availableBytes: Math.max(0, node.capacity - podsRoot.workingSetBytes) } } : {}),
          },
        ],
        startTime: rfc3339(new Date(Date.now() - os.uptime() * 1000)),
        cpu: { time, usageNanoCores: nodeRate, usageCoreNanoSeconds: Math.round(nodeCpu) },
        memory: {
          time,
          availableBytes: node.availableBytes,
          usageBytes: node.usageBytes,
          workingSetBytes: node.workingSetBytes,
          rssBytes: node.rssBytes,
          pageFaults: node.pageFaults,
          majorPageFaults: node.majorPageFaults,
        },
        rlimit: { time, maxpid: Number(readOr('/proc/sys/kernel/pid_max') || 0), curproc: countProcesses() },
        swap: { time, swapAvailableBytes: 0, swapUsageBytes: 0 },
      },
      pods,
    };
  }

  async podMetrics(namespace?: string, name?: string): Promise<Record<string, unknown>[]> {
    const time = rfc3339();
    const out: Record<string, unknown>[] = [];
    const recs = [...this.pods.values()]
      .filter((r) => !r.terminating && (namespace === undefined || r.namespace === namespace) && (name === undefined || r.name === name))
      .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
    const perPod = await Promise.all(recs.map((rec) => Promise.all(rec.all.map((c) => this.containerStats(rec, c)))));
    recs.forEach((rec, i) => {
      const containers: Record<string, unknown>[] = [];
      rec.all.forEach((c, j) => {
        const s = perPod[i][j];
        if (s) containers.push({ name: c.name, usage: { cpu: `${s.nanoCores}n`, memory: bytesToQuantity(BigInt(Math.round(s.mem.workingSetBytes))) } });
      });
      if (!containers.length) return;
      out.push({
        kind: 'PodMetrics',
        apiVersion: 'metrics.k8s.io/v1beta1',
        metadata: { name: rec.name, namespace: rec.namespace, creationTimestamp: time, labels: rec.pod.metadata.labels ?? {} },
        timestamp: time,
        window: '10s',
        containers,
      });
    });
    return out;
  }

  async nodeMetrics(): Promise<Record<string, unknown>[]> {
    const rt = this.runtime!;
    const time = rfc3339();
    const node = await readNodeMemory(rt.layout.mountPoint, rt.version);
    const nodeCpu = await readNodeCpuNanos();
    const out: Record<string, unknown>[] = [];
    for (const name of this.options.nodeNames) {
      const rate = this.cpuRate(`node/${name}`, nodeCpu, new Date(Date.now() - os.uptime() * 1000));
      const labels = (this.store.get('nodes', undefined, name)?.metadata.labels ?? {}) as Record<string, string>;
      out.push({
        kind: 'NodeMetrics',
        apiVersion: 'metrics.k8s.io/v1beta1',
        metadata: { name, creationTimestamp: time, labels },
        timestamp: time,
        window: '10s',
        usage: { cpu: `${rate}n`, memory: bytesToQuantity(BigInt(Math.round(node.workingSetBytes))) },
      });
    }
    return out;
  }
}

function readOr(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

function countProcesses(): number {
  try {
    return readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
  } catch {
    return 0;
  }
}
