// What the Pods view needs from one cluster context, and nothing else: its namespaces, a watch of
// the pods of the namespaces the user expanded, each node's memory figures (the kubelet Summary
// API, one request per node with pods in view; metrics.k8s.io when nodes/proxy is forbidden), the
// nodes' memory capacity (for oom_score_adj), Chaos Mesh detection and StressChaos creation, and a
// one-shot read of a container's kernel OOM-kill counter. One client per expanded context, over
// its own session (a private KubeConfig copy: kubectl's current context is never switched).
import {
  MemorySourceError,
  parseNodeSummary,
  parsePodMetricsList,
  parseFlatKeyed,
  splitCgroupSnapshot,
  quantityToBytes,
  type MemoryFigures,
  type Node,
  type Pod,
  type PodMemory,
} from '../core';
import { Writable } from 'node:stream';
import type { StressChaos } from '../core/stressChaos';
import { ChaosMeshClient, EXTENSION_LABEL, EXTENSION_LABEL_VALUE, type ChaosMeshPresence } from './chaosMesh';
import { ClusterError, toClusterError } from './errors';
import { listCollection, ObjectWatch, type WatchState } from './objectWatch';
import type { ClusterSession } from './session';

export interface NamespaceListing {
  readonly names: readonly string[];
  /** 'list': the cluster's namespaces; 'context': listing is forbidden, the context's namespace only. */
  readonly from: 'list' | 'context';
  /** Why the list is partial (403 on list namespaces). */
  readonly note?: string;
}

export type MemorySource = 'summary' | 'metrics' | 'none';

export interface MemoryReport {
  readonly source: MemorySource;
  /** For the view's description and each tooltip. */
  readonly sourceText: string;
  /** When `source` is not 'summary': which permission or component is missing. */
  readonly problem?: string;
  /** `namespace/pod/container` → figures. */
  readonly containers: ReadonlyMap<string, MemoryFigures>;
  /** `namespace/pod` → the pod cgroup's figures (Summary API only). */
  readonly pods: ReadonlyMap<string, MemoryFigures>;
}

export const containerKey = (namespace: string, pod: string, container: string): string => `${namespace}/${pod}/${container}`;

/** How often a healthy pods watch is relisted anyway. */
const RESYNC_MS = 5 * 60_000;
/** After nodes/proxy was forbidden, every this-many-th read tries the Summary API again. */
const SUMMARY_RETRY_EVERY = 5;

export class PodMemoryClient {
  private readonly watches = new Map<string, ObjectWatch<Pod>>();
  private readonly chaos: ChaosMeshClient;
  /** After nodes/proxy was refused: reads left until the Summary API is tried again (0: try it). */
  private summaryRetryIn = 0;
  /** The server's words the last time nodes/proxy was refused, repeated while it is not retried. */
  private summaryForbiddenText = '';
  private capacities: Map<string, bigint> | undefined;

  constructor(
    readonly contextName: string,
    private readonly session: ClusterSession,
    private readonly onPodsChanged: (namespace: string) => void,
    /** Failures the watches handled by themselves (410 Gone: listed again), for the log. */
    private readonly onRecovered?: (error: ClusterError) => void,
  ) {
    this.chaos = new ChaosMeshClient(session);
  }

  get defaultNamespace(): string {
    return this.session.namespace;
  }

  private fail(e: unknown, action: string): ClusterError {
    return toClusterError(e, { context: this.contextName, action });
  }


  /** The namespaces; when listing them is forbidden, the context's own namespace and why. */
  async namespaces(): Promise<NamespaceListing> {
    try {
      const list = await this.session.getJson<{ items?: { metadata?: { name?: string } }[] }>('/api/v1/namespaces', { action: 'listing namespaces' });
      const names = (list.items ?? []).map((n) => n.metadata?.name ?? '').filter((n) => n !== '').sort();
      return { names, from: 'list' };
    } catch (e) {
      const error = this.fail(e, 'list namespaces');
      if (error.kind !== 'forbidden') throw error;
      return { names: [this.session.namespace], from: 'context', note: error.message };
    }
  }

  /** Starts (once) the watch of one namespace's pods; `onPodsChanged(namespace)` follows every change. */
  watchPods(namespace: string): ObjectWatch<Pod> {
    let watch = this.watches.get(namespace);
    if (watch) return watch;
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;
    watch = new ObjectWatch<Pod>({
      session: this.session,
      path,
      what: `pods in namespace "${namespace}"`,
      list: () => listCollection<Pod>(this.session, path, `listing pods in namespace "${namespace}"`),
      resyncMs: RESYNC_MS,
      onChange: () => this.onPodsChanged(namespace),
      onState: () => this.onPodsChanged(namespace),
      ...(this.onRecovered ? { onRecovered: this.onRecovered } : {}),
    });
    this.watches.set(namespace, watch);
    watch.start();
    return watch;
  }

  /** Stops watching a namespace (its row was collapsed). */
  unwatchPods(namespace: string): void {
    this.watches.get(namespace)?.stop();
    this.watches.delete(namespace);
  }

  /** Namespaces whose pods are watched. */
  watchedNamespaces(): string[] {
    return [...this.watches.keys()];
  }

  /** The watched pods of a namespace and the watch's state. */
  pods(namespace: string): { readonly pods: Pod[]; readonly state: WatchState } {
    const watch = this.watchPods(namespace);
    return { pods: [...watch.snapshot.values()], state: watch.state };
  }

  /** Relists every watched namespace (the user's refresh). */
  resyncPods(): void {
    for (const watch of this.watches.values()) watch.relist();
  }

  /** Each node's memory capacity (`status.capacity.memory`), read once per client (and on `forgetNodes`). */
  async nodeCapacities(): Promise<ReadonlyMap<string, bigint>> {
    if (this.capacities) return this.capacities;
    const capacities = new Map<string, bigint>();
    try {
      const list = await this.session.getJson<{ items?: Node[] }>('/api/v1/nodes', { action: 'listing nodes' });
      for (const n of list.items ?? []) {
        const raw = n.status?.capacity?.memory;
        if (n.metadata?.name && raw !== undefined) capacities.set(n.metadata.name, quantityToBytes(raw));
      }
    } catch {
      // Listing nodes may be forbidden: oom_score_adj of Burstable pods is then unknown, nothing else.
    }
    this.capacities = capacities;
    return capacities;
  }

  forgetNodes(): void {
    this.capacities = undefined;
  }

  /**
   * Memory of the containers on `nodes` (one Summary API request per node). When nodes/proxy is
   * forbidden: metrics.k8s.io for `namespaces` (working set only). When neither answers: which
   * permission or component is missing.
   */
  async memory(nodes: readonly string[], namespaces: readonly string[]): Promise<MemoryReport> {
    const containers = new Map<string, MemoryFigures>();
    const pods = new Map<string, MemoryFigures>();
    const add = (list: readonly PodMemory[]): void => {
      for (const p of list) {
        if (p.memory) pods.set(`${p.namespace}/${p.name}`, p.memory);
        for (const c of p.containers) if (c.memory) containers.set(containerKey(p.namespace, p.name, c.name), c.memory);
      }
    };
    let summaryProblem: string | undefined;
    /** Entries left out because they were malformed (the other pods keep their figures). */
    const malformed: string[] = [];
    const trySummary = this.summaryRetryIn <= 1;
    if (trySummary && nodes.length > 0) {
      const results = await Promise.allSettled(nodes.map((node) => this.session.getJson(`/api/v1/nodes/${encodeURIComponent(node)}/proxy/stats/summary?only_cpu_and_memory=true`, { action: `reading the kubelet Summary API of node ${node} (get nodes/proxy)` })));
      const failures: ClusterError[] = [];
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') {
          try {
            const problems: string[] = [];
            add(parseNodeSummary(r.value, problems).pods);
            for (const p of problems) malformed.push(`the Summary API of node ${nodes[i]}: ${p}`);
          } catch (e) {
            if (!(e instanceof MemorySourceError)) throw e;
            failures.push(this.fail(new Error(`node ${nodes[i]}: ${e.message}`), `read the Summary API of node ${nodes[i]}`));
          }
        } else {
          failures.push(this.fail(r.reason, `read the Summary API of node ${nodes[i]} (get nodes/proxy)`));
        }
      });
      const forbidden = failures.find((f) => f.kind === 'forbidden');
      if (failures.length < nodes.length || (failures.length === 0 && nodes.length > 0)) {
        this.summaryRetryIn = 0;
        const problem = failures.length ? failures[0]!.message : malformedText(this.contextName, malformed);
        return { source: 'summary', sourceText: 'kubelet Summary API', containers, pods, ...(problem ? { problem } : {}) };
      }
      const unreachable = failures.find((f) => f.kind === 'unreachable' || f.kind === 'unauthorized' || f.kind === 'timeout');
      if (unreachable) throw unreachable;
      if (forbidden) {
        this.summaryRetryIn = SUMMARY_RETRY_EVERY - 1;
        this.summaryForbiddenText = `get on nodes/proxy is forbidden (${forbidden.serverMessage ?? forbidden.message})`;
      }
      summaryProblem = forbidden ? this.summaryForbiddenText : failures[0]!.message;
    } else if (nodes.length > 0) {
      this.summaryRetryIn--;
      summaryProblem = this.summaryForbiddenText;
    }
    if (nodes.length === 0) return { source: 'summary', sourceText: 'kubelet Summary API', containers, pods };
    // metrics.k8s.io, one request per namespace in view.
    const metrics = await Promise.allSettled(namespaces.map((ns) => this.session.getJson(`/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(ns)}/pods`, { action: `reading metrics.k8s.io in namespace ${ns} (list pods.metrics.k8s.io)` })));
    const metricsFailures: ClusterError[] = [];
    metrics.forEach((r, i) => {
      if (r.status === 'fulfilled') {
        try {
          const problems: string[] = [];
          add(parsePodMetricsList(r.value, problems));
          for (const p of problems) malformed.push(`metrics.k8s.io in namespace ${namespaces[i]}: ${p}`);
        } catch (e) {
          if (!(e instanceof MemorySourceError)) throw e;
          metricsFailures.push(this.fail(e, `read metrics.k8s.io in namespace ${namespaces[i]}`));
        }
      } else metricsFailures.push(this.fail(r.reason, `read metrics.k8s.io in namespace ${namespaces[i]}`));
    });
    if (metricsFailures.length < namespaces.length) {
      const partial = malformedText(this.contextName, malformed);
      return { source: 'metrics', sourceText: 'metrics.k8s.io (working set only)', problem: `Using metrics.k8s.io: ${sentence(summaryProblem)}${partial ? ` ${partial}` : ''}`, containers, pods };
    }
    const m = metricsFailures[0];
    const metricsProblem =
      m === undefined
        ? 'no namespace in view'
        : m.kind === 'forbidden'
          ? `list on pods.metrics.k8s.io is forbidden (${m.serverMessage ?? m.message})`
          : m.kind === 'notFound' || m.status === 503
            ? 'metrics.k8s.io is not served: metrics-server is not installed or not available'
            : m.message;
    return { source: 'none', sourceText: 'no memory source', problem: `No memory figures: ${summaryProblem?.replace(/\.$/, '')}, and ${sentence(metricsProblem)}`, containers, pods };
  }

  /** Is Chaos Mesh's StressChaos CRD installed? */
  detectChaosMesh(): Promise<ChaosMeshPresence> {
    return this.chaos.detect();
  }

  /**
   * Server-side dry run, then create, with the label marking it as made by this extension.
   * Throws a ClusterError whose message is the server's (or the webhook's) refusal in words.
   */
  async createStressChaos(obj: StressChaos): Promise<StressChaos> {
    const labelled: StressChaos = { ...obj, metadata: { ...obj.metadata, labels: { ...(obj.metadata?.labels ?? {}), [EXTENSION_LABEL]: EXTENSION_LABEL_VALUE } } };
    await this.chaos.dryRun(labelled);
    return this.chaos.create(labelled);
  }

  get chaosMesh(): ChaosMeshClient {
    return this.chaos;
  }

  /** Follows every StressChaos of the context (to know which containers are under stress). */
  watchStressChaos(onChange: () => void): ObjectWatch<StressChaos> {
    this.stressWatch ??= this.chaos.watch(undefined, () => onChange(), () => onChange());
    return this.stressWatch;
  }

  private stressWatch: ObjectWatch<StressChaos> | undefined;

  /**
   * The kernel's OOM-kill counter of one container (v2 `memory.events`, v1 `memory.oom_control`
   * `oom_kill`), read through exec; undefined when it cannot be read (no sh or cat in the image,
   * exec forbidden). Used for the containers under a stress started here, never for every pod.
   */
  async oomKillCount(namespace: string, pod: string, container: string): Promise<number | undefined> {
    const script =
      'for f in /sys/fs/cgroup/memory.events /sys/fs/cgroup/memory/memory.oom_control; do if [ -r "$f" ]; then echo "== ${f##*/}"; cat "$f"; fi; done';
    try {
      const out = await execText(this.session, namespace, pod, container, ['sh', '-c', script]);
      const files = splitCgroupSnapshot(out);
      const text = files['memory.events'] ?? files['memory.oom_control'];
      if (text === undefined) return undefined;
      const v = parseFlatKeyed('memory.events', text).get('oom_kill');
      return v === undefined ? undefined : Number(v);
    } catch {
      return undefined;
    }
  }

  dispose(): void {
    for (const watch of this.watches.values()) watch.stop();
    this.watches.clear();
    this.stressWatch?.stop();
    this.session.dispose();
  }
}

/** The text as a sentence: one final period. */
function sentence(text: string | undefined): string {
  return `${(text ?? '').replace(/\.$/, '')}.`;
}

/** What was left out as malformed, in one sentence (undefined when nothing was). */
function malformedText(context: string, malformed: readonly string[]): string | undefined {
  if (malformed.length === 0) return undefined;
  return `Context "${context}": some memory figures could not be read and are left out (${malformed.slice(0, 3).join('; ')}${malformed.length > 3 ? `; and ${malformed.length - 3} more` : ''}); the other pods' figures are shown.`;
}

/** Runs a short command in a container and resolves to its stdout (rejects on a non-zero exit or after 10 s). */
function execText(session: ClusterSession, namespace: string, pod: string, container: string, command: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const stdout = new Writable({ write: (chunk: Buffer, _enc, done) => (chunks.push(chunk), done()) });
    const timer = setTimeout(() => reject(new ClusterError({ kind: 'timeout', context: session.context, action: `exec in ${namespace}/${pod}/${container}` })), 10_000);
    session.exec
      .exec(namespace, pod, container, command, stdout, null, null, false, (status) => {
        clearTimeout(timer);
        if (status.status === 'Success') resolve(Buffer.concat(chunks).toString('utf8'));
        else reject(new ClusterError({ kind: 'unknown', context: session.context, action: `exec in ${namespace}/${pod}/${container}`, serverMessage: status.message }));
      })
      .catch((e: unknown) => {
        clearTimeout(timer);
        reject(toClusterError(e, { context: session.context, action: `exec in ${namespace}/${pod}/${container}` }));
      });
  });
}
