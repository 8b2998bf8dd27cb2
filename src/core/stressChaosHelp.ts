/**
 * The words and figures the editor shows about a StressChaos: hover texts, inlay hints, completion
 * entries and the size that reaches a share of a container's limit. Pure: the VS Code layer turns them
 * into MarkdownStrings, InlayHints and CompletionItems.
 *
 * Facts: chaos-mesh.md §4 (memStress splits `size` across workers; `%` is of the node's MemTotal),
 * §5 (duration counted from creation, pause does not extend it).
 */
import { formatBytes } from './quantity';
import {
  experimentState,
  goParseDuration,
  isRecord,
  MAX_WORKERS,
  RECORD_PHASE_INJECTED,
  RECORD_PHASE_NOT_INJECTED,
  valueAt,
  type ExperimentState,
  type StressChaos,
} from './stressChaos';
import { schemaAt } from './stressChaosSchema';
import { memStressReadSize, perWorkerBytes, percentOfNodeMemory, stressSizeWebhookDetail, suggestStressSize } from './stressSize';
import { toStressChaosPath, type CompletionPlace, type JsonPath } from './yamlPaths';

/** What memStress does with a memory stressor's `size` and `workers`. */
export type SizeFacts =
  | { kind: 'bytes'; size: string; workers: number; total: bigint; perWorker: bigint }
  | { kind: 'percent'; size: string; workers: number; percent: number; total?: bigint; perWorker?: bigint }
  | { kind: 'none'; size: string; workers: number; reason: string };

/** A container the stress lands in, when the cluster is known. */
export interface TargetLimit {
  /** `namespace/pod/container`, for the hover. */
  id: string;
  limitBytes: bigint;
  /** The limit as the pod spec writes it (`500Mi`). */
  limitText: string;
}

/**
 * Reads `size` and `workers` of a memory stressor as memStress will. `nodeMemTotal` (bytes) turns a
 * percentage into bytes. Undefined when the stressor has no usable `workers`.
 */
export function sizeFacts(memory: unknown, nodeMemTotal?: bigint): SizeFacts | undefined {
  if (!isRecord(memory)) return undefined;
  const workers = memory.workers;
  if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) return undefined;
  const size = typeof memory.size === 'string' ? memory.size : '';
  if (size.trim() === '') return { kind: 'none', size, workers, reason: 'no size: memStress allocates nothing' };
  const refused = stressSizeWebhookDetail(size);
  if (refused !== undefined) return { kind: 'none', size, workers, reason: `Chaos Mesh refuses it (${refused}), so nothing runs` };
  const reading = memStressReadSize(size);
  if ('error' in reading) return { kind: 'none', size, workers, reason: `memStress cannot read it (${reading.error})` };
  if (reading.strayWords.length > 0) return { kind: 'none', size, workers, reason: `memStress reads only \`${reading.argument}\`` };
  if ('percent' in reading) {
    if (nodeMemTotal === undefined) return { kind: 'percent', size, workers, percent: reading.percent };
    const total = percentOfNodeMemory(nodeMemTotal, reading.percent);
    return { kind: 'percent', size, workers, percent: reading.percent, total, perWorker: perWorkerBytes(total, workers) };
  }
  return { kind: 'bytes', size, workers, total: reading.bytes, perWorker: perWorkerBytes(reading.bytes, workers) };
}

/** `52428800` → `52,428,800`. */
export function groupDigits(n: bigint): string {
  return n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Decimal units with three significant figures at most: `13.1 MB`, `268 MB`, `1.07 GB`, `512 B`. */
export function formatDecimalBytes(n: bigint): string {
  if (n < 1000n) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let unit = 0;
  let scale = 1000n;
  while (unit < units.length - 1 && n >= scale * 1000n) {
    scale *= 1000n;
    unit++;
  }
  const value = Number(n) / Number(scale);
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${Number(value.toFixed(digits))} ${units[unit]}`;
}

/** Whole percent, rounded half up: 481,689,600 of 524,288,000 → 92. */
export function percentOf(part: bigint, whole: bigint): number {
  if (whole <= 0n) return 0;
  return Number((part * 200n + whole) / (whole * 2n));
}

/** `50 MiB`, `1.5 GiB`, `512 B`: the binary reading of a byte count. */
export function binaryText(n: bigint): string {
  // The product's one byte formatter (`50Mi`), spelled with a space and B as hovers read.
  return n < 1024n && n > -1024n ? `${n} B` : formatBytes(n).replace(/^(-?[\d.]+)([KMGTPE]i)$/, '$1 $2B');
}

/**
 * The inlay hint after `size:`: `= 52,428,800 B total · 13.1 MB per worker`, and with a target
 * `→ 92% of limit 500Mi`. Undefined when there is nothing to say.
 */
export function sizeInlayHint(facts: SizeFacts | undefined, target?: TargetLimit): string | undefined {
  if (!facts) return undefined;
  if (facts.kind === 'none') return undefined;
  let text: string;
  if (facts.kind === 'percent' && facts.total === undefined) {
    text = `= ${facts.percent}% of the node's memory`;
  } else {
    const total = facts.total as bigint;
    text = `= ${groupDigits(total)} B total`;
    if (facts.workers > 1) text += ` · ${formatDecimalBytes(facts.perWorker as bigint)} per worker`;
    if (facts.kind === 'percent') text += ` (${facts.percent}% of the node)`;
  }
  if (target && facts.total !== undefined) text += ` → ${percentOf(facts.total, target.limitBytes)}% of limit ${target.limitText}`;
  return text;
}

/**
 * A `size` that makes memStress reach `percent`% of a limit: whole MiB, rounded down, so the
 * allocation stays at or below the share. `size` is a total, so workers do not change it.
 */
export function sizeForPercentOfLimit(limitBytes: bigint, percent: number): string {
  const bytes = (limitBytes * BigInt(Math.round(percent * 100))) / 10000n;
  const mib = bytes / 1048576n;
  return mib > 0n ? `${mib}MiB` : `${bytes}B`;
}

// ---------------------------------------------------------------------------------------------------
// Hover.

/**
 * Markdown for a hover on the key or value at `path` of a StressChaos object (`path` may be inside a
 * Schedule or Workflow: the spec is found through `stressChaos`). Undefined for fields without help.
 */
export function hoverMarkdown(object: Record<string, unknown>, path: JsonPath, context: { target?: TargetLimit; nodeMemTotal?: bigint } = {}): string | undefined {
  const schemaPath = toStressChaosPath(path);
  const schema = schemaAt(schemaPath);
  const field = String(path[path.length - 1]);
  const specPath = specPathOf(path);
  const spec = specPath ? valueAt(object, specPath) : undefined;
  const value = valueAt(object, path);
  const parts: string[] = [];
  const effect = specPath ? fieldEffect(schemaPath, isRecord(spec) ? spec : {}, value, context) : undefined;
  if (effect) parts.push(effect);
  const description = typeof schema?.description === 'string' ? schema.description : undefined;
  if (description) parts.push(description);
  const extras: string[] = [];
  if (Array.isArray(schema?.enum)) extras.push(`Values: ${(schema.enum as unknown[]).map((v) => `\`${String(v)}\``).join(', ')}.`);
  if (schema?.default !== undefined) extras.push(`Default: \`${String(schema.default)}\`.`);
  if (extras.length) parts.push(extras.join(' '));
  if (parts.length === 0) return undefined;
  return `**${field}**\n\n${parts.join('\n\n')}`;
}

function specPathOf(path: JsonPath): JsonPath | undefined {
  const i = path.lastIndexOf('stressChaos');
  if (i >= 0) return path.slice(0, i + 1);
  return path[0] === 'spec' ? ['spec'] : undefined;
}

/** The one-paragraph explanation of what this field does with this value. */
function fieldEffect(
  schemaPath: JsonPath,
  spec: Record<string, unknown>,
  value: unknown,
  context: { target?: TargetLimit; nodeMemTotal?: bigint },
): string | undefined {
  const key = schemaPath.join('.');
  const memory = isRecord(spec.stressors) && isRecord(spec.stressors.memory) ? spec.stressors.memory : undefined;
  switch (key) {
    case 'spec.stressors.memory.size':
      return sizeEffect(sizeFacts(memory, context.nodeMemTotal), context.target);
    case 'spec.stressors.memory.workers':
      return workersEffect(memory);
    case 'spec.stressors.memory.oomScoreAdj':
      return oomScoreAdjEffect(value);
    case 'spec.duration':
      return durationEffect(value);
    case 'spec.mode':
    case 'spec.value':
      return modeEffect(spec.mode, spec.value);
    default:
      return undefined;
  }
}

function sizeEffect(facts: SizeFacts | undefined, target: TargetLimit | undefined): string | undefined {
  if (!facts) return undefined;
  if (facts.kind === 'none') return `\`${facts.size}\`: ${facts.reason}.${suggestStressSize(facts.size) ? ` Write \`${suggestStressSize(facts.size)}\`.` : ''}`;
  const split =
    facts.workers > 1
      ? `split across ${facts.workers} workers: each memStress worker maps`
      : 'in one memStress worker, which maps';
  let text: string;
  if (facts.kind === 'percent') {
    text = `\`${facts.size}\` is ${facts.percent}% of the **node's** memory (MemTotal in /proc/meminfo of the node the pod runs on), not of the container's limit or request.`;
    if (facts.total !== undefined) {
      text += ` memStress will allocate **${groupDigits(facts.total)} bytes** in total, ${split} **${groupDigits(facts.perWorker as bigint)} bytes**.`;
    } else {
      text += ` Each of the ${facts.workers} worker${facts.workers > 1 ? 's' : ''} maps ${facts.percent / facts.workers}% of it.`;
    }
  } else {
    text = `memStress will allocate **${groupDigits(facts.total)} bytes** (${binaryText(facts.total)}) in total, ${split} **${groupDigits(facts.perWorker)} bytes** (${binaryText(facts.perWorker)}). \`size\` is the total for all workers, not per worker.`;
  }
  text += ' The memory is taken inside the target container\'s memory cgroup, so it counts against the container\'s limit.';
  if (target && facts.total !== undefined) {
    const pct = percentOf(facts.total, target.limitBytes);
    text += ` For \`${target.id}\` that is **${pct}%** of its limit ${target.limitText} (${groupDigits(target.limitBytes)} bytes)${pct >= 100 ? ': the OOM killer will act' : ''}.`;
  }
  return text;
}

function workersEffect(memory: Record<string, unknown> | undefined): string | undefined {
  const workers = memory?.workers;
  if (typeof workers !== 'number' || !Number.isInteger(workers)) return undefined;
  if (workers <= 0) return `\`workers: ${workers}\` starts no memStress worker: nothing is allocated, yet the experiment reports Injected.`;
  const facts = sizeFacts(memory);
  const share =
    facts && facts.kind === 'bytes'
      ? ` With \`size: ${facts.size}\` each maps ${groupDigits(facts.perWorker)} bytes, ${groupDigits(facts.total)} in all.`
      : '';
  return `\`workers: ${workers}\` starts ${workers} memStress worker process${workers > 1 ? 'es' : ''} that share \`size\`: each maps size/${workers}, so more workers do not allocate more memory; they fill it in parallel. A worker the OOM killer kills is started again about every second, as long as the experiment runs.${share}`;
}

function oomScoreAdjEffect(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) return undefined;
  if (value === 0) return '`oomScoreAdj: 0` leaves memStress\'s oom_score_adj as it is: the OOM killer picks by memory use and the pod\'s QoS class, so the big memStress worker is usually killed first when the container hits its limit.';
  if (value === -1000) return '`oomScoreAdj: -1000` makes memStress immune to the OOM killer: when the container hits its limit, your application\'s processes are killed instead (and the container may restart).';
  if (value < 0) return `\`oomScoreAdj: ${value}\` makes memStress a less likely OOM victim than the application's processes: at the limit, the kernel is more likely to kill your application.`;
  return `\`oomScoreAdj: ${value}\` makes memStress a more likely OOM victim: at the limit the stress itself is killed (and respawned about every second) rather than your application.`;
}

function durationEffect(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const parsed = goParseDuration(value);
  if ('error' in parsed) return `\`${value}\` is not a Go duration (${parsed.error}).`;
  const seconds = Number(parsed.nanoseconds) / 1e9;
  return `\`duration: ${value}\` = ${humanDuration(seconds)}, counted from the object's creation. Time spent paused is not added back. When it has passed, Chaos Mesh stops memStress and the experiment shows as finished; the object stays until you delete it.`;
}

function humanDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Number((seconds % 60).toFixed(3));
  const parts = [h ? `${h} h` : '', m ? `${m} min` : '', s || (!h && !m) ? `${s} s` : ''].filter(Boolean);
  return `${parts.join(' ')}${seconds >= 60 ? ` (${Number(seconds.toFixed(3))} s)` : ''}`;
}

function modeEffect(mode: unknown, value: unknown): string | undefined {
  const v = typeof value === 'string' ? value : undefined;
  switch (mode) {
    case 'one':
      return '`mode: one`: one pod, picked at random among those the selector matches, gets the stress. `value` is ignored.';
    case 'all':
      return '`mode: all`: every pod the selector matches gets the stress. `value` is ignored.';
    case 'fixed':
      return `\`mode: fixed\`: ${v ? `${v} pod${v === '1' ? '' : 's'}` : '`value` pods'}, picked at random among those the selector matches, get the stress (all of them if fewer match).`;
    case 'fixed-percent':
      return `\`mode: fixed-percent\`: ${v ? `${v}%` : '`value`%'} of the pods the selector matches (rounded up) get the stress, picked at random.`;
    case 'random-max-percent':
      return `\`mode: random-max-percent\`: a random share between 0 and ${v ? `${v}%` : '`value`%'} of the pods the selector matches gets the stress; it may be none.`;
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// Completion.

export interface CompletionEntry {
  label: string;
  kind: 'field' | 'value';
  /** VS Code snippet syntax; `\t` is one indentation step. */
  insertText: string;
  detail?: string;
  documentation?: string;
  /** Listed first (required fields). */
  preselect?: boolean;
}

const VALUE_EXAMPLES: Record<string, string[]> = {
  'spec.stressors.memory.size': ['256MiB', '512MB', '1GiB', '50%'],
  'spec.duration': ['30s', '5m', '1h'],
  apiVersion: ['chaos-mesh.org/v1alpha1'],
  kind: ['StressChaos'],
};

/** Fields or values to offer at a place in a StressChaos (embedded specs included). */
export function completionEntries(place: CompletionPlace): CompletionEntry[] {
  const parent = toStressChaosPath(place.parent);
  if (place.valueKey !== undefined) return valueEntries([...parent, place.valueKey]);
  const node = schemaAt(parent);
  const props = node?.properties as Record<string, Record<string, unknown>> | undefined;
  if (!props) return [];
  const required = new Set(Array.isArray(node?.required) ? (node.required as string[]) : []);
  const out: CompletionEntry[] = [];
  for (const [name, schema] of Object.entries(props)) {
    if (place.siblings.includes(name)) continue;
    if (parent.length === 0 && name === 'status') continue; // written by the controller
    if (parent.length === 1 && parent[0] === 'metadata' && !['name', 'namespace', 'labels', 'annotations', 'generateName'].includes(name)) continue;
    out.push({
      label: name,
      kind: 'field',
      insertText: fieldSnippet(name, schema, [...parent, name]),
      detail: typeLabel(schema) + (required.has(name) ? ' (required)' : ''),
      documentation: typeof schema.description === 'string' ? schema.description : undefined,
      preselect: required.has(name) || undefined,
    });
  }
  return out;
}

function valueEntries(path: JsonPath): CompletionEntry[] {
  const schema = schemaAt(path);
  const values = Array.isArray(schema?.enum) ? (schema.enum as unknown[]).map(String) : VALUE_EXAMPLES[path.join('.')] ?? (schema?.default !== undefined ? [String(schema.default)] : []);
  return values.map((v) => ({ label: v, kind: 'value', insertText: v, documentation: typeof schema?.description === 'string' ? schema.description : undefined }));
}

function fieldSnippet(name: string, schema: Record<string, unknown>, path: JsonPath): string {
  const key = path.join('.');
  if (Array.isArray(schema.enum)) return `${name}: \${1|${(schema.enum as unknown[]).map(String).join(',')}|}`;
  if (key === 'spec.stressors.memory.size') return `${name}: \${1:256MiB}`;
  if (key === 'spec.duration') return `${name}: \${1:60s}`;
  if (key === 'spec.value') return `${name}: "\${1:1}"`;
  switch (schema.type) {
    case 'object':
      return `${name}:\n\t$0`;
    case 'array':
      return `${name}:\n\t- $0`;
    case 'integer':
      return `${name}: \${1:${schema.default !== undefined ? String(schema.default) : name === 'workers' ? '1' : '0'}}`;
    default:
      return `${name}: $0`;
  }
}

function typeLabel(schema: Record<string, unknown>): string {
  if (Array.isArray(schema.enum)) return (schema.enum as unknown[]).map(String).join(' | ');
  return String(schema.type ?? '');
}

// ---------------------------------------------------------------------------------------------------
// The live experiment in one line (the CodeLens status).

/**
 * `Running · 1/1 injected · 0 recovered · 42s left`: the dashboard's state (CM pkg/status), how many
 * target containers are injected now out of all selected, how many were recovered, and the time to
 * creation + duration.
 */
export function experimentSummary(obj: StressChaos, now: Date): { state: ExperimentState; text: string } {
  const state = experimentState(obj, now);
  const records = obj.status?.experiment?.containerRecords ?? [];
  const injected = records.filter((r) => r.phase === RECORD_PHASE_INJECTED).length;
  const recovered = records.filter((r) => r.phase === RECORD_PHASE_NOT_INJECTED && r.recoveredCount > 0).length;
  const parts = [state[0].toUpperCase() + state.slice(1)];
  if (records.length > 0) parts.push(`${injected}/${records.length} injected`, `${recovered} recovered`);
  else parts.push('no target selected yet');
  const left = timeLeftMs(obj, now);
  if (left === undefined) parts.push('no duration');
  else if (left > 0) parts.push(`${formatClock(left)} left`);
  else parts.push('time up');
  return { state, text: parts.join(' · ') };
}

/** Milliseconds to creationTimestamp + duration (negative once passed); undefined without a duration. */
export function timeLeftMs(obj: Pick<StressChaos, 'metadata' | 'spec'>, now: Date): number | undefined {
  const d = obj.spec?.duration;
  const created = obj.metadata?.creationTimestamp;
  if (typeof d !== 'string' || d === '' || typeof created !== 'string') return undefined;
  const parsed = goParseDuration(d);
  if ('error' in parsed) return undefined;
  return Date.parse(created) + Number(parsed.nanoseconds / 1_000_000n) - now.getTime();
}

/** `42s`, `4m 05s`, `1h 02m`. */
function formatClock(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
