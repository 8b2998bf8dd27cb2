// Memory and CPU figures read from the kernel's own files, computed as cAdvisor does for the
// kubelet (k8s-memory.md §2): working set = usage − inactive file pages, clamped at 0; the
// inactive-file key is `inactive_file` on v2 and `total_inactive_file` on v1.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { CGROUP_V1_FILES, CGROUP_V1_LIMIT_FILE, CGROUP_V1_REQUIRED_FILES, CGROUP_V2_FILES, CGROUP_V2_LIMIT_FILE, CGROUP_V2_REQUIRED_FILES, CgroupFileError, readCgroupMemory } from '../../../src/core/cgroup';
import type { CgroupVersion } from './cgroup';

export interface MemoryFigures {
  usageBytes: number;
  workingSetBytes: number;
  rssBytes: number;
  pageFaults: number;
  majorPageFaults: number;
  /** Undefined when unlimited. */
  limitBytes?: number;
  /** The cgroup's oom_kill counter (0 unless read with `oomKills: true`). */
  oomKill: number;
}

function parseFlat(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp > 0) m.set(line.slice(0, sp), Number(line.slice(sp + 1)));
  }
  return m;
}

async function readOr(file: string, fallback: string): Promise<string> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch {
    return fallback;
  }
}

/**
 * Figures of one memory cgroup (container or pod), computed by the product's own reader
 * (`readCgroupMemory` of src/core/cgroup.ts) from the kernel's files, so the sandbox and the
 * extension can never disagree on a working set. Returns undefined when the cgroup is gone.
 */
export async function readCgroupFigures(dir: string, version: CgroupVersion, options: { oomKills?: boolean } = {}): Promise<MemoryFigures | undefined> {
  // The Summary API and PodMetrics need only usage, limit and memory.stat: reading the two
  // required files and the limit keeps a 2,000-pod scrape short. `oomKills` adds the OOM counter file.
  const required = version === 2 ? CGROUP_V2_REQUIRED_FILES : CGROUP_V1_REQUIRED_FILES;
  const limitFile = version === 2 ? CGROUP_V2_LIMIT_FILE : CGROUP_V1_LIMIT_FILE;
  const names: readonly string[] = options.oomKills ? (version === 2 ? CGROUP_V2_FILES : CGROUP_V1_FILES) : [...required, limitFile];
  const files: Record<string, string | undefined> = {};
  await Promise.all(
    names.map(async (name) => {
      try {
        files[name] = await fsp.readFile(path.join(dir, name), 'utf8');
      } catch {
        files[name] = undefined;
      }
    }),
  );
  if (files[required[0]] === undefined) return undefined;
  let m;
  try {
    m = readCgroupMemory(files);
  } catch (e) {
    // a required file vanished mid-read: the cgroup was being removed
    if (e instanceof CgroupFileError && e.reason === 'missing') return undefined;
    throw e;
  }
  return {
    usageBytes: Number(m.usageBytes),
    workingSetBytes: Number(m.workingSetBytes),
    rssBytes: Number(m.rssBytes),
    pageFaults: Number(m.stat.get('pgfault') ?? 0n),
    majorPageFaults: Number(m.stat.get('pgmajfault') ?? 0n),
    limitBytes: m.limitBytes === null || m.limitBytes === undefined ? undefined : Number(m.limitBytes),
    oomKill: m.oomKills ?? 0,
  };
}

/** /proc/meminfo in bytes. */
export async function readMeminfo(): Promise<Map<string, number>> {
  const m = new Map<string, number>();
  for (const line of (await fsp.readFile('/proc/meminfo', 'utf8')).split('\n')) {
    const match = /^(\S+):\s+(\d+)(?: kB)?$/.exec(line);
    if (match) m.set(match[1], Number(match[2]) * (line.endsWith('kB') ? 1024 : 1));
  }
  return m;
}

/**
 * The node's memory as the kubelet reports it for the root container `/`: usage from the root
 * cgroup (v1 `memory.usage_in_bytes` of the hierarchy root; v2 has no root `memory.current`, so
 * anon + file of the root `memory.stat`, as opencontainers/cgroups emulates it), working set
 * = usage − inactive file, available = MemTotal − working set.
 */
export async function readNodeMemory(mountPoint: string, version: CgroupVersion): Promise<{ capacity: number } & Omit<MemoryFigures, 'limitBytes' | 'oomKill'> & { availableBytes: number }> {
  const meminfo = await readMeminfo();
  const capacity = meminfo.get('MemTotal') ?? 0;
  const stat = parseFlat(await readOr(path.join(mountPoint, 'memory.stat'), ''));
  let usage: number;
  let inactive: number | undefined;
  let rss: number;
  if (version === 2) {
    usage = (stat.get('anon') ?? 0) + (stat.get('file') ?? 0);
    inactive = stat.get('inactive_file');
    rss = stat.get('anon') ?? 0;
  } else {
    const usageText = await readOr(path.join(mountPoint, 'memory.usage_in_bytes'), '');
    // a root without accounting reads 0: fall back to what the kernel counts as used, MemTotal − MemFree
    usage = Number(usageText.trim()) || capacity - (meminfo.get('MemFree') ?? 0);
    inactive = stat.get('total_inactive_file');
    rss = stat.get('total_rss') ?? 0;
  }
  const workingSet = inactive === undefined ? usage : Math.max(0, usage - inactive);
  return {
    capacity,
    usageBytes: usage,
    workingSetBytes: workingSet,
    rssBytes: rss,
    pageFaults: stat.get(version === 2 ? 'pgfault' : 'total_pgfault') ?? stat.get('pgfault') ?? 0,
    majorPageFaults: stat.get(version === 2 ? 'pgmajfault' : 'total_pgmajfault') ?? stat.get('pgmajfault') ?? 0,
    availableBytes: Math.max(0, capacity - workingSet),
  };
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU time (nanoseconds) spent by the processes currently in a cgroup: v2 `cpu.stat` usage_usec; v1 (memory hierarchy only) the sum over its live processes. */
export async function readCgroupCpuNanos(dir: string, version: CgroupVersion): Promise<number> {
  if (version === 2) {
    const stat = parseFlat(await readOr(path.join(dir, 'cpu.stat'), ''));
    const usec = stat.get('usage_usec');
    if (usec !== undefined) return usec * 1000;
  }
  const pids = (await readOr(path.join(dir, 'cgroup.procs'), '')).split('\n').filter(Boolean);
  let ticks = 0;
  await Promise.all(
    pids.map(async (pid) => {
      const text = await readOr(`/proc/${pid}/stat`, '');
      if (!text) return;
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      // utime, stime, cutime, cstime are fields 14-17 (indexes 11-14 after the command name)
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    }),
  );
  return (ticks * 1e9) / CLOCK_TICKS;
}

/** Whole-node CPU time in nanoseconds (all cores, busy time only) from /proc/stat. */
export async function readNodeCpuNanos(): Promise<number> {
  const line = (await fsp.readFile('/proc/stat', 'utf8')).split('\n')[0];
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal
  const busy = f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
  return (busy * 1e9) / CLOCK_TICKS;
}
