// Mocha reporter: the usual `spec` output for people, plus the suite's counts for
// scripts/test-all.mjs (passed, failed, skipped, with the titles of failed and skipped tests; see
// results.cjs), so its closing `N passed, N failed, N skipped` line sums every suite and a skipped
// test cannot hide. A file that failed to load is a failed test (loadEachFile.ts).
// CommonJS because mocha loads reporters with require().
'use strict';
const Mocha = require('mocha');
const { writeResults } = require('./results.cjs');

class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const failures = [];
    const skippedTests = [];
    runner.on('fail', (test, err) => failures.push({ title: test.fullTitle(), error: String(err && err.message) }));
    runner.on('pending', (test) => skippedTests.push(test.fullTitle()));
    runner.once('end', () => {
      const stats = runner.stats || {};
      writeResults({ passed: stats.passes || 0, failed: stats.failures || 0, skipped: stats.pending || 0, failures, skippedTests });
    });
  }
}
module.exports = CountingReporter;
