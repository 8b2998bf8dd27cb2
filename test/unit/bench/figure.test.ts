// The figure format every benchmark records through bench/util.ts: malformed figures are refused
// when recorded, so a typo never reaches the README as a silent gap.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkFigure, type Figure } from '../../../bench/util';

const good: Figure = { id: 'chart-redraw-ms', what: 'redraw', value: 12, unit: 'ms', goal: 16, better: 'lower', baseline: { name: 'Chart.js', value: 30 }, note: 'median of 50' };

suite('benchmark figure format (bench/util.ts)', () => {
  test('a complete figure is accepted, and its id cannot be recorded twice', () => {
    const seen = new Set<string>();
    checkFigure(good, seen);
    assert.throws(() => checkFigure(good, seen), /"chart-redraw-ms": recorded twice/);
  });

  const bad: [string, Partial<Figure> | Record<string, unknown>, RegExp][] = [
    ['an id that is not kebab-case', { id: 'Chart redraw' }, /kebab-case/],
    ['a direction other than lower or higher', { better: 'smaller' }, /better must be/],
    ['NaN instead of null', { value: NaN }, /use null and say why/],
    ['no value and no reason', { value: null, note: '' }, /no value and no note/],
    ['a goal that is not a number', { goal: Infinity }, /goal/],
    ['a baseline without a name', { baseline: { name: '', value: 3 } }, /baseline needs a name/],
    ['no unit', { unit: '' }, /what and unit are required/],
  ];
  for (const [title, change, message] of bad) {
    test(`refused: ${title}`, () => {
      assert.throws(() => checkFigure({ ...good, ...change } as Figure, new Set()), message);
    });
  }

  test('a figure this run could not measure is kept with its reason', () => {
    assert.doesNotThrow(() => checkFigure({ ...good, value: null, note: 'Chromium did not start' }, new Set()));
  });

  test('a suite stopped by SIGTERM (scripts/bench.mjs at its time limit) keeps the figures it recorded, says so, and exits 1', async function () {
    this.timeout(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-bench-sigterm-'));
    try {
      const file = path.join(dir, 'stuck.bench.ts');
      const util = path.resolve(__dirname, '../../../bench/util.ts');
      fs.writeFileSync(
        file,
        `import { benchSuite } from ${JSON.stringify(util)};\n` +
          `benchSuite('stuck', async (record) => {\n` +
          `  record({ id: 'first-ms', what: 'first', value: 3, unit: 'ms', better: 'lower', note: 'measured' });\n` +
          `  await new Promise(() => setInterval(() => undefined, 1000));\n` +
          `});\n`,
      );
      const child = spawn(process.execPath, ['--import', 'tsx', file], { env: { ...process.env, PMC_BENCH_RESULTS_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await new Promise<void>((resolve) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('first-ms')) resolve();
        });
      });
      child.kill('SIGTERM');
      assert.equal(await exited, 1);
      const results = JSON.parse(fs.readFileSync(path.join(dir, 'stuck.json'), 'utf8')) as { figures: Figure[]; error?: string };
      assert.deepEqual(results.figures.map((f) => [f.id, f.value]), [['first-ms', 3]]);
      assert.match(results.error ?? '', /stopped by SIGTERM/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
