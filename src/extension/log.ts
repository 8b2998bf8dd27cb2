// How the extension writes its log: one LogOutputChannel ("Pod Memory Chaos", created in
// main.ts with `{ log: true }`, so VS Code stamps each line with time and level and the user picks
// the level shown). Levels by what the reader must do:
//   error  a failure that stops a feature until someone acts (401, 403, 404, invalid object);
//   warn   a failure the extension retries by itself (unreachable, timeout, 5xx, 410), or a bad
//          input it replaced (a setting, a panel message);
//   info   connections, changes made to a cluster, recoveries;
//   debug  each panel message and background step, for tracing a problem.
// A cluster failure's line names the context, the action, the error kind, the HTTP status or
// system code, and when the extension retries, so each fault can be diagnosed from the log alone.
// Never the kubeconfig's contents: the messages come from ClusterError, which holds none.
import type * as vscode from 'vscode';
import type { ClusterError } from '../cluster/errors';

export type Log = Pick<vscode.LogOutputChannel, 'trace' | 'debug' | 'info' | 'warn' | 'error'>;

/** Failures that go away by themselves (the extension retries them): logged as warnings. */
const TRANSIENT: ReadonlySet<ClusterError['kind']> = new Set(['unreachable', 'timeout', 'server', 'gone', 'conflict']);

/** `<message> [kind=unreachable code=ECONNREFUSED; retrying in 4 s]`. */
export function clusterErrorLine(error: ClusterError, retryInMs?: number): string {
  const facts = [`kind=${error.kind}`];
  if (error.status !== undefined) facts.push(`status=${error.status}`);
  if (error.code !== undefined) facts.push(`code=${error.code}`);
  const retry = retryInMs !== undefined ? `; retrying in ${Math.round(retryInMs / 100) / 10} s` : '';
  return `${error.message} [${facts.join(' ')}${retry}]`;
}

/** Logs a cluster failure at its level (see the top of this file). */
export function logClusterError(log: Log, error: ClusterError, retryInMs?: number): void {
  const line = clusterErrorLine(error, retryInMs);
  if (TRANSIENT.has(error.kind) || retryInMs !== undefined) log.warn(line);
  else log.error(line);
}
