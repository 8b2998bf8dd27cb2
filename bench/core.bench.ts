// Benchmarks of the pure domain: the parsers that run on every sample (≥ 4 Hz per target) and on
// every keystroke (validation), and the time series the panel draws from. Each figure times the
// real src/core function in this Node process (median of N runs after warm-up) on real kernel
// cgroup files and upstream's StressChaos example; the sampler's rate is the real sampler script
// run by dash against this machine's own memory cgroup.
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
import { benchSuite, median, percentile, round, sized, timeRuns } from './util';

benchSuite('core', async (record) => {
  const runs = sized(20, 5);

  const quantities = ['500Mi', '1.5Gi', '100m', '2e3', '128974848', '129e6', '123Mi', '0.5', '1E', '64Ki'];
  const q = await timeRuns(runs, () => {
    for (let i = 0; i < 10_000; i++) quantityToBytes(quantities[i % quantities.length]);
  });
  record({ id: 'quantity-parses-per-s', what: 'quantityToBytes on mixed Kubernetes quantities', value: round(10_000 / (median(q) / 1000)), unit: 'parses/s', better: 'higher', note: `median of ${runs} runs of 10,000` });

  const v2 = splitCgroupSnapshot(fs.readFileSync(path.join(CGROUP_FIXTURES, 'v2-kernel-6.18/holding120.txt'), 'utf8'));
  const v1 = splitCgroupSnapshot(fs.readFileSync(path.join(CGROUP_FIXTURES, 'v1-kernel-6.18/holding120.txt'), 'utf8'));
  const c = await timeRuns(runs, () => {
    for (let i = 0; i < 1000; i++) readCgroupMemory(i % 2 ? v1 : v2);
  });
  record({ id: 'cgroup-reads-per-s', what: 'readCgroupMemory on real kernel 6.18 files', value: round(1000 / (median(c) / 1000)), unit: 'reads/s', better: 'higher', note: `v1 and v2 fixtures alternately, median of ${runs} runs of 1,000` });

  // The real sampler script against this machine's own memory cgroup, as fast as it may go.
  const samples = sized(100, 40);
  const started = process.hrtime.bigint();
  const output = execFileSync('/bin/sh', ['-c', samplerScript({ maxSamples: samples, intervalMs: 10 })], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  record({
    id: 'sampler-max-rate-hz',
    what: 'sampler script: achievable rate at a 10 ms interval',
    value: round(samples / (elapsedMs / 1000)),
    unit: 'samples/s',
    goal: 20,
    better: 'higher',
    note: `${samples} samples by dash with builtin reads of this host's cgroup; 20 Hz is the highest sample-rate setting`,
  });
  const p = await timeRuns(runs, () => {
    const parser = new SamplerOutputParser();
    parser.push(output);
    parser.end();
  });
  record({ id: 'sampler-parse-samples-per-s', what: 'SamplerOutputParser on the script\'s real output', value: round((samples / median(p)) * 1000), unit: 'samples/s', better: 'higher', note: `${(Buffer.byteLength(output) / samples / 1024).toFixed(1)} KiB per sample, median of ${runs} runs` });

  const yaml = fs.readFileSync(path.join(UPSTREAM_STRESSCHAOS_FIXTURES, 'website__docs__simulate-heavy-stress-on-kubernetes__block1__memory-stress-example.yaml'), 'utf8');
  const validations = sized(200, 50);
  const v = await timeRuns(validations, () => validateStressChaos(yaml));
  record({ id: 'validate-example-p50-ms', what: 'validateStressChaos on upstream\'s memory example (runs on every edit)', value: round(median(v)), unit: 'ms', better: 'lower', note: `median of ${validations}` });
  record({ id: 'validate-example-p95-ms', what: 'validateStressChaos on upstream\'s memory example, 95th percentile', value: round(percentile(v, 95)), unit: 'ms', better: 'lower', note: `p95 of ${validations}` });

  const series = new TimeSeries();
  const appendTimes = await timeRuns(1, () => {
    series.clear();
    for (let i = 0; i < series.capacity; i++) series.append(i * 250, 1e8 + ((i * 7919) % 1e6));
  }, 1);
  record({ id: 'timeseries-append-ms', what: `TimeSeries.append of ${series.capacity} points (2 h at 4 Hz)`, value: round(appendTimes[0]), unit: 'ms', better: 'lower', note: 'one run, all points' });
  const downsamples = sized(50, 10);
  const d = await timeRuns(downsamples, () => series.downsample(0, series.capacity * 250, 800));
  record({ id: 'timeseries-downsample-ms', what: 'TimeSeries.downsample of 2 h to 800 columns (one redraw\'s input)', value: round(median(d)), unit: 'ms', better: 'lower', note: `median of ${downsamples}` });
});
