/**
 * OOM and disruption events for the results panel, merged from the three places they show up:
 *
 * 1. the container's cgroup: the `oom_kill` counter moved between two samples (a process inside
 *    was killed; on cgroup v1 or with `singleProcessOOMKill` the container itself may survive, and
 *    then the API shows nothing at all);
 * 2. container statuses: `lastState.terminated` (or `state.terminated`) with its `reason`, exit
 *    code and `restartCount`; de-duplicated on containerID + finishedAt;
 * 3. Kubernetes Events: `Evicted`, `Killing`, `Unhealthy` (probe failures), `BackOff` on the pod,
 *    `SystemOOM` (kubelet) and `OOMKilling` (node-problem-detector) on the node.
 *
 * Related records become one event with several sources: an `OOMKilled` status and an `oom_kill`
 * step of the same container in the same time window; probe failures, the `Killing` that followed
 * and the restart it caused ("probe restart"). Each event carries a plain-words explanation that
 * tells the two stories behind a vanished memory stress: a liveness probe restarted the container,
 * or the OOM killer picked the stress worker (the kernel's choice follows oom_score_adj, which the
 * kubelet derives from the QoS class). Exit code 137 alone is never called an OOM: a liveness-probe
 * kill, an eviction and `kill -9` end with 137 too; only the runtime's `OOMKilled` reason or the
 * kernel's counter say "OOM" (k8s-memory.md §5).
 */
import type { ContainerState, ContainerStateTerminated, KubeEvent, Pod, Probe, Timestamp } from './k8sTypes';
import type { SampleStep } from './sampler';

export type DisruptionKind =
  /** The cgroup's `oom_kill` counter moved; the container was not (yet) reported terminated. */
  | 'oom-kill-in-container'
  /** The runtime reported `OOMKilled` for the container. */
  | 'container-oom-killed'
  /** A liveness or startup probe failed, the kubelet killed the container and restarts it. */
  | 'probe-restart'
  /** A probe failed without (yet) a restart (readiness probes never restart). */
  | 'probe-failure'
  /** The kubelet evicted the pod (node-pressure eviction). */
  | 'evicted'
  /** The kubelet waits before restarting a container that keeps failing (CrashLoopBackOff). */
  | 'back-off'
  /** The node itself ran out of memory (kubelet `SystemOOM`). */
  | 'system-oom'
  /** A kernel OOM kill on the node, from node-problem-detector, not matched to a container here. */
  | 'node-oom-kill'
  /** The kubelet stopped the container for another reason (pod deleted, preempted...). */
  | 'killed-by-kubelet'
  /** Killed by SIGKILL (exit 137) without an OOMKilled reason: not necessarily an OOM. */
  | 'sigkill'
  /** Any other end of a container (an error exit code, `Completed`). */
  | 'container-exit'
  /** `restartCount` went up but the API did not say how the previous container ended. */
  | 'container-restart';

export type DisruptionSource = 'cgroup' | 'container-status' | 'pod-status' | 'event';

export interface DisruptionTarget {
  readonly namespace?: string;
  readonly pod?: string;
  readonly container?: string;
  readonly node?: string;
}

/** A process the kernel OOM killer killed, as the kernel log (NPD `OOMKilling`, kubelet `SystemOOM`) names it. */
export interface OomVictim {
  readonly pid: number;
  readonly process: string;
  /** From NPD's kernel line (`oom_score_adj:1000`); null when the message does not carry it. */
  readonly oomScoreAdj: number | null;
  readonly anonRssKiB: number | null;
  /** `memcg`: a container or pod hit its own limit; `system`: the whole node ran out of memory. */
  readonly scope: 'memcg' | 'system' | 'unknown';
}

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

export interface DisruptionDetails {
  readonly oomKillsBefore?: number | null;
  readonly oomKillsAfter?: number;
  readonly oomKillDelta?: number;
  /** The cgroup counters started again from 0 at this step (a new cgroup). */
  readonly counterReset?: boolean;
  readonly exitCode?: number;
  readonly signal?: number;
  readonly reason?: string;
  readonly restartCount?: number;
  readonly containerID?: string;
  readonly startedAt?: number;
  readonly finishedAt?: number;
  readonly probe?: ProbeKind;
  /** The probe's `failureThreshold` when the pod spec was seen (default 3). */
  readonly probeFailureThreshold?: number;
  /** How many failures the kubelet's aggregated `Unhealthy` events counted. */
  readonly probeFailuresReported?: number;
  readonly probeMessage?: string;
  readonly victim?: OomVictim;
  /** The Kubernetes Event reasons merged into this event. */
  readonly eventReasons?: readonly string[];
  readonly eventMessage?: string;
  readonly starvedResource?: string;
}

export interface DisruptionEvent {
  /** Stable across calls: derived from the record that anchors the event. */
  readonly id: string;
  readonly kind: DisruptionKind;
  /** ms since the epoch. */
  readonly time: number;
  /** For a burst (many OOM kills in a row): when the last one was seen. */
  readonly endTime?: number;
  readonly target: DisruptionTarget;
  /** Where the facts come from, without duplicates, in a fixed order. */
  readonly sources: readonly DisruptionSource[];
  readonly severity: 'error' | 'warning' | 'info';
  /** A few words for a list row ("OOM kill inside stress"). */
  readonly title: string;
  /** What happened and why, in plain words. */
  readonly explanation: string;
  readonly details: DisruptionDetails;
}

/** An `oom_kill` step observed by the sampler. */
export interface CgroupOomKill {
  readonly target: DisruptionTarget;
  /** Wall-clock ms of the sample that saw the counter move. */
  readonly time: number;
  /** The counter at the previous sample; null after a reset (the new cgroup counts from 0). */
  readonly before: number | null;
  readonly after: number;
  readonly delta: number;
  readonly counterReset: boolean;
  /**
   * The process that vanished from the container's process list when the counter rose (the
   * sampler lists processes before and right after); absent when the list could not be read.
   */
  readonly victim?: OomVictim;
}

export interface TimelineOptions {
  /** OOM records of one container (status, cgroup, kernel log) this close in time are one event. Default 15 s. */
  readonly oomWindowMs?: number;
  /** A `Killing` this long before a termination caused it (grace period included). Default 120 s. */
  readonly killWindowMs?: number;
  /** `Unhealthy` failures this long before a `Killing` led to it. Default 10 min. */
  readonly probeWindowMs?: number;
}

const DEFAULT_OOM_WINDOW_MS = 15_000;
const DEFAULT_KILL_WINDOW_MS = 120_000;
const DEFAULT_PROBE_WINDOW_MS = 600_000;
/** Event timestamps have second resolution; a kill can be stamped a second after the termination. */
const CLOCK_SLACK_MS = 2_000;
/** The kubelet's default probe `failureThreshold`. */
const DEFAULT_FAILURE_THRESHOLD = 3;

// ---------------------------------------------------------------------------------------------
// Small parsers (exported for the tree and tests)
// ---------------------------------------------------------------------------------------------

/** ms since the epoch from an RFC 3339 string or a Date; undefined when absent or invalid. */
export function timestampMs(value: Timestamp | undefined | null): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * The victim named in a kernel OOM line, as node-problem-detector's `OOMKilling` event carries it:
 * `Memory cgroup out of memory: Killed process 2455 (stress-ng-vm) total-vm:230916kB,
 * anon-rss:65028kB, file-rss:840kB, shmem-rss:0kB, UID:0 pgtables:368kB oom_score_adj:1000`.
 */
export function parseKernelOomKill(message: string): OomVictim | null {
  const m = /Killed process (\d+) \((.*?)\)(?: total-vm:\d+kB, anon-rss:(\d+)kB)?/.exec(message);
  if (m === null) return null;
  const adj = /oom_score_adj:(-?\d+)/.exec(message);
  return {
    pid: Number(m[1]),
    process: m[2] as string,
    oomScoreAdj: adj === null ? null : Number(adj[1]),
    anonRssKiB: m[3] === undefined ? null : Number(m[3]),
    scope: /Memory cgroup out of memory/.test(message) ? 'memcg' : /Out of memory/.test(message) ? 'system' : 'unknown',
  };
}

/** The victim in the kubelet's `SystemOOM` message: `System OOM encountered, victim process: x, pid: 12`. */
export function parseSystemOom(message: string): OomVictim | null {
  const m = /victim process: (.*?), pid: (\d+)/.exec(message);
  if (m === null) return null;
  return { pid: Number(m[2]), process: m[1] as string, oomScoreAdj: null, anonRssKiB: null, scope: 'system' };
}

/** The probe and container of a kubelet probe message (`Unhealthy` or `Killing`). */
export function probeKindOf(message: string): ProbeKind | null {
  const m = /\b(liveness|readiness|startup) probe\b/i.exec(message);
  return m === null ? null : ((m[1] as string).toLowerCase() as ProbeKind);
}

/** The container an event is about: `spec.containers{app}` in fieldPath, else the kubelet's message text. */
export function eventContainer(event: KubeEvent): string | undefined {
  const fp = event.involvedObject.fieldPath;
  const m = fp === undefined ? null : /^spec\.(?:initContainers|containers|ephemeralContainers)\{(.+)\}$/.exec(fp);
  if (m !== null) return m[1];
  const msg = event.message ?? '';
  const fromMessage =
    /^Container (\S+) failed (?:liveness|startup) probe/.exec(msg) ??
    /^Stopping container (\S+)/.exec(msg) ??
    /^Back-off restarting failed container (\S+)/.exec(msg);
  return fromMessage === null ? undefined : fromMessage[1];
}

/** The time an event describes: its last occurrence. */
export function eventTimeMs(event: KubeEvent): number | undefined {
  return (
    timestampMs(event.lastTimestamp) ??
    timestampMs(event.series?.lastObservedTime) ??
    timestampMs(event.eventTime) ??
    timestampMs(event.firstTimestamp) ??
    timestampMs(event.metadata?.creationTimestamp)
  );
}

function eventCount(event: KubeEvent): number {
  return event.series?.count ?? event.count ?? 1;
}

/**
 * A one-line description of how a container ended. Exit code 137 without the runtime's OOMKilled
 * reason is described as SIGKILL, never as an OOM.
 */
export function describeTermination(t: ContainerStateTerminated): string {
  if (t.reason === 'OOMKilled') return `OOMKilled (exit code ${t.exitCode})`;
  if (t.exitCode === 137 || t.signal === 9) {
    return `killed by SIGKILL (${t.exitCode === 137 ? 'exit 137' : 'signal 9'}) — not necessarily an OOM`;
  }
  if (t.exitCode === 143 || t.signal === 15) return 'stopped by SIGTERM (exit 143)';
  if (t.exitCode === 0) return t.reason ? `${t.reason} (exit code 0)` : 'exited normally (exit code 0)';
  return `${t.reason ?? 'Error'} (exit code ${t.exitCode})`;
}

/** The cgroup side of a sampler step, or null when no process was OOM-killed in it. */
export function cgroupOomKillFromStep(target: DisruptionTarget, step: SampleStep, time?: number): CgroupOomKill | null {
  if (step.baseline || step.oomKillDelta === null || step.oomKillDelta <= 0) return null;
  const after = step.sample.memory.oomKills;
  const at = time ?? step.sample.wallTime;
  if (after === null || at === undefined) return null;
  const reset = step.reset !== null;
  return {
    target,
    time: at,
    before: reset ? null : (step.previous?.memory.oomKills ?? null),
    after,
    delta: step.oomKillDelta,
    counterReset: reset,
  };
}

// ---------------------------------------------------------------------------------------------
// The timeline
// ---------------------------------------------------------------------------------------------

interface TerminationRecord {
  readonly key: string;
  readonly target: DisruptionTarget;
  readonly terminated: ContainerStateTerminated;
  readonly time: number;
  readonly restartCount: number | undefined;
  readonly containerID: string | undefined;
  /** True when it is the current state (the container is not running again). */
  readonly current: boolean;
}

interface RestartRecord {
  readonly key: string;
  readonly target: DisruptionTarget;
  readonly time: number;
  readonly from: number;
  readonly to: number;
}

interface PodEvictionRecord {
  readonly key: string;
  readonly target: DisruptionTarget;
  readonly time: number;
  readonly message: string;
}

interface EventRecord {
  readonly key: string;
  readonly event: KubeEvent;
  readonly reason: string;
  readonly time: number;
  readonly firstTime: number;
  readonly target: DisruptionTarget;
  readonly isNode: boolean;
}

interface PodInfo {
  node?: string;
  probes: Map<string, { liveness?: Probe; readiness?: Probe; startup?: Probe }>;
}

const podKey = (t: DisruptionTarget): string => `${t.namespace ?? ''}/${t.pod ?? ''}`;
const containerKey = (t: DisruptionTarget): string => `${podKey(t)}/${t.container ?? ''}`;

function sameContainer(a: DisruptionTarget, b: DisruptionTarget): boolean {
  return podKey(a) === podKey(b) && a.container !== undefined && a.container === b.container;
}

function samePod(a: DisruptionTarget, b: DisruptionTarget): boolean {
  return a.pod !== undefined && podKey(a) === podKey(b);
}

function who(t: DisruptionTarget): string {
  if (t.container !== undefined) return `container ${t.container}`;
  if (t.pod !== undefined) return `pod ${t.pod}`;
  return t.node !== undefined ? `node ${t.node}` : 'the target';
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function victimText(v: OomVictim): string {
  const adj = v.oomScoreAdj === null ? '' : `, oom_score_adj ${v.oomScoreAdj}`;
  return `${v.process} (pid ${v.pid}${adj})`;
}

const OOM_CHOICE =
  'the kernel kills the process with the highest badness (its memory use plus its oom_score_adj), so a stress worker that ' +
  'holds the most memory, or was given a high oomScoreAdj by Chaos Mesh, is picked before the application';

const QOS_CHOICE =
  'for a node-wide OOM the kernel picks by oom_score_adj, which the kubelet sets from the QoS class: BestEffort pods (1000) go ' +
  'first, Burstable pods in between, Guaranteed pods (-997) last';

const SOURCE_ORDER: readonly DisruptionSource[] = ['cgroup', 'container-status', 'pod-status', 'event'];
function sortedSources(sources: Iterable<DisruptionSource>): DisruptionSource[] {
  const set = new Set(sources);
  return SOURCE_ORDER.filter((s) => set.has(s));
}

/**
 * Collects the three kinds of records for the pods of an experiment and builds the merged,
 * de-duplicated event list on demand. Feeding the same record twice (a re-listed Event, the same
 * pod status in every watch update) never duplicates an event.
 */
export class DisruptionTimeline {
  private readonly oomWindow: number;
  private readonly killWindow: number;
  private readonly probeWindow: number;
  private readonly kills = new Map<string, CgroupOomKill>();
  private readonly terminations = new Map<string, TerminationRecord>();
  private readonly restarts = new Map<string, RestartRecord>();
  private readonly evictions = new Map<string, PodEvictionRecord>();
  private readonly events = new Map<string, EventRecord>();
  private readonly restartCounts = new Map<string, number>();
  private readonly pods = new Map<string, PodInfo>();
  /** The last merge, until a record arrives. */
  private merged: DisruptionEvent[] | null = null;
  /** What `changes()` handed out: id → JSON. */
  private delivered = new Map<string, string>();

  constructor(options: TimelineOptions = {}) {
    this.oomWindow = options.oomWindowMs ?? DEFAULT_OOM_WINDOW_MS;
    this.killWindow = options.killWindowMs ?? DEFAULT_KILL_WINDOW_MS;
    this.probeWindow = options.probeWindowMs ?? DEFAULT_PROBE_WINDOW_MS;
  }

  /** Records a cgroup `oom_kill` step (see `cgroupOomKillFromStep`). */
  addCgroupOomKill(kill: CgroupOomKill): void {
    this.merged = null;
    if (kill.delta <= 0) return;
    this.kills.set(`${containerKey(kill.target)}@${kill.time}#${kill.after}`, kill);
    if (kill.target.node !== undefined) this.podInfo(kill.target).node ??= kill.target.node;
  }

  /**
   * Records what a pod's status says: terminations (current and last state of every container),
   * `restartCount` increases, and a pod-level eviction. `observedAt` (ms) dates a restart whose
   * termination the API does not report.
   */
  observePod(pod: Pod, observedAt: number): void {
    this.merged = null;
    const namespace = pod.metadata?.namespace;
    const name = pod.metadata?.name;
    if (name === undefined) return;
    const node = pod.spec?.nodeName;
    const base: DisruptionTarget = { ...(namespace === undefined ? {} : { namespace }), pod: name, ...(node === undefined ? {} : { node }) };
    const info = this.podInfo(base);
    if (node !== undefined) info.node = node;
    for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
      info.probes.set(c.name, {
        ...(c.livenessProbe ? { liveness: c.livenessProbe } : {}),
        ...(c.readinessProbe ? { readiness: c.readinessProbe } : {}),
        ...(c.startupProbe ? { startup: c.startupProbe } : {}),
      });
    }
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const status of statuses) {
      const target: DisruptionTarget = { ...base, container: status.name };
      let newTermination = false;
      const record = (state: ContainerState | undefined, current: boolean): void => {
        const t = state?.terminated;
        if (t === undefined) return;
        const time = timestampMs(t.finishedAt) ?? timestampMs(t.startedAt);
        const containerID = t.containerID ?? (current ? status.containerID : undefined);
        if (time === undefined) return;
        const key = `${containerKey(target)}|${containerID ?? ''}|${time}`;
        if (!this.terminations.has(key)) newTermination = true;
        const previous = this.terminations.get(key);
        this.terminations.set(key, {
          key,
          target,
          terminated: t,
          time,
          restartCount: status.restartCount ?? previous?.restartCount,
          containerID,
          current,
        });
      };
      record(status.lastState, false);
      record(status.state, true);
      const ck = containerKey(target);
      const before = this.restartCounts.get(ck);
      const now = status.restartCount;
      if (now !== undefined) {
        // restartCount may go back to 0 after a node reboot: just follow it.
        if (before !== undefined && now > before && !newTermination) {
          const key = `${ck}#restart${now}`;
          this.restarts.set(key, { key, target, time: observedAt, from: before, to: now });
        }
        this.restartCounts.set(ck, now);
      }
    }
    if (pod.status?.reason === 'Evicted') {
      const key = `${pod.metadata?.uid ?? podKey(base)}#evicted`;
      const time =
        timestampMs(pod.status.conditions?.find((c) => c.type === 'DisruptionTarget')?.lastTransitionTime) ??
        this.evictions.get(key)?.time ??
        observedAt;
      this.evictions.set(key, { key, target: base, time, message: pod.status.message ?? '' });
    }
  }

  /** Records a core/v1 Event. A newer version of the same Event (higher count) replaces the old one. */
  addEvent(event: KubeEvent): void {
    this.merged = null;
    const reason = event.reason ?? '';
    const time = eventTimeMs(event);
    if (time === undefined) return;
    const firstTime = timestampMs(event.firstTimestamp) ?? timestampMs(event.eventTime) ?? time;
    const obj = event.involvedObject;
    const isNode = obj.kind === 'Node';
    const container = isNode ? undefined : eventContainer(event);
    const node = isNode ? obj.name : event.source?.host;
    const target: DisruptionTarget = isNode
      ? { ...(obj.name === undefined ? {} : { node: obj.name }) }
      : {
          ...(obj.namespace ?? event.metadata?.namespace ? { namespace: (obj.namespace ?? event.metadata?.namespace) as string } : {}),
          ...(obj.name === undefined ? {} : { pod: obj.name }),
          ...(container === undefined ? {} : { container }),
          ...(node === undefined ? {} : { node }),
        };
    const key =
      event.metadata?.uid ??
      `${obj.kind ?? ''}/${target.namespace ?? ''}/${obj.name ?? ''}/${obj.fieldPath ?? ''}/${reason}/${firstTime}/${event.message ?? ''}`;
    this.events.set(key, { key, event, reason, time, firstTime, target, isNode });
    if (!isNode && node !== undefined && target.pod !== undefined) this.podInfo(target).node ??= node;
  }

  /**
   * What changed since the last call: events that are new or whose content changed (same id:
   * replace), and ids of events that no longer exist (a record merged into another event). The
   * panel sends only these. Nothing is merged again when no record arrived since the last call.
   */
  changes(): { upsert: DisruptionEvent[]; remove: string[] } {
    const now = this.timeline();
    const upsert: DisruptionEvent[] = [];
    const next = new Map<string, string>();
    for (const e of now) {
      const json = JSON.stringify(e);
      next.set(e.id, json);
      if (this.delivered.get(e.id) !== json) upsert.push(e);
    }
    const remove = [...this.delivered.keys()].filter((id) => !next.has(id));
    this.delivered = next;
    return { upsert, remove };
  }

  /** Every event so far, merged and explained, oldest first. */
  timeline(): DisruptionEvent[] {
    if (this.merged !== null) return this.merged;
    this.merged = this.merge();
    return this.merged;
  }

  private merge(): DisruptionEvent[] {
    return new TimelineMerge({
      kills: this.kills,
      terminations: this.terminations,
      restarts: this.restarts,
      evictions: this.evictions,
      events: this.events,
      pods: this.pods,
      oomWindow: this.oomWindow,
      killWindow: this.killWindow,
      probeWindow: this.probeWindow,
    }).run();
  }


  private podInfo(target: DisruptionTarget): PodInfo {
    const key = podKey(target);
    let info = this.pods.get(key);
    if (info === undefined) {
      info = { probes: new Map() };
      this.pods.set(key, info);
    }
    return info;
  }
}

function capitalize(text: string): string {
  return text.length === 0 ? text : text[0]!.toUpperCase() + text.slice(1);
}

function terminationDetails(term: TerminationRecord): DisruptionDetails {
  const t = term.terminated;
  const startedAt = timestampMs(t.startedAt);
  return {
    exitCode: t.exitCode,
    ...(t.signal !== undefined ? { signal: t.signal } : {}),
    ...(t.reason !== undefined ? { reason: t.reason } : {}),
    ...(term.restartCount !== undefined ? { restartCount: term.restartCount } : {}),
    ...(term.containerID !== undefined ? { containerID: term.containerID } : {}),
    ...(startedAt !== undefined ? { startedAt } : {}),
    finishedAt: term.time,
  };
}

function cgroupCounterText(kills: readonly CgroupOomKill[]): string {
  if (kills.length === 0) return '';
  const first = kills[0] as CgroupOomKill;
  const last = kills[kills.length - 1] as CgroupOomKill;
  const from = first.before === null ? '0 (new cgroup)' : String(first.before);
  return `the cgroup's oom_kill counter went from ${from} to ${last.after}`;
}

function cgroupDetails(kills: readonly CgroupOomKill[]): DisruptionDetails {
  if (kills.length === 0) return {};
  const first = kills[0] as CgroupOomKill;
  const last = kills[kills.length - 1] as CgroupOomKill;
  return {
    oomKillsBefore: first.before,
    oomKillsAfter: last.after,
    oomKillDelta: kills.reduce((n, k) => n + k.delta, 0),
    counterReset: kills.some((k) => k.counterReset),
  };
}

/** `The node was low on resource: memory. Threshold quantity: 100Mi, available: 52Mi. Container app was using 1200Mi, request is 100Mi, ...` */
function evictionSummary(message: string, annotations: { readonly [k: string]: string } | undefined): { resource?: string; text: string } {
  const resource = annotations?.['starved_resource'] ?? /low on resource: ([\w-]+(?:\.[\w-]+)*)/.exec(message)?.[1];
  const threshold = /Threshold quantity: ([^,]+), available: (\S+?)\.(?:\s|$)/.exec(message);
  const users = [...message.matchAll(/Container (\S+) was using ([^,\s]+), request is ([^,\s]+)/g)].map(
    (m) => `container ${m[1]} used ${m[2]} against a request of ${m[3]}`,
  );
  const parts: string[] = [];
  if (resource) parts.push(`the node was low on ${resource}${threshold ? ` (available ${threshold[2]}, eviction threshold ${threshold[1]})` : ''}`);
  if (users.length) parts.push(users.join(', '));
  return { ...(resource ? { resource } : {}), text: parts.join('; ') };
}

interface EvictionGroup {
  readonly key: string;
  readonly target: DisruptionTarget;
  readonly time: number;
  readonly event: EventRecord | null;
  readonly status: PodEvictionRecord | null;
  readonly terms: TerminationRecord[];
}

function evictedEvent(g: EvictionGroup): DisruptionEvent {
  const message = g.event?.event.message ?? g.status?.message ?? '';
  const summary = evictionSummary(message, g.event?.event.metadata?.annotations);
  const { container: _container, ...podTarget } = g.target;
  const ended = g.terms.map((t) => `${t.target.container ?? '?'} ${describeTermination(t.terminated)}`);
  return {
    id: `evicted:${g.key}`,
    kind: 'evicted',
    time: g.time,
    target: podTarget,
    sources: sortedSources([
      ...(g.event ? (['event'] as const) : []),
      ...(g.status ? (['pod-status'] as const) : []),
      ...(g.terms.length ? (['container-status'] as const) : []),
    ]),
    severity: 'error',
    title: `Pod ${g.target.pod ?? '?'} evicted`,
    explanation:
      `The kubelet evicted pod ${g.target.pod ?? '?'}${summary.text ? `: ${summary.text}` : ''}. Under node memory pressure it evicts ` +
      'the pods using the most memory above their requests first (BestEffort and over-request Burstable pods, then by priority); ' +
      'the whole pod stops, so its stress stops with it — this is node pressure, not the container limit.' +
      (ended.length ? ` Containers ended: ${ended.join('; ')}.` : ''),
    details: {
      ...(summary.resource ? { starvedResource: summary.resource } : {}),
      eventReasons: g.event ? ['Evicted'] : [],
      eventMessage: message,
    },
  };
}


/** What a `DisruptionTimeline` has collected, read by one merge. */
interface TimelineRecords {
  readonly kills: ReadonlyMap<string, CgroupOomKill>;
  readonly terminations: ReadonlyMap<string, TerminationRecord>;
  readonly restarts: ReadonlyMap<string, RestartRecord>;
  readonly evictions: ReadonlyMap<string, PodEvictionRecord>;
  readonly events: ReadonlyMap<string, EventRecord>;
  readonly pods: ReadonlyMap<string, PodInfo>;
  readonly oomWindow: number;
  readonly killWindow: number;
  readonly probeWindow: number;
}

/**
 * One merge of a timeline's records into explained events. Each step takes the records it
 * explains (marking them used), so a record appears in exactly one event; the order of the steps
 * is the order of precedence (a termination explains the OOM kills and events around it first).
 */
class TimelineMerge {
  private readonly used = new Set<string>();
  private readonly out: DisruptionEvent[] = [];
  private readonly events: EventRecord[];
  private readonly kills: [string, CgroupOomKill][];
  private readonly terminations: TerminationRecord[];

  constructor(private readonly r: TimelineRecords) {
    this.events = [...r.events.values()].sort((a, b) => a.time - b.time);
    this.kills = [...r.kills.entries()].sort((a, b) => a[1].time - b[1].time);
    this.terminations = [...r.terminations.values()].sort((a, b) => a.time - b.time);
  }

  run(): DisruptionEvent[] {
    const evictions = this.evictionGroups();
    this.terminationEvents(evictions);
    this.pendingProbeKills();
    // 3. Pod evictions, with the containers they ended.
    for (const g of evictions) this.out.push(evictedEvent(g));
    this.survivedOomKills();
    this.unexplainedRestarts();
    this.remainingEvents();
    return this.out.sort((a, b) => a.time - b.time || a.id.localeCompare(b.id));
  }

  private nodeOf(t: DisruptionTarget): string | undefined {
    return t.node ?? this.r.pods.get(podKey(t))?.node;
  }
  private near(a: number, b: number, window: number): boolean {
    return Math.abs(a - b) <= window;
  }
  private takeKills(target: DisruptionTarget, time: number): CgroupOomKill[] {
    const found: CgroupOomKill[] = [];
    for (const [key, k] of this.kills) {
      if (!this.used.has(key) && sameContainer(k.target, target) && this.near(k.time, time, this.r.oomWindow)) {
        this.used.add(key);
        found.push(k);
      }
    }
    return found;
  }
  private takeNodeEvent(reason: string, target: DisruptionTarget, time: number): EventRecord | undefined {
    const node = this.nodeOf(target);
    if (node === undefined) return undefined;
    let best: EventRecord | undefined;
    for (const e of this.events) {
      if (this.used.has(e.key) || e.reason !== reason || !e.isNode || e.target.node !== node) continue;
      if (!this.near(e.time, time, this.r.oomWindow)) continue;
      if (best === undefined || Math.abs(e.time - time) < Math.abs(best.time - time)) best = e;
    }
    if (best !== undefined) this.used.add(best.key);
    return best;
  }
  private probeOf(target: DisruptionTarget, kind: ProbeKind): Probe | undefined {
    const probes = this.r.pods.get(podKey(target))?.probes.get(target.container ?? '');
    return probes?.[kind];
  }
  private probeSpecKnown(target: DisruptionTarget): boolean {
    return this.r.pods.get(podKey(target))?.probes.has(target.container ?? '') ?? false;
  }
  private takeUnhealthy(target: DisruptionTarget, kind: ProbeKind, until: number): EventRecord[] {
    const found: EventRecord[] = [];
    for (const e of this.events) {
      if (this.used.has(e.key) || e.reason !== 'Unhealthy' || !sameContainer(e.target, target)) continue;
      if (probeKindOf(e.event.message ?? '') !== kind) continue;
      if (e.time > until + CLOCK_SLACK_MS || e.time < until - this.r.probeWindow) continue;
      this.used.add(e.key);
      found.push(e);
    }
    return found;
  }

  private probeRestart(killing: EventRecord, termination: TerminationRecord | undefined): DisruptionEvent {
    const target = termination?.target ?? killing.target;
    const kind = probeKindOf(killing.event.message ?? '') ?? 'liveness';
    const unhealthy = this.takeUnhealthy(target, kind, killing.time);
    const lastFailure = unhealthy[unhealthy.length - 1];
    const reported = unhealthy.reduce((n, e) => n + eventCount(e.event), 0);
    const spec = this.probeOf(target, kind);
    const threshold = spec !== undefined ? (spec.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD) : undefined;
    const failed =
      threshold !== undefined
        ? `failed ${plural(threshold, 'time', 'times')} in a row`
        : this.probeSpecKnown(target)
          ? 'failed'
          : 'failed repeatedly';
    const restartNote =
      termination === undefined
        ? 'the kubelet is killing the container to restart it'
        : `the kubelet restarted the container${termination.restartCount !== undefined ? ` (restart #${termination.restartCount})` : ''}`;
    const probeMessage = lastFailure?.event.message;
    const exit =
      termination !== undefined && (termination.terminated.exitCode === 137 || termination.terminated.signal === 9)
        ? ' It ended with exit code 137 because the kubelet sends SIGKILL when the grace period runs out: a probe restart, not an OOM.'
        : '';
    return {
      id: `probe-restart:${termination?.key ?? killing.key}`,
      kind: 'probe-restart',
      time: termination?.time ?? killing.time,
      target,
      sources: sortedSources(['event', ...(termination ? (['container-status'] as const) : [])]),
      severity: 'error',
      title: `${kind === 'startup' ? 'Startup' : 'Liveness'} probe restarted ${target.container ?? 'the container'}`,
      explanation:
        `The ${kind} probe of ${who(target)} ${failed} and ${restartNote}; the memory stress running in it went with it, ` +
        'so the curve drops because the process was restarted, not because memory was freed.' +
        (probeMessage ? ` Last failure: "${probeMessage}".` : '') +
        exit,
      details: {
        probe: kind,
        ...(threshold !== undefined ? { probeFailureThreshold: threshold } : {}),
        ...(reported > 0 ? { probeFailuresReported: reported } : {}),
        ...(probeMessage ? { probeMessage } : {}),
        eventReasons: [...new Set([...unhealthy.map((e) => e.reason), killing.reason])],
        eventMessage: killing.event.message ?? '',
        ...(termination ? terminationDetails(termination) : {}),
      },
    };
  }


  private evictionGroups(): EvictionGroup[] {
    // Evictions: the pod's status and the Evicted event are one eviction; the containers it ended
    // attach to it in step 1.
    const evictions: EvictionGroup[] = [];
    for (const st of this.r.evictions.values()) {
      const event = this.events.find((e) => !this.used.has(e.key) && e.reason === 'Evicted' && samePod(e.target, st.target));
      if (event !== undefined) this.used.add(event.key);
      evictions.push({ key: st.key, target: st.target, time: event?.time ?? st.time, event: event ?? null, status: st, terms: [] });
    }
    for (const e of this.events) {
      if (this.used.has(e.key) || e.reason !== 'Evicted') continue;
      this.used.add(e.key);
      evictions.push({ key: e.key, target: e.target, time: e.time, event: e, status: null, terms: [] });
    }

    return evictions;
  }

  /** An `OOMKilled` termination, with the cgroup kills and kernel log lines around it. */
  private oomKilledEvent(term: TerminationRecord): DisruptionEvent {
    const t = term.terminated;
    const target = term.target;
    const cg = this.takeKills(target, term.time);
    const npd = this.takeNodeEvent('OOMKilling', target, term.time);
    const victim = npd ? parseKernelOomKill(npd.event.message ?? '') : null;
    const counter = cgroupCounterText(cg);
    return {
      id: `container-oom-killed:${term.key}`,
      kind: 'container-oom-killed',
      time: term.time,
      target,
      sources: sortedSources(['container-status', ...(cg.length ? (['cgroup'] as const) : []), ...(npd ? (['event'] as const) : [])]),
      severity: 'error',
      title: `${target.container ?? 'Container'} OOMKilled`,
      explanation:
        `${capitalize(who(target))} reached its memory limit and the kernel OOM killer ended it: the runtime reported OOMKilled ` +
        `(exit code ${t.exitCode})${counter ? `; ${counter}` : ''}.` +
        (victim ? ` The kernel log names the victim: ${victimText(victim)}.` : '') +
        ' On cgroup v2 Kubernetes kills all processes of the container together (memory.oom.group), so the application and ' +
        `the stress died at once; ${term.current ? 'the container is not running now' : `the kubelet restarted it${term.restartCount !== undefined ? ` (restart #${term.restartCount})` : ''}`}, ` +
        'and its new cgroup starts counting from 0.',
      details: {
        ...terminationDetails(term),
        ...cgroupDetails(cg),
        ...(victim ? { victim } : {}),
        ...(npd ? { eventReasons: ['OOMKilling'] } : {}),
      },
    };
  }

  private terminationEvents(evictions: EvictionGroup[]): void {
    // 1. Container terminations, each with what explains it.
    for (const term of this.terminations) {
      const t = term.terminated;
      const target = term.target;
      if (t.reason === 'OOMKilled') {
        this.out.push(this.oomKilledEvent(term));
        continue;
      }
      // A Killing for this container shortly before it ended: the kubelet caused it.
      let killing: EventRecord | undefined;
      for (const e of this.events) {
        if (this.used.has(e.key) || e.reason !== 'Killing' || !sameContainer(e.target, target)) continue;
        if (e.time > term.time + CLOCK_SLACK_MS || e.time < term.time - this.r.killWindow) continue;
        killing = e; // latest one wins (events are sorted by time)
      }
      if (killing !== undefined && probeKindOf(killing.event.message ?? '') !== null) {
        this.used.add(killing.key);
        this.out.push(this.probeRestart(killing, term));
        continue;
      }
      const eviction = evictions.find((g) => samePod(g.target, target) && this.near(g.time, term.time, this.r.killWindow));
      if (eviction !== undefined) {
        if (killing !== undefined) this.used.add(killing.key);
        eviction.terms.push(term);
        continue;
      }
      if (killing !== undefined) {
        this.used.add(killing.key);
        this.out.push({
          id: `killed-by-kubelet:${term.key}`,
          kind: 'killed-by-kubelet',
          time: term.time,
          target,
          sources: ['container-status', 'event'],
          severity: 'warning',
          title: `Kubelet stopped ${target.container ?? 'the container'}`,
          explanation:
            `The kubelet stopped ${who(target)} ("${killing.event.message ?? 'Killing'}"): the pod was deleted, preempted or ` +
            `updated — not an OOM. It ended ${describeTermination(t)}; the memory stress in it stopped with it.`,
          details: { ...terminationDetails(term), eventReasons: ['Killing'], eventMessage: killing.event.message ?? '' },
        });
        continue;
      }
      const cg = this.takeKills(target, term.time);
      const counter = cgroupCounterText(cg);
      if (t.exitCode === 137 || t.signal === 9) {
        this.out.push({
          id: `sigkill:${term.key}`,
          kind: 'sigkill',
          time: term.time,
          target,
          sources: sortedSources(['container-status', ...(cg.length ? (['cgroup'] as const) : [])]),
          severity: 'error',
          title: `${target.container ?? 'Container'} killed by SIGKILL`,
          explanation:
            `${capitalize(who(target))} was killed by SIGKILL (exit 137) — not necessarily an OOM: the runtime did not report ` +
            'OOMKilled, and a liveness-probe kill after the grace period, an eviction or a `kill -9` end with 137 too.' +
            (counter
              ? ` However ${counter} at about the same time, so an OOM kill inside the container is a likely cause.`
              : ''),
          details: { ...terminationDetails(term), ...cgroupDetails(cg) },
        });
        continue;
      }
      this.out.push({
        id: `container-exit:${term.key}`,
        kind: 'container-exit',
        time: term.time,
        target,
        sources: sortedSources(['container-status', ...(cg.length ? (['cgroup'] as const) : [])]),
        severity: t.exitCode === 0 ? 'info' : 'warning',
        title: `${target.container ?? 'Container'} exited (${t.exitCode})`,
        explanation:
          `${capitalize(who(target))} ${describeTermination(t)}` +
          (t.message ? `: "${t.message.trim().slice(0, 200)}"` : '') +
          (term.current ? '.' : `; the kubelet restarted it${term.restartCount !== undefined ? ` (restart #${term.restartCount})` : ''}.`) +
          (counter ? ` Also ${counter} around then.` : ''),
        details: { ...terminationDetails(term), ...cgroupDetails(cg) },
      });
    }

  }

  private pendingProbeKills(): void {
    // 2. Probe kills whose restart has not been seen in a status yet.
    for (const e of this.events) {
      if (this.used.has(e.key) || e.reason !== 'Killing' || probeKindOf(e.event.message ?? '') === null) continue;
      this.used.add(e.key);
      this.out.push(this.probeRestart(e, undefined));
    }

  }

  private survivedOomKills(): void {
    // 4. OOM kills inside containers that survived them. A stress tool restarts the workers the
    // kernel kills, so kills come in bursts (dozens per second): consecutive steps of one container
    // less than the OOM window apart are one event.
    for (const [key, k] of this.kills) {
      if (this.used.has(key)) continue;
      this.used.add(key);
      const burst: CgroupOomKill[] = [k];
      for (const [otherKey, other] of this.kills) {
        const last = burst[burst.length - 1] as CgroupOomKill;
        if (this.used.has(otherKey) || !sameContainer(other.target, k.target) || other.time < last.time) continue;
        if (other.time - last.time > this.r.oomWindow) break;
        this.used.add(otherKey);
        burst.push(other);
      }
      const last = burst[burst.length - 1] as CgroupOomKill;
      const delta = burst.reduce((n, b) => n + b.delta, 0);
      const npd = this.takeNodeEvent('OOMKilling', k.target, k.time);
      const system = this.takeNodeEvent('SystemOOM', k.target, k.time);
      const victim =
        (npd ? parseKernelOomKill(npd.event.message ?? '') : null) ??
        (system ? parseSystemOom(system.event.message ?? '') : null) ??
        burst.find((b) => b.victim !== undefined)?.victim ??
        null;
      const nodeWide = system !== undefined || victim?.scope === 'system';
      const counter = `cgroup oom_kill went from ${k.before === null ? '0 (new cgroup)' : k.before} to ${last.after}`;
      const killed = victim
        ? `killed ${victimText(victim)}${delta > 1 ? ` and ${plural(delta - 1, 'other process', 'other processes')}` : ''}`
        : `killed ${delta === 1 ? 'a process' : plural(delta, 'process', 'processes')}`;
      const span = last.time - k.time;
      const over = burst.length > 1 ? ` over ${(span / 1000).toFixed(1)} s` : '';
      this.out.push({
        id: `oom-kill-in-container:${key}`,
        kind: 'oom-kill-in-container',
        time: k.time,
        ...(burst.length > 1 ? { endTime: last.time } : {}),
        target: k.target,
        sources: sortedSources(['cgroup', ...(npd || system ? (['event'] as const) : [])]),
        severity: 'error',
        title: `OOM kill inside ${k.target.container ?? 'the container'}${delta > 1 ? ` (×${delta})` : ''}`,
        explanation:
          `The kernel OOM killer ${killed} inside ${who(k.target)}${over} (${counter}); the container itself survived. ` +
          (nodeWide
            ? `The node ran out of memory, not the container's limit: ${QOS_CHOICE}.`
            : `Likely the stress worker: ${OOM_CHOICE}.` +
              (burst.length > 1
                ? ' The stress tool restarts the workers the kernel kills, so it allocates and is killed again and again.'
                : ' The stress tool may start a new worker, so memory can climb again.')),
        details: {
          oomKillsBefore: k.before,
          oomKillsAfter: last.after,
          oomKillDelta: delta,
          counterReset: burst.some((b) => b.counterReset),
          ...(victim ? { victim } : {}),
          ...(npd || system ? { eventReasons: [...(npd ? ['OOMKilling'] : []), ...(system ? ['SystemOOM'] : [])] } : {}),
        },
      });
    }

  }

  private unexplainedRestarts(): void {
    // 5. Restarts the status did not explain.
    for (const r of this.r.restarts.values()) {
      // The status can show the new restartCount before the old container's lastState: a later
      // snapshot with that termination explains the restart.
      if (this.terminations.some((t) => sameContainer(t.target, r.target) && !t.current && t.restartCount === r.to)) continue;
      this.out.push({
        id: `container-restart:${r.key}`,
        kind: 'container-restart',
        time: r.time,
        target: r.target,
        sources: ['container-status'],
        severity: 'warning',
        title: `${r.target.container ?? 'Container'} restarted`,
        explanation:
          `${capitalize(who(r.target))} restarted (restartCount ${r.from} → ${r.to}), but the API did not report how the previous ` +
          'container ended; its memory stress ended with it.',
        details: { restartCount: r.to },
      });
    }

  }

  private remainingEvents(): void {
    // 6. The remaining events, one each (Unhealthy grouped per container and probe).
    const unhealthyGroups = new Map<string, EventRecord[]>();
    for (const e of this.events) {
      if (this.used.has(e.key)) continue;
      const msg = e.event.message ?? '';
      switch (e.reason) {
        case 'Unhealthy': {
          const kind = probeKindOf(msg) ?? 'liveness';
          const gk = `${containerKey(e.target)}|${kind}`;
          const group = unhealthyGroups.get(gk) ?? [];
          group.push(e);
          unhealthyGroups.set(gk, group);
          break;
        }
        case 'SystemOOM': {
          this.out.push(systemOomEvent(e, msg));
          break;
        }
        case 'OOMKilling': {
          this.out.push(nodeOomKillEvent(e, msg));
          break;
        }
        case 'BackOff':
          this.out.push(backOffEvent(e, msg));
          break;
        case 'Killing':
          this.out.push(kubeletStoppingEvent(e, msg));
          break;
        default:
          break; // Other events (Scheduled, Pulled, Started...) are not disruptions.
      }
    }
    for (const group of unhealthyGroups.values()) {
      const first = group[0] as EventRecord;
      const last = group[group.length - 1] as EventRecord;
      const kind = probeKindOf(last.event.message ?? '') ?? 'liveness';
      const reported = group.reduce((n, e) => n + eventCount(e.event), 0);
      const spec = this.probeOf(first.target, kind);
      const threshold = spec !== undefined ? (spec.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD) : undefined;
      const consequence =
        kind === 'readiness'
          ? 'A readiness probe never restarts anything: the pod is only taken out of its Services’ endpoints, and the stress keeps running.'
          : `The kubelet restarts the container after ${threshold !== undefined ? plural(threshold, 'failure', 'consecutive failures') : 'failureThreshold consecutive failures'}` +
            ' of this probe; no restart has been seen yet.';
      this.out.push({
        id: `probe-failure:${first.key}`,
        kind: 'probe-failure',
        time: last.time,
        target: last.target,
        sources: ['event'],
        severity: kind === 'readiness' ? 'info' : 'warning',
        title: `${capitalize(kind)} probe failing on ${last.target.container ?? 'the container'}`,
        explanation:
          `The ${kind} probe of ${who(last.target)} failed (${plural(reported, 'failure', 'failures')} reported): "${last.event.message ?? ''}". ` +
          consequence,
        details: {
          probe: kind,
          probeFailuresReported: reported,
          probeMessage: last.event.message ?? '',
          ...(threshold !== undefined ? { probeFailureThreshold: threshold } : {}),
          eventReasons: ['Unhealthy'],
        },
      });
    }
  }
}

function systemOomEvent(e: EventRecord, msg: string): DisruptionEvent {
  const victim = parseSystemOom(msg);
  return {
    id: `system-oom:${e.key}`,
    kind: 'system-oom',
    time: e.time,
    target: e.target,
    sources: ['event'],
    severity: 'error',
    title: `Node ${e.target.node ?? '?'} ran out of memory`,
    explanation:
      `The whole node ${e.target.node ?? '?'} ran out of memory (not a container's limit) and the kernel OOM killer ` +
      `${victim ? `killed ${victimText(victim)}` : 'killed a process'}: ${QOS_CHOICE}.`,
    details: { ...(victim ? { victim } : {}), eventReasons: ['SystemOOM'], eventMessage: msg },
  };
}

function nodeOomKillEvent(e: EventRecord, msg: string): DisruptionEvent {
  const victim = parseKernelOomKill(msg);
  const scope = victim?.scope ?? 'unknown';
  return {
    id: `node-oom-kill:${e.key}`,
    kind: 'node-oom-kill',
    time: e.time,
    target: e.target,
    sources: ['event'],
    severity: 'warning',
    title: `OOM kill on node ${e.target.node ?? '?'}`,
    explanation:
      `The kernel on node ${e.target.node ?? '?'} OOM-killed ${victim ? victimText(victim) : 'a process'} ` +
      (scope === 'memcg'
        ? `because a container or pod hit its own memory limit; ${OOM_CHOICE}.`
        : scope === 'system'
          ? `because the node ran out of memory; ${QOS_CHOICE}.`
          : '(reported by node-problem-detector).') +
      ' No sampled container saw its counter move at that time, so the victim is in another pod or between samples.',
    details: { ...(victim ? { victim } : {}), eventReasons: ['OOMKilling'], eventMessage: msg },
  };
}

function backOffEvent(e: EventRecord, msg: string): DisruptionEvent {
  return {
    id: `back-off:${e.key}`,
    kind: 'back-off',
    time: e.time,
    target: e.target,
    sources: ['event'],
    severity: 'warning',
    title: `${e.target.container ?? 'Container'} in CrashLoopBackOff`,
    explanation:
      `${capitalize(who(e.target))} keeps ending, so the kubelet waits longer and longer (up to 5 minutes) before starting ` +
      `it again (CrashLoopBackOff${eventCount(e.event) > 1 ? `, reported ${eventCount(e.event)} times` : ''}). While it waits, ` +
      'nothing runs in it: no application and no stress.',
    details: { eventReasons: ['BackOff'], eventMessage: msg },
  };
}

function kubeletStoppingEvent(e: EventRecord, msg: string): DisruptionEvent {
  return {
    id: `killed-by-kubelet:${e.key}`,
    kind: 'killed-by-kubelet',
    time: e.time,
    target: e.target,
    sources: ['event'],
    severity: 'warning',
    title: `Kubelet stopping ${e.target.container ?? 'the container'}`,
    explanation: `The kubelet is stopping ${who(e.target)} ("${msg}"): the pod is being deleted, preempted or updated — not an OOM.`,
    details: { eventReasons: ['Killing'], eventMessage: msg },
  };
}
