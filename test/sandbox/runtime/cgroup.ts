// The sandbox's memory cgroup manager, for cgroup v1 (the legacy `memory` hierarchy) and
// cgroup v2 (the unified hierarchy), laid out as a kubelet with the cgroupfs driver does:
//
//   <memory mount>/pmc-sandbox-<instance>/pod<uid>/<container id>
//
// The sandbox root is one directory per sandbox run. Its owner (pid plus the pid's start time,
// so a recycled pid is not taken for the owner) is recorded in /run/pmc-sandbox/<root>.json
// BEFORE the directory is made: a root whose owner is dead, or that has no owner file, is a
// crashed run's leftover and the next start removes it. Roots of live owners (other sandboxes
// running in parallel) are never touched.
import { promises as fsp, readFileSync, existsSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { SandboxPrerequisiteError } from './errors';

export type CgroupVersion = 1 | 2;

export interface CgroupLayout {
  version: CgroupVersion;
  /** Where the memory hierarchy is mounted on the host: `/sys/fs/cgroup/memory` (v1), `/sys/fs/cgroup` (v2). */
  mountPoint: string;
  /** Where a container sees its own cgroup, as runc presents it. */
  containerView: string;
}

export interface MountInfo {
  mountPoint: string;
  fsType: string;
  superOptions: string[];
}

/** The mounts of /proc/self/mountinfo (proc(5)): mount point (field 5), fs type and super options after the ` - ` separator. */
export function parseMountInfo(text: string): MountInfo[] {
  const out: MountInfo[] = [];
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const right = line.slice(sep + 3).split(' ');
    // mount points escape spaces and such as \040
    const mountPoint = left[4].replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
    out.push({ mountPoint, fsType: right[0], superOptions: (right[2] ?? '').split(',') });
  }
  return out;
}

function readMountInfo(): MountInfo[] {
  return parseMountInfo(readFileSync('/proc/self/mountinfo', 'utf8'));
}

/**
 * v2 when a cgroup2 mount offers the memory controller (a unified host, or a hybrid one that
 * moved memory to v2), else the v1 memory hierarchy. Throws SandboxPrerequisiteError when neither.
 */
export function detectCgroupLayout(mounts: MountInfo[] = readMountInfo()): CgroupLayout {
  for (const m of mounts) {
    if (m.fsType !== 'cgroup2') continue;
    let controllers: string;
    try {
      controllers = readFileSync(path.join(m.mountPoint, 'cgroup.controllers'), 'utf8');
    } catch {
      continue;
    }
    if (controllers.split(/\s+/).includes('memory')) return { version: 2, mountPoint: m.mountPoint, containerView: '/sys/fs/cgroup' };
  }
  for (const m of mounts) {
    if (m.fsType === 'cgroup' && m.superOptions.includes('memory')) return { version: 1, mountPoint: m.mountPoint, containerView: '/sys/fs/cgroup/memory' };
  }
  throw new SandboxPrerequisiteError(
    'no cgroup memory controller is mounted: the sandbox needs either cgroup v2 with the memory controller (/sys/fs/cgroup/cgroup.controllers lists "memory") ' +
      'or the cgroup v1 memory hierarchy (mount -t cgroup -o memory cgroup /sys/fs/cgroup/memory)',
  );
}

export const OWNER_DIR = '/run/pmc-sandbox';
const ROOT_PREFIX = 'pmc-sandbox-';

interface OwnerRecord {
  pid: number;
  /** Field 22 of /proc/<pid>/stat: tells a live owner from a recycled pid. */
  startTime: string;
  instanceName: string;
  created: string;
}

export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: split after its closing paren
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function ownerAlive(rec: { pid: number; startTime: string } | undefined): boolean {
  return !!rec && processStartTime(rec.pid) === rec.startTime;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function readPids(dir: string): Promise<number[]> {
  try {
    const text = await fsp.readFile(path.join(dir, 'cgroup.procs'), 'utf8');
    return text.split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Sends SIGKILL to every process in `dir` (and below) until none is left, then removes the directories bottom-up. */
export async function destroyCgroupTree(dir: string, timeoutMs = 10000): Promise<void> {
  let entries: string[];
  try {
    entries = (await fsp.readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  await Promise.all(entries.map((name) => destroyCgroupTree(path.join(dir, name), timeoutMs)));
  await emptyCgroup(dir, timeoutMs);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fsp.rmdir(dir);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      // EBUSY: a task is still exiting; kill again and retry
      if (Date.now() > deadline) throw new Error(`cannot remove cgroup ${dir}: ${(e as Error).message}`, { cause: e });
      await emptyCgroup(dir, timeoutMs);
      await sleep(20);
    }
  }
}

/** Kills every process of one cgroup (not its children) and waits until cgroup.procs is empty. */
export async function emptyCgroup(dir: string, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pids = await readPids(dir);
    if (!pids.length) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (Date.now() > deadline) throw new Error(`processes ${pids.join(', ')} in cgroup ${dir} did not die within ${timeoutMs} ms`);
    await sleep(10);
  }
}

/** The memory cgroup files a container's limit lives in. */
export interface ContainerCgroupSpec {
  /** Bytes, or undefined for no limit. */
  memoryLimit?: number;
}

export class CgroupManager {
  readonly root: string;
  private readonly ownerFile: string;

  constructor(readonly layout: CgroupLayout, readonly instanceName: string) {
    if (!/^[A-Za-z0-9_.-]+$/.test(instanceName)) throw new Error(`instance name "${instanceName}" must be letters, digits, '-', '_' or '.'`);
    this.root = path.join(layout.mountPoint, ROOT_PREFIX + instanceName);
    this.ownerFile = path.join(OWNER_DIR, `${ROOT_PREFIX}${instanceName}.json`);
  }

  get version(): CgroupVersion {
    return this.layout.version;
  }

  /**
   * Removes leftovers of dead owners (any instance name), then makes this run's root.
   * Throws when a live process already owns this instance name.
   */
  async init(log: (line: string) => void = () => {}): Promise<void> {
    mkdirSync(OWNER_DIR, { recursive: true });
    await this.removeLeftovers(log);
    const record: OwnerRecord = {
      pid: process.pid,
      startTime: processStartTime(process.pid) ?? '',
      instanceName: this.instanceName,
      created: new Date().toISOString(),
    };
    writeFileSync(this.ownerFile, JSON.stringify(record));
    try {
      if (this.version === 2) await this.enableMemoryController(this.layout.mountPoint);
      await fsp.mkdir(this.root);
      if (this.version === 2) await this.enableMemoryController(this.root);
      else await this.ensureHierarchy(this.root);
    } catch (e) {
      rmSync(this.ownerFile, { force: true });
      const err = e as NodeJS.ErrnoException;
      throw new SandboxPrerequisiteError(
        `cannot create the sandbox's memory cgroup ${this.root}: ${err.message}. The sandbox needs root and a writable cgroup memory hierarchy ` +
          `(run it as root, outside a read-only /sys/fs/cgroup; in a container, give it --privileged or a writable cgroup mount)`,
      );
    }
  }

  private async removeLeftovers(log: (line: string) => void): Promise<void> {
    let names: string[];
    try {
      names = (await fsp.readdir(this.layout.mountPoint)).filter((n) => n.startsWith(ROOT_PREFIX));
    } catch {
      return;
    }
    for (const name of names) {
      const ownerFile = path.join(OWNER_DIR, `${name}.json`);
      let rec: OwnerRecord | undefined;
      try {
        rec = JSON.parse(readFileSync(ownerFile, 'utf8')) as OwnerRecord;
      } catch {
        rec = undefined;
      }
      if (ownerAlive(rec)) {
        if (name === ROOT_PREFIX + this.instanceName) {
          throw new Error(`sandbox instance "${this.instanceName}" is already running (pid ${rec!.pid}); stop it or choose another instance name`);
        }
        continue;
      }
      const dir = path.join(this.layout.mountPoint, name);
      log(`removing leftovers of a crashed sandbox run: ${dir}${rec ? ` (owner pid ${rec.pid} is gone)` : ' (no owner record)'}`);
      await destroyCgroupTree(dir);
      rmSync(ownerFile, { force: true });
    }
    // owner files whose cgroup is already gone
    for (const f of existsSync(OWNER_DIR) ? await fsp.readdir(OWNER_DIR) : []) {
      if (!f.startsWith(ROOT_PREFIX) || !f.endsWith('.json')) continue;
      if (existsSync(path.join(this.layout.mountPoint, f.slice(0, -5)))) continue;
      let rec: OwnerRecord | undefined;
      try {
        rec = JSON.parse(readFileSync(path.join(OWNER_DIR, f), 'utf8')) as OwnerRecord;
      } catch {
        rec = undefined;
      }
      // a live owner may be between writing its record and making its directory
      if (!ownerAlive(rec)) rmSync(path.join(OWNER_DIR, f), { force: true });
    }
  }

  private async enableMemoryController(dir: string): Promise<void> {
    const current = (await fsp.readFile(path.join(dir, 'cgroup.subtree_control'), 'utf8')).split(/\s+/);
    if (!current.includes('memory')) await fsp.writeFile(path.join(dir, 'cgroup.subtree_control'), '+memory');
  }

  /** v1: hierarchical accounting, so a pod cgroup's limit covers its containers (always on in kernels >= 6.x). */
  private async ensureHierarchy(dir: string): Promise<void> {
    const file = path.join(dir, 'memory.use_hierarchy');
    try {
      if ((await fsp.readFile(file, 'utf8')).trim() !== '1') await fsp.writeFile(file, '1');
    } catch {
      // the file is gone from kernels where hierarchy is the only mode
    }
  }

  podDir(podUid: string): string {
    return path.join(this.root, `pod${podUid}`);
  }

  containerDir(podUid: string, containerId: string): string {
    return path.join(this.podDir(podUid), containerId);
  }

  /** The pod cgroup: limited to the sum of its containers' limits when every container has one, as the kubelet does. */
  async createPod(podUid: string, memoryLimit?: number): Promise<string> {
    const dir = this.podDir(podUid);
    await fsp.mkdir(dir, { recursive: false }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
    if (this.version === 2) await this.enableMemoryController(dir);
    if (memoryLimit !== undefined) await this.writeLimit(dir, memoryLimit);
    return dir;
  }

  async createContainer(podUid: string, containerId: string, spec: ContainerCgroupSpec): Promise<string> {
    const dir = this.containerDir(podUid, containerId);
    await fsp.mkdir(dir);
    if (spec.memoryLimit !== undefined) await this.writeLimit(dir, spec.memoryLimit);
    if (this.version === 2) {
      // Kubernetes >= 1.28 on cgroup v2: an OOM kills the whole container (singleProcessOOMKill=false)
      await fsp.writeFile(path.join(dir, 'memory.oom.group'), '1');
      // the kubelet's default NoSwap behaviour; the file exists only with swap accounting
      await fsp.writeFile(path.join(dir, 'memory.swap.max'), '0').catch(() => undefined);
    }
    return dir;
  }

  private async writeLimit(dir: string, bytes: number): Promise<void> {
    if (this.version === 2) {
      await fsp.writeFile(path.join(dir, 'memory.max'), String(bytes));
      return;
    }
    await fsp.writeFile(path.join(dir, 'memory.limit_in_bytes'), String(bytes));
    // v1 without swap: the kubelet sets memory+swap to the memory limit. memsw files are absent
    // when the kernel has no swap accounting; opencontainers/cgroups treats that as "not supported".
    await fsp.writeFile(path.join(dir, 'memory.memsw.limit_in_bytes'), String(bytes)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }

  /** Kills every process of the container and removes its cgroup. */
  async destroyContainer(podUid: string, containerId: string): Promise<void> {
    await destroyCgroupTree(this.containerDir(podUid, containerId));
  }

  async destroyPod(podUid: string): Promise<void> {
    await destroyCgroupTree(this.podDir(podUid));
  }

  /** Kills everything and removes the root and the owner record. */
  async destroy(): Promise<void> {
    await destroyCgroupTree(this.root);
    rmSync(this.ownerFile, { force: true });
  }

  /** The kernel's count of OOM kills in the cgroup (v1 memory.oom_control / v2 memory.events `oom_kill`). */
  async oomKillCount(dir: string): Promise<number> {
    const file = this.version === 2 ? 'memory.events' : 'memory.oom_control';
    try {
      const text = await fsp.readFile(path.join(dir, file), 'utf8');
      const m = /^oom_kill (\d+)$/m.exec(text);
      return m ? Number(m[1]) : 0;
    } catch {
      return 0;
    }
  }

  async pids(dir: string): Promise<number[]> {
    return readPids(dir);
  }
}
