// How `npm test` counts: every test file that fails to load is a failed test naming the file and
// why, the other files still run, skipped tests are counted and named, and the closing line is
// `N passed, N failed, N skipped` (scripts/test-all.mjs through test/harness/results.cjs).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { didNotRun, summarize, type SuiteResults } from '../../harness/results.cjs';

const root = path.resolve(__dirname, '..', '..', '..');

/** Runs mocha as the suites do (the project's loader and reporter) on these files, in a temporary folder. */
function runMocha(files: Record<string, string>, ...args: string[]): { status: number | null; results: SuiteResults; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-counts-'));
  try {
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    const resultsFile = path.join(dir, 'results.json');
    const run = spawnSync(process.execPath, [
      path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--no-config', '--ui', 'tdd',
      '--require', require.resolve('tsx/cjs'), '--require', path.join(root, 'test', 'harness', 'loadEachFile.ts'),
      '--reporter', path.join(root, 'test', 'harness', 'countingReporter.cjs'),
      ...args, ...Object.keys(files).sort(),
    ], { cwd: dir, encoding: 'utf8', env: { ...process.env, PMC_RESULTS_FILE: resultsFile } });
    return { status: run.status, results: JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as SuiteResults, output: run.stdout + run.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** a and c load (two tests pass, one has no body yet, one fails); b (inside a nested suite, after registering a test) and d throw while loading. */
const FILES = {
  'a.test.js': "suite('a', () => { test('passes', () => {}); test('has no body yet'); });\n",
  'b.test.js': [
    "suite('b outer', () => {",
    "  suite('b inner', () => {",
    "    test('registered before the throw', () => {});",
    "    require('node:fs').readdirSync('/nonexistent-pmc-fixtures');",
    '  });',
    '});',
    '',
  ].join('\n'),
  'c.test.js': "suite('c', () => { test('passes after a broken file', () => {}); test('fails on purpose', () => { throw new Error('c failed'); }); });\n",
  'd.test.js': "throw new Error('d cannot load');\n",
};

suite('test counts: load failures and skipped tests cannot hide', function () {
  this.timeout(60_000); // a child mocha with tsx on a busy 2-core machine

  test('a file that throws while loading is one failed test naming it and why; the other files run', () => {
    const { status, results, output } = runMocha(FILES);
    assert.deepEqual(results, {
      passed: 2,
      failed: 3,
      skipped: 1,
      failures: [
        { title: 'b.test.js failed to load', error: "ENOENT: no such file or directory, scandir '/nonexistent-pmc-fixtures'" },
        { title: 'd.test.js failed to load', error: 'd cannot load' },
        // c's suite sits at the root, not inside b's suite that was open when b threw
        { title: 'c fails on purpose', error: 'c failed' },
      ],
      skippedTests: ['a has no body yet'],
    });
    assert.equal(status, 3);
    assert.match(output, /b\.test\.js failed to load:\s+Error: ENOENT/);
  });

  test('a file that failed to load is reported under --grep too', () => {
    const { results } = runMocha(FILES, '--grep', 'passes');
    assert.deepEqual(results, {
      passed: 2,
      failed: 2,
      skipped: 0,
      failures: [
        { title: 'b.test.js failed to load', error: "ENOENT: no such file or directory, scandir '/nonexistent-pmc-fixtures'" },
        { title: 'd.test.js failed to load', error: 'd cannot load' },
      ],
      skippedTests: [],
    });
  });

  test('a suite that could not run counts each of its test files, naming it and why', () => {
    const files = fs.readdirSync(path.join(root, 'test', 'integration')).filter((f) => f.endsWith('.test.ts')).sort();
    assert.ok(files.length >= 2);
    const results = didNotRun('test/integration', 'the extension host wrote no results (exit 1)');
    assert.deepEqual(results, {
      passed: 0,
      failed: files.length,
      skipped: 0,
      failures: files.map((f) => ({ title: `test/integration/${f} did not run`, error: 'the extension host wrote no results (exit 1)' })),
      skippedTests: [],
      note: 'the extension host wrote no results (exit 1)',
    });
  });

  test('the closing line sums passed, failed and skipped over the suites, after naming each failure and skip', () => {
    const summary = summarize([
      {
        name: 'unit', status: 1, seconds: 12.4,
        results: { passed: 5, failed: 1, skipped: 2, failures: [{ title: 'test/unit/core/x.test.ts failed to load', error: "ENOENT: no such file\n    at readdirSync" }], skippedTests: ['a one', 'a two'] },
      },
      { name: 'sandbox', status: 0, seconds: 80, results: { passed: 3, failed: 0, skipped: 0, failures: [], skippedTests: [] } },
      {
        name: 'e2e', status: 1, seconds: 2,
        results: { passed: 0, failed: 2, skipped: 0, failures: [{ title: 'test/e2e/a.test.ts did not run', error: 'no VSIX' }, { title: 'test/e2e/b.test.ts did not run', error: 'no VSIX' }], skippedTests: [], note: 'no VSIX' },
      },
    ]);
    assert.deepEqual(summary.lines, [
      'FAILED  unit: test/unit/core/x.test.ts failed to load\n        ENOENT: no such file',
      'SKIPPED unit: a one',
      'SKIPPED unit: a two',
      'FAILED  e2e: test/e2e/a.test.ts did not run\n        no VSIX',
      'FAILED  e2e: test/e2e/b.test.ts did not run\n        no VSIX',
      'unit            5 passed    1 failed    2 skipped  12s',
      'sandbox         3 passed    0 failed    0 skipped  80s',
      'e2e             0 passed    2 failed    0 skipped  2s  (no VSIX)',
      '8 passed, 3 failed, 2 skipped',
    ]);
    assert.deepEqual([summary.passed, summary.failed, summary.skipped], [8, 3, 2]);
  });

  test('a suite that exits non-zero after reporting no failure counts one failure', () => {
    const summary = summarize([{ name: 'sandbox', status: 'SIGKILL', seconds: 1, results: { passed: 4, failed: 0, skipped: 0, failures: [], skippedTests: [] } }]);
    assert.equal(summary.lines.at(-1), '4 passed, 1 failed, 0 skipped');
    assert.ok(summary.lines.includes('FAILED  sandbox: the sandbox suite\n        exited SIGKILL after reporting no failure'));
  });
});
