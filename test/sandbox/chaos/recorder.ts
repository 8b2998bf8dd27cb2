// Kubernetes Events on a StressChaos, written as Chaos Mesh's recorder writes them (CM
// controllers/utils/recorder: a core/v1 Event named `<object>.<unix nanos in hex>`, count 1, first and
// last timestamp now, source.component = the recorder's name, and annotations describing the event:
// `chaos-mesh.org/type` = the event's kebab-case type name plus one `chaos-mesh.org/<field>` per field).
import type { KObject, Store } from '../store';
import { API_VERSION, KIND } from './types';

export interface ChaosEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** Kebab-case Go type name, e.g. `finalizer-inited`, `time-up`. */
  kind: string;
  fields?: Record<string, string>;
}

export const Events = {
  finalizerInited: (): ChaosEvent => ({ type: 'Normal', reason: 'FinalizerInited', message: 'Finalizer has been inited', kind: 'finalizer-inited' }),
  // Upstream quirk: FinalizerRemoved reuses the reason "FinalizerInited".
  finalizerRemoved: (): ChaosEvent => ({ type: 'Normal', reason: 'FinalizerInited', message: 'Finalizer has been removed', kind: 'finalizer-removed' }),
  started: (): ChaosEvent => ({ type: 'Normal', reason: 'Started', message: 'Experiment has started', kind: 'started' }),
  paused: (): ChaosEvent => ({ type: 'Normal', reason: 'Paused', message: 'Experiment has been paused', kind: 'paused' }),
  timeUp: (): ChaosEvent => ({ type: 'Normal', reason: 'TimeUp', message: 'Time up according to the duration', kind: 'time-up' }),
  deleted: (): ChaosEvent => ({ type: 'Normal', reason: 'Deleted', message: 'Experiment has been deleted', kind: 'deleted' }),
  applied: (id: string): ChaosEvent => ({ type: 'Normal', reason: 'Applied', message: `Successfully apply chaos for ${id}`, kind: 'applied', fields: { id } }),
  recovered: (id: string): ChaosEvent => ({ type: 'Normal', reason: 'Recovered', message: `Successfully recover chaos for ${id}`, kind: 'recovered', fields: { id } }),
  updated: (field: 'desiredPhase' | 'records' | 'finalizer'): ChaosEvent => ({ type: 'Normal', reason: 'Updated', message: `Successfully update ${field} of resource`, kind: 'updated', fields: { field } }),
  failed: (activity: string, err: string): ChaosEvent => ({ type: 'Warning', reason: 'Failed', message: `Failed to ${activity}: ${err}`, kind: 'failed', fields: { activity, err } }),
};

export class ChaosRecorder {
  private lastNanos = 0n;

  constructor(
    private readonly store: Store,
    private readonly log: (line: string) => void,
  ) {}

  /** Records `ev` on `obj` with source component `component` (initFinalizers, desiredphase, records). */
  event(obj: KObject, component: string, ev: ChaosEvent): void {
    let nanos = BigInt(Date.now()) * 1_000_000n + process.hrtime.bigint() % 1_000_000n;
    if (nanos <= this.lastNanos) nanos = this.lastNanos + 1n;
    this.lastNanos = nanos;
    const time = new Date(Number(nanos / 1_000_000n)).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const annotations: Record<string, string> = {};
    for (const [k, v] of Object.entries(ev.fields ?? {})) annotations[`chaos-mesh.org/${k}`] = v;
    annotations['chaos-mesh.org/type'] = ev.kind;
    const namespace = obj.metadata.namespace || 'default';
    try {
      this.store.create('events', {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${obj.metadata.name}.${nanos.toString(16)}`, namespace, annotations },
        involvedObject: {
          kind: KIND,
          namespace: obj.metadata.namespace,
          name: obj.metadata.name,
          uid: obj.metadata.uid,
          apiVersion: API_VERSION,
          resourceVersion: obj.metadata.resourceVersion,
        },
        reason: ev.reason,
        message: ev.message,
        source: { component },
        firstTimestamp: time,
        lastTimestamp: time,
        count: 1,
        type: ev.type,
        eventTime: null,
        reportingComponent: '',
        reportingInstance: '',
      });
    } catch (e) {
      this.log(`chaos: fail to submit event ${ev.reason} for ${namespace}/${obj.metadata.name}: ${(e as Error).message}`);
    }
  }
}
