// Processes inside a container: the container's main process, `kubectl exec` sessions and
// Chaos Mesh's stressors. Every one is started through a small `sh` shim that first moves itself
// into the container's memory cgroup and sets its oom_score_adj, THEN execs what it runs, so the
// command itself is inside the cgroup (charged, limited, counted) from its first instruction and
// every child inherits both.
//
// The main process gets a private mount namespace (`unshare --mount --propagation private`) in
// which the container's own cgroup directory is bind-mounted where runc presents it: on v1 onto
// /sys/fs/cgroup/memory, on v2 onto /sys/fs/cgroup (with a cgroup namespace rooted at the
// container's cgroup, as containerd gives unprivileged containers on v2, so /proc/self/cgroup
// reads `0::/`). The host's view is untouched. Exec sessions enter that same mount (and on v2
// cgroup) namespace with `nsenter`, as runc exec joins the container's namespaces.
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import type { ContainerProcess } from '../contracts';
import type { CgroupVersion } from './cgroup';

/** Exit status 125: the shim could not put the process into its container (the runtime's own failure). */
export const SHIM_FAILURE_EXIT = 125;

const MAIN_SHIM = [
  'cg="$1"; view="$2"; adj="$3"; dir="$4"; ns="$5"; shift 5',
  'echo $$ > "$cg/cgroup.procs" || { echo "sandbox runtime: cannot join cgroup $cg" >&2; exit 125; }',
  // Lowering oom_score_adj below 0 needs CAP_SYS_RESOURCE; without it the process keeps the
  // inherited value and the runtime reports the difference (see effectiveOomScoreAdj).
  'echo "$adj" 2>/dev/null > /proc/self/oom_score_adj',
  // the inner sh runs in the new mount namespace: bind the cgroup, then become the command
  // fd 3 tells the runtime the container is set up (cgroup joined, mount done) just before the
  // command replaces the shell; it is closed first so the command never sees it
  `exec unshare --mount --propagation private $ns -- sh -c 'mount --bind "$1" "$2" || { echo "sandbox runtime: cannot mount the container cgroup" >&2; exit 125; }; cd "$3" 2>/dev/null || cd /; shift 3; printf ok >&3; exec 3>&-; exec "$@"' sh "$cg" "$view" "$dir" "$@"`,
].join('\n');

const JOIN_SHIM = [
  'cg="$1"; adj="$2"; target="$3"; ns="$4"; dir="$5"; shift 5',
  'echo $$ > "$cg/cgroup.procs" || { echo "sandbox runtime: cannot join cgroup $cg" >&2; exit 125; }',
  'if [ -n "$adj" ]; then echo "$adj" 2>/dev/null > /proc/self/oom_score_adj; fi',
  'if [ -n "$target" ]; then exec nsenter -t "$target" $ns --wd="$dir" -- "$@"; fi',
  'exec "$@"',
].join('\n');

/** Container processes never see the kubelet's environment (it may hold credentials). */
export const BASE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

class SpawnedProcess implements ContainerProcess {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly stdout: Readable;
  readonly stderr: Readable;

  constructor(readonly child: ChildProcess) {
    this.stdout = child.stdout ?? emptyStream();
    this.stderr = child.stderr ?? emptyStream();
    this.exited = new Promise((resolve) => {
      child.once('error', () => resolve({ code: 127, signal: null }));
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get stdin() {
    return this.child.stdin;
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    try {
      this.child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function emptyStream(): Readable {
  const s = new PassThrough();
  s.end();
  return s;
}

export interface MainProcessOptions {
  cgroupDir: string;
  version: CgroupVersion;
  /** Where the container sees its own cgroup (/sys/fs/cgroup/memory on v1, /sys/fs/cgroup on v2). */
  containerView: string;
  oomScoreAdj: number;
  argv: string[];
  env: Record<string, string>;
  workingDir?: string;
  /** false: stdout/stderr go to /dev/null (used for images known to print nothing, saving two pipes per pod). */
  captureOutput: boolean;
}

/**
 * Starts a container's main process. `setUp` resolves true once the process is in its cgroup and
 * mount namespace and is about to exec the command (false when the shim failed first).
 */
export function spawnMain(o: MainProcessOptions): ContainerProcess & { child: ChildProcess; setUp: Promise<boolean> } {
  const nsFlags = o.version === 2 ? '--cgroup' : '';
  const child = spawn('sh', ['-c', MAIN_SHIM, 'sh', o.cgroupDir, o.containerView, String(o.oomScoreAdj), o.workingDir ?? '/', nsFlags, ...o.argv], {
    env: o.env,
    cwd: '/',
    stdio: ['ignore', o.captureOutput ? 'pipe' : 'ignore', o.captureOutput ? 'pipe' : 'ignore', 'pipe'],
  });
  const proc = new SpawnedProcess(child);
  const ready = child.stdio[3] as Readable | null;
  const setUp = new Promise<boolean>((resolve) => {
    if (!ready) return resolve(false);
    let got = '';
    ready.on('data', (d: Buffer) => (got += d.toString()));
    ready.once('close', () => resolve(got === 'ok'));
    ready.once('error', () => resolve(false));
  });
  return Object.assign(proc, { setUp });
}

export interface JoinOptions {
  cgroupDir: string;
  version: CgroupVersion;
  /** oom_score_adj for the new process (inherited by its children); undefined keeps the kubelet's. */
  oomScoreAdj?: number;
  /** Enter this process's mount (and, on v2, cgroup) namespace: the container's main process. */
  namespacesOf?: number;
  argv: string[];
  env: Record<string, string>;
  workingDir?: string;
  stdin: boolean;
  tty: boolean;
}

/** POSIX shell quoting, for the one place a command line must be a string (`script -c`). */
export function shellQuote(argv: string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_./=:,+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * Runs a command in the container's cgroup (exec sessions and chaos stressors). With `tty`, the
 * command runs under `script`, which gives it a pseudo-terminal (stderr then comes out merged in
 * stdout, as with a real TTY) and returns the command's exit status.
 */
export function spawnJoined(o: JoinOptions): ContainerProcess {
  const ns = o.version === 2 ? '-m -C' : '-m';
  const argv = o.tty ? ['script', '-qfec', shellQuote(o.argv), '/dev/null'] : o.argv;
  const child = spawn(
    'sh',
    ['-c', JOIN_SHIM, 'sh', o.cgroupDir, o.oomScoreAdj === undefined ? '' : String(o.oomScoreAdj), o.namespacesOf ? String(o.namespacesOf) : '', ns, o.workingDir ?? '/', ...argv],
    {
      env: o.tty ? { TERM: 'xterm', ...o.env } : o.env,
      cwd: '/',
      stdio: [o.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    },
  );
  const proc = new SpawnedProcess(child);
  if (!o.tty) return proc;
  return Object.assign(proc, { resize: (columns: number, rows: number) => void resizeScriptTerminal(proc, columns, rows) });
}

/** The pseudo-terminal `script` gave its command: the command's stdin, /dev/pts/N. */
async function scriptTerminal(scriptPid: number): Promise<string | undefined> {
  let entries: string[];
  try {
    entries = await fsp.readdir('/proc');
  } catch {
    return undefined;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await fsp.readFile(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== scriptPid) continue;
      const tty = await fsp.readlink(`/proc/${name}/fd/0`);
      if (tty.startsWith('/dev/pts/')) return tty;
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/**
 * A TTY resize (kubectl sends one before anything else): `stty -F` on the command's terminal sets
 * its size and the kernel sends SIGWINCH to its foreground process group, as a runtime's
 * TIOCSWINSZ on the console does. The terminal may not exist yet right after the start: retried
 * for a second.
 */
async function resizeScriptTerminal(proc: ContainerProcess, columns: number, rows: number): Promise<void> {
  let done = false;
  void proc.exited.then(() => (done = true));
  for (let attempt = 0; attempt < 20 && !done; attempt++) {
    const tty = await scriptTerminal(proc.pid);
    if (tty) {
      spawn('stty', ['-F', tty, 'cols', String(Math.round(columns)), 'rows', String(Math.round(rows))], { stdio: 'ignore' }).on('error', () => undefined);
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
