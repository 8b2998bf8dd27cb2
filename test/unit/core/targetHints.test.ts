import { strict as assert } from 'node:assert';
import { targetHints, type TargetFacts } from '../../../src/core/targetHints';

const spec = (size: string, extra: Record<string, unknown> = {}) => ({
  mode: 'one',
  selector: { namespaces: ['hello-kubernetes', 'gone'], labelSelectors: { app: 'hello' } },
  stressors: { memory: { workers: 2, size } },
  ...extra,
});
const hello = { namespace: 'hello-kubernetes', pod: 'hello-1', container: 'app', limitBytes: 524_288_000n, limitText: '500Mi', qosClass: 'Burstable', livenessProbe: true, nodeMemTotal: 8_589_934_592n };
const facts = (over: Partial<TargetFacts> = {}): TargetFacts => ({
  namespaces: [{ name: 'hello-kubernetes', exists: true }, { name: 'gone', exists: false }],
  pods: ['hello-kubernetes/hello-1'],
  targets: [hello],
  missingContainers: [],
  ...over,
});
const brief = (h: ReturnType<typeof targetHints>[number]) => `${h.code}@${h.path.join('.')}`;

suite('targetHints: what the cluster says about the targets', () => {
  test('no pod matches: a warning on the selector, nothing else', () => {
    const hints = targetHints(spec('100MB'), ['spec'], facts({ pods: [], targets: [] }));
    assert.deepEqual(hints.map(brief), ['namespace-missing@spec.selector.namespaces.1', 'no-matching-pods@spec.selector']);
    assert.equal(hints[1].message, 'The selector matches no pod right now (namespaces hello-kubernetes, gone): Chaos Mesh would fail with "no target has been selected" and nothing is stressed.');
  });

  test('600MiB against a 500Mi limit: OOM expected, fixes for 50/80/90% of the limit', () => {
    const hints = targetHints(spec('600MiB'), ['spec'], facts());
    assert.deepEqual(hints.map(brief), [
      'namespace-missing@spec.selector.namespaces.1',
      'matching-pods@spec.selector',
      'liveness-probe@spec.stressors.memory',
      'oom-expected@spec.stressors.memory.size',
    ]);
    const oom = hints[3];
    assert.equal(oom.message, 'memStress will allocate 629,145,600 bytes (600 MiB), 120% of the memory limit 500Mi of hello-kubernetes/hello-1/app: the container reaches its limit and the OOM killer kills a process in it (memStress or your application, by oom_score_adj).');
    assert.deepEqual(oom.replacements?.map((r) => r.newText), ['250MiB', '400MiB', '450MiB']);
  });

  test('a percentage is read against the target\'s node: 10% of 8 GiB is above 500Mi', () => {
    assert.ok(targetHints(spec('10%'), ['spec'], facts()).some((h) => h.code === 'oom-expected'));
    assert.ok(!targetHints(spec('5%'), ['spec'], facts()).some((h) => h.code === 'oom-expected'));
  });

  test('BestEffort targets and missing containers', () => {
    const hints = targetHints(spec('100MB', { containerNames: ['app', 'sidecar'] }), ['spec'], facts({ targets: [{ ...hello, qosClass: 'BestEffort', livenessProbe: false, limitBytes: undefined, limitText: undefined }], missingContainers: ['sidecar'] }));
    assert.deepEqual(hints.map(brief), ['namespace-missing@spec.selector.namespaces.1', 'matching-pods@spec.selector', 'container-missing@spec.containerNames.1', 'best-effort-target@spec.stressors.memory']);
  });

  test('paths follow an embedded spec', () => {
    const hints = targetHints(spec('600MiB'), ['spec', 'stressChaos'], facts());
    assert.equal(brief(hints[3]), 'oom-expected@spec.stressChaos.stressors.memory.size');
  });
});
