#!/usr/bin/env node
// End-to-end suites: packages the extension (`npm run package` into artifacts/), then runs the
// Playwright suites in test/e2e with mocha in this Node process; their fixture
// (test/e2e/workbench.ts) installs that VSIX with `code-server --install-extension`, starts
// code-server on 127.0.0.1 and opens it in Debian's Chromium. Screenshots go to
// artifacts/screenshots/. Counts reach $PMC_RESULTS_FILE through the counting reporter; when
// mocha could not count, each e2e test file counts as failed, with the reason.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureCodeServer, repoRoot } from './codeServer.mjs';
import { didNotRun, writeResults } from './results.cjs';

const writeFailure = (reason) => writeResults(didNotRun('test/e2e', reason));

function main() {
  const started = Date.now();
  ensureCodeServer();
  const vsix = path.join(repoRoot, 'artifacts', 'pod-memory-chaos.vsix');
  fs.mkdirSync(path.dirname(vsix), { recursive: true });
  const pack = spawnSync(process.execPath, ['scripts/package.mjs', '--out', vsix], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  if (pack.status !== 0) throw new Error('packaging the VSIX failed (run `npm run package` to see why)');
  console.log(`[e2e] packaged ${path.relative(repoRoot, vsix)} (${(fs.statSync(vsix).size / 1024).toFixed(0)} KiB)`);
  // Packaging left a production build in dist/; restore the development build (source maps) for whoever runs next.
  spawnSync(process.execPath, ['esbuild.js'], { cwd: repoRoot, stdio: 'inherit' });

  if (process.env.PMC_RESULTS_FILE) fs.rmSync(process.env.PMC_RESULTS_FILE, { force: true });
  // On a cluster other than the sandbox, tests titled "sandbox-only" are left out (not skipped),
  // unless a --grep of the caller's own chooses the tests.
  const args = process.argv.slice(2);
  const external = Boolean(process.env.PMC_TEST_KUBECONFIG);
  if (external && !args.some((a) => a === '--grep' || a.startsWith('--grep=') || a === '-g')) args.push('--grep', 'sandbox-only', '--invert');
  const mocha = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--config', 'test/e2e/.mocharc.json', ...args], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, PMC_E2E_VSIX: vsix },
  });
  if (process.env.PMC_RESULTS_FILE && !fs.existsSync(process.env.PMC_RESULTS_FILE)) {
    writeFailure(`mocha exited ${mocha.status ?? mocha.signal} before reporting; see the output above`);
  }
  console.log(`[e2e] done in ${((Date.now() - started) / 1000).toFixed(0)}s`);
  return mocha.status ?? 1;
}

try {
  process.exit(main());
} catch (e) {
  console.error(`[e2e] ${e?.stack ?? e}`);
  writeFailure(String(e?.message ?? e).split('\n')[0]);
  process.exit(1);
}
