/**
 * Time series for the results panel: memory curves sampled at >= 4 Hz for as long as an experiment
 * runs, drawn into a canvas a few hundred pixels wide.
 *
 * Design decisions (each one is what the panel needs, not a general-purpose database):
 * - **Bounded memory.** Each series is a ring buffer of two `Float64Array`s (time, value) with a
 *   fixed capacity; when full, the oldest point is overwritten. Appending allocates nothing.
 * - **Ordered appends; late points are rejected, not inserted.** Points come from one sampler stream
 *   per series, which is ordered by construction. A point older than the newest one can only come
 *   from a stale or restarted stream, and inserting it would cost O(n) in a ring and could reorder
 *   what the user already saw. `append` returns `false` and counts it in `rejectedCount` so the
 *   panel can say so. Equal timestamps are accepted (two samples in the same centisecond).
 * - **Gaps.** A `NaN` value is a gap marker (for example where a container restarted and its cgroup
 *   was replaced): it is stored like a point and always survives downsampling, so the line breaks.
 *   Infinite values and non-finite times are rejected.
 * - **Min/max-preserving downsampling (M4).** For drawing, the visible range is cut into one bucket
 *   per pixel column and each bucket keeps its first, minimum, maximum and last point (in time
 *   order). A 1-sample spike to the limit right before an OOM kill therefore never vanishes from the
 *   chart, however far the user zooms out (Jugel et al., "M4: A Visualization-Oriented Time Series
 *   Data Aggregation", VLDB 2014).
 */

/** Points of a series between two indices, copied into plain typed arrays. */
export interface SeriesSlice {
  readonly times: Float64Array;
  readonly values: Float64Array;
}

/** The result of `downsample`: `length` points at the start of `times`/`values`. */
export interface DownsampledSeries {
  readonly times: Float64Array;
  readonly values: Float64Array;
  readonly length: number;
}

export interface DownsampleOptions {
  /**
   * Also keep the last point before `fromTime` and the first point after `toTime`, so that a line
   * drawn from the result reaches the edges of the visible range instead of stopping short.
   */
  readonly includeNeighbors?: boolean;
}

/** Default capacity: two hours at 4 Hz. */
export const DEFAULT_SERIES_CAPACITY = 2 * 60 * 60 * 4;

export class TimeSeries {
  readonly capacity: number;
  private readonly timeBuf: Float64Array;
  private readonly valueBuf: Float64Array;
  /** Physical index of the oldest point. */
  private start = 0;
  private count = 0;
  private rejected = 0;
  private dropped = 0;
  /** Scratch space for the (at most 5) indices one downsampling bucket keeps. */
  private readonly keepBuf = new Int32Array(5);

  constructor(capacity: number = DEFAULT_SERIES_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`A time series needs a whole, positive capacity; got ${capacity}.`);
    }
    this.capacity = capacity;
    this.timeBuf = new Float64Array(capacity);
    this.valueBuf = new Float64Array(capacity);
  }

  /** Number of points held (at most `capacity`). */
  get length(): number {
    return this.count;
  }

  /** Points refused by `append` because they were older than the newest point or not finite. */
  get rejectedCount(): number {
    return this.rejected;
  }

  /** Points pushed out of the ring by newer ones since creation or the last `clear`. */
  get droppedCount(): number {
    return this.dropped;
  }

  /** Time of the oldest point held, or `undefined` when empty. */
  get firstTime(): number | undefined {
    return this.count === 0 ? undefined : this.timeBuf[this.start];
  }

  /** Time of the newest point, or `undefined` when empty. */
  get lastTime(): number | undefined {
    return this.count === 0 ? undefined : this.timeBuf[this.physical(this.count - 1)];
  }

  /** Value of the newest point, or `undefined` when empty. */
  get lastValue(): number | undefined {
    return this.count === 0 ? undefined : this.valueBuf[this.physical(this.count - 1)];
  }

  /**
   * Appends a point. Returns `false`, storing nothing, when `time` is older than the newest point,
   * when `time` is not finite, or when `value` is infinite (`NaN` is accepted: it marks a gap).
   */
  append(time: number, value: number): boolean {
    if (!Number.isFinite(time) || value === Infinity || value === -Infinity) {
      this.rejected++;
      return false;
    }
    if (this.count > 0 && time < this.timeBuf[this.physical(this.count - 1)]) {
      this.rejected++;
      return false;
    }
    let slot: number;
    if (this.count < this.capacity) {
      slot = this.physical(this.count);
      this.count++;
    } else {
      slot = this.start;
      this.start = this.start + 1 === this.capacity ? 0 : this.start + 1;
      this.dropped++;
    }
    this.timeBuf[slot] = time;
    this.valueBuf[slot] = value;
    return true;
  }

  /** Marks a gap at `time` (the line breaks there). Same ordering rule as `append`. */
  appendGap(time: number): boolean {
    return this.append(time, NaN);
  }

  /** Time of the `index`-th oldest point (0 = oldest). */
  timeAt(index: number): number {
    this.checkIndex(index);
    return this.timeBuf[this.physical(index)];
  }

  /** Value of the `index`-th oldest point (0 = oldest). */
  valueAt(index: number): number {
    this.checkIndex(index);
    return this.valueBuf[this.physical(index)];
  }

  /** Removes every point; capacity and buffers are kept. */
  clear(): void {
    this.start = 0;
    this.count = 0;
    this.rejected = 0;
    this.dropped = 0;
  }

  /** Index of the first point whose time is >= `time` (`length` when there is none). */
  lowerBound(time: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timeBuf[this.physical(mid)] < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first point whose time is > `time` (`length` when there is none). */
  upperBound(time: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timeBuf[this.physical(mid)] <= time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index range `[from, to)` of the points with `fromTime <= time <= toTime`. */
  indexRange(fromTime: number, toTime: number): { from: number; to: number } {
    if (!(fromTime <= toTime)) return { from: 0, to: 0 };
    const from = this.lowerBound(fromTime);
    const to = this.upperBound(toTime);
    return { from, to: Math.max(from, to) };
  }

  /** Copies the points with `fromTime <= time <= toTime` (both ends inclusive). */
  range(fromTime: number, toTime: number): SeriesSlice {
    const { from, to } = this.indexRange(fromTime, toTime);
    return this.slice(from, to);
  }

  /** Copies the points with indices `[from, to)`. */
  slice(from: number, to: number): SeriesSlice {
    const lo = Math.max(0, Math.min(from, this.count));
    const hi = Math.max(lo, Math.min(to, this.count));
    const n = hi - lo;
    const times = new Float64Array(n);
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const p = this.physical(lo + i);
      times[i] = this.timeBuf[p];
      values[i] = this.valueBuf[p];
    }
    return { times, values };
  }

  /** Smallest and largest finite value in `[fromTime, toTime]`, or `undefined` if there is none. */
  extent(fromTime: number, toTime: number): { min: number; max: number } | undefined {
    const { from, to } = this.indexRange(fromTime, toTime);
    let min = Infinity;
    let max = -Infinity;
    for (let i = from; i < to; i++) {
      const v = this.valueBuf[this.physical(i)];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return min <= max ? { min, max } : undefined;
  }

  /**
   * M4 downsampling of `[fromTime, toTime]` into `columns` equal-width time buckets (one per pixel
   * column). Each bucket keeps, in time order and without duplicates, its first point, its point of
   * minimum value, its point of maximum value and its last point; a bucket holding a gap (`NaN`)
   * additionally keeps its first gap point, so at most 5 points per column come out. Ranges with
   * no more than 4 points per column are returned unchanged. The output arrays are allocated once
   * per call (size bounded by the input and `5 * columns`), never per point.
   */
  downsample(fromTime: number, toTime: number, columns: number, options: DownsampleOptions = {}): DownsampledSeries {
    if (!Number.isInteger(columns) || columns < 1) {
      throw new RangeError(`Downsampling needs a whole, positive number of columns; got ${columns}.`);
    }
    const { from, to } = this.indexRange(fromTime, toTime);
    if (!(fromTime <= toTime)) return { times: new Float64Array(0), values: new Float64Array(0), length: 0 };
    const before = options.includeNeighbors && from > 0 ? from - 1 : -1;
    const after = options.includeNeighbors && to < this.count ? to : -1;
    const inRange = to - from;
    const extra = (before >= 0 ? 1 : 0) + (after >= 0 ? 1 : 0);
    const maxOut = Math.min(inRange, 5 * columns) + extra;
    const times = new Float64Array(maxOut);
    const values = new Float64Array(maxOut);
    let n = 0;
    const emit = (index: number): void => {
      const p = this.physical(index);
      times[n] = this.timeBuf[p];
      values[n] = this.valueBuf[p];
      n++;
    };

    if (before >= 0) emit(before);
    if (inRange <= 4 * columns) {
      for (let i = from; i < to; i++) emit(i);
    } else {
      const span = toTime - fromTime;
      // Bucket of a time; the last column is closed on the right so `toTime` lands in it.
      const bucketOf = (t: number): number => {
        if (span <= 0) return 0;
        const b = Math.floor(((t - fromTime) / span) * columns);
        return b >= columns ? columns - 1 : b < 0 ? 0 : b;
      };
      let i = from;
      while (i < to) {
        const bucket = bucketOf(this.timeBuf[this.physical(i)]);
        let first = -1;
        let last = -1;
        let minI = -1;
        let maxI = -1;
        let gapI = -1;
        let j = i;
        for (; j < to; j++) {
          const p = this.physical(j);
          if (bucketOf(this.timeBuf[p]) !== bucket) break;
          const v = this.valueBuf[p];
          if (Number.isNaN(v)) {
            if (gapI < 0) gapI = j;
            continue;
          }
          if (first < 0) first = j;
          last = j;
          if (minI < 0 || v < this.valueBuf[this.physical(minI)]) minI = j;
          if (maxI < 0 || v > this.valueBuf[this.physical(maxI)]) maxI = j;
        }
        // Emit the kept indices in time order, each once: insertion sort into a reused 5-slot buffer.
        let kept = 0;
        kept = this.insertKept(kept, first);
        kept = this.insertKept(kept, minI);
        kept = this.insertKept(kept, maxI);
        kept = this.insertKept(kept, last);
        kept = this.insertKept(kept, gapI);
        const keep = this.keepBuf;
        for (let k = 0; k < kept; k++) {
          if (k === 0 || keep[k] !== keep[k - 1]) emit(keep[k]);
        }
        i = j;
      }
    }
    if (after >= 0) emit(after);
    return { times, values, length: n };
  }

  /** Inserts index `k` (ignored when negative) into the sorted `keepBuf[0..kept)`; returns the new count. */
  private insertKept(kept: number, k: number): number {
    if (k < 0) return kept;
    const keep = this.keepBuf;
    let at = kept;
    while (at > 0 && keep[at - 1] > k) {
      keep[at] = keep[at - 1];
      at--;
    }
    keep[at] = k;
    return kept + 1;
  }

  private physical(index: number): number {
    const p = this.start + index;
    return p >= this.capacity ? p - this.capacity : p;
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) {
      throw new RangeError(`Index ${index} is outside the series (it holds ${this.count} points).`);
    }
  }
}

/**
 * Named series (for example `"<namespace>/<pod>/<container>:workingSet"`), created on first use
 * with a common capacity.
 */
export class TimeSeriesStore {
  private readonly byKey = new Map<string, TimeSeries>();

  constructor(readonly capacityPerSeries: number = DEFAULT_SERIES_CAPACITY) {
    if (!Number.isInteger(capacityPerSeries) || capacityPerSeries < 1) {
      throw new RangeError(`A time series needs a whole, positive capacity; got ${capacityPerSeries}.`);
    }
  }

  /** The series for `key`, created empty if it does not exist yet. */
  series(key: string): TimeSeries {
    let s = this.byKey.get(key);
    if (!s) {
      s = new TimeSeries(this.capacityPerSeries);
      this.byKey.set(key, s);
    }
    return s;
  }

  /** The series for `key`, or `undefined` (never creates one). */
  get(key: string): TimeSeries | undefined {
    return this.byKey.get(key);
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Appends to the series for `key` (created on first use); same result as `TimeSeries.append`. */
  append(key: string, time: number, value: number): boolean {
    return this.series(key).append(time, value);
  }

  keys(): string[] {
    return [...this.byKey.keys()];
  }

  delete(key: string): boolean {
    return this.byKey.delete(key);
  }

  clear(): void {
    this.byKey.clear();
  }
}
