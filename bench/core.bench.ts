// Benchmarks of the pure domain: the parsers that run on every sample (4 Hz per target) and
// on every keystroke (validation), and the time series the panel draws from.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  quantityToBytes,
  readCgroupMemory,
  splitCgroupSnapshot,
  samplerScript,
  SamplerOutputParser,
  validateStressChaos,
  TimeSeries,
} from '../src/core';
import { CGROUP_FIXTURES, UPSTREAM_STRESSCHAOS_FIXTURES } from '../test/fixtures/paths';
import { Figure, percentile, round, timeRuns, writeResults } from './util';

async function main(): Promise<void> {
  const figures: Figure[] = [];

  const quantities = ['500Mi', '1.5Gi', '100m', '2e3', '128974848', '129e6', '123Mi', '0.5', '1E', '64Ki'];
  const q = await timeRuns(20, () => {
    for (let i = 0; i < 10_000; i++) quantityToBytes(quantities[i % quantities.length]);
  });
  figures.push({ name: 'quantityToBytes', value: round(10_000 / (percentile(q, 50) / 1000)), unit: 'parses/s', note: 'median of 20 runs of 10,000 mixed quantities' });

  const v2 = splitCgroupSnapshot(fs.readFileSync(path.join(CGROUP_FIXTURES, 'v2-kernel-6.18/holding120.txt'), 'utf8'));
  const v1 = splitCgroupSnapshot(fs.readFileSync(path.join(CGROUP_FIXTURES, 'v1-kernel-6.18/holding120.txt'), 'utf8'));
  const c = await timeRuns(20, () => {
    for (let i = 0; i < 1000; i++) readCgroupMemory(i % 2 ? v1 : v2);
  });
  figures.push({ name: 'readCgroupMemory (real kernel 6.18 files)', value: round(1000 / (percentile(c, 50) / 1000)), unit: 'reads/s', note: 'v1 and v2 fixtures alternately' });

  // The real sampler script against this machine's own memory cgroup, as fast as it may go.
  const samples = 100;
  const started = process.hrtime.bigint();
  const output = execFileSync('/bin/sh', ['-c', samplerScript({ maxSamples: samples, intervalMs: 10 })], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  figures.push({ name: 'sampler script: achievable rate (10 ms interval)', value: round(samples / (elapsedMs / 1000)), unit: 'samples/s', note: 'dash, builtin reads, this host\'s cgroup; the panel needs 4' });
  const p = await timeRuns(20, () => {
    const parser = new SamplerOutputParser();
    parser.push(output);
    parser.end();
  });
  figures.push({ name: 'SamplerOutputParser', value: round((samples / percentile(p, 50)) * 1000), unit: 'samples/s', note: `${(Buffer.byteLength(output) / samples / 1024).toFixed(1)} KiB per sample` });

  const yaml = fs.readFileSync(path.join(UPSTREAM_STRESSCHAOS_FIXTURES, 'website__docs__simulate-heavy-stress-on-kubernetes__block1__memory-stress-example.yaml'), 'utf8');
  const v = await timeRuns(200, () => validateStressChaos(yaml));
  figures.push({ name: 'validateStressChaos (upstream memory example) p50', value: round(percentile(v, 50)), unit: 'ms', note: 'runs on every edit' });
  figures.push({ name: 'validateStressChaos (upstream memory example) p95', value: round(percentile(v, 95)), unit: 'ms' });

  const series = new TimeSeries();
  const appendTimes = await timeRuns(1, () => {
    series.clear();
    for (let i = 0; i < series.capacity; i++) series.append(i * 250, 1e8 + ((i * 7919) % 1e6));
  }, 1);
  figures.push({ name: `TimeSeries.append (${series.capacity} points = 2 h at 4 Hz)`, value: round(appendTimes[0]), unit: 'ms' });
  const d = await timeRuns(50, () => series.downsample(0, series.capacity * 250, 800));
  figures.push({ name: 'TimeSeries.downsample 2 h → 800 columns p50', value: round(percentile(d, 50)), unit: 'ms', note: 'one redraw' });

  writeResults('core', figures);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
