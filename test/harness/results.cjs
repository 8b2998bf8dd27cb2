// The counts each suite leaves for scripts/test-all.mjs in the file $PMC_RESULTS_FILE names:
// { passed, failed, skipped, failures: [{ title, error }], skippedTests: [title], note? }.
// Written by the mocha reporter (countingReporter.cjs) and by the integration and e2e drivers;
// CommonJS because mocha loads reporters with require(), and the .mjs scripts import it too.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..', '..');

exports.writeResults = function writeResults(results, file = process.env.PMC_RESULTS_FILE) {
  if (!file) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(results, null, 2));
};

/** The `*.test.ts` files below a suite's folder (`test/unit`…), relative to the repository. */
exports.testFiles = function testFiles(suiteDir) {
  const walk = (rel) => fs.readdirSync(path.join(repoRoot, rel), { withFileTypes: true }).flatMap((e) => {
    const child = path.join(rel, e.name);
    return e.isDirectory() ? walk(child) : e.name.endsWith('.test.ts') ? [child] : [];
  });
  return fs.existsSync(path.join(repoRoot, suiteDir)) ? walk(suiteDir).sort() : [];
};

/**
 * The results of a suite that could not run at all (its runner died before counting, the VS Code
 * host wrote nothing): each of its test files counts as one failure, naming the file and why.
 */
exports.didNotRun = function didNotRun(suiteDir, reason) {
  const files = exports.testFiles(suiteDir);
  const named = files.length > 0 ? files : [suiteDir];
  return {
    passed: 0,
    failed: named.length,
    skipped: 0,
    failures: named.map((f) => ({ title: `${f} did not run`, error: reason })),
    skippedTests: [],
    note: reason,
  };
};

/**
 * What scripts/test-all.mjs prints after the suites: each failed and skipped test by name, one
 * line of counts per suite, and the closing `N passed, N failed, N skipped` line summing them.
 * `runs` holds, per suite, its name, results, exit status and seconds taken. A suite that exited
 * non-zero after reporting no failure still counts one.
 */
exports.summarize = function summarize(runs) {
  const total = { passed: 0, failed: 0, skipped: 0 };
  const named = [];
  const table = [];
  for (const { name, results, status, seconds } of runs) {
    const { passed = 0, skipped = 0, skippedTests = [] } = results;
    let { failed = 0, failures = [] } = results;
    if (status !== 0 && failed === 0) {
      failed = 1;
      failures = [...failures, { title: `the ${name} suite`, error: `exited ${status} after reporting no failure` }];
    }
    total.passed += passed;
    total.failed += failed;
    total.skipped += skipped;
    for (const f of failures) named.push(`FAILED  ${name}: ${f.title}\n        ${String(f.error).split('\n')[0]}`);
    for (const t of skippedTests) named.push(`SKIPPED ${name}: ${t}`);
    const count = (n, what) => `${String(n).padStart(4)} ${what}`;
    table.push(`${name.padEnd(12)} ${count(passed, 'passed')} ${count(failed, 'failed')} ${count(skipped, 'skipped')}  ${seconds.toFixed(0)}s${results.note ? `  (${results.note})` : ''}`);
  }
  return { ...total, lines: [...named, ...table, `${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`] };
};
