#!/usr/bin/env node
// The README's one test command: runs every suite (unit, sandbox, integration, e2e) in turn,
// each writing its counts to artifacts/results/<suite>.json, and ends with one line
// `N passed, N failed` summing them all. Exits non-zero when any test failed or any suite
// could not run. A suite that dies without writing its counts counts as one failure.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
  console.log('0 passed, 1 failed');
  process.exit(1);
}

let passed = 0;
let failed = 0;
const lines = [];
for (const suite of suites) {
  const file = path.join(resultsDir, `${suite.name}.json`);
  console.log(`\n=== ${suite.name} suite ===`);
  const started = Date.now();
  const run = spawnSync(suite.cmd[0], suite.cmd.slice(1), {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PMC_RESULTS_FILE: file },
  });
  let counts;
  try {
    counts = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    counts = { passed: 0, failed: 1, note: `suite exited ${run.status ?? run.signal} without writing results` };
  }
  if (run.status !== 0 && counts.failed === 0) counts.failed = 1; // it crashed after reporting: not green
  passed += counts.passed;
  failed += counts.failed;
  lines.push(`${suite.name.padEnd(12)} ${String(counts.passed).padStart(4)} passed ${String(counts.failed).padStart(4)} failed  ${((Date.now() - started) / 1000).toFixed(0)}s${counts.note ? '  (' + counts.note + ')' : ''}`);
}
console.log('\n' + lines.join('\n'));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
