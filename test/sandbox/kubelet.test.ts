// The sandbox kubelet against the real kernel: pods in the store become real processes in real
// memory cgroups, and the statuses, events and figures it writes back are checked exactly.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Store, ApiError, type KObject } from './store';
import { Kubelet } from './kubelet';
import { canLowerOomScoreAdj } from './runtime/runtime';
import { detectCgroupLayout } from './runtime/cgroup';
import { containerOomScoreAdj, podQosClass } from '../../src/core/qos';
import type { Pod as CorePod } from '../../src/core/k8sTypes';
import { isRunning } from './testing';

const MiB = 1024 * 1024;
const layout = detectCgroupLayout();
const limitFile = layout.version === 2 ? 'memory.max' : 'memory.limit_in_bytes';
const memTotalKiB = Number(/^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1]);
const NODES = ['kt-node-a', 'kt-node-b'];
const NS = 'kubelet-test';

async function waitFor<T>(what: string, fn: () => T | undefined | false | null, timeoutMs = 30000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface ContainerStatus {
  name: string;
  state: Record<string, Record<string, unknown>>;
  lastState: { terminated?: Record<string, unknown> };
  ready: boolean;
  started: boolean;
  restartCount: number;
  containerID?: string;
  image: string;
  imageID: string;
}
interface PodStatus {
  phase: string;
  podIP?: string;
  hostIP: string;
  qosClass: string;
  startTime: string;
  conditions: { type: string; status: string; reason?: string; message?: string }[];
  containerStatuses: ContainerStatus[];
}

function pod(name: string, containers: Record<string, unknown>[], extra: Record<string, unknown> = {}): KObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS, labels: { test: name } }, spec: { containers, ...extra } };
}

const pause = (resources?: Record<string, unknown>) => ({ name: 'app', image: 'sandbox/pause', ...(resources ? { resources } : {}) });

suite('sandbox kubelet (real processes, real cgroups)', function () {
  let store: Store;
  let kubelet: Kubelet;
  const logLines: string[] = [];

  suiteSetup(async () => {
    store = new Store();
    kubelet = new Kubelet(store, { nodeNames: NODES, instanceName: `kubelet-test-${process.pid}`, log: (l) => logLines.push(l) });
    await kubelet.start();
  });

  suiteTeardown(async () => {
    await kubelet?.stop();
  });

  const status = (name: string): PodStatus | undefined => store.get('pods', NS, name)?.status as PodStatus | undefined;
  const cs = (name: string, container = 'app'): ContainerStatus | undefined => status(name)?.containerStatuses?.find((c) => c.name === container);
  const eventsOf = (name: string) =>
    store
      .list('events', NS)
      .items.filter((e) => (e.involvedObject as { name: string }).name === name)
      .map((e) => ({ reason: e.reason as string, message: e.message as string, type: e.type as string, count: e.count as number, fieldPath: (e.involvedObject as { fieldPath?: string }).fieldPath }));
  const running = (name: string, container = 'app') => waitFor(`${name} running`, () => (cs(name, container)?.state.running ? status(name) : undefined));
  const remove = async (name: string) => {
    const pid = kubelet.containerPid(NS, name, 'app');
    const dir = kubelet.podCgroupDir(store.get('pods', NS, name)!.metadata.uid!)!;
    store.delete('pods', NS, name);
    await waitFor(`${name}'s cgroup removed`, () => !existsSync(dir));
    if (pid) await waitFor(`${name}'s process gone`, () => !isRunning(pid));
  };

  test('each node is registered with the host capacity, Ready, at 127.0.0.1', () => {
    for (const name of NODES) {
      const node = store.get('nodes', undefined, name)!;
      const st = node.status as { capacity: Record<string, string>; allocatable: Record<string, string>; conditions: { type: string; status: string }[]; addresses: { type: string; address: string }[] };
      assert.deepEqual(
        { cpu: st.capacity.cpu, memory: st.capacity.memory, pods: st.capacity.pods },
        { cpu: String(os.cpus().length), memory: `${memTotalKiB}Ki`, pods: '110' },
      );
      assert.deepEqual(st.allocatable, st.capacity);
      assert.deepEqual(
        st.conditions.map((c) => [c.type, c.status]),
        [
          ['MemoryPressure', 'False'],
          ['DiskPressure', 'False'],
          ['PIDPressure', 'False'],
          ['Ready', 'True'],
        ],
      );
      assert.deepEqual(st.addresses, [
        { type: 'InternalIP', address: '127.0.0.1' },
        { type: 'Hostname', address: name },
      ]);
    }
    assert.equal(kubelet.cgroupVersion, layout.version);
  });

  test('QoS classes and every process oom_score_adj follow src/core (Guaranteed -997, BestEffort 1000, Burstable 1000 - 1000*request/capacity)', async () => {
    const specs: { name: string; container: Record<string, unknown>; qos: string; adj: number }[] = [
      {
        name: 'qos-guaranteed',
        container: pause({ requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } }),
        qos: 'Guaranteed',
        // without CAP_SYS_RESOURCE the kernel refuses negative values: the process keeps 0
        adj: canLowerOomScoreAdj() ? -997 : 0,
      },
      {
        name: 'qos-burstable',
        container: pause({ requests: { memory: '200Mi' }, limits: { memory: '500Mi' } }),
        qos: 'Burstable',
        adj: 1000 - Math.floor((1000 * 200 * MiB) / (memTotalKiB * 1024)),
      },
      { name: 'qos-besteffort', container: pause(), qos: 'BestEffort', adj: 1000 },
    ];
    for (const s of specs) store.create('pods', pod(s.name, [s.container]));
    for (const s of specs) {
      const st = await running(s.name);
      const stored = store.get('pods', NS, s.name)! as unknown as CorePod;
      assert.equal(st.qosClass, s.qos);
      assert.equal(podQosClass(stored), s.qos);
      const pid = kubelet.containerPid(NS, s.name, 'app')!;
      assert.equal(Number(readFileSync(`/proc/${pid}/oom_score_adj`, 'utf8')), s.adj, s.name);
      if (s.qos !== 'Guaranteed') assert.equal(containerOomScoreAdj(stored, 'app', BigInt(memTotalKiB) * 1024n), s.adj);
    }
    for (const s of specs) await remove(s.name);
  });

  test('a running pod: node, loopback IP, phase, conditions, container status, events, cgroup limit', async () => {
    store.create('pods', pod('status-pod', [pause({ requests: { memory: '32Mi' }, limits: { memory: '96Mi' } })]));
    const st = await waitFor('status-pod ready', () => (cs('status-pod')?.ready ? status('status-pod') : undefined));
    const stored = store.get('pods', NS, 'status-pod')!;
    const nodeName = (stored.spec as { nodeName: string }).nodeName;
    assert.ok(NODES.includes(nodeName));
    assert.match(st.podIP!, /^127\.([1-9]\d*)\.\d+\.\d+$/);
    assert.equal(st.hostIP, '127.0.0.1');
    assert.equal(st.phase, 'Running');
    assert.deepEqual(
      st.conditions.map((c) => [c.type, c.status]),
      [
        ['PodReadyToStartContainers', 'True'],
        ['Initialized', 'True'],
        ['Ready', 'True'],
        ['ContainersReady', 'True'],
        ['PodScheduled', 'True'],
      ],
    );
    const c = st.containerStatuses[0];
    assert.match(c.containerID!, /^sandbox:\/\/[0-9a-f]{64}$/);
    assert.match(c.imageID, /^sandbox\/pause@sha256:[0-9a-f]{64}$/);
    assert.deepEqual([c.name, c.image, c.ready, c.started, c.restartCount, c.lastState], ['app', 'sandbox/pause', true, true, 0, {}]);
    const dir = kubelet.containerCgroupDir(NS, 'status-pod', 'app')!;
    assert.equal(readFileSync(path.join(dir, limitFile), 'utf8').trim(), String(96 * MiB));
    assert.equal(c.containerID, `sandbox://${path.basename(dir)}`);
    assert.deepEqual(
      eventsOf('status-pod').map((e) => [e.type, e.reason, e.message]),
      [
        ['Normal', 'Scheduled', `Successfully assigned ${NS}/status-pod to ${nodeName}`],
        ['Normal', 'Pulled', 'Container image "sandbox/pause" already present on machine'],
        ['Normal', 'Created', 'Created container: app'],
        ['Normal', 'Started', 'Started container app'],
      ],
    );
    const uid = stored.metadata.uid;
    for (const e of store.list('events', NS).items.filter((x) => (x.involvedObject as { name: string }).name === 'status-pod')) {
      assert.equal((e.involvedObject as { uid: string }).uid, uid, 'events carry the pod uid (describe filters on it)');
    }
  });

  test('pods without spec.nodeName are spread round-robin over the nodes, each with its own IP', async () => {
    for (let i = 0; i < 4; i++) store.create('pods', pod(`spread-${i}`, [pause()]));
    const sts = [];
    for (let i = 0; i < 4; i++) sts.push(await running(`spread-${i}`));
    const nodes = [0, 1, 2, 3].map((i) => (store.get('pods', NS, `spread-${i}`)!.spec as { nodeName: string }).nodeName);
    assert.deepEqual(new Set(nodes), new Set(NODES));
    assert.equal(new Set(sts.map((s) => s.podIP)).size, 4);
    for (let i = 0; i < 4; i++) await remove(`spread-${i}`);
  });

  test('two containers in one pod: two cgroups under one pod cgroup limited to the sum of the limits', async () => {
    store.create('pods', pod('two-containers', [
      { name: 'app', image: 'sandbox/pause', resources: { limits: { memory: '64Mi' } } },
      { name: 'sidecar', image: 'busybox', command: ['sleep', '3600'], resources: { limits: { memory: '32Mi' } } },
    ]));
    await running('two-containers', 'app');
    await running('two-containers', 'sidecar');
    const a = kubelet.containerCgroupDir(NS, 'two-containers', 'app')!;
    const b = kubelet.containerCgroupDir(NS, 'two-containers', 'sidecar')!;
    assert.equal(path.dirname(a), path.dirname(b));
    assert.equal(readFileSync(path.join(path.dirname(a), limitFile), 'utf8').trim(), String(96 * MiB));
    // memory limits only (no cpu): memory is "Guaranteed" but cpu "BestEffort", so the pod is Burstable
    assert.equal(status('two-containers')!.qosClass, 'Burstable');
    await remove('two-containers');
  });

  test('exec runs in the container: its own cgroup limit at the runc path, exit codes kept; unknown pod/container are the API errors', async () => {
    await running('status-pod');
    const view = path.join(layout.containerView, limitFile);
    const p = kubelet.exec(NS, 'status-pod', 'app', ['sh', '-c', `cat ${view}; exit 5`], { stdin: false, tty: false });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    assert.deepEqual(await p.exited, { code: 5, signal: null });
    assert.equal(out, `${96 * MiB}\n`);
    assert.throws(
      () => kubelet.exec(NS, 'status-pod', 'nope', ['true'], { stdin: false, tty: false }),
      (e: unknown) => e instanceof ApiError && e.code === 400 && e.message === 'container nope is not valid for pod status-pod',
    );
    assert.throws(
      () => kubelet.exec(NS, 'no-such-pod', 'app', ['true'], { stdin: false, tty: false }),
      (e: unknown) => e instanceof ApiError && e.code === 404 && e.message === 'pods "no-such-pod" not found',
    );
  });

  test('a failing liveness probe records Unhealthy and Killing, and the container restarts (restartCount 1, lastState Error 143)', async () => {
    store.create('pods', pod('liveness', [
      {
        name: 'app',
        image: 'sandbox/hello-kubernetes',
        ports: [{ containerPort: 8080 }],
        livenessProbe: { httpGet: { path: '/nope', port: 8080 }, periodSeconds: 1, failureThreshold: 2 },
      },
    ]));
    const c = await waitFor('the liveness restart', () => (cs('liveness')?.restartCount === 1 && cs('liveness')?.state.running ? cs('liveness') : undefined));
    assert.deepEqual(
      { reason: c.lastState.terminated!.reason, exitCode: c.lastState.terminated!.exitCode },
      { reason: 'Error', exitCode: 143 },
    );
    const events = eventsOf('liveness');
    const unhealthy = events.find((e) => e.reason === 'Unhealthy')!;
    assert.deepEqual(
      [unhealthy.type, unhealthy.message, unhealthy.fieldPath],
      ['Warning', 'Liveness probe failed: HTTP probe failed with statuscode: 404', 'spec.containers{app}'],
    );
    assert.ok(unhealthy.count >= 2, `Unhealthy aggregated: count ${unhealthy.count}`);
    const killing = events.find((e) => e.reason === 'Killing')!;
    assert.deepEqual([killing.type, killing.message], ['Normal', 'Container app failed liveness probe, will be restarted']);
    await remove('liveness');
  });

  test('a failing readiness probe keeps the container unready (Ready False) and never restarts it; a passing one makes it ready', async () => {
    store.create('pods', pod('readiness', [
      {
        name: 'app',
        image: 'sandbox/hello-kubernetes',
        ports: [{ containerPort: 8080 }],
        readinessProbe: { httpGet: { path: '/nope', port: 8080 }, periodSeconds: 1, failureThreshold: 1 },
      },
      {
        name: 'ok',
        image: 'sandbox/hello-kubernetes',
        env: [{ name: 'PORT', value: '8081' }],
        readinessProbe: { httpGet: { path: '/healthz', port: 8081 }, periodSeconds: 1 },
      },
    ]));
    await waitFor('two Unhealthy readiness failures', () => eventsOf('readiness').find((e) => e.reason === 'Unhealthy' && e.count >= 2));
    await waitFor('the passing container ready', () => cs('readiness', 'ok')?.ready);
    const st = status('readiness')!;
    const ready = st.conditions.find((c) => c.type === 'Ready')!;
    assert.deepEqual([ready.status, ready.reason, ready.message], ['False', 'ContainersNotReady', 'containers with unready status: [app]']);
    assert.deepEqual([cs('readiness')!.ready, cs('readiness')!.restartCount, st.phase], [false, 0, 'Running']);
    assert.equal(eventsOf('readiness').find((e) => e.reason === 'Unhealthy')!.message, 'Readiness probe failed: HTTP probe failed with statuscode: 404');
    await remove('readiness');
  });

  const probeCases: { name: string; probe: Record<string, unknown>; kind: 'liveness' | 'startup'; message: (ip: string) => string }[] = [
    {
      name: 'exec liveness probe: the command output is the message',
      kind: 'liveness',
      probe: { exec: { command: ['cat', '/nonexistent/healthy'] }, periodSeconds: 1, failureThreshold: 1 },
      message: () => 'Liveness probe failed: cat: /nonexistent/healthy: No such file or directory\n',
    },
    {
      name: 'tcpSocket liveness probe on a closed port: connection refused',
      kind: 'liveness',
      probe: { tcpSocket: { port: 9 }, periodSeconds: 1, failureThreshold: 1 },
      message: (ip) => `Liveness probe failed: dial tcp ${ip}:9: connect: connection refused`,
    },
    {
      name: 'httpGet startup probe on a closed port: Get ... connection refused, then the startup kill',
      kind: 'startup',
      probe: { httpGet: { path: '/healthz', port: 9 }, periodSeconds: 1, failureThreshold: 1 },
      message: (ip) => `Startup probe failed: Get "http://${ip}:9/healthz": dial tcp ${ip}:9: connect: connection refused`,
    },
  ];
  for (const [i, p] of probeCases.entries()) {
    test(p.name, async () => {
      const name = `probe-${i}`;
      store.create('pods', pod(name, [{ name: 'app', image: 'sandbox/pause', [`${p.kind}Probe`]: p.probe }]));
      const st = await running(name);
      const killing = await waitFor('the Killing event', () => eventsOf(name).find((e) => e.reason === 'Killing'));
      assert.equal(killing.message, `Container app failed ${p.kind} probe, will be restarted`);
      assert.equal(eventsOf(name).find((e) => e.reason === 'Unhealthy')!.message, p.message(st.podIP!));
      await waitFor('the restart', () => cs(name)?.restartCount === 1);
      await remove(name);
    });
  }

  test('env: literal values with $(VAR) expansion, fieldRef and resourceFieldRef, HOSTNAME, SANDBOX_POD_IP; no kubelet environment leaks in', async () => {
    process.env.PMC_KUBELET_SECRET_FOR_TEST = 'must-not-leak';
    store.create('pods', pod('env', [
      {
        name: 'app',
        image: 'busybox',
        command: ['sh', '-c', 'env; exec sleep 600'],
        ports: [{ containerPort: 9090 }],
        resources: { requests: { memory: '32Mi' }, limits: { memory: '64Mi' } },
        env: [
          { name: 'GREETING', value: 'hello' },
          { name: 'MESSAGE', value: '$(GREETING) from $(POD_NAME) $$(NOT_EXPANDED)' },
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'POD_NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'LIMIT_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        ],
      },
    ]));
    const st = await running('env');
    const env = Object.fromEntries(
      (await waitFor('the env output', () => kubelet.logs(NS, 'env', 'app', {}) || undefined))
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    assert.deepEqual(
      [env.GREETING, env.MESSAGE, env.POD_NAME, env.POD_NS, env.POD_IP, env.LIMIT_MI, env.HOSTNAME],
      ['hello', 'hello from $(POD_NAME) $(NOT_EXPANDED)', 'env', NS, st.podIP, '64', 'env'],
    );
    assert.equal(env.PMC_KUBELET_SECRET_FOR_TEST, undefined);
    // only the hello-kubernetes image gets PORT; every container learns its pod IP
    assert.deepEqual([env.PORT, env.SANDBOX_POD_IP], [undefined, st.podIP]);
    delete process.env.PMC_KUBELET_SECRET_FOR_TEST;
    await remove('env');
  });

  test('a main process OOM-killed by the kernel gives lastState.terminated OOMKilled with exit code 137 (and state OOMKilled before the restart, as get -w shows)', async () => {
    const seen: string[] = [];
    const unwatch = store.watch('pods', NS, undefined, (e) => {
      const st = (e.object.status as PodStatus | undefined)?.containerStatuses?.[0]?.state;
      if (e.object.metadata.name === 'oom' && st?.terminated) seen.push(String(st.terminated.reason));
    });
    store.create('pods', pod('oom', [
      {
        name: 'app',
        image: 'busybox',
        command: [process.execPath, '-e', 'const a = []; for (;;) a.push(Buffer.allocUnsafe(1 << 20).fill(1));'],
        resources: { limits: { memory: '64Mi' } },
      },
    ]));
    const c = await waitFor('a restart after the OOM kill', () => (cs('oom')?.lastState.terminated && cs('oom')!.restartCount >= 1 ? cs('oom') : undefined));
    assert.deepEqual(
      { reason: c.lastState.terminated!.reason, exitCode: c.lastState.terminated!.exitCode },
      { reason: 'OOMKilled', exitCode: 137 },
    );
    unwatch();
    assert.equal(seen[0], 'OOMKilled', 'watchers saw the terminated OOMKilled state');
    assert.ok(logLines.some((l) => l.includes(`${NS}/oom container app was OOM-killed by the kernel`)));
    await remove('oom');
  });

  test('a crashing container goes into CrashLoopBackOff with the kubelet message and a BackOff event; logs current and previous', async () => {
    store.create('pods', pod('crash', [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'echo bye; exit 3'] }]));
    const c = await waitFor('CrashLoopBackOff', () => (cs('crash')?.state.waiting?.reason === 'CrashLoopBackOff' ? cs('crash') : undefined));
    const uid = store.get('pods', NS, 'crash')!.metadata.uid;
    assert.equal(c.state.waiting.message, `back-off 10s restarting failed container=app pod=crash_${NS}(${uid})`);
    assert.deepEqual(
      { restartCount: c.restartCount, reason: c.lastState.terminated!.reason, exitCode: c.lastState.terminated!.exitCode, ready: c.ready, started: c.started },
      { restartCount: 1, reason: 'Error', exitCode: 3, ready: false, started: false },
    );
    assert.equal(status('crash')!.phase, 'Running');
    const backOff = eventsOf('crash').find((e) => e.reason === 'BackOff')!;
    assert.deepEqual([backOff.type, backOff.message], ['Warning', `Back-off restarting failed container app in pod crash_${NS}(${uid})`]);
    assert.equal(kubelet.logs(NS, 'crash', 'app', {}), 'bye\n');
    assert.equal(kubelet.logs(NS, 'crash', 'app', { previous: true }), 'bye\n');
    assert.match(kubelet.logs(NS, 'crash', 'app', { timestamps: true }), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z bye\n$/);
    await remove('crash');
  });

  test('the back-off is honoured: the second restart starts no sooner than 10 s after the crash, and the back-off doubles to 20s', async () => {
    store.create('pods', pod('backoff', [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'sleep 0.2; exit 1'] }]));
    await waitFor('the first back-off', () => cs('backoff')?.state.waiting?.reason === 'CrashLoopBackOff');
    const finishedAt = Date.parse(String(cs('backoff')!.lastState.terminated!.finishedAt));
    const c = await waitFor('the second back-off', () => (cs('backoff')?.restartCount === 2 && cs('backoff')?.state.waiting?.reason === 'CrashLoopBackOff' ? cs('backoff') : undefined), 40000);
    // whole-second timestamps: the restart began at least 10 s after the crash (minus rounding)
    assert.ok(Date.parse(String(c.lastState.terminated!.startedAt)) - finishedAt >= 9000, 'restarted only after the 10 s back-off');
    assert.match(String(c.state.waiting.message), /^back-off 20s restarting failed container=app pod=backoff_/);
    assert.ok(eventsOf('backoff').find((e) => e.reason === 'BackOff')!.count >= 2);
    await remove('backoff');
  });

  const policies: { restartPolicy: string; exit: number; phase: string; reason: string }[] = [
    { restartPolicy: 'Never', exit: 0, phase: 'Succeeded', reason: 'Completed' },
    { restartPolicy: 'Never', exit: 1, phase: 'Failed', reason: 'Error' },
    { restartPolicy: 'OnFailure', exit: 0, phase: 'Succeeded', reason: 'Completed' },
  ];
  for (const p of policies) {
    test(`restartPolicy ${p.restartPolicy}, exit ${p.exit}: phase ${p.phase}, state.terminated ${p.reason}, not restarted`, async () => {
      const name = `policy-${p.restartPolicy.toLowerCase()}-${p.exit}`;
      store.create('pods', pod(name, [{ name: 'app', image: 'busybox', command: ['sh', '-c', `exit ${p.exit}`] }], { restartPolicy: p.restartPolicy }));
      const st = await waitFor(`${name} ${p.phase}`, () => (status(name)?.phase === p.phase ? status(name) : undefined));
      const c = st.containerStatuses[0];
      assert.deepEqual([c.state.terminated?.reason, c.state.terminated?.exitCode, c.restartCount], [p.reason, p.exit, 0]);
      assert.deepEqual(st.conditions.find((x) => x.type === 'Ready'), { ...st.conditions.find((x) => x.type === 'Ready'), status: 'False', reason: 'PodCompleted' });
      await remove(name);
    });
  }

  test('init containers run to completion, one after the other, before the app containers start', async () => {
    const marker = `/tmp/pmc-kubelet-test-init-${process.pid}`;
    store.create('pods', pod('init', [{ name: 'app', image: 'busybox', command: ['sh', '-c', `cat ${marker} && exec sleep 600`] }], {
      initContainers: [
        { name: 'first', image: 'busybox', command: ['sh', '-c', `sleep 0.3; echo one > ${marker}`] },
        { name: 'second', image: 'busybox', command: ['sh', '-c', `echo two >> ${marker}`] },
      ],
    }));
    const st = await waitFor('the app running after both init containers', () => (cs('init')?.state.running ? status('init') : undefined));
    const init = (st as unknown as { initContainerStatuses: ContainerStatus[] }).initContainerStatuses;
    assert.deepEqual(
      init.map((c) => [c.name, c.state.terminated?.reason, c.state.terminated?.exitCode, c.restartCount]),
      [
        ['first', 'Completed', 0, 0],
        ['second', 'Completed', 0, 0],
      ],
    );
    assert.deepEqual([cs('init')!.restartCount, kubelet.logs(NS, 'init', 'app', {})], [0, 'one\ntwo\n']);
    assert.equal(st.conditions.find((c) => c.type === 'Initialized')!.status, 'True');
    assert.deepEqual(eventsOf('init').filter((e) => e.reason === 'Started').map((e) => e.fieldPath), ['spec.initContainers{first}', 'spec.initContainers{second}', 'spec.containers{app}']);
    await remove('init');
  });

  test('a failing init container with restartPolicy Never fails the pod; the app never starts', async () => {
    store.create('pods', pod('init-fails', [{ name: 'app', image: 'sandbox/pause' }], { restartPolicy: 'Never', initContainers: [{ name: 'setup', image: 'busybox', command: ['sh', '-c', 'exit 4'] }] }));
    const st = await waitFor('the pod Failed', () => (status('init-fails')?.phase === 'Failed' ? status('init-fails') : undefined));
    const init = (st as unknown as { initContainerStatuses: ContainerStatus[] }).initContainerStatuses[0];
    assert.deepEqual([init.state.terminated?.reason, init.state.terminated?.exitCode], ['Error', 4]);
    const initialized = st.conditions.find((c) => c.type === 'Initialized')!;
    assert.deepEqual([initialized.status, initialized.reason, initialized.message], ['False', 'ContainersNotInitialized', 'containers with incomplete status: [setup]']);
    assert.deepEqual(cs('init-fails')!.state, { waiting: { reason: 'PodInitializing' } });
    store.delete('pods', NS, 'init-fails');
  });

  test('an image the sandbox does not have, without a command: ErrImagePull, then ImagePullBackOff, with the kubelet events', async () => {
    store.create('pods', pod('no-image', [{ name: 'app', image: 'nginx:1.27' }]));
    const c = await waitFor('ErrImagePull', () => (cs('no-image')?.state.waiting?.reason === 'ErrImagePull' ? cs('no-image') : undefined));
    const why = String(c.state.waiting.message);
    assert.match(why, /^image "nginx:1.27" is not available in the sandbox: its images are sandbox\/hello-kubernetes, sandbox\/hello-kubernetes-memory-health, sandbox\/pause/);
    assert.equal(status('no-image')!.phase, 'Pending');
    const backOff = await waitFor('ImagePullBackOff', () => (cs('no-image')?.state.waiting?.reason === 'ImagePullBackOff' ? cs('no-image') : undefined));
    assert.equal(backOff.state.waiting.message, `Back-off pulling image "nginx:1.27": ErrImagePull: ${why}`);
    assert.deepEqual(
      eventsOf('no-image').filter((e) => e.reason !== 'Scheduled').map((e) => [e.type, e.reason, e.message]),
      [
        ['Normal', 'Pulling', 'Pulling image "nginx:1.27"'],
        ['Warning', 'Failed', `Failed to pull image "nginx:1.27": ${why}`],
        ['Warning', 'Failed', 'Error: ErrImagePull'],
        ['Normal', 'BackOff', 'Back-off pulling image "nginx:1.27"'],
        ['Warning', 'Failed', 'Error: ImagePullBackOff'],
      ],
    );
    store.delete('pods', NS, 'no-image');
  });

  test('changing a container image (kubectl set image) kills it ("definition changed") and runs the new image', async () => {
    store.create('pods', pod('set-image', [{ name: 'app', image: 'sandbox/pause' }, { name: 'other', image: 'nginx:1.27' }]));
    await running('set-image');
    await waitFor('the other container in ErrImagePull', () => cs('set-image', 'other')?.state.waiting?.reason === 'ErrImagePull');
    store.mutate('pods', NS, 'set-image', (o) => {
      const containers = (o.spec as { containers: { image: string }[] }).containers;
      containers[0].image = 'sandbox/hello-kubernetes';
      containers[1].image = 'sandbox/pause';
    });
    const c = await waitFor('the new image running', () => (cs('set-image')?.restartCount === 1 && cs('set-image')?.state.running ? cs('set-image') : undefined));
    assert.deepEqual([c.image, c.imageID.split('@')[0]], ['sandbox/hello-kubernetes', 'sandbox/hello-kubernetes']);
    assert.ok(eventsOf('set-image').some((e) => e.reason === 'Killing' && e.message === 'Container app definition changed, will be restarted'));
    const other = await waitFor('the fixed image running', () => (cs('set-image', 'other')?.state.running ? cs('set-image', 'other') : undefined));
    assert.equal(other.restartCount, 0);
    await remove('set-image');
  });

  test('Summary API and PodMetrics report the working set from the container cgroup (HOLD_MEMORY 96Mi is resident)', async () => {
    store.create('pods', pod('metrics', [
      { name: 'app', image: 'sandbox/hello-kubernetes', ports: [{ containerPort: 8080 }], env: [{ name: 'HOLD_MEMORY', value: '96Mi' }], resources: { limits: { memory: '300Mi' } } },
    ]));
    await running('metrics');
    await waitFor('the app listening', () => kubelet.logs(NS, 'metrics', 'app', {}).includes('listening on'));
    const nodeName = (store.get('pods', NS, 'metrics')!.spec as { nodeName: string }).nodeName;
    const summary = (await kubelet.summary(nodeName)) as {
      node: { nodeName: string; memory: { availableBytes: number; workingSetBytes: number } };
      pods: { podRef: { name: string; namespace: string }; containers: { name: string; memory: { workingSetBytes: number; availableBytes: number; usageBytes: number } }[] }[];
    };
    assert.equal(summary.node.nodeName, nodeName);
    assert.equal(summary.node.memory.availableBytes, memTotalKiB * 1024 - summary.node.memory.workingSetBytes);
    const entry = summary.pods.find((p) => p.podRef.name === 'metrics' && p.podRef.namespace === NS)!;
    const mem = entry.containers.find((c) => c.name === 'app')!.memory;
    assert.ok(mem.workingSetBytes >= 96 * MiB && mem.workingSetBytes < 200 * MiB, `working set ${mem.workingSetBytes}`);
    assert.equal(mem.availableBytes, 300 * MiB - mem.workingSetBytes);
    const [metrics] = (await kubelet.podMetrics(NS, 'metrics')) as { metadata: { name: string }; containers: { name: string; usage: { memory: string; cpu: string } }[] }[];
    assert.equal(metrics.metadata.name, 'metrics');
    const usage = metrics.containers[0].usage;
    assert.match(usage.cpu, /^\d+n$/);
    const bytes = /^(\d+)Ki$/.exec(usage.memory) ? Number(usage.memory.slice(0, -2)) * 1024 : Number(usage.memory);
    assert.ok(bytes >= 96 * MiB && bytes < 200 * MiB, `PodMetrics memory ${usage.memory}`);
    await assert.rejects(kubelet.summary('no-such-node'), (e: unknown) => e instanceof ApiError && e.code === 404);
    await remove('metrics');
  });

  test('deleting a pod kills its processes (Killing "Stopping container") and removes its cgroups', async () => {
    await running('status-pod');
    const pid = kubelet.containerPid(NS, 'status-pod', 'app')!;
    const uid = store.get('pods', NS, 'status-pod')!.metadata.uid!;
    const dir = kubelet.podCgroupDir(uid)!;
    assert.ok(existsSync(dir));
    store.delete('pods', NS, 'status-pod');
    await waitFor('the pod cgroup removed', () => !existsSync(dir));
    await waitFor('the process gone', () => !isRunning(pid));
    assert.ok(eventsOf('status-pod').some((e) => e.reason === 'Killing' && e.message === 'Stopping container app'));
  });

  test('a node given more pods than 110 at start reports that many as its pod capacity', async () => {
    const s2 = new Store();
    // an image the sandbox lacks: no process is started, only statuses and events are written
    for (let i = 0; i < 123; i++) s2.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: 'cap' }, spec: { nodeName: 'cap-node', containers: [{ name: 'c', image: 'no/such-image' }] } });
    const other = new Kubelet(s2, { nodeNames: ['cap-node', 'cap-node-2'], instanceName: `kubelet-cap-${process.pid}` });
    await other.start();
    try {
      for (const n of ['cap-node', 'cap-node-2']) assert.equal((s2.get('nodes', undefined, n)!.status as { capacity: { pods: string } }).capacity.pods, '123');
    } finally {
      await other.stop();
    }
  });

  test('stop() leaves no process and no cgroup behind', async () => {
    const other = new Kubelet(new Store(), { nodeNames: ['stop-node'], instanceName: `kubelet-stop-${process.pid}` });
    const s = (other as unknown as { store: Store }).store;
    await other.start();
    s.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'x' }, spec: { containers: [pause(), { name: 'b', image: 'busybox', command: ['sh', '-c', 'sleep 600 & exec sleep 600'] }] } });
    const pids = await waitFor('both containers running', () => {
      const a = other.containerPid('x', 'a', 'app');
      const b = other.containerPid('x', 'a', 'b');
      return a && b ? [a, b] : undefined;
    });
    const root = other.cgroupRoot!;
    assert.ok(existsSync(root));
    await other.stop();
    assert.equal(existsSync(root), false);
    assert.deepEqual(pids.filter(isRunning), []);
  });
});
