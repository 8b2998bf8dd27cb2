// Probe handlers as the kubelet's prober runs them (pkg/probe/http, tcp, exec), with the same
// success rules and the same failure texts the `Unhealthy` events carry, e.g.
// `Get "http://127.1.0.2:8080/healthz": dial tcp 127.1.0.2:8080: connect: connection refused`,
// `HTTP probe failed with statuscode: 500`.
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { ContainerProcess } from '../contracts';

export interface ProbeSpec {
  httpGet?: { path?: string; port: number | string; host?: string; scheme?: string; httpHeaders?: { name: string; value: string }[] };
  tcpSocket?: { port: number | string; host?: string };
  exec?: { command?: string[] };
  grpc?: { port: number; service?: string };
  initialDelaySeconds?: number;
  timeoutSeconds?: number;
  periodSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
  terminationGracePeriodSeconds?: number;
}

export interface ProbeResult {
  ok: boolean;
  output: string;
}

/** The probe's parameters with the API defaults applied. */
export function probeTiming(p: ProbeSpec): { initialDelay: number; timeout: number; period: number; success: number; failure: number } {
  return {
    initialDelay: p.initialDelaySeconds ?? 0,
    timeout: p.timeoutSeconds || 1,
    period: p.periodSeconds || 10,
    success: p.successThreshold || 1,
    failure: p.failureThreshold || 3,
  };
}

interface ContainerPort {
  name?: string;
  containerPort: number;
}

function resolvePort(port: number | string, ports: ContainerPort[] | undefined): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const found = ports?.find((p) => p.name === port);
  if (!found) throw new Error(`couldn't find port: ${port}`);
  return found.containerPort;
}

const goErrno = (e: NodeJS.ErrnoException): string => {
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'connect: connection refused';
    case 'ECONNRESET':
      return 'read: connection reset by peer';
    case 'EHOSTUNREACH':
      return 'connect: no route to host';
    default:
      return e.message;
  }
};

export interface ProbeContext {
  podIP: string;
  ports?: ContainerPort[];
  /** For exec probes: runs the command in the container. */
  exec(argv: string[]): ContainerProcess;
  /** e.g. `kube-probe/1.33`. */
  userAgent: string;
}

export async function runProbe(p: ProbeSpec, ctx: ProbeContext): Promise<ProbeResult> {
  const { timeout } = probeTiming(p);
  try {
    if (p.httpGet) return await httpProbe(p.httpGet, ctx, timeout);
    if (p.tcpSocket) return await tcpProbe(p.tcpSocket, ctx, timeout);
    if (p.exec) return await execProbe(p.exec.command ?? [], ctx, timeout);
    if (p.grpc) return { ok: false, output: 'gRPC probes are not supported by the sandbox kubelet' };
    return { ok: false, output: 'probe has no handler' };
  } catch (e) {
    return { ok: false, output: (e as Error).message };
  }
}

function httpProbe(g: NonNullable<ProbeSpec['httpGet']>, ctx: ProbeContext, timeoutS: number): Promise<ProbeResult> {
  const host = g.host || ctx.podIP;
  const port = resolvePort(g.port, ctx.ports);
  const scheme = (g.scheme ?? 'HTTP').toLowerCase();
  let reqPath = g.path ?? '/';
  if (!reqPath.startsWith('/')) reqPath = '/' + reqPath;
  const url = `${scheme}://${host}:${port}${reqPath}`;
  const headers: Record<string, string> = { 'User-Agent': ctx.userAgent, Accept: '*/*' };
  for (const h of g.httpHeaders ?? []) headers[h.name] = h.value;
  const mod = scheme === 'https' ? https : http;
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: ProbeResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = mod.request(url, { method: 'GET', headers, agent: false, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (body.length < 10240) body += c;
      });
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        if (code >= 200 && code < 400) finish({ ok: true, output: body });
        else finish({ ok: false, output: `HTTP probe failed with statuscode: ${code}` });
      });
      res.on('error', (e) => finish({ ok: false, output: `Get "${url}": ${e.message}` }));
    });
    const timer = setTimeout(() => {
      finish({ ok: false, output: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
      req.destroy();
    }, timeoutS * 1000);
    req.on('error', (e: NodeJS.ErrnoException) => finish({ ok: false, output: `Get "${url}": dial tcp ${host}:${port}: ${goErrno(e)}` }));
    req.end();
  });
}

function tcpProbe(t: NonNullable<ProbeSpec['tcpSocket']>, ctx: ProbeContext, timeoutS: number): Promise<ProbeResult> {
  const host = t.host || ctx.podIP;
  const port = resolvePort(t.port, ctx.ports);
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const timer = setTimeout(() => {
      sock.destroy();
      resolve({ ok: false, output: `dial tcp ${host}:${port}: i/o timeout` });
    }, timeoutS * 1000);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ ok: true, output: '' });
    });
    sock.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ ok: false, output: `dial tcp ${host}:${port}: ${goErrno(e)}` });
    });
  });
}

async function execProbe(command: string[], ctx: ProbeContext, timeoutS: number): Promise<ProbeResult> {
  if (!command.length) return { ok: false, output: 'exec probe has no command' };
  const proc = ctx.exec(command);
  let output = '';
  const collect = (c: Buffer) => {
    if (output.length < 10240) output += c.toString('utf8');
  };
  proc.stdout.on('data', collect);
  proc.stderr.on('data', collect);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((r) => {
    timer = setTimeout(() => r('timeout'), timeoutS * 1000);
  });
  const result = await Promise.race([proc.exited, timedOut]);
  clearTimeout(timer);
  if (result === 'timeout') {
    proc.kill('SIGKILL');
    return { ok: false, output: `command ${JSON.stringify(command.join(' '))} timed out` };
  }
  return { ok: result.code === 0, output };
}
