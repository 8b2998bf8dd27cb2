// Small helpers shared by the benchmarks: timing, percentiles, and the results file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** What the figure means, for the README table. */
  note?: string;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

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

export const round = (v: number, digits = 3): number => Number(v.toPrecision(digits));

/** Writes bench/results/<suite>.json: the figures plus when and where they were taken. */
export function writeResults(suite: string, figures: Figure[]): string {
  const dir = path.resolve(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${suite}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({ suite, takenAt: new Date().toISOString(), machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryBytes: os.totalmem(), node: process.version, kernel: os.release() }, figures }, null, 2) + '\n',
  );
  for (const f of figures) console.log(`${suite.padEnd(8)} ${f.name.padEnd(52)} ${String(f.value).padStart(12)} ${f.unit}`);
  return file;
}
