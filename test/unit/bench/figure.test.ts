// The figure format every benchmark records through bench/util.ts: malformed figures are refused
// when recorded, so a typo never reaches the README as a silent gap.
import { strict as assert } from 'node:assert';
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
});
