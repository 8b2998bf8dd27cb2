// DisruptionTimeline as the panel uses it: records arrive one by one and only what changed is sent.
import { strict as assert } from 'node:assert';
import type { KubeEvent } from '../../../src/core/k8sTypes';
import { DisruptionTimeline, type CgroupOomKill } from '../../../src/core/oomEvents';

const T0 = Date.parse('2026-12-05T12:01:00Z');
const target = { namespace: 'hello-kubernetes', pod: 'hello-kubernetes-unprobed', container: 'hello-kubernetes', node: 'sandbox-node' };

function kill(at: number, before: number, after: number, victim?: CgroupOomKill['victim']): CgroupOomKill {
  return { target, time: at, before, after, delta: after - before, counterReset: false, ...(victim ? { victim } : {}) };
}

function unhealthy(uid: string, at: number): KubeEvent {
  return {
    metadata: { name: `e-${uid}`, namespace: target.namespace, uid },
    involvedObject: { kind: 'Pod', namespace: target.namespace, name: target.pod, fieldPath: 'spec.containers{hello-kubernetes}' },
    reason: 'Unhealthy',
    message: 'Liveness probe failed: HTTP probe failed with statuscode: 503',
    type: 'Warning',
    source: { component: 'kubelet', host: 'sandbox-node' },
    firstTimestamp: new Date(at).toISOString(),
    lastTimestamp: new Date(at).toISOString(),
    count: 1,
  };
}

suite('DisruptionTimeline: incremental changes for the panel', () => {
  test('nothing new: no change and the same merged list (not merged again)', () => {
    const t = new DisruptionTimeline();
    assert.deepEqual(t.changes(), { upsert: [], remove: [] });
    t.addCgroupOomKill(kill(T0, 0, 1));
    const first = t.changes();
    assert.deepEqual(first.upsert.map((e) => e.kind), ['oom-kill-in-container']);
    assert.deepEqual(t.changes(), { upsert: [], remove: [] });
    assert.equal(t.timeline(), t.timeline(), 'the cached merge is returned while no record arrives');
  });

  test('a second kill in the same burst changes the existing event (same id), it does not add one', () => {
    const t = new DisruptionTimeline();
    t.addCgroupOomKill(kill(T0, 0, 1));
    const [first] = t.changes().upsert;
    t.addCgroupOomKill(kill(T0 + 1000, 1, 3));
    const next = t.changes();
    assert.deepEqual(next.remove, []);
    assert.equal(next.upsert.length, 1);
    assert.equal(next.upsert[0]?.id, first?.id);
    assert.equal(next.upsert[0]?.title, 'OOM kill inside hello-kubernetes (×3)');
  });

  test('the victim from the process list is named in plain words', () => {
    const t = new DisruptionTimeline();
    t.addCgroupOomKill(kill(T0, 0, 1, { pid: 4312, process: 'stress-ng-vm', oomScoreAdj: 1000, anonRssKiB: null, scope: 'memcg' }));
    const [e] = t.timeline();
    assert.match(e?.explanation ?? '', /^The kernel OOM killer killed stress-ng-vm \(pid 4312, oom_score_adj 1000\) inside container hello-kubernetes .*the container itself survived\./);
    assert.equal(e?.details.victim?.process, 'stress-ng-vm');
  });

  test('new events are added, and only they are sent', () => {
    const t = new DisruptionTimeline();
    t.addCgroupOomKill(kill(T0, 0, 1));
    t.changes();
    t.addEvent(unhealthy('u1', T0 + 60_000));
    const next = t.changes();
    assert.deepEqual(next.upsert.map((e) => e.kind), ['probe-failure']);
    assert.deepEqual(next.remove, []);
  });
});
