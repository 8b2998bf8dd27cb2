/**
 * "Stress memory…" from the Pods view: the user's inputs checked as they type, the StressChaos
 * they make, and what will happen, predicted before anything is applied from the live figures:
 * - plateau = the container's working set now + the stress size (the total across workers: memStress
 *   splits `size` between them), against the container's limit;
 * - whether the limit is reached, and if so whom the kernel's OOM killer picks. In a memory cgroup
 *   OOM the kernel ranks every process by `oom_badness`: resident pages + swap + page tables +
 *   `oom_score_adj` × (the cgroup's limit in pages) / 1000, skipping -1000, and kills the highest.
 *   The stressor's `oom_score_adj` is the StressChaos `oomScoreAdj`, or chaos-daemon's own when that
 *   is 0 (chaos-daemon then runs no `choom`: chaos-mesh.md "gRPC to chaos-daemon");
 * - whether the kill takes the whole container (cgroup v2 with `memory.oom.group = 1`, which the
 *   kubelet sets since 1.28) or only the victim process (cgroup v1, or `singleProcessOOMKill`);
 * - whether a liveness probe is likely to restart the container and so end the stress.
 */
import type { Pod, Probe } from './k8sTypes';
import { formatBytes } from './quantity';
import { explainQos } from './podMemory';
import { goParseDuration, CHAOS_MESH_API_VERSION, STRESS_CHAOS_KIND, MAX_WORKERS } from './stressChaos';
import { parseStressSize, perWorkerBytes, StressSizeError } from './stressSize';
import { containerOomScoreAdj, BESTEFFORT_OOM_SCORE_ADJ } from './qos';
import { dns1123SubdomainErrors } from './labels';

/**
 * chaos-daemon's own oom_score_adj, which memStress inherits when `oomScoreAdj` is 0: the
 * chaos-daemon DaemonSet of the current Helm chart (v2.8.3) declares no resources, so it is a
 * BestEffort pod and the kubelet gives it 1000.
 */
export const CHAOS_DAEMON_OOM_SCORE_ADJ = BESTEFFORT_OOM_SCORE_ADJ;

// ---------------------------------------------------------------------------------------------
// Inputs

/** The size as typed: Chaos Mesh units (`256MB`, `1GiB`), or `N%` meaning N% of THIS CONTAINER's limit. */
export type StressSizeInput = { readonly bytes: bigint; readonly text: string; readonly ofLimitPercent?: number };

const MiB = 1024n * 1024n;

/**
 * Reads the size field. `%` means a percentage of the container's limit, converted to bytes here
 * (Chaos Mesh's own `%` is of the node's memory: it is never passed through). Returns the bytes and
 * the Chaos Mesh spelling to put in the spec, or an error message for the input box.
 */
export function readStressSizeInput(text: string, containerLimitBytes: bigint | null): StressSizeInput | { readonly error: string } {
  const t = text.trim();
  if (t === '') return { error: 'Enter a size, e.g. 256MiB, 1GB, or 80% (of the container\'s limit).' };
  const pct = /^(\d+(?:\.\d+)?)\s*%$/.exec(t);
  if (pct !== null) {
    const p = Number(pct[1]);
    if (containerLimitBytes === null) return { error: 'This container has no memory limit, so a percentage of it means nothing: enter a size such as 256MiB.' };
    if (!(p > 0) || p > 1000) return { error: 'Enter a percentage of the container\'s limit between 0 and 1000, e.g. 80%.' };
    // Tenths of a percent, exact in bigint.
    const bytes = (containerLimitBytes * BigInt(Math.round(p * 10))) / 1000n;
    return { bytes, text: chaosMeshSize(bytes), ofLimitPercent: p };
  }
  try {
    const size = parseStressSize(t);
    if ('percent' in size) return { error: 'unreachable' };
    if (size.bytes <= 0n) return { error: 'The size must be more than 0 bytes.' };
    return { bytes: size.bytes, text: t };
  } catch (e) {
    // Chaos Mesh's own message offers "a percentage of the node's memory": here % means the limit's.
    if (e instanceof StressSizeError) {
      const wants = e.suggestion !== undefined ? ` Chaos Mesh wants ${e.suggestion}.` : '';
      return { error: `"${t}" is not a Chaos Mesh size (${e.webhookDetail}).${wants} Write a number with B, KB/KiB, MB/MiB, GB/GiB or TB/TiB, or N% of this container's limit.` };
    }
    throw e;
  }
}

/** A byte count in a unit memStress and the webhook both read: whole MiB when exact, else bytes. */
export function chaosMeshSize(bytes: bigint): string {
  return bytes % MiB === 0n ? `${bytes / MiB}MiB` : `${bytes}B`;
}

export function readWorkersInput(text: string): number | { readonly error: string } {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return { error: 'Workers is a whole number, 1 or more. They share the size: each maps size ÷ workers.' };
  const n = Number(t);
  if (n < 1 || n > MAX_WORKERS) return { error: `Workers must be between 1 and ${MAX_WORKERS}.` };
  return n;
}

/** A Go duration, positive: a stress from the Pods view always ends. */
export function readDurationInput(text: string): { readonly seconds: number; readonly text: string } | { readonly error: string } {
  const t = text.trim();
  const d = goParseDuration(t);
  if ('error' in d) return { error: `"${t}" is not a duration: write it as Go does, e.g. 60s, 5m, 1h30m.` };
  if (d.nanoseconds <= 0n) return { error: 'The duration must be more than 0: a stress from here never runs unbounded.' };
  return { seconds: Number(d.nanoseconds) / 1e9, text: t };
}

// ---------------------------------------------------------------------------------------------
// The StressChaos

export interface StressRequest {
  readonly namespace: string;
  readonly podName: string;
  readonly containerName: string;
  readonly sizeText: string;
  readonly workers: number;
  readonly duration: string;
  /** `stressors.memory.oomScoreAdj`; 0 (the default) leaves chaos-daemon's own value. */
  readonly oomScoreAdj?: number;
  /** Labels to add (e.g. the extension's managed-by label). */
  readonly labels?: Readonly<Record<string, string>>;
  /** A suffix that makes the name unique (e.g. a timestamp in base 36). */
  readonly nameSuffix: string;
}

/** A DNS-1123 name `stress-<pod>-<suffix>`, trimmed to 253 characters. */
export function stressChaosName(podName: string, suffix: string): string {
  const base = `stress-${podName}`.slice(0, 253 - suffix.length - 1).replace(/[-.]+$/, '');
  const name = `${base}-${suffix}`;
  return dns1123SubdomainErrors(name).length === 0 ? name : `stress-${suffix}`;
}

/** The StressChaos that stresses exactly one container of one pod, for a bounded duration. */
export function buildStressChaos(r: StressRequest): Record<string, unknown> {
  const memory: Record<string, unknown> = { workers: r.workers, size: r.sizeText };
  if (r.oomScoreAdj !== undefined && r.oomScoreAdj !== 0) memory.oomScoreAdj = r.oomScoreAdj;
  return {
    apiVersion: CHAOS_MESH_API_VERSION,
    kind: STRESS_CHAOS_KIND,
    metadata: { name: stressChaosName(r.podName, r.nameSuffix), namespace: r.namespace, ...(r.labels ? { labels: { ...r.labels } } : {}) },
    spec: {
      mode: 'all',
      selector: { namespaces: [r.namespace], pods: { [r.namespace]: [r.podName] } },
      containerNames: [r.containerName],
      stressors: { memory },
      duration: r.duration,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The prediction

export interface StressPredictionInput {
  readonly pod: Pod;
  readonly containerName: string;
  /** The container's working set now (Summary API or metrics), or null when unknown. */
  readonly workingSetBytes: bigint | null;
  /** The container's limit as applied (see `containerMemoryResources`); null = no limit. */
  readonly limitBytes: bigint | null;
  readonly sizeBytes: bigint;
  readonly workers: number;
  readonly durationSeconds: number;
  /** `oomScoreAdj` in the spec (0 = inherit chaos-daemon's). */
  readonly oomScoreAdj: number;
  /** chaos-daemon's own oom_score_adj; default `CHAOS_DAEMON_OOM_SCORE_ADJ`. */
  readonly daemonOomScoreAdj?: number;
  /** The node's memory capacity, for the app's oom_score_adj (Burstable) and for unlimited containers. */
  readonly nodeMemoryBytes: bigint | null;
}

export type PredictedVictim = 'stressor' | 'app' | 'either' | 'unknown';

export interface StressPrediction {
  readonly plateauBytes: bigint | null;
  readonly limitBytes: bigint | null;
  readonly perWorkerBytes: bigint;
  /** true/false, or null when the working set (or the limit of an unlimited container: the node) is unknown. */
  readonly reachesLimit: boolean | null;
  readonly stressorOomScoreAdj: number;
  readonly appOomScoreAdj: number | null;
  readonly victim: PredictedVictim | null;
  readonly livenessRestartLikely: boolean;
  /** Sentences for the preview and the confirmation, most important first. */
  readonly lines: readonly string[];
}

function livenessProbe(pod: Pod, containerName: string): Probe | undefined {
  return pod.spec?.containers?.find((c) => c.name === containerName)?.livenessProbe;
}

/** `oom_badness` in bytes (the kernel counts pages; the ranking is the same). */
function badness(residentBytes: bigint, adj: number, limitBytes: bigint): bigint {
  return residentBytes + (BigInt(adj) * limitBytes) / 1000n;
}

export function predictStress(input: StressPredictionInput): StressPrediction {
  const { pod, containerName, workingSetBytes, limitBytes, sizeBytes, workers } = input;
  const lines: string[] = [];
  const each = perWorkerBytes(sizeBytes, workers);
  const qos = explainQos(pod).qosClass;
  const stressorAdj = input.oomScoreAdj !== 0 ? input.oomScoreAdj : (input.daemonOomScoreAdj ?? CHAOS_DAEMON_OOM_SCORE_ADJ);
  let appAdj: number | null = null;
  if (input.nodeMemoryBytes !== null && input.nodeMemoryBytes > 0n) {
    try {
      appAdj = containerOomScoreAdj(pod, containerName, input.nodeMemoryBytes);
    } catch {
      appAdj = null;
    }
  } else if (qos !== 'Burstable') {
    appAdj = qos === 'Guaranteed' ? -997 : 1000;
  }

  const ceiling = limitBytes ?? input.nodeMemoryBytes;
  const ceilingName = limitBytes !== null ? 'its limit' : "the node's memory (the container has no limit)";
  const plateau = workingSetBytes === null ? null : workingSetBytes + sizeBytes;
  const reaches = plateau === null || ceiling === null ? null : plateau >= ceiling;
  const workersText = workers === 1 ? '1 worker' : `${workers} workers sharing it (${formatBytes(each)} each)`;

  if (plateau === null) {
    lines.push(`The stress adds ${formatBytes(sizeBytes)} (${workersText}); the container's working set is unknown, so the plateau cannot be predicted.`);
  } else if (ceiling === null) {
    lines.push(`Expected plateau ${formatBytes(plateau)} = working set ${formatBytes(workingSetBytes as bigint)} + ${formatBytes(sizeBytes)} (${workersText}); the container has no limit and the node's memory is unknown.`);
  } else {
    const pct = Number((plateau * 1000n) / ceiling) / 10;
    lines.push(
      `Expected plateau ${formatBytes(plateau)} = working set ${formatBytes(workingSetBytes as bigint)} + ${formatBytes(sizeBytes)} (${workersText}): ${pct}% of ${ceilingName} (${formatBytes(ceiling)}).`,
    );
    lines.push(reaches ? `It reaches ${ceilingName}: the kernel's OOM killer will act.` : `It stays ${formatBytes(ceiling - plateau)} below ${ceilingName}: no OOM kill is expected.`);
  }

  let victim: PredictedVictim | null = null;
  if (reaches === true && ceiling !== null) {
    victim = predictVictim(stressorAdj, appAdj, each, workingSetBytes ?? 0n, ceiling);
    lines.push(victimLine(victim, stressorAdj, appAdj, input.oomScoreAdj, qos));
    lines.push(
      victim === 'app'
        ? 'The app is killed: the container restarts (OOMKilled, exit 137) and the stress dies with it, while Chaos Mesh still shows it Injected.'
        : 'On cgroup v2 (Kubernetes ≥ 1.28 sets memory.oom.group) any OOM kill takes the whole container: it restarts OOMKilled and the stress ends with it. ' +
            'On cgroup v1 only the stress worker dies; memStress starts a new one about every second, so the kills repeat while the app lives on, its page cache squeezed.',
    );
  }

  const probe = livenessProbe(pod, containerName);
  const livenessRestartLikely = probe !== undefined && reaches === true && victim !== 'app';
  if (probe === undefined) {
    lines.push('No liveness probe: nothing but the OOM killer can restart the container.');
  } else {
    const window = (probe.periodSeconds ?? 10) * (probe.failureThreshold ?? 3);
    lines.push(
      livenessRestartLikely
        ? `A liveness probe (every ${probe.periodSeconds ?? 10}s, timeout ${probe.timeoutSeconds ?? 1}s, ${probe.failureThreshold ?? 3} failures) watches the app: at the limit its memory is reclaimed and it slows down; if it fails ${probe.failureThreshold ?? 3} probes in a row (${window}s) the kubelet restarts the container and the stress disappears with it.`
        : `A liveness probe watches the app; below the limit it should keep answering, so no restart is expected from it.`,
    );
  }
  if (qos === 'BestEffort') {
    lines.push('BestEffort pod: no request and no limit, oom_score_adj 1000 — under node memory pressure its processes are the first the kernel kills and the kubelet evicts it first.');
  } else if (qos === 'Guaranteed') {
    lines.push('Guaranteed pod: the app has oom_score_adj -997, so at the limit the stressor is killed unless its oomScoreAdj is set below that.');
  }
  if (input.durationSeconds > 0) lines.push(`The stress ends by itself after ${input.durationSeconds}s.`);
  return { plateauBytes: plateau, limitBytes, perWorkerBytes: each, reachesLimit: reaches, stressorOomScoreAdj: stressorAdj, appOomScoreAdj: appAdj, victim, livenessRestartLikely, lines };
}

/**
 * Whom `oom_badness` ranks first when the cgroup is full: the biggest stress worker holds what the
 * app leaves free (at most its share), the app holds its working set.
 */
function predictVictim(stressorAdj: number, appAdj: number | null, perWorker: bigint, appBytes: bigint, ceiling: bigint): PredictedVictim {
  if (stressorAdj <= -1000) return appAdj === null || appAdj > -1000 ? 'app' : 'unknown';
  if (appAdj === null) return 'unknown';
  if (appAdj <= -1000) return 'stressor';
  const free = ceiling > appBytes ? ceiling - appBytes : 0n;
  const worker = perWorker < free ? perWorker : free;
  const s = badness(worker, stressorAdj, ceiling);
  const a = badness(appBytes, appAdj, ceiling);
  return s === a ? 'either' : s > a ? 'stressor' : 'app';
}

function victimLine(victim: PredictedVictim, stressorAdj: number, appAdj: number | null, specAdj: number, qos: string): string {
  const stressorWhy = specAdj !== 0 ? `oomScoreAdj ${specAdj} from the spec` : `${stressorAdj} inherited from chaos-daemon, since oomScoreAdj is 0`;
  const appWhy = appAdj === null ? 'unknown' : `${appAdj} (${qos})`;
  switch (victim) {
    case 'stressor':
      return `The OOM killer is expected to pick the stress worker: its oom_score_adj is ${stressorWhy}, the app's ${appWhy}, and the kernel ranks by resident memory plus oom_score_adj × limit / 1000.`;
    case 'app':
      return `The OOM killer is expected to pick the app: the stressor's oom_score_adj is ${stressorWhy}, the app's ${appWhy}.`;
    case 'either':
      return `The stressor (oom_score_adj ${stressorWhy}) and the app (${appWhy}) score the same: either may be killed.`;
    case 'unknown':
      return `Who the OOM killer picks cannot be predicted: the app's oom_score_adj is unknown (node capacity missing).`;
  }
}
