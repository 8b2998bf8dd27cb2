// The public surface: exact names and shapes other code and outside checks rely on.
import { strict as assert } from 'node:assert';
import * as core from '../../../src/core';

suite('core public surface (src/core/index.ts)', () => {
  test('exports every function the issue names', () => {
    for (const name of ['quantityToBytes', 'formatBytes', 'parseStressSize', 'podQosClass', 'containerOomScoreAdj', 'readCgroupMemory', 'validateStressChaos']) {
      assert.equal(typeof (core as Record<string, unknown>)[name], 'function', name);
    }
    assert.equal(typeof core.QuantityError, 'function');
  });

  test('the exported functions answer with the shapes the issue gives', () => {
    assert.equal(core.quantityToBytes('500Mi'), 524288000n);
    assert.equal(core.formatBytes(524288000n), '500Mi');
    assert.deepEqual(core.parseStressSize('256MiB'), { bytes: 268435456n });
    assert.deepEqual(core.parseStressSize('50%'), { percent: 50 });
    assert.throws(() => core.parseStressSize('256Mi'));
    assert.throws(() => core.quantityToBytes('1K'), core.QuantityError);
    const pod = { spec: { containers: [{ name: 'app', resources: { requests: { memory: '200Mi' }, limits: { memory: '500Mi' } } }] } };
    assert.equal(core.podQosClass(pod), 'Burstable');
    // 1000 - 1000*200Mi/8Gi = 975.58… → 976 after the kubelet's rounding
    assert.equal(core.containerOomScoreAdj(pod, 'app', 8n * 1024n ** 3n), 1000 - Math.floor((1000 * 200) / (8 * 1024)));
    const diagnostics = core.validateStressChaos('apiVersion: chaos-mesh.org/v1alpha1\nkind: StressChaos\nmetadata: {name: x}\nspec:\n  mode: one\n  selector: {}\n  stressors:\n    memory:\n      workers: 1\n      size: 256Mi\n');
    const sizeError = diagnostics.find((d) => d.severity === 'error');
    assert.ok(sizeError, 'a Kubernetes-style size is an error');
    assert.equal(sizeError.line, 9);
    for (const d of diagnostics) assert.deepEqual(Object.keys(d).filter((k) => ['severity', 'code', 'message', 'line', 'column'].includes(k)).sort(), ['code', 'column', 'line', 'message', 'severity']);
  });
});
