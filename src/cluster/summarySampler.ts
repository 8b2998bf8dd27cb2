// The fallback when the sampler cannot run in a container (an image without `sh`, RBAC without
// `pods/exec`): the kubelet Summary API through nodes/proxy (the same cgroup figures, refreshed
// every 10-15 s), else metrics.k8s.io (working set only, metrics-server's resolution). Coarser, and
// announced as such in the panel.
import { quantityToBytes } from '../core';
import { ClusterError } from './errors';
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

interface SummaryJson {
  pods?: { podRef?: { name?: string; namespace?: string }; containers?: { name?: string; memory?: { time?: string; workingSetBytes?: number; usageBytes?: number; rssBytes?: number } }[] }[];
}

interface PodMetricsJson {
  timestamp?: string;
  containers?: { name?: string; usage?: { memory?: string } }[];
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
    private readonly onNotice: (message: string) => void,
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
        );
      } else {
        this.onNotice(`${this.ref.container}: no memory figures available: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.poll(), FALLBACK_POLL_MS);
  }

  private async fromSummary(): Promise<FallbackPoint | undefined> {
    if (this.node === undefined) throw new Error('the pod has no node yet');
    const summary = await this.session.getJson<SummaryJson>(`/api/v1/nodes/${encodeURIComponent(this.node)}/proxy/stats/summary`, {
      action: `reading the kubelet Summary API of node ${this.node}`,
    });
    const pod = summary.pods?.find((p) => p.podRef?.name === this.ref.pod && p.podRef.namespace === this.ref.namespace);
    const m = pod?.containers?.find((c) => c.name === this.ref.container)?.memory;
    if (!m || m.workingSetBytes === undefined) return undefined;
    return {
      time: m.time ? Date.parse(m.time) : Date.now(),
      workingSet: m.workingSetBytes,
      usage: m.usageBytes ?? NaN,
      rss: m.rssBytes ?? NaN,
      cache: NaN,
    };
  }

  private async fromMetrics(): Promise<FallbackPoint | undefined> {
    const { namespace, pod, container } = this.ref;
    const metrics = await this.session.getJson<PodMetricsJson>(
      `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}`,
      { action: `reading metrics.k8s.io for pod ${pod}` },
    );
    const memory = metrics.containers?.find((c) => c.name === container)?.usage?.memory;
    if (memory === undefined) return undefined;
    return { time: metrics.timestamp ? Date.parse(metrics.timestamp) : Date.now(), workingSet: Number(quantityToBytes(memory)), usage: NaN, rss: NaN, cache: NaN };
  }
}
