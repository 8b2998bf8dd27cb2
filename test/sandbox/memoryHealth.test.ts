// The probe story driven by memory alone: the sandbox/hello-kubernetes-memory-health image answers
// /healthz with 503 while its container's working set (read by the app from its own cgroup files)
// is above 80% of its limit. With a liveness probe on it, a memory stress leads to real probe
// failures and a kubelet restart, without freezing the app (compare the frozen-app test in
// stress.test.ts, where the restart comes from SIGSTOP).
import * as assert from 'node:assert/strict';
import { request } from 'node:http';
import { ChaosMeshController } from './chaos/controller';
import { eventLines, helloPod, stressChaos, testPort, waitFor } from './chaos/testSupport';
import type { StressChaos } from './chaos/types';
import { Kubelet } from './kubelet';
import { Store } from './store';

const NS = 'memory-health';
const C = 'hello-kubernetes';
const POD = 'health';

interface ContainerStatus {
  restartCount: number;
  state?: { running?: unknown };
  lastState?: { terminated?: { reason: string; exitCode: number } };
}

/** GET /healthz on the pod's IP: status code and body. */
function healthz(ip: string, port: number): Promise<{ code: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: ip, port, path: '/healthz', timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

suite('sandbox image hello-kubernetes-memory-health: a memory stress fails the liveness probe', function () {
  this.timeout(120000);
  let store: Store;
  let kubelet: Kubelet;
  let chaos: ChaosMeshController;
  const port = testPort();

  const status = (): ContainerStatus => (store.get('pods', NS, POD)!.status as { containerStatuses: ContainerStatus[] }).containerStatuses[0];
  const podIp = (): string => (store.get('pods', NS, POD)!.status as { podIP: string }).podIP;

  suiteSetup(async () => {
    store = new Store();
    kubelet = new Kubelet(store, { nodeNames: ['health-node'], instanceName: `health-${process.pid}` });
    await kubelet.start();
    chaos = new ChaosMeshController(store, kubelet);
    await chaos.start();
    // the default scenario's hello-kubernetes-memory-health pod: limit 500Mi, liveness every 2 s, 3 failures
    const pod = helloPod(NS, POD, { image: 'sandbox/hello-kubernetes-memory-health', holdMemory: '64Mi', port, liveness: { periodSeconds: 2, timeoutSeconds: 1, failureThreshold: 3 } });
    store.create('pods', pod);
    await waitFor('the pod running', () => !!status()?.state?.running && !!kubelet.containerPid(NS, POD, C));
  });

  suiteTeardown(async () => {
    await chaos?.stop();
    await kubelet?.stop();
  });

  test('without stress /healthz answers 200 with its working set below 80% of the 500Mi limit', async () => {
    const r = await waitFor('the app answering', () => healthz(podIp(), port).catch(() => undefined));
    assert.equal(r.code, 200, r.body);
    const m = /^ok: working set ([\d.]+)Mi of limit 500\.0Mi \(([\d.]+)%, threshold 80%\)$/.exec(r.body.trim());
    assert.ok(m, r.body);
    // HOLD_MEMORY 64Mi plus node itself: well under the threshold of 400Mi
    assert.ok(Number(m[1]) >= 64 && Number(m[1]) < 400, r.body);
  });

  test('a 400MiB stress: /healthz answers 503, the liveness probe fails 3 times, the kubelet restarts the container and the stress is gone', async () => {
    const restartsBefore = status().restartCount;
    store.create('stresschaos', chaos.admit('CREATE', stressChaos(NS, 'over-threshold', { mode: 'all', selector: { labelSelectors: { app: POD } }, stressors: { memory: { workers: 1, size: '400MiB' } } })));
    const unhealthy = await waitFor('/healthz failing', async () => {
      const r = await healthz(podIp(), port).catch(() => undefined);
      return r?.code === 503 ? r : undefined;
    }, 60000, 200);
    assert.match(unhealthy.body, /^unhealthy: working set [\d.]+Mi of limit 500\.0Mi \((8\d|9\d|100)\.\d%, threshold 80%\)/);
    await waitFor('the container restarted', () => status().restartCount > restartsBefore && !!status().state?.running, 60000);
    const lines = eventLines(store, store.get('pods', NS, POD)!);
    // The kubelet saw the probe fail: with the 503 above, or, on a loaded machine, by its 1 s timeout
    // while the app faulted its evicted code back in (the same memory pressure).
    assert.ok(lines.some((l) => l.startsWith('Unhealthy: Liveness probe failed: ')), lines.join('\n'));
    assert.ok(lines.includes(`Killing: Container ${C} failed liveness probe, will be restarted`), lines.join('\n'));
    // the kubelet's SIGTERM ends the app (no handler): exit 143, not an OOM
    assert.notEqual(status().lastState?.terminated?.reason, 'OOMKilled');
    const o = store.get('stresschaos', NS, 'over-threshold') as StressChaos;
    assert.equal(o.status!.experiment.containerRecords![0].phase, 'Injected', 'Chaos Mesh still says Injected');
    // the new container runs without the stressor, so it is healthy again
    const r = await waitFor('the new container answering 200', async () => {
      const x = await healthz(podIp(), port).catch(() => undefined);
      return x?.code === 200 ? x : undefined;
    }, 30000, 200);
    assert.match(r.body, /^ok: /);
    store.delete('stresschaos', NS, 'over-threshold');
    await waitFor('the experiment deleted', () => store.get('stresschaos', NS, 'over-threshold') === undefined);
  });
});
