#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.ts (or those named: `npm run bench -- core chart`),
// each writing bench/results/<suite>.json through bench/util.ts, then rewrites the table between
// the README's `<!-- bench:start -->` and `<!-- bench:end -->` markers from all the results files.
// `--quick` (CI): fewer runs and smaller sizes (PMC_BENCH_QUICK=1 for the suites), results in
// artifacts/bench/ instead, the table printed and written to artifacts/bench/table.md; the
// README and the committed results are left alone. Figures are recorded, never asserted: a figure
// that misses its goal is marked in the table, and one a suite failed to record shows as not
// measured. Exits non-zero when a suite failed or timed out.
// Performance lives here, never in timed test assertions.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, 'bench');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const wanted = args.filter((a) => !a.startsWith('--'));
const resultsDir = quick ? path.join(root, 'artifacts', 'bench', 'results') : path.join(benchDir, 'results');
/** A suite that takes longer is stopped (SIGTERM: suites clean up their clusters and browsers). */
const SUITE_LIMIT_MS = quick ? 150_000 : 30 * 60_000;

/** The figures issue 13 promises, with the suite that records each: missing ones still get a row. */
const PROMISED = {
  'sample-interval-median-ms': 'panel',
  'sample-interval-p95-ms': 'panel',
  'sampler-target-cpu-pct': 'panel',
  'oom-marker-latency-ms': 'panel',
  'tree-requests-per-refresh': 'tree',
  'tree-host-cpu-ms': 'tree',
  'chart-redraw-ms': 'chart',
  'validate-2000-lines-ms': 'editor',
  'activation-ms': 'activation',
  'plain-yaml-open-ms': 'activation',
  'vsix-bytes': 'vsix',
  'sandbox-start-ms': 'sandbox',
  'sandbox-bytes-per-pod': 'sandbox',
};

const available = fs
  .readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();
const unknown = wanted.filter((s) => !available.includes(s));
if (unknown.length) {
  console.error(`no such suite: ${unknown.join(', ')} (suites: ${available.join(', ')})`);
  process.exit(2);
}
const suites = available.filter((s) => wanted.length === 0 || wanted.includes(s));

if (quick) fs.rmSync(path.dirname(resultsDir), { recursive: true, force: true });
fs.mkdirSync(resultsDir, { recursive: true });

const started = Date.now();
const failed = [];
for (const suite of suites) {
  console.log(`\n=== bench: ${suite}${quick ? ' (quick)' : ''} ===`);
  const t = Date.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', path.join(benchDir, `${suite}.bench.ts`)], {
    cwd: root,
    stdio: 'inherit',
    timeout: SUITE_LIMIT_MS,
    killSignal: 'SIGTERM',
    env: { ...process.env, PMC_BENCH_RESULTS_DIR: resultsDir, ...(quick ? { PMC_BENCH_QUICK: '1' } : {}) },
  });
  const seconds = ((Date.now() - t) / 1000).toFixed(0);
  if (run.status !== 0) {
    const why = run.error?.code === 'ETIMEDOUT' ? `stopped after ${SUITE_LIMIT_MS / 1000}s` : `exit ${run.status ?? run.signal}`;
    failed.push(`${suite} (${why})`);
    console.log(`=== ${suite}: FAILED, ${why}, ${seconds}s ===`);
  } else {
    console.log(`=== ${suite}: ${seconds}s ===`);
  }
}

const table = renderTable(readResults());
if (quick) {
  const file = path.join(path.dirname(resultsDir), 'table.md');
  fs.writeFileSync(file, table + '\n');
  console.log(`\n${table}\n\n(quick figures, not the README's; also in ${path.relative(root, file)})`);
} else {
  writeReadmeTable(table);
}
console.log(`\nbench: ${suites.length} suite(s) in ${((Date.now() - started) / 1000).toFixed(0)}s${failed.length ? `; failed: ${failed.join(', ')}` : ''}`);
process.exit(failed.length ? 1 : 0);

function readResults() {
  return fs
    .readdirSync(resultsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(resultsDir, f), 'utf8')));
}

function num(v) {
  return v.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

function cell(text) {
  return String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** "12× better" / "3.4× worse": baseline over figure when lower is better, figure over baseline when higher is. */
function ratio(f) {
  if (f.value === null || !f.baseline || f.baseline.value === null || f.value === 0 || f.baseline.value === 0) return '';
  const r = f.better === 'lower' ? f.baseline.value / f.value : f.value / f.baseline.value;
  const show = (x) => (x >= 10 ? x.toFixed(0) : x.toFixed(1));
  return r >= 1 ? `${show(r)}× better` : `${show(1 / r)}× worse`;
}

/** "≤ 250 ms ✓", "≤ 16 ms ✗ misses goal", or "" when the figure promises nothing. */
function goalCell(f) {
  if (f.goal === undefined) return '';
  const goal = `${f.better === 'lower' ? '≤' : '≥'} ${num(f.goal)} ${f.unit}`;
  if (f.value === null) return `${goal} ✗ not measured`;
  const met = f.better === 'lower' ? f.value <= f.goal : f.value >= f.goal;
  return met ? `${goal} ✓` : `${goal} **✗ misses goal**`;
}

function renderTable(results) {
  const rows = [];
  const seen = new Set();
  for (const r of results) {
    const taken = `${r.takenAt.slice(0, 10)}${r.quick ? ' quick' : ''}`;
    for (const f of r.figures) {
      // ids are unique within a suite (bench/util.ts checks); across suites this run says so
      const duplicate = seen.has(f.id) ? ' **(duplicate id: two suites record it)**' : '';
      seen.add(f.id);
      const value = f.value === null ? '**not measured**' : `${num(f.value)} ${f.unit}`;
      const baseline = f.baseline ? `${f.baseline.name}: ${f.baseline.value === null ? 'not measured' : `${num(f.baseline.value)} ${f.unit}`}` : '';
      rows.push(`| ${r.suite} | \`${f.id}\`${duplicate} | ${cell(f.what)} | ${value} | ${cell(goalCell(f))} | ${cell(baseline)} | ${ratio(f)} | ${cell(f.note)} | ${taken} |`);
    }
    if (r.error) rows.push(`| ${r.suite} | | **the suite failed**: ${cell(r.error)} | | | | | | ${taken} |`);
  }
  for (const [id, suite] of Object.entries(PROMISED)) {
    if (seen.has(id)) continue;
    const ran = results.some((r) => r.suite === suite);
    const why = fs.existsSync(path.join(benchDir, `${suite}.bench.ts`))
      ? ran ? `bench/${suite}.bench.ts ran without recording it` : `bench/${suite}.bench.ts has not run${quick ? ' in this quick run' : ''}`
      : `bench/${suite}.bench.ts does not exist yet`;
    rows.push(`| ${suite} | \`${id}\` | | **not measured** | | | | ${why} | |`);
  }
  return ['| suite | id | what | figure | goal | baseline (same run) | vs baseline | how | taken |', '|---|---|---|---|---|---|---|---|---|', ...rows].join('\n');
}

function writeReadmeTable(table) {
  const readme = path.join(root, 'README.md');
  const text = fs.readFileSync(readme, 'utf8');
  const re = /(<!-- bench:start -->)[\s\S]*?(<!-- bench:end -->)/;
  if (!re.test(text)) {
    console.log(`\nREADME.md has no <!-- bench:start --> / <!-- bench:end --> markers; table not written:\n${table}`);
    return;
  }
  fs.writeFileSync(readme, text.replace(re, () => `<!-- bench:start -->\n${table}\n<!-- bench:end -->`));
  console.log('\nREADME.md benchmark table updated.');
}
