// pods/exec over WebSocket, the channel protocol kubectl ≥1.30 and client-node speak
// (wire doc §4): binary frames whose first byte is the channel — 0 stdin, 1 stdout, 2 stderr,
// 3 status, 4 resize, 255 close (v5 only, client→server) — and the kubelet's exact Status JSON
// on channel 3 when the command ends. SPDY (kubectl ≤1.29) is refused by the server before this.
import os from 'node:os';
import type { Readable } from 'node:stream';
import type { WebSocket } from 'ws';
import type { ContainerProcess, NodeAgent } from '../contracts';
import { ApiError } from '../store';

export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

const STDIN = 0, STDOUT = 1, STDERR = 2, STATUS = 3, RESIZE = 4, CLOSE = 255;

export interface ExecRequest {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** The Status the kubelet writes on the error channel (`v4WriteStatusFunc`: metav1.Status without TypeMeta). */
export function exitStatus(command: string[], code: number): Record<string, unknown> {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

function internalError(message: string): Record<string, unknown> {
  return { metadata: {}, status: 'Failure', message, reason: 'InternalError', details: { causes: [{ message }] }, code: 500 };
}

/** The exit code a container runtime reports: the status, or 128 + signal number. */
function exitCodeOf(r: { code: number | null; signal: NodeJS.Signals | null }): number {
  if (r.code !== null) return r.code;
  const n = r.signal ? os.constants.signals[r.signal] : undefined;
  return 128 + (n ?? 9);
}

const frame = (channel: number, data: Buffer | string): Buffer => Buffer.concat([Buffer.from([channel]), typeof data === 'string' ? Buffer.from(data) : data]);

/** Runs one exec session on an accepted WebSocket; resolves when the socket is closed. */
export function serveExec(ws: WebSocket, node: NodeAgent, r: ExecRequest, log: (l: string) => void): Promise<void> {
  const v5 = ws.protocol === 'v5.channel.k8s.io';
  return new Promise((resolve) => {
    let proc: ContainerProcess;
    const finish = (status: Record<string, unknown>) => {
      if (ws.readyState === ws.OPEN) {
        ws.send(frame(STATUS, JSON.stringify(status)));
        ws.close(1000);
      }
    };
    ws.on('close', () => resolve());
    ws.on('error', (e) => log(`exec ${r.namespace}/${r.pod}/${r.container}: websocket error: ${e.message}`));
    try {
      proc = node.exec(r.namespace, r.pod, r.container, r.command, { stdin: r.stdin, tty: r.tty });
    } catch (e) {
      finish(internalError(e instanceof Error ? e.message : String(e)));
      return;
    }
    const pump = (stream: Readable, channel: number, wanted: boolean): Promise<void> =>
      new Promise((done) => {
        stream.on('data', (chunk: Buffer) => {
          // Only requested channels may be written: client-node throws on unexpected ones.
          if (wanted && ws.readyState === ws.OPEN) ws.send(frame(channel, chunk));
        });
        stream.on('end', done);
        stream.on('close', done);
        stream.on('error', () => done());
      });
    const outputs = Promise.all([pump(proc.stdout, STDOUT, r.stdout), pump(proc.stderr, STDERR, r.stderr && !r.tty)]);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const buf = isBinary ? data : Buffer.from(data);
      if (buf.length === 0) return;
      const channel = buf[0];
      const payload = buf.subarray(1);
      if (channel === STDIN) {
        if (proc.stdin && !proc.stdin.writableEnded) proc.stdin.write(payload);
      } else if (channel === RESIZE) {
        try {
          const size = JSON.parse(payload.toString()) as { Width?: number; Height?: number };
          if (size.Width && size.Height) proc.resize?.(size.Width, size.Height);
        } catch {
          // a malformed resize is ignored, as the kubelet does
        }
      } else if (channel === CLOSE && v5 && payload[0] === STDIN) {
        proc.stdin?.end();
      }
    });
    let exited = false;
    ws.on('close', () => {
      // The client went away (Ctrl-C, or v4 closing for stdin EOF): the session's process goes too.
      proc.stdin?.end();
      if (!exited) proc.kill('SIGKILL');
    });
    proc.exited
      .then(async (result) => {
        exited = true;
        // Some runtimes leave a grandchild holding the pipes open: do not wait forever for EOF.
        await Promise.race([outputs, new Promise((t) => setTimeout(t, 2000))]);
        finish(exitStatus(r.command, exitCodeOf(result)));
      })
      .catch((e: unknown) => finish(internalError(e instanceof Error ? e.message : String(e))));
  });
}

/** The apiserver's checks before it connects to the kubelet: the container must exist in the pod. */
export function resolveContainer(pod: { metadata: { name?: string }; spec?: unknown }, requested: string | null): string {
  const spec = (pod.spec ?? {}) as { containers?: Array<{ name: string }>; initContainers?: Array<{ name: string }> };
  const names = (spec.containers ?? []).map((c) => c.name);
  const podName = pod.metadata.name ?? '';
  if (!requested) {
    if (names.length === 1) return names[0];
    throw new ApiError(400, 'BadRequest', `a container name must be specified for pod ${podName}, choose one of: [${names.join(' ')}]`);
  }
  const all = [...names, ...(spec.initContainers ?? []).map((c) => c.name)];
  if (!all.includes(requested)) throw new ApiError(400, 'BadRequest', `container ${requested} is not valid for pod ${podName}`);
  return requested;
}
