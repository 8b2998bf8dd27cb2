import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CGROUP_V1_FILES, CGROUP_V2_FILES, readCgroupMemory, splitCgroupSnapshot } from '../../../src/core/cgroup';
import type { ContainerStatus, KubeEvent, Pod } from '../../../src/core/k8sTypes';
import {
  DisruptionTimeline,
  cgroupOomKillFromStep,
  describeTermination,
  eventContainer,
  parseKernelOomKill,
  parseSystemOom,
  probeKindOf,
  type CgroupOomKill,
  type DisruptionEvent,
} from '../../../src/core/oomEvents';
import { compareSamples, type Sample } from '../../../src/core/sampler';
import { CGROUP_FIXTURES } from '../../fixtures/paths';

const fixtureText = (version: 'v1' | 'v2', file: string): string =>
  fs.readFileSync(path.join(CGROUP_FIXTURES, `${version}-kernel-6.18`, file), 'utf8');

function sample(version: 'v1' | 'v2', moment: string, seq: number, wallTime: number): Sample {
  const all = splitCgroupSnapshot(fixtureText(version, `${moment}.txt`));
  const names: readonly string[] = version === 'v1' ? CGROUP_V1_FILES : CGROUP_V2_FILES;
  const files = Object.fromEntries(names.filter((n) => all[n] !== undefined).map((n) => [n, all[n] as string]));
  return { seq, monotonicMs: seq * 250, wallTime, memory: readCgroupMemory(files), files, unreadableFiles: [] };
}

/** Kernel OOM lines as node-problem-detector puts them into `OOMKilling` events (from the real dmesg capture). */
const kernelLines = (version: 'v1' | 'v2'): string[] =>
  fixtureText(version, 'dmesg_oom.txt')
    .split('\n')
    .filter((l) => l.includes('Killed process'))
    .map((l) => l.replace(/^\[\s*[\d.]+\]\s*/, ''));

const T0 = Date.parse('2026-11-22T20:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const NS = 'shop';
const POD = 'cart-7d4f9';
const NODE = 'node-a';
const target = { namespace: NS, pod: POD, container: 'app', node: NODE };

let eventSeq = 0;
function event(reason: string, message: string, at: number, opts: Partial<KubeEvent> & { container?: string; count?: number } = {}): KubeEvent {
  const { container = 'app', ...rest } = opts;
  eventSeq++;
  return {
    metadata: { name: `${POD}.${eventSeq}`, namespace: NS, uid: `uid-${eventSeq}` },
    involvedObject: { kind: 'Pod', namespace: NS, name: POD, fieldPath: `spec.containers{${container}}` },
    reason,
    message,
    type: reason === 'Killing' ? 'Normal' : 'Warning',
    source: { component: 'kubelet', host: NODE },
    firstTimestamp: iso(at),
    lastTimestamp: iso(at),
    count: 1,
    ...rest,
  };
}

function nodeEvent(reason: string, message: string, at: number): KubeEvent {
  eventSeq++;
  return {
    metadata: { name: `${NODE}.${eventSeq}`, uid: `node-uid-${eventSeq}` },
    involvedObject: { kind: 'Node', name: NODE },
    reason,
    message,
    type: 'Warning',
    source: { component: reason === 'SystemOOM' ? 'kubelet' : 'kernel-monitor', host: NODE },
    firstTimestamp: iso(at),
    lastTimestamp: iso(at),
    count: 1,
  };
}

function pod(statuses: ContainerStatus[], extra: { livenessThreshold?: number; status?: Pod['status'] } = {}): Pod {
  return {
    metadata: { namespace: NS, name: POD, uid: 'pod-uid-1' },
    spec: {
      nodeName: NODE,
      containers: [
        {
          name: 'app',
          livenessProbe: extra.livenessThreshold === undefined ? {} : { failureThreshold: extra.livenessThreshold },
          readinessProbe: {},
        },
      ],
    },
    status: { phase: 'Running', ...extra.status, containerStatuses: statuses },
  };
}

function terminatedStatus(opts: { exitCode: number; reason?: string; signal?: number; finishedAt: number; restartCount: number; id?: string }): ContainerStatus {
  return {
    name: 'app',
    restartCount: opts.restartCount,
    containerID: 'containerd://new',
    state: { running: { startedAt: iso(opts.finishedAt + 1000) } },
    lastState: {
      terminated: {
        exitCode: opts.exitCode,
        ...(opts.reason === undefined ? {} : { reason: opts.reason }),
        ...(opts.signal === undefined ? {} : { signal: opts.signal }),
        startedAt: iso(opts.finishedAt - 60_000),
        finishedAt: iso(opts.finishedAt),
        containerID: opts.id ?? 'containerd://old',
      },
    },
  };
}

/** The real v2 step from holding 120 MiB to after the OOM kill: oom_kill 0 → 1. */
function cgroupKill(at: number, t = target): CgroupOomKill {
  const step = compareSamples(sample('v2', 'holding120', 0, at - 250), sample('v2', 'after_oom', 1, at));
  const kill = cgroupOomKillFromStep(t, step);
  assert.ok(kill);
  return kill;
}

const kinds = (events: DisruptionEvent[]): string[] => events.map((e) => e.kind);

suite('oomEvents: message parsers', () => {
  test('the real kernel lines give the victim, its oom_score_adj and scope (v1 capture)', () => {
    const lines = kernelLines('v1');
    assert.deepEqual(parseKernelOomKill(lines[0] as string), {
      pid: 2455,
      process: 'stress-ng-vm',
      oomScoreAdj: 1000,
      anonRssKiB: 65028,
      scope: 'memcg',
    });
    assert.deepEqual(parseKernelOomKill(lines[2] as string), {
      pid: 2728,
      process: 'python3',
      oomScoreAdj: 0,
      anonRssKiB: 204032,
      scope: 'memcg',
    });
  });

  test('the real kernel line from the v2 capture', () => {
    assert.deepEqual(parseKernelOomKill(kernelLines('v2')[0] as string), {
      pid: 476,
      process: 'python3',
      oomScoreAdj: 0,
      anonRssKiB: 204032,
      scope: 'memcg',
    });
  });

  test('a global OOM line is scoped to the system', () => {
    const victim = parseKernelOomKill('Out of memory: Killed process 99 (java) total-vm:100kB, anon-rss:50kB, file-rss:0kB, shmem-rss:0kB');
    assert.equal(victim?.scope, 'system');
    assert.equal(victim?.oomScoreAdj, null);
  });

  test("the kubelet's SystemOOM message names the victim", () => {
    assert.deepEqual(parseSystemOom('System OOM encountered, victim process: stress-ng-vm, pid: 4242'), {
      pid: 4242,
      process: 'stress-ng-vm',
      oomScoreAdj: null,
      anonRssKiB: null,
      scope: 'system',
    });
    assert.equal(parseSystemOom('System OOM encountered'), null);
  });

  const probes: [string, string | null][] = [
    ['Liveness probe failed: HTTP probe failed with statuscode: 500', 'liveness'],
    ['Readiness probe failed: Get "http://10.0.0.1:8080/ready": context deadline exceeded', 'readiness'],
    ['Startup probe errored: rpc error', 'startup'],
    ['Container app failed liveness probe, will be restarted', 'liveness'],
    ['Stopping container app', null],
  ];
  for (const [message, kind] of probes) {
    test(`probe kind of "${message.slice(0, 40)}…" is ${kind}`, () => assert.equal(probeKindOf(message), kind));
  }

  test('the container of an event comes from fieldPath, else from the kubelet message', () => {
    assert.equal(eventContainer(event('Killing', 'x', T0, { container: 'stress' })), 'stress');
    const noPath = (message: string): KubeEvent => ({ involvedObject: { kind: 'Pod', name: POD }, reason: 'X', message });
    assert.equal(eventContainer(noPath('Container web failed liveness probe, will be restarted')), 'web');
    assert.equal(eventContainer(noPath('Stopping container web')), 'web');
    assert.equal(eventContainer(noPath(`Back-off restarting failed container web in pod ${POD}_${NS}(uid)`)), 'web');
    assert.equal(eventContainer(noPath('Pulled image')), undefined);
  });

  const terminations: [string, Parameters<typeof describeTermination>[0], string][] = [
    ['OOMKilled is an OOM', { exitCode: 137, reason: 'OOMKilled' }, 'OOMKilled (exit code 137)'],
    ['exit 137 alone is never called an OOM', { exitCode: 137, reason: 'Error' }, 'killed by SIGKILL (exit 137) — not necessarily an OOM'],
    ['signal 9 alone is never called an OOM', { exitCode: 0, signal: 9 }, 'killed by SIGKILL (signal 9) — not necessarily an OOM'],
    ['exit 143 is SIGTERM', { exitCode: 143, reason: 'Error' }, 'stopped by SIGTERM (exit 143)'],
    ['exit 0 is Completed', { exitCode: 0, reason: 'Completed' }, 'Completed (exit code 0)'],
    ['exit 1 is an error', { exitCode: 1, reason: 'Error' }, 'Error (exit code 1)'],
  ];
  for (const [name, t, text] of terminations) {
    test(`describeTermination: ${name}`, () => assert.equal(describeTermination(t), text));
  }
});

suite('oomEvents: cgroup steps', () => {
  test('a real oom_kill step (0 → 1) becomes a kill record with the sample time', () => {
    assert.deepEqual(cgroupKill(T0), { target, time: T0, before: 0, after: 1, delta: 1, counterReset: false });
  });

  test('the baseline sample and a step without kills give nothing', () => {
    const base = compareSamples(null, sample('v2', 'after_oom', 0, T0));
    assert.equal(cgroupOomKillFromStep(target, base), null);
    const none = compareSamples(sample('v2', 'idle', 0, T0), sample('v2', 'holding120', 1, T0 + 250));
    assert.equal(cgroupOomKillFromStep(target, none), null);
  });

  test('after a restart the kill is counted in the new cgroup (before = null)', () => {
    const previous = sample('v2', 'after_oom', 9, T0);
    const fresh = sample('v2', 'after_oom', 0, T0 + 5000);
    const step = compareSamples(previous, fresh, { previousContainerId: 'a', containerId: 'b' });
    assert.deepEqual(cgroupOomKillFromStep(target, step), { target, time: T0 + 5000, before: null, after: 1, delta: 1, counterReset: true });
  });

  test('a kill alone: a process died inside, the container survived, the stress worker is the likely victim', () => {
    const tl = new DisruptionTimeline();
    tl.addCgroupOomKill({ target, time: T0, before: 3, after: 4, delta: 1, counterReset: false });
    const [e] = tl.timeline();
    assert.deepEqual(e, {
      id: `oom-kill-in-container:${NS}/${POD}/app@${T0}#4`,
      kind: 'oom-kill-in-container',
      time: T0,
      target,
      sources: ['cgroup'],
      severity: 'error',
      title: 'OOM kill inside app',
      explanation:
        'The kernel OOM killer killed a process inside container app (cgroup oom_kill went from 3 to 4); the container itself survived. ' +
        'Likely the stress worker: the kernel kills the process with the highest badness (its memory use plus its oom_score_adj), ' +
        'so a stress worker that holds the most memory, or was given a high oomScoreAdj by Chaos Mesh, is picked before the application. ' +
        'The stress tool may start a new worker, so memory can climb again.',
      details: { oomKillsBefore: 3, oomKillsAfter: 4, oomKillDelta: 1, counterReset: false },
    });
  });

  test('a burst of kills (stress-ng restarting its killed workers) is one event; a kill a minute later is another', () => {
    const tl = new DisruptionTimeline();
    // As sampled live in a sandbox container under `stress-ng --vm 1 --vm-bytes 100M` with a 64 MiB limit.
    const steps: [number, number, number][] = [[0, 0, 6], [250, 6, 12], [500, 12, 19], [60_000, 19, 20]];
    for (const [dt, before, after] of steps) {
      tl.addCgroupOomKill({ target, time: T0 + dt, before, after, delta: after - before, counterReset: false });
    }
    const events = tl.timeline();
    assert.deepEqual(events.map((e) => [e.time, e.endTime, e.details.oomKillDelta, e.title]), [
      [T0, T0 + 500, 19, 'OOM kill inside app (×19)'],
      [T0 + 60_000, undefined, 1, 'OOM kill inside app'],
    ]);
    assert.equal(
      events[0]?.explanation,
      'The kernel OOM killer killed 19 processes inside container app over 0.5 s (cgroup oom_kill went from 0 to 19); the container ' +
        'itself survived. Likely the stress worker: the kernel kills the process with the highest badness (its memory use plus its ' +
        'oom_score_adj), so a stress worker that holds the most memory, or was given a high oomScoreAdj by Chaos Mesh, is picked before ' +
        'the application. The stress tool restarts the workers the kernel kills, so it allocates and is killed again and again.',
    );
  });

  test("node-problem-detector's OOMKilling on the same node names the victim and merges into one event", () => {
    const tl = new DisruptionTimeline();
    tl.observePod(pod([{ name: 'app', restartCount: 0, containerID: 'containerd://c1', state: { running: {} } }]), T0 - 60_000);
    tl.addCgroupOomKill(cgroupKill(T0));
    tl.addEvent(nodeEvent('OOMKilling', `Memory cgroup out of memory: ${kernelLines('v1')[0]?.split('Memory cgroup out of memory: ')[1]}`, T0 + 1000));
    const events = tl.timeline();
    assert.deepEqual(kinds(events), ['oom-kill-in-container']);
    const [e] = events;
    assert.deepEqual(e?.sources, ['cgroup', 'event']);
    assert.equal(e?.details.victim?.process, 'stress-ng-vm');
    assert.match(e?.explanation ?? '', /^The kernel OOM killer killed stress-ng-vm \(pid 2455, oom_score_adj 1000\) inside container app \(cgroup oom_kill went from 0 to 1\); the container itself survived\./);
  });

  test('a node-wide OOM (SystemOOM) at the same time explains the kill by the QoS class', () => {
    const tl = new DisruptionTimeline();
    tl.addCgroupOomKill(cgroupKill(T0));
    tl.addEvent(nodeEvent('SystemOOM', 'System OOM encountered, victim process: stress-ng-vm, pid: 4242', T0));
    const [e, ...rest] = tl.timeline();
    assert.equal(rest.length, 0);
    assert.deepEqual(e?.sources, ['cgroup', 'event']);
    assert.match(e?.explanation ?? '', /The node ran out of memory, not the container's limit: for a node-wide OOM the kernel picks by oom_score_adj, which the kubelet sets from the QoS class: BestEffort pods \(1000\) go first, Burstable pods in between, Guaranteed pods \(-997\) last\.$/);
  });
});

suite('oomEvents: container statuses', () => {
  test('OOMKilled status + oom_kill step in the same window = one event with both sources', () => {
    const tl = new DisruptionTimeline();
    tl.addCgroupOomKill(cgroupKill(T0 - 1000));
    tl.observePod(pod([terminatedStatus({ exitCode: 137, reason: 'OOMKilled', finishedAt: T0, restartCount: 1 })]), T0 + 2000);
    const events = tl.timeline();
    assert.deepEqual(kinds(events), ['container-oom-killed']);
    const [e] = events;
    assert.deepEqual(e?.sources, ['cgroup', 'container-status']);
    assert.equal(
      e?.explanation,
      "Container app reached its memory limit and the kernel OOM killer ended it: the runtime reported OOMKilled (exit code 137); the cgroup's " +
        'oom_kill counter went from 0 to 1. On cgroup v2 Kubernetes kills all processes of the container together (memory.oom.group), so the ' +
        'application and the stress died at once; the kubelet restarted it (restart #1), and its new cgroup starts counting from 0.',
    );
    assert.equal(e?.details.containerID, 'containerd://old');
    assert.equal(e?.details.finishedAt, T0);
  });

  test('OOMKilled status and an oom_kill step minutes apart stay two events', () => {
    const tl = new DisruptionTimeline();
    tl.addCgroupOomKill(cgroupKill(T0 - 5 * 60_000));
    tl.observePod(pod([terminatedStatus({ exitCode: 137, reason: 'OOMKilled', finishedAt: T0, restartCount: 1 })]), T0);
    assert.deepEqual(kinds(tl.timeline()), ['oom-kill-in-container', 'container-oom-killed']);
  });

  test('exit code 137 without OOMKilled is "killed by SIGKILL", never an OOM', () => {
    const tl = new DisruptionTimeline();
    tl.observePod(pod([terminatedStatus({ exitCode: 137, reason: 'Error', finishedAt: T0, restartCount: 2 })]), T0);
    const [e] = tl.timeline();
    assert.equal(e?.kind, 'sigkill');
    assert.equal(e?.title, 'app killed by SIGKILL');
    assert.equal(
      e?.explanation,
      'Container app was killed by SIGKILL (exit 137) — not necessarily an OOM: the runtime did not report OOMKilled, and a ' +
        'liveness-probe kill after the grace period, an eviction or a `kill -9` end with 137 too.',
    );
    assert.doesNotMatch(e?.title ?? '', /OOM/);
  });

  test('the same status seen in every watch update gives one event (dedupe on containerID + finishedAt)', () => {
    const tl = new DisruptionTimeline();
    const status = terminatedStatus({ exitCode: 137, reason: 'OOMKilled', finishedAt: T0, restartCount: 1 });
    for (let i = 0; i < 5; i++) tl.observePod(pod([status]), T0 + i * 1000);
    assert.equal(tl.timeline().length, 1);
  });

  test('client-node Date timestamps work like RFC 3339 strings', () => {
    const tl = new DisruptionTimeline();
    const status: ContainerStatus = {
      name: 'app',
      restartCount: 1,
      lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: new Date(T0), containerID: 'containerd://old' } },
    };
    tl.observePod(pod([status]), T0);
    tl.observePod(pod([terminatedStatus({ exitCode: 137, reason: 'OOMKilled', finishedAt: T0, restartCount: 1 })]), T0);
    const events = tl.timeline();
    assert.equal(events.length, 1);
    assert.equal(events[0]?.time, T0);
  });

  test('two OOM kills of the same container (two restarts) are two events', () => {
    const tl = new DisruptionTimeline();
    tl.observePod(pod([terminatedStatus({ exitCode: 137, reason: 'OOMKilled', finishedAt: T0, restartCount: 1, id: 'containerd://one' })]), T0);
    tl.observePod(pod([terminatedStatus({ exitCode: 137, reason: 'OOMKilled', finishedAt: T0 + 60_000, restartCount: 2, id: 'containerd://two' })]), T0 + 60_000);
    const events = tl.timeline();
    assert.deepEqual(events.map((e) => e.details.restartCount), [1, 2]);
  });

  test('a restartCount increase without a termination record is reported, and superseded once the status catches up', () => {
    const tl = new DisruptionTimeline();
    tl.observePod(pod([{ name: 'app', restartCount: 0, state: { running: {} } }]), T0);
    tl.observePod(pod([{ name: 'app', restartCount: 1, state: { running: {} } }]), T0 + 1000);
    assert.deepEqual(kinds(tl.timeline()), ['container-restart']);
    assert.equal(
      tl.timeline()[0]?.explanation,
      'Container app restarted (restartCount 0 → 1), but the API did not report how the previous container ended; its memory stress ended with it.',
    );
    tl.observePod(pod([terminatedStatus({ exitCode: 1, reason: 'Error', finishedAt: T0 + 500, restartCount: 1 })]), T0 + 2000);
    assert.deepEqual(kinds(tl.timeline()), ['container-exit']);
  });
});

suite('oomEvents: Kubernetes events and correlation', () => {
  test('liveness failures + Killing + restart = one "probe restart": the stress went with it', () => {
    const tl = new DisruptionTimeline();
    tl.observePod(pod([{ name: 'app', restartCount: 0, state: { running: {} } }], { livenessThreshold: 3 }), T0 - 60_000);
    tl.addEvent(event('Unhealthy', 'Liveness probe failed: HTTP probe failed with statuscode: 500', T0 - 10_000, { count: 3, firstTimestamp: iso(T0 - 30_000) }));
    tl.addEvent(event('Killing', 'Container app failed liveness probe, will be restarted', T0 - 10_000));
    tl.observePod(pod([terminatedStatus({ exitCode: 137, reason: 'Error', finishedAt: T0, restartCount: 1 })], { livenessThreshold: 3 }), T0 + 1000);
    const events = tl.timeline();
    assert.deepEqual(kinds(events), ['probe-restart']);
    const [e] = events;
    assert.deepEqual(e?.sources, ['container-status', 'event']);
    assert.equal(e?.title, 'Liveness probe restarted app');
    assert.equal(
      e?.explanation,
      'The liveness probe of container app failed 3 times in a row and the kubelet restarted the container (restart #1); the memory ' +
        'stress running in it went with it, so the curve drops because the process was restarted, not because memory was freed. ' +
        'Last failure: "Liveness probe failed: HTTP probe failed with statuscode: 500". It ended with exit code 137 because the kubelet ' +
        'sends SIGKILL when the grace period runs out: a probe restart, not an OOM.',
    );
    assert.equal(e?.details.probeFailuresReported, 3);
    assert.deepEqual(e?.details.eventReasons, ['Unhealthy', 'Killing']);
  });

  test('a probe Killing before the status shows the restart is already a probe restart', () => {
    const tl = new DisruptionTimeline();
    tl.addEvent(event('Unhealthy', 'Liveness probe failed: timeout', T0 - 5000));
    tl.addEvent(event('Killing', 'Container app failed liveness probe, will be restarted', T0));
    const [e, ...rest] = tl.timeline();
    assert.equal(rest.length, 0);
    assert.equal(e?.kind, 'probe-restart');
    assert.deepEqual(e?.sources, ['event']);
    assert.match(e?.explanation ?? '', /^The liveness probe of container app failed repeatedly and the kubelet is killing the container to restart it;/);
  });

  test('the same Event updated with a higher count replaces the old one (no duplicate)', () => {
    const tl = new DisruptionTimeline();
    const first = event('Unhealthy', 'Readiness probe failed: 503', T0);
    tl.addEvent(first);
    tl.addEvent({ ...first, count: 4, lastTimestamp: iso(T0 + 30_000) });
    const events = tl.timeline();
    assert.equal(events.length, 1);
    assert.equal(events[0]?.details.probeFailuresReported, 4);
    assert.equal(events[0]?.time, T0 + 30_000);
  });

  test('readiness failures never restart: the stress keeps running', () => {
    const tl = new DisruptionTimeline();
    tl.addEvent(event('Unhealthy', 'Readiness probe failed: 503', T0, { count: 2 }));
    const [e] = tl.timeline();
    assert.equal(e?.kind, 'probe-failure');
    assert.equal(e?.severity, 'info');
    assert.equal(
      e?.explanation,
      'The readiness probe of container app failed (2 failures reported): "Readiness probe failed: 503". A readiness probe never ' +
        'restarts anything: the pod is only taken out of its Services’ endpoints, and the stress keeps running.',
    );
  });

  test('liveness failures below the threshold: a warning that a restart will follow', () => {
    const tl = new DisruptionTimeline();
    tl.observePod(pod([{ name: 'app', restartCount: 0, state: { running: {} } }], { livenessThreshold: 5 }), T0 - 1000);
    tl.addEvent(event('Unhealthy', 'Liveness probe failed: 500', T0));
    const [e] = tl.timeline();
    assert.equal(e?.kind, 'probe-failure');
    assert.match(e?.explanation ?? '', /The kubelet restarts the container after 5 consecutive failures of this probe; no restart has been seen yet\.$/);
  });

  test('eviction: pod status, Evicted event and the container it ended are one event', () => {
    const tl = new DisruptionTimeline();
    tl.addEvent(
      event(
        'Evicted',
        'The node was low on resource: memory. Threshold quantity: 100Mi, available: 52Mi. Container app was using 1200Mi, request is 100Mi, has larger consumption of memory. ',
        T0,
        { involvedObject: { kind: 'Pod', namespace: NS, name: POD } },
      ),
    );
    tl.observePod(
      pod([{ ...terminatedStatus({ exitCode: 137, reason: 'Error', finishedAt: T0 + 1000, restartCount: 0 }) }], {
        status: { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' },
      }),
      T0 + 2000,
    );
    const events = tl.timeline();
    assert.deepEqual(kinds(events), ['evicted']);
    const [e] = events;
    assert.deepEqual(e?.sources, ['container-status', 'pod-status', 'event']);
    assert.deepEqual(e?.target, { namespace: NS, pod: POD, node: NODE });
    assert.equal(e?.details.starvedResource, 'memory');
    assert.equal(
      e?.explanation,
      'The kubelet evicted pod cart-7d4f9: the node was low on memory (available 52Mi, eviction threshold 100Mi); container app used ' +
        '1200Mi against a request of 100Mi. Under node memory pressure it evicts the pods using the most memory above their requests ' +
        'first (BestEffort and over-request Burstable pods, then by priority); the whole pod stops, so its stress stops with it — this ' +
        'is node pressure, not the container limit. Containers ended: app killed by SIGKILL (exit 137) — not necessarily an OOM.',
    );
  });

  test('BackOff is CrashLoopBackOff in plain words', () => {
    const tl = new DisruptionTimeline();
    tl.addEvent(event('BackOff', `Back-off restarting failed container app in pod ${POD}_${NS}(uid)`, T0, { count: 4 }));
    const [e] = tl.timeline();
    assert.equal(e?.kind, 'back-off');
    assert.match(e?.explanation ?? '', /CrashLoopBackOff, reported 4 times\)/);
  });

  test('Killing "Stopping container" + exit 143 is the kubelet stopping it, not an OOM', () => {
    const tl = new DisruptionTimeline();
    tl.addEvent(event('Killing', 'Stopping container app', T0));
    tl.observePod(pod([{ name: 'app', restartCount: 0, state: { terminated: { exitCode: 143, reason: 'Error', finishedAt: iso(T0 + 3000) } } }]), T0 + 4000);
    const [e, ...rest] = tl.timeline();
    assert.equal(rest.length, 0);
    assert.equal(e?.kind, 'killed-by-kubelet');
    assert.deepEqual(e?.sources, ['container-status', 'event']);
    assert.match(e?.explanation ?? '', /not an OOM\. It ended stopped by SIGTERM \(exit 143\)/);
  });

  test('a SystemOOM on a node with no sampled container is a node event', () => {
    const tl = new DisruptionTimeline();
    tl.addEvent(nodeEvent('SystemOOM', 'System OOM encountered, victim process: java, pid: 77', T0));
    const [e] = tl.timeline();
    assert.equal(e?.kind, 'system-oom');
    assert.deepEqual(e?.target, { node: NODE });
    assert.match(e?.explanation ?? '', /^The whole node node-a ran out of memory \(not a container's limit\) and the kernel OOM killer killed java \(pid 77\): /);
  });

  test('an OOMKilling not matched to any sampled container stays a node event', () => {
    const tl = new DisruptionTimeline();
    tl.addEvent(nodeEvent('OOMKilling', kernelLines('v2')[0] as string, T0));
    const [e] = tl.timeline();
    assert.equal(e?.kind, 'node-oom-kill');
    assert.equal(e?.details.victim?.pid, 476);
  });

  test('other events (Scheduled, Pulled) are not disruptions', () => {
    const tl = new DisruptionTimeline();
    tl.addEvent(event('Pulled', 'Container image "x" already present on machine', T0));
    assert.deepEqual(tl.timeline(), []);
  });

  test('the whole story of a stress experiment, in time order', () => {
    const tl = new DisruptionTimeline();
    tl.observePod(pod([{ name: 'app', restartCount: 0, state: { running: {} } }], { livenessThreshold: 3 }), T0);
    tl.addCgroupOomKill(cgroupKill(T0 + 10_000)); // a stress worker killed, the container survives
    tl.addEvent(event('Unhealthy', 'Liveness probe failed: timeout', T0 + 40_000, { count: 3 }));
    tl.addEvent(event('Killing', 'Container app failed liveness probe, will be restarted', T0 + 40_000));
    tl.observePod(pod([terminatedStatus({ exitCode: 137, reason: 'Error', finishedAt: T0 + 45_000, restartCount: 1 })], { livenessThreshold: 3 }), T0 + 46_000);
    tl.addEvent(event('Unhealthy', 'Readiness probe failed: 503', T0 + 50_000));
    assert.deepEqual(kinds(tl.timeline()), ['oom-kill-in-container', 'probe-restart', 'probe-failure']);
  });
});
