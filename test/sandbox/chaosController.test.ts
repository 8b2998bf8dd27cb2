// The sandbox's Chaos Mesh controller end to end: a real store, the real kubelet running pods as real
// processes in real memory cgroups, and real stress-ng stressors. Status, conditions, records, events
// and instances are checked against what Chaos Mesh writes; processes against /proc and cgroup.procs.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { experimentState } from '../../src/core/stressChaos';
import { ChaosMeshController } from './chaos/controller';
import { isAlive, processTree, readProc } from './chaos/processTree';
import { eventLines, helloPod, stressChaos, waitFor } from './chaos/testSupport';
import type { StressChaos } from './chaos/types';
import { Kubelet } from './kubelet';
import { canLowerOomScoreAdj } from './runtime/runtime';
import { Store, type KObject } from './store';

const NS = 'chaos-ctl';
const alive = (pid: number): boolean => {
  const p = readProc(pid);
  return !!p && isAlive(p);
};
const adjOf = (pid: number): number => Number(readFileSync(`/proc/${pid}/oom_score_adj`, 'utf8').trim());
const cmdline = (pid: number): string[] => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);

suite('chaos controller: StressChaos lifecycle on real pods', function () {
  this.timeout(120000);
  let store: Store;
  let kubelet: Kubelet;
  let chaos: ChaosMeshController;
  const logs: string[] = [];

  const running = (name: string) => (): boolean => {
    const pod = store.get('pods', NS, name) as KObject & { status?: { containerStatuses?: { state?: { running?: unknown }; containerID?: string }[] } };
    return !!pod?.status?.containerStatuses?.length && pod.status.containerStatuses.every((c) => c.state?.running && c.containerID);
  };
  const get = (name: string): StressChaos => store.mustGet('stresschaos', NS, name) as StressChaos;
  const create = (name: string, spec: Record<string, unknown>, annotations?: Record<string, string>): StressChaos =>
    store.create('stresschaos', chaos.admit('CREATE', stressChaos(NS, name, spec, annotations))) as StressChaos;
  const cgroupProcs = (pod: string, container = 'hello-kubernetes'): number[] =>
    readFileSync(`${kubelet.containerCgroupDir(NS, pod, container)}/cgroup.procs`, 'utf8').split('\n').filter(Boolean).map(Number);
  const condition = (o: StressChaos, type: string): string | undefined => o.status?.conditions?.find((c) => c.type === type)?.status;
  const record = (o: StressChaos) => o.status!.experiment.containerRecords![0];
  const memoryPid = (o: StressChaos, id: string): number => Number(o.status!.instances![id].memoryUid);

  suiteSetup(async () => {
    store = new Store();
    store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    kubelet = new Kubelet(store, { nodeNames: ['chaos-node'], instanceName: `chaos-ctl-${process.pid}`, log: (l) => logs.push(l) });
    await kubelet.start();
    chaos = new ChaosMeshController(store, kubelet, { log: (l) => logs.push(l) });
    await chaos.start();
    store.create('pods', helloPod(NS, 'app-a', { labels: { app: 'a' }, holdMemory: '8Mi' }));
    store.create('pods', helloPod(NS, 'app-b', { labels: { app: 'b' }, holdMemory: '8Mi' }));
    store.create('pods', helloPod(NS, 'broken', { labels: { app: 'broken' }, image: 'registry.example/no-such-image:1' }));
    await waitFor('app-a and app-b running', () => running('app-a')() && running('app-b')());
  });

  suiteTeardown(async function () {
    await chaos?.stop();
    await kubelet?.stop();
    if (process.env.CHAOS_TEST_LOG) {
      const podEvents = store.list('events', NS).items.filter((e) => (e.involvedObject as { kind: string }).kind === 'Pod').map((e) => `${e.lastTimestamp} ${(e.involvedObject as { name: string }).name} ${e.reason}: ${e.message}`);
      writeFileSync(process.env.CHAOS_TEST_LOG, [...logs, ...podEvents].join('\n'));
    }
  });

  test('create: finalizer, Started, one record Injected, all four conditions, the stressor in the container cgroup, events in Chaos Mesh order', async () => {
    const created = create('mem-a', { mode: 'all', selector: { labelSelectors: { app: 'a' } }, stressors: { memory: { workers: 1, size: '8MiB' } } });
    const id = `${NS}/app-a/hello-kubernetes`;
    const obj = await waitFor('AllInjected', () => {
      const o = get('mem-a');
      return condition(o, 'AllInjected') === 'True' ? o : undefined;
    });
    assert.deepEqual(obj.metadata.finalizers, ['chaos-mesh/records']);
    assert.equal(obj.status!.experiment.desiredPhase, 'Run');
    assert.deepEqual(
      obj.status!.conditions!.map((c) => `${c.type}=${c.status}`).sort(),
      ['AllInjected=True', 'AllRecovered=False', 'Paused=False', 'Selected=True'],
    );
    const rec = record(obj);
    assert.deepEqual({ ...rec, events: undefined }, { id, selectorKey: '.', phase: 'Injected', injectedCount: 1, recoveredCount: 0, events: undefined });
    assert.deepEqual(rec.events!.map((e) => `${e.type}/${e.operation}`), ['Succeeded/Apply']);
    const instance = obj.status!.instances![id];
    assert.equal(instance.uid, undefined, 'no CPU stressor, no uid');
    assert.equal(instance.startTime, '1970-01-01T00:00:00Z');
    assert.match(instance.memoryStartTime!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const pid = memoryPid(obj, id);
    assert.ok(alive(pid), `memStress stand-in ${pid} is running`);
    assert.ok(cgroupProcs('app-a').includes(pid), 'the stressor is in the target container’s cgroup');
    await waitFor('the stress-ng client under the server', () => processTree(pid).some((p) => cmdline(p.pid)[0] === 'stress-ng'));
    for (const p of processTree(pid)) assert.equal(adjOf(p.pid), 1000, `oomScoreAdj 0: no choom upstream, so ${p.pid} keeps chaos-daemon's 1000`);
    assert.deepEqual(eventLines(store, created), [
      'FinalizerInited: Finalizer has been inited',
      'Updated: Successfully update finalizer of resource',
      'Started: Experiment has started',
      'Updated: Successfully update desiredPhase of resource',
      `Applied: Successfully apply chaos for ${id}`,
      'Updated: Successfully update records of resource',
    ]);
    assert.equal(experimentState(obj as never), 'running');
  });

  test('pause recovers (process gone, Paused True, AllRecovered True); resume re-applies with a new pid and injectedCount 2', async () => {
    const id = `${NS}/app-a/hello-kubernetes`;
    const before = get('mem-a');
    const firstPid = memoryPid(before, id);
    store.mutate('stresschaos', NS, 'mem-a', (o) => {
      o.metadata.annotations = { ...o.metadata.annotations, 'experiment.chaos-mesh.org/pause': 'true' };
    });
    const paused = await waitFor('paused and recovered', () => {
      const o = get('mem-a');
      return condition(o, 'Paused') === 'True' && condition(o, 'AllRecovered') === 'True' ? o : undefined;
    });
    assert.equal(paused.status!.experiment.desiredPhase, 'Stop');
    assert.equal(record(paused).phase, 'Not Injected');
    assert.equal(record(paused).recoveredCount, 1);
    assert.equal(paused.status!.instances, undefined, 'a recovered record has no instance');
    await waitFor('the first stressor gone', () => !alive(firstPid));
    assert.equal(experimentState(paused as never), 'paused');

    store.mutate('stresschaos', NS, 'mem-a', (o) => {
      o.metadata.annotations = { ...o.metadata.annotations, 'experiment.chaos-mesh.org/pause': 'false' };
    });
    const resumed = await waitFor('re-injected', () => {
      const o = get('mem-a');
      return condition(o, 'AllInjected') === 'True' && condition(o, 'Paused') === 'False' ? o : undefined;
    });
    const rec = record(resumed);
    assert.equal(rec.injectedCount, 2);
    assert.equal(rec.recoveredCount, 1);
    assert.deepEqual(rec.events!.map((e) => `${e.type}/${e.operation}`), ['Succeeded/Apply', 'Succeeded/Recover', 'Succeeded/Apply']);
    const secondPid = memoryPid(resumed, id);
    assert.notEqual(secondPid, firstPid);
    assert.ok(alive(secondPid));
    const lines = eventLines(store, resumed);
    assert.deepEqual(lines.slice(6), [
      'Paused: Experiment has been paused',
      'Updated: Successfully update desiredPhase of resource',
      `Recovered: Successfully recover chaos for ${id}`,
      'Updated: Successfully update records of resource',
      'Started: Experiment has started',
      'Updated: Successfully update desiredPhase of resource',
      `Applied: Successfully apply chaos for ${id}`,
      'Updated: Successfully update records of resource',
    ]);
  });

  test('delete: Deleted, recovered, finalizer removed, object gone, no stressor process left', async () => {
    const id = `${NS}/app-a/hello-kubernetes`;
    const obj = get('mem-a');
    const pid = memoryPid(obj, id);
    const tree = processTree(pid);
    assert.ok(tree.length >= 2, 'server and client');
    store.delete('stresschaos', NS, 'mem-a');
    await waitFor('the object gone', () => store.get('stresschaos', NS, 'mem-a') === undefined);
    assert.deepEqual(tree.filter(isAlive).map((p) => p.pid), []);
    assert.deepEqual(cgroupProcs('app-a').filter((p) => tree.some((t) => t.pid === p)), []);
    const lines = eventLines(store, obj);
    assert.deepEqual(lines.slice(-6), [
      'Deleted: Experiment has been deleted',
      'Updated: Successfully update desiredPhase of resource',
      `Recovered: Successfully recover chaos for ${id}`,
      'Updated: Successfully update records of resource',
      'FinalizerInited: Finalizer has been removed',
      'Updated: Successfully update finalizer of resource',
    ]);
  });

  test('duration: TimeUp from creationTimestamp, recovered, and the experiment is finished (not deleted)', async () => {
    create('mem-short', { mode: 'one', selector: { labelSelectors: { app: 'b' } }, stressors: { memory: { workers: 1, size: '4MiB' } }, duration: '2s' });
    const id = `${NS}/app-b/hello-kubernetes`;
    const injected = await waitFor('injected', () => {
      const o = get('mem-short');
      return o.status?.instances?.[id] ? o : undefined;
    });
    const pid = memoryPid(injected, id);
    const done = await waitFor('time up', () => {
      const o = get('mem-short');
      return o.status?.experiment.desiredPhase === 'Stop' && condition(o, 'AllRecovered') === 'True' ? o : undefined;
    }, 15000);
    assert.equal(record(done).phase, 'Not Injected');
    assert.ok(!alive(pid));
    assert.equal(experimentState(done as never), 'finished');
    assert.ok(eventLines(store, done).includes('TimeUp: Time up according to the duration'));
    assert.ok(Date.now() - Date.parse(done.metadata.creationTimestamp!) >= 2000);
    store.delete('stresschaos', NS, 'mem-short');
    await waitFor('deleted', () => store.get('stresschaos', NS, 'mem-short') === undefined);
  });

  test('duration is checked before pause: created paused, it never starts; after the stop time, resuming leaves it stopped', async () => {
    const obj = create('paused-short', { mode: 'all', selector: { labelSelectors: { app: 'b' } }, stressors: { memory: { workers: 1, size: '1MiB' } }, duration: '1s' }, { 'experiment.chaos-mesh.org/pause': 'true' });
    await waitFor('stopped and selected', () => {
      const o = get('paused-short');
      return o.status?.experiment.desiredPhase === 'Stop' && condition(o, 'Selected') === 'True';
    });
    await waitFor('past the stop time', () => Date.now() > Date.parse(obj.metadata.creationTimestamp!) + 2000, 5000);
    store.mutate('stresschaos', NS, 'paused-short', (o) => {
      o.metadata.annotations = { 'experiment.chaos-mesh.org/pause': 'false' };
    });
    await waitFor('Paused False', () => condition(get('paused-short'), 'Paused') === 'False');
    const now = get('paused-short');
    assert.equal(now.status!.experiment.desiredPhase, 'Stop');
    assert.equal(record(now).injectedCount, 0);
    const lines = eventLines(store, now);
    assert.ok(lines.includes('Paused: Experiment has been paused'));
    // TimeUp is only recorded when the phase changes to Stop, and it already was Stop.
    assert.ok(!lines.some((l) => l.startsWith('Started:') || l.startsWith('TimeUp:') || l.startsWith('Applied:')), lines.join('\n'));
    assert.equal(experimentState(now as never), 'finished');
    store.delete('stresschaos', NS, 'paused-short');
    await waitFor('deleted', () => store.get('stresschaos', NS, 'paused-short') === undefined);
  });

  test('a CPU stressor is stress-ng with Chaos Mesh’s arguments; stress-ng makes itself -1000 as it does under chaos-daemon', async () => {
    create('cpu-b', { mode: 'all', selector: { labelSelectors: { app: 'b' } }, stressors: { cpu: { workers: 1, load: 5 } } });
    const id = `${NS}/app-b/hello-kubernetes`;
    const obj = await waitFor('injected', () => {
      const o = get('cpu-b');
      return o.status?.instances?.[id]?.uid ? o : undefined;
    });
    const inst = obj.status!.instances![id];
    assert.equal(inst.memoryUid, undefined);
    assert.equal(inst.memoryStartTime, '1970-01-01T00:00:00Z');
    const pid = Number(inst.uid);
    assert.deepEqual(cmdline(pid), ['stress-ng', '--cpu-load-slice', '10', '--cpu-method', 'sqrt', '--cpu', '1', '--cpu-load', '5']);
    assert.ok(cgroupProcs('app-b').includes(pid));
    // stress-ng writes -1000 for itself as root; a host without CAP_SYS_RESOURCE refuses it and the
    // inherited value stays (as the kernel would do to stress-ng under such a chaos-daemon).
    const expected = canLowerOomScoreAdj() ? -1000 : 1000;
    await waitFor(`stress-ng's oom_score_adj ${expected}`, () => adjOf(pid) === expected);
    store.delete('stresschaos', NS, 'cpu-b');
    await waitFor('deleted', () => store.get('stresschaos', NS, 'cpu-b') === undefined);
    assert.ok(!alive(pid));
  });

  test('stressngStressors reproduces Chaos Mesh’s bug: nothing runs, yet the record is Injected', async () => {
    create('ng', { mode: 'all', selector: { labelSelectors: { app: 'b' } }, stressngStressors: '--vm 1 --vm-bytes 10M' });
    const id = `${NS}/app-b/hello-kubernetes`;
    const procsBefore = cgroupProcs('app-b');
    const obj = await waitFor('injected', () => {
      const o = get('ng');
      return condition(o, 'AllInjected') === 'True' ? o : undefined;
    });
    assert.deepEqual(obj.status!.instances![id], { startTime: '1970-01-01T00:00:00Z', memoryStartTime: '1970-01-01T00:00:00Z' });
    assert.deepEqual(cgroupProcs('app-b'), procsBefore, 'no process was started in the container');
    store.delete('stresschaos', NS, 'ng');
    await waitFor('deleted', () => store.get('stresschaos', NS, 'ng') === undefined);
  });

  test('nothing selected: Failed event "no pod is selected", Selected False, no records', async () => {
    const obj = create('none', { mode: 'all', selector: { labelSelectors: { app: 'nobody' } }, stressors: { memory: { workers: 1, size: '1MiB' } } });
    await waitFor('the failure event', () => eventLines(store, obj).includes('Failed: Failed to select targets: no pod is selected'));
    const now = get('none');
    assert.equal(condition(now, 'Selected'), 'False');
    assert.equal(now.status!.experiment.containerRecords, undefined);
    assert.equal(experimentState(now as never), 'injecting');
    store.delete('stresschaos', NS, 'none');
    await waitFor('deleted', () => store.get('stresschaos', NS, 'none') === undefined);
  });

  test('a container that never started: apply fails with Chaos Mesh’s text, recorded as a Failed Apply event, retried', async () => {
    const obj = create('broken', { mode: 'all', selector: { labelSelectors: { app: 'broken' } }, stressors: { memory: { workers: 1, size: '1MiB' } } });
    const id = `${NS}/broken/hello-kubernetes`;
    const message = `container with id ${id} not found: container not found`;
    const failed = await waitFor('two failed applies (the retry)', () => {
      const o = get('broken');
      const events = o.status?.experiment.containerRecords?.[0]?.events ?? [];
      return events.filter((e) => e.type === 'Failed').length >= 2 ? o : undefined;
    });
    const rec = record(failed);
    assert.equal(rec.phase, 'Not Injected');
    assert.equal(rec.injectedCount, 0);
    assert.deepEqual({ ...rec.events![0], timestamp: undefined }, { type: 'Failed', operation: 'Apply', message, timestamp: undefined });
    assert.ok(eventLines(store, obj).includes(`Failed: Failed to apply chaos: ${message}`));
    assert.equal(condition(failed, 'AllInjected'), 'False');
    store.delete('stresschaos', NS, 'broken');
    await waitFor('deleted (nothing to recover)', () => store.get('stresschaos', NS, 'broken') === undefined);
  });

  test('when the target container restarts the stress is gone, and Chaos Mesh does not notice: the record stays Injected', async () => {
    create('restart', { mode: 'all', selector: { labelSelectors: { app: 'b' } }, stressors: { memory: { workers: 1, size: '4MiB' } } });
    const id = `${NS}/app-b/hello-kubernetes`;
    const obj = await waitFor('injected', () => {
      const o = get('restart');
      return condition(o, 'AllInjected') === 'True' ? o : undefined;
    });
    const pid = memoryPid(obj, id);
    const tree = processTree(pid);
    const restartsOf = () => ((store.get('pods', NS, 'app-b')!.status as { containerStatuses: { restartCount: number }[] }).containerStatuses[0].restartCount);
    const restartsBefore = restartsOf();
    process.kill(kubelet.containerPid(NS, 'app-b', 'hello-kubernetes')!, 'SIGKILL');
    await waitFor('the container restarted', () => restartsOf() === restartsBefore + 1 && running('app-b')());
    await waitFor('the whole stressor tree gone with the old container', () => !tree.some(isAlive));
    const after = get('restart');
    assert.equal(record(after).phase, 'Injected');
    assert.equal(record(after).injectedCount, 1);
    assert.equal(after.status!.instances![id].memoryUid, String(pid));
    store.delete('stresschaos', NS, 'restart');
    await waitFor('deleted', () => store.get('stresschaos', NS, 'restart') === undefined);
  });
});
