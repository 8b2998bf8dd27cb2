// Chaos Mesh's StressChaos objects in one context: is Chaos Mesh installed, dry run, create,
// read, delete (waiting for Chaos Mesh's finalizer, which recovers the targets first), pause and
// resume (the pause annotation), list and watch. The one Chaos Mesh client of the extension: the
// Pods view's "Stress memory…", the editor's CodeLens and the results panel all use it.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import {
  CHAOS_MESH_GROUP,
  CHAOS_MESH_VERSION,
  PAUSE_ANNOTATION,
  STRESS_CHAOS_KIND,
  STRESS_CHAOS_PLURAL,
  conditionStatus,
  type StressChaos,
} from '../core/stressChaos';
import { ClusterError, toClusterError } from './errors';
import { ObjectWatch, type WatchState } from './objectWatch';
import type { ClusterSession } from './session';

/**
 * Label put on every StressChaos this extension creates (`app.kubernetes.io/managed-by=pod-memory-chaos`),
 * so they can be listed and cleaned up. Not Chaos Mesh's own `managed-by` label (core's MANAGED_BY_LABEL),
 * which marks objects a Schedule or Workflow made.
 */
export const EXTENSION_LABEL = 'app.kubernetes.io/managed-by';
export const EXTENSION_LABEL_VALUE = 'pod-memory-chaos';
/** The field manager named in every write, as kubectl names itself `kubectl-client-side-apply`. */
export const FIELD_MANAGER = 'pod-memory-chaos';

export type ChaosMeshPresence =
  | { readonly installed: true; readonly versions: readonly string[] }
  | { readonly installed: false; readonly reason: string };

const GVR = { group: CHAOS_MESH_GROUP, version: CHAOS_MESH_VERSION, plural: STRESS_CHAOS_PLURAL } as const;

export interface WaitOptions {
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  readonly pollMs?: number;
}

export class ChaosMeshClient {
  constructor(private readonly session: ClusterSession) {}

  private at(action: string) {
    return { context: this.session.context, action };
  }

  /** Chaos Mesh is installed when the API server serves stresschaos in chaos-mesh.org/v1alpha1. */
  async detect(signal?: AbortSignal): Promise<ChaosMeshPresence> {
    try {
      const list = await this.session.getJson<{ resources?: { name?: string }[] }>(`/apis/${CHAOS_MESH_GROUP}/${CHAOS_MESH_VERSION}`, {
        signal,
        action: 'looking for Chaos Mesh',
      });
      if ((list.resources ?? []).some((r) => r.name === STRESS_CHAOS_PLURAL)) return { installed: true, versions: [CHAOS_MESH_VERSION] };
      return { installed: false, reason: `Chaos Mesh is installed without StressChaos (${CHAOS_MESH_GROUP}/${CHAOS_MESH_VERSION} has no ${STRESS_CHAOS_PLURAL}).` };
    } catch (e) {
      if (e instanceof ClusterError && e.kind === 'notFound') {
        return { installed: false, reason: `Chaos Mesh is not installed in context "${this.session.context}": the API server does not serve ${CHAOS_MESH_GROUP}/${CHAOS_MESH_VERSION}. Install it (helm install chaos-mesh chaos-mesh/chaos-mesh) to run stresses.` };
      }
      throw e;
    }
  }

  /** The namespace an object goes to: its own, else the context's (as kubectl apply does). */
  namespaceFor(obj: StressChaos): string {
    return obj.metadata?.namespace || this.session.namespace;
  }

  /**
   * Server-side dry run of a create: the API server, the CRD's schema and Chaos Mesh's webhooks
   * all see the object and nothing is stored. Resolves to the object as it would be stored
   * (defaults filled by the mutating webhook); rejects with a ClusterError whose message carries
   * the server's words (a webhook's refusal included).
   */
  async dryRun(obj: StressChaos): Promise<StressChaos> {
    const namespace = this.namespaceFor(obj);
    try {
      return (await this.session.custom.createNamespacedCustomObject({
        ...GVR, namespace, body: withNamespace(obj, namespace), dryRun: 'All', fieldManager: FIELD_MANAGER, fieldValidation: 'Strict',
      })) as StressChaos;
    } catch (e) {
      throw toClusterError(e, this.at(`dry run of StressChaos "${obj.metadata?.name ?? ''}" in namespace "${namespace}"`));
    }
  }

  async create(obj: StressChaos): Promise<StressChaos> {
    const namespace = this.namespaceFor(obj);
    try {
      return (await this.session.custom.createNamespacedCustomObject({
        ...GVR, namespace, body: withNamespace(obj, namespace), fieldManager: FIELD_MANAGER, fieldValidation: 'Strict',
      })) as StressChaos;
    } catch (e) {
      throw toClusterError(e, this.at(`creating StressChaos "${obj.metadata?.name ?? ''}" in namespace "${namespace}"`));
    }
  }

  /** The live object, or undefined when it does not exist. */
  async get(namespace: string, name: string): Promise<StressChaos | undefined> {
    try {
      return (await this.session.custom.getNamespacedCustomObject({ ...GVR, namespace, name })) as StressChaos;
    } catch (e) {
      const error = toClusterError(e, this.at(`reading StressChaos "${name}" in namespace "${namespace}"`));
      if (error.kind === 'notFound') return undefined;
      throw error;
    }
  }

  async list(namespace?: string, labelSelector?: string): Promise<{ items: StressChaos[]; resourceVersion: string }> {
    try {
      const list = (namespace
        ? await this.session.custom.listNamespacedCustomObject({ ...GVR, namespace, labelSelector })
        : await this.session.custom.listClusterCustomObject({ ...GVR, labelSelector })) as { items?: StressChaos[]; metadata?: { resourceVersion?: string } };
      return { items: (list.items ?? []).map((i) => ({ ...i, kind: STRESS_CHAOS_KIND })), resourceVersion: list.metadata?.resourceVersion ?? '' };
    } catch (e) {
      throw toClusterError(e, this.at(`listing StressChaos${namespace ? ` in namespace "${namespace}"` : ' in all namespaces'}`));
    }
  }

  /**
   * Deletes the experiment. Chaos Mesh holds it with a finalizer until the stress is recovered
   * in every target; with `wait`, resolves once the object is really gone. Deleting an object
   * that does not exist resolves false.
   */
  async delete(namespace: string, name: string, wait: WaitOptions | false = false): Promise<boolean> {
    try {
      await this.session.custom.deleteNamespacedCustomObject({ ...GVR, namespace, name });
    } catch (e) {
      const error = toClusterError(e, this.at(`deleting StressChaos "${name}" in namespace "${namespace}"`));
      if (error.kind === 'notFound') return false;
      throw error;
    }
    if (wait) await this.waitFor(namespace, name, (obj) => obj === undefined, 'to be gone', wait);
    return true;
  }

  /**
   * Pauses or resumes with Chaos Mesh's pause annotation (a merge patch; `null` removes it).
   * With `wait`, resolves once the Paused condition says so.
   */
  async setPaused(namespace: string, name: string, paused: boolean, wait: WaitOptions | false = false): Promise<StressChaos> {
    let patched: StressChaos;
    try {
      patched = (await this.session.custom.patchNamespacedCustomObject(
        { ...GVR, namespace, name, body: { metadata: { annotations: { [PAUSE_ANNOTATION]: paused ? 'true' : null } } }, fieldManager: FIELD_MANAGER },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )) as StressChaos;
    } catch (e) {
      throw toClusterError(e, this.at(`${paused ? 'pausing' : 'resuming'} StressChaos "${name}" in namespace "${namespace}"`));
    }
    if (!wait) return patched;
    const want = paused ? 'True' : 'False';
    return (await this.waitFor(namespace, name, (obj) => obj !== undefined && conditionStatus(obj, 'Paused') === want, paused ? 'to pause' : 'to resume', wait))!;
  }

  /** Polls until `done` holds for the live object (undefined = not found). */
  async waitFor(
    namespace: string,
    name: string,
    done: (obj: StressChaos | undefined) => boolean,
    what: string,
    options: WaitOptions = {},
  ): Promise<StressChaos | undefined> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      if (options.signal?.aborted) throw options.signal.reason ?? new DOMException('aborted', 'AbortError');
      const obj = await this.get(namespace, name);
      if (done(obj)) return obj;
      if (Date.now() > deadline) {
        throw new ClusterError({ kind: 'timeout', ...this.at(`waiting for StressChaos "${name}" in namespace "${namespace}" ${what}`) });
      }
      await sleep(options.pollMs ?? 500, options.signal);
    }
  }

  /** Follows StressChaos objects (one namespace, or all) live. */
  watch(
    namespace: string | undefined,
    onChange: (objects: ReadonlyMap<string, StressChaos>) => void,
    onState?: (state: WatchState) => void,
    labelSelector?: string,
  ): ObjectWatch<StressChaos> {
    const path = namespace
      ? `/apis/${CHAOS_MESH_GROUP}/${CHAOS_MESH_VERSION}/namespaces/${encodeURIComponent(namespace)}/${STRESS_CHAOS_PLURAL}`
      : `/apis/${CHAOS_MESH_GROUP}/${CHAOS_MESH_VERSION}/${STRESS_CHAOS_PLURAL}`;
    return new ObjectWatch<StressChaos>({
      session: this.session,
      path,
      list: () => this.list(namespace, labelSelector),
      labelSelector,
      what: `StressChaos ${namespace ? `in namespace "${namespace}"` : 'in all namespaces'}`,
      onChange,
      onState,
    }).start();
  }
}

function withNamespace(obj: StressChaos, namespace: string): StressChaos {
  return { ...obj, metadata: { ...obj.metadata, namespace } };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

