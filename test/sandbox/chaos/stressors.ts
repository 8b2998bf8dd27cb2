// From a StressChaos spec to real processes in the target container, the way chaos-daemon does it
// (CM api/v1alpha1/stresschaos_types.go Normalize, pkg/chaosdaemon/stress_server_linux.go,
// pkg/bpm/build_linux.go; chaos-mesh/memStress v0.3 main.go; all read, not copied).
//
// CPU: chaos-daemon runs `stress-ng <normalized args>`: we run the same Debian stress-ng with the same
// arguments. Memory: chaos-daemon runs memStress, which is not packaged; we reproduce it:
//   memStress server: keeps `workers` client processes alive, starting at most one per second and
//     starting a new one when a client exits (after an OOM kill, for instance). Reproduced by a small
//     POSIX shell loop (MEMSTRESS_SERVER below) whose pid is the instance's `memoryUid`, like the
//     memStress server's; SIGTERM to it ends its clients, as memStress clients die with their server
//     (Pdeathsig=SIGTERM).
//   memStress client: mmaps `size / workers` bytes (integer division), writes one byte in every page,
//     then sleeps forever holding the memory. Reproduced by one stress-ng per client:
//       stress-ng --vm 1 --vm-bytes <bytes> --vm-keep --vm-hang 0 --vm-method write64 --vm-madvise normal
//                 --no-oom-adjust --oomable --timeout 0 --quiet
//     why these flags: `--vm 1` one worker process per client; stress-ng 0.15 divides --vm-bytes by the
//     number of vm instances and rounds down to a page, so with one instance and the per-client size
//     rounded UP to a page it maps exactly the pages memStress's mmap gets; `write64` writes the whole
//     buffer once (every page becomes resident, like memStress's loop); `--vm-hang 0` then sleeps
//     forever instead of freeing/re-dirtying (memStress holds, it does not churn); `--vm-keep` never
//     unmaps; `--vm-madvise normal` avoids stress-ng's random madvise (MADV_DONTNEED/MERGEABLE would
//     drop or merge pages memStress keeps); `--no-oom-adjust` keeps the oom_score_adj choom set
//     (stress-ng would otherwise make its workers 1000 and itself -1000); `--oomable` makes a client
//     end when the kernel OOM-kills its worker, so the server loop, like memStress's, respawns it at
//     most once per second (stress-ng alone would respawn immediately, many times a second); `--timeout
//     0` runs until recovered (memStress has no end).
//   Differences that remain: a stress-ng client carries ~3.5 MiB of its own (a 2.2 MiB shared stats
//     region plus process overhead), about what memStress's two Go processes carry.
//   memStress `--time D` (a Go duration; unparsable is 0): each client ramps linearly to its size over D
//     and then holds it (linearGrow). stress-ng cannot grow one process at a rate, so a ramping client
//     is a few lines of Debian's Perl (RAMP_CLIENT); without `--time`, the client is the stress-ng above.
// oom_score_adj: chaos-daemon prefixes the memory command with `choom -n <oomScoreAdj> --` when
// oomScoreAdj ≠ 0; otherwise memStress (and stress-ng for CPU) inherit chaos-daemon's own value, which
// is 1000: the chaos-daemon DaemonSet of the current release (v2.8.3 Helm chart) has no resources, so it
// is a BestEffort pod. We run every stressor under choom with that effective value (choom sets it before
// exec, so every child inherits it; writing /proc/<pid>/oom_score_adj after start would race with the
// first fork). stress-ng for CPU then sets its own (-1000 as root), exactly as it does under chaos-daemon.
// A host without CAP_SYS_RESOURCE refuses values below the sandbox's own oom_score_adj (choom would then
// fail and nothing would run): the value is raised to the lowest settable one (the runtime's
// effectiveOomScoreAdj) and the controller logs it; stress-ng's own -1000 fails the same way there.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { goParseDuration } from '../../../src/core/stressChaos';
import { goFields, memStressParseArgument, percentOfNodeMemory } from '../../../src/core/stressSize';
import type { ContainerProcess, NodeAgent } from '../contracts';
import { isAlive, processTree, signalProcesses, sleep } from './processTree';
import type { StressChaosSpec } from './types';
import type { Target } from './selector';

/** oom_score_adj of a BestEffort pod (kubelet qos policy), which chaos-daemon is in the v2.8.3 chart. */
export const CHAOS_DAEMON_OOM_SCORE_ADJ = 1000;
const PAGE_SIZE = 4096n;

/**
 * The memStress server loop in POSIX sh: `$1` workers, then the client command. As memStress's
 * server (a channel of `workers` slots; take a slot, start a client, sleep a second, repeat; a
 * client's exit frees its slot): at most `$1` clients alive, and at most one client started per
 * second across all of them, so after OOM kills the stress comes back one client a second.
 * Finished clients are reaped while the shell waits for its sleep; `kill -0` then tells the live.
 */
export const MEMSTRESS_SERVER = [
  'n=$1; shift; clients=; s=',
  "trap 'kill -TERM $clients $s 2>/dev/null; exit 0' TERM",
  'while :; do',
  '  live=; count=0',
  '  for c in $clients; do if kill -0 "$c" 2>/dev/null; then live="$live $c"; count=$((count+1)); fi; done',
  '  clients=$live',
  '  if [ "$count" -lt "$n" ]; then',
  '    "$@" & clients="$clients $!"',
  '    sleep 1 & s=$!; wait $s',
  '  else',
  '    sleep 0.1 & s=$!; wait $s',
  '  fi',
  'done',
].join('\n');

/** CM Stressors.Normalize: the two argument strings chaos-daemon receives ('' = not started). */
export function normalizeStressors(spec: StressChaosSpec): { cpu: string; memory: string } {
  let cpu = '';
  let memory = '';
  const mem = spec.stressors?.memory;
  const c = spec.stressors?.cpu;
  if (mem && (mem.workers ?? 0) !== 0) {
    memory += ` --workers ${mem.workers}`;
    if (mem.size) memory += ` --size ${mem.size}`;
    for (const o of mem.options ?? []) memory += ` ${o} `;
  }
  if (c && (c.workers ?? 0) !== 0) {
    cpu += ' --cpu-load-slice 10 --cpu-method sqrt';
    cpu += ` --cpu ${c.workers}`;
    if (c.load !== undefined && c.load !== null) cpu += ` --cpu-load ${c.load}`;
    for (const o of c.options ?? []) cpu += ` ${o} `;
  }
  return { cpu, memory };
}

export interface MemStressFlags {
  size: string;
  workers: number;
  time: string;
  client: boolean;
}

/** Go's `flag` package over memStress's four flags; returns the flags or memStress's error output. */
export function parseMemStressFlags(args: string[]): MemStressFlags | { error: string } {
  const flags: MemStressFlags = { size: '0KB', workers: 1, time: '0s', client: false };
  let i = 0;
  while (i < args.length) {
    const arg = args[i];
    if (arg.length < 2 || arg[0] !== '-') break;
    let numMinuses = 1;
    if (arg[1] === '-') {
      numMinuses++;
      if (arg.length === 2) break; // "--" ends the flags
    }
    let name = arg.slice(numMinuses);
    if (name.length === 0 || name[0] === '-' || name[0] === '=') return { error: `bad flag syntax: ${arg}` };
    i++;
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq > 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    if (name === 'client') {
      if (value === undefined) flags.client = true;
      else if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) flags.client = true;
      else if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) flags.client = false;
      else return { error: `invalid boolean value ${JSON.stringify(value)} for -client: parse error` };
      continue;
    }
    if (name !== 'size' && name !== 'time' && name !== 'workers') {
      if (name === 'help' || name === 'h') return { error: 'flag: help requested' };
      return { error: `flag provided but not defined: -${name}` };
    }
    if (value === undefined) {
      if (i >= args.length) return { error: `flag needs an argument: -${name}` };
      value = args[i++];
    }
    if (name === 'workers') {
      if (!/^[+-]?(0x[0-9a-fA-F]+|0o?[0-7]*|[1-9][0-9]*)$/.test(value)) return { error: `invalid value ${JSON.stringify(value)} for flag -workers: parse error` };
      flags.workers = Number(value);
    } else flags[name] = value;
  }
  return flags;
}

/** The node's MemTotal in bytes (memStress's `%` is of this: /proc/meminfo is not namespaced). */
export function nodeMemTotal(): bigint {
  const m = /^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  if (!m) throw new Error('MemTotal missing from /proc/meminfo');
  return BigInt(m[1]) * 1024n;
}

export interface MemoryPlan {
  /** Full argv run in the container (choom … sh -c SERVER …). */
  argv: string[];
  /** Bytes each client holds (page-rounded), 0 when clients cannot allocate. */
  bytesPerWorker: bigint;
  workers: number;
  /** Why memStress would not allocate, when it would not. */
  problem?: string;
}

const exitWith = (message: string, code: number): string[] => ['sh', '-c', `printf '%s\\n' "$1" >&2; exit ${code}`, 'memStress', message];

/** memStress semantics for a normalized memory argument string. */
export function planMemory(memoryArgs: string, oomScoreAdj: number, memTotal: bigint, settable: (adj: number) => number = (a) => a): MemoryPlan {
  const choom = ['choom', '-n', String(settable(oomScoreAdj || CHAOS_DAEMON_OOM_SCORE_ADJ)), '--'];
  const flags = parseMemStressFlags(goFields(memoryArgs));
  if ('error' in flags) return { argv: [...choom, ...exitWith(flags.error, flags.error === 'flag: help requested' ? 0 : 2)], bytesPerWorker: 0n, workers: 0, problem: flags.error };
  const { workers } = flags;
  if (workers === 0) {
    const msg = 'fatal error: all goroutines are asleep - deadlock!';
    return { argv: [...choom, ...exitWith(msg, 2)], bytesPerWorker: 0n, workers, problem: msg };
  }
  if (workers < 0) {
    const msg = 'panic: makechan: size out of range';
    return { argv: [...choom, ...exitWith(msg, 2)], bytesPerWorker: 0n, workers, problem: msg };
  }
  const reading = flags.size === '' ? { error: 'runtime error: index out of range [-1]' } : memStressParseArgument(flags.size);
  let total = 0n;
  let problem: string | undefined;
  if ('error' in reading) problem = reading.error;
  else if ('percent' in reading) total = percentOfNodeMemory(memTotal, reading.percent);
  else total = reading.bytes;
  const perWorker = total / BigInt(workers);
  let client: string[];
  let bytesPerWorker = 0n;
  if (perWorker === 0n) {
    // mmap of 0 bytes fails: memStress's client prints the error and exits 1, the server restarts it.
    problem ??= 'invalid argument';
    client = ['sh', '-c', 'echo "invalid argument"; exit 1'];
  } else {
    const ramp = memStressRamp(flags.time);
    if ('panic' in ramp) {
      problem ??= ramp.panic;
      client = exitWith(ramp.panic, 2);
    } else if (ramp.ms === 0n) {
      bytesPerWorker = ((perWorker + PAGE_SIZE - 1n) / PAGE_SIZE) * PAGE_SIZE;
      client = [
        'stress-ng', '--vm', '1', '--vm-bytes', String(bytesPerWorker), '--vm-keep', '--vm-hang', '0',
        '--vm-method', 'write64', '--vm-madvise', 'normal', '--no-oom-adjust', '--oomable', '--timeout', '0', '--quiet',
      ];
    } else {
      const plan = planRampClient(perWorker, ramp.ms);
      bytesPerWorker = plan.bytes;
      client = plan.client;
    }
  }
  // `--client` makes memStress itself one client (no server, no respawn).
  const argv = flags.client ? [...choom, ...client] : [...choom, 'sh', '-c', MEMSTRESS_SERVER, 'memStress', String(workers), ...client];
  return { argv, bytesPerWorker, workers, problem };
}

/**
 * memStress's `--time`: the client parses it with Go's time.ParseDuration and ignores a parse error
 * (the duration is then 0); a duration above 1ns ramps (linearGrow), anything else allocates at once.
 * linearGrow divides by the duration's whole milliseconds, so 2ns..999.999µs panics with an integer
 * divide by zero before touching anything (the client exits 2, the server starts another).
 */
export function memStressRamp(time: string): { ms: bigint } | { panic: string } {
  const parsed = goParseDuration(time);
  const ns = 'error' in parsed ? 0n : parsed.nanoseconds;
  if (ns <= 1n) return { ms: 0n };
  const ms = ns / 1_000_000n;
  if (ms === 0n) return { panic: 'panic: runtime error: integer divide by zero' };
  return { ms };
}

/**
 * A memStress client that ramps (linearGrow): every 10 ms it touches pages up to
 * `length · elapsed_ms / T_ms / page` (integer arithmetic, as Go's uint64), so it holds
 * floor(length / page) pages from T on, and then holds them forever. One process holds them all, as
 * memStress's client does: the kernel's OOM killer ranks processes, so a client split into several
 * processes (stress-ng's `--vm N --backoff`, a staircase) would not be the victim memStress's is —
 * measured: the app, larger than any one step, was OOM-killed instead. stress-ng has no rate-limited
 * allocation, so this client is a few lines of Perl (perl-base, Essential in Debian, no modules): it
 * appends page-multiple strings of written bytes (every page resident, like memStress's one byte per
 * page) and reads elapsed time from /proc/uptime (10 ms resolution, memStress's own step). It carries
 * ~1.2 MiB of its own (perl), less than memStress's Go runtime.
 */
export const RAMP_CLIENT = [
  'use integer;',
  'my ($length, $ms) = @ARGV;',
  'my $page = 4096;',
  "sub uptime_ms { open(my $u, '<', '/proc/uptime') or die \"/proc/uptime: $!\\n\"; my ($s, $cs) = <$u> =~ /^(\\d+)\\.(\\d\\d)/; return $s * 1000 + $cs * 10 }",
  'my $start = uptime_ms();',
  'my ($touched, @held) = (0);',
  'for (;;) {',
  '  my $elapsed = uptime_ms() - $start;',
  '  $elapsed = $ms if $elapsed > $ms;',
  '  my $expected = $length * $elapsed / $ms / $page;',
  '  if ($expected > $touched) { push @held, "\\1" x (($expected - $touched) * $page); $touched = $expected }',
  '  last if $elapsed == $ms;',
  '  select(undef, undef, undef, 0.01);',
  '}',
  'sleep 2 while 1;',
].join('\n');

/** The ramping client's argv and the bytes it ends up holding (whole pages: linearGrow's last). */
export function planRampClient(perWorker: bigint, ms: bigint): { bytes: bigint; client: string[] } {
  return { bytes: (perWorker / PAGE_SIZE) * PAGE_SIZE, client: ['perl', '-e', RAMP_CLIENT, String(perWorker), String(ms)] };
}

/** The CPU stressor's argv: chaos-daemon's `stress-ng <args>`, run with chaos-daemon's oom_score_adj. */
export function planCpu(cpuArgs: string, settable: (adj: number) => number = (a) => a): string[] {
  return ['choom', '-n', String(settable(CHAOS_DAEMON_OOM_SCORE_ADJ)), '--', 'stress-ng', ...goFields(cpuArgs)];
}

export interface RunningStressor {
  proc: ContainerProcess;
  startTime: Date;
  /** Last lines the stressor wrote to stderr/stdout (for the controller's log). */
  output: () => string;
}

/**
 * Starts a stressor in the target container (chaos-daemon ExecStressors) and returns once it runs in
 * the container's cgroup: chaos-daemon attaches the paused process to the cgroup and resumes it before
 * answering, so an Injected record always has its stressor charged to the target. The node's spawn
 * shim joins the cgroup and then execs the stressor; we wait for that exec, or for the process to end.
 */
export async function startStressor(node: NodeAgent, target: Target, argv: string[]): Promise<RunningStressor> {
  const proc = node.spawnInContainer(target.namespace, target.pod, target.container, argv);
  let ended = false;
  void proc.exited.then(() => {
    ended = true;
  });
  const deadline = Date.now() + 10_000;
  while (!ended && Date.now() < deadline) {
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${proc.pid}/cmdline`, 'utf8');
    } catch {
      break;
    }
    // Exec'ing drops leading words (choom → the stressor), so our process runs once its command line
    // is a suffix of argv; the shim's own command line is longer than argv.
    const words = cmd.split('\0').slice(0, -1);
    if (words.length > 0 && words.length <= argv.length && words.every((w, i) => w === argv[argv.length - words.length + i])) break;
    await sleep(2);
  }
  let tail = '';
  const keep = (chunk: Buffer | string): void => {
    tail = (tail + chunk.toString()).slice(-4096);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  proc.stdout.on('error', () => undefined);
  proc.stderr.on('error', () => undefined);
  return { proc, startTime: new Date(), output: () => tail };
}

/**
 * Recovers a stressor (chaos-daemon CancelStressors): SIGTERM to it, as bpm does, and wait for it to
 * end; whatever of its process tree is still alive after `graceMs` is SIGKILLed, so nothing survives.
 */
export async function stopStressor(s: RunningStressor, graceMs = 5000): Promise<void> {
  const tree = processTree(s.proc.pid);
  if (tree.length === 0) return;
  s.proc.kill('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && tree.some(isAlive)) await sleep(25);
  const survivors = [...tree.filter(isAlive), ...processTree(s.proc.pid)];
  if (survivors.length) {
    signalProcesses(survivors, 'SIGKILL');
    while (survivors.some(isAlive) && Date.now() < deadline + 2000) await sleep(10);
  }
}

/**
 * Faults stress-ng, sh, sleep, choom and perl into the page cache from the sandbox's own cgroup. Page cache is
 * charged to the cgroup that first reads a page; without this the first stressor would charge several
 * MiB of program text to the first target container. On a node, memStress's pages are likewise cached
 * once for every later experiment.
 */
export async function warmStressorPageCache(): Promise<void> {
  const run = promisify(execFile);
  await run('choom', ['-n', '0', '--', 'sh', '-c', 'sleep 0']);
  await run('stress-ng', ['--vm', '1', '--vm-bytes', '4096', '--vm-keep', '--vm-method', 'write64', '--vm-madvise', 'normal', '--no-oom-adjust', '--oomable', '--vm-ops', '1', '--timeout', '5', '--quiet']);
  // the ramping client (memStress --time), after stress-ng so a host without perl still warms stress-ng
  await run('perl', ['-Minteger', '-e', '1']);
}
