import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { TARGET_HINT_CODES } from '../../../src/core/targetHints';
import { DIAGNOSTIC_CODES } from '../../../src/core/validateStressChaos';
import {
  completionEntries,
  experimentSummary,
  formatDecimalBytes,
  groupDigits,
  hoverMarkdown,
  percentOf,
  sizeFacts,
  sizeForPercentOfLimit,
  sizeInlayHint,
} from '../../../src/core/stressChaosHelp';

const limit500Mi = { id: 'hello-kubernetes/hello/app', limitBytes: 524_288_000n, limitText: '500Mi' };

suite('sizeFacts and the size inlay hint (memStress: size is the total, split across workers)', () => {
  test('50MiB over 4 workers: 52,428,800 B in all, 13,107,200 B each', () => {
    assert.deepEqual(sizeFacts({ workers: 4, size: '50MiB' }), { kind: 'bytes', size: '50MiB', workers: 4, total: 52_428_800n, perWorker: 13_107_200n });
    assert.equal(sizeInlayHint(sizeFacts({ workers: 4, size: '50MiB' })), '= 52,428,800 B total · 13.1 MB per worker');
  });
  test('one worker: no per-worker part', () => {
    assert.equal(sizeInlayHint(sizeFacts({ workers: 1, size: '256MB' })), '= 256,000,000 B total');
  });
  test('with a target: the share of its limit (460MiB of 500Mi = 92%)', () => {
    assert.equal(sizeInlayHint(sizeFacts({ workers: 1, size: '460MiB' }), limit500Mi), '= 482,344,960 B total → 92% of limit 500Mi');
  });
  test('a percentage without the node: says what it is a percentage of', () => {
    assert.equal(sizeInlayHint(sizeFacts({ workers: 2, size: '50%' })), "= 50% of the node's memory");
  });
  test('a percentage with the node\'s MemTotal (8 GiB): the bytes memStress maps', () => {
    assert.equal(sizeInlayHint(sizeFacts({ workers: 2, size: '50%' }, 8_589_934_592n)), '= 4,294,967,296 B total · 2.15 GB per worker (50% of the node)');
  });
  test('the remainder of an uneven split is dropped, as memStress divides integers', () => {
    assert.deepEqual(sizeFacts({ workers: 3, size: '100B' }), { kind: 'bytes', size: '100B', workers: 3, total: 100n, perWorker: 33n });
  });
  test('a size the webhook refuses gets no figures, though memStress would read 96Mi as 96 MiB', () => {
    assert.deepEqual(sizeFacts({ workers: 1, size: '96Mi' }), { kind: 'none', size: '96Mi', workers: 1, reason: "Chaos Mesh refuses it (incorrect bytes format: invalid suffix: 'mi'), so nothing runs" });
    assert.equal(sizeInlayHint(sizeFacts({ workers: 1, size: '96Mi' })), undefined);
  });
  test('sizes memStress cannot use get no figures', () => {
    assert.equal(sizeInlayHint(sizeFacts({ workers: 1, size: '256 MB' })), undefined);
    assert.equal(sizeInlayHint(sizeFacts({ workers: 1 })), undefined);
    assert.equal(sizeFacts({ workers: 0, size: '1GB' }), undefined);
  });
  test('number formatting', () => {
    assert.equal(groupDigits(1234567n), '1,234,567');
    assert.equal(groupDigits(999n), '999');
    assert.equal(formatDecimalBytes(512n), '512 B');
    assert.equal(formatDecimalBytes(268_435_456n), '268 MB');
    assert.equal(formatDecimalBytes(1_073_741_824n), '1.07 GB');
    assert.equal(percentOf(481_689_600n, 524_288_000n), 92);
  });
  test('the size that reaches 90% of a 500Mi limit: 450MiB (whole MiB, rounded down)', () => {
    assert.equal(sizeForPercentOfLimit(524_288_000n, 90), '450MiB');
    assert.equal(sizeForPercentOfLimit(524_288_000n, 95), '475MiB');
  });
});

suite('hoverMarkdown', () => {
  const object = {
    apiVersion: 'chaos-mesh.org/v1alpha1',
    kind: 'StressChaos',
    metadata: { name: 'm' },
    spec: { mode: 'fixed', value: '2', selector: {}, stressors: { memory: { workers: 4, size: '50MiB', oomScoreAdj: -1000 } }, duration: '1h30m' },
  };
  test('size: total and per-worker bytes, and the share of a target limit', () => {
    const md = hoverMarkdown(object, ['spec', 'stressors', 'memory', 'size'], { target: limit500Mi }) ?? '';
    assert.match(md, /memStress will allocate \*\*52,428,800 bytes\*\* \(50 MiB\) in total, split across 4 workers: each memStress worker maps \*\*13,107,200 bytes\*\* \(12\.5 MiB\)/);
    assert.match(md, /For `hello-kubernetes\/hello\/app` that is \*\*10%\*\* of its limit 500Mi \(524,288,000 bytes\)/);
  });
  test('size as a percentage: of the node, not the container', () => {
    const md = hoverMarkdown({ ...object, spec: { ...object.spec, stressors: { memory: { workers: 1, size: '30%' } } } }, ['spec', 'stressors', 'memory', 'size']) ?? '';
    assert.match(md, /`30%` is 30% of the \*\*node's\*\* memory \(MemTotal in \/proc\/meminfo/);
  });
  test('workers, oomScoreAdj, duration, mode and value each explain their effect', () => {
    assert.match(hoverMarkdown(object, ['spec', 'stressors', 'memory', 'workers']) ?? '', /starts 4 memStress worker processes that share `size`: each maps size\/4.*each maps 13,107,200 bytes, 52,428,800 in all/);
    assert.match(hoverMarkdown(object, ['spec', 'stressors', 'memory', 'oomScoreAdj']) ?? '', /immune to the OOM killer: when the container hits its limit, your application's processes are killed instead/);
    assert.match(hoverMarkdown(object, ['spec', 'duration']) ?? '', /`duration: 1h30m` = 1 h 30 min \(5400 s\), counted from the object's creation\. Time spent paused is not added back/);
    assert.match(hoverMarkdown(object, ['spec', 'mode']) ?? '', /`mode: fixed`: 2 pods, picked at random/);
    assert.match(hoverMarkdown(object, ['spec', 'value']) ?? '', /`mode: fixed`: 2 pods/);
  });
  test('enum values and defaults from the schema', () => {
    assert.match(hoverMarkdown(object, ['spec', 'mode']) ?? '', /Values: `one`, `all`, `fixed`, `fixed-percent`, `random-max-percent`\./);
    assert.match(hoverMarkdown(object, ['spec', 'stressors', 'memory', 'oomScoreAdj']) ?? '', /Default: `0`\./);
  });
  test('inside a Workflow template, the embedded spec is read', () => {
    const wf = { kind: 'Workflow', spec: { templates: [{ name: 'a', templateType: 'StressChaos', stressChaos: { mode: 'one', selector: {}, stressors: { memory: { workers: 2, size: '1GB' } } } }] } };
    assert.match(hoverMarkdown(wf, ['spec', 'templates', 0, 'stressChaos', 'stressors', 'memory', 'size']) ?? '', /\*\*1,000,000,000 bytes\*\* .* \*\*500,000,000 bytes\*\*/);
  });
});

suite('completionEntries from the schema', () => {
  const labels = (parent: (string | number)[], siblings: string[] = []) => completionEntries({ parent, keyPrefix: '', siblings }).map((e) => e.label);
  test('spec offers its fields, minus those present', () => {
    assert.deepEqual(labels(['spec'], ['mode']), ['value', 'selector', 'containerNames', 'stressors', 'stressngStressors', 'duration', 'remoteCluster']);
  });
  test('stressors → memory, cpu; memory → workers, size, oomScoreAdj, options', () => {
    assert.deepEqual(labels(['spec', 'stressors']), ['memory', 'cpu']);
    assert.deepEqual(labels(['spec', 'stressors', 'memory']), ['workers', 'size', 'oomScoreAdj', 'options']);
  });
  test('the same inside a Schedule\'s embedded spec', () => {
    assert.deepEqual(labels(['spec', 'stressChaos', 'stressors', 'memory']), ['workers', 'size', 'oomScoreAdj', 'options']);
  });
  test('snippets: objects open a block, enums offer a choice, workers defaults to 1', () => {
    const memory = completionEntries({ parent: ['spec', 'stressors'], keyPrefix: '', siblings: [] }).find((e) => e.label === 'memory');
    assert.equal(memory?.insertText, 'memory:\n\t$0');
    const mode = completionEntries({ parent: ['spec'], keyPrefix: '', siblings: [] }).find((e) => e.label === 'mode');
    assert.equal(mode?.insertText, 'mode: ${1|one,all,fixed,fixed-percent,random-max-percent|}');
    assert.equal(mode?.detail, 'one | all | fixed | fixed-percent | random-max-percent (required)');
    const workers = completionEntries({ parent: ['spec', 'stressors', 'memory'], keyPrefix: '', siblings: [] }).find((e) => e.label === 'workers');
    assert.equal(workers?.insertText, 'workers: ${1:1}');
  });
  test('values: the mode enum, size examples', () => {
    assert.deepEqual(completionEntries({ parent: ['spec'], valueKey: 'mode', valuePrefix: '', siblings: [] }).map((e) => e.label), ['one', 'all', 'fixed', 'fixed-percent', 'random-max-percent']);
    assert.deepEqual(completionEntries({ parent: ['spec', 'stressors', 'memory'], valueKey: 'size', valuePrefix: '', siblings: [] }).map((e) => e.label), ['256MiB', '512MB', '1GiB', '50%']);
  });
});

suite('experimentSummary: the CodeLens status line', () => {
  const base = {
    apiVersion: 'chaos-mesh.org/v1alpha1' as const,
    kind: 'StressChaos' as const,
    metadata: { name: 'm', creationTimestamp: '2026-12-05T10:00:00Z' },
    spec: { mode: 'one' as const, selector: {}, duration: '5m' },
  };
  const record = (phase: string, recoveredCount: number) => ({ id: 'ns/p/c', selectorKey: '.', phase, injectedCount: 1, recoveredCount });
  const conditions = (selected: string, allInjected: string, paused = 'False') => [
    { type: 'Selected' as const, status: selected as 'True' },
    { type: 'AllInjected' as const, status: allInjected as 'True' },
    { type: 'Paused' as const, status: paused as 'True' },
  ];
  test('running, 42 s left', () => {
    const obj = { ...base, status: { conditions: conditions('True', 'True'), experiment: { desiredPhase: 'Run' as const, containerRecords: [record('Injected', 0)] } } };
    assert.deepEqual(experimentSummary(obj, new Date('2026-12-05T10:04:18Z')), { state: 'running', text: 'Running · 1/1 injected · 0 recovered · 42s left' });
  });
  test('paused, 4 min 5 s left', () => {
    const obj = { ...base, status: { conditions: conditions('True', 'False', 'True'), experiment: { desiredPhase: 'Stop' as const, containerRecords: [record('Not Injected', 1)] } } };
    assert.deepEqual(experimentSummary(obj, new Date('2026-12-05T10:00:55Z')), { state: 'paused', text: 'Paused · 0/1 injected · 1 recovered · 4m 05s left' });
  });
  test('finished after the duration', () => {
    const obj = { ...base, status: { conditions: conditions('True', 'False'), experiment: { desiredPhase: 'Stop' as const, containerRecords: [record('Not Injected', 1)] } } };
    assert.deepEqual(experimentSummary(obj, new Date('2026-12-05T10:06:00Z')), { state: 'finished', text: 'Finished · 0/1 injected · 1 recovered · time up' });
  });
  test('just created: nothing selected yet, no duration', () => {
    const obj = { ...base, spec: { mode: 'one' as const, selector: {} } };
    assert.deepEqual(experimentSummary(obj, new Date('2026-12-05T10:00:01Z')), { state: 'injecting', text: 'Injecting · no target selected yet · no duration' });
  });
});

suite('media/stresschaos-rules.md explains every diagnostic code', () => {
  test('one section per code, for the validator\'s codes and the cluster hints\'', () => {
    const text = readFileSync(path.resolve(__dirname, '../../../media/stresschaos-rules.md'), 'utf8');
    const sections = [...text.matchAll(/^## (\S+)$/gm)].map((m) => m[1]).sort();
    assert.deepEqual(sections, [...Object.keys(DIAGNOSTIC_CODES), ...Object.keys(TARGET_HINT_CODES)].sort());
  });
});
