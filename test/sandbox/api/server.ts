// The sandbox's kube-apiserver: HTTPS on 127.0.0.1 with client-certificate and bearer-token
// authentication, discovery, CRUD + watch on the Store, server-side Tables, pods/exec over
// WebSocket, pods/log, the kubelet Summary API through nodes/proxy, metrics.k8s.io, and the
// StressChaos custom resource with Chaos Mesh's admission. Every answer follows what kubectl
// 1.27–1.33 and client-node 1.4.0 were observed to send and need (docs/k8s-wire-protocol.md).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer, type WebSocket } from 'ws';
import YAML from 'yaml';
import type { NodeAgent } from '../contracts';
import { ApiError, type KObject, type Store, type StoreEvent } from '../store';
import { decodeStressChaos, invalid, stressChaosCrd, type FieldValidation } from './crd';
import { EXEC_PROTOCOLS, resolveContainer, serveExec, type ExecRequest } from './exec';
import { decodeProtobuf } from './protobuf';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch';
import {
  apiGroup, apiGroupList, apiResourceList, apiVersions, CRDS, findResource, NAMESPACES, NODE_METRICS, NODES, openApiV3GroupVersion,
  openApiV3Root, POD_METRICS, PODS, STRESSCHAOS, VERSION_INFO, type ResourceDef,
} from './resources';
import { selectorPredicate } from './selectors';
import type { SandboxPki } from './tls';
import { toTable, wantsTable, type IncludeObject } from './table';

export type Admit = (operation: 'CREATE' | 'UPDATE', obj: KObject, old?: KObject) => KObject;

export interface ApiServerOptions {
  store: Store;
  node: NodeAgent;
  /** Chaos Mesh's mutating + validating webhooks for StressChaos (ChaosMeshController.admit). */
  admitStressChaos: Admit;
  pki: SandboxPki;
  /** 0 (default) picks a free port. */
  port?: number;
  log?: (line: string) => void;
}

interface User {
  name: string;
  groups: string[];
  canWrite: boolean;
  /** Resources this identity may not even read (`nodes/proxy` for the no-node-proxy reader). */
  denied?: readonly string[];
}

/** Faults a test can switch on in a running sandbox (the integration harness's control endpoint). */
/** How a faulty memory source answers: not JSON at all, or one pod's figures with wrong types. */
export type CorruptAnswer = { readonly garbage: true } | { readonly wrongTypesFor: string };

export interface ApiFaults {
  /** metrics.k8s.io answers 503, as kube-apiserver does when metrics-server's APIService is unavailable. */
  metricsUnavailable: boolean;
  /** Every request is refused with 401, as for expired or revoked credentials. */
  rejectCredentials: boolean;
  /** Every request (and exec upgrade) waits this long before it is served: an API server that answers late. */
  delayMs: number;
  /** `namespace/pod`s whose images have no `sh`: exec answers as containerd does for a missing executable. */
  noShell: Set<string>;
  /** The kubelet Summary API (nodes/proxy stats/summary) answers malformed. */
  corruptSummary: CorruptAnswer | undefined;
  /** metrics.k8s.io pod metrics answer malformed. */
  corruptMetrics: CorruptAnswer | undefined;
  /** The chaos-mesh.org API group is not served (404), as on a cluster without Chaos Mesh. */
  chaosMeshAbsent: boolean;
}

/** The Status containerd's CRI exec gives (through the kubelet) when the image lacks the command. */
function execNotFound(command: string): Record<string, unknown> {
  const message = `OCI runtime exec failed: exec failed: unable to start container process: exec: "${command}": executable file not found in $PATH: unknown`;
  return { metadata: {}, status: 'Failure', message, reason: 'InternalError', details: { causes: [{ message }] }, code: 500 };
}

/** A Summary or metrics answer with `pod`'s figures of the wrong types (strings, a negative size, a list). */
function withWrongTypes(body: unknown, pod: string): unknown {
  const copy = structuredClone(body) as { pods?: { podRef?: { name?: string }; memory?: unknown; containers?: { memory?: Record<string, unknown> }[] }[]; items?: { metadata?: { name?: string }; containers?: { usage?: Record<string, unknown> }[] }[]; metadata?: { name?: string }; containers?: { usage?: Record<string, unknown> }[] };
  for (const p of copy.pods ?? []) {
    if (p.podRef?.name !== pod) continue;
    p.memory = ['not', 'an', 'object'];
    for (const c of p.containers ?? []) if (c.memory) Object.assign(c.memory, { workingSetBytes: 'a lot', usageBytes: -1 });
  }
  const items = copy.items ?? (copy.metadata ? [copy] : []);
  for (const i of items) {
    if (i.metadata?.name !== pod) continue;
    for (const c of i.containers ?? []) if (c.usage) c.usage.memory = { value: 'lots' };
  }
  return copy;
}

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  user: User;
  method: string;
  query: URLSearchParams;
  body: Buffer;
}

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

const statusNotFoundPath = () => new ApiError(404, 'NotFound', 'the server could not find the requested resource');
const methodNotAllowed = () => new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');

const VERB_OF: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

function forbidden(user: User, verb: string, def: { group: string; resource: string }, namespace: string | undefined, name?: string): ApiError {
  // `pods "p" is forbidden: … cannot create resource "pods/exec"`: the subresource shows only in the second part.
  const resource = def.resource;
  const base = resource.split('/')[0];
  const qualified = def.group ? `${base}.${def.group}` : base;
  const who = name ? `${qualified} "${name}"` : qualified;
  const where = namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope';
  return new ApiError(403, 'Forbidden',
    `${who} is forbidden: User "${user.name}" cannot ${verb} resource "${resource}" in API group "${def.group}"${where}`,
    { ...(name ? { name } : {}), group: def.group, kind: resource.split('/')[0] });
}

function listKind(def: ResourceDef): string {
  return `${def.kind}List`;
}

const apiVersionOf = (def: ResourceDef) => (def.group ? `${def.group}/${def.version}` : def.version);

export class ApiServer {
  private readonly server: https.Server;
  private readonly wss: WebSocketServer;
  private readonly cleanups = new Set<() => void>();
  private readonly sockets = new Set<Socket>();
  private readonly log: (line: string) => void;
  url = '';
  readonly faults: ApiFaults = { metricsUnavailable: false, rejectCredentials: false, delayMs: 0, noShell: new Set(), corruptSummary: undefined, corruptMetrics: undefined, chaosMeshAbsent: false };
  /** Open watch responses, so expireWatches can end them. */
  private readonly openWatches = new Set<() => void>();

  constructor(private readonly options: ApiServerOptions) {
    this.log = options.log ?? (() => {});
    const { pki } = options;
    this.server = https.createServer({
      key: pki.serverKey,
      cert: pki.serverCert,
      ca: pki.caCert,
      requestCert: true,
      rejectUnauthorized: false, // unauthenticated TLS clients get a 401 Status, as kube-apiserver answers
    });
    this.wss = new WebSocketServer({
      noServer: true,
      handleProtocols: (offered: Set<string>) => EXEC_PROTOCOLS.find((p) => offered.has(p)) ?? false,
    });
    this.server.on('request', (req, res) => void this.handle(req, res));
    this.server.on('upgrade', (req, socket: Socket, head: Buffer) => void this.handleUpgrade(req, socket, head));
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('tlsClientError', () => {}); // a client that hangs up mid-handshake is not our error
  }

  async start(): Promise<string> {
    const { store } = this.options;
    if (!store.get(CRDS.resource, undefined, 'stresschaos.chaos-mesh.org')) store.create(CRDS.resource, stressChaosCrd(now()));
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EADDRINUSE') reject(new Error(`port ${this.options.port} on 127.0.0.1 is already in use: choose another one (--port) or let the sandbox pick a free one`, { cause: e }));
        else reject(e);
      });
      this.server.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const port = (this.server.address() as AddressInfo).port;
    this.url = `https://127.0.0.1:${port}`;
    return this.url;
  }

  /** Stops listening (every connection dropped), as an API server that went away; `resume()` listens again on the same port. */
  async pause(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }

  async resume(): Promise<void> {
    const port = Number(new URL(this.url).port);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /**
   * The store's history is compacted and every open watch ends, as when etcd compaction passes a
   * watcher that the apiserver then closes: a client resuming from its last resourceVersion gets
   * 410 Gone and must list again.
   */
  expireWatches(): void {
    this.options.store.compactHistory();
    for (const end of [...this.openWatches]) end();
  }

  /** Every exec stream is cut (the connection dropped, not the command ended): no Status is sent. */
  dropExecStreams(): void {
    for (const ws of this.wss.clients) ws.terminate();
  }

  async stop(): Promise<void> {
    for (const c of [...this.cleanups]) c();
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
    this.wss.close();
  }

  // ---------------------------------------------------------------- authentication

  private authenticate(req: IncomingMessage): User | undefined {
    const { pki } = this.options;
    const tls = req.socket as TLSSocket;
    if (tls.authorized) {
      const subject = tls.getPeerCertificate()?.subject;
      const cn = Array.isArray(subject?.CN) ? subject.CN[0] : subject?.CN;
      const o = subject?.O;
      const groups = o === undefined ? [] : Array.isArray(o) ? o : [o];
      if (cn) return { name: cn, groups: [...groups, 'system:authenticated'], canWrite: groups.includes('system:masters') };
    }
    const auth = req.headers.authorization;
    const m = auth?.match(/^Bearer\s+(\S+)$/i);
    if (m) {
      if (m[1] === pki.adminToken) return { name: pki.adminUser, groups: ['system:masters', 'system:authenticated'], canWrite: true };
      if (m[1] === pki.viewerToken) return { name: pki.viewerUser, groups: ['system:authenticated'], canWrite: false };
      if (m[1] === pki.noNodeProxyToken) return { name: pki.noNodeProxyUser, groups: ['system:authenticated'], canWrite: false, denied: ['nodes/proxy'] };
    }
    return undefined;
  }

  // ---------------------------------------------------------------- responses

  private send(res: ServerResponse, code: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  private sendError(res: ServerResponse, e: unknown): void {
    if (e instanceof ApiError) {
      this.send(res, e.code, e.toStatus());
      return;
    }
    const message = e instanceof Error ? e.message : String(e);
    this.log(`apiserver: internal error: ${e instanceof Error ? e.stack : message}`);
    this.send(res, 500, new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }).toStatus());
  }

  // ---------------------------------------------------------------- request entry

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    if (this.faults.delayMs > 0) await new Promise((r) => setTimeout(r, this.faults.delayMs));
    const user = this.faults.rejectCredentials ? undefined : this.authenticate(req);
    if (!user) {
      req.resume();
      this.send(res, 401, new ApiError(401, 'Unauthorized', 'Unauthorized').toStatus());
      return;
    }
    try {
      const body = await readBody(req);
      const ctx: Ctx = { req, res, user, method: req.method ?? 'GET', query: url.searchParams, body };
      await this.route(ctx, url.pathname.split('/').filter(Boolean).map(decodeURIComponent));
    } catch (e) {
      this.sendError(res, e);
    }
  }

  private async route(ctx: Ctx, seg: string[]): Promise<void> {
    const { res, method } = ctx;
    const get = method === 'GET';
    const [a, b, c] = seg;
    if (seg.length === 1 && a === 'version' && get) return this.send(res, 200, VERSION_INFO);
    if (seg.length === 1 && ['healthz', 'livez', 'readyz'].includes(a) && get) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    if (a === 'openapi' && get) return this.openApi(ctx, seg.slice(1));
    if (a === 'api') {
      if (seg.length === 1 && get) return this.send(res, 200, apiVersions(this.url.replace(/^https:\/\//, '')));
      if (b !== 'v1') throw statusNotFoundPath();
      if (seg.length === 2 && get) return this.send(res, 200, apiResourceList('', 'v1'));
      return this.resourcePath(ctx, '', 'v1', seg.slice(2));
    }
    if (a === 'apis') {
      if (b === 'chaos-mesh.org' && this.faults.chaosMeshAbsent) throw statusNotFoundPath();
      if (seg.length === 1 && get) return this.send(res, 200, apiGroupList());
      if (seg.length === 2 && get) {
        const g = apiGroup(b);
        if (!g) throw statusNotFoundPath();
        return this.send(res, 200, g);
      }
      if (seg.length === 3 && get) {
        const list = apiResourceList(b, c);
        if (!list) throw statusNotFoundPath();
        return this.send(res, 200, list);
      }
      if (b === 'metrics.k8s.io' && c === 'v1beta1') return this.metrics(ctx, seg.slice(3));
      if (seg.length === 4 && ctx.method === 'POST' && `${b}/${c}/${seg[3]}` === 'authorization.k8s.io/v1/selfsubjectaccessreviews') return this.accessReview(ctx);
      if (seg.length === 4 && ctx.method === 'POST' && `${b}/${c}/${seg[3]}` === 'authentication.k8s.io/v1/selfsubjectreviews') return this.whoAmI(ctx);
      return this.resourcePath(ctx, b, c, seg.slice(3));
    }
    throw statusNotFoundPath();
  }

  private openApi(ctx: Ctx, rest: string[]): void {
    const { res } = ctx;
    if (rest.length === 1 && rest[0] === 'v2') {
      // An empty protobuf Document: kubectl 1.27/1.28 then skip client-side schema validation (wire doc §5.2).
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': 0 });
      res.end();
      return;
    }
    if (rest[0] === 'v3') {
      if (rest.length === 1) return this.send(res, 200, openApiV3Root());
      const doc = openApiV3GroupVersion(rest.slice(1).join('/'));
      if (doc) return this.send(res, 200, doc);
    }
    throw statusNotFoundPath();
  }

  /** Everything under /api/v1 or /apis/{group}/{version}. */
  private async resourcePath(ctx: Ctx, group: string, version: string, seg: string[]): Promise<void> {
    let namespace: string | undefined;
    let rest = seg;
    if (seg[0] === 'namespaces' && seg.length >= 3) {
      namespace = seg[1];
      rest = seg.slice(2);
    } else if (seg[0] === 'namespaces' && seg.length === 2 && group === '') {
      return this.object(ctx, NAMESPACES, undefined, seg[1]);
    }
    const def = findResource(group, version, rest[0] ?? '');
    if (!def || (namespace !== undefined && !def.namespaced)) throw statusNotFoundPath();
    if (rest.length === 1) return this.collection(ctx, def, namespace);
    if (rest.length === 2) {
      if (def.namespaced && namespace === undefined) throw statusNotFoundPath();
      return this.object(ctx, def, namespace, rest[1]);
    }
    const sub = rest.slice(2);
    if (def === PODS && namespace !== undefined && sub.length === 1) {
      if (sub[0] === 'log' && ctx.method === 'GET') return this.podLog(ctx, namespace, rest[1]);
      if (sub[0] === 'exec') return this.execWithoutUpgrade(ctx, namespace, rest[1]);
      if (sub[0] === 'status') return this.object(ctx, def, namespace, rest[1], 'status');
    }
    if (def === NODES && sub[0] === 'proxy') return this.nodeProxy(ctx, rest[1], sub.slice(1));
    if (def === NAMESPACES && sub.length === 1 && sub[0] === 'status') return this.object(ctx, def, undefined, rest[1], 'status');
    throw statusNotFoundPath();
  }

  private authorize(ctx: Ctx, def: { group: string; resource: string }, namespace: string | undefined, name?: string, verbOverride?: string): void {
    const verb = verbOverride ?? VERB_OF[ctx.method];
    if (ctx.user.denied?.includes(def.resource)) throw forbidden(ctx.user, verb ?? 'get', def, namespace, name);
    if (verb && !ctx.user.canWrite) throw forbidden(ctx.user, verb, def, namespace, name);
  }

  private requireNamespace(namespace: string | undefined): void {
    if (namespace !== undefined && !this.options.store.get('namespaces', undefined, namespace)) {
      throw new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });
    }
  }

  // ---------------------------------------------------------------- collections

  private async collection(ctx: Ctx, def: ResourceDef, namespace: string | undefined): Promise<void> {
    const { method, query, res } = ctx;
    if (method === 'GET') {
      const watch = query.get('watch');
      if (watch === 'true' || watch === '1') return this.watch(ctx, def, namespace);
      const pred = selectorPredicate(def, query);
      const { items, resourceVersion } = this.options.store.list(def.resource, namespace);
      const selected = items.filter(pred);
      if (wantsTable(ctx.req.headers.accept)) return this.send(res, 200, toTable(def.resource, selected, resourceVersion, includeObject(query)));
      return this.send(res, 200, { kind: listKind(def), apiVersion: apiVersionOf(def), metadata: { resourceVersion }, items: def.view ? selected.map(def.view) : selected });
    }
    if (method === 'POST') {
      this.authorize(ctx, def, namespace);
      if (!def.writes.includes('create')) throw methodNotAllowed();
      if (def.namespaced && namespace === undefined) throw methodNotAllowed();
      return this.create(ctx, def, namespace);
    }
    if (method === 'DELETE') {
      this.authorize(ctx, def, namespace, undefined, 'deletecollection');
      if (!def.writes.includes('delete')) throw methodNotAllowed();
      const pred = selectorPredicate(def, query);
      const dry = isDryRun(ctx);
      const deleted: KObject[] = [];
      for (const o of this.options.store.list(def.resource, namespace).items.filter(pred)) {
        deleted.push(dry ? o : this.options.store.delete(def.resource, o.metadata.namespace, o.metadata.name!));
      }
      return this.send(res, 200, { kind: listKind(def), apiVersion: apiVersionOf(def), metadata: { resourceVersion: String(this.options.store.currentResourceVersion()) }, items: deleted });
    }
    throw methodNotAllowed();
  }

  private decodeBody(ctx: Ctx): unknown {
    const type = (ctx.req.headers['content-type'] ?? 'application/json').split(';')[0].trim();
    // kubectl 1.33's `create namespace` and `auth can-i` send protobuf: those kinds are decoded, others get 415.
    if (type === 'application/vnd.kubernetes.protobuf') return decodeProtobuf(ctx.body);
    const text = ctx.body.toString('utf8');
    try {
      if (type === 'application/yaml' || type === 'application/apply-patch+yaml') return YAML.parse(text);
      return JSON.parse(text);
    } catch (e) {
      throw new ApiError(400, 'BadRequest', `the body of the request could not be decoded: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Checks kind/apiVersion/namespace of a body against the URL, as the apiserver's decoder does. */
  private checkIdentity(def: ResourceDef, obj: KObject, namespace: string | undefined, name?: string): void {
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new ApiError(400, 'BadRequest', 'the body of the request was not a Kubernetes object');
    obj.apiVersion ??= apiVersionOf(def);
    obj.kind ??= def.kind;
    if (obj.apiVersion !== apiVersionOf(def) || obj.kind !== def.kind) {
      throw new ApiError(400, 'BadRequest', `the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersionOf(def)})`);
    }
    obj.metadata ??= {};
    if (def.namespaced) {
      if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
        throw new ApiError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = namespace;
    }
    if (name !== undefined && obj.metadata.name && obj.metadata.name !== name) {
      throw new ApiError(400, 'BadRequest', 'the name of the object (' + obj.metadata.name + ') does not match the name on the URL (' + name + ')');
    }
    if (name !== undefined) obj.metadata.name = name;
  }

  /** Schema decoding and admission: what happens between the request body and storage. */
  private admit(ctx: Ctx, def: ResourceDef, operation: 'CREATE' | 'UPDATE', obj: KObject, old?: KObject): { obj: KObject; warnings: string[] } {
    let warnings: string[] = [];
    if (def === STRESSCHAOS) {
      warnings = decodeStressChaos(obj, fieldValidationOf(ctx));
      obj = this.options.admitStressChaos(operation, obj, old);
    } else if (def === PODS && operation === 'CREATE') {
      validatePod(obj);
    } else if (def === PODS && old && !podSpecUpdateAllowed(old, obj)) {
      throw invalid('Pod', '', obj.metadata.name ?? '', [{
        field: 'spec', reason: 'FieldValueForbidden',
        detail: 'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      }]);
    }
    return { obj, warnings };
  }

  private create(ctx: Ctx, def: ResourceDef, namespace: string | undefined): void {
    const obj = this.decodeBody(ctx) as KObject;
    this.checkIdentity(def, obj, namespace);
    this.requireNamespace(namespace);
    for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'generation'] as const) delete obj.metadata[k];
    if (def === NAMESPACES) {
      // What the apiserver adds to every namespace.
      obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name ?? '' };
      obj.spec = { finalizers: ['kubernetes'], ...((obj.spec as object | undefined) ?? {}) };
      obj.status = { phase: 'Active' };
    }
    if (def === PODS) obj.status = { phase: 'Pending' };
    setManagedFields(obj, ctx.query.get('fieldManager') ?? userAgentManager(ctx.req), 'Update');
    const admitted = this.admit(ctx, def, 'CREATE', obj);
    const store = this.options.store;
    let result: KObject;
    if (isDryRun(ctx)) {
      const name = admitted.obj.metadata.name;
      if (name && store.get(def.resource, namespace, name)) {
        throw new ApiError(409, 'AlreadyExists', `${def.group ? def.resource + '.' + def.group : def.resource} "${name}" already exists`, { name, group: def.group, kind: def.resource });
      }
      result = dryRunStamp(admitted.obj);
    } else {
      result = store.create(def.resource, admitted.obj);
    }
    this.send(ctx.res, 201, result, warningHeaders(admitted.warnings));
  }

  // ---------------------------------------------------------------- single objects

  private async object(ctx: Ctx, def: ResourceDef, namespace: string | undefined, name: string, subresource?: 'status'): Promise<void> {
    const { method, res, query } = ctx;
    const store = this.options.store;
    const defForAuth = subresource ? { group: def.group, resource: `${def.resource}/${subresource}` } : def;
    if (method === 'GET') {
      const o = store.mustGet(def.resource, namespace, name);
      if (wantsTable(ctx.req.headers.accept)) return this.send(res, 200, toTable(def.resource, [o], o.metadata.resourceVersion!, includeObject(query)));
      return this.send(res, 200, def.view ? def.view(o) : o);
    }
    this.authorize(ctx, defForAuth, namespace, name);
    if (method === 'PUT') {
      if (!def.writes.includes('update')) throw methodNotAllowed();
      const old = store.mustGet(def.resource, namespace, name);
      const obj = this.decodeBody(ctx) as KObject;
      this.checkIdentity(def, obj, namespace, name);
      if (subresource === 'status') obj.spec = old.spec;
      else if (def === PODS || def === NAMESPACES) obj.status = old.status; // their status is a subresource
      return this.write(ctx, def, obj, old, 200);
    }
    if (method === 'PATCH') {
      if (!def.writes.includes('patch')) throw methodNotAllowed();
      return this.patch(ctx, def, namespace, name, subresource);
    }
    if (method === 'DELETE') {
      if (!def.writes.includes('delete')) throw methodNotAllowed();
      const o = store.mustGet(def.resource, namespace, name);
      const opts = ctx.body.length ? (this.decodeBody(ctx) as { preconditions?: { uid?: string; resourceVersion?: string }; dryRun?: string[] }) : {};
      if (opts.preconditions?.uid && opts.preconditions.uid !== o.metadata.uid) {
        throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${def.group ? def.resource + '.' + def.group : def.resource} "${name}": Precondition failed: UID in precondition: ${opts.preconditions.uid}, UID in object meta: ${o.metadata.uid}`, { name, group: def.group, kind: def.resource });
      }
      // kubectl --dry-run=server sends DeleteOptions.dryRun in the body; others use the query.
      if (isDryRun(ctx) || opts.dryRun?.includes('All')) return this.send(res, 200, o);
      const deleted = store.delete(def.resource, namespace, name);
      return this.send(res, deleted.metadata.deletionTimestamp && store.get(def.resource, namespace, name) ? 202 : 200, deleted);
    }
    throw methodNotAllowed();
  }

  /** Admission, then storage (or not, with dryRun=All). `old` is the live object for updates. */
  private write(ctx: Ctx, def: ResourceDef, obj: KObject, old: KObject | undefined, code: number): void {
    const store = this.options.store;
    setManagedFields(obj, ctx.query.get('fieldManager') ?? userAgentManager(ctx.req), 'Update', old);
    const admitted = old ? this.admit(ctx, def, 'UPDATE', obj, old) : this.admit(ctx, def, 'CREATE', obj);
    let result: KObject;
    if (isDryRun(ctx)) result = old ? { ...admitted.obj, metadata: { ...admitted.obj.metadata, resourceVersion: old.metadata.resourceVersion } } : dryRunStamp(admitted.obj);
    else result = old ? store.update(def.resource, admitted.obj) : store.create(def.resource, admitted.obj);
    this.send(ctx.res, code, result, warningHeaders(admitted.warnings));
  }

  private patch(ctx: Ctx, def: ResourceDef, namespace: string | undefined, name: string, subresource?: 'status'): void {
    const store = this.options.store;
    const type = (ctx.req.headers['content-type'] ?? '').split(';')[0].trim();
    const isCustom = def === STRESSCHAOS;
    const accepted = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml', ...(isCustom ? [] : ['application/strategic-merge-patch+json'])];
    if (!accepted.includes(type)) {
      throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);
    }
    const patchBody = this.decodeBody(ctx);
    const old = store.get(def.resource, namespace, name);
    if (type === 'application/apply-patch+yaml') {
      const manager = ctx.query.get('fieldManager');
      if (!manager) {
        throw new ApiError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch', {
          group: 'meta.k8s.io', kind: 'PatchOptions', causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }],
        });
      }
      const applied = patchBody as KObject;
      this.checkIdentity(def, applied, namespace, name);
      if (!old) {
        this.requireNamespace(namespace);
        const fresh = structuredClone(applied);
        if (def === PODS) fresh.status = { phase: 'Pending' };
        setManagedFields(fresh, manager, 'Apply');
        const admitted = this.admit(ctx, def, 'CREATE', fresh);
        const created = isDryRun(ctx) ? dryRunStamp(admitted.obj) : store.create(def.resource, admitted.obj);
        return this.send(ctx.res, 201, created, warningHeaders(admitted.warnings));
      }
      const merged = mergePatch(old, { ...applied, metadata: { ...applied.metadata, resourceVersion: undefined } }) as KObject;
      merged.metadata.resourceVersion = applied.metadata.resourceVersion ?? old.metadata.resourceVersion;
      if (def === PODS || def === NAMESPACES) merged.status = old.status;
      setManagedFields(merged, manager, 'Apply', old);
      const admitted = this.admit(ctx, def, 'UPDATE', merged, old);
      const result = isDryRun(ctx) ? admitted.obj : store.update(def.resource, admitted.obj);
      return this.send(ctx.res, 200, result, warningHeaders(admitted.warnings));
    }
    if (!old) {
      store.mustGet(def.resource, namespace, name); // throws the resource's own 404
      return;
    }
    let patched: KObject;
    if (type === 'application/json-patch+json') patched = jsonPatch(old, patchBody) as KObject;
    else if (type === 'application/strategic-merge-patch+json') patched = strategicMergePatch(old, patchBody) as KObject;
    else patched = mergePatch(old, patchBody) as KObject;
    if (!patched || typeof patched !== 'object' || !patched.metadata) throw new ApiError(422, 'Invalid', 'the patch removed the object metadata');
    if (patched.metadata.name !== name || (def.namespaced && patched.metadata.namespace !== namespace)) {
      throw invalid(def.kind, def.group, name, [{ field: 'metadata.name', reason: 'FieldValueInvalid', detail: 'Invalid value: the name and namespace of an object cannot be changed' }]);
    }
    patched.metadata.uid = old.metadata.uid;
    // Pods and namespaces keep status and spec apart: each is written only through its own endpoint.
    if (subresource === 'status') patched.spec = old.spec;
    else if (def === PODS || def === NAMESPACES) patched.status = old.status;
    const manager = ctx.query.get('fieldManager') ?? userAgentManager(ctx.req);
    setManagedFields(patched, manager, 'Update', old);
    const admitted = this.admit(ctx, def, 'UPDATE', patched, old);
    const result = isDryRun(ctx) ? admitted.obj : store.update(def.resource, admitted.obj);
    this.send(ctx.res, 200, result, warningHeaders(admitted.warnings));
  }

  // ---------------------------------------------------------------- watch

  private watch(ctx: Ctx, def: ResourceDef, namespace: string | undefined): void {
    const { req, res, query } = ctx;
    const store = this.options.store;
    const pred = selectorPredicate(def, query);
    const asTable = wantsTable(req.headers.accept);
    const include = includeObject(query);
    const rvParam = query.get('resourceVersion');
    const bookmarks = query.get('allowWatchBookmarks') === 'true';
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders(); // client-node's fetch resolves only once headers arrive (wire doc §3)
    let first = true;
    const write = (type: string, obj: KObject) => {
      const plain = type !== 'ERROR' && type !== 'BOOKMARK' && def.view ? def.view(obj) : obj;
      const object = asTable && type !== 'ERROR' && type !== 'BOOKMARK' ? toTable(def.resource, [obj], obj.metadata.resourceVersion ?? '', include, first) : plain;
      if (asTable && type !== 'ERROR' && type !== 'BOOKMARK') first = false;
      res.write(JSON.stringify({ type, object }) + '\n');
    };
    // Which objects the client currently sees, so a change that makes an object match (or stop
    // matching) the selectors arrives as ADDED (or DELETED), as the apiserver's cacher does.
    const visible = new Set<string>();
    const key = (o: KObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    let since: number | undefined;
    if (!rvParam || rvParam === '0') {
      for (const o of store.list(def.resource, namespace).items) {
        if (!pred(o)) continue;
        visible.add(key(o));
        write('ADDED', o);
      }
    } else {
      since = Number(rvParam);
      if (!Number.isFinite(since)) {
        write('ERROR', new ApiError(400, 'BadRequest', `invalid resource version: ${rvParam}`).toStatus() as unknown as KObject);
        res.end();
        return;
      }
      // Objects that exist now are taken as seen; replayed ADDED/DELETED events correct the rest.
      for (const o of store.list(def.resource, namespace).items) if (pred(o)) visible.add(key(o));
    }
    const onEvent = (e: StoreEvent) => {
      const k = key(e.object);
      const match = pred(e.object);
      if (e.type === 'DELETED') {
        if (visible.delete(k) || match) write('DELETED', e.object);
      } else if (match) {
        write(visible.has(k) ? e.type : 'ADDED', e.object);
        visible.add(k);
      } else if (visible.delete(k)) {
        write('DELETED', e.object);
      }
    };
    let stop: () => void = () => {};
    const timers: NodeJS.Timeout[] = [];
    const cleanup = () => {
      stop();
      for (const t of timers) clearTimeout(t);
      this.cleanups.delete(cleanup);
      this.openWatches.delete(cleanup);
      if (!res.writableEnded) res.end();
    };
    try {
      stop = store.watch(def.resource, namespace, since, onEvent);
    } catch (e) {
      if (e instanceof ApiError) {
        write('ERROR', e.toStatus() as unknown as KObject);
        res.end();
        return;
      }
      throw e;
    }
    this.cleanups.add(cleanup);
    this.openWatches.add(cleanup);
    req.on('close', cleanup);
    res.on('close', cleanup);
    const timeout = Number(query.get('timeoutSeconds'));
    if (timeout > 0) timers.push(setTimeout(cleanup, timeout * 1000));
    if (bookmarks) {
      const tick = () => {
        res.write(JSON.stringify({ type: 'BOOKMARK', object: { kind: def.kind, apiVersion: apiVersionOf(def), metadata: { resourceVersion: String(store.currentResourceVersion()) } } }) + '\n');
        timers.push(setTimeout(tick, 60_000).unref());
      };
      timers.push(setTimeout(tick, 60_000).unref());
    }
  }

  // ---------------------------------------------------------------- pods/log, exec, nodes/proxy, metrics

  private podLog(ctx: Ctx, namespace: string, name: string): void {
    const { res, query } = ctx;
    const store = this.options.store;
    const pod = store.mustGet('pods', namespace, name);
    const container = resolveContainer(pod, query.get('container'));
    const tail = query.get('tailLines');
    const opts = { previous: query.get('previous') === 'true', timestamps: query.get('timestamps') === 'true', ...(tail !== null ? { tailLines: Number(tail) } : {}) };
    const text = this.options.node.logs(namespace, name, container, opts);
    if (query.get('follow') !== 'true') {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    res.write(text);
    // Follow: the node gives whole logs, so send what was appended since the last look.
    const full = this.options.node.logs(namespace, name, container, { timestamps: opts.timestamps });
    let sent = full.length;
    const timer = setInterval(() => {
      try {
        const now = this.options.node.logs(namespace, name, container, { timestamps: opts.timestamps });
        if (now.length < sent) sent = 0; // the container restarted: its new log starts over
        if (now.length > sent) res.write(now.slice(sent));
        sent = now.length;
      } catch {
        cleanup(); // the pod is gone
      }
    }, 500);
    const cleanup = () => {
      clearInterval(timer);
      this.cleanups.delete(cleanup);
      if (!res.writableEnded) res.end();
    };
    this.cleanups.add(cleanup);
    ctx.req.on('close', cleanup);
  }

  /** A plain (non-upgrade) request to pods/exec: the apiserver needs an upgrade for it. */
  private execWithoutUpgrade(ctx: Ctx, namespace: string, name: string): void {
    this.authorize(ctx, { group: '', resource: 'pods/exec' }, namespace, name, 'create');
    const pod = this.options.store.mustGet('pods', namespace, name);
    resolveContainer(pod, ctx.query.get('container'));
    throw new ApiError(400, 'BadRequest', 'Upgrade request required');
  }

  private async nodeProxy(ctx: Ctx, node: string, rest: string[]): Promise<void> {
    if (ctx.method !== 'GET' && ctx.method !== 'POST') throw methodNotAllowed();
    this.authorize(ctx, { group: '', resource: 'nodes/proxy' }, undefined, node, ctx.method === 'POST' ? 'create' : undefined);
    this.options.store.mustGet('nodes', undefined, node);
    if (rest.join('/') === 'stats/summary') return this.sendMaybeCorrupt(ctx.res, this.faults.corruptSummary, await this.options.node.summary(node));
    if (rest.join('/') === 'healthz') {
      ctx.res.writeHead(200, { 'Content-Type': 'text/plain' });
      ctx.res.end('ok');
      return;
    }
    throw statusNotFoundPath();
  }

  private async metrics(ctx: Ctx, seg: string[]): Promise<void> {
    if (this.faults.metricsUnavailable) throw new ApiError(503, 'ServiceUnavailable', 'the server is currently unable to handle the request');
    if (ctx.method !== 'GET') throw methodNotAllowed();
    const { res, query } = ctx;
    let namespace: string | undefined;
    let rest = seg;
    if (seg[0] === 'namespaces' && seg.length >= 3) {
      namespace = seg[1];
      rest = seg.slice(2);
    }
    const def = rest[0] === 'pods' ? POD_METRICS : rest[0] === 'nodes' && namespace === undefined ? NODE_METRICS : undefined;
    if (!def || rest.length > 2) throw statusNotFoundPath();
    const name = rest[1];
    let items = (def === POD_METRICS ? await this.options.node.podMetrics(namespace, name) : await this.options.node.nodeMetrics()) as unknown as KObject[];
    if (def === NODE_METRICS && name) items = items.filter((i) => i.metadata?.name === name);
    const ls = query.get('labelSelector');
    if (ls) {
      // PodMetrics carry no labels of their own: the selector applies to the pods (metrics-server does the same).
      const pred = selectorPredicate(def === POD_METRICS ? PODS : NODES, new URLSearchParams({ labelSelector: ls }));
      items = items.filter((i) => {
        const o = this.options.store.get(def === POD_METRICS ? 'pods' : 'nodes', i.metadata?.namespace, i.metadata?.name ?? '');
        return !!o && pred(o);
      });
    }
    if (name) {
      if (!items.length) {
        const ref = def === POD_METRICS ? `${namespace}/${name}` : name;
        throw new ApiError(404, 'NotFound', `${def === POD_METRICS ? 'podmetrics' : 'nodemetrics'}.metrics.k8s.io "${ref}" not found`, { name, group: 'metrics.k8s.io', kind: def === POD_METRICS ? 'pods' : 'nodes' });
      }
      return this.sendMaybeCorrupt(res, def === POD_METRICS ? this.faults.corruptMetrics : undefined, items[0]);
    }
    return this.sendMaybeCorrupt(res, def === POD_METRICS ? this.faults.corruptMetrics : undefined, { kind: `${def.kind}List`, apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items });
  }

  /** A memory source's answer, or (fault) its malformed variant. */
  private sendMaybeCorrupt(res: ServerResponse, corrupt: CorruptAnswer | undefined, body: unknown): void {
    if (corrupt && 'garbage' in corrupt) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"node": {"nodeName": "sandbox-node"}, "pods": [ <html>502 Bad Gateway</html>');
      return;
    }
    this.send(res, 200, corrupt ? withWrongTypes(body, corrupt.wrongTypesFor) : body);
  }

  // ---------------------------------------------------------------- who am I, what may I do

  /** `kubectl auth can-i`: the admin may do everything, the viewer only get, list and watch. */
  private accessReview(ctx: Ctx): void {
    const review = this.decodeBody(ctx) as { spec?: { resourceAttributes?: { verb?: string }; nonResourceAttributes?: { verb?: string } } };
    const verb = review.spec?.resourceAttributes?.verb ?? review.spec?.nonResourceAttributes?.verb ?? '';
    const allowed = ctx.user.canWrite || ['get', 'list', 'watch'].includes(verb);
    const reason = ctx.user.canWrite ? 'the sandbox admin is in group system:masters' : allowed ? 'the sandbox viewer may read everything' : '';
    this.send(ctx.res, 201, {
      kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec: review.spec ?? {},
      status: { allowed, ...(reason ? { reason } : {}) },
    });
  }

  /** `kubectl auth whoami`. */
  private whoAmI(ctx: Ctx): void {
    this.send(ctx.res, 201, {
      kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null },
      status: { userInfo: { username: ctx.user.name, groups: ctx.user.groups } },
    });
  }

  // ---------------------------------------------------------------- upgrades (exec)

  private async handleUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    const refuse = (e: ApiError) => {
      const text = JSON.stringify(e.toStatus());
      socket.end(`HTTP/1.1 ${e.code} ${statusText(e.code)}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
    };
    try {
      if (this.faults.delayMs > 0) await new Promise((r) => setTimeout(r, this.faults.delayMs));
      const user = this.faults.rejectCredentials ? undefined : this.authenticate(req);
      if (!user) return refuse(new ApiError(401, 'Unauthorized', 'Unauthorized'));
      const url = new URL(req.url ?? '/', 'https://127.0.0.1');
      const seg = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      const isPodSub = seg.length === 7 && seg[0] === 'api' && seg[1] === 'v1' && seg[2] === 'namespaces' && seg[4] === 'pods';
      if (!isPodSub || seg[6] !== 'exec') throw statusNotFoundPath();
      const [namespace, podName] = [seg[3], seg[5]];
      if (!user.canWrite) throw forbidden(user, 'create', { group: '', resource: 'pods/exec' }, namespace, podName);
      const pod = this.options.store.mustGet('pods', namespace, podName);
      const q = url.searchParams;
      const container = resolveContainer(pod, q.get('container'));
      const phase = (pod.status as { phase?: string } | undefined)?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') {
        throw new ApiError(400, 'BadRequest', `cannot exec into a container in a completed pod; current phase is ${phase}`);
      }
      // The kubelet answers a container that is not running (waiting in CrashLoopBackOff, say) with
      // a plain-text 500 before any upgrade; kubectl shows `unable to upgrade connection: container not found ("c")`.
      type Cs = { name: string; state?: { running?: unknown } };
      const st = pod.status as { containerStatuses?: Cs[]; initContainerStatuses?: Cs[] } | undefined;
      const cs = [...(st?.containerStatuses ?? []), ...(st?.initContainerStatuses ?? [])].find((c) => c.name === container);
      if (!cs?.state?.running) {
        const text = `container not found (${JSON.stringify(container)})`;
        socket.end(`HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
        return;
      }
      const command = q.getAll('command');
      if (!command.length) throw new ApiError(400, 'BadRequest', 'you must specify at least 1 command');
      const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
      if (upgrade.startsWith('spdy')) {
        throw new ApiError(400, 'BadRequest',
          'the sandbox serves exec over WebSocket only (v5.channel.k8s.io), not SPDY/3.1: use kubectl 1.30 or newer, ' +
          'or kubectl 1.29 with KUBECTL_REMOTE_COMMAND_WEBSOCKETS=true');
      }
      if (upgrade !== 'websocket') throw new ApiError(400, 'BadRequest', `unsupported upgrade protocol "${req.headers.upgrade}"`);
      const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
      if (!EXEC_PROTOCOLS.some((p) => offered.includes(p))) {
        throw new ApiError(400, 'BadRequest', `the sandbox speaks ${EXEC_PROTOCOLS.join(' and ')}; the client offered ${offered.join(', ') || 'none'}`);
      }
      const execReq: ExecRequest = {
        namespace, pod: podName, container, command,
        stdin: isTrue(q.get('stdin')), stdout: isTrue(q.get('stdout')), stderr: isTrue(q.get('stderr')), tty: isTrue(q.get('tty')),
      };
      this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
        if (this.faults.noShell.has(`${namespace}/${podName}`) && command[0] !== undefined) {
          ws.send(Buffer.concat([Buffer.from([3]), Buffer.from(JSON.stringify(execNotFound(command[0])))]));
          ws.close(1000);
          return;
        }
        void serveExec(ws, this.options.node, execReq, this.log);
      });
    } catch (e) {
      if (e instanceof ApiError) refuse(e);
      else {
        this.log(`apiserver: upgrade failed: ${e instanceof Error ? e.stack : String(e)}`);
        refuse(new ApiError(500, 'InternalError', `Internal error occurred: ${e instanceof Error ? e.message : String(e)}`));
      }
    }
  }
}

// ------------------------------------------------------------------ helpers

const isTrue = (v: string | null) => v === 'true' || v === '1';

function statusText(code: number): string {
  return ({ 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' } as Record<number, string>)[code] ?? 'Error';
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function includeObject(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function isDryRun(ctx: Ctx): boolean {
  if (ctx.query.getAll('dryRun').includes('All')) return true;
  return false;
}

function fieldValidationOf(ctx: Ctx): FieldValidation {
  const v = ctx.query.get('fieldValidation');
  if (v === null || v === '') return 'Warn'; // the apiserver's default since 1.27
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw new ApiError(400, 'BadRequest', `fieldValidation: Unsupported value: "${v}": supported values: "Ignore", "Strict", "Warn"`);
}

function warningHeaders(warnings: string[]): Record<string, string[]> {
  return warnings.length ? { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`) } : {};
}

/** kubectl sends fieldManager; other clients are named by their user agent, as the apiserver does. */
function userAgentManager(req: IncomingMessage): string {
  return String(req.headers['user-agent'] ?? 'unknown').split('/')[0] || 'unknown';
}

function setManagedFields(obj: KObject, manager: string, operation: 'Apply' | 'Update', old?: KObject): void {
  const entries = ((old?.metadata.managedFields ?? []) as Array<{ manager?: string; operation?: string }>).filter((m) => !(m.manager === manager && m.operation === operation));
  entries.push({ manager, operation, apiVersion: obj.apiVersion, time: now(), fieldsType: 'FieldsV1', fieldsV1: {} } as never);
  obj.metadata.managedFields = entries;
}

/** What a dry-run create returns: generated fields filled, nothing stored. */
function dryRunStamp(obj: KObject): KObject {
  const o = structuredClone(obj);
  o.metadata.uid = randomUUID();
  o.metadata.creationTimestamp = now();
  o.metadata.generation = 1;
  if (!o.metadata.name && o.metadata.generateName) o.metadata.name = o.metadata.generateName + randomUUID().slice(0, 5);
  return o;
}

/** JSON with sorted keys, so key order never counts as a change. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/** The apiserver lets a pod update change only images, activeDeadlineSeconds and tolerations (added). */
function podSpecUpdateAllowed(old: KObject, next: KObject): boolean {
  type Spec = { containers?: Array<{ image?: string }>; initContainers?: Array<{ image?: string }>; activeDeadlineSeconds?: number; tolerations?: unknown[] };
  const norm = (spec: unknown, other: unknown) => {
    const s = structuredClone((spec ?? {}) as Spec);
    const o = (other ?? {}) as Spec;
    s.containers?.forEach((c, i) => (c.image = o.containers?.[i]?.image ?? c.image));
    s.initContainers?.forEach((c, i) => (c.image = o.initContainers?.[i]?.image ?? c.image));
    delete s.activeDeadlineSeconds;
    delete s.tolerations;
    return canonical(s);
  };
  return norm(old.spec, next.spec) === norm(next.spec, next.spec);
}

function validatePod(pod: KObject): void {
  const containers = (pod.spec as { containers?: Array<{ name?: string; image?: string }> } | undefined)?.containers;
  const errors: Array<{ field: string; reason: string; detail: string }> = [];
  if (!containers?.length) errors.push({ field: 'spec.containers', reason: 'FieldValueRequired', detail: 'Required value' });
  containers?.forEach((c, i) => {
    if (!c.name) errors.push({ field: `spec.containers[${i}].name`, reason: 'FieldValueRequired', detail: 'Required value' });
    if (!c.image) errors.push({ field: `spec.containers[${i}].image`, reason: 'FieldValueRequired', detail: 'Required value' });
  });
  if (errors.length) throw invalid('Pod', '', pod.metadata.name ?? '', errors);
}
