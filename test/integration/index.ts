// The extension host's test entry (the workbench payload's `extensionTestsPath`): runs every
// bundled *.test.js next to this file with mocha's tdd UI and writes the counts to a JSON file
// the driver (test/harness/runIntegration.mjs) reads. The driver runs on the same machine as
// the extension host, so a file is the simplest reliable channel; the workbench exit code is
// the second one (codeAutomationExit).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import '../harness/loadEachFile'; // mocha loads each suite alone: one that throws is a failed test naming it

interface Failure {
  readonly title: string;
  readonly error: string;
}

export function resultsFile(): string {
  return process.env.PMC_INTEGRATION_RESULTS ?? path.resolve(__dirname, '..', '..', '..', 'artifacts', 'results', 'integration-host.json');
}

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', timeout: 30_000, color: false, reporter: 'spec' });
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  const pattern = testsToRun(process.env.PMC_INTEGRATION_GREP, process.env.PMC_TEST_CLUSTER === 'sandbox');
  if (pattern) mocha.grep(pattern);

  const failures: Failure[] = [];
  const skippedTests: string[] = [];
  const stats = await new Promise<Mocha.Stats>((resolve, reject) => {
    try {
      const runner = mocha.run(() => resolve(runner.stats ?? { passes: 0, failures: 1 } as Mocha.Stats));
      runner.on('fail', (test, err: unknown) => failures.push({ title: test.fullTitle(), error: err instanceof Error ? err.message : String(err) }));
      runner.on('pending', (test) => skippedTests.push(test.fullTitle()));
    } catch (e) {
      reject(e);
    }
  });
  const out = resultsFile();
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ passed: stats.passes, failed: stats.failures, skipped: stats.pending ?? 0, files, failures, skippedTests }, null, 2));
  if (stats.failures > 0) throw new Error(`${stats.failures} integration test(s) failed`);
  if (stats.passes === 0) throw new Error('no integration test ran');
}

/**
 * Which tests run: those whose title contains PMC_INTEGRATION_GREP (all when unset), and, on any
 * cluster but the sandbox, none titled "sandbox-only" (they need the sandbox's fault switches or
 * its host; they are left out there, not skipped).
 */
function testsToRun(grep: string | undefined, onSandbox: boolean): RegExp | undefined {
  const literal = grep ? grep.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : undefined;
  if (onSandbox) return literal === undefined ? undefined : new RegExp(literal);
  return new RegExp(`^(?!.*sandbox-only)${literal === undefined ? '' : `(?=.*${literal})`}`);
}
