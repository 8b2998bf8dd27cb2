#!/usr/bin/env node
// Integration suites inside a real VS Code (code-server 4.100.3 in Debian's Chromium): builds the
// extension and the suites, starts code-server on 127.0.0.1 with a fresh profile, opens the
// workbench with a test payload (extensionDevelopmentPath = this repository,
// extensionTestsPath = out/test/integration/index.js), and waits for the workbench's exit code.
// The in-host runner writes its counts to a file; this script copies them (passed, failed,
// skipped, with names) to $PMC_RESULTS_FILE for scripts/test-all.mjs and exits non-zero when
// anything failed. When the host wrote nothing, each integration test file counts as failed.
// The suites get a cluster (test/harness/testCluster.mjs): the sandbox, or PMC_TEST_KUBECONFIG's.
// Env: PMC_INTEGRATION_GREP=<text> runs only matching tests; PMC_KEEP_PROFILE=1 keeps the profile.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { format } from 'node:util';
import {
  ensureCodeServer, launchChromium, makeProfile, repoRoot, startCodeServer, VSCODE_VERSION, withCleanup, workbenchUrl,
} from './codeServer.mjs';
import { startTestCluster } from './testCluster.mjs';
import { didNotRun, writeResults } from './results.cjs';

const RUN_LIMIT_MS = 25 * 60_000; // every suite against the sandbox, on a 2-core machine
/** Workbench chatter that is expected offline (no gallery at open-vsx.org) or routine. */
const HARMLESS = /ENOTFOUND open-vsx\.org|connection token|Creating a socket|Updating additional builtin extensions|\[Service Worker\]|ChatSessionStore/;
const artifacts = path.join(repoRoot, 'artifacts');
const hostResults = path.join(artifacts, 'results', 'integration-host.json');

async function main() {
  const started = Date.now();
  ensureCodeServer();
  const build = spawnSync(process.execPath, ['esbuild.js', '--tests'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('building the extension or the integration suites failed');
  fs.rmSync(hostResults, { force: true });
  fs.rmSync(path.join(artifacts, 'screenshots', 'integration-failure.png'), { force: true });

  return withCleanup(async (onCleanup) => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-integration-'));
    if (!process.env.PMC_KEEP_PROFILE) onCleanup(() => fs.rmSync(base, { recursive: true, force: true }));
    const profile = makeProfile(base);
    const home = path.join(base, 'home'); // no ~/.kube/config: the suites decide which kubeconfig exists
    fs.mkdirSync(home, { recursive: true });
    // The cluster the suites test against: the sandbox, or PMC_TEST_KUBECONFIG's (testCluster.mjs).
    const cluster = await startTestCluster(onCleanup, 'integration');
    const env = {
      HOME: home, PMC_INTEGRATION_RESULTS: hostResults, PMC_EXPECTED_VSCODE_VERSION: VSCODE_VERSION, KUBECONFIG: undefined,
      PMC_TEST_KUBECONFIG: cluster.kubeconfigPath, PMC_TEST_CLUSTER: cluster.kind, ...(cluster.env ?? {}),
    };

    const server = await startCodeServer({ profile, logFile: path.join(artifacts, 'logs', 'integration-code-server.log'), env });
    onCleanup(() => server.stop());
    const browser = await launchChromium();
    onCleanup(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });

    let resolveExit;
    const exited = new Promise((resolve) => { resolveExit = resolve; });
    // Everything the workbench logs goes to a file; people see the mocha report and real problems.
    const workbenchLog = fs.createWriteStream(path.join(artifacts, 'logs', 'integration-workbench.log'));
    onCleanup(() => new Promise((r) => workbenchLog.end(r)));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = format(...(Array.isArray(args) ? args : [args])); // the host's console.log arguments, format string first
      const line = text.endsWith('\n') ? text : `${text}\n`;
      workbenchLog.write(`[${type}] ${line}`);
      if (!HARMLESS.test(line)) process.stdout.write(line);
    });
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));

    const url = workbenchUrl(server, {
      folder: profile.workspaceDir,
      payload: {
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath: path.join(repoRoot, 'out', 'test', 'integration', 'index.js'),
        skipWelcome: 'true',
      },
    });
    console.log(`[integration] ${url}`);
    await page.goto(url);
    let timer;
    const code = await Promise.race([
      exited,
      new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), RUN_LIMIT_MS); }),
    ]);
    clearTimeout(timer);
    if (code !== 0) {
      fs.mkdirSync(path.join(artifacts, 'screenshots'), { recursive: true });
      await page.screenshot({ path: path.join(artifacts, 'screenshots', 'integration-failure.png') }).catch(() => {});
    }

    let counts;
    try {
      counts = JSON.parse(fs.readFileSync(hostResults, 'utf8'));
    } catch {
      counts = didNotRun('test/integration', code === 'timeout' ? `no result within ${RUN_LIMIT_MS / 1000}s` : `the extension host wrote no results (exit ${code}); see artifacts/logs/integration-code-server.log`);
    }
    if (code !== 0 && counts.failed === 0) {
      counts = { ...counts, failed: 1, failures: [{ title: 'the integration run', error: `workbench exit code ${code}` }], note: `workbench exit code ${code}` };
    }
    for (const f of counts.failures ?? []) console.log(`  FAILED ${f.title}\n    ${f.error}`);
    const { passed, failed, skipped, failures, skippedTests, note } = counts;
    writeResults({ passed, failed, skipped, failures, skippedTests, ...(note ? { note } : {}) });
    console.log(`[integration] ${passed} passed, ${failed} failed, ${skipped} skipped in ${((Date.now() - started) / 1000).toFixed(0)}s`);
    return counts.failed > 0 ? 1 : 0;
  });
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`[integration] ${e?.stack ?? e}`);
    writeResults(didNotRun('test/integration', String(e?.message ?? e).split('\n')[0]));
    process.exit(1);
  },
);
