// Shared by the chaos and stress tests: pod manifests shaped like the default scenario's, waiting on
// conditions, and reading what Chaos Mesh wrote.
import type { KObject, Store } from '../store';

export interface PodOptions {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  holdMemory?: string;
  requests?: Record<string, string>;
  limits?: Record<string, string>;
  /** Liveness probe on /healthz (period/timeout/threshold in seconds/count). */
  liveness?: { periodSeconds: number; timeoutSeconds: number; failureThreshold: number };
  containers?: string[];
  nodeName?: string;
  image?: string;
  /** The app's port. Pod IPs are handed out from the same range by every sandbox on the machine, so
   *  tests running beside other sandboxes use a port of their own to avoid EADDRINUSE. */
  port?: number;
}

/** A port unlikely to be used by another sandbox run on this machine. */
export const testPort = (): number => 20000 + (process.pid % 20000);

/** A hello-kubernetes pod (the default scenario's app) with the given shape. */
export function helloPod(namespace: string, name: string, o: PodOptions = {}): KObject {
  const names = o.containers ?? ['hello-kubernetes'];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: o.labels ?? { app: name }, ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: {
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      restartPolicy: 'Always',
      containers: names.map((c, i) => ({
        name: c,
        image: o.image ?? (i === 0 ? 'sandbox/hello-kubernetes' : 'sandbox/pause'),
        ports: i === 0 ? [{ containerPort: o.port ?? testPort() }] : undefined,
        env: i === 0 ? [{ name: 'HOLD_MEMORY', value: o.holdMemory ?? '32Mi' }] : undefined,
        resources: { requests: o.requests ?? { memory: '200Mi' }, limits: o.limits ?? { memory: '500Mi' } },
        ...(o.liveness && i === 0
          ? { livenessProbe: { httpGet: { path: '/healthz', port: o.port ?? testPort() }, ...o.liveness } }
          : {}),
      })),
    },
  };
}

export async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Events whose involvedObject is `obj`, oldest first, as `Reason: message`. */
export function eventLines(store: Store, obj: KObject): string[] {
  return store
    .list('events', obj.metadata.namespace)
    .items.filter((e) => (e.involvedObject as { uid?: string }).uid === obj.metadata.uid)
    .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1))
    .map((e) => `${e.reason}: ${e.message}`);
}

export function stressChaos(namespace: string, name: string, spec: Record<string, unknown>, annotations?: Record<string, string>): KObject {
  return {
    apiVersion: 'chaos-mesh.org/v1alpha1',
    kind: 'StressChaos',
    metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
    spec,
  };
}
