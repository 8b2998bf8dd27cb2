// The sandbox's "images": what a container runs when its spec gives no `command`. There is no
// registry and no root filesystem: every container runs on the host's filesystem, inside its own
// memory cgroup and mount namespace.
//
//   sandbox/hello-kubernetes   a small Node HTTP server (hello-kubernetes.js beside this file) on
//                              the pod's IP and its first containerPort, holding HOLD_MEMORY of
//                              touched memory; answers `/` and `/healthz`.
//                              paulbouwer/hello-kubernetes:<any tag> runs the same.
//   sandbox/pause              `sleep infinity`: a tiny process, for 2,000-pod benchmarks.
//                              registry.k8s.io/pause:<any tag> runs the same.
//
// With `command` (and/or `args`), the container runs that real command on the host's binaries
// whatever the image (`busybox`, `ubuntu`... are just names here): `command` replaces the image's
// entrypoint and `args` its arguments, as on a real runtime. An unknown image without `command`
// cannot start: the kubelet reports ErrImagePull with a message listing the sandbox images.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
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

let helloDigest: string | undefined;

function helloImage(): ImageDefinition {
  helloDigest ??= digestOf(readFileSync(HELLO_SCRIPT, 'utf8'));
  return {
    name: 'sandbox/hello-kubernetes',
    entrypoint: [process.execPath, HELLO_SCRIPT],
    cmd: [],
    // the kubelet replaces it with the container's first containerPort when there is one
    env: { PORT: '8080' },
    writesLogs: true,
    digest: helloDigest,
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
  'sandbox/pause': pauseImage,
  'registry.k8s.io/pause': pauseImage,
  'k8s.gcr.io/pause': pauseImage,
};

export const SANDBOX_IMAGES = ['sandbox/hello-kubernetes', 'sandbox/pause'];

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
  env: Record<string, string>;
  writesLogs: boolean;
}

/**
 * The argv a container runs: Kubernetes' rule — `command` replaces the entrypoint, `args`
 * replaces the image's cmd. Throws with the kubelet-facing message when there is nothing to run.
 */
export function resolveCommand(image: string, command: string[] | undefined, args: string[] | undefined): ResolvedCommand {
  const def = lookupImage(image);
  if (command?.length) return { argv: [...command, ...(args ?? [])], env: def?.env ?? {}, writesLogs: true };
  if (!def) {
    throw new Error(
      `image "${image}" is not available in the sandbox: its images are ${SANDBOX_IMAGES.join(', ')}; other images need an explicit command (it runs on the host's binaries)`,
    );
  }
  return { argv: [...def.entrypoint, ...(args ?? def.cmd)], env: def.env, writesLogs: def.writesLogs || !!args?.length };
}
