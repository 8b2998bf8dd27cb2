import { strict as assert } from 'node:assert';
import { TimeSeries, TimeSeriesStore, DEFAULT_SERIES_CAPACITY } from '../../../src/core/timeSeries';

function points(s: TimeSeries): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < s.length; i++) out.push([s.timeAt(i), s.valueAt(i)]);
  return out;
}

function downsampled(s: TimeSeries, from: number, to: number, columns: number, includeNeighbors = false): [number, number][] {
  const r = s.downsample(from, to, columns, { includeNeighbors });
  const out: [number, number][] = [];
  for (let i = 0; i < r.length; i++) out.push([r.times[i], r.values[i]]);
  return out;
}

suite('timeSeries: ring buffer', () => {
  test('keeps points in time order while below capacity', () => {
    const s = new TimeSeries(4);
    assert.equal(s.append(0, 10), true);
    assert.equal(s.append(250, 20), true);
    assert.deepEqual(points(s), [[0, 10], [250, 20]]);
    assert.equal(s.firstTime, 0);
    assert.equal(s.lastTime, 250);
    assert.equal(s.lastValue, 20);
    assert.equal(s.droppedCount, 0);
  });

  test('overwrites the oldest point once full, so memory stays bounded', () => {
    const s = new TimeSeries(3);
    for (let t = 0; t < 7; t++) s.append(t * 250, t);
    assert.equal(s.length, 3);
    assert.deepEqual(points(s), [[1000, 4], [1250, 5], [1500, 6]]);
    assert.equal(s.droppedCount, 4);
    assert.equal(s.firstTime, 1000);
  });

  test('an out-of-order point is rejected, counted, and leaves the series unchanged', () => {
    const s = new TimeSeries(8);
    s.append(1000, 1);
    s.append(2000, 2);
    assert.equal(s.append(1500, 99), false);
    assert.equal(s.rejectedCount, 1);
    assert.deepEqual(points(s), [[1000, 1], [2000, 2]]);
  });

  test('an equal timestamp is accepted (two samples within one centisecond)', () => {
    const s = new TimeSeries(8);
    s.append(1000, 1);
    assert.equal(s.append(1000, 2), true);
    assert.deepEqual(points(s), [[1000, 1], [1000, 2]]);
  });

  const refused: [string, number, number][] = [
    ['a NaN time', NaN, 1],
    ['an infinite time', Infinity, 1],
    ['an infinite value', 5, Infinity],
    ['a negative infinite value', 5, -Infinity],
  ];
  for (const [name, t, v] of refused) {
    test(`${name} is refused`, () => {
      const s = new TimeSeries(2);
      assert.equal(s.append(t, v), false);
      assert.equal(s.length, 0);
      assert.equal(s.rejectedCount, 1);
    });
  }

  test('a NaN value is stored as a gap marker', () => {
    const s = new TimeSeries(4);
    s.append(0, 1);
    assert.equal(s.appendGap(100), true);
    assert.equal(s.length, 2);
    assert.ok(Number.isNaN(s.valueAt(1)));
  });

  test('capacity must be a positive whole number', () => {
    assert.throws(() => new TimeSeries(0), /whole, positive capacity; got 0/);
    assert.throws(() => new TimeSeries(2.5), /got 2.5/);
    assert.equal(new TimeSeries().capacity, DEFAULT_SERIES_CAPACITY);
  });

  test('reading outside the held points throws a RangeError naming the size', () => {
    const s = new TimeSeries(2);
    s.append(0, 0);
    assert.throws(() => s.valueAt(1), /Index 1 is outside the series \(it holds 1 points\)/);
  });

  test('clear empties the series and keeps its capacity', () => {
    const s = new TimeSeries(2);
    s.append(0, 0);
    s.append(1, 1);
    s.append(2, 2);
    s.clear();
    assert.equal(s.length, 0);
    assert.equal(s.droppedCount, 0);
    assert.equal(s.firstTime, undefined);
    assert.equal(s.append(0, 5), true);
    assert.deepEqual(points(s), [[0, 5]]);
  });
});

suite('timeSeries: range queries', () => {
  // A wrapped ring: capacity 5, 8 appends, so the physical start is in the middle.
  function wrapped(): TimeSeries {
    const s = new TimeSeries(5);
    for (let t = 0; t < 8; t++) s.append(t * 100, t * 10);
    return s; // holds t = 300..700
  }

  const cases: [string, number, number, number[]][] = [
    ['both ends inclusive', 400, 600, [400, 500, 600]],
    ['bounds between points', 350, 650, [400, 500, 600]],
    ['a range covering everything', -1e9, 1e9, [300, 400, 500, 600, 700]],
    ['a range before the data', 0, 200, []],
    ['a range after the data', 800, 900, []],
    ['a single instant', 500, 500, [500]],
    ['a reversed range', 600, 400, []],
  ];
  for (const [name, from, to, expected] of cases) {
    test(`range: ${name}`, () => {
      const r = wrapped().range(from, to);
      assert.deepEqual([...r.times], expected);
      assert.deepEqual([...r.values], expected.map((t) => t / 10));
    });
  }

  test('lowerBound and upperBound find indices across the ring wrap', () => {
    const s = wrapped();
    assert.equal(s.lowerBound(500), 2);
    assert.equal(s.upperBound(500), 3);
    assert.equal(s.lowerBound(0), 0);
    assert.equal(s.upperBound(10_000), 5);
  });

  test('extent ignores gaps and reports the smallest and largest value', () => {
    const s = new TimeSeries(10);
    s.append(0, 5);
    s.appendGap(1);
    s.append(2, -3);
    s.append(3, 12);
    assert.deepEqual(s.extent(0, 3), { min: -3, max: 12 });
    assert.equal(s.extent(1, 1), undefined);
  });
});

suite('timeSeries: M4 downsampling', () => {
  test('returns the points unchanged when there are at most 4 per column', () => {
    const s = new TimeSeries(100);
    for (let t = 0; t < 8; t++) s.append(t, t * 2);
    assert.deepEqual(
      downsampled(s, 0, 7, 2),
      Array.from({ length: 8 }, (_, t) => [t, t * 2]),
    );
  });

  test('keeps first, min, max and last of each column in time order', () => {
    const s = new TimeSeries(100);
    // Column 0 (t 0..9) and column 1 (t 10..19) of a 20 ms range drawn in 2 columns.
    const values = [5, 7, 1, 9, 3, 4, 4, 4, 4, 6, 2, 2, 8, 2, 2, 0, 2, 2, 2, 3];
    values.forEach((v, t) => s.append(t, v));
    assert.deepEqual(downsampled(s, 0, 20, 2), [
      [0, 5], [2, 1], [3, 9], [9, 6],
      [10, 2], [12, 8], [15, 0], [19, 3],
    ]);
  });

  test('a one-sample spike survives a 10 000:1 reduction', () => {
    const s = new TimeSeries(100_000);
    for (let t = 0; t < 100_000; t++) s.append(t, t === 73_421 ? 209_715_200 : 100);
    const r = downsampled(s, 0, 99_999, 10);
    assert.ok(r.length <= 40, `at most 4 points per column, got ${r.length}`);
    assert.deepEqual(r.filter(([, v]) => v !== 100), [[73_421, 209_715_200]]);
    assert.deepEqual(r[0], [0, 100]);
    assert.deepEqual(r[r.length - 1], [99_999, 100]);
  });

  test('a gap inside a column is kept so the line breaks there', () => {
    const s = new TimeSeries(100);
    for (let t = 0; t < 10; t++) s.append(t, 50);
    s.appendGap(10);
    for (let t = 11; t < 20; t++) s.append(t, 60);
    const r = downsampled(s, 0, 19, 1);
    // first = min (t 0), the gap (t 10), max (t 11, the first 60) and last (t 19), in time order.
    assert.deepEqual(r.map(([t]) => t), [0, 10, 11, 19]);
    assert.ok(Number.isNaN(r[1][1]));
    assert.deepEqual([r[0][1], r[2][1], r[3][1]], [50, 60, 60]);
  });

  test('a column whose first point is also its minimum is emitted once', () => {
    const s = new TimeSeries(100);
    [1, 5, 5, 5, 5, 9].forEach((v, t) => s.append(t, v));
    assert.deepEqual(downsampled(s, 0, 5, 1), [[0, 1], [5, 9]]);
  });

  test('includeNeighbors adds the point before and after the visible range', () => {
    const s = new TimeSeries(100);
    for (let t = 0; t < 10; t++) s.append(t * 10, t);
    assert.deepEqual(downsampled(s, 25, 55, 10, true), [[20, 2], [30, 3], [40, 4], [50, 5], [60, 6]]);
    assert.deepEqual(downsampled(s, 25, 55, 10, false), [[30, 3], [40, 4], [50, 5]]);
  });

  test('works across the ring wrap (oldest points already overwritten)', () => {
    const s = new TimeSeries(16);
    for (let t = 0; t < 40; t++) s.append(t, t % 7);
    // Holds t = 24..39, values 3,4,5,6,0,1,2,3,4,5,6,0,1,2,3,4.
    assert.deepEqual(downsampled(s, 24, 39, 2), [
      [24, 3], [27, 6], [28, 0], [31, 3],
      [32, 4], [34, 6], [35, 0], [39, 4],
    ]);
  });

  test('a zero-width range puts everything into one column', () => {
    const s = new TimeSeries(100);
    for (let i = 0; i < 10; i++) s.append(5, i === 4 ? -1 : i);
    assert.deepEqual(downsampled(s, 5, 5, 1), [[5, 0], [5, -1], [5, 9]]);
  });

  test('columns must be a positive whole number', () => {
    assert.throws(() => new TimeSeries(2).downsample(0, 1, 0), /whole, positive number of columns; got 0/);
  });
});

suite('timeSeries: store', () => {
  test('creates series on first use with the common capacity', () => {
    const store = new TimeSeriesStore(2);
    assert.equal(store.get('ns/pod/c:ws'), undefined);
    store.append('ns/pod/c:ws', 0, 1);
    store.append('ns/pod/c:ws', 1, 2);
    store.append('ns/pod/c:ws', 2, 3);
    assert.equal(store.series('ns/pod/c:ws').capacity, 2);
    assert.deepEqual(points(store.series('ns/pod/c:ws')), [[1, 2], [2, 3]]);
    assert.deepEqual(store.keys(), ['ns/pod/c:ws']);
    assert.equal(store.delete('ns/pod/c:ws'), true);
    assert.equal(store.has('ns/pod/c:ws'), false);
  });
});
