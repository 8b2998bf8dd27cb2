/**
 * What the results panel concludes from the samples of one stressed container: the working set
 * before the stress, the expected plateau (that baseline plus the size the StressChaos asks for,
 * total across its workers, as memStress allocates it), whether the stressor is still there, and
 * the summary in plain words. Pure arithmetic over plain numbers (bytes, ms since the epoch).
 */

export interface WorkingSetPoint {
  readonly time: number;
  readonly bytes: number;
}

const MIB = 1024 * 1024;
const mib = (bytes: number): string => `${(bytes / MIB).toFixed(1)} MiB`;

/**
 * The working set before the stress: the median of the samples in the `windowMs` before
 * `injectedAt` (a median, so one sample of a GC or a cache refill does not move it). When the panel
 * was opened after the injection, there is none: null.
 */
export function baselineBefore(points: readonly WorkingSetPoint[], injectedAt: number, windowMs = 3000): number | null {
  const before = points.filter((p) => p.time < injectedAt && p.time >= injectedAt - windowMs).map((p) => p.bytes);
  if (before.length === 0) return null;
  const sorted = [...before].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Baseline + the stress size, never above the limit (the kernel stops it there). */
export function expectedPlateau(baseline: number, sizeBytes: number, limitBytes: number | null): number {
  const plateau = baseline + sizeBytes;
  return limitBytes === null ? plateau : Math.min(plateau, limitBytes);
}

export interface StressorCheck {
  /** The experiment's record says Injected (and it is not paused). */
  readonly injected: boolean;
  readonly injectedAt: number;
  /** Now, ms. */
  readonly now: number;
  readonly baseline: number | null;
  readonly sizeBytes: number | null;
  /** The container's working set over the last seconds. */
  readonly recent: readonly WorkingSetPoint[];
  /** The container restarted after the injection (its stressor died with the old container). */
  readonly restartedAt: number | null;
  readonly restartReason?: string;
}

/** How long after the injection memStress must have allocated something. */
export const STRESS_SETTLE_MS = 10_000;

/**
 * Chaos Mesh keeps a record `Injected` after a container restart killed the stressor (it does not
 * inject again), and after OOM kills memStress keeps restarting clients that may never hold
 * memory. Says so when the status claims injection but the stress is gone or not measurable.
 */
export function stressorGone(check: StressorCheck): string | null {
  if (!check.injected) return null;
  if (check.restartedAt !== null && check.restartedAt >= check.injectedAt) {
    return (
      `Running, but the stressor is gone: the container restarted at ${new Date(check.restartedAt).toLocaleTimeString()}` +
      `${check.restartReason ? ` (${check.restartReason})` : ''} and the stress died with it. Chaos Mesh still records it as Injected and does not inject again.`
    );
  }
  if (check.baseline === null || check.sizeBytes === null || check.sizeBytes <= 0) return null;
  if (check.now - check.injectedAt < STRESS_SETTLE_MS || check.recent.length === 0) return null;
  const peak = Math.max(...check.recent.map((p) => p.bytes));
  const rise = peak - check.baseline;
  if (rise >= check.sizeBytes * 0.25) return null;
  return (
    `Running, but the stressor is gone: the experiment is Injected, yet the working set is only ${mib(Math.max(0, rise))} above ` +
    `its ${mib(check.baseline)} before the stress, far from the ${mib(check.sizeBytes)} the spec asks for (the stress was killed and has not come back).`
  );
}

export interface OutcomeInput {
  readonly container: string;
  readonly points: readonly WorkingSetPoint[];
  readonly limitBytes: number | null;
  readonly injectedAt: number | null;
  readonly baseline: number | null;
  readonly sizeBytes: number | null;
  /** Times of the OOM kills seen (cgroup counter steps), oldest first. */
  readonly oomKillTimes: readonly number[];
  readonly oomKills: number;
  readonly restarts: number;
  /** Processes named as victims ("stress-ng-vm (pid 4312)"). */
  readonly victims: readonly string[];
}

/** The summary under the chart: measured rise vs expected, peak vs limit, first OOM kill, kills, restarts, who died. */
export function outcomeSummary(o: OutcomeInput): string[] {
  const lines: string[] = [];
  const inWindow = o.injectedAt === null ? o.points : o.points.filter((p) => p.time >= o.injectedAt!);
  const peak = inWindow.length === 0 ? null : Math.max(...inWindow.map((p) => p.bytes));
  if (o.baseline !== null && peak !== null && o.sizeBytes !== null) {
    const rise = peak - o.baseline;
    lines.push(`${o.container}: working set rose by ${mib(rise)} (from ${mib(o.baseline)}); the stress asks for ${mib(o.sizeBytes)} (${((100 * rise) / o.sizeBytes).toFixed(0)}% of it).`);
  }
  if (peak !== null) {
    lines.push(
      o.limitBytes === null
        ? `${o.container}: peak working set ${mib(peak)} (no limit).`
        : `${o.container}: peak working set ${mib(peak)} of its ${mib(o.limitBytes)} limit (${((100 * peak) / o.limitBytes).toFixed(0)}%).`,
    );
  }
  if (o.oomKillTimes.length > 0 && o.injectedAt !== null) {
    lines.push(`${o.container}: first OOM kill ${((o.oomKillTimes[0]! - o.injectedAt) / 1000).toFixed(1)} s after the injection.`);
  }
  lines.push(`${o.container}: ${o.oomKills} OOM kill${o.oomKills === 1 ? '' : 's'}, ${o.restarts} restart${o.restarts === 1 ? '' : 's'}${o.victims.length ? `; killed: ${[...new Set(o.victims)].join(', ')}` : ''}.`);
  return lines;
}
