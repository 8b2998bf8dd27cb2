// The sandbox's kubeconfig: cluster `sandbox` with the CA inline, user `sandbox-admin` with the
// client certificate inline, context `sandbox` (namespace hello-kubernetes), current-context sandbox.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { SandboxPki } from './tls';

const b64 = (s: string) => Buffer.from(s).toString('base64');

export interface KubeconfigOptions {
  url: string;
  pki: SandboxPki;
  namespace?: string;
  /** Authenticate with the bearer token of this identity instead of the client certificate. */
  token?: string;
  user?: string;
}

export function kubeconfigObject(o: KubeconfigOptions): Record<string, unknown> {
  const userName = o.user ?? o.pki.adminUser;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name: 'sandbox', cluster: { server: o.url, 'certificate-authority-data': b64(o.pki.caCert) } }],
    users: [{ name: userName, user: o.token ? { token: o.token } : { 'client-certificate-data': b64(o.pki.clientCert), 'client-key-data': b64(o.pki.clientKey) } }],
    contexts: [{ name: 'sandbox', context: { cluster: 'sandbox', user: userName, namespace: o.namespace ?? 'hello-kubernetes' } }],
    'current-context': 'sandbox',
  };
}

export function writeKubeconfig(file: string, o: KubeconfigOptions): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, YAML.stringify(kubeconfigObject(o)), { mode: 0o600 });
}

/**
 * Merges the sandbox's cluster, user and context into an existing kubeconfig (e.g. ~/.kube/config,
 * only when the user asked): entries named `sandbox`/the sandbox user are replaced, others kept,
 * and current-context becomes `sandbox`.
 */
export function mergeIntoKubeconfig(file: string, o: KubeconfigOptions): void {
  const ours = kubeconfigObject(o) as { clusters: Array<{ name: string }>; users: Array<{ name: string }>; contexts: Array<{ name: string }> };
  let existing: Record<string, unknown> = { apiVersion: 'v1', kind: 'Config', preferences: {}, clusters: [], users: [], contexts: [] };
  if (fs.existsSync(file)) existing = (YAML.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown> | null) ?? existing;
  const merge = (key: 'clusters' | 'users' | 'contexts') => {
    const mine = ours[key];
    const theirs = ((existing[key] as Array<{ name: string }> | undefined) ?? []).filter((e) => !mine.some((m) => m.name === e.name));
    existing[key] = [...theirs, ...mine];
  };
  merge('clusters');
  merge('users');
  merge('contexts');
  existing['current-context'] = 'sandbox';
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, YAML.stringify(existing), { mode: 0o600 });
}
