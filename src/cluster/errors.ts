// Every failure that reaches the UI from a cluster becomes one ClusterError: what kind of failure
// it is (so the UI can offer the right action: retry, re-authenticate, ask for a permission), the
// HTTP status when there was one, the server's own words, and a message in plain words that names
// the context and what was being done. client-node 1.4.0 fails in several shapes: ApiException
// (generated clients: `code`, `body` as JSON text), node-fetch's FetchError (`code` ECONNREFUSED…),
// a plain Error with `statusCode` (Watch), ws's "Unexpected server response: 403" (Exec), Node
// system errors and abort/timeout errors. toClusterError reads them all.

export type ClusterErrorKind =
  /** No answer: connection refused or reset, DNS, TLS, no route. Retry later. */
  | 'unreachable'
  /** 401: the credentials are missing, wrong or expired (re-run the exec plugin, log in again). */
  | 'unauthorized'
  /** 403: RBAC (or a webhook) refused; `forbidden` says which verb on which resource when the server did. */
  | 'forbidden'
  | 'notFound'
  /** 409: already exists, or a conflicting update. */
  | 'conflict'
  /** 400/422: the object was refused as invalid (including admission webhook denials that use 4xx). */
  | 'invalid'
  /** 410: a watch's resourceVersion is too old; re-list. */
  | 'gone'
  /** No answer in time (request timeout, 504). */
  | 'timeout'
  /** An answer that could not be read: not JSON, or not the shape asked for. */
  | 'malformed'
  /** 5xx: the server failed. */
  | 'server'
  | 'unknown';

export interface ForbiddenDetail {
  readonly user?: string;
  readonly verb: string;
  readonly resource: string;
  readonly group?: string;
  readonly namespace?: string;
}

export interface ClusterErrorInit {
  readonly kind: ClusterErrorKind;
  readonly context: string;
  /** What was being done, in words: "listing pods in hello-kubernetes", "GET /api/v1/…". */
  readonly action: string;
  readonly status?: number;
  /** The server's message (metav1.Status.message) or the transport's error text. */
  readonly serverMessage?: string;
  readonly code?: string;
  readonly cause?: unknown;
}

export class ClusterError extends Error {
  readonly kind: ClusterErrorKind;
  readonly context: string;
  readonly action: string;
  readonly status?: number;
  readonly serverMessage?: string;
  /** The system error code (ECONNREFUSED, CERT_HAS_EXPIRED…) when the failure was a transport one. */
  readonly code?: string;
  readonly forbidden?: ForbiddenDetail;

  constructor(init: ClusterErrorInit) {
    super(describe(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ClusterError';
    this.kind = init.kind;
    this.context = init.context;
    this.action = init.action;
    this.status = init.status;
    this.serverMessage = init.serverMessage;
    this.code = init.code;
    this.forbidden = init.kind === 'forbidden' && init.serverMessage ? parseForbidden(init.serverMessage) : undefined;
  }

  static kindForStatus(status: number): ClusterErrorKind {
    if (status === 401) return 'unauthorized';
    if (status === 403) return 'forbidden';
    if (status === 404) return 'notFound';
    if (status === 409) return 'conflict';
    if (status === 410) return 'gone';
    if (status === 400 || status === 422) return 'invalid';
    if (status === 408 || status === 504) return 'timeout';
    if (status >= 500) return 'server';
    return 'unknown';
  }

  /** True when trying the same thing again later may succeed without the user doing anything. */
  get retryable(): boolean {
    return this.kind === 'unreachable' || this.kind === 'timeout' || this.kind === 'server' || this.kind === 'gone' || this.kind === 'malformed';
  }
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED',
  'UND_ERR_SOCKET', 'ERR_SOCKET_CLOSED',
]);
const TLS_CODE = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_TLS_|ERR_SSL_)/;

/** `pods "x" is forbidden: User "u" cannot create resource "pods/exec" in API group "" in the namespace "ns"` → parts. */
export function parseForbidden(message: string): ForbiddenDetail | undefined {
  const m = /(?:User "([^"]*)" )?cannot (\S+) resource "([^"]+)" in API group "([^"]*)"(?: in the namespace "([^"]+)"| at the cluster scope)?/.exec(message);
  if (!m) return undefined;
  return { user: m[1], verb: m[2], resource: m[3], group: m[4] || undefined, namespace: m[5] };
}

function describe(init: ClusterErrorInit): string {
  const where = `Context "${init.context}": ${init.action}`;
  const server = init.serverMessage ? ` The server said: ${init.serverMessage}` : '';
  switch (init.kind) {
    case 'unreachable':
      if (init.code && TLS_CODE.test(init.code)) {
        return `${where} failed: the TLS connection to the API server was refused (${init.code}). Check the cluster's certificate-authority in the kubeconfig.`;
      }
      return `${where} failed: the API server cannot be reached${init.code ? ` (${init.code})` : ''}. Is the cluster running and the network up? Retrying later may help.`;
    case 'unauthorized':
      return `${where} failed: the credentials were refused (401 Unauthorized); they may have expired. Log in again or re-run the kubeconfig's exec plugin (for example with kubectl get ns), then refresh.${server}`;
    case 'forbidden': {
      const f = init.serverMessage ? parseForbidden(init.serverMessage) : undefined;
      if (f) {
        const resource = f.group ? `${f.resource}.${f.group}` : f.resource;
        const scope = f.namespace ? ` in namespace "${f.namespace}"` : '';
        return `${where} was refused (403 Forbidden): ${f.user ? `user "${f.user}"` : 'this user'} lacks the permission "${f.verb}" on "${resource}"${scope}. Ask a cluster admin for a Role that allows it.`;
      }
      return `${where} was refused (403 Forbidden).${server}`;
    }
    case 'notFound':
      return `${where} failed: not found (404).${server}`;
    case 'conflict':
      return `${where} failed: conflict (409).${server}`;
    case 'invalid':
      return `${where} was refused as invalid (${init.status ?? 422}).${server}`;
    case 'gone':
      return `${where}: the server's history is too old (410 Gone); reading everything again.`;
    case 'timeout':
      // Waiting for a state (Chaos Mesh to pause…) is not the API server failing to answer.
      if (init.action.startsWith('waiting for')) return `${where} did not finish in time.${server}`;
      return `${where} failed: the API server is not answering (no answer in time). It may be overloaded; retrying later may help.${server}`;
    case 'malformed':
      return `${where} failed: the answer could not be read (${init.serverMessage ?? 'not the expected shape'}).`;
    case 'server':
      return `${where} failed on the server (${init.status ?? 500}).${server}`;
    case 'unknown':
      return `${where} failed${init.status ? ` (${init.status})` : ''}.${server}`;
  }
}

function errorCode(e: unknown): string | undefined {
  if (!e || typeof e !== 'object') return undefined;
  const own = (e as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  const cause = (e as { cause?: unknown }).cause;
  return cause && cause !== e ? errorCode(cause) : undefined;
}

/**
 * The server's words in a response body: a metav1.Status `message` (JSON text or parsed), or a
 * plain-text body (trimmed, at most 500 characters). JSON without a message says nothing.
 */
export function statusMessage(body: unknown): string | undefined {
  if (typeof body === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return body.trim() === '' ? undefined : body.trim().slice(0, 500);
    }
    return statusMessage(parsed);
  }
  if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') {
    return (body as { message: string }).message;
  }
  return undefined;
}

/** Any failure from client-node, Node or ws → one ClusterError. A ClusterError passes through. */
export function toClusterError(e: unknown, at: { context: string; action: string }): ClusterError {
  if (e instanceof ClusterError) return e;
  const err = e as { name?: unknown; message?: unknown; code?: unknown; statusCode?: unknown; body?: unknown; type?: unknown } | null;
  const message = typeof err?.message === 'string' ? err.message : String(e);

  // ApiException from the generated clients: numeric `code` and the response body.
  if (err && typeof err.code === 'number' && err.code >= 100) {
    return new ClusterError({ ...at, kind: ClusterError.kindForStatus(err.code), status: err.code, serverMessage: statusMessage(err.body) ?? message, cause: e });
  }
  // Watch: an Error with statusCode; ws: "Unexpected server response: 403".
  const status = typeof err?.statusCode === 'number' ? err.statusCode : Number(/Unexpected server response: (\d{3})/.exec(message)?.[1] ?? NaN);
  if (Number.isFinite(status) && status >= 100) {
    return new ClusterError({ ...at, kind: ClusterError.kindForStatus(status), status, serverMessage: statusMessage(err?.body) ?? message, cause: e });
  }
  const code = errorCode(e);
  if (err?.name === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || /timed? ?out/i.test(message)) {
    return new ClusterError({ ...at, kind: 'timeout', code, serverMessage: message, cause: e });
  }
  if (code && (UNREACHABLE_CODES.has(code) || TLS_CODE.test(code))) {
    return new ClusterError({ ...at, kind: 'unreachable', code, serverMessage: message, cause: e });
  }
  if (/socket hang up|ECONNREFUSED|ECONNRESET|network/i.test(message)) {
    return new ClusterError({ ...at, kind: 'unreachable', code, serverMessage: message, cause: e });
  }
  return new ClusterError({ ...at, kind: 'unknown', code, serverMessage: message, cause: e });
}

/** True for the abort a caller asked for (dispose, a cancelled request), which is not a failure to show. */
export function isAbort(e: unknown): boolean {
  // A request that timed out was aborted by its timer: a failure (kind 'timeout'), not a requested abort.
  if (e instanceof ClusterError) return false;
  const name = (e as { name?: unknown } | null)?.name;
  if (name === 'AbortError') return true;
  const cause = (e as { cause?: unknown } | null)?.cause;
  return cause !== undefined && cause !== e && isAbort(cause);
}
