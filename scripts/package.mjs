#!/usr/bin/env node
// `npm run package`: a production build (vsce runs `vscode:prepublish`) packed into
// pod-memory-chaos-<version>.vsix at the repository root with @vscode/vsce. Dependencies are
// bundled into dist/extension.js, so node_modules stays out (--no-dependencies).
// Prints the VSIX path and size; `--out <file>` writes elsewhere. README images stay relative
// (--no-rewrite-relative-links): they are shipped in media/ and the repository has no public URL.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const outArg = process.argv.indexOf('--out');
const out = path.resolve(root, outArg > 0 ? process.argv[outArg + 1] : `${pkg.name}-${pkg.version}.vsix`);

const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const run = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out], {
  cwd: root,
  stdio: 'inherit',
});
if (run.status !== 0) {
  console.error(`vsce package failed (exit ${run.status ?? run.signal})`);
  process.exit(1);
}
const bytes = fs.statSync(out).size;
console.log(`${path.relative(root, out) || out}: ${(bytes / 1024).toFixed(0)} KiB (${bytes} bytes)`);
