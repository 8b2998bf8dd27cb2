// The sandbox's object store: what etcd plus the apiserver's registry are on a real cluster.
// One global resourceVersion counter, deep copies in and out (no caller can mutate stored
// state by accident), finalizer-aware delete, and watches that replay history after a
// resourceVersion (410 Gone when it is older than the kept history), as kube-apiserver does.
// The API server, the kubelet and the Chaos Mesh controller all work on this one store.
import { randomUUID } from 'node:crypto';

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: unknown[];
  managedFields?: unknown[];
  [key: string]: unknown;
}

export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** Resource names as they appear in URLs: 'pods', 'events', 'namespaces', 'nodes', 'stresschaos'. */
export type ResourceName = string;

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  resource: ResourceName;
  object: KObject;
  /** resourceVersion of this change, as a number. */
  rv: number;
}

/** A Kubernetes API error; the API server turns it into a `Status` body. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    /** null: the Status has no `details`, as a webhook's own Result (Go's nil pointer, omitted). */
    readonly details: Record<string, unknown> | null = {},
  ) {
    super(message);
  }

  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** `pods "x" not found`, `stresschaos.chaos-mesh.org "x" not found`. */
export function qualifiedResource(resource: ResourceName, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

export function notFound(resource: ResourceName, group: string, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(resource, group)} "${name}" not found`, { name, group, kind: resource });
}

export function alreadyExists(resource: ResourceName, group: string, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedResource(resource, group)} "${name}" already exists`, { name, group, kind: resource });
}

export function conflict(resource: ResourceName, group: string, name: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(resource, group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group, kind: resource },
  );
}

/** The API group of each stored resource, for error messages. */
const GROUPS: Record<string, string> = { stresschaos: 'chaos-mesh.org' };
const groupOf = (resource: ResourceName): string => GROUPS[resource] ?? '';

type Listener = (event: StoreEvent) => void;

interface Watcher {
  resource: ResourceName;
  namespace: string | undefined;
  listener: Listener;
}

const clone = <T>(v: T): T => structuredClone(v);
const keyOf = (namespace: string | undefined, name: string): string => `${namespace ?? ''}/${name}`;
const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export class Store {
  private rv = 100;
  private readonly data = new Map<ResourceName, Map<string, KObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly watchers = new Set<Watcher>();

  /** @param historySize how many changes a watch can replay from an older resourceVersion. */
  constructor(private readonly historySize = 20000) {}

  /** Forgets the kept history (etcd compaction): a watch from any older resourceVersion gets 410 Gone. */
  compactHistory(): void {
    this.history.length = 0;
    // The revision moves on past the compaction (etcd's does with every write to any key), so a
    // fresh list's resourceVersion can be watched from while every older one is gone.
    this.rv++;
  }

  currentResourceVersion(): number {
    return this.rv;
  }

  private table(resource: ResourceName): Map<string, KObject> {
    let t = this.data.get(resource);
    if (!t) {
      t = new Map();
      this.data.set(resource, t);
    }
    return t;
  }

  private emit(type: WatchEventType, resource: ResourceName, object: KObject): void {
    const event: StoreEvent = { type, resource, object: clone(object), rv: Number(object.metadata.resourceVersion) };
    this.history.push(event);
    if (this.history.length > this.historySize) this.history.splice(0, this.history.length - this.historySize);
    for (const w of [...this.watchers]) {
      if (w.resource !== resource) continue;
      if (w.namespace !== undefined && w.namespace !== object.metadata.namespace) continue;
      try {
        w.listener({ ...event, object: clone(event.object) });
      } catch {
        // a broken listener must not break the writer; the watch's owner logs its own errors
      }
    }
  }

  /** Creates an object; fills uid, resourceVersion, creationTimestamp, generation and a generated name. */
  create(resource: ResourceName, input: KObject): KObject {
    const obj = clone(input);
    const meta = (obj.metadata ??= {});
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomUUID().slice(0, 5);
    if (!meta.name) throw new ApiError(422, 'Invalid', `${obj.kind} "" is invalid: metadata.name: Required value: name or generateName is required`, { kind: obj.kind, causes: [{ reason: 'FieldValueRequired', field: 'metadata.name' }] });
    const t = this.table(resource);
    const key = keyOf(meta.namespace, meta.name);
    if (t.has(key)) throw alreadyExists(resource, groupOf(resource), meta.name);
    meta.uid = meta.uid ?? randomUUID();
    meta.creationTimestamp = meta.creationTimestamp ?? now();
    meta.generation = 1;
    meta.resourceVersion = String(++this.rv);
    t.set(key, obj);
    this.emit('ADDED', resource, obj);
    return clone(obj);
  }

  get(resource: ResourceName, namespace: string | undefined, name: string): KObject | undefined {
    const o = this.table(resource).get(keyOf(namespace, name));
    return o ? clone(o) : undefined;
  }

  /** Like get, but throws the API's 404. */
  mustGet(resource: ResourceName, namespace: string | undefined, name: string): KObject {
    const o = this.get(resource, namespace, name);
    if (!o) throw notFound(resource, groupOf(resource), name);
    return o;
  }

  list(resource: ResourceName, namespace?: string): { items: KObject[]; resourceVersion: string } {
    const items: KObject[] = [];
    for (const o of this.table(resource).values()) {
      if (namespace === undefined || o.metadata.namespace === namespace) items.push(clone(o));
    }
    items.sort((a, b) => keyOf(a.metadata.namespace, a.metadata.name!).localeCompare(keyOf(b.metadata.namespace, b.metadata.name!)));
    return { items, resourceVersion: String(this.rv) };
  }

  /**
   * Replaces an object. When `input.metadata.resourceVersion` is set and stale, throws 409 Conflict
   * (optimistic concurrency, as on a real server). `generation` goes up when anything but
   * metadata and status changed. Removing the last finalizer of a deleting object deletes it.
   */
  update(resource: ResourceName, input: KObject): KObject {
    const meta = input.metadata;
    const t = this.table(resource);
    const key = keyOf(meta.namespace, meta.name!);
    const old = t.get(key);
    if (!old) throw notFound(resource, groupOf(resource), meta.name!);
    if (meta.resourceVersion && meta.resourceVersion !== old.metadata.resourceVersion) throw conflict(resource, groupOf(resource), meta.name!);
    const obj = clone(input);
    obj.metadata.uid = old.metadata.uid;
    obj.metadata.creationTimestamp = old.metadata.creationTimestamp;
    obj.metadata.deletionTimestamp = old.metadata.deletionTimestamp;
    const specOf = (o: KObject) => JSON.stringify({ ...o, metadata: undefined, status: undefined });
    obj.metadata.generation = (old.metadata.generation ?? 1) + (specOf(old) !== specOf(obj) ? 1 : 0);
    obj.metadata.resourceVersion = String(++this.rv);
    if (obj.metadata.deletionTimestamp && !(obj.metadata.finalizers?.length)) {
      t.delete(key);
      this.emit('DELETED', resource, obj);
      return clone(obj);
    }
    t.set(key, obj);
    this.emit('MODIFIED', resource, obj);
    return clone(obj);
  }

  /** Read-modify-write for controllers: `fn` edits a copy; retries are never needed (one thread). */
  mutate(resource: ResourceName, namespace: string | undefined, name: string, fn: (obj: KObject) => void): KObject {
    const obj = this.mustGet(resource, namespace, name);
    fn(obj);
    delete obj.metadata.resourceVersion;
    return this.update(resource, obj);
  }

  /** Deletes, or with finalizers present marks `deletionTimestamp` and leaves removal to the controller. */
  delete(resource: ResourceName, namespace: string | undefined, name: string): KObject {
    const t = this.table(resource);
    const key = keyOf(namespace, name);
    const old = t.get(key);
    if (!old) throw notFound(resource, groupOf(resource), name);
    const obj = clone(old);
    if (obj.metadata.finalizers?.length) {
      if (!obj.metadata.deletionTimestamp) {
        obj.metadata.deletionTimestamp = now();
        obj.metadata.resourceVersion = String(++this.rv);
        t.set(key, obj);
        this.emit('MODIFIED', resource, obj);
      }
      return clone(obj);
    }
    t.delete(key);
    obj.metadata.resourceVersion = String(++this.rv);
    this.emit('DELETED', resource, obj);
    return clone(obj);
  }

  /**
   * Watches one resource (optionally one namespace). With `sinceResourceVersion`, replays every
   * kept change after it first; throws 410 Gone when that version is older than the kept history.
   * Returns the function that stops the watch.
   */
  watch(resource: ResourceName, namespace: string | undefined, sinceResourceVersion: number | undefined, listener: Listener): () => void {
    if (sinceResourceVersion !== undefined && sinceResourceVersion < this.rv) {
      const oldest = this.history.length ? this.history[0].rv : this.rv + 1;
      if (sinceResourceVersion < oldest - 1) {
        throw new ApiError(410, 'Expired', `too old resource version: ${sinceResourceVersion} (${oldest - 1})`);
      }
      for (const e of this.history) {
        if (e.rv <= sinceResourceVersion || e.resource !== resource) continue;
        if (namespace !== undefined && e.object.metadata.namespace !== namespace) continue;
        listener({ ...e, object: clone(e.object) });
      }
    }
    const w: Watcher = { resource, namespace, listener };
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }
}
