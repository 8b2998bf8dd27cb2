// The one way a benchmark records its figures, plus the timing helpers they share.
// A suite is `benchSuite('<suite>', async (record) => { ... record({ id, what, value, ... }) })`:
// it writes bench/results/<suite>.json (or $PMC_BENCH_RESULTS_DIR/<suite>.json, which
// scripts/bench.mjs sets for `--quick`), keeping every figure recorded before a failure, and
// exits non-zero when the body threw. scripts/bench.mjs turns the files into the README table.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type Better = 'lower' | 'higher';

/** One figure of bench/results/<suite>.json; the README table shows one row per figure. */
export interface Figure {
  /** Stable kebab-case id, unique across suites (the figure ids are fixed). */
  id: string;
  /** What is measured, in words, with its size (e.g. "one refresh at 2,000 pods"). */
  what: string;
  /** The measured value in `unit`; null when this run could not measure it (`note` says why). */
  value: number | null;
  unit: string;
  /** The product's promise, in `unit`: met when value ≤ goal (`better: 'lower'`) or ≥ goal. */
  goal?: number;
  better: Better;
  /** What a user would use instead, measured in the same run, in `unit`. */
  baseline?: { name: string; value: number | null };
  /** How it was measured (statistic, sample count, caveats). */
  note: string;
}

/** `npm run bench -- --quick`: fewer runs and smaller sizes, for CI (the whole run < 3 min). */
export const quick = process.env.PMC_BENCH_QUICK === '1';

/** `full` normally, `quickValue` in --quick mode. */
export function sized<T>(full: T, quickValue: T): T {
  return quick ? quickValue : full;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export const median = (sorted: number[]): number => percentile(sorted, 50);

/** Runs `fn` `runs` times after `warmup` runs; returns the per-run milliseconds, sorted. */
export async function timeRuns(runs: number, fn: () => unknown, warmup = Math.min(5, runs)): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return times.sort((a, b) => a - b);
}

/** Three significant digits; NaN and ±Infinity (nothing measured) become null. */
export function round(v: number, digits = 3): number | null {
  return Number.isFinite(v) ? Number(v.toPrecision(digits)) : null;
}

export const resultsDir = (): string => path.resolve(process.env.PMC_BENCH_RESULTS_DIR ?? path.join(__dirname, 'results'));

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Throws on a malformed figure, so a typo never reaches the README as a silent gap. */
export function checkFigure(f: Figure, seen: Set<string>): void {
  const where = `figure ${JSON.stringify(f.id)}`;
  if (!ID.test(f.id)) throw new Error(`${where}: the id must be kebab-case`);
  if (seen.has(f.id)) throw new Error(`${where}: recorded twice`);
  if (f.better !== 'lower' && f.better !== 'higher') throw new Error(`${where}: better must be 'lower' or 'higher'`);
  if (f.value !== null && !Number.isFinite(f.value)) throw new Error(`${where}: value ${f.value} (use null and say why in note)`);
  if (f.value === null && !f.note) throw new Error(`${where}: no value and no note saying why`);
  if (f.goal !== undefined && !Number.isFinite(f.goal)) throw new Error(`${where}: goal ${f.goal}`);
  if (f.baseline && (!f.baseline.name || (f.baseline.value !== null && !Number.isFinite(f.baseline.value)))) throw new Error(`${where}: baseline needs a name and a finite value or null`);
  if (!f.what || !f.unit) throw new Error(`${where}: what and unit are required`);
  seen.add(f.id);
}

/** One-minute load averages at the suite's start and end: how busy the machine was, beside the figures. */
function writeResults(suite: string, figures: Figure[], startedAt: number, loadAtStart: number, error?: string): string {
  const dir = resultsDir();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${suite}.json`);
  const load = (v: number) => Number(v.toFixed(1));
  const machine = {
    cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryBytes: os.totalmem(), node: process.version, kernel: os.release(),
    loadAverage: { start: load(loadAtStart), end: load(os.loadavg()[0]) },
  };
  const body = { suite, takenAt: new Date().toISOString(), quick, seconds: Math.round((Date.now() - startedAt) / 1000), machine, figures, ...(error ? { error } : {}) };
  fs.writeFileSync(file, JSON.stringify(body, null, 2) + '\n');
  return file;
}

function show(suite: string, f: Figure): string {
  const value = f.value === null ? 'not measured' : `${f.value} ${f.unit}`;
  const goal = f.goal === undefined ? '' : ` (goal ${f.better === 'lower' ? '≤' : '≥'} ${f.goal})`;
  const baseline = f.baseline ? `  vs ${f.baseline.name}: ${f.baseline.value ?? 'not measured'}` : '';
  return `${suite.padEnd(10)} ${f.id.padEnd(28)} ${value.padStart(20)}${goal}${baseline}`;
}

/**
 * Runs one benchmark suite: `body` records figures as it measures them; the results file is
 * written whatever happens, with an `error` when the body threw (the process then exits 1).
 */
export function benchSuite(suite: string, body: (record: (figure: Figure) => void) => Promise<void>): void {
  const startedAt = Date.now();
  const loadAtStart = os.loadavg()[0];
  const figures: Figure[] = [];
  const seen = new Set<string>();
  const record = (figure: Figure): void => {
    checkFigure(figure, seen);
    figures.push(figure);
    console.log(show(suite, figure));
  };
  // scripts/bench.mjs stops a suite that runs past its limit with SIGTERM: keep what it measured
  // (process.exit runs the suites' 'exit' handlers, which stop their sandbox processes).
  process.once('SIGTERM', () => {
    writeResults(suite, figures, startedAt, loadAtStart, 'stopped by SIGTERM (the suite ran past its time limit); the figures before it are kept');
    process.exit(1);
  });
  // Exits explicitly: a keep-alive socket or a stray timer must not keep a finished suite alive.
  body(record).then(
    () => {
      writeResults(suite, figures, startedAt, loadAtStart);
      process.exit(0);
    },
    (e: unknown) => {
      console.error(e);
      writeResults(suite, figures, startedAt, loadAtStart, e instanceof Error ? e.message : String(e));
      process.exit(1);
    },
  );
}
