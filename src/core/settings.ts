// The extension's settings, checked. settings.json is hand-edited: a value can have the wrong
// type (VS Code's schema only underlines it), be out of range, or be a size Chaos Mesh reads
// differently from what was meant. Each bad value is replaced by a safe one and described in one
// sentence naming the setting, the value found and the value used instead; the extension shows
// that sentence once. The defaults and ranges are package.json's (a unit test holds them together).
import { goParseDuration, MAX_WORKERS } from './stressChaos';
import { parseStressSize, StressSizeError } from './stressSize';
import { STRESS_DEFAULTS } from './validateStressChaos';
import { DEFAULT_TYPED_CONFIRMATION_PATTERNS } from './writeSafety';
import { formatBytes } from './quantity';

export const SETTINGS_SECTION = 'podMemoryChaos';

export interface Settings {
  /** Kubeconfig path set by the user; '' = use $KUBECONFIG or ~/.kube/config. */
  readonly kubeconfig: string;
  readonly refreshIntervalSeconds: number;
  /** % of limit from which a pod's icon turns yellow, and red. */
  readonly thresholds: { readonly warningPercent: number; readonly criticalPercent: number };
  readonly sampleRateHz: number;
  /** No cluster changes at all (as k9s --readonly). */
  readonly readOnly: boolean;
  /** Context-name patterns whose changes must be confirmed by typing the context's name. */
  readonly confirmByTypingContexts: readonly string[];
  readonly stress: {
    readonly defaultSize: string;
    readonly defaultWorkers: number;
    readonly defaultDuration: string;
  };
}

/** Defaults, as package.json declares them. */
export const SETTING_DEFAULTS: Settings = {
  kubeconfig: '',
  refreshIntervalSeconds: 10,
  thresholds: { warningPercent: 70, criticalPercent: 90 },
  sampleRateHz: 4,
  readOnly: false,
  confirmByTypingContexts: DEFAULT_TYPED_CONFIRMATION_PATTERNS,
  stress: { defaultSize: STRESS_DEFAULTS.size, defaultWorkers: STRESS_DEFAULTS.workers, defaultDuration: STRESS_DEFAULTS.duration },
};

/** Numeric settings' bounds, as package.json declares them. */
export const SETTING_RANGES = {
  refreshIntervalSeconds: { min: 2, max: 600, integer: true },
  'thresholds.warningPercent': { min: 1, max: 100, integer: true },
  'thresholds.criticalPercent': { min: 1, max: 100, integer: true },
  sampleRateHz: { min: 4, max: 20, integer: false },
  'stress.defaultWorkers': { min: 1, max: 64, integer: true },
} as const;

/** A stress default below this is a slip (`1K` is 1,000 bytes to Chaos Mesh): nothing would show. */
export const MIN_DEFAULT_STRESS_BYTES = 1024n * 1024n;

export interface SettingProblem {
  /** The full setting id, `podMemoryChaos.sampleRateHz`. */
  readonly setting: string;
  /** The value found, as settings.json holds it. */
  readonly value: unknown;
  /** What the extension uses instead. */
  readonly used: unknown;
  /** One sentence for the user: the setting, the value, why, and the value used. */
  readonly message: string;
}

/** A value as settings.json writes it, cut short: `"fast"`, `-5`, `["(prod"]`. */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? 'undefined' : JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Reads and checks every setting. `get(key)` returns the raw value below `podMemoryChaos.` (e.g.
 * `thresholds.warningPercent`), undefined when unset.
 */
export function checkSettings(get: (key: string) => unknown): { settings: Settings; problems: SettingProblem[] } {
  const problems: SettingProblem[] = [];
  const problem = (key: string, value: unknown, used: unknown, why: string) => {
    const id = `${SETTINGS_SECTION}.${key}`;
    problems.push({ setting: id, value, used, message: `Setting ${id} is ${describeValue(value)}: ${why}; using ${describeValue(used)} instead.` });
    return used;
  };
  const number = (key: keyof typeof SETTING_RANGES, fallback: number): number => {
    const value = get(key);
    if (value === undefined) return fallback;
    const range = SETTING_RANGES[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) return problem(key, value, fallback, typeof value === 'number' ? 'not a finite number' : `${kindOf(value)}, not a number`) as number;
    if (range.integer && !Number.isInteger(value)) return problem(key, value, Math.min(range.max, Math.max(range.min, Math.round(value))), 'not a whole number') as number;
    if (value < range.min) return problem(key, value, range.min, `below the minimum ${range.min}`) as number;
    if (value > range.max) return problem(key, value, range.max, `above the maximum ${range.max}`) as number;
    return value;
  };

  const kubeconfigRaw = get('kubeconfig');
  const kubeconfig = kubeconfigRaw === undefined || typeof kubeconfigRaw === 'string' ? (kubeconfigRaw ?? '') : (problem('kubeconfig', kubeconfigRaw, '', `${kindOf(kubeconfigRaw)}, not a file path`) as string);

  let warningPercent = number('thresholds.warningPercent', SETTING_DEFAULTS.thresholds.warningPercent);
  let criticalPercent = number('thresholds.criticalPercent', SETTING_DEFAULTS.thresholds.criticalPercent);
  if (warningPercent >= criticalPercent) {
    problem('thresholds.warningPercent', warningPercent, SETTING_DEFAULTS.thresholds.warningPercent, `not below thresholds.criticalPercent (${criticalPercent}), so no pod would show yellow (critical uses ${SETTING_DEFAULTS.thresholds.criticalPercent})`);
    warningPercent = SETTING_DEFAULTS.thresholds.warningPercent;
    criticalPercent = SETTING_DEFAULTS.thresholds.criticalPercent;
  }

  // A read-only switch that is not a boolean is taken as on: the safe reading of a safety setting.
  const readOnlyRaw = get('readOnly');
  const readOnly = readOnlyRaw === undefined || typeof readOnlyRaw === 'boolean' ? readOnlyRaw === true : (problem('readOnly', readOnlyRaw, true, `${kindOf(readOnlyRaw)}, not true or false, so writes stay off`) as boolean);

  return {
    settings: {
      kubeconfig,
      refreshIntervalSeconds: number('refreshIntervalSeconds', SETTING_DEFAULTS.refreshIntervalSeconds),
      thresholds: { warningPercent, criticalPercent },
      sampleRateHz: number('sampleRateHz', SETTING_DEFAULTS.sampleRateHz),
      readOnly,
      confirmByTypingContexts: checkPatterns(get('confirmByTypingContexts'), problem),
      stress: {
        defaultSize: checkDefaultSize(get('stress.defaultSize'), problem),
        defaultWorkers: Math.min(number('stress.defaultWorkers', SETTING_DEFAULTS.stress.defaultWorkers), MAX_WORKERS),
        defaultDuration: checkDefaultDuration(get('stress.defaultDuration'), problem),
      },
    },
    problems,
  };
}

type Report = (key: string, value: unknown, used: unknown, why: string) => unknown;

/**
 * Context-name patterns (case-insensitive regular expressions). Not a list of strings: the default
 * list (`prod`), as dropping patterns would weaken a safety check. A pattern that does not compile
 * is kept and matched as plain text (writeSafety.ts), and said so.
 */
function checkPatterns(value: unknown, problem: Report): readonly string[] {
  if (value === undefined) return SETTING_DEFAULTS.confirmByTypingContexts;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    return problem('confirmByTypingContexts', value, SETTING_DEFAULTS.confirmByTypingContexts, Array.isArray(value) ? 'a list with entries that are not strings' : `${kindOf(value)}, not a list of patterns`) as readonly string[];
  }
  for (const pattern of value as string[]) {
    try {
      new RegExp(pattern, 'i');
    } catch (e) {
      const reason = e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e);
      problem('confirmByTypingContexts', pattern, `${pattern} as plain text`, `not a regular expression (${reason}), so it matches context names containing that text`);
    }
  }
  return value as string[];
}

/**
 * The size a new stress proposes: a Chaos Mesh size (`256MB`, `1GiB`) of at least 1 MiB, or a
 * percentage of the container's limit (1–100%).
 */
function checkDefaultSize(value: unknown, problem: Report): string {
  const key = 'stress.defaultSize';
  const fallback = SETTING_DEFAULTS.stress.defaultSize;
  if (value === undefined) return fallback;
  if (typeof value !== 'string') return problem(key, value, fallback, `${kindOf(value)}, not a size such as 256MB`) as string;
  const text = value.trim();
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(text);
  if (pct) {
    const p = Number(pct[1]);
    return p > 0 && p <= 100 ? text : (problem(key, value, fallback, 'a percentage of the container\'s limit must be above 0% and at most 100%') as string);
  }
  let bytes: bigint;
  try {
    const size = parseStressSize(text);
    if (!('bytes' in size)) return problem(key, value, fallback, 'not a size') as string;
    bytes = size.bytes;
  } catch (e) {
    const detail = e instanceof StressSizeError && e.suggestion !== undefined ? `, Chaos Mesh would want ${e.suggestion}` : '';
    return problem(key, value, fallback, `not a size Chaos Mesh reads (write a number with B, KB/KiB, MB/MiB, GB/GiB or TB/TiB${detail})`) as string;
  }
  if (bytes <= 0n) return problem(key, value, fallback, 'a stress of 0 bytes allocates nothing') as string;
  if (bytes < MIN_DEFAULT_STRESS_BYTES) return problem(key, value, fallback, `only ${bytes} bytes to Chaos Mesh (its K is 1,000 bytes), too little for a memory stress to show`) as string;
  return text;
}

function checkDefaultDuration(value: unknown, problem: Report): string {
  const key = 'stress.defaultDuration';
  const fallback = SETTING_DEFAULTS.stress.defaultDuration;
  if (value === undefined) return fallback;
  if (typeof value !== 'string') return problem(key, value, fallback, `${kindOf(value)}, not a duration such as 60s`) as string;
  const d = goParseDuration(value.trim());
  if ('error' in d) return problem(key, value, fallback, `not a Go duration (${d.error})`) as string;
  if (d.nanoseconds <= 0n) return problem(key, value, fallback, 'a stress from here always ends, so the duration must be more than 0') as string;
  return value.trim();
}

/**
 * The default size against the node the stress would run on: a default beyond the node's memory
 * (or, for N%, beyond the container's limit share of it) is replaced by the built-in default, or by
 * a quarter of the node when even that does not fit. `sizeBytes` is what the default reads as.
 */
export function defaultSizeForNode(sizeText: string, sizeBytes: bigint, nodeMemoryBytes: bigint | null, nodeName: string): { size: string; problem?: SettingProblem } {
  if (nodeMemoryBytes === null || nodeMemoryBytes <= 0n || sizeBytes <= nodeMemoryBytes) return { size: sizeText };
  const builtIn = parseStressSize(STRESS_DEFAULTS.size) as { bytes: bigint };
  const used = builtIn.bytes <= nodeMemoryBytes / 2n ? STRESS_DEFAULTS.size : `${nodeMemoryBytes / 4n / 1048576n}MiB`;
  const id = `${SETTINGS_SECTION}.stress.defaultSize`;
  return {
    size: used,
    problem: {
      setting: id,
      value: sizeText,
      used,
      message: `Setting ${id} is ${describeValue(sizeText)}: more than node ${nodeName}'s memory (${formatBytes(nodeMemoryBytes)}); using ${describeValue(used)} instead.`,
    },
  };
}
