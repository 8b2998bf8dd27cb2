// startSandbox().stop() leaves nothing behind: no container process, no stressor, no exec
// session, no cgroup under the sandbox root, and the API server no longer listens.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { startSandbox, type Sandbox } from './cluster';
import { detectCgroupLayout } from './runtime/cgroup';
import type { KObject } from './store';

function pidsUnder(dir: string): number[] {
  const pids: number[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name === 'cgroup.procs') pids.push(...fs.readFileSync(path.join(d, e.name), 'utf8').split('\n').filter(Boolean).map(Number));
    }
  };
  walk(dir);
  return pids;
}

/** A process that still runs: a zombie (dead, waiting for its parent to reap it) does not count. */
const alive = (pid: number) => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

async function until<T>(what: string, fn: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

suite('sandbox cleanup', () => {
  let sandbox: Sandbox | undefined;
  let dir: string;

  suiteSetup(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-cleanup-test-'));
  });

  suiteTeardown(async () => {
    await sandbox?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('stop() with a running stress and an open exec session leaves no process, no cgroup and no listener', async () => {
    const instance = `cleanup-test-${process.pid}`;
    const root = path.join(detectCgroupLayout().mountPoint, `pmc-sandbox-${instance}`);
    sandbox = await startSandbox({ kubeconfigPath: path.join(dir, 'kubeconfig'), instanceName: instance });
    const s = sandbox;
    await until('all containers running', () => (pidsUnder(root).length >= 6 ? true : undefined));
    const before = pidsUnder(root).length;
    // A real memory stress (stress-ng inside the catalog container's cgroup)...
    const chaos: KObject = {
      apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'StressChaos', metadata: { name: 'cleanup-stress', namespace: 'shop' },
      spec: { mode: 'one', selector: { labelSelectors: { 'app.kubernetes.io/name': 'catalog' } }, stressors: { memory: { workers: 1, size: '8MB' } } },
    };
    s.store.create('stresschaos', s.chaos.admit('CREATE', chaos));
    await until('the stressor processes', () => (pidsUnder(root).length > before ? true : undefined));
    // ...and an exec session that would run for an hour.
    const port = Number(new URL(s.url).port);
    const ws = new WebSocket(`wss://127.0.0.1:${port}/api/v1/namespaces/hello-kubernetes/pods/hello-kubernetes-unprobed/exec?command=sleep&command=3600&stdout=true`,
      ['v5.channel.k8s.io'], { ca: s.pki.caCert, cert: s.pki.clientCert, key: s.pki.clientKey });
    const closed = new Promise<void>((resolve) => ws.on('close', () => resolve()));
    ws.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => resolve());
      ws.on('unexpected-response', () => reject(new Error('exec refused')));
    });
    const withExec = await until('the exec process', () => {
      const p = pidsUnder(root);
      return p.length > before + 1 ? p : undefined;
    });

    await s.stop();
    sandbox = undefined;
    await closed;
    assert.equal(fs.existsSync(root), false, `${root} survived`);
    assert.deepEqual(withExec.filter(alive), [], 'processes of the sandbox survived its stop');
    const refused = await new Promise<string>((resolve) => {
      const c = net.connect(port, '127.0.0.1');
      c.on('connect', () => {
        c.destroy();
        resolve('connected');
      });
      c.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    assert.equal(refused, 'ECONNREFUSED');
  });
});
