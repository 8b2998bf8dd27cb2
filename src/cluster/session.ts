// One connection to one kubeconfig context: the API clients every cluster feature uses. A session
// owns a private KubeConfig whose current context is its own, so several contexts can be open at
// once and kubectl's current context (the shared, loaded KubeConfig) is never switched or mutated.
// Sessions are opened when the UI needs a context and disposed when it no longer does (or the
// kubeconfig changes); dispose() aborts every request and watch started through the session.
import {
  CoreV1Api,
  CustomObjectsApi,
  Exec,
  KubeConfig,
  Watch,
} from '@kubernetes/client-node';
import * as http from 'node:http';
import * as https from 'node:https';
import { createHash } from 'node:crypto';
import { ClusterError, isAbort, statusMessage, toClusterError } from './errors';

export interface ClusterSession {
  /** The kubeconfig context's name. */
  readonly context: string;
  /** The context's namespace, or `default` as kubectl uses when none is set. */
  readonly namespace: string;
  /** The API server URL, for messages. */
  readonly server: string;
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;
  readonly exec: Exec;
  readonly watch: Watch;
  /**
   * A GET of any API path that has no typed client (the kubelet Summary API through
   * `nodes/{node}/proxy`, metrics.k8s.io, discovery). Resolves to the parsed JSON body; rejects
   * with a ClusterError (status and the server's own message kept).
   */
  getJson<T = unknown>(path: string, options?: { signal?: AbortSignal; timeoutMs?: number; action?: string }): Promise<T>;
  /** An AbortSignal that fires when the session is disposed; long-running work links to it. */
  readonly closed: AbortSignal;
  dispose(): void;
}

/** Thrown when the context named does not exist in the kubeconfig or has no cluster. */
export class UnknownContextError extends Error {}

/**
 * A KubeConfig with the same clusters, users and contexts but `context` current. Built with
 * loadFromOptions so the shared instance is not touched (client-node's setCurrentContext mutates).
 */
export function kubeConfigForContext(shared: KubeConfig, context: string): KubeConfig {
  const ctx = shared.getContextObject(context);
  if (!ctx) throw new UnknownContextError(`The kubeconfig has no context named "${context}".`);
  if (!shared.getCluster(ctx.cluster)) {
    throw new UnknownContextError(`The context "${context}" names the cluster "${ctx.cluster}", which the kubeconfig does not define.`);
  }
  const own = new KubeConfig();
  own.loadFromOptions({
    clusters: shared.clusters,
    users: shared.users,
    contexts: shared.contexts,
    currentContext: context,
  });
  return own;
}

/** A GET without an answer by then fails as 'timeout' ("not answering"); the views retry later. */
const DEFAULT_GET_TIMEOUT_MS = 8_000;

export function openSession(shared: KubeConfig, context: string): ClusterSession {
  const kc = kubeConfigForContext(shared, context);
  const ctx = kc.getContextObject(context)!;
  const cluster = kc.getCurrentCluster()!;
  const lifetime = new AbortController();
  // client-node's applyToHTTPSOptions makes a new Agent per call, so every GET paid a TLS
  // handshake and PEM parsing (about 5 ms of CPU each, measured: most of a 20-node refresh).
  // One keep-alive agent per TLS identity is reused instead; credentials in headers (tokens,
  // exec plugins) are still applied per request.
  const agents = new Map<string, https.Agent>();
  const reuseAgent = (options: https.RequestOptions): void => {
    const agent = options.agent;
    if (!(agent instanceof https.Agent) || agent.constructor !== https.Agent) return; // proxies keep their own
    const o = (agent as https.Agent & { options: https.AgentOptions }).options;
    const key = createHash('sha256')
      .update(JSON.stringify([o.ca, o.cert, o.key, o.pfx, o.passphrase, o.rejectUnauthorized, o.servername].map((v) => (Buffer.isBuffer(v) ? v.toString('base64') : v))))
      .digest('hex');
    let shared = agents.get(key);
    if (!shared) agents.set(key, (shared = new https.Agent({ ...o, keepAlive: true })));
    options.agent = shared;
  };
  lifetime.signal.addEventListener('abort', () => {
    for (const a of agents.values()) a.destroy();
    agents.clear();
  }, { once: true });

  async function getJson<T>(path: string, options: { signal?: AbortSignal; timeoutMs?: number; action?: string } = {}): Promise<T> {
    const action = options.action ?? `GET ${path}`;
    const signals = [lifetime.signal, AbortSignal.timeout(options.timeoutMs ?? DEFAULT_GET_TIMEOUT_MS)];
    if (options.signal) signals.push(options.signal);
    try {
      const url = new URL(cluster.server.replace(/\/$/, '') + path);
      const options: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
      await kc.applyToHTTPSOptions(options); // client certificates, CA, tokens and exec plugins, as client-node applies them
      reuseAgent(options);
      const { status, statusText, body } = await request(url, options, AbortSignal.any(signals));
      if (status < 200 || status >= 300) {
        throw new ClusterError({ kind: ClusterError.kindForStatus(status), status, context, action, serverMessage: statusMessage(body) ?? statusText });
      }
      try {
        return JSON.parse(body) as T;
      } catch (e) {
        throw new ClusterError({ kind: 'malformed', status, context, action, serverMessage: `not JSON: ${e instanceof Error ? e.message : String(e)}`, cause: e });
      }
    } catch (e) {
      // An abort nobody asked for is the timeout firing; a requested one (dispose, the caller's
      // signal) stays an AbortError so callers can tell it from a failure (isAbort).
      if (isAbort(e) && !lifetime.signal.aborted && !options.signal?.aborted) {
        throw new ClusterError({ kind: 'timeout', context, action, cause: e });
      }
      if (isAbort(e)) throw e;
      throw toClusterError(e, { context, action });
    }
  }

  return {
    context,
    namespace: ctx.namespace || 'default',
    server: cluster.server,
    core: kc.makeApiClient(CoreV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    exec: new Exec(kc),
    watch: new Watch(kc),
    getJson,
    closed: lifetime.signal,
    dispose: () => lifetime.abort(),
  };
}

/** One GET over node's http(s) with the options client-node prepared; the body read whole. */
function request(url: URL, options: https.RequestOptions, signal: AbortSignal): Promise<{ status: number; statusText: string; body: string }> {
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, { ...options, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
