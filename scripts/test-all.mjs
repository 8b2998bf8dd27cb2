#!/usr/bin/env node
// The README's one test command: runs every suite (unit, sandbox, integration, e2e) in turn,
// each writing its counts to artifacts/results/<suite>.json (shape in test/harness/results.cjs),
// and ends with one line `N passed, N failed, N skipped` summing them all, after the names of the
// failed and skipped tests. Exits non-zero when any test failed or any suite could not run.
// A test file that fails to load is a failed test named after it (test/harness/loadEachFile.ts);
// a suite that dies without writing its counts counts each of its test files as failed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { didNotRun, summarize } from '../test/harness/results.cjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = path.join(root, 'artifacts', 'results');
fs.rmSync(resultsDir, { recursive: true, force: true });
fs.mkdirSync(resultsDir, { recursive: true });

const only = process.argv.slice(2);
const suites = [
  { name: 'unit', cmd: ['npx', 'mocha'] },
  { name: 'sandbox', cmd: ['npx', 'mocha', '--config', 'test/sandbox/.mocharc.json'] },
  { name: 'integration', cmd: ['node', 'test/harness/runIntegration.mjs'] },
  { name: 'e2e', cmd: ['node', 'test/harness/runE2e.mjs'] },
].filter((s) => only.length === 0 || only.includes(s.name));

// Build once: integration and e2e load dist/ into VS Code.
const build = spawnSync('node', ['esbuild.js'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}

const runs = [];
for (const suite of suites) {
  const file = path.join(resultsDir, `${suite.name}.json`);
  console.log(`\n=== ${suite.name} suite ===`);
  const started = Date.now();
  const run = spawnSync(suite.cmd[0], suite.cmd.slice(1), {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PMC_RESULTS_FILE: file },
  });
  const status = run.status ?? run.signal;
  let results;
  try {
    results = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    results = didNotRun(`test/${suite.name}`, `the suite exited ${status} without writing results; see its output above`);
  }
  runs.push({ name: suite.name, results, status, seconds: (Date.now() - started) / 1000 });
}
const summary = summarize(runs);
console.log('\n' + summary.lines.join('\n'));
process.exit(summary.failed > 0 ? 1 : 0);
