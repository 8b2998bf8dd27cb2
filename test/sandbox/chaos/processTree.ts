// Process-tree helpers for recovering stressors: chaos-daemon sends SIGTERM to the stressor and relies
// on its children dying with it (memStress clients have Pdeathsig=SIGTERM; stress-ng kills its own
// workers). We do the same and then make sure, by walking /proc, that nothing of the tree survives.
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcInfo {
  pid: number;
  ppid: number;
  state: string;
  /** Start time in clock ticks since boot: with the pid it identifies a process (pids are reused). */
  startTicks: string;
}

/** /proc/<pid>/stat, or undefined when the process is gone. */
export function readProc(pid: number): ProcInfo | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // comm is in parentheses and may contain spaces or parentheses: split after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { pid, state: rest[0], ppid: Number(rest[1]), startTicks: rest[19] };
}

/** Whether the process exists and is not a zombie (a zombie holds no memory and runs nothing). */
export function isAlive(p: ProcInfo): boolean {
  const now = readProc(p.pid);
  return now !== undefined && now.startTicks === p.startTicks && now.state !== 'Z' && now.state !== 'X';
}

/** The process and all its live descendants. */
export function processTree(rootPid: number): ProcInfo[] {
  const all: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = readProc(Number(name));
    if (p) all.push(p);
  }
  const children = new Map<number, ProcInfo[]>();
  for (const p of all) {
    const list = children.get(p.ppid) ?? [];
    list.push(p);
    children.set(p.ppid, list);
  }
  const root = all.find((p) => p.pid === rootPid);
  if (!root) return [];
  const out: ProcInfo[] = [];
  const stack = [root];
  while (stack.length) {
    const p = stack.pop()!;
    if (p.state !== 'Z' && p.state !== 'X') out.push(p);
    stack.push(...(children.get(p.pid) ?? []));
  }
  return out;
}

export function signalProcesses(procs: ProcInfo[], signal: NodeJS.Signals): void {
  for (const p of procs) {
    if (!isAlive(p)) continue;
    try {
      process.kill(p.pid, signal);
    } catch {
      // already gone
    }
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
