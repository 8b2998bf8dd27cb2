// The results panel's message protocol, imported by both the extension host (src/extension) and
// the panel's browser bundle (src/webview). Every message is declared once here with a `type`
// string and checked with a type guard on arrival. Handshake (GHPRI's shape): the panel posts
// `ready` once its script runs; the host owns the state (samples are kept host-side) and (re)sends
// `init` with everything so far, so a panel restored after a reload or shown again always gets the
// full state; after that only increments (`samples`, `timeline`, `processes`, `status`) follow.
//
// Everything crossing `postMessage` is plain JSON: sizes are numbers of bytes (the host converts
// the core's bigints explicitly), times are ms since the epoch, no Map, no bigint, no class.

/** The panel's webview type: `onWebviewPanel:podMemoryChaos.results` in package.json. */
export const RESULTS_VIEW_TYPE = 'podMemoryChaos.results';

/** The four curves drawn per container, in this order. */
export const CURVES = ['workingSet', 'usage', 'rss', 'cache'] as const;
export type Curve = (typeof CURVES)[number];

/** What a panel shows: an experiment's targets, or one pod (Show memory, no stress). */
export type ResultsSubject =
  | { readonly kind: 'experiment'; readonly context: string; readonly namespace: string; readonly name: string }
  | { readonly kind: 'pod'; readonly context: string; readonly namespace: string; readonly pod: string; readonly container?: string };

/** One sampled container. `key` is `<namespace>/<pod>/<container>`. */
export interface ContainerInfo {
  readonly key: string;
  readonly label: string;
  readonly requestBytes: number | null;
  readonly limitBytes: number | null;
}

/** Samples of one container, column-wise (uPlot's data shape). */
export interface SampleBatch {
  readonly container: string;
  readonly times: readonly number[];
  readonly values: Readonly<Record<Curve, readonly number[]>>;
}

export type MarkerKind = 'oom-kill' | 'oom-killed' | 'probe' | 'restart' | 'eviction' | 'pause' | 'resume' | 'other';

/** One line of the plain-words timeline under the chart, and its marker on the chart. */
export interface TimelineEntry {
  readonly id: string;
  readonly time: number;
  readonly marker: MarkerKind;
  readonly severity: 'error' | 'warning' | 'info';
  readonly title: string;
  readonly text: string;
}

/** One row of the OOM kill order: the container's processes by the kernel's `oom_score`. */
export interface KillOrderRow {
  readonly pid: number;
  readonly name: string;
  readonly oomScore: number | null;
  readonly oomScoreAdj: number | null;
  /** Where the oom_score_adj comes from, in a few words ("QoS Burstable", "chaos-daemon"). */
  readonly adjOrigin: string;
  /** The same in a sentence (shown on hover). */
  readonly adjOriginDetail: string;
  readonly rssBytes: number | null;
  /** The one the kernel would pick next. */
  readonly next: boolean;
}

export interface ProcessesView {
  readonly container: string;
  readonly time: number;
  /** False: `cgroup.procs` could not be read; the victim is then inferred from the counters. */
  readonly readable: boolean;
  readonly rows: readonly KillOrderRow[];
  /** `free`/`top` inside the container: the NODE's /proc/meminfo, in bytes. */
  readonly nodeMemory: Readonly<Record<string, number>>;
}

/** The experiment window: injected → recovered (or paused). */
export interface WindowSpan {
  readonly start: number;
  readonly end: number | null;
  readonly state: 'running' | 'paused' | 'recovered';
}

export interface Summary {
  readonly lines: readonly string[];
}

export interface StatusView {
  /** Plain-words notices: fallbacks and their reasons, "stressor gone", errors. */
  readonly notices: readonly string[];
  readonly windows: readonly WindowSpan[];
  /** Working set before the stress + the size the spec asks for, per container key. */
  readonly expectedPlateau: Readonly<Record<string, number>>;
  readonly summary: Summary;
  /** Where the samples come from: `exec` (cgroup files, 4 Hz), `summary-api`, `metrics-api`. */
  readonly source: string;
}

/** A past run drawn over the current one (working set only). */
export interface OverlayRun {
  readonly label: string;
  /** Times relative to the run's first sample, ms. */
  readonly offsets: readonly number[];
  readonly workingSet: readonly number[];
}

export interface ReadyMessage {
  readonly type: 'ready';
}
export interface ExportMessage {
  readonly type: 'export';
  readonly format: 'csv' | 'json' | 'png';
  /** For `png`: the chart canvas as a `data:image/png;base64,` URL. */
  readonly dataUrl?: string;
}
export interface CompareMessage {
  readonly type: 'compare';
}

export interface InitMessage {
  readonly type: 'init';
  /** Translated strings for the panel (vscode.l10n.bundle); undefined in English. */
  readonly l10n?: Record<string, string>;
  /** Samples per second the host takes from the container's cgroup files. */
  readonly sampleRateHz: number;
  readonly title: string;
  readonly subject: ResultsSubject;
  readonly containers: readonly ContainerInfo[];
  readonly samples: readonly SampleBatch[];
  readonly timeline: readonly TimelineEntry[];
  readonly processes: readonly ProcessesView[];
  readonly status: StatusView;
  readonly overlay: OverlayRun | null;
}
export interface SamplesMessage {
  readonly type: 'samples';
  readonly batches: readonly SampleBatch[];
}
export interface TimelineMessage {
  readonly type: 'timeline';
  /** New or changed entries (same id: replace). */
  readonly upsert: readonly TimelineEntry[];
  readonly remove: readonly string[];
}
export interface ProcessesMessage {
  readonly type: 'processes';
  readonly view: ProcessesView;
}
export interface StatusMessage {
  readonly type: 'status';
  readonly status: StatusView;
  readonly containers: readonly ContainerInfo[];
}
export interface OverlayMessage {
  readonly type: 'overlay';
  readonly overlay: OverlayRun | null;
}

export type WebviewToHost = ReadyMessage | ExportMessage | CompareMessage;
export type HostToWebview = InitMessage | SamplesMessage | TimelineMessage | ProcessesMessage | StatusMessage | OverlayMessage;

/** What the panel saves with `setState` for the serializer: only what identifies it (samples stay host-side). */
export interface PanelState {
  readonly subject: ResultsSubject;
  readonly hiddenSeries?: readonly string[];
}

function hasType(value: unknown): value is { type: unknown } {
  return typeof value === 'object' && value !== null && 'type' in value;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export function isResultsSubject(value: unknown): value is ResultsSubject {
  if (!isObject(value) || typeof value.context !== 'string' || typeof value.namespace !== 'string') return false;
  if (value.kind === 'experiment') return typeof value.name === 'string';
  return value.kind === 'pod' && typeof value.pod === 'string' && (value.container === undefined || typeof value.container === 'string');
}

/** The largest PNG data URL the host takes (a chart canvas is well under 1 MB). */
export const MAX_PNG_DATA_URL_LENGTH = 16 * 1024 * 1024;
const PNG_DATA_URL = /^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/;

/**
 * Why a message from the panel is not one the host acts on, or undefined for a valid one. Strict:
 * a plain object with exactly the fields of its `type` (so no `__proto__`, `constructor` or
 * `path` smuggled in), each of the right type and size. The panel runs the extension's own script
 * under a strict CSP, but the host treats what arrives as untrusted input.
 */
export function webviewMessageProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `not an object (${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value})`;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return 'not a plain object';
  const keys = Reflect.ownKeys(value);
  if (keys.some((k) => typeof k !== 'string')) return 'symbol keys';
  const v = value as Record<string, unknown>;
  const allowed = (names: string[]): string | undefined => {
    const extra = (keys as string[]).filter((k) => !names.includes(k));
    return extra.length > 0 ? `unexpected field${extra.length > 1 ? 's' : ''} ${extra.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}` : undefined;
  };
  if (!Object.prototype.hasOwnProperty.call(v, 'type') || typeof v.type !== 'string') return 'no string `type`';
  switch (v.type) {
    case 'ready':
    case 'compare':
      return allowed(['type']);
    case 'export': {
      if (v.format === 'png') {
        const extra = allowed(['type', 'format', 'dataUrl']);
        if (extra) return extra;
        if (typeof v.dataUrl !== 'string') return 'a PNG export without the chart\'s data URL';
        if (v.dataUrl.length > MAX_PNG_DATA_URL_LENGTH) return `a PNG data URL of ${v.dataUrl.length} characters (at most ${MAX_PNG_DATA_URL_LENGTH})`;
        return PNG_DATA_URL.test(v.dataUrl) ? undefined : 'a data URL that is not a base64 PNG';
      }
      if (v.format === 'csv' || v.format === 'json') return allowed(['type', 'format']);
      return `export format ${typeof v.format === 'string' ? JSON.stringify(v.format.slice(0, 20)) : `of type ${typeof v.format}`} (csv, json or png)`;
    }
    default:
      return `unknown type ${JSON.stringify(v.type.slice(0, 40))}`;
  }
}

export function isWebviewToHost(value: unknown): value is WebviewToHost {
  return webviewMessageProblem(value) === undefined;
}

const isArray = Array.isArray;

export function isHostToWebview(value: unknown): value is HostToWebview {
  if (!hasType(value)) return false;
  const v = value as Record<string, unknown>;
  switch (value.type) {
    case 'init':
      return (
        typeof v.sampleRateHz === 'number' &&
        (v.l10n === undefined || isObject(v.l10n)) &&
        typeof v.title === 'string' &&
        isResultsSubject(v.subject) &&
        isArray(v.containers) &&
        isArray(v.samples) &&
        isArray(v.timeline) &&
        isArray(v.processes) &&
        isObject(v.status)
      );
    case 'samples':
      return isArray(v.batches);
    case 'timeline':
      return isArray(v.upsert) && isArray(v.remove);
    case 'processes':
      return isObject(v.view);
    case 'status':
      return isObject(v.status) && isArray(v.containers);
    case 'overlay':
      return v.overlay === null || isObject(v.overlay);
    default:
      return false;
  }
}
