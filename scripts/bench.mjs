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
import { renderTable } from './benchTable.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, 'bench');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const wanted = args.filter((a) => !a.startsWith('--'));
const resultsDir = quick ? path.join(root, 'artifacts', 'bench', 'results') : path.join(benchDir, 'results');
/** A suite that takes longer is stopped (SIGTERM: suites clean up their clusters and browsers). */
const SUITE_LIMIT_MS = quick ? 240_000 : 30 * 60_000;


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

const table = renderTable(readResults(), { suites: available, quick });
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
