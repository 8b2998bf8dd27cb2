import { strict as assert } from 'node:assert';
import type { Pod } from '../../../src/core/k8sTypes';
import { buildStressChaos, predictStress, readDurationInput, readStressSizeInput, readWorkersInput } from '../../../src/core/stressPrediction';

const Mi = 1024n * 1024n;
/** A 24 GiB node, as this host reports. */
const NODE = 24n * 1024n * Mi;

// test/sandbox/scenarios/default.yaml, written out: the probed Burstable pod and the Guaranteed one.
const hello: Pod = {
  metadata: { name: 'hello-kubernetes-7c9d8b6f5-x2k4p', namespace: 'hello-kubernetes' },
  spec: { containers: [{ name: 'hello-kubernetes', resources: { requests: { cpu: '100m', memory: '200Mi' }, limits: { memory: '500Mi' } }, livenessProbe: { periodSeconds: 5, timeoutSeconds: 1, failureThreshold: 3 } }] },
  status: { qosClass: 'Burstable' },
};
const cart: Pod = {
  metadata: { name: 'cart-guaranteed', namespace: 'shop' },
  spec: { containers: [{ name: 'cart', resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '250m', memory: '256Mi' } } }] },
  status: { qosClass: 'Guaranteed' },
};

suite('stress inputs', () => {
  test('80% means 80% of the container\'s limit, converted to bytes: 400MiB of 500Mi', () => {
    assert.deepEqual(readStressSizeInput('80%', 500n * Mi), { bytes: 400n * Mi, text: '400MiB', ofLimitPercent: 80 });
  });
  test('a percentage that is not whole MiB is written in bytes, never as Chaos Mesh\'s node %', () => {
    assert.deepEqual(readStressSizeInput('33%', 100n), { bytes: 33n, text: '33B', ofLimitPercent: 33 });
  });
  test('a percentage of no limit is refused', () => assert.match((readStressSizeInput('50%', null) as { error: string }).error, /no memory limit/));
  test('Chaos Mesh units pass through: 3000MiB', () => assert.deepEqual(readStressSizeInput('3000MiB', 500n * Mi), { bytes: 3000n * Mi, text: '3000MiB' }));
  test('Kubernetes 256Mi is refused with Chaos Mesh\'s spelling, and % explained as of the limit', () => {
    assert.equal(
      (readStressSizeInput('256Mi', null) as { error: string }).error,
      '"256Mi" is not a Chaos Mesh size (incorrect bytes format: invalid suffix: \'mi\'). Chaos Mesh wants 256MiB. Write a number with B, KB/KiB, MB/MiB, GB/GiB or TB/TiB, or N% of this container\'s limit.',
    );
  });
  test('workers: whole numbers from 1', () => {
    assert.equal(readWorkersInput('4'), 4);
    assert.ok('error' in (readWorkersInput('0') as object));
    assert.ok('error' in (readWorkersInput('1.5') as object));
  });
  test('duration: a positive Go duration; 0 is refused (never unbounded)', () => {
    assert.deepEqual(readDurationInput('1m30s'), { seconds: 90, text: '1m30s' });
    assert.match((readDurationInput('0s') as { error: string }).error, /never runs unbounded/);
    assert.ok('error' in (readDurationInput('10min') as object));
  });
});

suite('buildStressChaos', () => {
  test('one container of one pod, bounded, labelled', () => {
    const o = buildStressChaos({ namespace: 'hello-kubernetes', podName: 'hello-kubernetes-7c9d8b6f5-x2k4p', containerName: 'hello-kubernetes', sizeText: '3000MiB', workers: 2, duration: '60s', labels: { 'app.kubernetes.io/managed-by': 'pod-memory-chaos' }, nameSuffix: 'abc' });
    assert.deepEqual(o, {
      apiVersion: 'chaos-mesh.org/v1alpha1',
      kind: 'StressChaos',
      metadata: { name: 'stress-hello-kubernetes-7c9d8b6f5-x2k4p-abc', namespace: 'hello-kubernetes', labels: { 'app.kubernetes.io/managed-by': 'pod-memory-chaos' } },
      spec: {
        mode: 'all',
        selector: { namespaces: ['hello-kubernetes'], pods: { 'hello-kubernetes': ['hello-kubernetes-7c9d8b6f5-x2k4p'] } },
        containerNames: ['hello-kubernetes'],
        stressors: { memory: { workers: 2, size: '3000MiB' } },
        duration: '60s',
      },
    });
  });
});

suite('predictStress (literal scenario values)', () => {
  const base = { pod: hello, containerName: 'hello-kubernetes', workingSetBytes: 70n * Mi, limitBytes: 500n * Mi, workers: 1, durationSeconds: 60, oomScoreAdj: 0, nodeMemoryBytes: NODE };

  test('3000MiB on the 500Mi pod: plateau 3070Mi, the limit is reached, the stress worker (1000 from chaos-daemon) is picked over the app (992)', () => {
    const p = predictStress({ ...base, sizeBytes: 3000n * Mi });
    assert.equal(p.plateauBytes, 3070n * Mi);
    assert.equal(p.reachesLimit, true);
    // 1000 − 1000 × 200Mi / 24Gi = 1000 − 8 (int64 division)
    assert.equal(p.appOomScoreAdj, 992);
    assert.equal(p.stressorOomScoreAdj, 1000);
    assert.equal(p.victim, 'stressor');
    assert.equal(p.livenessRestartLikely, true);
    assert.ok(p.lines[0]!.startsWith('Expected plateau 3Gi = working set 70Mi + 2.9Gi (1 worker): 614% of its limit (500Mi).'), p.lines[0]);
  });
  test('oomScoreAdj -1000 protects the stressor: the app is the victim and the stress dies with its container', () => {
    const p = predictStress({ ...base, sizeBytes: 3000n * Mi, oomScoreAdj: -1000 });
    assert.equal(p.victim, 'app');
    assert.equal(p.stressorOomScoreAdj, -1000);
    assert.equal(p.livenessRestartLikely, false);
    assert.ok(p.lines.some((l) => l.includes('OOMKilled, exit 137')));
  });
  test('100MiB in 4 workers: 25MiB each, plateau 170Mi, 34% of the limit, no OOM', () => {
    const p = predictStress({ ...base, sizeBytes: 100n * Mi, workers: 4 });
    assert.equal(p.perWorkerBytes, 25n * Mi);
    assert.equal(p.reachesLimit, false);
    assert.equal(p.victim, null);
    assert.ok(p.lines[0]!.includes('4 workers sharing it (25Mi each)'));
    assert.ok(p.lines[1]!.startsWith('It stays 330Mi below its limit'));
  });
  test('Guaranteed: the app is at -997, the stressor is killed at the limit, and the note says so', () => {
    const p = predictStress({ ...base, pod: cart, containerName: 'cart', workingSetBytes: 40n * Mi, limitBytes: 256n * Mi, sizeBytes: 300n * Mi });
    assert.equal(p.appOomScoreAdj, -997);
    assert.equal(p.victim, 'stressor');
    assert.ok(p.lines.some((l) => l.startsWith('Guaranteed pod')));
  });
  test('an unknown working set: no plateau, no verdict', () => {
    const p = predictStress({ ...base, workingSetBytes: null, sizeBytes: 100n * Mi });
    assert.equal(p.plateauBytes, null);
    assert.equal(p.reachesLimit, null);
  });
});
