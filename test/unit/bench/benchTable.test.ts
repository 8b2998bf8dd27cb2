// The README's benchmark table: a figure that misses its goal is marked, never hidden; the ratio
// to a same-run baseline reads the right way round; promised figures no suite recorded still get
// a row. Expected cells are written out literally from the figures given.
import { strict as assert } from 'node:assert';
import type { Figure } from '../../../bench/util';
import { goalCell, PROMISED, ratio, renderTable, type SuiteResults } from '../../../scripts/benchTable.mjs';

const figure = (over: Partial<Figure>): Figure => ({ id: 'x-ms', what: 'x', value: 10, unit: 'ms', better: 'lower', note: 'n', ...over });
const results = (figures: Figure[], over: Partial<SuiteResults> = {}): SuiteResults => ({ suite: 'chart', takenAt: '2026-12-05T20:00:00.000Z', quick: false, figures, ...over });
const rowOf = (table: string, id: string): string => table.split('\n').find((l) => l.includes(`\`${id}\``)) ?? '';

suite('benchmark table', () => {
  test('a lower-is-better figure above its goal is marked as missing it; at or below, as met', () => {
    assert.equal(goalCell(figure({ value: 20.7, goal: 16 })), '≤ 16 ms **✗ misses goal**');
    assert.equal(goalCell(figure({ value: 16, goal: 16 })), '≤ 16 ms ✓');
    assert.equal(goalCell(figure({ value: 900, goal: 1000, better: 'higher', unit: 'samples/s' })), '≥ 1,000 samples/s **✗ misses goal**');
    assert.equal(goalCell(figure({ value: null, goal: 50, note: 'host never answered' })), '≤ 50 ms ✗ not measured');
    assert.equal(goalCell(figure({ value: 3 })), '');
  });

  test('the ratio says how many times better or worse than the baseline, whichever way is better', () => {
    assert.equal(ratio(figure({ value: 12, baseline: { name: 'Chart.js', value: 30 } })), '2.5× better');
    assert.equal(ratio(figure({ value: 250, baseline: { name: 'Summary API', value: 10_000 } })), '40× better');
    assert.equal(ratio(figure({ value: 133, baseline: { name: 'VS Code alone', value: 80 } })), '1.7× worse');
    assert.equal(ratio(figure({ value: 40, better: 'higher', baseline: { name: 'kubectl', value: 10 } })), '4.0× better');
    assert.equal(ratio(figure({ value: 12, baseline: { name: 'Chart.js', value: null } })), '');
    assert.equal(ratio(figure({ value: 12 })), '');
  });

  test('every recorded figure has a row with its value, goal, baseline and ratio; a missed goal stays in the table', () => {
    const table = renderTable(
      [results([figure({ id: 'chart-redraw-ms', what: 'redraw', value: 20.7, goal: 16, baseline: { name: 'Chart.js', value: 54.1 }, note: 'median of 15' })])],
      { suites: ['chart'], quick: false },
    );
    assert.equal(rowOf(table, 'chart-redraw-ms'), '| chart | `chart-redraw-ms` | redraw | 20.7 ms | ≤ 16 ms **✗ misses goal** | Chart.js: 54.1 ms | 2.6× better | median of 15 | 2026-12-05 |');
  });

  test('promised figures nobody recorded get a "not measured" row saying which suite owes them', () => {
    const table = renderTable([results([], { suite: 'sandbox', quick: true })], { suites: ['sandbox', 'chart'], quick: true });
    assert.deepEqual(Object.keys(PROMISED).filter((id) => !rowOf(table, id).includes('**not measured**')), []);
    assert.match(rowOf(table, 'sandbox-start-ms'), /bench\/sandbox\.bench\.ts ran without recording it/);
    assert.match(rowOf(table, 'chart-redraw-ms'), /bench\/chart\.bench\.ts has not run in this quick run/);
    assert.match(rowOf(table, 'tree-host-cpu-ms'), /bench\/tree\.bench\.ts does not exist yet/);
  });

  test('a failed suite and an id recorded by two suites are called out', () => {
    const table = renderTable(
      [results([figure({ id: 'vsix-bytes' })], { suite: 'vsix', error: 'vsce package failed' }), results([figure({ id: 'vsix-bytes' })], { suite: 'other' })],
      { suites: ['vsix', 'other'], quick: false },
    );
    assert.match(table, /\| vsix \| \| \*\*the suite failed\*\*: vsce package failed \|/);
    assert.match(table, /\| other \| `vsix-bytes` \*\*\(duplicate id: two suites record it\)\*\* \|/);
  });

  test('a pipe in a note does not break the row', () => {
    const table = renderTable([results([figure({ id: 'a-ms', note: 'p50 | p95' })])], { suites: ['chart'], quick: false });
    assert.equal(rowOf(table, 'a-ms').split(' | ').length, 9);
  });

  test('the taken column says how busy the machine was (one-minute load average at start and end)', () => {
    const table = renderTable([results([figure({ id: 'a-ms' })], { machine: { cpus: 2, loadAverage: { start: 9.8, end: 19.6 } } })], { suites: ['chart'], quick: false });
    assert.match(rowOf(table, 'a-ms'), /\| 2026-12-05, load 9\.8→19\.6 on 2 cores \|$/);
  });
});
