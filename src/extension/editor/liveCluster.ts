// The cluster the editor features talk to: the kubeconfig's current context, opened lazily the
// first time a StressChaos document needs it (a plain YAML file never opens a session), reopened
// when the kubeconfig or its current context changes, disposed with the extension.
import type { KubeconfigLoad } from '../../cluster/kubeconfig';
import { ChaosMeshClient } from '../../cluster/chaosMesh';
import { openSession, type ClusterSession } from '../../cluster/session';

export type LiveCluster =
  | { readonly ok: true; readonly session: ClusterSession; readonly chaos: ChaosMeshClient }
  | { readonly ok: false; readonly reason: string };

export class LiveClusterHolder {
  private key: unknown;
  private current: LiveCluster | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly kubeconfig: () => KubeconfigLoad | undefined) {}

  /** Called when the session changes (another context, a reloaded kubeconfig). */
  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  get(): LiveCluster {
    const load = this.kubeconfig();
    const key = load?.state === 'loaded' ? [load.kubeConfig, load.currentContext] : load?.state;
    if (this.current && sameKey(key, this.key)) return this.current;
    this.close();
    this.key = key;
    this.current = open(load);
    for (const l of this.listeners) l();
    return this.current;
  }

  private close(): void {
    if (this.current?.ok) this.current.session.dispose();
    this.current = undefined;
  }

  dispose(): void {
    this.close();
    this.listeners.clear();
  }
}

function sameKey(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a[0] === b[0] && a[1] === b[1];
  return a === b;
}

function open(load: KubeconfigLoad | undefined): LiveCluster {
  if (!load) return { ok: false, reason: 'The kubeconfig is still being read.' };
  if (load.state === 'none') return { ok: false, reason: 'No kubeconfig found.' };
  if (load.state === 'empty') return { ok: false, reason: 'The kubeconfig has no contexts.' };
  if (load.state === 'error') return { ok: false, reason: load.message };
  if (!load.currentContext) return { ok: false, reason: 'The kubeconfig has no current context.' };
  try {
    const session = openSession(load.kubeConfig, load.currentContext);
    return { ok: true, session, chaos: new ChaosMeshClient(session) };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
}
