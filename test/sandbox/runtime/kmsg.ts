// The kernel log's OOM kill records, to tell WHICH process the OOM killer took. The cgroup's
// oom_kill counter says that a process of the container was OOM-killed; with several processes
// (a stressor beside the app, on v1 or with singleProcessOOMKill) only the kernel log says
// whether it was the main one: `Memory cgroup out of memory: Killed process <pid> (<comm>) …`.
import { closeSync, constants, openSync, readSync } from 'node:fs';

/**
 * Microseconds on the clock of /dev/kmsg records (the kernel's local clock, monotonic since boot,
 * not counting suspend, like CLOCK_MONOTONIC), less a second of margin for the two clocks' drift.
 */
export function bootMicros(): number {
  return Math.max(0, Number(process.hrtime.bigint() / 1000n) - 1_000_000);
}

/**
 * Pids the kernel logged as OOM-killed (`Killed process <pid>`) at or after `sinceBootMicros`, or
 * undefined when /dev/kmsg cannot be read (no privilege, or no kmsg in this environment).
 */
export function oomKilledPids(sinceBootMicros: number): Set<number> | undefined {
  let fd: number;
  try {
    fd = openSync('/dev/kmsg', constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  const pids = new Set<number>();
  const buf = Buffer.alloc(8192);
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') continue; // records overwritten while reading: go on with the next
        break; // EAGAIN: the end of the ring buffer
      }
      if (n <= 0) break;
      // one record per read: "<prio>,<seq>,<usec>,<flags>;<message>\n"
      const record = buf.toString('utf8', 0, n);
      const semi = record.indexOf(';');
      if (semi < 0) continue;
      const usec = Number(record.slice(0, semi).split(',')[2]);
      if (!(usec >= sinceBootMicros)) continue;
      const m = /Killed process (\d+) \(/.exec(record.slice(semi + 1));
      if (m) pids.add(Number(m[1]));
    }
  } finally {
    closeSync(fd);
  }
  return pids;
}
