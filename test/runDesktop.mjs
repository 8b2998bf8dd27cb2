#!/usr/bin/env node
// `npm run test:desktop`: the same integration suites on a desktop VS Code through
// @vscode/test-electron, for people who have one. Not part of `npm test` or CI: test-electron
// downloads VS Code from update.code.visualstudio.com, which the CI machine cannot reach.
//   VSCODE_EXECUTABLE=/path/to/code   use an installed VS Code instead of downloading
//   VSCODE_VERSION=1.100.3|stable     which build to download (default: the engines floor, 1.100.3)
// Like the code-server driver, the extension host gets a fresh HOME and no $KUBECONFIG, so the
// suites see no kubeconfig but the ones they write.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function main() {
  const build = spawnSync(process.execPath, ['esbuild.js', '--tests'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) return 1;
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-desktop-'));
  const dirs = Object.fromEntries(['home', 'user-data', 'extensions', 'workspace'].map((d) => [d, path.join(base, d)]));
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  fs.mkdirSync(path.join(dirs['user-data'], 'User'), { recursive: true });
  fs.writeFileSync(path.join(dirs['user-data'], 'User', 'settings.json'), JSON.stringify({ 'workbench.startupEditor': 'none' }));
  try {
    await runTests({
      ...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE } : { version: process.env.VSCODE_VERSION ?? '1.100.3' }),
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(root, 'out', 'test', 'integration', 'index.js'),
      extensionTestsEnv: { HOME: dirs.home, KUBECONFIG: undefined },
      launchArgs: [dirs.workspace, '--disable-extensions', '--user-data-dir', dirs['user-data'], '--extensions-dir', dirs.extensions],
    });
    return 0;
  } catch (e) {
    console.error(`[desktop] ${e?.message ?? e}`);
    return 1;
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}

process.exit(await main());
