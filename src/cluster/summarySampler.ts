// The fallback when the sampler cannot run in a container (an image without `sh`, RBAC without
// `pods/exec`): the kubelet Summary API through nodes/proxy (the same cgroup figures, refreshed
// every 10-15 s), else metrics.k8s.io (working set only, metrics-server's resolution). Coarser, and
// announced as such in the panel.
import { MemorySourceError, parseNodeSummary, parsePodMetricsList } from '../core';
import { ClusterError } from './errors';
import type { MemoryFigures, PodMemory } from '../core';
import type { ContainerRef } from './execSampler';
import type { ClusterSession } from './session';

export interface FallbackPoint {
  readonly time: number;
  readonly workingSet: number;
  readonly usage: number;
  readonly rss: number;
  /** Not in either API: NaN (a gap in the page-cache curve). */
  readonly cache: number;
}

export const FALLBACK_POLL_MS = 10_000;

export class SummarySampler {
  private timer: NodeJS.Timeout | undefined;
  private source: 'summary-api' | 'metrics-api' = 'summary-api';
  private lastTime = 0;
  private stopped = false;

  constructor(
    private readonly session: ClusterSession,
    private readonly ref: ContainerRef,
    private readonly node: string | undefined,
    private readonly onPoint: (point: FallbackPoint, source: 'summary-api' | 'metrics-api') => void,
    private readonly onNotice: (message: string, error: unknown) => void,
  ) {}

  start(): void {
    void this.poll();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async poll(): Promise<void> {
    if (this.stopped) return;
    try {
      const point = this.source === 'summary-api' ? await this.fromSummary() : await this.fromMetrics();
      if (point && point.time > this.lastTime) {
        this.lastTime = point.time;
        this.onPoint(point, this.source);
      }
    } catch (e) {
      if (this.source === 'summary-api' && (!(e instanceof ClusterError) || e.kind !== 'timeout')) {
        this.source = 'metrics-api';
        this.onNotice(
          `${this.ref.container}: the kubelet Summary API is not available (${e instanceof Error ? e.message : String(e)}); using metrics.k8s.io (working set only, about every 15 s or more).`,
          e,
        );
      } else {
        this.onNotice(`${this.ref.container}: no memory figures available: ${e instanceof Error ? e.message : String(e)}`, e);
      }
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.poll(), FALLBACK_POLL_MS);
  }

  private async fromSummary(): Promise<FallbackPoint | undefined> {
    if (this.node === undefined) throw new Error('the pod has no node yet');
    const action = `reading the kubelet Summary API of node ${this.node}`;
    const json = await this.session.getJson(`/api/v1/nodes/${encodeURIComponent(this.node)}/proxy/stats/summary`, { action });
    const problems: string[] = [];
    const m = this.mine(parseOrMalformed(() => parseNodeSummary(json, problems).pods, this.session.context, action), problems, action);
    if (!m) return undefined;
    return {
      time: Date.parse(m.time),
      workingSet: Number(m.workingSetBytes),
      usage: m.usageBytes === undefined ? NaN : Number(m.usageBytes),
      rss: m.rssBytes === undefined ? NaN : Number(m.rssBytes),
      cache: NaN,
    };
  }

  private async fromMetrics(): Promise<FallbackPoint | undefined> {
    const { namespace, pod } = this.ref;
    const action = `reading metrics.k8s.io for pod ${pod}`;
    const json = await this.session.getJson(`/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}`, { action });
    const problems: string[] = [];
    const m = this.mine(parseOrMalformed(() => parsePodMetricsList(json, problems), this.session.context, action), problems, action);
    if (!m) return undefined;
    return { time: Date.parse(m.time), workingSet: Number(m.workingSetBytes), usage: NaN, rss: NaN, cache: NaN };
  }

  /** This container's figures among the parsed pods; when its pod's entry was left out as malformed, why. */
  private mine(pods: readonly PodMemory[], problems: readonly string[], action: string): MemoryFigures | undefined {
    const { namespace, pod, container } = this.ref;
    const found = pods.find((p) => p.name === pod && p.namespace === namespace);
    if (!found) {
      const why = problems.find((p) => p.includes(`pod ${pod}:`));
      if (why) throw new ClusterError({ kind: 'malformed', context: this.session.context, action, serverMessage: why });
      return undefined;
    }
    return found.containers.find((c) => c.name === container)?.memory;
  }
}

/** A parse of an answer that is not the shape asked for → a 'malformed' ClusterError naming the field. */
function parseOrMalformed<T>(parse: () => T, context: string, action: string): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof MemorySourceError) throw new ClusterError({ kind: 'malformed', context, action, serverMessage: e.message, cause: e });
    throw e;
  }
}
