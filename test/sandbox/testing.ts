// Helpers the sandbox suites share: waiting for a condition, and telling which processes of a
// cgroup tree still run. One place, so every suite judges "nothing survives" the same way.
import fs from 'node:fs';
import path from 'node:path';

/** Polls `fn` until it returns something other than undefined; fails naming `what` after `timeoutMs`. */
export async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * A process that still runs. A zombie does not count: it is dead and holds no memory, and on this
 * kind of machine orphans re-parented to a PID 1 that never reaps them stay zombies for good.
 */
export function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Every pid listed in every `cgroup.procs` under `dir`. */
export function pidsUnder(dir: string): number[] {
  const pids: number[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name === 'cgroup.procs') pids.push(...fs.readFileSync(path.join(d, e.name), 'utf8').split('\n').filter(Boolean).map(Number));
    }
  };
  walk(dir);
  return pids;
}
