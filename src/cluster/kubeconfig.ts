// Finds and reads the user's kubeconfig the way kubectl does, without falling back to anything
// invented. client-node's `loadFromDefault()` is not used: with no file it quietly makes up a
// `loaded-context` for http://localhost:8080 (or an in-cluster config), which would show the user a
// cluster that does not exist. Order: the extension's path setting, then every file in
// $KUBECONFIG (missing ones skipped, first definition of a name wins, like kubectl), then
// ~/.kube/config. No `vscode` import: the extension layer passes the setting in.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

/** Where the kubeconfig files came from. */
export type KubeconfigOrigin = 'setting' | 'KUBECONFIG' | 'default';

export interface ContextSummary {
  readonly name: string;
  readonly cluster: string;
  readonly user?: string;
  readonly namespace?: string;
  /** The cluster's API server URL, when the context's cluster is defined. */
  readonly server?: string;
  readonly isCurrent: boolean;
}

export type KubeconfigLoad =
  /** Nothing to read: no setting, no existing $KUBECONFIG file, no ~/.kube/config. */
  | { readonly state: 'none'; readonly searched: readonly string[] }
  /** A file that should be read could not be (missing setting target, bad YAML, bad entries). */
  | { readonly state: 'error'; readonly origin: KubeconfigOrigin; readonly files: readonly string[]; readonly message: string }
  /** Read fine, but it defines no context. */
  | { readonly state: 'empty'; readonly origin: KubeconfigOrigin; readonly files: readonly string[] }
  | {
      readonly state: 'loaded';
      readonly origin: KubeconfigOrigin;
      readonly files: readonly string[];
      readonly kubeConfig: KubeConfig;
      readonly contexts: readonly ContextSummary[];
      readonly currentContext?: string;
    };

export interface KubeconfigLookup {
  /** The extension's kubeconfig path setting; empty or blank means "not set". */
  readonly setting?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly home?: string;
}

/** `~` and `~/x` mean the home folder; everything else is returned unchanged. */
export function expandHome(file: string, home: string): string {
  if (file === '~') return home;
  if (file.startsWith('~/')) return path.join(home, file.slice(2));
  return file;
}

/** The files to read, in order, and where the list came from; missing $KUBECONFIG files are kept (the loader skips them). */
export function kubeconfigCandidates(lookup: KubeconfigLookup): { origin: KubeconfigOrigin; files: string[] } {
  const env = lookup.env ?? process.env;
  const home = lookup.home ?? os.homedir();
  const setting = lookup.setting?.trim();
  if (setting) return { origin: 'setting', files: [expandHome(setting, home)] };
  const fromEnv = (env.KUBECONFIG ?? '').split(path.delimiter).filter((f) => f.trim() !== '');
  if (fromEnv.length > 0) return { origin: 'KUBECONFIG', files: fromEnv.map((f) => expandHome(f, home)) };
  return { origin: 'default', files: [path.join(home, '.kube', 'config')] };
}

function readOne(file: string): KubeConfig {
  const kc = new KubeConfig();
  // An empty file is a valid, empty kubeconfig for kubectl; client-node would throw a TypeError.
  if (fs.readFileSync(file, 'utf8').trim() === '') return kc;
  kc.loadFromFile(file); // also makes relative certificate paths absolute against the file's folder
  return kc;
}

/** kubectl's merge: the first file that defines a name wins; current-context comes from the first file that sets one. */
function mergeInto(target: KubeConfig, next: KubeConfig): void {
  const has = <T extends { name: string }>(list: readonly T[] | undefined, name: string) => (list ?? []).some((x) => x.name === name);
  for (const cluster of next.clusters ?? []) if (!has(target.clusters, cluster.name)) target.addCluster(cluster);
  for (const user of next.users ?? []) if (!has(target.users, user.name)) target.addUser(user);
  for (const context of next.contexts ?? []) if (!has(target.contexts, context.name)) target.addContext(context);
  if (!target.currentContext && next.currentContext) target.setCurrentContext(next.currentContext);
}

function summarize(kc: KubeConfig): ContextSummary[] {
  return kc.getContexts().map((c) => ({
    name: c.name,
    cluster: c.cluster,
    user: c.user || undefined,
    namespace: c.namespace || undefined,
    server: kc.getCluster(c.cluster)?.server || undefined,
    isCurrent: c.name === kc.currentContext,
  }));
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Reads the kubeconfig; never throws, every failure comes back as `state: 'error'` with a readable message. */
export function loadKubeconfig(lookup: KubeconfigLookup = {}): KubeconfigLoad {
  const { origin, files } = kubeconfigCandidates(lookup);
  if (origin === 'setting') {
    const file = files[0];
    if (!path.isAbsolute(file)) {
      return { state: 'error', origin, files, message: `The kubeconfig path "${file}" is relative; use an absolute path or one starting with ~/.` };
    }
    if (!fs.existsSync(file)) {
      return { state: 'error', origin, files, message: `The kubeconfig file ${file} does not exist.` };
    }
  }
  const existing = files.filter((f) => fs.existsSync(f));
  if (existing.length === 0) return { state: 'none', searched: files };

  const merged = new KubeConfig();
  for (const file of existing) {
    try {
      if (fs.statSync(file).isDirectory()) {
        return { state: 'error', origin, files: existing, message: `${file} is a folder, not a kubeconfig file.` };
      }
      mergeInto(merged, readOne(file));
    } catch (e) {
      return { state: 'error', origin, files: existing, message: `The kubeconfig ${file} could not be read: ${reason(e)}` };
    }
  }
  const contexts = summarize(merged);
  if (contexts.length === 0) return { state: 'empty', origin, files: existing };
  const currentContext = contexts.find((c) => c.isCurrent)?.name;
  return { state: 'loaded', origin, files: existing, kubeConfig: merged, contexts, currentContext };
}
