// Shared driver for browser VS Code: installs code-server 4.100.3 offline, starts it on loopback
// with fresh profile folders, and opens it in Debian's Chromium through playwright-core.
// Used by the integration runner (mocha inside the extension host, through the workbench
// `payload`), the end-to-end runner (Playwright clicking the UI) and `npm start`.
// The recipe and its pitfalls: README.md, "How tests get a VS Code offline".
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CODE_SERVER_VERSION = '4.100.3';
/** VS Code inside code-server 4.100.3; newer code-server needs Node 22+ and gates the test payload. */
export const VSCODE_VERSION = '1.100.3';
export const installDir = path.join(repoRoot, '.vscode-test', 'code-server');
export const codeServerEntry = path.join(installDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const chromiumPath = process.env.PMC_CHROMIUM ?? '/usr/bin/chromium';

// @vscode/ripgrep (a dependency of VS Code inside code-server) downloads ripgrep from GitHub in its
// postinstall. It first looks in this cache; a tarball holding Debian's rg satisfies it offline.
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

function log(message) {
  process.stderr.write(`[code-server] ${message}\n`);
}

export function installedVersion() {
  try {
    const manifest = path.join(installDir, 'node_modules', 'code-server', 'package.json');
    const version = JSON.parse(fs.readFileSync(manifest, 'utf8')).version;
    return fs.existsSync(codeServerEntry) ? version : undefined;
  } catch {
    return undefined;
  }
}

/** Creates the ripgrep download cache from the system `rg` so the install never calls GitHub. */
export function seedRipgrepCache(env = process.env) {
  const tmp = env.TMPDIR || os.tmpdir();
  const cacheDir = path.join(tmp, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  const tarball = path.join(cacheDir, RIPGREP_ASSET);
  if (fs.existsSync(tarball)) return tarball;
  const rg = ['/usr/bin/rg', '/usr/local/bin/rg'].find((p) => fs.existsSync(p));
  if (!rg) {
    throw new Error('ripgrep is not installed: run `apt-get install -y ripgrep` (code-server needs it offline).');
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(tmp, 'pmc-rg-'));
  try {
    fs.copyFileSync(rg, path.join(staging, 'rg'));
    fs.chmodSync(path.join(staging, 'rg'), 0o755);
    const tar = spawnSync('tar', ['-czf', tarball, '-C', staging, 'rg'], { stdio: 'inherit' });
    if (tar.status !== 0) throw new Error(`tar failed while seeding the ripgrep cache (${tarball})`);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  log(`seeded ripgrep cache ${tarball} from ${rg}`);
  return tarball;
}

/** Installs code-server into .vscode-test/code-server unless the right version is already there. */
export function ensureCodeServer() {
  const have = installedVersion();
  if (have === CODE_SERVER_VERSION) return codeServerEntry;
  if (have) log(`found code-server ${have}, installing ${CODE_SERVER_VERSION}`);
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} needs Node 20 (this is ${process.version}).`);
  }
  if (!fs.existsSync('/usr/include/gssapi/gssapi.h')) {
    throw new Error('libkrb5-dev is missing: code-server builds the kerberos module. Run `apt-get install -y libkrb5-dev`.');
  }
  const env = { ...process.env, npm_config_yes: 'true' };
  seedRipgrepCache(env);
  fs.mkdirSync(installDir, { recursive: true });
  const manifest = path.join(installDir, 'package.json');
  fs.writeFileSync(manifest, JSON.stringify({ name: 'pmc-code-server', private: true, description: 'test host, see test/harness/codeServer.mjs' }, null, 2) + '\n');
  log(`installing code-server ${CODE_SERVER_VERSION} into ${path.relative(repoRoot, installDir)} (native builds; 1-2 minutes)`);
  const started = Date.now();
  const npm = spawnSync('npm', ['install', '--unsafe-perm', '--no-audit', '--no-fund', '--no-save', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: installDir,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (npm.status !== 0 || installedVersion() !== CODE_SERVER_VERSION) {
    throw new Error(`installing code-server ${CODE_SERVER_VERSION} failed (npm exit ${npm.status}); see the npm output above.`);
  }
  log(`installed in ${((Date.now() - started) / 1000).toFixed(0)}s`);
  return codeServerEntry;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Makes a fresh profile: user-data and extensions folders created with parents (code-server
 * creates them without `recursive` and then silently loses the development extension), and
 * settings that keep the Get Started tab and update/telemetry noise away.
 */
export function makeProfile(baseDir, settings = {}) {
  const userDataDir = path.join(baseDir, 'user-data');
  const extensionsDir = path.join(baseDir, 'extensions');
  const workspaceDir = path.join(baseDir, 'workspace');
  for (const dir of [path.join(userDataDir, 'User'), extensionsDir, workspaceDir]) fs.mkdirSync(dir, { recursive: true });
  const all = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'security.workspace.trust.enabled': false,
    'git.openRepositoryInParentFolders': 'never', // profiles live inside this repository's .vscode-test
    ...settings,
  };
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(all, null, 2));
  const configFile = path.join(baseDir, 'config.yaml');
  fs.writeFileSync(configFile, 'auth: none\n');
  return { baseDir, userDataDir, extensionsDir, workspaceDir, configFile };
}

function commonArgs(profile) {
  return [
    '--auth', 'none',
    '--config', profile.configFile,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', profile.userDataDir,
    '--extensions-dir', profile.extensionsDir,
  ];
}

/** `code-server --install-extension <vsix>` into the profile; throws with code-server's words on refusal. */
export function installExtension(profile, vsixPath) {
  const run = spawnSync(process.execPath, [codeServerEntry, ...commonArgs(profile), '--install-extension', vsixPath], {
    encoding: 'utf8',
    env: { ...process.env },
  });
  const output = `${run.stdout}${run.stderr}`;
  if (run.status !== 0 || !/was successfully installed/.test(output)) {
    throw new Error(`code-server refused ${vsixPath} (exit ${run.status}):\n${output}`);
  }
  return output.trim();
}

/**
 * Starts code-server on 127.0.0.1 and resolves once it listens. Output goes to `logFile`.
 * `env` is merged over process.env; `{ KUBECONFIG: undefined }` removes a variable.
 * Returns { url, port, process, stop() }; stop() kills the whole process group.
 */
export async function startCodeServer({ profile, logFile, env = {}, port }) {
  const listenPort = port ?? (await freePort());
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.openSync(logFile, 'w');
  const child = spawn(process.execPath, [codeServerEntry, '--bind-addr', `127.0.0.1:${listenPort}`, ...commonArgs(profile)], {
    env: { ...process.env, ...env }, // a key set to undefined is left out: that is how callers unset one
    stdio: ['ignore', out, out],
    detached: true, // own process group: stop() takes the extension host and watchers with it
  });
  fs.closeSync(out);
  let exited = false;
  child.on('exit', () => { exited = true; });
  const stop = () => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    const deadline = Date.now() + 3000;
    while (!exited && Date.now() < deadline) {
      try {
        process.kill(-child.pid, 0);
      } catch {
        break;
      }
      spawnSync('sleep', ['0.1']);
    }
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
    if (/HTTP server listening/.test(text)) break;
    if (exited || Date.now() > deadline) {
      stop();
      throw new Error(`code-server did not start (see ${logFile}):\n${text.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `http://127.0.0.1:${listenPort}/`, port: listenPort, process: child, stop };
}

/** Chromium through playwright-core (it never downloads a browser); Debian's build by default. */
export async function launchChromium() {
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}: run \`apt-get install -y chromium\` or set PMC_CHROMIUM.`);
  }
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** The workbench URL with a folder and an optional test payload (vscode-remote:// URIs). */
export function workbenchUrl(server, { folder, payload }) {
  const params = new URLSearchParams();
  if (folder) params.set('folder', folder);
  if (payload) {
    const authority = `127.0.0.1:${server.port}`;
    const entries = Object.entries(payload).map(([key, value]) => [
      key,
      typeof value === 'string' && value.startsWith('/') ? `vscode-remote://${authority}${value}` : String(value),
    ]);
    params.set('payload', JSON.stringify(entries));
  }
  return `${server.url}?${params.toString()}`;
}

/**
 * Runs `body` with cleanup guaranteed: registered cleanups run in reverse order on return,
 * on throw, and on SIGINT/SIGTERM/SIGHUP (then the process exits 130/143).
 */
export async function withCleanup(body) {
  const cleanups = [];
  // One cleanup, however many callers: Ctrl-C under npm arrives twice (the terminal signals the
  // whole process group and npm relays it to its script too), and the body's `finally` runs when
  // the stopped server exits. Each must wait for the same run to finish, not return early and let
  // the process exit while the sandbox is still removing its cgroups.
  let cleaning;
  const cleanup = () => {
    cleaning ??= (async () => {
      for (const fn of cleanups.reverse()) {
        try {
          await fn();
        } catch (e) {
          log(`cleanup: ${e?.message ?? e}`);
        }
      }
    })();
    return cleaning;
  };
  const onSignal = (signal) => {
    if (!cleaning) log(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  try {
    return await body((fn) => cleanups.push(fn));
  } finally {
    await cleanup();
    for (const s of signals) process.off(s, onSignal);
  }
}

// `node test/harness/codeServer.mjs install` installs (or confirms) code-server and prints its entry.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === 'install') {
    console.log(ensureCodeServer());
  } else {
    console.error('usage: node test/harness/codeServer.mjs install');
    process.exit(2);
  }
}
