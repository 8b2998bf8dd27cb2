// The results panel's message protocol, imported by both the extension host (src/extension) and
// the panel's browser bundle (src/webview). Every message is declared once here with a `type`
// string and checked with a type guard on arrival. Handshake (GHPRI's shape): the panel posts
// `ready` once its script runs; the host owns the state and (re)sends `init` in reply, so a panel
// restored after a reload or hidden and shown again always gets the full state.
// Later issues add the sample and OOM-event messages.

/** The panel's webview type: `onWebviewPanel:podMemoryChaos.results` in package.json. */
export const RESULTS_VIEW_TYPE = 'podMemoryChaos.results';

export interface ReadyMessage {
  readonly type: 'ready';
}

export interface InitMessage {
  readonly type: 'init';
  /** Translated strings for the panel (vscode.l10n.bundle); undefined in English. */
  readonly l10n?: Record<string, string>;
  /** Samples per second the host takes from the container's cgroup files. */
  readonly sampleRateHz: number;
}

export type WebviewToHost = ReadyMessage;
export type HostToWebview = InitMessage;

function hasType(value: unknown): value is { type: unknown } {
  return typeof value === 'object' && value !== null && 'type' in value;
}

export function isWebviewToHost(value: unknown): value is WebviewToHost {
  return hasType(value) && value.type === 'ready';
}

export function isHostToWebview(value: unknown): value is HostToWebview {
  if (!hasType(value) || value.type !== 'init') return false;
  const v = value as Partial<InitMessage>;
  return typeof v.sampleRateHz === 'number' && (v.l10n === undefined || (typeof v.l10n === 'object' && v.l10n !== null));
}
