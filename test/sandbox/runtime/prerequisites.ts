// What the sandbox's node needs from the machine, checked before anything is made, with a
// message that says exactly what is missing and how to get it.
import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';
import { SandboxPrerequisiteError } from './errors';

/** The absolute path of an executable on PATH (plus the sbin directories root has), or undefined. */
export function findExecutable(name: string, searchPath = process.env.PATH ?? ''): string | undefined {
  const dirs = [...searchPath.split(':'), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

interface Tool {
  name: string;
  /** What the sandbox uses it for (documentation). */
  why: string;
  install: string;
}

const TOOLS: Tool[] = [
  { name: 'stress-ng', why: 'Chaos Mesh stressors run it', install: 'sudo apt-get install stress-ng' },
  { name: 'unshare', why: 'each container gets a private mount namespace', install: 'sudo apt-get install util-linux' },
  { name: 'nsenter', why: 'exec enters a container', install: 'sudo apt-get install util-linux' },
  { name: 'mount', why: 'each container sees its own cgroup at /sys/fs/cgroup', install: 'sudo apt-get install mount' },
  { name: 'script', why: 'exec with a TTY', install: 'sudo apt-get install bsdutils' },
];

/** Throws SandboxPrerequisiteError naming the first missing prerequisite. */
export function checkPrerequisites(uid: number = process.getuid?.() ?? -1, find: (name: string) => string | undefined = findExecutable): void {
  if (uid !== 0) {
    throw new SandboxPrerequisiteError(
      `the sandbox must run as root (it creates memory cgroups and mount namespaces; current uid is ${uid}): run it with sudo, e.g. \`sudo -E npm run sandbox\``,
    );
  }
  for (const t of TOOLS) {
    if (!find(t.name)) throw new SandboxPrerequisiteError(`${t.name} is not installed: run \`${t.install}\``);
  }
}
