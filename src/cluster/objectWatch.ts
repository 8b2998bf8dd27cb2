// One resumable list+watch for any kind of object, shared by every feature that follows live
// objects (pods, StressChaos, events). client-node's own informer is not used: after any error it
// stops for good, and after a dropped connection it re-watches at once with no back-off (a server
// that keeps closing would be hammered). Here:
//   list → watch from the list's resourceVersion → on a clean end or a dropped connection, resume
//   from the last resourceVersion seen → on 410 Gone (as a status or as an ERROR event), list
//   again → on a failure that retrying can fix (unreachable, timeout, 5xx), retry with
//   exponential back-off (1 s … 30 s, reset once a watch has stayed up for 30 s) → on one it
//   cannot (401, 403, 404), report it and stop → a full re-list every `resyncMs` regardless, so a
//   missed event cannot leave the cache wrong for long.
import type { ClusterSession } from './session';
import { ClusterError, isAbort, toClusterError } from './errors';

export interface WatchedObject {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; uid?: string };
}

export interface ListResult<T> {
  readonly items: readonly T[];
  readonly resourceVersion: string;
}

/**
 * Lists a collection by its API path through the session's raw GET (which has a timeout, unlike
 * the typed clients' calls), as the `list` of a watch on the same path.
 */
export async function listCollection<T>(session: ClusterSession, path: string, action: string): Promise<ListResult<T>> {
  const list = await session.getJson<{ items?: T[]; metadata?: { resourceVersion?: string } }>(path, { action });
  return { items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion ?? '' };
}

export type WatchState =
  /** Listing for the first time. */
  | { readonly state: 'listing' }
  /** The cache is complete and a watch is open. */
  | { readonly state: 'synced' }
  /** Something failed that may pass; the cache is kept, another attempt follows in `retryInMs`. */
  | { readonly state: 'retrying'; readonly error: ClusterError; readonly retryInMs: number }
  /** Something failed that retrying cannot fix (401, 403, 404); the watch has stopped. */
  | { readonly state: 'failed'; readonly error: ClusterError }
  | { readonly state: 'stopped' };

export interface ObjectWatchOptions<T extends WatchedObject> {
  readonly session: ClusterSession;
  /** The collection's API path, e.g. /api/v1/namespaces/ns/pods or /api/v1/pods. */
  readonly path: string;
  /** Lists the collection (`listCollection`, or a typed client's list mapped to items + resourceVersion). */
  readonly list: () => Promise<ListResult<T>>;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** What is being watched, in words, for messages ("pods in hello-kubernetes"). */
  readonly what: string;
  /** Called after each batch of changes with the whole cache (keyed namespace/name). */
  readonly onChange: (objects: ReadonlyMap<string, T>) => void;
  readonly onState?: (state: WatchState) => void;
  /** A failure handled without a change of state (410 Gone: listed again at once), for the log. */
  readonly onRecovered?: (error: ClusterError) => void;
  readonly resyncMs?: number;
  /** Back-off bounds; tests shorten them. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

export function objectKey(obj: WatchedObject): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

const HEALTHY_AFTER_MS = 30_000;

export class ObjectWatch<T extends WatchedObject> {
  private readonly objects = new Map<string, T>();
  private resourceVersion = '';
  private request: AbortController | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private backoffMs: number;
  private watchStartedAt = 0;
  private stopped = false;
  private current: WatchState = { state: 'listing' };
  /** Bumped by each (re)connect, so callbacks of an older watch are ignored. */
  private generation = 0;
  /** The stream said 410 Gone (an ERROR event); relists in a row for it, so a server that keeps saying it is not hammered. */
  private goneInStream = false;
  private lastGoneRelistAt = 0;

  /** Removed again on stop: a long-lived session outlives many watches (one per results panel). */
  private readonly onSessionClosed = (): void => this.stop();

  constructor(private readonly options: ObjectWatchOptions<T>) {
    this.backoffMs = options.minBackoffMs ?? 1000;
    options.session.closed.addEventListener('abort', this.onSessionClosed, { once: true });
  }

  get state(): WatchState {
    return this.current;
  }

  get snapshot(): ReadonlyMap<string, T> {
    return this.objects;
  }

  start(): this {
    void this.connect(true);
    return this;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.options.session.closed.removeEventListener('abort', this.onSessionClosed);
    this.generation++;
    this.request?.abort();
    clearTimeout(this.retryTimer);
    clearTimeout(this.resyncTimer);
    this.setState({ state: 'stopped' });
  }

  /** Re-list now (the user pressed refresh, or a caller knows the cache is stale). */
  relist(): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    void this.connect(true);
  }

  private setState(state: WatchState): void {
    this.current = state;
    this.options.onState?.(state);
  }

  private async connect(relist: boolean): Promise<void> {
    const generation = ++this.generation;
    this.request?.abort();
    this.request = undefined;
    const at = { context: this.options.session.context, action: `watching ${this.options.what}` };
    try {
      if (relist || this.resourceVersion === '') {
        if (this.objects.size === 0) this.setState({ state: 'listing' });
        const listed = await this.options.list();
        if (generation !== this.generation) return;
        this.objects.clear();
        for (const item of listed.items) this.objects.set(objectKey(item), item);
        this.resourceVersion = listed.resourceVersion;
        this.options.onChange(this.objects);
        this.scheduleResync();
      }
      const query: Record<string, string | boolean> = { resourceVersion: this.resourceVersion, allowWatchBookmarks: true };
      if (this.options.labelSelector) query.labelSelector = this.options.labelSelector;
      if (this.options.fieldSelector) query.fieldSelector = this.options.fieldSelector;
      this.watchStartedAt = Date.now();
      const controller = await this.options.session.watch.watch(
        this.options.path,
        query,
        (type, obj) => {
          if (generation === this.generation) this.onEvent(type, obj as T & { code?: number });
        },
        (err) => {
          if (generation === this.generation) this.onDone(err);
        },
      );
      if (generation !== this.generation) {
        controller.abort();
        return;
      }
      this.request = controller;
      if (this.current.state !== 'synced') this.setState({ state: 'synced' });
    } catch (e) {
      if (generation !== this.generation || this.stopped || isAbort(e)) return;
      this.fail(toClusterError(e, at));
    }
  }

  private onEvent(type: string, obj: T & { code?: number }): void {
    switch (type) {
      case 'ADDED':
      case 'MODIFIED':
        this.objects.set(objectKey(obj), obj);
        break;
      case 'DELETED':
        this.objects.delete(objectKey(obj));
        break;
      case 'ERROR':
        // 410 Gone inside the stream: our resourceVersion is too old; the stream ends next.
        if (obj.code === 410) {
          this.resourceVersion = '';
          this.goneInStream = true;
        }
        return;
      case 'BOOKMARK':
        break;
      default:
        return;
    }
    const rv = obj.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (type !== 'BOOKMARK') this.options.onChange(this.objects);
  }

  private onDone(err: unknown): void {
    if (this.stopped) return;
    const at = { context: this.options.session.context, action: `watching ${this.options.what}` };
    if (err && !isAbort(err)) {
      const error = toClusterError(err, at);
      if (error.kind === 'gone') this.resourceVersion = '';
      if (error.kind === 'gone' && Date.now() - this.lastGoneRelistAt > 5000) {
        this.lastGoneRelistAt = Date.now();
        this.options.onRecovered?.(error);
        void this.connect(true);
        return;
      }
      this.fail(error);
      return;
    }
    // The stream ended after saying 410 Gone: list again at once (a server that answers 410 again
    // within 5 s, to a fresh list's resourceVersion, is retried with back-off like any failure).
    if (this.goneInStream) {
      this.goneInStream = false;
      if (Date.now() - this.lastGoneRelistAt > 5000) {
        this.lastGoneRelistAt = Date.now();
        this.options.onRecovered?.(new ClusterError({ kind: 'gone', ...at, status: 410 }));
        void this.connect(true);
        return;
      }
      this.retryLater(new ClusterError({ kind: 'gone', ...at, status: 410 }));
      return;
    }
    // A clean end (server timeout, our own abort of a stale connection): resume. A watch that
    // ended at once several times in a row backs off, so a closing server is not hammered.
    if (Date.now() - this.watchStartedAt >= HEALTHY_AFTER_MS) this.backoffMs = this.options.minBackoffMs ?? 1000;
    if (Date.now() - this.watchStartedAt < 1000) {
      this.retryLater(new ClusterError({ kind: 'unreachable', ...at, serverMessage: 'the watch connection closed right after it opened' }));
      return;
    }
    void this.connect(this.resourceVersion === '');
  }

  private fail(error: ClusterError): void {
    if (error.retryable || error.kind === 'unknown') {
      this.retryLater(error);
    } else {
      this.generation++;
      this.request?.abort();
      clearTimeout(this.resyncTimer);
      this.setState({ state: 'failed', error });
    }
  }

  private retryLater(error: ClusterError): void {
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 30_000);
    this.setState({ state: 'retrying', error, retryInMs: delay });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (!this.stopped) void this.connect(this.resourceVersion === '');
    }, delay);
  }

  private scheduleResync(): void {
    clearTimeout(this.resyncTimer);
    const every = this.options.resyncMs ?? 5 * 60_000;
    if (every <= 0) return;
    this.resyncTimer = setTimeout(() => this.relist(), every);
  }
}
