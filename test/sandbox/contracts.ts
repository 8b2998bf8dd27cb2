// The contracts between the sandbox's parts, so the API server (api/), the kubelet and
// container runtime (runtime/, kubelet.ts) and the Chaos Mesh controller (chaos/) can be
// built and tested apart. Everything here is served from real processes and real cgroups.
import type { Readable, Writable } from 'node:stream';

/** A process started inside a container: by `kubectl exec`, or by Chaos Mesh's daemon. */
export interface ContainerProcess {
  readonly pid: number;
  /** Null when stdin was not requested. */
  readonly stdin: Writable | null;
  readonly stdout: Readable;
  /** With a TTY, stderr is merged into stdout and this stream stays empty. */
  readonly stderr: Readable;
  /** Resolves when the process exits: `code` is the exit status, or null with `signal` set. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
  /** Only with a TTY: new terminal size. */
  resize?(columns: number, rows: number): void;
}

export interface ExecOptions {
  stdin: boolean;
  tty: boolean;
}

export interface LogOptions {
  previous?: boolean;
  tailLines?: number;
  timestamps?: boolean;
}

/**
 * What the API server and the Chaos Mesh controller need from the node side.
 * Methods throw `ApiError` (from store.ts) with the status a real kubelet/apiserver would
 * give, e.g. 400 `container x is not valid for pod y`, 404 for an unknown pod.
 */
export interface NodeAgent {
  /** Runs `command` inside the container: its cgroup, a private mount namespace where
   *  /sys/fs/cgroup shows the container's own cgroup as runc presents it. */
  exec(namespace: string, pod: string, container: string, command: string[], options: ExecOptions): ContainerProcess;

  /** Starts a process in the container's cgroup the way chaos-daemon does (no exec session):
   *  `oomScoreAdj` is written to /proc/<pid>/oom_score_adj after start when given. */
  spawnInContainer(namespace: string, pod: string, container: string, argv: string[], oomScoreAdj?: number): ContainerProcess;

  /** The container's log (its stdout/stderr), current or previous instance. */
  logs(namespace: string, pod: string, container: string, options: LogOptions): string;

  /** The kubelet Summary API body (`/api/v1/nodes/{node}/proxy/stats/summary`), from the real cgroups. */
  summary(nodeName: string): Promise<Record<string, unknown>>;

  /** metrics.k8s.io `PodMetrics` objects (working set from the real cgroups), optionally filtered. */
  podMetrics(namespace?: string, name?: string): Promise<Record<string, unknown>[]>;

  /** metrics.k8s.io `NodeMetrics` objects. */
  nodeMetrics(): Promise<Record<string, unknown>[]>;
}
