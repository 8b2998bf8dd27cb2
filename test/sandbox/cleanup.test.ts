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
import { isRunning, pidsUnder, until } from './testing';

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
    // A real memory stress (stress-ng inside the catalog container's cgroup)...
    const chaos: KObject = {
      apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'StressChaos', metadata: { name: 'cleanup-stress', namespace: 'shop' },
      spec: { mode: 'one', selector: { labelSelectors: { 'app.kubernetes.io/name': 'catalog' } }, stressors: { memory: { workers: 1, size: '8MB' } } },
    };
    s.store.create('stresschaos', s.chaos.admit('CREATE', chaos));
    // Counting pids is no sign: containers' start-up processes come and go meanwhile. Look for it.
    const isStressor = (pid: number) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('stress-ng');
      } catch {
        return false;
      }
    };
    await until('the stressor processes', () => (pidsUnder(root).some(isStressor) ? true : undefined));
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
    const isExecSleep = (pid: number) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8') === 'sleep\x003600\x00';
      } catch {
        return false;
      }
    };
    const withExec = await until('the exec process', () => {
      const p = pidsUnder(root);
      return p.some(isExecSleep) ? p : undefined;
    });

    await s.stop();
    sandbox = undefined;
    await closed;
    assert.equal(fs.existsSync(root), false, `${root} survived`);
    assert.deepEqual(withExec.filter(isRunning), [], 'processes of the sandbox survived its stop');
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
