// The results panel's exports and overlays, from literal samples.
import { strict as assert } from 'node:assert';
import { resultsJson, samplesCsv, toOverlay } from '../../../src/extension/results/formats';
import type { SampleBatch } from '../../../src/webview/protocol';

const T0 = Date.parse('2026-12-05T12:00:00.000Z');
const batch: SampleBatch = {
  container: 'hello-kubernetes/p/app',
  times: [T0, T0 + 250, T0 + 500],
  values: { workingSet: [100, NaN, 300], usage: [110, NaN, 310], rss: [90, NaN, 290], cache: [20, NaN, 20] },
};

suite('results exports and overlays (src/extension/results/formats.ts)', () => {
  test('CSV: a header, one row per sample, ISO and epoch times, bytes, empty cells for a gap', () => {
    assert.equal(
      samplesCsv({ allSamples: () => [batch] }),
      'time,epoch_ms,container,workingSet_bytes,usage_bytes,rss_bytes,cache_bytes\n' +
        `2026-12-05T12:00:00.000Z,${T0},hello-kubernetes/p/app,100,110,90,20\n` +
        `2026-12-05T12:00:00.250Z,${T0 + 250},hello-kubernetes/p/app,,,,\n` +
        `2026-12-05T12:00:00.500Z,${T0 + 500},hello-kubernetes/p/app,300,310,290,20\n`,
    );
  });

  test('JSON: subject, samples (a gap as null) and events, parseable', () => {
    const text = resultsJson(
      { kind: 'pod', context: 'sandbox', namespace: 'hello-kubernetes', pod: 'p' },
      {
        containers: () => [],
        allSamples: () => [batch],
        timelineEvents: () => [],
        statusView: () => ({ notices: [], windows: [], expectedPlateau: {}, summary: { lines: [] }, source: 'exec' }),
      },
    );
    const parsed = JSON.parse(text) as { subject: { pod: string }; samples: SampleBatch[]; events: unknown[] };
    assert.equal(parsed.subject.pod, 'p');
    assert.deepEqual(parsed.samples[0]?.values.workingSet, [100, null, 300]);
    assert.deepEqual(parsed.events, []);
  });

  test('a stored run as an overlay: working set against time since its first sample', () => {
    const o = toOverlay({ title: 'Memory: fifty', savedAt: T0, samples: [{ ...batch, times: [] }, batch] });
    assert.deepEqual(o.offsets, [0, 250, 500]);
    assert.deepEqual(o.workingSet, [100, NaN, 300]);
    assert.match(o.label, /^Memory: fifty \(/);
  });
});
