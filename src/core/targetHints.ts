/**
 * Cluster-aware hints for a StressChaos spec, from what the cluster says about its targets right now:
 * how many pods the selector matches (none is a warning), targets whose memory limit the expected
 * allocation reaches (OOM expected), BestEffort targets, targets with a liveness probe (a restart ends
 * the stress), `containerNames` and namespaces that do not exist. Pure: src/cluster gathers the facts
 * (TargetFacts is the shape it fills), the editor places the hints.
 */
import { isRecord, valueAt } from './stressChaos';
import { binaryText, groupDigits, percentOf, sizeFacts, sizeForPercentOfLimit } from './stressChaosHelp';
import type { JsonPath } from './yamlPaths';

export interface TargetContainerFacts {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly limitBytes?: bigint;
  readonly limitText?: string;
  readonly qosClass: string;
  readonly livenessProbe: boolean;
  readonly nodeMemTotal?: bigint;
}

export interface TargetFacts {
  readonly namespaces: readonly { readonly name: string; readonly exists: boolean }[];
  readonly pods: readonly string[];
  readonly targets: readonly TargetContainerFacts[];
  readonly missingContainers: readonly string[];
}

export const TARGET_HINT_CODES = {
  'no-matching-pods': 'warning',
  'matching-pods': 'info',
  'namespace-missing': 'warning',
  'container-missing': 'warning',
  'oom-expected': 'warning',
  'best-effort-target': 'warning',
  'liveness-probe': 'warning',
  'chaos-mesh-missing': 'warning',
} as const;
export type TargetHintCode = keyof typeof TARGET_HINT_CODES;

export interface TargetHint {
  code: TargetHintCode;
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** Where it belongs; the editor falls back to the nearest existing ancestor. */
  path: JsonPath;
  /** Replacements of the value at `path` that fix it. */
  replacements?: { title: string; newText: string }[];
}

/** Shares of the limit the "lower the size" fixes offer. */
export const LIMIT_SHARES = [50, 80, 90] as const;

/** The hints for the spec at `specPath` of a document, given what the cluster said. */
export function targetHints(spec: Record<string, unknown>, specPath: JsonPath, facts: TargetFacts): TargetHint[] {
  const out: TargetHint[] = [];
  const hint = (code: TargetHintCode, message: string, path: JsonPath, replacements?: TargetHint['replacements']) =>
    out.push({ code, severity: TARGET_HINT_CODES[code], message, path, ...(replacements ? { replacements } : {}) });
  const selectorPath = [...specPath, 'selector'];
  const written = valueAt(spec, ['selector', 'namespaces']);

  facts.namespaces.forEach((ns) => {
    if (ns.exists) return;
    const i = Array.isArray(written) ? written.indexOf(ns.name) : -1;
    hint('namespace-missing', `Namespace "${ns.name}" does not exist in this cluster: no pod can be selected there.`, i >= 0 ? [...selectorPath, 'namespaces', i] : selectorPath);
  });

  const where = facts.namespaces.map((n) => n.name).join(', ');
  if (facts.pods.length === 0) {
    hint('no-matching-pods', `The selector matches no pod right now (namespace${facts.namespaces.length > 1 ? 's' : ''} ${where}): Chaos Mesh would fail with "no target has been selected" and nothing is stressed.`, selectorPath);
    return out;
  }
  const shown = facts.pods.slice(0, 5).join(', ') + (facts.pods.length > 5 ? `, … (${facts.pods.length - 5} more)` : '');
  hint('matching-pods', `${facts.pods.length} pod${facts.pods.length === 1 ? '' : 's'} match${facts.pods.length === 1 ? 'es' : ''} the selector right now: ${shown}.`, selectorPath);

  const names = valueAt(spec, ['containerNames']);
  for (const missing of facts.missingContainers) {
    const i = Array.isArray(names) ? names.indexOf(missing) : -1;
    hint('container-missing', `No selected pod has a container named "${missing}": Chaos Mesh skips it silently.`, i >= 0 ? [...specPath, 'containerNames', i] : [...specPath, 'containerNames']);
  }

  const memory = valueAt(spec, ['stressors', 'memory']);
  const memoryPath = [...specPath, 'stressors', 'memory'];
  if (!isRecord(memory)) return out;

  const bestEffort = facts.targets.filter((t) => t.qosClass === 'BestEffort');
  if (bestEffort.length > 0) {
    hint(
      'best-effort-target',
      `${ids(bestEffort)} ${bestEffort.length === 1 ? 'is' : 'are'} BestEffort (no requests or limits): nothing bounds the stress but the node's memory, and BestEffort pods are the first the kubelet evicts and the OOM killer picks (oom_score_adj 1000).`,
      memoryPath,
    );
  }

  const probed = facts.targets.filter((t) => t.livenessProbe);
  if (probed.length > 0) {
    hint(
      'liveness-probe',
      `${ids(probed)} ${probed.length === 1 ? 'has' : 'have'} a liveness probe: if the stress slows the app until the probe fails, the kubelet restarts the container, which ends the stress in it (Chaos Mesh does not inject again).`,
      memoryPath,
    );
  }

  // The allocation against each limit; a percentage is read with each target's node.
  const sizePath = [...memoryPath, 'size'];
  const over = facts.targets
    .filter((t) => t.limitBytes !== undefined && t.limitBytes > 0n)
    .map((t) => ({ t, total: totalFor(memory, t) }))
    .filter((x): x is { t: TargetContainerFacts; total: bigint } => x.total !== undefined && x.total >= (x.t.limitBytes as bigint));
  if (over.length > 0) {
    const tightest = over.reduce((a, b) => ((a.t.limitBytes as bigint) <= (b.t.limitBytes as bigint) ? a : b));
    const limit = tightest.t.limitBytes as bigint;
    hint(
      'oom-expected',
      `memStress will allocate ${groupDigits(tightest.total)} bytes (${binaryText(tightest.total)}), ${percentOf(tightest.total, limit)}% of the memory limit ${tightest.t.limitText} of ${id(tightest.t)}${over.length > 1 ? ` (and ${over.length - 1} more target${over.length > 2 ? 's' : ''})` : ''}: the container reaches its limit and the OOM killer kills a process in it (memStress or your application, by oom_score_adj).`,
      valueAt(spec, ['stressors', 'memory', 'size']) === undefined ? memoryPath : sizePath,
      LIMIT_SHARES.map((share) => {
        const size = sizeForPercentOfLimit(limit, share);
        return { title: `Write \`${size}\`: ${share}% of the ${tightest.t.limitText} limit`, newText: size };
      }),
    );
  }
  return out;
}

function totalFor(memory: Record<string, unknown>, t: TargetContainerFacts): bigint | undefined {
  const facts = sizeFacts(memory, t.nodeMemTotal);
  if (!facts || facts.kind === 'none') return undefined;
  return facts.total;
}

/** The target whose limit matters most for the inlay hint: the smallest limit. */
export function tightestTarget(facts: TargetFacts): TargetContainerFacts | undefined {
  let best: TargetContainerFacts | undefined;
  for (const t of facts.targets) {
    if (t.limitBytes === undefined) continue;
    if (!best || t.limitBytes < (best.limitBytes as bigint)) best = t;
  }
  return best;
}

function id(t: TargetContainerFacts): string {
  return `${t.namespace}/${t.pod}/${t.container}`;
}

function ids(ts: readonly TargetContainerFacts[]): string {
  const shown = ts.slice(0, 3).map(id).join(', ');
  return ts.length > 3 ? `${shown} and ${ts.length - 3} more` : shown;
}
