// The sandbox's container runtime (what containerd + runc are on a node): makes pod and
// container cgroups, starts a container's main process inside its cgroup and private mount
// namespace, tells how it ended (OOMKilled from the kernel's own oom_kill counter), stops
// containers by killing every process of their cgroup, and removes every cgroup it made.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { ContainerProcess } from '../contracts';
import { CgroupManager, detectCgroupLayout, emptyCgroup, type CgroupLayout, type CgroupVersion } from './cgroup';
import { ContainerLog } from './logs';
import { bootMicros, oomKilledPids } from './kmsg';
import { spawnJoined, spawnMain, BASE_PATH } from './process';

export interface ContainerExit {
  exitCode: number;
  signal: NodeJS.Signals | null;
  /** `OOMKilled`, `Completed` (exit 0) or `Error`, as containerd's CRI reports them. */
  reason: 'OOMKilled' | 'Completed' | 'Error';
  finishedAt: Date;
  /** The container cgroup's oom_kill counter when the main process ended. */
  oomKills: number;
}

export interface StartContainerOptions {
  podUid: string;
  argv: string[];
  env: Record<string, string>;
  workingDir?: string;
  memoryLimit?: number;
  oomScoreAdj: number;
  captureOutput: boolean;
  logMaxBytes?: number;
}

/** One instance of a container: a new cgroup, main process and log per (re)start, as with a real runtime. */
export class RuntimeContainer {
  /** Set when the runtime itself stopped the container: its SIGKILL is then not the kernel's OOM kill. */
  stopRequested = false;
  exit: ContainerExit | undefined;

  constructor(
    readonly id: string,
    readonly podUid: string,
    readonly cgroupDir: string,
    readonly main: ContainerProcess,
    readonly log: ContainerLog,
    readonly startedAt: Date,
    readonly oomScoreAdj: number,
    readonly env: Record<string, string>,
    /** The container's working directory: exec sessions start there too, as with runc exec. */
    readonly workingDir: string | undefined,
    /** Resolves when the main process has ended and every other process of the container is gone. */
    readonly exited: Promise<ContainerExit>,
  ) {}

  get running(): boolean {
    return this.exit === undefined;
  }
}

const SIGNALS = osConstants.signals as Record<string, number>;

const CAP_SYS_RESOURCE = 24;

/** Whether this process may lower oom_score_adj below its own (CAP_SYS_RESOURCE in its effective set). */
export function canLowerOomScoreAdj(): boolean {
  try {
    const hex = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return hex !== undefined && ((BigInt('0x' + hex) >> BigInt(CAP_SYS_RESOURCE)) & 1n) === 1n;
  } catch {
    return false;
  }
}

/**
 * The oom_score_adj a process started by this runtime really gets when `requested` is asked:
 * without CAP_SYS_RESOURCE the kernel refuses values below the parent's own, which is then kept.
 */
export function effectiveOomScoreAdj(requested: number): number {
  if (canLowerOomScoreAdj()) return requested;
  let own = 0;
  try {
    own = Number(readFileSync('/proc/self/oom_score_adj', 'utf8').trim());
  } catch {
    // keep 0
  }
  return Math.max(requested, own);
}

export class SandboxRuntime {
  readonly cgroups: CgroupManager;
  private readonly containers = new Set<RuntimeContainer>();

  constructor(instanceName: string, layout: CgroupLayout = detectCgroupLayout()) {
    this.cgroups = new CgroupManager(layout, instanceName);
  }

  get version(): CgroupVersion {
    return this.cgroups.version;
  }

  get layout(): CgroupLayout {
    return this.cgroups.layout;
  }

  async init(log?: (line: string) => void): Promise<void> {
    await this.cgroups.init(log);
  }

  async createPod(podUid: string, memoryLimit?: number): Promise<void> {
    await this.cgroups.createPod(podUid, memoryLimit);
  }

  async startContainer(o: StartContainerOptions): Promise<RuntimeContainer> {
    const id = randomBytes(32).toString('hex');
    const dir = await this.cgroups.createContainer(o.podUid, id, { memoryLimit: o.memoryLimit });
    const env = { PATH: BASE_PATH, ...o.env };
    const startedBootMicros = bootMicros();
    const main = spawnMain({
      cgroupDir: dir,
      version: this.version,
      containerView: this.layout.containerView,
      oomScoreAdj: o.oomScoreAdj,
      argv: o.argv,
      env,
      workingDir: o.workingDir,
      captureOutput: o.captureOutput,
    });
    const log = new ContainerLog(o.logMaxBytes);
    if (o.captureOutput) {
      log.attach(main.stdout, 'stdout');
      log.attach(main.stderr, 'stderr');
    }
    const holder: { container?: RuntimeContainer } = {};
    const exited = main.exited.then(async ({ code, signal }) => {
      const finishedAt = new Date();
      const oomKills = await this.cgroups.oomKillCount(dir);
      // The main process is gone: the rest of the container goes with it (as when PID 1 of a
      // PID namespace dies), then the instance's cgroup is removed.
      await this.cgroups.destroyContainer(o.podUid, id).catch(() => emptyCgroup(dir).catch(() => undefined));
      const exitCode = code ?? 128 + (signal ? (SIGNALS[signal] ?? 0) : 0);
      // OOMKilled only when the kernel's counter moved, the runtime did not send the kill itself,
      // and (when the kernel log is readable) the log names the main process as the victim: exit
      // 137 alone is not proof (liveness kills and `kill -9` give it too), and the counter alone
      // also counts a stressor killed earlier beside a main process that lived on.
      let oomKilled = signal === 'SIGKILL' && oomKills > 0 && !holder.container!.stopRequested;
      if (oomKilled) {
        const victims = oomKilledPids(startedBootMicros);
        if (victims) oomKilled = victims.has(main.pid);
      }
      const reason: ContainerExit['reason'] = oomKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error';
      const exit: ContainerExit = { exitCode, signal, reason, finishedAt, oomKills };
      holder.container!.exit = exit;
      this.containers.delete(holder.container!);
      return exit;
    });
    const container = new RuntimeContainer(id, o.podUid, dir, main, log, new Date(), o.oomScoreAdj, env, o.workingDir, exited);
    holder.container = container;
    this.containers.add(container);
    // like `runc start`, return once the process runs inside the container (exec can enter it);
    // a shim failure shows up as the instance's exit (status 125)
    await main.setUp;
    return container;
  }

  /** SIGTERM to the main process, SIGKILL to everything left after the grace period. */
  async stopContainer(c: RuntimeContainer, gracePeriodSeconds: number): Promise<ContainerExit> {
    if (c.exit) return c.exit;
    c.stopRequested = true;
    if (gracePeriodSeconds > 0) {
      c.main.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        c.exited.then(() => false),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => r(true), gracePeriodSeconds * 1000);
        }),
      ]);
      clearTimeout(timer);
      if (!timedOut) return c.exited;
    }
    await emptyCgroup(c.cgroupDir).catch(() => undefined);
    return c.exited;
  }

  /** A process in the container's cgroup and namespaces (`kubectl exec`). */
  exec(c: RuntimeContainer, argv: string[], stdin: boolean, tty: boolean): ContainerProcess {
    return spawnJoined({
      cgroupDir: c.cgroupDir,
      version: this.version,
      oomScoreAdj: c.oomScoreAdj,
      namespacesOf: c.main.pid,
      // like the main process, which falls back to / when its workingDir does not exist
      workingDir: c.workingDir && existsSync(c.workingDir) ? c.workingDir : undefined,
      argv,
      env: c.env,
      stdin,
      tty,
    });
  }

  /** A process in the container's cgroup the way chaos-daemon starts its stressors (host filesystem, `choom`-style oom_score_adj). */
  spawnIn(c: RuntimeContainer, argv: string[], oomScoreAdj?: number): ContainerProcess {
    return spawnJoined({ cgroupDir: c.cgroupDir, version: this.version, oomScoreAdj, argv, env: { PATH: BASE_PATH }, stdin: false, tty: false });
  }

  async removePod(podUid: string): Promise<void> {
    await this.cgroups.destroyPod(podUid);
  }

  /** Kills every process and removes every cgroup this runtime made. */
  async destroy(): Promise<void> {
    for (const c of this.containers) c.stopRequested = true;
    await this.cgroups.destroy();
    await Promise.all([...this.containers].map((c) => c.exited.catch(() => undefined)));
  }
}
