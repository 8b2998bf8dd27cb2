/**
 * The OOM kill order of a container and the victim of a kill, from the sampler's process lists
 * (`ProcessListing`). When a memory cgroup reaches its limit and reclaim fails, the kernel kills
 * the process with the highest `oom_score` (its badness: memory share plus `oom_score_adj`), so
 * ranking the container's processes by `/proc/<pid>/oom_score` shows who goes next; the process
 * that vanished from the list when the cgroup's `oom_kill` counter rose is the victim.
 */
import { BESTEFFORT_OOM_SCORE_ADJ, GUARANTEED_OOM_SCORE_ADJ } from './qos';
import type { ContainerProcessInfo, ProcessListing } from './sampler';

/** The container's processes, the kernel's next choice first: `oom_score` descending, then RSS. */
export function killOrder(processes: readonly ContainerProcessInfo[]): ContainerProcessInfo[] {
  return [...processes].sort(
    (a, b) => (b.oomScore ?? -1) - (a.oomScore ?? -1) || (b.rssBytes ?? 0) - (a.rssBytes ?? 0) || a.pid - b.pid,
  );
}

/**
 * Processes of `before` that are not in `after` (by pid), most likely victim first (highest
 * `oom_score` before the kill). Empty when either list could not be read. Processes also end on
 * their own (a stressor's `sleep`), so a vanished process is not necessarily the victim: see
 * `oomVictim`.
 */
export function vanishedProcesses(before: ProcessListing, after: ProcessListing): ContainerProcessInfo[] {
  if (!before.readable || !after.readable) return [];
  const still = new Set(after.processes.map((p) => p.pid));
  return killOrder(before.processes.filter((p) => !still.has(p.pid)));
}

/**
 * The victim of an OOM kill seen between two lists: the process that was the kernel's next pick in
 * the list before (highest `oom_score`) and is gone from the list after. When that process is still
 * there, the victim started after the first list and is not in it: null (no guess from the other
 * processes that ended meanwhile).
 */
export function oomVictim(before: ProcessListing, after: ProcessListing): ContainerProcessInfo | null {
  const next = killOrder(before.processes)[0];
  if (next === undefined || next.oomScore === null) return null;
  return vanishedProcesses(before, after).find((p) => p.pid === next.pid || p.oomScore === next.oomScore) ?? null;
}

/** Names of the processes a Chaos Mesh memory or CPU stress runs in the target container. */
export function isStressorProcess(name: string): boolean {
  return /^(memStress|stress-ng.*|choom|nsexec)$/.test(name);
}

export type OomScoreAdjOrigin = 'qos' | 'stress-spec' | 'chaos-daemon' | 'other';

export interface OomScoreAdjContext {
  /** The container's value under the kubelet's QoS policy (`containerOomScoreAdj`). */
  readonly qosValue?: number;
  readonly qosClass?: string;
  /** The StressChaos' `stressors.memory.oomScoreAdj` (0 or absent: chaos-daemon's own is kept). */
  readonly stressOomScoreAdj?: number;
  /**
   * A memory stress runs in the container. Its helper processes (shells, sleeps) do not carry a
   * stressor's name, but they carry the stressor's oom_score_adj, which differs from the QoS value.
   */
  readonly stressed?: boolean;
}

/**
 * Where a process's `oom_score_adj` comes from, in plain words: the pod's QoS class (the kubelet
 * sets it on the container's processes), the StressChaos' `oomScoreAdj` (chaos-daemon runs memStress
 * under `choom -n <value>`), or chaos-daemon's own value (1000 for the BestEffort DaemonSet of the
 * current chart), which memStress inherits when `oomScoreAdj` is 0.
 */
export function oomScoreAdjOrigin(process: ContainerProcessInfo, context: OomScoreAdjContext): { origin: OomScoreAdjOrigin; text: string } {
  const adj = process.oomScoreAdj;
  const stressor = isStressorProcess(process.name) || (context.stressed === true && adj !== null && adj !== context.qosValue);
  const spec = context.stressOomScoreAdj ?? 0;
  if (stressor && spec !== 0 && adj === spec) {
    return { origin: 'stress-spec', text: `the StressChaos' oomScoreAdj (${spec})` };
  }
  if (stressor && spec === 0 && adj === BESTEFFORT_OOM_SCORE_ADJ) {
    return { origin: 'chaos-daemon', text: "chaos-daemon's own (1000, BestEffort DaemonSet), inherited because oomScoreAdj is 0" };
  }
  if (adj !== null && context.qosValue !== undefined && adj === context.qosValue) {
    const qos = context.qosClass ?? (adj === GUARANTEED_OOM_SCORE_ADJ ? 'Guaranteed' : adj === BESTEFFORT_OOM_SCORE_ADJ ? 'BestEffort' : 'Burstable');
    return { origin: 'qos', text: `the pod's QoS class (${qos}: the kubelet sets ${adj})` };
  }
  return { origin: 'other', text: adj === null ? 'unknown (not readable)' : 'set by the process or its parent' };
}
