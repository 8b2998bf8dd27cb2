import { strict as assert } from 'node:assert';
import type { Pod } from '../../../src/core/k8sTypes';
import { podFacts, podMatchesFilter, containerMemoryResources, explainQos, formatAgo, lastOomKill, lastTermination, memoryPercentages, podMemoryResources } from '../../../src/core/podMemory';

const Mi = 1024n * 1024n;

// The sandbox scenario's pods (test/sandbox/scenarios/default.yaml), as literal values.
const hello: Pod = {
  metadata: { name: 'hello-kubernetes-7c9d8b6f5-x2k4p', namespace: 'hello-kubernetes' },
  spec: { containers: [{ name: 'hello-kubernetes', resources: { requests: { cpu: '100m', memory: '200Mi' }, limits: { memory: '500Mi' } }, livenessProbe: { periodSeconds: 5, timeoutSeconds: 1, failureThreshold: 3 } }] },
};
const checkout: Pod = {
  metadata: { name: 'checkout-with-sidecar', namespace: 'shop' },
  spec: {
    containers: [
      { name: 'checkout', resources: { requests: { memory: '128Mi' }, limits: { memory: '256Mi' } } },
      { name: 'log-shipper', resources: { requests: { memory: '16Mi' }, limits: { memory: '64Mi' } } },
    ],
  },
};

suite('containerMemoryResources', () => {
  test('request and limit from the spec', () => {
    assert.deepEqual(containerMemoryResources(hello, 'hello-kubernetes'), { requestBytes: 200n * Mi, limitBytes: 500n * Mi, requestFromLimit: false, from: 'spec' });
  });
  test('a limit without a request is the request too (as QoS defaulting does)', () => {
    const p: Pod = { spec: { containers: [{ name: 'c', resources: { limits: { memory: '1Gi' } } }] } };
    assert.deepEqual(containerMemoryResources(p, 'c'), { requestBytes: 1024n * Mi, limitBytes: 1024n * Mi, requestFromLimit: true, from: 'spec' });
  });
  test('after an in-place resize the status\' resources win', () => {
    const p: Pod = { ...hello, status: { containerStatuses: [{ name: 'hello-kubernetes', resources: { requests: { memory: '300Mi' }, limits: { memory: '600Mi' } } }] } };
    assert.deepEqual(containerMemoryResources(p, 'hello-kubernetes'), { requestBytes: 300n * Mi, limitBytes: 600n * Mi, requestFromLimit: false, from: 'status' });
  });
  test('a zero quantity counts as unset; bare YAML numbers are bytes', () => {
    const p: Pod = { spec: { containers: [{ name: 'c', resources: { requests: { memory: '0' }, limits: { memory: 268435456 } } }] } };
    assert.deepEqual(containerMemoryResources(p, 'c'), { requestBytes: null, limitBytes: 256n * Mi, requestFromLimit: false, from: 'spec' });
  });
  test('status resources equal to the spec (kubelets report them always) are not a resize', () => {
    const p: Pod = { ...hello, status: { containerStatuses: [{ name: 'hello-kubernetes', resources: { requests: { memory: '200Mi' }, limits: { memory: '500Mi' } } }] } };
    assert.equal(containerMemoryResources(p, 'hello-kubernetes').from, 'spec');
  });
  test('no resources: both null', () => {
    assert.deepEqual(containerMemoryResources({ spec: { containers: [{ name: 'c' }] } }, 'c'), { requestBytes: null, limitBytes: null, requestFromLimit: false, from: 'spec' });
  });
});

suite('memoryPercentages', () => {
  test('182Mi of a 500Mi limit is 36.4%, of a 200Mi request 91%', () => {
    assert.deepEqual(memoryPercentages(182n * Mi, { requestBytes: 200n * Mi, limitBytes: 500n * Mi }), { ofRequest: 91, ofLimit: 36.4 });
  });
  test('absent denominators give null (shown as n/a), never Infinity', () => {
    assert.deepEqual(memoryPercentages(100n, { requestBytes: null, limitBytes: null }), { ofRequest: null, ofLimit: null });
  });
  test('above the request is above 100%', () => assert.equal(memoryPercentages(300n * Mi, { requestBytes: 200n * Mi, limitBytes: null }).ofRequest, 150));
});

suite('podMemoryResources', () => {
  test('two limited containers: limits and requests add up (256Mi + 64Mi, 128Mi + 16Mi)', () => {
    assert.deepEqual(podMemoryResources(checkout), { requestBytes: 144n * Mi, limitBytes: 320n * Mi });
  });
  test('one container without a limit: the pod has no limit (n/a), never a partial sum', () => {
    const p: Pod = { spec: { containers: [{ name: 'a', resources: { limits: { memory: '100Mi' } } }, { name: 'b' }] } };
    assert.deepEqual(podMemoryResources(p), { requestBytes: 100n * Mi, limitBytes: null });
  });
  test('pod-level resources win', () => {
    const p: Pod = { spec: { resources: { limits: { memory: '1Gi' } }, containers: [{ name: 'a' }] } };
    assert.deepEqual(podMemoryResources(p), { requestBytes: 1024n * Mi, limitBytes: 1024n * Mi });
  });
});

suite('explainQos', () => {
  test('status.qosClass is shown as such', () => {
    assert.deepEqual(explainQos({ ...hello, status: { qosClass: 'Burstable' } }), { qosClass: 'Burstable', reason: 'status.qosClass: requests below limits, or missing limits, in hello-kubernetes' });
  });
  test('Guaranteed next to BestEffort names both', () => {
    const p: Pod = { spec: { containers: [{ name: 'g', resources: { limits: { cpu: '1', memory: '1Gi' } } }, { name: 'b' }] } };
    assert.deepEqual(explainQos(p), { qosClass: 'Burstable', reason: 'computed from the spec: g Guaranteed but b without resources' });
  });
});

suite('OOM history and terminations', () => {
  const pod: Pod = {
    ...hello,
    status: {
      containerStatuses: [
        { name: 'hello-kubernetes', restartCount: 2, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: '2026-12-05T20:00:00Z' } }, state: { running: {} } },
      ],
    },
  };
  test('lastOomKill finds the OOMKilled termination and its time', () => {
    assert.deepEqual(lastOomKill(pod), { container: 'hello-kubernetes', at: Date.parse('2026-12-05T20:00:00Z'), exitCode: 137 });
  });
  test('exit 137 without OOMKilled is not an OOM', () => {
    const killed: Pod = { ...hello, status: { containerStatuses: [{ name: 'hello-kubernetes', lastState: { terminated: { exitCode: 137, reason: 'Error' } } }] } };
    assert.equal(lastOomKill(killed), undefined);
    assert.match(lastTermination(killed, 'hello-kubernetes')!.text, /not necessarily an OOM/);
  });
  test('formatAgo', () => {
    assert.equal(formatAgo(0, 59_000), '59s ago');
    assert.equal(formatAgo(0, 3 * 60_000), '3m ago');
    assert.equal(formatAgo(0, 2 * 3600_000), '2h ago');
  });
});

suite('podMatchesFilter (the Pods view filter)', () => {
  const pod: Pod = { metadata: { name: 'hello-kubernetes-7c9d8b6f5-x2k4p', labels: { 'app.kubernetes.io/name': 'hello-kubernetes', tier: 'web' } } };
  const CASES: readonly (readonly [string, boolean])[] = [
    ['', true],
    ['7c9d8b6f5', true],
    ['cart', false],
    ['app.kubernetes.io/name=hello-kubernetes', true],
    ['app.kubernetes.io/name==hello-kubernetes', true],
    ['tier!=web', false],
    ['tier!=cache', true],
    ['tier=web, hello', true],
    ['tier=web, cart', false],
  ];
  for (const [filter, expected] of CASES) test(`"${filter}" → ${expected}`, () => assert.equal(podMatchesFilter(pod, filter), expected));
});

suite('podFacts (once per pod object)', () => {
  test('the same object gives the same facts; a new version of the pod is computed afresh', () => {
    const a = podFacts(checkout);
    assert.equal(podFacts(checkout), a);
    assert.deepEqual(a.pod, { requestBytes: 144n * Mi, limitBytes: 320n * Mi });
    assert.deepEqual(a.containers.get('log-shipper'), { requestBytes: 16n * Mi, limitBytes: 64n * Mi, requestFromLimit: false, from: 'spec' });
    assert.equal(a.qos.qosClass, 'Burstable');
    // 24 GiB node: 1000 − 1000 × 128Mi / 24Gi = 1000 − 5 (int64 division)
    assert.equal(a.oomScoreAdj('checkout', 24n * 1024n * Mi), 995);
    const resized: Pod = { ...checkout, status: { containerStatuses: [{ name: 'checkout', resources: { requests: { memory: '128Mi' }, limits: { memory: '512Mi' } } }] } };
    assert.notEqual(podFacts(resized), a);
    assert.equal(podFacts(resized).containers.get('checkout')?.limitBytes, 512n * Mi);
  });
});
