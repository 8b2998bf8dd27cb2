// The sandbox's Chaos Mesh: admission webhooks plus the StressChaos controller, reproducing Chaos
// Mesh's generic chaos pipeline (CM controllers/common: finalizers.InitStep, desiredphase.Step,
// condition.Step, records.Step, finalizers.CleanStep, run in that order on every reconcile of one
// object, one object at a time) and the StressChaos impl (controllers/chaosimpl/stresschaos/impl.go),
// with chaos-daemon's process launching done through the node's `spawnInContainer` (see stressors.ts).
// All read from upstream, not copied. What is knowingly different is said where it happens.
//
// Triggers, as with controller-runtime: every change of a StressChaos in the store (except updates that
// only touch records' events: StatusRecordEventsChangePredicate), a timer when the duration runs out
// (desiredphase's RequeueAfter), and a per-object exponential back-off (5 ms doubling, capped at 1000 s)
// after a failed apply/recover. Chaos Mesh does not watch pods for StressChaos, so neither do we: a
// restarted container loses its stressor and the record stays "Injected" with the old instance, as on a
// real cluster.
import { goParseDuration } from '../../../src/core/stressChaos';
import type { NodeAgent } from '../contracts';
import { effectiveOomScoreAdj } from '../runtime/runtime';
import { ApiError, type KObject, type Store, type StoreEvent } from '../store';
import { ChaosRecorder, Events, type ChaosEvent } from './recorder';
import { selectTargets, targetId } from './selector';
import {
  normalizeStressors,
  nodeMemTotal,
  planCpu,
  planMemory,
  startStressor,
  stopStressor,
  warmStressorPageCache,
  type RunningStressor,
} from './stressors';
import {
  CLEAN_FINALIZER_ANNOTATION,
  CLEAN_FINALIZER_FORCED,
  MAX_RECORD_EVENTS,
  PAUSE_ANNOTATION,
  PHASE_INJECTED,
  PHASE_NOT_INJECTED,
  RECORD_FINALIZER,
  RESOURCE,
  metaTime,
  statusOf,
  type ChaosCondition,
  type ContainerRecord,
  type DesiredPhase,
  type RecordEvent,
  type StressChaos,
  type StressInstance,
} from './types';
import { admitStressChaosRequest } from './webhook';

interface StepResult {
  requeue?: boolean;
  /** Milliseconds. */
  requeueAfter?: number;
}

interface Stressors {
  cpu?: RunningStressor;
  memory?: RunningStressor;
}

const EPOCH = '1970-01-01T00:00:00Z';
const BACKOFF_BASE_MS = 5;
const BACKOFF_MAX_MS = 1000_000;

const isDeleted = (o: KObject): boolean => !!o.metadata.deletionTimestamp;
const isPaused = (o: KObject): boolean => o.metadata.annotations?.[PAUSE_ANNOTATION] === 'true';
const keyOf = (o: KObject): string => `${o.metadata.namespace}/${o.metadata.name}`;

/** An error as chaos-daemon's gRPC client reports it to the controller. */
const rpcError = (e: unknown): string => `rpc error: code = Unknown desc = ${e instanceof Error ? e.message : String(e)}`;

export class ChaosMeshController {
  private readonly log: (line: string) => void;
  private readonly recorder: ChaosRecorder;
  private unwatch: (() => void) | undefined;
  private readonly queue = new Set<string>();
  private loop: Promise<void> | undefined;
  private looping = false;
  private stopped = false;
  private readonly lastSeen = new Map<string, KObject>();
  private readonly timers = new Map<string, { at: number; handle: NodeJS.Timeout }>();
  private readonly failures = new Map<string, number>();
  /** Running stressors by `<chaos uid>|<record id>`. */
  private readonly stressors = new Map<string, Stressors>();
  private memTotal: bigint | undefined;

  constructor(
    private readonly store: Store,
    private readonly node: NodeAgent,
    options: { log?: (line: string) => void } = {},
  ) {
    this.log = options.log ?? (() => undefined);
    this.recorder = new ChaosRecorder(store, this.log);
  }

  /**
   * The mutating + validating webhooks, called by the API server before it stores a create or update.
   * Returns the object to store (defaults applied) or throws the ApiError kube-apiserver would answer
   * with (403 Forbidden, `admission webhook "vstresschaos.kb.io" denied the request: …`).
   */
  admit(operation: 'CREATE' | 'UPDATE', obj: KObject, old?: KObject): KObject {
    return admitStressChaosRequest(operation, obj, old);
  }

  async start(): Promise<void> {
    this.stopped = false;
    try {
      await warmStressorPageCache();
    } catch (e) {
      this.log(`chaos: could not pre-load stress-ng into the page cache: ${(e as Error).message}`);
    }
    this.unwatch = this.store.watch(RESOURCE, undefined, undefined, (ev) => this.onEvent(ev));
    for (const obj of this.store.list(RESOURCE).items) {
      this.lastSeen.set(keyOf(obj), obj);
      this.enqueue(keyOf(obj));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unwatch?.();
    this.unwatch = undefined;
    for (const t of this.timers.values()) clearTimeout(t.handle);
    this.timers.clear();
    this.queue.clear();
    await this.loop;
    const all = [...this.stressors.values()];
    this.stressors.clear();
    await Promise.all(all.flatMap((s) => [s.cpu, s.memory]).filter((s): s is RunningStressor => !!s).map((s) => stopStressor(s, 2000)));
  }

  // -------------------------------------------------------------------------------------------------
  // Queue.

  private onEvent(ev: StoreEvent): void {
    const key = keyOf(ev.object);
    const old = this.lastSeen.get(key);
    if (ev.type === 'DELETED') this.lastSeen.delete(key);
    else this.lastSeen.set(key, ev.object);
    if (ev.type === 'MODIFIED' && old && onlyRecordEventsChanged(old, ev.object)) return;
    this.enqueue(key);
  }

  private enqueue(key: string): void {
    if (this.stopped) return;
    this.queue.add(key);
    // Writes made while reconciling emit watch events synchronously and land here: they only queue.
    if (this.looping) return;
    this.looping = true;
    this.loop = (async () => {
      while (this.queue.size && !this.stopped) {
        const next = this.queue.values().next().value as string;
        this.queue.delete(next);
        let result: StepResult;
        try {
          result = await this.reconcile(next);
        } catch (e) {
          this.log(`chaos: reconcile ${next} failed: ${(e as Error).stack ?? e}`);
          result = { requeue: true };
        }
        this.schedule(next, result);
      }
      this.looping = false;
      this.loop = undefined;
    })();
  }

  private schedule(key: string, result: StepResult): void {
    if (this.stopped) return;
    let delay: number | undefined;
    if (result.requeue) {
      const n = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, n);
      delay = Math.min(BACKOFF_BASE_MS * 2 ** (n - 1), BACKOFF_MAX_MS);
    } else {
      this.failures.delete(key);
      delay = result.requeueAfter;
    }
    if (delay === undefined) return;
    const at = Date.now() + delay;
    const existing = this.timers.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.handle);
    const handle = setTimeout(() => {
      this.timers.delete(key);
      this.enqueue(key);
    }, delay);
    handle.unref?.();
    this.timers.set(key, { at, handle });
  }

  // -------------------------------------------------------------------------------------------------
  // The pipeline (CM controllers/common/pipeline): every step re-reads the object.

  private async reconcile(key: string): Promise<StepResult> {
    const [ns, name] = key.split('/');
    const get = (): StressChaos | undefined => this.store.get(RESOURCE, ns, name) as StressChaos | undefined;
    let deadline: number | undefined;
    const steps: (() => StepResult | Promise<StepResult>)[] = [
      () => this.initFinalizers(get),
      () => this.desiredPhase(get),
      () => this.conditions(get),
      () => this.records(get),
      () => this.cleanFinalizers(get),
    ];
    for (const step of steps) {
      const r = await step();
      if (r.requeue || (deadline !== undefined && deadline < Date.now())) return { requeue: true };
      if (r.requeueAfter) deadline = Math.min(deadline ?? Infinity, Date.now() + r.requeueAfter);
    }
    if (deadline === undefined) return {};
    return deadline < Date.now() ? { requeue: true } : { requeueAfter: deadline - Date.now() };
  }

  private event(obj: KObject, component: string, ev: ChaosEvent): void {
    this.recorder.event(obj, component, ev);
  }

  /** Writes a change to the freshest copy (Get + modify + Update, as RetryOnConflict does). */
  private write(obj: KObject, fn: (fresh: StressChaos) => void): void {
    this.store.mutate(RESOURCE, obj.metadata.namespace, obj.metadata.name!, (o) => fn(o as StressChaos));
  }

  private updateFinalizer(obj: StressChaos, finalizers: string[]): void {
    try {
      this.write(obj, (o) => {
        o.metadata.finalizers = finalizers;
      });
    } catch (e) {
      this.log(`chaos: fail to update finalizer of ${keyOf(obj)}: ${(e as Error).message}`);
      // Upstream passes the literal text "updateError.Error()" here (a bug we keep).
      this.event(obj, 'initFinalizers', Events.failed('update finalizer', 'updateError.Error()'));
      return;
    }
    this.event(obj, 'initFinalizers', Events.updated('finalizer'));
  }

  private initFinalizers(get: () => StressChaos | undefined): StepResult {
    const obj = get();
    if (!obj || isDeleted(obj)) return {};
    const finalizers = obj.metadata.finalizers ?? [];
    if (!finalizers.includes(RECORD_FINALIZER)) {
      this.event(obj, 'initFinalizers', Events.finalizerInited());
      this.updateFinalizer(obj, [...finalizers, RECORD_FINALIZER]);
    }
    return {};
  }

  private desiredPhase(get: () => StressChaos | undefined): StepResult {
    const obj = get();
    if (!obj) return {};
    const current = obj.status?.experiment?.desiredPhase;
    const events: ChaosEvent[] = [];
    let requeueAfter: number | undefined;
    const decide = (): DesiredPhase => {
      if (isDeleted(obj)) {
        if (current !== 'Stop') events.push(Events.deleted());
        return 'Stop';
      }
      const duration = obj.spec?.duration;
      if (typeof duration === 'string') {
        const parsed = goParseDuration(duration);
        if ('error' in parsed) {
          this.log(`chaos: failed to parse duration of ${keyOf(obj)}: ${parsed.error}`);
        } else {
          const stopMs = Date.parse(obj.metadata.creationTimestamp!) + Number(parsed.nanoseconds / 1_000_000n);
          const now = Date.now();
          if (stopMs < now) {
            if (current !== 'Stop') events.push(Events.timeUp());
            return 'Stop';
          }
          // Go's Before is strict: the stop time itself is not yet past, so wake just after it.
          requeueAfter = stopMs - now + 1;
        }
      }
      if (isPaused(obj)) {
        if (current !== 'Stop') events.push(Events.paused());
        return 'Stop';
      }
      if (current !== 'Run') events.push(Events.started());
      return 'Run';
    };
    const phase = decide();
    if (current !== phase) {
      for (const ev of events) this.event(obj, 'desiredphase', ev);
      try {
        this.write(obj, (o) => {
          const st = statusOf(o);
          if (st.experiment.desiredPhase !== phase) st.experiment.desiredPhase = phase;
        });
      } catch (e) {
        this.event(obj, 'desiredphase', Events.failed('update desiredphase', (e as Error).message));
        return {};
      }
      this.event(obj, 'desiredphase', Events.updated('desiredPhase'));
    }
    return { requeueAfter };
  }

  private conditions(get: () => StressChaos | undefined): StepResult {
    const obj = get();
    if (!obj) return {};
    const records = obj.status?.experiment?.containerRecords;
    const t = (b: boolean): 'True' | 'False' => (b ? 'True' : 'False');
    const wanted: ChaosCondition[] = [
      { type: 'Selected', status: t(records !== undefined) },
      { type: 'AllInjected', status: t(records !== undefined && records.every((r) => r.phase === PHASE_INJECTED)) },
      { type: 'AllRecovered', status: t(records !== undefined && records.every((r) => r.phase === PHASE_NOT_INJECTED)) },
      { type: 'Paused', status: t(isPaused(obj)) },
    ];
    const asMap = (cs: ChaosCondition[] | undefined): string =>
      JSON.stringify((cs ?? []).map((c) => [c.type, c.status, c.reason ?? '']).sort());
    if (asMap(obj.status?.conditions) !== asMap(wanted)) {
      try {
        this.write(obj, (o) => {
          statusOf(o).conditions = wanted;
        });
      } catch (e) {
        // The condition step uses the manager's plain recorder: type "Normal", reason "Failed".
        this.event(obj, 'condition', { type: 'Normal', reason: 'Failed', message: `Failed to update conditions: ${(e as Error).message}`, kind: 'failed' });
      }
    }
    return {};
  }

  private async records(get: () => StressChaos | undefined): Promise<StepResult> {
    const obj = get();
    if (!obj) return {};
    const desired = obj.status?.experiment?.desiredPhase;
    let records: ContainerRecord[] | undefined = obj.status?.experiment?.containerRecords;
    let shouldUpdate = false;
    if (records === undefined) {
      let targets;
      try {
        targets = selectTargets(this.store, obj.spec ?? {});
      } catch (e) {
        this.event(obj, 'records', Events.failed('select targets', (e as Error).message));
        return {};
      }
      if (targets.length === 0) {
        this.event(obj, 'records', Events.failed('select targets', 'no target has been selected'));
        return {};
      }
      records = targets.map((t) => ({ id: targetId(t), selectorKey: '.', phase: PHASE_NOT_INJECTED, injectedCount: 0, recoveredCount: 0 }));
      shouldUpdate = true;
    }
    // The impl works on the object read at the start of the step (its Instances are the custom status).
    let instances: Record<string, StressInstance> | undefined = obj.status?.instances ? structuredClone(obj.status.instances) : undefined;
    let needRetry = false;
    const pushEvent = (rec: ContainerRecord, ev: RecordEvent): void => {
      const list = (rec.events ??= []);
      if (list.length >= MAX_RECORD_EVENTS) list.shift();
      list.push(ev);
    };
    for (const record of records) {
      const original = record.phase;
      let operation: 'apply' | 'recover' | undefined;
      if ((desired === 'Run' && original !== PHASE_INJECTED) || (desired === 'Stop' && original !== PHASE_NOT_INJECTED)) {
        operation = original.startsWith(PHASE_NOT_INJECTED) ? 'apply' : 'recover';
      }
      if (!operation) continue;
      const outcome = operation === 'apply' ? await this.apply(obj, record.id, (instances ??= {})) : await this.recover(obj, record.id, instances);
      record.phase = outcome.phase;
      if (record.phase !== original) shouldUpdate = true;
      const op = operation === 'apply' ? 'Apply' : 'Recover';
      if (outcome.error !== undefined) {
        this.log(`chaos: fail to ${operation} chaos for ${record.id}: ${outcome.error}`);
        pushEvent(record, { type: 'Failed', operation: op, message: outcome.error, timestamp: metaTime() });
        this.event(obj, 'records', Events.failed(`${operation} chaos`, outcome.error));
        needRetry = true;
        shouldUpdate = true;
        continue;
      }
      if (operation === 'apply' && record.phase === PHASE_INJECTED) {
        record.injectedCount++;
        pushEvent(record, { type: 'Succeeded', operation: op, timestamp: metaTime() });
        this.event(obj, 'records', Events.applied(record.id));
      } else if (operation === 'recover' && record.phase === PHASE_NOT_INJECTED) {
        record.recoveredCount++;
        pushEvent(record, { type: 'Succeeded', operation: op, timestamp: metaTime() });
        this.event(obj, 'records', Events.recovered(record.id));
      }
    }
    if (shouldUpdate) {
      const finalRecords = records;
      if (instances && Object.keys(instances).length === 0) instances = undefined;
      const finalInstances = instances;
      try {
        this.write(obj, (o) => {
          const st = statusOf(o);
          st.experiment.containerRecords = finalRecords;
          if (finalInstances) st.instances = finalInstances;
          else delete st.instances;
        });
      } catch (e) {
        this.event(obj, 'records', Events.failed('update records', (e as Error).message));
        return { requeue: true };
      }
      this.event(obj, 'records', Events.updated('records'));
    }
    return { requeue: needRetry };
  }

  private cleanFinalizers(get: () => StressChaos | undefined): StepResult {
    const obj = get();
    if (!obj || !isDeleted(obj)) return {};
    const finalizers = obj.metadata.finalizers ?? [];
    const resumed = (obj.status?.experiment?.containerRecords ?? []).every((r) => r.phase === PHASE_NOT_INJECTED);
    const forced = obj.metadata.annotations?.[CLEAN_FINALIZER_ANNOTATION] === CLEAN_FINALIZER_FORCED;
    if (forced || (resumed && finalizers.length !== 0)) {
      this.event(obj, 'initFinalizers', Events.finalizerRemoved());
      this.updateFinalizer(obj, []);
    }
    return {};
  }

  // -------------------------------------------------------------------------------------------------
  // The StressChaos impl.

  /** CM ContainerRecordDecoder: the pod and a started container, or ErrContainerNotFound's text. */
  private decode(id: string): { pod: KObject; namespace: string; podName: string; container: string } | { notFound: string } {
    const notFound = { notFound: `container with id ${id} not found: container not found` };
    const parts = id.split('/');
    if (parts.length !== 3) return notFound;
    const [namespace, podName, container] = parts;
    const pod = this.store.get('pods', namespace, podName);
    if (!pod) return notFound;
    const statuses = ((pod.status as { containerStatuses?: { name: string; containerID?: string }[] } | undefined)?.containerStatuses ?? []);
    const cs = statuses.find((s) => s.name === container);
    if (!cs?.containerID) return notFound;
    return { pod, namespace, podName, container };
  }

  private async apply(obj: StressChaos, id: string, instances: Record<string, StressInstance>): Promise<{ phase: string; error?: string }> {
    const decoded = this.decode(id);
    if ('notFound' in decoded) return { phase: PHASE_NOT_INJECTED, error: decoded.notFound };
    if (instances[id]) {
      this.log(`chaos: an stress-ng instance is running for this pod (${id})`);
      return { phase: PHASE_INJECTED };
    }
    // stressngStressors is read and then ignored upstream (chaos-mesh#3783): when it is set, Normalize is
    // skipped, both argument strings stay empty, nothing is started and the record still becomes Injected.
    const { cpu, memory } = obj.spec?.stressngStressors ? { cpu: '', memory: '' } : normalizeStressors(obj.spec ?? {});
    const target = { namespace: decoded.namespace, pod: decoded.podName, container: decoded.container };
    const started: Stressors = {};
    try {
      if (cpu) started.cpu = await startStressor(this.node, target, planCpu(cpu, (a) => this.settableOomScoreAdj(a)));
      if (memory) {
        this.memTotal ??= nodeMemTotal();
        const plan = planMemory(memory, obj.spec?.stressors?.memory?.oomScoreAdj ?? 0, this.memTotal, (a) => this.settableOomScoreAdj(a));
        if (plan.problem) this.log(`chaos: memStress for ${id} would not allocate: ${plan.problem}`);
        started.memory = await startStressor(this.node, target, plan.argv);
      }
    } catch (e) {
      // chaos-daemon would leave an already started CPU stress-ng running here; the sandbox does not
      // leak it, since the controller will retry the whole apply.
      if (started.cpu) await stopStressor(started.cpu, 1000);
      const msg = e instanceof ApiError || e instanceof Error ? e.message : String(e);
      return { phase: PHASE_NOT_INJECTED, error: rpcError(msg) };
    }
    this.stressors.set(`${obj.metadata.uid}|${id}`, started);
    const instance: StressInstance = {};
    if (started.cpu) instance.uid = String(started.cpu.proc.pid);
    if (started.memory) instance.memoryUid = String(started.memory.proc.pid);
    instance.startTime = started.cpu ? metaTime(started.cpu.startTime) : EPOCH;
    instance.memoryStartTime = started.memory ? metaTime(started.memory.startTime) : EPOCH;
    instances[id] = instance;
    for (const s of [started.cpu, started.memory]) {
      if (!s) continue;
      void s.proc.exited.then((r) => this.log(`chaos: stressor ${s.proc.pid} for ${id} exited (${r.signal ?? r.code}): ${s.output().trim().split('\n').slice(-3).join(' | ')}`));
    }
    return { phase: PHASE_INJECTED };
  }

  private settableOomScoreAdj(requested: number): number {
    const effective = effectiveOomScoreAdj(requested);
    if (effective !== requested) this.log(`chaos: this host refuses oom_score_adj ${requested} (no CAP_SYS_RESOURCE): the stressor runs with ${effective}`);
    return effective;
  }

  private async recover(obj: StressChaos, id: string, instances: Record<string, StressInstance> | undefined): Promise<{ phase: string; error?: string }> {
    const key = `${obj.metadata.uid}|${id}`;
    const decoded = this.decode(id);
    if ('notFound' in decoded) {
      // "pretend the disappeared container has been recovered" (the instance entry stays, as upstream).
      await this.killStressors(key);
      return { phase: PHASE_NOT_INJECTED };
    }
    if (!instances || !instances[id]) return { phase: PHASE_NOT_INJECTED };
    await this.killStressors(key);
    delete instances[id];
    return { phase: PHASE_NOT_INJECTED };
  }

  private async killStressors(key: string): Promise<void> {
    const s = this.stressors.get(key);
    if (!s) return;
    this.stressors.delete(key);
    await Promise.all([s.cpu, s.memory].filter((x): x is RunningStressor => !!x).map((x) => stopStressor(x)));
  }
}

/** CM StatusRecordEventsChangePredicate: an update that only changed records' events is not reconciled. */
function onlyRecordEventsChanged(a: KObject, b: KObject): boolean {
  const strip = (o: KObject): unknown => {
    const c = structuredClone(o) as StressChaos;
    delete c.metadata.generation;
    delete c.metadata.resourceVersion;
    for (const r of c.status?.experiment?.containerRecords ?? []) delete r.events;
    return c;
  };
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}
