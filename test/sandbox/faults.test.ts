// The fault matrix of issue 12, sandbox-only: each fault is switched on in the sandbox's API server
// (test/sandbox/api/server.ts `faults`, expireWatches, dropExecStreams — the product knows nothing
// of them) and src/cluster is driven as the Pods view and the results panel drive it. Each test
// checks the words the user is shown (the ClusterError message the tree shows verbatim, the
// panel's notices) and that the fault reaches the log (the results listener's `fault`, which the
// panel writes to the output channel). Expected values are the scenario's names, the server's own
// words and figures this test records itself.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig, setHeaderOptions } from '@kubernetes/client-node';
import { ChaosMeshClient } from '../../src/cluster/chaosMesh';
import { ClusterError } from '../../src/cluster/errors';
import { MemoryResults, type ResultsFault } from '../../src/cluster/memoryResults';
import { ObjectWatch, type WatchState } from '../../src/cluster/objectWatch';
import { PodMemoryClient } from '../../src/cluster/podMemoryClient';
import { openSession, type ClusterSession } from '../../src/cluster/session';
import type { Pod } from '../../src/core';
import type { SampleBatch } from '../../src/webview/protocol';
import { startSandbox, type Sandbox } from './cluster';
import { until } from './testing';

const NS = 'hello-kubernetes';
const UNPROBED = 'hello-kubernetes-unprobed';
const C = 'hello-kubernetes';
const NODE = 'sandbox-node';

let sandbox: Sandbox;
let dir: string;
let kc: KubeConfig;
let session: ClusterSession;

/** What MemoryResults hands the panel and the log. */
class Collector {
  readonly batches: SampleBatch[] = [];
  readonly faults: ResultsFault[] = [];
  times(container: string): number[] {
    return this.batches.filter((b) => b.container === container).flatMap((b) => b.times);
  }
  listener = {
    samples: (b: SampleBatch[]) => void this.batches.push(...b),
    timeline: () => undefined,
    processes: () => undefined,
    status: () => undefined,
    fault: (f: ResultsFault) => void this.faults.push(f),
  };
}

const noticeMatching = (results: MemoryResults, re: RegExp): string | undefined => results.statusView().notices.find((n) => re.test(n));

suite('fault matrix (sandbox-only: the sandbox API server\'s fault switches) against src/cluster', function () {
  this.timeout(120_000);
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => void unhandled.push(e);

  suiteSetup(async () => {
    process.on('unhandledRejection', onUnhandled);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-faults-test-'));
    sandbox = await startSandbox({ kubeconfigPath: path.join(dir, 'kubeconfig') });
    kc = new KubeConfig();
    kc.loadFromFile(sandbox.kubeconfigPath);
    session = openSession(kc, 'sandbox');
    await until('all pods Running', () => (sandbox.store.list('pods').items.every((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running') ? true : undefined), 60_000);
  });

  teardown(() => {
    const f = sandbox.server.faults;
    f.rejectCredentials = false;
    f.delayMs = 0;
    f.noShell.clear();
    f.corruptSummary = undefined;
    f.corruptMetrics = undefined;
    f.metricsUnavailable = false;
    f.chaosMeshAbsent = false;
    assert.deepEqual(unhandled, [], 'no unhandled rejection');
  });

  suiteTeardown(async () => {
    process.off('unhandledRejection', onUnhandled);
    session?.dispose();
    await sandbox?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('401 (credentials refused): the pods watch stops for good and says so; the panel stops sampling and says why', async () => {
    sandbox.server.faults.rejectCredentials = true;
    let lists = 0;
    const states: WatchState[] = [];
    const watch = new ObjectWatch<Pod>({
      session,
      path: `/api/v1/namespaces/${NS}/pods`,
      list: async () => {
        lists++;
        const l = await session.getJson<{ items: Pod[]; metadata: { resourceVersion: string } }>(`/api/v1/namespaces/${NS}/pods`, { action: `listing pods in namespace "${NS}"` });
        return { items: l.items, resourceVersion: l.metadata.resourceVersion };
      },
      what: `pods in namespace "${NS}"`,
      onChange: () => undefined,
      onState: (s) => states.push(s),
      minBackoffMs: 100,
      maxBackoffMs: 200,
    }).start();
    const collector = new Collector();
    const results = new MemoryResults(session, { kind: 'pod', namespace: NS, pod: UNPROBED, container: C }, { intervalMs: 250 }, collector.listener);
    results.start();
    try {
      const failed = await until('the watch failed', () => (watch.state.state === 'failed' ? watch.state : undefined), 15_000);
      assert.equal(failed.error.kind, 'unauthorized');
      assert.match(failed.error.message, /^Context "sandbox": listing pods in namespace "hello-kubernetes" failed: the credentials were refused \(401 Unauthorized\); they may have expired\. Log in again/);
      // With a 100 ms back-off, a retrying watch would have listed many times by now.
      await new Promise((r) => setTimeout(r, 2000));
      assert.equal(lists, 1, 'listed once, never retried');
      assert.deepEqual(states.map((s) => s.state), ['listing', 'failed']);

      const notice = await until('the panel says it stopped', () => noticeMatching(results, /401 Unauthorized/), 15_000);
      assert.match(notice, /credentials were refused \(401 Unauthorized\).*Stopped following it: trying again cannot help/);
      assert.ok(collector.faults.some((f) => f.kind === 'unauthorized' && f.context === 'sandbox' && /401/.test(f.message)), JSON.stringify(collector.faults));
      assert.equal(collector.times(`${NS}/${UNPROBED}/${C}`).length, 0);
    } finally {
      watch.stop();
      results.stop();
    }
  });

  test('401 while sampling: the exec stream cannot reconnect, sampling stops with the reason instead of retrying', async () => {
    const collector = new Collector();
    const key = `${NS}/${UNPROBED}/${C}`;
    const results = new MemoryResults(session, { kind: 'pod', namespace: NS, pod: UNPROBED, container: C }, { intervalMs: 250 }, collector.listener);
    results.start();
    try {
      await until('samples', () => (collector.times(key).length >= 4 ? true : undefined), 30_000);
      sandbox.server.faults.rejectCredentials = true;
      sandbox.server.dropExecStreams();
      const notice = await until('sampling stopped for 401', () => noticeMatching(results, /Sampling stopped/), 30_000);
      assert.match(notice, /^hello-kubernetes-unprobed\/hello-kubernetes: Context "sandbox": exec into hello-kubernetes\/hello-kubernetes-unprobed container hello-kubernetes failed: the credentials were refused \(401 Unauthorized\).* Sampling stopped; reopen the panel after signing in again\.$/);
      const attempts = collector.faults.filter((f) => f.kind === 'unauthorized').length;
      await new Promise((r) => setTimeout(r, 4000));
      assert.equal(collector.faults.filter((f) => f.kind === 'unauthorized').length, attempts, 'no more attempts');
      assert.ok(!noticeMatching(results, /reconnecting in/));
    } finally {
      results.stop();
    }
  });

  test('an image without sh: the panel falls back to the Summary API and says why; the Pods view still has the container\'s memory', async () => {
    sandbox.server.faults.noShell.add(`${NS}/${UNPROBED}`);
    const collector = new Collector();
    const results = new MemoryResults(session, { kind: 'pod', namespace: NS, pod: UNPROBED, container: C }, { intervalMs: 250 }, collector.listener);
    results.start();
    const client = new PodMemoryClient('sandbox', openSession(kc, 'sandbox'), () => undefined);
    try {
      await until('a point from the Summary API', () => (collector.times(`${NS}/${UNPROBED}/${C}`).length > 0 ? true : undefined), 30_000);
      const status = results.statusView();
      assert.equal(status.source, 'summary-api');
      const notice = status.notices.find((n) => n.includes('Falling back'));
      assert.ok(notice, JSON.stringify(status.notices));
      assert.match(notice, /^hello-kubernetes: Container hello-kubernetes has no shell \(sh\) to run the sampler in \(OCI runtime exec failed: .*exec: "sh": executable file not found in \$PATH.*\)\. Falling back to the kubelet Summary API/);
      assert.ok(collector.faults.some((f) => f.kind === 'no-shell'), JSON.stringify(collector.faults));
      // The Pods view reads the Summary API, not exec: the container keeps its figures, and the
      // kernel OOM counter (read through exec) is simply unknown.
      const report = await client.memory([NODE], [NS]);
      assert.equal(report.source, 'summary');
      assert.ok((report.containers.get(`${NS}/${UNPROBED}/${C}`)?.workingSetBytes ?? 0n) > 0n);
      assert.equal(await client.oomKillCount(NS, UNPROBED, C), undefined);
    } finally {
      results.stop();
      client.dispose();
    }
  });

  test('the exec stream dropped mid-sample: the sampler reconnects by itself, the panel says lost and resumed, and no received sample is lost', async () => {
    const collector = new Collector();
    const key = `${NS}/${UNPROBED}/${C}`;
    const results = new MemoryResults(session, { kind: 'pod', namespace: NS, pod: UNPROBED, container: C }, { intervalMs: 250, flushMs: 100 }, collector.listener);
    results.start();
    try {
      await until('8 samples', () => (collector.times(key).length >= 8 ? true : undefined), 30_000);
      sandbox.server.dropExecStreams();
      const lost = await until('the loss announced', () => collector.faults.find((f) => f.kind === 'lost'), 15_000);
      assert.match(lost.message, /^hello-kubernetes-unprobed\/hello-kubernetes: the exec stream was lost at \d\d:\d\d:\d\d \(.*\); reconnecting in 1 s\.$/);
      const before = collector.times(key);
      const resumed = await until('the panel says it resumed', () => noticeMatching(results, /resumed at/), 30_000);
      assert.match(resumed, /the exec stream was lost at \d\d:\d\d:\d\d and resumed at \d\d:\d\d:\d\d; the samples received before it was lost are kept\./);
      await until('samples after the reconnection', () => (collector.times(key).length >= before.length + 4 ? true : undefined), 30_000);
      const kept = results.allSamples().find((b) => b.container === key)!.times;
      for (const t of before) assert.ok(kept.includes(t), `sample at ${t} kept`);
      assert.ok(collector.faults.some((f) => f.kind === 'resumed'));
    } finally {
      results.stop();
    }
  });

  test('the exec stream lost while the API server is away: reconnection attempts back off (1 s, 2 s, 4 s…), then sampling resumes by itself', async () => {
    const collector = new Collector();
    const key = `${NS}/${UNPROBED}/${C}`;
    const results = new MemoryResults(session, { kind: 'pod', namespace: NS, pod: UNPROBED, container: C }, { intervalMs: 250, flushMs: 100 }, collector.listener);
    results.start();
    let paused = false;
    try {
      await until('samples', () => (collector.times(key).length >= 4 ? true : undefined), 30_000);
      await sandbox.server.pause();
      paused = true;
      const waits = () => collector.faults.flatMap((f) => (f.action === `sampling ${key} through exec` ? [Number(/reconnecting in (\d+) s\.$/.exec(f.message)?.[1])] : []));
      await until('three reconnection attempts', () => (waits().length >= 3 ? true : undefined), 30_000);
      assert.deepEqual(waits().slice(0, 3), [1, 2, 4]);
      await sandbox.server.resume();
      paused = false;
      await until('the panel says it resumed', () => noticeMatching(results, /resumed at/), 60_000);
      const count = collector.times(key).length;
      await until('new samples', () => (collector.times(key).length >= count + 4 ? true : undefined), 30_000);
    } finally {
      if (paused) await sandbox.server.resume();
      results.stop();
    }
  });

  test('a watch whose history expired (410 Gone): it lists again and carries on, without a retry notice', async () => {
    let lists = 0;
    const states: WatchState['state'][] = [];
    const annotations: (string | undefined)[] = [];
    const recovered: ClusterError[] = [];
    const podsPath = `/api/v1/namespaces/${NS}/pods`;
    const watch = new ObjectWatch<Pod>({
      session,
      path: podsPath,
      list: async () => {
        lists++;
        const l = await session.getJson<{ items: Pod[]; metadata: { resourceVersion: string } }>(podsPath);
        return { items: l.items, resourceVersion: l.metadata.resourceVersion };
      },
      what: `pods in namespace "${NS}"`,
      onChange: (objects) => annotations.push(objects.get(`${NS}/${UNPROBED}`)?.metadata?.annotations?.['pmc-fault']),
      onState: (s) => states.push(s.state),
      onRecovered: (e) => recovered.push(e),
    }).start();
    try {
      await until('synced', () => (watch.state.state === 'synced' ? true : undefined), 15_000);
      // Well past the back-off of a watch that "closed right after it opened".
      await new Promise((r) => setTimeout(r, 1200));
      assert.equal(lists, 1);
      sandbox.server.expireWatches();
      await until('listed again after the 410', () => (lists >= 2 ? true : undefined), 15_000);
      await until('synced again', () => (watch.state.state === 'synced' ? true : undefined), 15_000);
      await session.core.patchNamespacedPod(
        { name: UNPROBED, namespace: NS, body: { metadata: { annotations: { 'pmc-fault': 'after-410' } } } },
        setHeaderOptions('Content-Type', 'application/merge-patch+json'),
      );
      await until('the watch saw a change made after the 410', () => (annotations.includes('after-410') ? true : undefined), 15_000);
      assert.ok(!states.includes('retrying'), `states: ${states.join(', ')}`);
      assert.equal(lists, 2);
      // Reported for the log: the context, what was being done, the kind.
      assert.deepEqual(recovered.map((e) => [e.kind, e.message]), [['gone', `Context "sandbox": watching pods in namespace "${NS}": the server's history is too old (410 Gone); reading everything again.`]]);
    } finally {
      watch.stop();
    }
  });

  test('an API that answers after 10 s: "not answering", then the pods watch recovers by itself once it answers again', async () => {
    sandbox.server.faults.delayMs = 10_000;
    await assert.rejects(session.getJson('/api/v1/namespaces', { action: 'listing namespaces' }), (e: unknown) => {
      assert.ok(e instanceof ClusterError);
      assert.equal(e.kind, 'timeout');
      assert.equal(e.message, 'Context "sandbox": listing namespaces failed: the API server is not answering (no answer in time). It may be overloaded; retrying later may help.');
      return true;
    });
    const client = new PodMemoryClient('sandbox', openSession(kc, 'sandbox'), () => undefined);
    try {
      const retrying = await until('the pods watch retrying', () => {
        const s = client.pods('shop').state;
        return s.state === 'retrying' ? s : undefined;
      }, 20_000);
      assert.equal(retrying.error.kind, 'timeout');
      assert.match(retrying.error.message, /listing pods in namespace "shop" failed: the API server is not answering/);
      sandbox.server.faults.delayMs = 0;
      await until('the pods watch synced', () => (client.pods('shop').state.state === 'synced' ? true : undefined), 40_000);
      assert.deepEqual(client.pods('shop').pods.map((p) => p.metadata?.name).sort(), ['cart-guaranteed', 'catalog-besteffort', 'checkout-with-sidecar']);
    } finally {
      client.dispose();
    }
  });

  test('the target pod deleted during a stress: the panel says so, sampling stops cleanly, nothing throws', async () => {
    const name = `doomed-${Date.now().toString(36)}`;
    await session.core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name, labels: { 'app.kubernetes.io/name': name } },
        spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: 'sandbox/pause', resources: { limits: { memory: '200Mi' } } }] },
      },
    });
    const chaos = new ChaosMeshClient(session);
    const collector = new Collector();
    const results = new MemoryResults(session, { kind: 'experiment', namespace: NS, name }, { intervalMs: 250 }, collector.listener);
    const key = `${NS}/${name}/app`;
    try {
      await until('the pod running', () => ((sandbox.store.get('pods', NS, name)?.status as { phase?: string } | undefined)?.phase === 'Running' ? true : undefined), 30_000);
      results.start();
      await chaos.create({
        apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'StressChaos', metadata: { name, namespace: NS },
        spec: { mode: 'all', selector: { labelSelectors: { 'app.kubernetes.io/name': name } }, stressors: { memory: { workers: 1, size: '16MiB' } }, duration: '5m' },
      });
      await until('samples of the stressed pod', () => (collector.times(key).length >= 4 ? true : undefined), 60_000);
      await session.core.deleteNamespacedPod({ name, namespace: NS });
      const notice = await until('the deletion announced', () => noticeMatching(results, /was deleted at/), 30_000);
      assert.equal(notice.replace(/\d\d:\d\d:\d\d/, 'HH:MM:SS'), `${name}/app: pod ${name} was deleted at HH:MM:SS; sampling stopped (the samples taken are kept).`);
      assert.ok(collector.faults.some((f) => f.kind === 'deleted' && f.action === `sampling ${NS}/${name} container app`), JSON.stringify(collector.faults));
      const count = collector.times(key).length;
      await new Promise((r) => setTimeout(r, 4000));
      assert.equal(collector.times(key).length, count, 'no samples after the deletion');
      assert.ok(!results.statusView().notices.some((n) => /reconnecting/.test(n)), 'no reconnection attempts');
    } finally {
      results.stop();
      await chaos.delete(NS, name, { timeoutMs: 30_000 }).catch(() => undefined);
      await session.core.deleteNamespacedPod({ name, namespace: NS }).catch(() => undefined);
    }
  });

  test('malformed Summary and metrics answers: clear messages, no crash, the other pods keep their figures', async () => {
    const client = new PodMemoryClient('sandbox', openSession(kc, 'sandbox'), () => undefined);
    try {
      // One pod's entry with wrong types: that pod is left out, with why; the others are there.
      sandbox.server.faults.corruptSummary = { wrongTypesFor: 'catalog-besteffort' };
      let report = await client.memory([NODE], ['shop']);
      assert.equal(report.source, 'summary');
      assert.ok(report.containers.get('shop/cart-guaranteed/cart'), 'cart keeps its figures');
      assert.ok(report.containers.get('shop/checkout-with-sidecar/checkout'), 'checkout keeps its figures');
      assert.equal(report.containers.get('shop/catalog-besteffort/catalog'), undefined);
      assert.match(report.problem ?? '', /^Context "sandbox": some memory figures could not be read and are left out \(the Summary API of node sandbox-node: pod catalog-besteffort: pods\[\d+\]\.memory is not an object\); the other pods' figures are shown\.$/);

      // Not JSON at all: metrics.k8s.io instead, saying why.
      sandbox.server.faults.corruptSummary = { garbage: true };
      report = await client.memory([NODE], ['shop']);
      assert.equal(report.source, 'metrics');
      assert.match(report.problem ?? '', /^Using metrics\.k8s\.io: Context "sandbox": .*Summary API of node sandbox-node.* failed: the answer could not be read \(not JSON: .*\)\.$/);
      assert.ok(report.containers.get('shop/cart-guaranteed/cart'));

      // metrics.k8s.io with one pod's usage of the wrong type too.
      sandbox.server.faults.corruptMetrics = { wrongTypesFor: 'catalog-besteffort' };
      report = await client.memory([NODE], ['shop']);
      assert.equal(report.source, 'metrics');
      assert.ok(report.containers.get('shop/cart-guaranteed/cart'), 'cart keeps its figures from metrics.k8s.io');
      assert.equal(report.containers.get('shop/catalog-besteffort/catalog'), undefined);
      assert.match(report.problem ?? '', /some memory figures could not be read and are left out \(metrics\.k8s\.io in namespace shop: pod catalog-besteffort: items\[\d+\]\.containers\[0\]\.usage\.memory is not a quantity: \{"value":"lots"\}\)/);
    } finally {
      client.dispose();
    }

    // The results panel's fallback (image without sh): a malformed Summary entry is announced and
    // it moves on to metrics.k8s.io, whose figure arrives.
    sandbox.server.faults.corruptMetrics = undefined;
    sandbox.server.faults.corruptSummary = { wrongTypesFor: UNPROBED };
    sandbox.server.faults.noShell.add(`${NS}/${UNPROBED}`);
    const collector = new Collector();
    const results = new MemoryResults(session, { kind: 'pod', namespace: NS, pod: UNPROBED, container: C }, { intervalMs: 250 }, collector.listener);
    results.start();
    try {
      const notice = await until('the malformed Summary answer announced', () => noticeMatching(results, /Summary API is not available/), 30_000);
      assert.match(notice, /^hello-kubernetes: the kubelet Summary API is not available \(Context "sandbox": reading the kubelet Summary API of node sandbox-node failed: the answer could not be read \(pod hello-kubernetes-unprobed: pods\[\d+\]\.memory is not an object\)\.\); using metrics\.k8s\.io/);
      assert.ok(collector.faults.some((f) => f.kind === 'malformed'), JSON.stringify(collector.faults));
      await until('a point from metrics.k8s.io', () => (collector.times(`${NS}/${UNPROBED}/${C}`).length > 0 ? true : undefined), 30_000);
      assert.equal(results.statusView().source, 'metrics-api');
    } finally {
      results.stop();
    }
  });

  test('the target container restarting (new cgroup, counters reset): the OOM kills counted before are kept, the restart is counted, nothing goes negative', async () => {
    const name = `restarter-${Date.now().toString(36)}`;
    await session.core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name, labels: { 'app.kubernetes.io/name': name } },
        spec: { restartPolicy: 'Always', containers: [{ name: 'app', image: 'sandbox/pause', resources: { limits: { memory: '100Mi' } } }] },
      },
    });
    const chaos = new ChaosMeshClient(session);
    const collector = new Collector();
    const results = new MemoryResults(session, { kind: 'pod', namespace: NS, pod: name, container: 'app' }, { intervalMs: 250 }, collector.listener);
    /** The kernel's own OOM-kill counter of the container's current cgroup, read by the test. */
    const kernelOomKills = (): number => {
      const d = sandbox.kubelet.containerCgroupDir(NS, name, 'app')!;
      const file = fs.existsSync(path.join(d, 'memory.events')) ? 'memory.events' : 'memory.oom_control';
      return Number(/^oom_kill (\d+)$/m.exec(fs.readFileSync(path.join(d, file), 'utf8'))?.[1] ?? NaN);
    };
    const summaryLine = () => results.statusView().summary.lines.find((l) => l.startsWith(`${name}/app: `) && / OOM kills?, /.test(l));
    try {
      const firstPid = await until('the container running', () => sandbox.kubelet.containerPid(NS, name, 'app'), 30_000);
      results.start();
      await until('samples', () => (collector.times(`${NS}/${name}/app`).length >= 4 ? true : undefined), 30_000);
      await chaos.create({
        apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'StressChaos', metadata: { name, namespace: NS },
        spec: { mode: 'all', selector: { labelSelectors: { 'app.kubernetes.io/name': name } }, stressors: { memory: { workers: 1, size: '3000MiB', options: ['--time', '3s'] } }, duration: '5m' },
      });
      await until('OOM kills in the container', () => (kernelOomKills() >= 2 ? true : undefined), 60_000);
      await chaos.delete(NS, name, { timeoutMs: 30_000 });
      const killsBefore = kernelOomKills();
      await until(`the panel counting the kernel's ${killsBefore} OOM kills`, () => (summaryLine()?.startsWith(`${name}/app: ${killsBefore} OOM kills, 0 restarts`) ? true : undefined), 30_000);
      process.kill(firstPid, 'SIGKILL');
      const newPid = await until('the restarted container', () => {
        const pid = sandbox.kubelet.containerPid(NS, name, 'app');
        return pid !== undefined && pid !== firstPid ? pid : undefined;
      }, 60_000);
      assert.ok(newPid);
      assert.equal(kernelOomKills(), 0, 'the new cgroup counts from 0');
      const restartedAt = Date.now();
      await until('samples of the new container', () => (collector.times(`${NS}/${name}/app`).filter((t) => t > restartedAt).length >= 4 ? true : undefined), 30_000);
      await until('the restart counted', () => (summaryLine()?.includes('1 restart') ? true : undefined), 30_000);
      assert.ok(summaryLine()!.startsWith(`${name}/app: ${killsBefore} OOM kills, 1 restart`), summaryLine());
    } finally {
      results.stop();
      await chaos.delete(NS, name, { timeoutMs: 30_000 }).catch(() => undefined);
      await session.core.deleteNamespacedPod({ name, namespace: NS }).catch(() => undefined);
    }
  });

  test('Chaos Mesh not installed: detection says so in words, naming the context and how to install it', async () => {
    sandbox.server.faults.chaosMeshAbsent = true;
    assert.deepEqual(await new ChaosMeshClient(session).detect(), {
      installed: false,
      reason: 'Chaos Mesh is not installed in context "sandbox": the API server does not serve chaos-mesh.org/v1alpha1. Install it (helm install chaos-mesh chaos-mesh/chaos-mesh) to run stresses.',
    });
  });

  test('the experiment deleted from outside (another client): the panel says it was deleted, and keeps its samples', async () => {
    const name = `outside-${Date.now().toString(36)}`;
    const chaos = new ChaosMeshClient(session);
    const collector = new Collector();
    const results = new MemoryResults(session, { kind: 'experiment', namespace: NS, name }, { intervalMs: 250 }, collector.listener);
    results.start();
    const key = `${NS}/${UNPROBED}/${C}`;
    try {
      assert.equal(await until('the never-created notice', () => noticeMatching(results, /does not exist/), 15_000), `StressChaos "${name}" does not exist in namespace "${NS}".`);
      await chaos.create({
        apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'StressChaos', metadata: { name, namespace: NS },
        spec: { mode: 'all', selector: { pods: { [NS]: [UNPROBED] } }, stressors: { memory: { workers: 1, size: '8MiB' } }, duration: '5m' },
      });
      await until('samples of the target', () => (collector.times(key).length >= 4 ? true : undefined), 60_000);
      const other = openSession(kc, 'sandbox');
      try {
        assert.equal(await new ChaosMeshClient(other).delete(NS, name, { timeoutMs: 30_000 }), true);
      } finally {
        other.dispose();
      }
      const notice = await until('the deletion announced', () => noticeMatching(results, /was deleted/), 15_000);
      assert.equal(notice.replace(/\d\d:\d\d:\d\d/, 'HH:MM:SS'), `StressChaos "${name}" was deleted from namespace "${NS}" at HH:MM:SS (outside this panel); the samples taken are kept.`);
      assert.ok(collector.faults.some((f) => f.kind === 'deleted'));
      assert.ok((results.allSamples().find((b) => b.container === key)?.times.length ?? 0) >= 4);
    } finally {
      results.stop();
      await chaos.delete(NS, name, { timeoutMs: 30_000 }).catch(() => undefined);
    }
  });
});
