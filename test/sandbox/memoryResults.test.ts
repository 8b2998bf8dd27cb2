// The results panel's host side (src/cluster: exec sampler, MemoryResults) against the running
// sandbox: real exec streams into real containers, real cgroups, real stress. Expected values come
// from outside the code under test: the scenario's literal sizes and limits, the kernel's files
// read by the test (cgroup.procs, /proc/<pid>/oom_score_adj, memory.usage/stat), the kubelet's pids.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ChaosMeshClient } from '../../src/cluster/chaosMesh';
import { ExecSampler, type ExecSamplerEvent } from '../../src/cluster/execSampler';
import { MemoryResults } from '../../src/cluster/memoryResults';
import { openSession, type ClusterSession } from '../../src/cluster/session';
import type { SampleBatch, TimelineEntry } from '../../src/webview/protocol';
import { writeKubeconfig } from './api/kubeconfig';
import { startSandbox, type Sandbox } from './cluster';
import { isRunning, until } from './testing';

const NS = 'hello-kubernetes';
const UNPROBED = 'hello-kubernetes-unprobed';
const HEALTH = 'hello-kubernetes-memory-health';
const C = 'hello-kubernetes';
const MiB = 1024 * 1024;

let sandbox: Sandbox;
let dir: string;
let session: ClusterSession;

function stress(name: string, app: string, memory: { workers: number; size: string; options?: string[] }) {
  return {
    apiVersion: 'chaos-mesh.org/v1alpha1' as const,
    kind: 'StressChaos' as const,
    metadata: { name, namespace: NS },
    spec: { mode: 'all' as const, selector: { labelSelectors: { 'app.kubernetes.io/name': app } }, stressors: { memory }, duration: '10m' },
  };
}

/** The container's working set read by the test from its cgroup files (usage − inactive file). */
function workingSetNow(pod: string): number {
  const d = sandbox.kubelet.containerCgroupDir(NS, pod, C)!;
  const read = (f: string) => fs.readFileSync(path.join(d, f), 'utf8');
  const v2 = fs.existsSync(path.join(d, 'memory.current'));
  const usage = Number((v2 ? read('memory.current') : read('memory.usage_in_bytes')).trim());
  const inactive = Number(/^(?:total_inactive_file|inactive_file) (\d+)$/m.exec(read('memory.stat'))![1]);
  return Math.max(0, usage - inactive);
}

/** Collects what MemoryResults hands the panel. */
class Collector {
  readonly batches: SampleBatch[] = [];
  readonly timeline = new Map<string, TimelineEntry>();
  statusCalls = 0;
  samples = () => this.batches;
  points(container: string): { time: number; ws: number }[] {
    return this.batches.filter((b) => b.container === container).flatMap((b) => b.times.map((t, i) => ({ time: t, ws: b.values.workingSet[i] as number })));
  }
  listener = {
    samples: (b: SampleBatch[]) => void this.batches.push(...b),
    timeline: (upsert: TimelineEntry[], remove: string[]) => {
      for (const id of remove) this.timeline.delete(id);
      for (const e of upsert) this.timeline.set(e.id, e);
    },
    processes: () => undefined,
    status: () => void this.statusCalls++,
  };
}

suite('results panel host (src/cluster exec sampler and MemoryResults) against the sandbox', function () {
  this.timeout(180_000);

  suiteSetup(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-results-test-'));
    sandbox = await startSandbox({ kubeconfigPath: path.join(dir, 'kubeconfig') });
    const kc = new KubeConfig();
    kc.loadFromFile(sandbox.kubeconfigPath);
    session = openSession(kc, 'sandbox');
    await until('all pods Running', () => (sandbox.store.list('pods').items.every((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running') ? true : undefined), 60_000);
  });

  suiteTeardown(async () => {
    session?.dispose();
    await sandbox?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('one exec stream samples the cgroup at 4 Hz and lists the processes with the kernel’s figures; closing it leaves nothing in the container', async () => {
    const events: ExecSamplerEvent[] = [];
    const sampler = new ExecSampler(session, { namespace: NS, pod: UNPROBED, container: C }, { intervalMs: 250, processListEveryMs: 1000 }, (e) => events.push(e));
    await sampler.start();
    await until('8 samples and 2 process lists', () => (events.filter((e) => e.kind === 'sample').length >= 8 && events.filter((e) => e.kind === 'processes').length >= 2 ? true : undefined), 20_000);
    const started = events.find((e) => e.kind === 'started');
    assert.ok(started?.kind === 'started');
    assert.equal(started.info.intervalMs, 250);
    assert.equal(started.info.cgroupVersion, sandbox.kubelet.cgroupVersion);
    const seqs = events.flatMap((e) => (e.kind === 'sample' ? [e.sample.seq] : []));
    assert.deepEqual(seqs, seqs.map((_, i) => i), 'consecutive samples of one stream');
    const listing = events.flatMap((e) => (e.kind === 'processes' ? [e.listing] : [])).at(-1)!;
    const appPid = sandbox.kubelet.containerPid(NS, UNPROBED, C)!;
    const app = listing.processes.find((p) => p.pid === appPid);
    assert.ok(app, `the app's main process ${appPid} is listed: ${JSON.stringify(listing.processes)}`);
    assert.equal(app.oomScoreAdj, Number(fs.readFileSync(`/proc/${appPid}/oom_score_adj`, 'utf8')));
    // the sampler's own shell is not in the list, though it is in the container's cgroup
    const cgroupProcs = () => fs.readFileSync(path.join(sandbox.kubelet.containerCgroupDir(NS, UNPROBED, C)!, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
    const samplerPids = cgroupProcs().filter((p) => !listing.processes.some((x) => x.pid === p) && isRunning(p));
    assert.ok(samplerPids.length >= 1, 'the sampler runs inside the container cgroup');
    sampler.stop();
    await until('the sampler gone from the container', () => (samplerPids.every((p) => !isRunning(p)) ? true : undefined), 10_000);
    assert.ok(events.some((e) => e.kind === 'ended'));
  });

  test('stop() (the panel closed): not one call reaches the listener afterwards, and no sampler is left in the containers', async () => {
    const calls: string[] = [];
    let stopped = false;
    const record = (what: string) => () => void (stopped && calls.push(what));
    const results = new MemoryResults(session, { kind: 'pod', namespace: 'shop', pod: 'checkout-with-sidecar' }, { intervalMs: 100 }, {
      samples: record('samples'), timeline: record('timeline'), processes: record('processes'), status: record('status'), fault: record('fault'),
    });
    const procs = (container: string) => fs.readFileSync(path.join(sandbox.kubelet.containerCgroupDir('shop', 'checkout-with-sidecar', container)!, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
    const appPids = new Set([...procs('checkout'), ...procs('log-shipper')]);
    results.start();
    // both containers sampled (their exec streams' shells are in the cgroups), then the panel closes
    await until('a sampler in each container', () => (['checkout', 'log-shipper'].every((c) => procs(c).some((p) => !appPids.has(p))) ? true : undefined), 20_000);
    await new Promise((r) => setTimeout(r, 1_000));
    stopped = true;
    results.stop();
    await until('the samplers gone from both containers', () => (['checkout', 'log-shipper'].every((c) => procs(c).every((p) => appPids.has(p) || !isRunning(p))) ? true : undefined), 10_000);
    await new Promise((r) => setTimeout(r, 1_500));
    assert.deepEqual(calls, []);
  });

  test('a 50MiB stress: the working set rises by 50 MiB ± 10% in the samples, and the expected plateau is 50 MiB above the working set before it', async () => {
    const collector = new Collector();
    const results = new MemoryResults(session, { kind: 'experiment', namespace: NS, name: 'fifty' }, { intervalMs: 250 }, collector.listener);
    const chaos = new ChaosMeshClient(session);
    results.start();
    const appPid = sandbox.kubelet.containerPid(NS, UNPROBED, C)!;
    /** The app's anonymous memory plus the container's active page cache, from /proc and memory.stat. */
    const appMemory = (): number => {
      const anon = Number(/^RssAnon:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${appPid}/status`, 'utf8'))![1]) * 1024;
      const stat = fs.readFileSync(path.join(sandbox.kubelet.containerCgroupDir(NS, UNPROBED, C)!, 'memory.stat'), 'utf8');
      return anon + Number(/^(?:total_active_file|active_file) (\d+)$/m.exec(stat)![1]);
    };
    // the app settles first (its heap and its code's page cache): four reads over ~1 s within 256 KiB
    const reads: number[] = [];
    const before = await until('the working set to settle before the stress', () => {
      reads.push(workingSetNow(UNPROBED));
      const last = reads.slice(-4);
      return last.length === 4 && Math.max(...last) - Math.min(...last) < 256 * 1024 ? last[3] : undefined;
    }, 60_000, 300);
    const appBefore = appMemory();
    // Created paused, as after "Stress memory…" with the panel open first: Chaos Mesh selects the
    // container (the panel starts sampling it) and injects only on resume, so the working set
    // before the stress is measured.
    const created = stress('fifty', UNPROBED, { workers: 1, size: '50MiB' });
    await chaos.create({ ...created, metadata: { ...created.metadata, annotations: { 'experiment.chaos-mesh.org/pause': 'true' } } });
    const key = `${NS}/${UNPROBED}/${C}`;
    try {
      await until('4 s of samples before the stress', () => (collector.points(key).length >= 16 ? true : undefined), 30_000);
      await chaos.setPaused(NS, 'fifty', false);
      // memStress holds its 50 MiB: the samples settle above the baseline
      // The app's own memory may move meanwhile (its heap; its code's page cache moving between the
      // inactive list, outside the working set, and the active list, inside it): as in
      // stress.test.ts, the stress's share is the rise less those changes, read from the kernel.
      const rise = await until('the working set to settle above +45 MiB', () => {
        const last = collector.points(key).slice(-8).map((p) => p.ws);
        if (last.length < 8 || Math.max(...last) - Math.min(...last) > 512 * 1024) return undefined;
        const r = last[7]! - before - (appMemory() - appBefore);
        return r >= 45 * MiB ? r : undefined;
      }, 60_000);
      assert.ok(rise <= 55 * MiB, `rise ${(rise / MiB).toFixed(1)} MiB`);
      const plateau = results.statusView().expectedPlateau[key];
      assert.ok(plateau !== undefined, 'an expected plateau');
      assert.ok(Math.abs(plateau - (before + 50 * MiB)) < 5 * MiB, `plateau ${(plateau / MiB).toFixed(1)} MiB vs ${(before / MiB).toFixed(1)} + 50 MiB`);
      assert.equal(results.stressorGoneMessage(), null);
    } finally {
      await chaos.delete(NS, 'fifty', { timeoutMs: 30_000 });
      results.stop();
    }
  });

  test('3000MiB on the 500Mi unprobed pod: the limit is reached, cgroup OOM kills name their victim, and the app stays alive', async () => {
    const collector = new Collector();
    const results = new MemoryResults(session, { kind: 'experiment', namespace: NS, name: 'big' }, { intervalMs: 250 }, collector.listener);
    const appPid = sandbox.kubelet.containerPid(NS, UNPROBED, C)!;
    const chaos = new ChaosMeshClient(session);
    results.start();
    // memStress --time ramps each worker up over 10 s (300 MiB/s here), so a worker is seen in the
    // process lists (every 250 ms after a kill) on its way to the limit, and the one that vanished
    // at the kill can be named. Without a ramp a worker can be born and killed between two lists;
    // the panel then names nobody rather than guess.
    await chaos.create(stress('big', UNPROBED, { workers: 1, size: '3000MiB', options: ['--time', '10s'] }));
    const key = `${NS}/${UNPROBED}/${C}`;
    try {
      const kill = await until('an OOM kill with its victim named', () =>
        [...collector.timeline.values()].find((e) => e.marker === 'oom-kill' && / killed \S+ \(pid \d+/.test(e.text)), 90_000);
      const victimPid = Number(/ killed \S+ \(pid (\d+)/.exec(kill.text)![1]);
      assert.notEqual(victimPid, appPid, 'the app was not the victim');
      assert.ok(!isRunning(victimPid), 'the named victim is dead');
      assert.match(kill.text, /the container itself survived/);
      // The kernel's own maximum usage (read by the test) reached the limit; the 4 Hz samples show
      // the climb towards it (a worker grows and is killed between two samples, so they may miss the top).
      const d = sandbox.kubelet.containerCgroupDir(NS, UNPROBED, C)!;
      const maxFile = fs.existsSync(path.join(d, 'memory.peak')) ? 'memory.peak' : 'memory.max_usage_in_bytes';
      assert.ok(Number(fs.readFileSync(path.join(d, maxFile), 'utf8')) >= 0.99 * 500 * MiB, `${maxFile} reaches the 500Mi limit`);
      const peak = Math.max(...collector.points(key).map((p) => p.ws));
      assert.ok(peak >= 0.8 * 500 * MiB, `sampled peak ${(peak / MiB).toFixed(1)} MiB close to the 500Mi limit`);
      assert.equal(sandbox.kubelet.containerPid(NS, UNPROBED, C), appPid, 'the app is alive in the same container');
    } finally {
      await chaos.delete(NS, 'big', { timeoutMs: 30_000 });
      results.stop();
    }
  });

  test('the memory-health pod: the restart is explained as a probe kill, sampling re-attaches to the new container, and "the stressor is gone" is said', async () => {
    const collector = new Collector();
    const results = new MemoryResults(session, { kind: 'experiment', namespace: NS, name: 'health' }, { intervalMs: 250 }, collector.listener);
    const chaos = new ChaosMeshClient(session);
    const firstPid = await until('the app running', () => sandbox.kubelet.containerPid(NS, HEALTH, C));
    results.start();
    await chaos.create(stress('health', HEALTH, { workers: 1, size: '400MiB' }));
    const key = `${NS}/${HEALTH}/${C}`;
    try {
      // first "the kubelet is killing the container" (the Killing event), then, once the pod status
      // shows the ended container, "the kubelet restarted the container"
      const restart = await until('a probe restart in the timeline', () =>
        [...collector.timeline.values()].find((e) => e.id.startsWith('probe-restart:') && e.text.includes('the kubelet restarted the container')), 90_000);
      assert.equal(restart.title, 'Liveness probe restarted hello-kubernetes');
      assert.match(restart.text, /The liveness probe of container hello-kubernetes failed 3 times in a row and the kubelet restarted the container/);
      const newPid = await until('the new container', () => {
        const pid = sandbox.kubelet.containerPid(NS, HEALTH, C);
        return pid !== undefined && pid !== firstPid ? pid : undefined;
      }, 30_000);
      assert.ok(newPid);
      // samples from the new container's cgroup: after the restart, at the app's own level again
      const restartedAt = restart.time;
      await until('samples after the restart', () => (collector.points(key).filter((p) => p.time > restartedAt + 2000).length >= 4 ? true : undefined), 30_000);
      const gone = await until('the stressor-gone notice', () => results.stressorGoneMessage() ?? undefined, 15_000);
      assert.match(gone, /Running, but the stressor is gone: the container restarted at .* Chaos Mesh still records it as Injected/);
    } finally {
      await chaos.delete(NS, 'health', { timeoutMs: 30_000 });
      results.stop();
    }
  });

  test('without pods/exec (the read-only identity): the panel falls back to the kubelet Summary API and says why', async () => {
    const file = path.join(dir, 'viewer-kubeconfig');
    writeKubeconfig(file, { url: sandbox.url, pki: sandbox.pki, token: sandbox.pki.viewerToken, user: sandbox.pki.viewerUser });
    const kc = new KubeConfig();
    kc.loadFromFile(file);
    const viewer = openSession(kc, 'sandbox');
    const collector = new Collector();
    const results = new MemoryResults(viewer, { kind: 'pod', namespace: NS, pod: UNPROBED, container: C }, { intervalMs: 250 }, collector.listener);
    results.start();
    try {
      const key = `${NS}/${UNPROBED}/${C}`;
      await until('a point from the Summary API', () => (collector.points(key).length > 0 ? true : undefined), 30_000);
      const status = results.statusView();
      assert.equal(status.source, 'summary-api');
      const notice = status.notices.find((n) => n.includes('Summary API'));
      assert.ok(notice, JSON.stringify(status.notices));
      assert.match(notice, /forbidden/i);
      // the point is the container's working set, as the test reads it from the cgroup (within 20 MiB: taken at another moment)
      const [point] = collector.points(key);
      assert.ok(Math.abs(point!.ws - workingSetNow(UNPROBED)) < 20 * MiB, `${point!.ws} vs ${workingSetNow(UNPROBED)}`);
    } finally {
      results.stop();
      viewer.dispose();
    }
  });

  test('after a window reload the stored samples come first, a gap, then the new container samples', async () => {
    const key = `${NS}/${UNPROBED}/${C}`;
    const t0 = Date.now() - 60_000;
    const stored = { container: key, times: [t0, t0 + 250, t0 + 500], values: { workingSet: [1, 2, 3], usage: [4, 5, 6], rss: [7, 8, 9], cache: [10, 11, 12] } };
    const collector = new Collector();
    const results = new MemoryResults(session, { kind: 'pod', namespace: NS, pod: UNPROBED, container: C }, { intervalMs: 250 }, collector.listener);
    results.seed([stored]);
    results.start();
    try {
      await until('new samples', () => (collector.points(key).length >= 2 ? true : undefined), 30_000);
      const [all] = results.allSamples();
      assert.deepEqual(all!.times.slice(0, 3), stored.times);
      assert.deepEqual(all!.values.workingSet.slice(0, 3), [1, 2, 3]);
      assert.ok(Number.isNaN(all!.values.workingSet[3]), 'a gap after the stored samples');
      assert.ok(all!.values.workingSet[4]! > 10 * MiB, 'then the container’s real working set');
    } finally {
      results.stop();
    }
  });
});
