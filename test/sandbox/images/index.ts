// The sandbox's "images": what a container runs when its spec gives no `command`. There is no
// registry and no root filesystem: every container runs on the host's filesystem, inside its own
// memory cgroup and mount namespace.
//
//   sandbox/hello-kubernetes   a small Node HTTP server (hello-kubernetes.js beside this file) on
//                              the pod's IP and its first containerPort, holding HOLD_MEMORY of
//                              touched memory; answers `/` and `/healthz`. The container first
//                              copies the node executable and the script into its own "rootfs"
//                              and runs the copies (HELLO_LAUNCHER says why).
//                              paulbouwer/hello-kubernetes:<any tag> runs the same.
//   sandbox/hello-kubernetes-memory-health
//                              the same app whose `/healthz` fails (503) while the container's
//                              working set is above HEALTH_MAX_WORKING_SET_PERCENT (80) of its
//                              limit, as framework memory health checks do: with a liveness probe,
//                              a memory stress leads to probe failures and a kubelet restart.
//   sandbox/pause              `sleep infinity`: a tiny process, for 2,000-pod benchmarks.
//                              registry.k8s.io/pause:<any tag> runs the same.
//
// With `command` (and/or `args`), the container runs that real command on the host's binaries
// whatever the image (`busybox`, `ubuntu`... are just names here): `command` replaces the image's
// entrypoint and `args` its arguments, as on a real runtime. An unknown image without `command`
// cannot start: the kubelet reports ErrImagePull with a message listing the sandbox images.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';

export interface ImageDefinition {
  /** Canonical name, e.g. `sandbox/hello-kubernetes`. */
  name: string;
  entrypoint: string[];
  cmd: string[];
  /** Environment the image sets (the container's `env` overrides it). */
  env: Record<string, string>;
  /** false when the image never writes to stdout/stderr (no log pipes needed). */
  writesLogs: boolean;
  /** `sha256:...` of what the image runs, for `imageID`. */
  digest: string;
}

const HELLO_SCRIPT = path.join(__dirname, 'hello-kubernetes.js');

const digestOf = (text: string) => 'sha256:' + createHash('sha256').update(text).digest('hex');

/** Where the hello-kubernetes containers put their rootfs copies: /var/tmp is disk, not tmpfs (FHS). */
export const ROOTFS_DIR = '/var/tmp';
/** Rootfs copies are named `<prefix><pid of the container's main process>-<random>`. */
export const ROOTFS_PREFIX = 'pmc-sandbox-rootfs-';

/**
 * The hello-kubernetes entrypoint: `sh -c HELLO_LAUNCHER hello-kubernetes <node> <script>`, run by
 * the container's own main process, inside its memory cgroup.
 *
 * Why copy: the kernel charges a page-cache page to the memory cgroup of the process that first
 * reads (or writes) it, and keeps that charge for as long as the page stays cached. The host's
 * `node` is already cached, charged to whoever ran it first (the test runner, the editor...), so
 * a container running it directly has its code pages outside its own cgroup: memory pressure in
 * the container can never evict them and the app never slows down, whatever the stress. On a
 * node, the image's layers are files that only the container reads, so its code is charged to
 * its own cgroup; under a stress near the limit the kernel reclaims those pages and the app
 * faults them back from disk, which slows it (how much depends on the disk and the stress:
 * stress.test.ts measures it here). Writing a private copy from inside the container charges
 * ~95 MiB of page cache (the ~32 MiB the app maps among it) to the container, as an image's
 * files would be.
 *
 * The copies are files on disk (/var/tmp): tmpfs pages are shmem, which reclaim cannot drop
 * without swap, so a tmpfs copy would pin the app's code as surely as the host's page cache.
 *
 * No leftovers: each copy is opened (fd 4/5 for node, 6/7 for the script) and unlinked at once,
 * before anything is written, and the app runs from the open descriptors (/proc/self/fd/N). The
 * files then live only as long as the container's processes hold them: the kernel frees them when
 * the container ends, however it ends (SIGKILL, an OOM kill, the sandbox's stop). Only a kill in
 * the instant between mktemp and rm can leave an empty file, named after the main process's pid:
 * removeStaleRootfs clears those at the next hello-kubernetes start.
 *
 * Written without `$$` or `$(`: the kubelet expands $(VAR) and `$$` in the argv it runs.
 * `--preserve-symlinks-main`: node would otherwise resolve /proc/self/fd/6 to the deleted path
 * and fail to find the script.
 */
export const HELLO_LAUNCHER = [
  'set -e',
  'read -r pid rest </proc/self/stat',
  `node_copy=\`mktemp ${ROOTFS_DIR}/${ROOTFS_PREFIX}"\${pid}"-XXXXXXXX\``,
  `script_copy=\`mktemp ${ROOTFS_DIR}/${ROOTFS_PREFIX}"\${pid}"-XXXXXXXX\``,
  'exec 5>"$node_copy" 4<"$node_copy" 7>"$script_copy" 6<"$script_copy"',
  'rm -f "$node_copy" "$script_copy"',
  'cat "$1" >&5',
  'cat "$2" >&7',
  // the write descriptors are closed before exec: the kernel refuses to run a file open for writing
  'exec 5>&- 7>&-',
  'chmod 555 /proc/self/fd/4',
  'exec /proc/self/fd/4 --preserve-symlinks-main /proc/self/fd/6',
].join('\n');

/** Removes rootfs copies whose owner is gone (only a kill between mktemp and rm leaves one). */
export function removeStaleRootfs(): void {
  let names: string[];
  try {
    names = readdirSync(ROOTFS_DIR).filter((n) => n.startsWith(ROOTFS_PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^(\d+)-/.exec(name.slice(ROOTFS_PREFIX.length))?.[1]);
    if (!Number.isInteger(pid) || pid <= 0 || !existsSync(`/proc/${pid}`)) rmSync(path.join(ROOTFS_DIR, name), { force: true });
  }
}

let helloDigest: string | undefined;

function helloImage(): ImageDefinition {
  helloDigest ??= digestOf(readFileSync(HELLO_SCRIPT, 'utf8'));
  return {
    name: 'sandbox/hello-kubernetes',
    entrypoint: ['sh', '-c', HELLO_LAUNCHER, 'hello-kubernetes', process.execPath, HELLO_SCRIPT],
    cmd: [],
    // the kubelet replaces it with the container's first containerPort when there is one
    env: { PORT: '8080' },
    writesLogs: true,
    digest: helloDigest,
  };
}

/** The app with a memory health check: `/healthz` fails above 80% of the limit (the container's env overrides it). */
function memoryHealthImage(): ImageDefinition {
  const hello = helloImage();
  return {
    ...hello,
    name: 'sandbox/hello-kubernetes-memory-health',
    env: { ...hello.env, HEALTH_MAX_WORKING_SET_PERCENT: '80' },
    digest: digestOf(`${hello.digest} HEALTH_MAX_WORKING_SET_PERCENT=80`),
  };
}

function pauseImage(): ImageDefinition {
  return { name: 'sandbox/pause', entrypoint: ['sleep', 'infinity'], cmd: [], env: {}, writesLogs: false, digest: digestOf('sleep infinity') };
}

/** `registry/name:tag@sha256:...` → `registry/name`. */
export function imageRepository(image: string): string {
  let s = image.split('@')[0];
  const slash = s.lastIndexOf('/');
  const colon = s.lastIndexOf(':');
  if (colon > slash) s = s.slice(0, colon);
  return s.replace(/^docker\.io\/(library\/)?/, '');
}

const KNOWN: Record<string, () => ImageDefinition> = {
  'sandbox/hello-kubernetes': helloImage,
  'paulbouwer/hello-kubernetes': helloImage,
  'sandbox/hello-kubernetes-memory-health': memoryHealthImage,
  'sandbox/pause': pauseImage,
  'registry.k8s.io/pause': pauseImage,
  'k8s.gcr.io/pause': pauseImage,
};

export const SANDBOX_IMAGES = ['sandbox/hello-kubernetes', 'sandbox/hello-kubernetes-memory-health', 'sandbox/pause'];

/** The image definition, or undefined for an image the sandbox does not have. */
export function lookupImage(image: string): ImageDefinition | undefined {
  return KNOWN[imageRepository(image)]?.();
}

/** The `imageID` kubelet reports: `<repository>@sha256:<digest>`. */
export function imageId(image: string): string {
  const def = lookupImage(image);
  return `${imageRepository(image)}@${def ? def.digest : digestOf(image)}`;
}

export interface ResolvedCommand {
  argv: string[];
  /**
   * Per argv entry: whether it came from the pod spec's `command`/`args`. Only those get the
   * kubelet's `$(VAR)` expansion; an image's ENTRYPOINT and CMD are passed as they are.
   */
  fromSpec: boolean[];
  env: Record<string, string>;
  writesLogs: boolean;
}

/**
 * The argv a container runs: Kubernetes' rule — `command` replaces the entrypoint, `args`
 * replaces the image's cmd. Throws with the kubelet-facing message when there is nothing to run.
 */
export function resolveCommand(image: string, command: string[] | undefined, args: string[] | undefined): ResolvedCommand {
  const def = lookupImage(image);
  if (command?.length) {
    const argv = [...command, ...(args ?? [])];
    return { argv, fromSpec: argv.map(() => true), env: def?.env ?? {}, writesLogs: true };
  }
  if (!def) {
    throw new Error(
      `image "${image}" is not available in the sandbox: its images are ${SANDBOX_IMAGES.join(', ')}; other images need an explicit command (it runs on the host's binaries)`,
    );
  }
  if (def.entrypoint[0] === 'sh' && def.entrypoint[2] === HELLO_LAUNCHER) removeStaleRootfs();
  const tail = args ?? def.cmd;
  return {
    argv: [...def.entrypoint, ...tail],
    fromSpec: [...def.entrypoint.map(() => false), ...tail.map(() => args !== undefined)],
    env: def.env,
    writesLogs: def.writesLogs || !!args?.length,
  };
}
