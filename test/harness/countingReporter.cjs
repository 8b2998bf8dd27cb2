// Mocha reporter: the usual `spec` output for people, plus a small JSON file with the counts
// (path in $PMC_RESULTS_FILE) so scripts/test-all.mjs can print one `N passed, N failed` line
// summing every suite. CommonJS because mocha loads reporters with require().
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const failures = [];
    runner.on('fail', (test, err) => failures.push({ title: test.fullTitle(), error: String(err && err.message) }));
    runner.once('end', () => {
      const file = process.env.PMC_RESULTS_FILE;
      if (!file) return;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const stats = runner.stats || {};
      fs.writeFileSync(file, JSON.stringify({ passed: stats.passes || 0, failed: stats.failures || 0, pending: stats.pending || 0, failures }, null, 2));
    });
  }
}
module.exports = CountingReporter;
