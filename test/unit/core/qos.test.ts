import { strict as assert } from 'node:assert';
import type { Container, Pod, QosClass, ResourceList } from '../../../src/core/k8sTypes';
import {
  containerOomScoreAdj,
  effectivePodQosClass,
  isNodeCriticalPod,
  podQosClass,
} from '../../../src/core/qos';
import { QuantityError } from '../../../src/core/quantity';

/** Requests/limits of cpu and memory; '' leaves the resource out. */
function list(cpu: string, memory: string): ResourceList {
  const out: Record<string, string> = {};
  if (cpu !== '') out.cpu = cpu;
  if (memory !== '') out.memory = memory;
  return out;
}

function container(name: string, requests: ResourceList, limits: ResourceList, sidecar = false): Container {
  return { name, resources: { requests, limits }, ...(sidecar ? { restartPolicy: 'Always' } : {}) };
}

function pod(containers: Container[], extra: { initContainers?: Container[]; resources?: { requests?: ResourceList; limits?: ResourceList } } = {}): Pod {
  return { metadata: { name: 'p' }, spec: { containers, ...extra } };
}

// Cases after kubernetes pkg/apis/core/v1/helper/qos/qos_test.go (TestComputePodQOS), plus the
// defaulting and sidecar cases the fact sheet lists (k8s-memory.md §4.4).
const QOS_CASES: readonly (readonly [string, Pod, QosClass])[] = [
  ['one container with cpu and memory requests equal to limits is Guaranteed', pod([container('g', list('100m', '100Mi'), list('100m', '100Mi'))]), 'Guaranteed'],
  ['two Guaranteed containers make a Guaranteed pod', pod([container('a', list('100m', '100Mi'), list('100m', '100Mi')), container('b', list('100m', '100Mi'), list('100m', '100Mi'))]), 'Guaranteed'],
  ['containers without resources make a BestEffort pod', pod([container('a', {}, {}), container('b', {}, {})]), 'BestEffort'],
  ['a container with no resources field at all is BestEffort', pod([{ name: 'bare' }]), 'BestEffort'],
  ['a pod without containers is BestEffort', { spec: {} }, 'BestEffort'],
  ['BestEffort next to Burstable is Burstable', pod([container('a', {}, {}), container('b', list('1', ''), list('2', ''))]), 'Burstable'],
  ['BestEffort next to Guaranteed is Burstable', pod([container('a', {}, {}), container('b', list('10m', '100Mi'), list('10m', '100Mi'))]), 'Burstable'],
  ['memory request = limit without cpu is Burstable', pod([container('a', list('', '100Mi'), list('', '100Mi'))]), 'Burstable'],
  ['requests without limits are Burstable', pod([container('a', list('100m', '100Mi'), {})]), 'Burstable'],
  ['a Burstable container next to a Guaranteed one is Burstable', pod([container('a', list('1', '100Mi'), list('2', '100Mi')), container('b', list('100m', '100Mi'), list('100m', '100Mi'))]), 'Burstable'],
  ['requests below limits are Burstable', pod([container('a', list('10m', '100Mi'), list('100m', '200Mi'))]), 'Burstable'],
  ['zero requests with limits are Burstable', pod([container('a', list('0', '0'), list('100m', '200Mi'))]), 'Burstable'],
  ['only hugepages with zero cpu/memory is BestEffort', pod([container('a', { cpu: '0', memory: '0', 'hugepages-2Mi': '1Gi' }, { cpu: '0', memory: '0', 'hugepages-2Mi': '1Gi' })]), 'BestEffort'],
  ['only ephemeral-storage is BestEffort', pod([container('a', { 'ephemeral-storage': '1Gi' }, { 'ephemeral-storage': '1Gi' })]), 'BestEffort'],
  ['a Burstable init container makes the pod Burstable', pod([container('a', {}, {})], { initContainers: [container('init', list('10m', '100Mi'), list('100m', '200Mi'))] }), 'Burstable'],
  ['a Guaranteed app with a sidecar without resources is Burstable', pod([container('app', list('1', '1Gi'), list('1', '1Gi'))], { initContainers: [container('sidecar', {}, {}, true)] }), 'Burstable'],
  ['a Guaranteed app with a Guaranteed sidecar is Guaranteed', pod([container('app', list('1', '1Gi'), list('1', '1Gi'))], { initContainers: [container('sidecar', list('100m', '64Mi'), list('100m', '64Mi'), true)] }), 'Guaranteed'],
  ['limits only become requests by Pod defaulting: Guaranteed', pod([container('a', {}, list('1', '1Gi'))]), 'Guaranteed'],
  ['a memory limit only is defaulted but cpu is missing: Burstable', pod([container('a', {}, list('', '1Gi'))]), 'Burstable'],
  ['equal quantities written differently are equal: 1Gi and 1024Mi, 1 and 1000m', pod([container('a', list('1', '1Gi'), list('1000m', '1024Mi'))]), 'Guaranteed'],
  ['quantities that only round to the same nano value are equal', pod([container('a', list('1.0000000001', '1Gi'), list('1.0000000002', '1Gi'))]), 'Guaranteed'],
  ['a YAML null quantity is a zero quantity, as Go unmarshals it: BestEffort', pod([container('a', { memory: null } as unknown as ResourceList, {})]), 'BestEffort'],
  ['YAML numbers are quantities too', pod([container('a', { cpu: 1, memory: 1073741824 }, { cpu: '1', memory: '1Gi' })]), 'Guaranteed'],
  // Pod-level resources (PodLevelResources, on by default): containers are then ignored.
  ['pod-level requests = limits with a BestEffort container is Guaranteed', pod([container('a', {}, {})], { resources: { requests: list('10m', '100Mi'), limits: list('10m', '100Mi') } }), 'Guaranteed'],
  ['pod-level Guaranteed wins over a Burstable container', pod([container('a', list('3m', '10Mi'), list('5m', '20Mi'))], { resources: { requests: list('10m', '100Mi'), limits: list('10m', '100Mi') } }), 'Guaranteed'],
  ['pod-level requests below limits are Burstable', pod([container('a', {}, {})], { resources: { requests: list('10m', '10Mi'), limits: list('20m', '50Mi') } }), 'Burstable'],
  ['pod-level Burstable wins over a Guaranteed container', pod([container('a', list('5m', '10Mi'), list('5m', '10Mi'))], { resources: { requests: list('10m', '10Mi'), limits: list('20m', '50Mi') } }), 'Burstable'],
  ['pod-level requests without limits are Burstable', pod([container('a', list('5m', '10Mi'), {})], { resources: { requests: list('10m', '10Mi') } }), 'Burstable'],
  ['pod-level cpu limit below request and no memory limit is Burstable', pod([container('a', list('5m', '10Mi'), {}), container('b', list('5m', '10Mi'), list('5m', '10Mi'))], { resources: { requests: list('10m', '10Mi'), limits: list('5m', '') } }), 'Burstable'],
  ['pod-level limits only: requests default to them, Guaranteed', pod([container('a', {}, {})], { resources: { limits: list('1', '1Gi') } }), 'Guaranteed'],
  ['pod-level limits with container requests: pod requests default to the containers\' sum, Burstable', pod([container('a', list('100m', '100Mi'), {})], { resources: { limits: list('1', '1Gi') } }), 'Burstable'],
  ['pod-level requests with every container limited: pod limits default to the sum, Guaranteed', pod([container('a', {}, list('500m', '512Mi')), container('b', {}, list('500m', '512Mi'))], { resources: { requests: list('1', '1Gi') } }), 'Guaranteed'],
  ['pod-level resources with only ephemeral-storage are not pod-level resources', pod([container('a', list('1', '1Gi'), list('1', '1Gi'))], { resources: { requests: { 'ephemeral-storage': '1Gi' } } }), 'Guaranteed'],
];

suite('podQosClass', () => {
  for (const [name, p, expected] of QOS_CASES) {
    test(name, () => assert.equal(podQosClass(p), expected));
  }

  test('with PodLevelResources off, spec.resources is ignored', () => {
    const p = pod([container('a', {}, {})], { resources: { requests: list('10m', '100Mi'), limits: list('10m', '100Mi') } });
    assert.equal(podQosClass(p, { podLevelResources: false }), 'BestEffort');
  });

  test('a malformed quantity is a QuantityError naming the container and the resource', () => {
    assert.throws(
      () => podQosClass(pod([container('web', list('', '256MB'), {})])),
      (e: unknown) => e instanceof QuantityError && /container "web" requests memory: "256MB"/.test(e.message),
    );
  });

  test('effectivePodQosClass prefers status.qosClass, as the kubelet\'s GetPodQOS does', () => {
    const p: Pod = { ...pod([container('a', {}, {})]), status: { qosClass: 'Burstable' } };
    assert.equal(podQosClass(p), 'BestEffort');
    assert.equal(effectivePodQosClass(p), 'Burstable');
    assert.equal(effectivePodQosClass({ ...p, status: {} }), 'BestEffort');
  });
});

const GB8 = 8_000_000_000n;
const REQ_1G = String(GB8 / 8n); // 1e9
const LIM_1G = String(1000n + GB8 / 8n);
const POD_REQ = String(GB8 / 4n); // 2e9
const POD_LIM = String(1000n + GB8 / 4n);

interface OomCase {
  readonly name: string;
  readonly pod: Pod;
  readonly capacity: bigint;
  /** container name → expected oom_score_adj */
  readonly expected: Readonly<Record<string, number>>;
}

const mem = (request: string, limit = ''): Pick<Container, 'resources'> => ({ resources: { requests: list('', request), limits: list('', limit) } });

// Cases after kubernetes pkg/kubelet/qos/policy_test.go (TestGetContainerOOMScoreAdjust), with
// exact values: 1000 - 1000*request/capacity in int64 arithmetic, clamped to [3, 999].
const OOM_CASES: readonly OomCase[] = [
  { name: 'cpu limit only (defaulted to a cpu request): Burstable with no memory request gets 999', pod: pod([container('c', {}, list('10', ''))]), capacity: 4_000_000_000n, expected: { c: 999 } },
  { name: 'memory limit 10G with a zero cpu request: defaulting makes 10G the request, 1000 - 1250 clamps to 3 (the undefaulted upstream pod gets 999)', pod: pod([container('c', list('0', ''), list('', '10G'))]), capacity: GB8, expected: { c: 3 } },
  { name: 'a zero memory limit is BestEffort: 1000', pod: pod([container('c', {}, list('', '0'))]), capacity: 7_230_457_451n, expected: { c: 1000 } },
  { name: 'no requests or limits is BestEffort: 1000', pod: pod([container('c', {}, {})]), capacity: 4_000_000_000n, expected: { c: 1000 } },
  { name: 'equal cpu and memory requests and limits is Guaranteed: -997', pod: pod([container('c', list('5m', '10G'), list('5m', '10G'))]), capacity: 123_456_789n, expected: { c: -997 } },
  { name: 'half the node memory requested: 500', pod: pod([container('c', list('5m', String(GB8 / 2n)), list('', '10G'))]), capacity: GB8, expected: { c: 500 } },
  { name: 'almost all the node requested: 1000 - 999 = 1, clamped up to 3', pod: pod([container('c', list('5m', String(GB8 - 1n)), {})]), capacity: GB8, expected: { c: 3 } },
  { name: 'system-cluster-critical is not node-critical: BestEffort 1000', pod: { spec: { priorityClassName: 'system-cluster-critical', priority: 2_000_000_000, containers: [{ name: 'c' }] } }, capacity: 4_000_000_000n, expected: { c: 1000 } },
  { name: 'system-node-critical with critical priority: -997 whatever its resources', pod: { spec: { priorityClassName: 'system-node-critical', priority: 2_000_001_000, containers: [{ name: 'c' }] } }, capacity: 4_000_000_000n, expected: { c: -997 } },
  { name: 'a static pod (config.source file) of class system-node-critical: -997', pod: { metadata: { annotations: { 'kubernetes.io/config.source': 'file' } }, spec: { priorityClassName: 'system-node-critical', containers: [{ name: 'c' }] } }, capacity: 4_000_000_000n, expected: { c: -997 } },
  { name: 'one Burstable container requesting 1/8 of the node: 875', pod: pod([{ name: 'c', ...mem(REQ_1G, LIM_1G) }]), capacity: GB8, expected: { c: 875 } },
  {
    name: 'an init container and the app, same request: both 875',
    pod: pod([{ name: 'main-1', ...mem(REQ_1G, LIM_1G) }], { initContainers: [{ name: 'init-container', ...mem(REQ_1G, LIM_1G) }] }),
    capacity: GB8,
    expected: { 'init-container': 875, 'main-1': 875 },
  },
  {
    name: 'a sidecar requesting less than the app scores 950 alone but is capped to the app\'s 875',
    pod: pod([{ name: 'main-1', ...mem(REQ_1G, LIM_1G) }], { initContainers: [{ name: 'init-container', ...mem(REQ_1G, LIM_1G) }, { name: 'sidecar-small', restartPolicy: 'Always', ...mem(String(GB8 / 20n), LIM_1G) }] }),
    capacity: GB8,
    expected: { 'init-container': 875, 'sidecar-small': 875, 'main-1': 875 },
  },
  {
    name: 'a sidecar requesting more than the app keeps its own lower score: 500',
    pod: pod([{ name: 'main-1', ...mem(REQ_1G, LIM_1G) }], { initContainers: [{ name: 'init-container', ...mem(REQ_1G, LIM_1G) }, { name: 'sidecar-big', restartPolicy: 'Always', ...mem(String(GB8 / 2n), LIM_1G) }] }),
    capacity: GB8,
    expected: { 'init-container': 875, 'sidecar-big': 500, 'main-1': 875 },
  },
  {
    name: 'a plain init container with restartPolicy unset is not capped like a sidecar: 950',
    pod: pod([{ name: 'main-1', ...mem(REQ_1G, LIM_1G) }], { initContainers: [{ name: 'init-small', ...mem(String(GB8 / 20n), LIM_1G) }] }),
    capacity: GB8,
    expected: { 'init-small': 950, 'main-1': 875 },
  },
  {
    name: 'pod-level Guaranteed: every container -997 whatever its own resources',
    pod: pod([container('burstable', list('3m', REQ_1G), list('5m', LIM_1G)), container('best-effort', {}, {})], { resources: { requests: list('5m', POD_REQ), limits: list('5m', POD_REQ) } }),
    capacity: 4_000_000_000n,
    expected: { burstable: -997, 'best-effort': -997 },
  },
  {
    name: 'pod-level Burstable with no container requests: the pod request is shared, 750 each',
    pod: pod([container('a', {}, {}), container('b', {}, {})], { resources: { requests: list('5m', POD_REQ), limits: list('5m', POD_LIM) } }),
    capacity: 4_000_000_000n,
    expected: { a: 750, b: 750 },
  },
  {
    name: 'pod-level Burstable with containers requesting the whole pod request: 750 each',
    pod: pod([container('a', list('5m', REQ_1G), list('5m', REQ_1G)), container('b', list('5m', REQ_1G), list('5m', REQ_1G))], { resources: { requests: list('5m', POD_REQ), limits: list('5m', POD_LIM) } }),
    capacity: 4_000_000_000n,
    expected: { a: 750, b: 750 },
  },
  {
    name: 'pod-level Burstable, unequal containers: the unclaimed 1e9 is split, 625 and 875',
    pod: pod([container('burstable', list('3m', REQ_1G), list('5m', REQ_1G)), container('best-effort', {}, {})], { resources: { requests: list('5m', POD_REQ), limits: list('5m', POD_LIM) } }),
    capacity: 4_000_000_000n,
    expected: { burstable: 625, 'best-effort': 875 },
  },
  {
    name: 'pod-level Burstable with a sidecar, no container requests: 750 each',
    pod: pod([container('app', {}, {})], { initContainers: [container('sidecar', {}, {}, true)], resources: { requests: list('5m', POD_REQ), limits: list('5m', POD_LIM) } }),
    capacity: 4_000_000_000n,
    expected: { app: 750, sidecar: 750 },
  },
  {
    name: 'pod-level Burstable with a sidecar and unequal apps: 725, 850 and the sidecar capped at 850',
    pod: pod(
      [container('c1', list('5m', '1000000000'), list('5m', POD_LIM)), container('c2', list('5m', '500000000'), list('5m', POD_LIM))],
      { initContainers: [container('sidecar', list('5m', '200000000'), list('5m', POD_LIM), true)], resources: { requests: list('5m', '2000000000'), limits: list('5m', POD_LIM) } },
    ),
    capacity: 4_000_000_000n,
    expected: { c1: 725, c2: 850, sidecar: 850 },
  },
  {
    name: 'a tiny request rounds to 1000 and is lowered to 999 so Burstable stays above BestEffort',
    pod: pod([container('c', list('', '1Mi'), list('', '2Mi'))]),
    capacity: 16n * 1024n ** 3n,
    expected: { c: 999 },
  },
  {
    name: 'a 128Mi request on a 24GiB node (this machine\'s size) gives 995',
    pod: pod([container('app', list('50m', '128Mi'), list('', '500Mi'))]),
    capacity: 24n * 1024n ** 3n,
    expected: { app: 995 },
  },
  {
    name: 'a 1Gi request on a 16Gi node: 1000 - 62 = 938 (int64 division truncates)',
    pod: pod([container('c', list('', '1Gi'), list('', '2Gi'))]),
    capacity: 16n * 1024n ** 3n,
    expected: { c: 938 },
  },
];

suite('containerOomScoreAdj', () => {
  for (const c of OOM_CASES) {
    test(c.name, () => {
      const actual: Record<string, number> = {};
      for (const name of Object.keys(c.expected)) actual[name] = containerOomScoreAdj(c.pod, name, c.capacity);
      assert.deepEqual(actual, c.expected);
    });
  }

  test('status.qosClass decides the class, as GetPodQOS does: a Guaranteed status gives -997', () => {
    const p: Pod = { ...pod([container('c', list('', '1Gi'), {})]), status: { qosClass: 'Guaranteed' } };
    assert.equal(containerOomScoreAdj(p, 'c', GB8), -997);
  });

  test('an ephemeral debug container has no request: 999 in a Burstable pod, -997 in a Guaranteed one, 1000 in a BestEffort one', () => {
    const debug = { ephemeralContainers: [{ name: 'debugger' }] };
    const burstable: Pod = { spec: { containers: [container('app', list('', '1Gi'), {})], ...debug } };
    const guaranteed: Pod = { spec: { containers: [container('app', list('1', '1Gi'), list('1', '1Gi'))], ...debug } };
    const bestEffort: Pod = { spec: { containers: [container('app', {}, {})], ...debug } };
    assert.deepEqual(
      [burstable, guaranteed, bestEffort].map((p) => containerOomScoreAdj(p, 'debugger', GB8)),
      [999, -997, 1000],
    );
  });

  test('an unknown container is a RangeError naming it', () => {
    assert.throws(() => containerOomScoreAdj(pod([container('c', {}, {})]), 'nope', GB8), /no container, init container or ephemeral container named "nope"/);
  });

  test('a non-positive node capacity is a RangeError, never a division by zero', () => {
    assert.throws(() => containerOomScoreAdj(pod([container('c', list('', '1Gi'), {})]), 'c', 0n), RangeError);
  });
});

suite('isNodeCriticalPod', () => {
  const CASES: readonly (readonly [string, Pod, boolean])[] = [
    ['system-node-critical with priority 2000001000', { spec: { priorityClassName: 'system-node-critical', priority: 2_000_001_000 } }, true],
    ['system-node-critical class name but a low priority (not critical)', { spec: { priorityClassName: 'system-node-critical', priority: 10 } }, false],
    ['a mirror pod of class system-node-critical', { metadata: { annotations: { 'kubernetes.io/config.mirror': 'abc' } }, spec: { priorityClassName: 'system-node-critical' } }, true],
    ['an API pod (config.source api) without priority', { metadata: { annotations: { 'kubernetes.io/config.source': 'api' } }, spec: { priorityClassName: 'system-node-critical' } }, false],
    ['system-cluster-critical', { spec: { priorityClassName: 'system-cluster-critical', priority: 2_000_000_000 } }, false],
    ['no spec', {}, false],
  ];
  for (const [name, p, expected] of CASES) test(`${name}: ${expected}`, () => assert.equal(isNodeCriticalPod(p), expected));
});
