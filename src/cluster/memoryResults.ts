// Everything the results panel shows about one experiment (or one pod, for Show memory), kept here
// in the extension host: one exec sampler per target container (re-attached by itself when the
// container restarts), the pods, Events and the experiment watched live, the OOM/disruption
// timeline correlated by src/core, and the samples in bounded series. The panel gets the state as
// plain protocol objects (src/webview/protocol.ts) and then only increments.
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import {
  DisruptionTimeline,
  SampleSeries,
  TimeSeries,
  baselineBefore,
  cgroupOomKillFromStep,
  containerOomScoreAdj,
  effectivePodQosClass,
  expectedPlateau,
  isPaused,
  killOrder,
  memStressReadSize,
  oomScoreAdjOrigin,
  outcomeSummary,
  quantityToBytes,
  stressorGone,
  oomVictim,
  type CgroupOomKill,
  type DisruptionEvent,
  type KubeEvent,
  type Pod,
  type ProcessListing,
  type Sample,
  type StressChaos,
  type WorkingSetPoint,
} from '../core';
import type { ContainerInfo, Curve, MarkerKind, ProcessesView, SampleBatch, StatusView, TimelineEntry, WindowSpan } from '../webview/protocol';
import { CURVES } from '../webview/protocol';
import { ChaosMeshClient } from './chaosMesh';
import { ExecSampler, containerRefKey, type ContainerRef, type ExecSamplerEvent } from './execSampler';
import { listCollection, ObjectWatch, type WatchState } from './objectWatch';
import type { ClusterSession } from './session';
import { SummarySampler } from './summarySampler';

export type ResultsTarget =
  | { readonly kind: 'experiment'; readonly namespace: string; readonly name: string }
  | { readonly kind: 'pod'; readonly namespace: string; readonly pod: string; readonly container?: string };

/** A fault met while following the subject, for the log: the context, what was being done, the kind of error, the message shown. */
export interface ResultsFault {
  readonly context: string;
  readonly action: string;
  readonly kind: string;
  readonly message: string;
}

export interface MemoryResultsListener {
  samples(batches: SampleBatch[]): void;
  timeline(upsert: TimelineEntry[], remove: string[]): void;
  processes(view: ProcessesView): void;
  status(): void;
  /** Each fault once, when it happens (the host writes it to the log). */
  fault?(fault: ResultsFault): void;
}

/** Reconnecting a lost exec stream: the first wait and the longest. */
const RECONNECT_MIN_MS = 1000;
const RECONNECT_MAX_MS = 30_000;
/** How long "lost and resumed" stays among the notices. */
const RESUMED_NOTICE_MS = 60_000;

const clock = (t: number): string => new Date(t).toLocaleTimeString('en-GB');

export interface MemoryResultsOptions {
  readonly intervalMs: number;
  /** Points kept per curve (default: two hours at the sampling rate). */
  readonly capacity?: number;
  /** How often pending samples are flushed to the panel. */
  readonly flushMs?: number;
}

interface Track {
  readonly ref: ContainerRef;
  readonly key: string;
  containerId: string | undefined;
  requestBytes: number | null;
  limitBytes: number | null;
  qosAdj: number | undefined;
  qosClass: string | undefined;
  readonly series: SampleSeries;
  readonly curves: Record<Curve, TimeSeries>;
  readonly pending: { times: number[]; values: Record<Curve, number[]> };
  sampler: ExecSampler | null;
  fallback: SummarySampler | null;
  source: 'exec' | 'summary-api' | 'metrics-api' | 'none';
  notice: string | null;
  listings: ProcessListing[];
  /** The last kill, until the process list taken right after it names the victim. */
  pendingKill: { kill: CgroupOomKill; seq: number } | null;
  oomKillTimes: number[];
  victims: string[];
  restartedAt: number | null;
  restartReason: string | undefined;
  restarts: number;
  lastRestartCount: number | undefined;
  retry: NodeJS.Timeout | undefined;
  /** The exec stream was lost at this time and is not back yet. */
  lostAt: number | null;
  /** The next wait before reconnecting (doubles up to RECONNECT_MAX_MS; reset by a sample). */
  reconnectMs: number;
  /** "lost at … (why); reconnecting in …" or "lost at … and resumed at …", with when it was said. */
  connection: { text: string; at: number; resumed: boolean } | null;
  /** The pod was deleted: sampling stopped for good. */
  deletedAt: number | null;
  /** Exec was refused with 401: not attached again (a pod update must not retry it). */
  refused: boolean;
}

const markerOf = (e: DisruptionEvent): MarkerKind => {
  switch (e.kind) {
    case 'oom-kill-in-container':
    case 'node-oom-kill':
    case 'system-oom':
      return 'oom-kill';
    case 'container-oom-killed':
      return 'oom-killed';
    case 'probe-restart':
    case 'probe-failure':
      return 'probe';
    case 'evicted':
      return 'eviction';
    case 'container-restart':
    case 'back-off':
    case 'sigkill':
    case 'container-exit':
    case 'killed-by-kubelet':
      return 'restart';
  }
};

export function toTimelineEntry(e: DisruptionEvent): TimelineEntry {
  return { id: e.id, time: e.time, marker: markerOf(e), severity: e.severity, title: e.title, text: e.explanation };
}

export class MemoryResults {
  private readonly tracks = new Map<string, Track>();
  private readonly timelineModel = new DisruptionTimeline();
  private readonly watches: { stop(): void }[] = [];
  private readonly notices = new Map<string, string>();
  private experiment: StressChaos | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private lastStatusJson = '';
  private stopped = false;
  private nodeMemoryBytes: bigint | undefined;
  private pods = new Map<string, V1Pod>();

  /** What the panel is told: nothing once stopped (a closed panel has nowhere to show it). */
  private readonly listener: MemoryResultsListener;

  constructor(
    private readonly session: ClusterSession,
    readonly target: ResultsTarget,
    private readonly options: MemoryResultsOptions,
    listener: MemoryResultsListener,
  ) {
    // Watches and exec streams may report their end synchronously from stop(); none of it passes.
    const live = <A extends unknown[]>(f: ((...args: A) => void) | undefined) => (...args: A): void => {
      if (!this.stopped) f?.(...args);
    };
    this.listener = {
      samples: live(listener.samples),
      timeline: live(listener.timeline),
      processes: live(listener.processes),
      status: live(listener.status),
      fault: live(listener.fault),
    };
  }

  start(): this {
    const ns = this.target.namespace;
    this.watches.push(
      new ObjectWatch<V1Pod>({
        session: this.session,
        path: `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`,
        list: () => listCollection<V1Pod>(this.session, `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`, `listing pods in namespace "${ns}"`),
        what: `pods in namespace "${ns}"`,
        onChange: (pods) => this.onPods(pods),
        onState: (s) => this.onWatchState('pods', s),
        onRecovered: (e) => this.fault(e.kind, e.action, e.message),
      }).start(),
      new ObjectWatch<CoreV1Event>({
        session: this.session,
        path: `/api/v1/namespaces/${encodeURIComponent(ns)}/events`,
        list: () => listCollection<CoreV1Event>(this.session, `/api/v1/namespaces/${encodeURIComponent(ns)}/events`, `listing events in namespace "${ns}"`),
        what: `events in namespace "${ns}"`,
        onChange: (events) => this.onEvents(events),
        onState: (s) => this.onWatchState('events', s),
        onRecovered: (e) => this.fault(e.kind, e.action, e.message),
      }).start(),
    );
    if (this.target.kind === 'experiment') {
      const name = this.target.name;
      this.watches.push(
        new ChaosMeshClient(this.session).watch(ns, (objects) => {
          const seen = this.experiment;
          this.experiment = objects.get(`${ns}/${name}`);
          if (this.experiment === undefined && seen !== undefined) {
            // Gone from the cluster (kubectl delete, another tool, the Delete lens): said once, kept.
            const text = `StressChaos "${name}" was deleted from namespace "${ns}" at ${clock(Date.now())} (outside this panel); the samples taken are kept.`;
            this.setNotice('experiment', text);
            this.fault('deleted', `following StressChaos "${name}" in namespace "${ns}"`, text);
          } else if (this.experiment === undefined && !this.notices.get('experiment')?.includes('was deleted')) {
            this.setNotice('experiment', `StressChaos "${name}" does not exist in namespace "${ns}".`);
          } else if (this.experiment !== undefined) {
            this.setNotice('experiment', null);
          }
          this.onPods(this.podsSnapshot());
        }, (s) => this.onWatchState('experiment-watch', s)),
      );
    }
    this.flushTimer = setInterval(() => this.flush(), this.options.flushMs ?? 250);
    this.statusTimer = setInterval(() => this.refreshStatus(), 1000);
    return this;
  }

  /** A list for a watch through getJson, so a list the server does not answer times out. */
  /** A watch that fails says so; one that stopped for good (401, 403) says it stopped. */
  private onWatchState(key: string, s: WatchState): void {
    const text =
      s.state === 'failed'
        ? `${s.error.message} Stopped following it: trying again cannot help until that is fixed; reopen the panel then.`
        : s.state === 'retrying'
          ? `${s.error.message} Trying again in ${Math.round(s.retryInMs / 1000)} s.`
          : null;
    if ((s.state === 'failed' || s.state === 'retrying') && text !== null && this.notices.get(key) !== text) this.fault(s.error.kind, s.error.action, text);
    this.setNotice(key, text);
    this.listener.status();
  }

  private fault(kind: string, action: string, message: string): void {
    this.listener.fault?.({ context: this.session.context, action, kind, message });
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.watches) w.stop();
    clearInterval(this.flushTimer);
    clearInterval(this.statusTimer);
    for (const t of this.tracks.values()) this.detach(t);
  }

  /**
   * Samples of this subject kept from before (a window reload restarts the extension host): they
   * go in front of the new ones, a gap between, so the curves continue where they were.
   */
  seed(batches: readonly SampleBatch[]): void {
    for (const b of batches) {
      const [namespace, pod, container] = b.container.split('/');
      if (!namespace || !pod || !container || b.times.length === 0) continue;
      const t = this.tracks.get(b.container) ?? this.newTrack({ namespace, pod, container });
      b.times.forEach((time, i) => {
        for (const c of CURVES) t.curves[c].append(time, b.values[c][i] ?? NaN);
      });
      for (const c of CURVES) t.curves[c].appendGap((b.times[b.times.length - 1] as number) + 1);
    }
  }

  // ----- state for the panel -----------------------------------------------------------------

  containers(): ContainerInfo[] {
    return [...this.tracks.values()].map((t) => ({ key: t.key, label: `${t.ref.pod}/${t.ref.container}`, requestBytes: t.requestBytes, limitBytes: t.limitBytes }));
  }

  /** Every sample kept, per container (the panel's `init`, exports). */
  allSamples(): SampleBatch[] {
    return [...this.tracks.values()].map((t) => {
      const ws = t.curves.workingSet;
      const times: number[] = [];
      for (let i = 0; i < ws.length; i++) times.push(ws.timeAt(i));
      const values = Object.fromEntries(CURVES.map((c) => {
        const s = t.curves[c];
        const v: number[] = [];
        for (let i = 0; i < s.length; i++) v.push(s.valueAt(i));
        return [c, v];
      })) as Record<Curve, number[]>;
      return { container: t.key, times, values };
    });
  }

  timelineEntries(): TimelineEntry[] {
    return this.timelineModel.timeline().map(toTimelineEntry);
  }

  /** The full timeline events (for the JSON export). */
  timelineEvents(): DisruptionEvent[] {
    return this.timelineModel.timeline();
  }

  processViews(): ProcessesView[] {
    return [...this.tracks.values()].flatMap((t) => {
      const last = t.listings[t.listings.length - 1];
      return last ? [this.processView(t, last)] : [];
    });
  }

  statusView(): StatusView {
    const windows = this.windows();
    const injectedAt = windows[0]?.start ?? null;
    const size = this.stressSizeBytes();
    const plateau: Record<string, number> = {};
    const notices = [...this.notices.values()];
    const summary: string[] = [];
    for (const t of this.tracks.values()) {
      if (t.notice) notices.push(t.notice);
      if (t.connection && (!t.connection.resumed || Date.now() - t.connection.at < RESUMED_NOTICE_MS)) notices.push(t.connection.text);
      const points = this.points(t);
      const baseline = injectedAt === null ? null : baselineBefore(points, injectedAt);
      if (baseline !== null && size !== null) plateau[t.key] = expectedPlateau(baseline, size, t.limitBytes);
      const gone = stressorGone({
        injected: this.isInjected(),
        injectedAt: injectedAt ?? 0,
        now: Date.now(),
        baseline,
        sizeBytes: size,
        recent: points.filter((p) => p.time >= Date.now() - 5000),
        restartedAt: t.restartedAt,
        ...(t.restartReason ? { restartReason: t.restartReason } : {}),
      });
      if (gone) notices.push(`${t.ref.pod}/${t.ref.container}: ${gone}`);
      summary.push(...outcomeSummary({
        container: `${t.ref.pod}/${t.ref.container}`,
        points,
        limitBytes: t.limitBytes,
        injectedAt,
        baseline,
        sizeBytes: size,
        oomKillTimes: t.oomKillTimes,
        oomKills: t.series.totalOomKills,
        restarts: t.restarts,
        victims: t.victims,
      }));
    }
    const source = [...new Set([...this.tracks.values()].map((t) => t.source))].join(', ') || 'exec';
    return { notices, windows, expectedPlateau: plateau, summary: { lines: summary }, source };
  }

  /** "Running, but the stressor is gone" for the experiment's status CodeLens; null when not. */
  stressorGoneMessage(): string | null {
    return this.statusView().notices.find((n) => n.includes('the stressor is gone')) ?? null;
  }

  // ----- experiment --------------------------------------------------------------------------

  private isInjected(): boolean {
    const e = this.experiment;
    if (!e || isPaused(e)) return false;
    return (e.status?.experiment.containerRecords ?? []).some((r) => r.phase === 'Injected');
  }

  private stressSizeBytes(): number | null {
    const size = this.experiment?.spec.stressors?.memory?.size;
    if (typeof size !== 'string') return null;
    const read = memStressReadSize(size);
    return 'bytes' in read ? Number(read.bytes) : 'percent' in read && this.nodeMemoryBytes !== undefined ? (Number(this.nodeMemoryBytes) * read.percent) / 100 : null;
  }

  /** Injected → recovered windows from the records' Apply/Recover events; open while injected (paused: state paused). */
  private windows(): WindowSpan[] {
    const e = this.experiment;
    if (!e) return [];
    const records = e.status?.experiment.containerRecords ?? [];
    const applies = records.flatMap((r) => (r.events ?? []).filter((x) => x.operation === 'Apply' && x.type === 'Succeeded').map((x) => Date.parse(x.timestamp)));
    const recovers = records.flatMap((r) => (r.events ?? []).filter((x) => x.operation === 'Recover' && x.type === 'Succeeded').map((x) => Date.parse(x.timestamp)));
    let start = applies.length ? Math.min(...applies) : undefined;
    // A record event carries whole seconds; the first sample that rose is more exact when earlier.
    if (start === undefined && this.isInjected()) start = Date.parse(e.metadata.creationTimestamp ?? '') || undefined;
    if (start === undefined) return [];
    const end = recovers.filter((r) => r >= start!).sort((a, b) => b - a)[0] ?? null;
    const injected = this.isInjected();
    return [{ start, end: injected ? null : end, state: isPaused(e) ? 'paused' : injected ? 'running' : 'recovered' }];
  }

  // ----- pods and containers -----------------------------------------------------------------

  private podsSnapshot(): ReadonlyMap<string, V1Pod> {
    return this.pods;
  }

  /** The containers to sample: the experiment's records, else the pod's containers. */
  private targetRefs(pods: ReadonlyMap<string, V1Pod>): ContainerRef[] {
    const t = this.target;
    if (t.kind === 'experiment') {
      const ids = (this.experiment?.status?.experiment.containerRecords ?? []).map((r) => r.id);
      return ids.flatMap((id) => {
        const [namespace, pod, container] = id.split('/');
        return namespace && pod && container ? [{ namespace, pod, container }] : [];
      });
    }
    const pod = pods.get(`${t.namespace}/${t.pod}`);
    const names = (pod?.spec?.containers ?? []).map((c) => c.name).filter((n) => t.container === undefined || n === t.container);
    return names.map((container) => ({ namespace: t.namespace, pod: t.pod, container }));
  }

  private onPods(pods: ReadonlyMap<string, V1Pod>): void {
    if (this.stopped) return;
    this.pods = new Map(pods);
    const now = Date.now();
    for (const t of this.tracks.values()) {
      // A pod sampled before and now gone from the watch was deleted: stop, and say so once.
      if (t.deletedAt !== null || t.containerId === undefined || pods.has(`${t.ref.namespace}/${t.ref.pod}`)) continue;
      t.deletedAt = now;
      this.detach(t);
      t.connection = null;
      t.notice = `${t.ref.pod}/${t.ref.container}: pod ${t.ref.pod} was deleted at ${clock(now)}; sampling stopped (the samples taken are kept).`;
      this.fault('deleted', `sampling ${t.ref.namespace}/${t.ref.pod} container ${t.ref.container}`, t.notice);
    }
    for (const ref of this.targetRefs(pods)) {
      const key = containerRefKey(ref);
      const pod = pods.get(`${ref.namespace}/${ref.pod}`);
      if (!pod) continue;
      const track = this.tracks.get(key) ?? this.newTrack(ref);
      this.timelineModel.observePod(pod as unknown as Pod, now);
      this.updateTrack(track, pod);
    }
    this.listener.status();
  }

  private newTrack(ref: ContainerRef): Track {
    const capacity = this.options.capacity ?? Math.ceil((2 * 3600 * 1000) / this.options.intervalMs);
    const track: Track = {
      ref,
      key: containerRefKey(ref),
      containerId: undefined,
      requestBytes: null,
      limitBytes: null,
      qosAdj: undefined,
      qosClass: undefined,
      series: new SampleSeries(),
      curves: Object.fromEntries(CURVES.map((c) => [c, new TimeSeries(capacity)])) as Record<Curve, TimeSeries>,
      pending: { times: [], values: { workingSet: [], usage: [], rss: [], cache: [] } },
      sampler: null,
      fallback: null,
      source: 'exec',
      notice: null,
      listings: [],
      pendingKill: null,
      oomKillTimes: [],
      victims: [],
      restartedAt: null,
      restartReason: undefined,
      restarts: 0,
      lastRestartCount: undefined,
      retry: undefined,
      lostAt: null,
      reconnectMs: RECONNECT_MIN_MS,
      connection: null,
      deletedAt: null,
      refused: false,
    };
    this.tracks.set(track.key, track);
    return track;
  }

  private updateTrack(t: Track, pod: V1Pod): void {
    if (t.deletedAt !== null || t.refused) return;
    const spec = pod.spec?.containers.find((c) => c.name === t.ref.container);
    const req = spec?.resources?.requests?.memory;
    const lim = spec?.resources?.limits?.memory;
    t.requestBytes = req === undefined ? null : Number(quantityToBytes(String(req)));
    t.limitBytes = lim === undefined ? null : Number(quantityToBytes(String(lim)));
    t.qosClass = pod.status?.qosClass ?? effectivePodQosClass(pod as unknown as Pod);
    if (this.nodeMemoryBytes !== undefined) {
      try {
        t.qosAdj = containerOomScoreAdj(pod as unknown as Pod, t.ref.container, this.nodeMemoryBytes);
      } catch {
        t.qosAdj = undefined;
      }
    }
    const status = pod.status?.containerStatuses?.find((c) => c.name === t.ref.container);
    const restartCount = status?.restartCount;
    if (t.lastRestartCount !== undefined && restartCount !== undefined && restartCount > t.lastRestartCount) {
      t.restarts += restartCount - t.lastRestartCount;
      const term = status?.lastState?.terminated;
      t.restartedAt = term?.finishedAt ? new Date(term.finishedAt).getTime() : Date.now();
      t.restartReason = term?.reason ? `${term.reason}, exit code ${term.exitCode}` : undefined;
    }
    if (restartCount !== undefined) t.lastRestartCount = restartCount;
    const running = status?.state?.running !== undefined && status.containerID !== undefined;
    if (!running) return;
    if (t.containerId !== status.containerID || (t.sampler === null && t.fallback === null && t.retry === undefined)) {
      // A new container (restart): the old stream ended with it; attach to the new one.
      t.containerId = status.containerID;
      this.attach(t);
    }
  }

  private detach(t: Track): void {
    // Forgotten before it is stopped: a stream may report its end synchronously from stop(), and
    // that report must not be taken for a lost connection of the current one.
    const { sampler, fallback } = t;
    t.sampler = null;
    t.fallback = null;
    sampler?.stop();
    fallback?.stop();
    clearTimeout(t.retry);
    t.retry = undefined;
    t.pendingKill = null;
  }

  private attach(t: Track): void {
    this.detach(t);
    if (this.stopped) return;
    const sampler = new ExecSampler(this.session, t.ref, { intervalMs: this.options.intervalMs, processListEveryMs: 1000 }, (e) => this.onSampler(t, sampler, e));
    t.sampler = sampler;
    t.source = 'exec';
    void sampler.start();
  }

  private onSampler(t: Track, sampler: ExecSampler, e: ExecSamplerEvent): void {
    if (this.stopped || t.sampler !== sampler) return; // stopped, or an older stream
    switch (e.kind) {
      case 'started':
        t.notice = e.info.notes.length ? `${t.ref.container}: ${e.info.notes.join(' ')}` : null;
        if (t.lostAt !== null) {
          const now = Date.now();
          t.connection = { text: `${t.ref.pod}/${t.ref.container}: the exec stream was lost at ${clock(t.lostAt)} and resumed at ${clock(now)}; the samples received before it was lost are kept.`, at: now, resumed: true };
          this.fault('resumed', `sampling ${t.key}`, t.connection.text);
          t.lostAt = null;
        }
        break;
      case 'sample':
        t.reconnectMs = RECONNECT_MIN_MS;
        this.onSample(t, e.sample, e.receivedAt);
        break;
      case 'processes':
        this.onListing(t, e.listing);
        break;
      case 'problem':
        break;
      case 'ended':
        t.sampler = null;
        if (e.reason === 'no-shell' || e.reason === 'forbidden') {
          this.fault(e.reason, `sampling ${t.key} through exec`, e.message);
          this.startFallback(t, e.message);
        } else if (e.reason === 'unauthorized') {
          // The credentials were refused: retrying cannot help until the user signs in again.
          t.refused = true;
          t.connection = { text: `${t.ref.pod}/${t.ref.container}: ${e.message} Sampling stopped; reopen the panel after signing in again.`, at: Date.now(), resumed: false };
          this.fault('unauthorized', `sampling ${t.key} through exec`, e.message);
        } else if (e.reason !== 'stopped' && !this.stopped && t.deletedAt === null) {
          // The container stopped (a new one will come through the pod watch) or the connection
          // dropped: try again, waiting longer each time, while the same container still runs.
          const delay = t.reconnectMs;
          t.reconnectMs = Math.min(delay * 2, RECONNECT_MAX_MS);
          t.lostAt ??= Date.now();
          t.connection = { text: `${t.ref.pod}/${t.ref.container}: the exec stream was lost at ${clock(t.lostAt)} (${e.message}); reconnecting in ${Math.round(delay / 1000)} s.`, at: Date.now(), resumed: false };
          this.fault(e.reason === 'closed' ? 'lost' : e.reason, `sampling ${t.key} through exec`, t.connection.text);
          t.retry = setTimeout(() => {
            t.retry = undefined;
            const pod = this.pods.get(`${t.ref.namespace}/${t.ref.pod}`);
            if (pod) this.updateTrack(t, pod);
          }, delay);
        }
        this.listener.status();
        break;
    }
  }

  private startFallback(t: Track, why: string): void {
    const node = this.pods.get(`${t.ref.namespace}/${t.ref.pod}`)?.spec?.nodeName;
    t.fallback = new SummarySampler(this.session, t.ref, node, (point, source) => {
      t.source = source;
      this.appendPoint(t, point.time, point.workingSet, point.usage, point.rss, point.cache);
    }, (message, error) => {
      t.notice = message;
      this.fault((error as { kind?: string } | null)?.kind ?? 'unknown', `sampling ${t.key} from the Summary API or metrics.k8s.io`, message);
      this.listener.status();
    });
    t.source = 'summary-api';
    t.notice = `${t.ref.container}: ${why} Falling back to the kubelet Summary API (one point every 10–15 s), then metrics.k8s.io; no process list, so OOM victims are inferred from the counters and oom_score_adj.`;
    t.fallback.start();
  }

  private onSample(t: Track, sample: Sample, receivedAt: number): void {
    const step = t.series.add(sample, t.containerId);
    const time = sample.wallTime ?? receivedAt;
    const m = sample.memory;
    if (step.reset !== null) for (const c of CURVES) t.curves[c].appendGap(time - 1);
    this.appendPoint(t, time, Number(m.workingSetBytes), Number(m.usageBytes), Number(m.rssBytes), Number(m.cacheBytes));
    if (m.limitBytes !== null) t.limitBytes = Number(m.limitBytes);
    const pod = this.pods.get(`${t.ref.namespace}/${t.ref.pod}`);
    const target = { namespace: t.ref.namespace, pod: t.ref.pod, container: t.ref.container, ...(pod?.spec?.nodeName ? { node: pod.spec.nodeName } : {}) };
    const kill = cgroupOomKillFromStep(target, step, time);
    if (kill === null) return;
    t.oomKillTimes.push(time);
    // The marker goes out at once; the process list the sampler takes in the same round names the
    // victim a moment later (the same kill again, with its victim: the timeline replaces it).
    this.commitKill(kill);
    t.pendingKill = { kill, seq: sample.seq };
  }

  private onListing(t: Track, listing: ProcessListing): void {
    if (listing.nodeMemory.MemTotal !== undefined && this.nodeMemoryBytes === undefined) {
      this.nodeMemoryBytes = BigInt(listing.nodeMemory.MemTotal);
      const pod = this.pods.get(`${t.ref.namespace}/${t.ref.pod}`);
      if (pod) this.updateTrack(t, pod);
    }
    const previous = t.listings[t.listings.length - 1];
    t.listings = [...t.listings.slice(-1), listing];
    const pending = t.pendingKill;
    if (pending && listing.seq === pending.seq) {
      t.pendingKill = null;
      const v = previous ? oomVictim(previous, listing) : null;
      if (v) {
        t.victims.push(`${v.name} (pid ${v.pid})`);
        this.commitKill({ ...pending.kill, victim: { pid: v.pid, process: v.name, oomScoreAdj: v.oomScoreAdj, anonRssKiB: v.rssBytes === null ? null : v.rssBytes / 1024, scope: 'memcg' } });
      }
    }
    this.listener.processes(this.processView(t, listing));
  }

  private commitKill(kill: CgroupOomKill): void {
    this.timelineModel.addCgroupOomKill(kill);
    this.flushTimeline();
  }

  private processView(t: Track, listing: ProcessListing): ProcessesView {
    const ordered = killOrder(listing.processes);
    const stressAdj = this.experiment?.spec.stressors?.memory?.oomScoreAdj;
    return {
      container: t.key,
      time: listing.wallTime ?? Date.now(),
      readable: listing.readable,
      rows: ordered.map((p, i) => {
        const origin = oomScoreAdjOrigin(p, {
          ...(t.qosAdj !== undefined ? { qosValue: t.qosAdj } : {}),
          ...(t.qosClass ? { qosClass: t.qosClass } : {}),
          ...(typeof stressAdj === 'number' ? { stressOomScoreAdj: stressAdj } : {}),
          stressed: this.isInjected(),
        });
        const short = { qos: `QoS ${t.qosClass ?? ''}`.trim(), 'stress-spec': 'spec oomScoreAdj', 'chaos-daemon': 'chaos-daemon', other: '—' }[origin.origin];
        return { pid: p.pid, name: p.name, oomScore: p.oomScore, oomScoreAdj: p.oomScoreAdj, adjOrigin: short, adjOriginDetail: origin.text, rssBytes: p.rssBytes, next: i === 0 };
      }),
      nodeMemory: { ...listing.nodeMemory },
    };
  }

  private appendPoint(t: Track, time: number, workingSet: number, usage: number, rss: number, cache: number): void {
    const values: Record<Curve, number> = { workingSet, usage, rss, cache };
    if (!t.curves.workingSet.append(time, workingSet)) return;
    for (const c of CURVES) if (c !== 'workingSet') t.curves[c].append(time, values[c]);
    t.pending.times.push(time);
    for (const c of CURVES) t.pending.values[c].push(values[c]);
  }

  private points(t: Track): WorkingSetPoint[] {
    const s = t.curves.workingSet;
    const out: WorkingSetPoint[] = [];
    for (let i = 0; i < s.length; i++) {
      const v = s.valueAt(i);
      if (!Number.isNaN(v)) out.push({ time: s.timeAt(i), bytes: v });
    }
    return out;
  }

  // ----- events and flushing -----------------------------------------------------------------

  private onEvents(events: ReadonlyMap<string, CoreV1Event>): void {
    const pods = new Set([...this.tracks.values()].map((t) => t.ref.pod));
    if (this.target.kind === 'pod') pods.add(this.target.pod);
    for (const e of events.values()) {
      if (e.involvedObject?.kind === 'Pod' && e.involvedObject.name !== undefined && pods.has(e.involvedObject.name)) {
        this.timelineModel.addEvent(e as unknown as KubeEvent);
      }
    }
    this.flushTimeline();
  }

  private flushTimeline(): void {
    const { upsert, remove } = this.timelineModel.changes();
    if (upsert.length || remove.length) this.listener.timeline(upsert.map(toTimelineEntry), remove);
  }

  private flush(): void {
    const batches: SampleBatch[] = [];
    for (const t of this.tracks.values()) {
      if (t.pending.times.length === 0) continue;
      batches.push({ container: t.key, times: t.pending.times, values: t.pending.values });
      t.pending.times = [];
      t.pending.values = { workingSet: [], usage: [], rss: [], cache: [] };
    }
    if (batches.length) this.listener.samples(batches);
    this.flushTimeline();
  }

  private refreshStatus(): void {
    const json = JSON.stringify(this.statusView());
    if (json === this.lastStatusJson) return;
    this.lastStatusJson = json;
    this.listener.status();
  }

  private setNotice(key: string, message: string | null): void {
    if (message === null) this.notices.delete(key);
    else this.notices.set(key, message);
  }
}
