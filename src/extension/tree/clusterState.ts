// One expanded context of the Pods view: its PodMemoryClient (opened when the context row is
// expanded, disposed when it is collapsed or the kubeconfig changes), what was last read from
// it (namespaces, memory report, node capacities, Chaos Mesh presence, kernel OOM counters of
// containers under stress) and the error that stops it, if any. No rendering here.
import type { KubeConfig } from '@kubernetes/client-node';
import { experimentState, type MemoryFigures, type StressChaos } from '../../core';
import type { ChaosMeshPresence } from '../../cluster/chaosMesh';
import { ClusterError, toClusterError } from '../../cluster/errors';
import { containerKey, PodMemoryClient, type MemoryReport, type NamespaceListing } from '../../cluster/podMemoryClient';
import { openSession } from '../../cluster/session';
import { logClusterError, type Log } from '../log';
import type { KernelOomKills } from './podRows';

export class ClusterState {
  readonly client: PodMemoryClient;
  namespaces: NamespaceListing | undefined;
  /** Why the context cannot be shown (unreachable, 401, 403 on everything…). */
  error: ClusterError | undefined;
  memory: MemoryReport | undefined;
  memoryError: ClusterError | undefined;
  capacities: ReadonlyMap<string, bigint> = new Map();
  chaosMesh: ChaosMeshPresence | undefined;
  readonly kernelOom = new Map<string, KernelOomKills>();
  /** Sample time of the figures last shown per container: a re-read with the same time is not new. */
  private readonly sampleTimes = new Map<string, string>();

  /** Watch states last logged per namespace (a change of state is logged once, not every redraw). */
  private readonly loggedWatchState = new Map<string, string>();

  constructor(
    readonly contextName: string,
    kubeConfig: KubeConfig,
    onPodsChanged: (namespace: string) => void,
    private readonly onStressChanged: () => void,
    private readonly log: Log,
  ) {
    this.client = new PodMemoryClient(contextName, openSession(kubeConfig, contextName), (namespace) => {
      this.logWatchState(namespace);
      onPodsChanged(namespace);
    }, (error) => logClusterError(this.log, error));
  }

  /** A failure logged when it starts or changes; its end logged as a recovery. */
  private transition(previous: ClusterError | undefined, next: ClusterError | undefined, what: string): void {
    if (next && (previous?.kind !== next.kind || previous.message !== next.message)) logClusterError(this.log, next);
    else if (previous && !next) this.log.info(`context ${this.contextName}: ${what} works again (after ${previous.kind})`);
  }

  private logWatchState(namespace: string): void {
    const state = this.client.pods(namespace).state;
    const key = state.state === 'retrying' || state.state === 'failed' ? `${state.state}:${state.error.kind}` : state.state;
    const previous = this.loggedWatchState.get(namespace);
    if (previous === key) return;
    this.loggedWatchState.set(namespace, key);
    if (state.state === 'retrying') logClusterError(this.log, state.error, state.retryInMs);
    else if (state.state === 'failed') logClusterError(this.log, state.error);
    else if (state.state === 'synced' && previous !== undefined && /^(retrying|failed)/.test(previous)) this.log.info(`context ${this.contextName}: watching pods in ${namespace} works again`);
    else this.log.debug(`context ${this.contextName}: pods watch in ${namespace} ${state.state}`);
  }

  /** Namespaces, Chaos Mesh, node capacities: read when the context is expanded or refreshed. */
  async load(): Promise<void> {
    const previous = this.error;
    try {
      this.namespaces = await this.client.namespaces();
      this.error = undefined;
    } catch (e) {
      this.error = toClusterError(e, { context: this.contextName, action: 'listing namespaces' });
      return;
    } finally {
      this.transition(previous, this.error, 'listing namespaces');
    }
    const [chaos, capacities] = await Promise.all([
      this.client.detectChaosMesh().catch((e: unknown): ChaosMeshPresence => {
        const error = toClusterError(e, { context: this.contextName, action: 'looking for Chaos Mesh' });
        logClusterError(this.log, error);
        return { installed: false, reason: error.message };
      }),
      this.client.nodeCapacities(),
    ]);
    const before = this.chaosMesh && !this.chaosMesh.installed ? this.chaosMesh.reason : undefined;
    if (!chaos.installed && before !== chaos.reason) this.log.info(`context ${this.contextName}: Chaos Mesh not available: ${chaos.reason}`);
    this.chaosMesh = chaos;
    this.capacities = capacities;
    if (chaos.installed) this.client.watchStressChaos(this.onStressChanged);
  }

  /**
   * Reads memory for the pods in view (one Summary API request per node they run on). Returns
   * true when something new arrived (a sample with a new time, or a change of source).
   */
  async refreshMemory(nodes: readonly string[], namespaces: readonly string[]): Promise<boolean> {
    const before = this.memory?.source;
    const problemBefore = this.memory?.problem;
    const previous = this.memoryError;
    try {
      this.memory = await this.client.memory(nodes, namespaces);
      this.memoryError = undefined;
    } catch (e) {
      this.memoryError = toClusterError(e, { context: this.contextName, action: 'reading memory figures' });
      return true;
    } finally {
      this.transition(previous, this.memoryError, 'reading memory figures');
    }
    // A fallback source or partly unreadable figures: logged when the problem starts or changes.
    if (this.memory.problem && (this.memory.source !== before || this.memory.problem !== problemBefore)) this.log.warn(`context ${this.contextName}: memory from ${this.memory.source}: ${this.memory.problem}`);
    let changed = before !== this.memory.source;
    for (const [key, figures] of this.memory.containers) {
      if (this.sampleTimes.get(key) !== figures.time) {
        this.sampleTimes.set(key, figures.time);
        changed = true;
      }
    }
    return changed;
  }

  container(namespace: string, pod: string, container: string): MemoryFigures | undefined {
    return this.memory?.containers.get(containerKey(namespace, pod, container));
  }

  /** Containers that a running StressChaos targets (from its records), as `ns/pod/container`. */
  stressedContainers(): string[] {
    const watch = this.client.watchStressChaos(this.onStressChanged);
    const keys = new Set<string>();
    for (const chaos of watch.snapshot.values() as Iterable<StressChaos>) {
      const state = experimentState(chaos);
      if (state === 'finished' || state === 'deleting') continue;
      for (const record of chaos.status?.experiment.containerRecords ?? []) keys.add(record.id);
    }
    return [...keys];
  }

  /** Reads the kernel OOM counters of the containers under stress that are in view. */
  async refreshKernelOom(inView: (key: string) => boolean, now: number): Promise<boolean> {
    if (!this.chaosMesh?.installed) return false;
    let changed = false;
    await Promise.all(
      this.stressedContainers()
        .filter(inView)
        .map(async (key) => {
          const [ns, pod, container] = key.split('/') as [string, string, string];
          const count = await this.client.oomKillCount(ns, pod, container);
          if (count === undefined) return;
          const previous = this.kernelOom.get(key);
          if (count > 0 && (previous === undefined || previous.count !== count)) {
            this.kernelOom.set(key, { count, firstSeenAt: previous?.firstSeenAt ?? now });
            changed = true;
          }
        }),
    );
    return changed;
  }

  dispose(): void {
    this.client.dispose();
  }
}

export { ClusterError };
