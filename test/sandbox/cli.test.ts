// `npm run sandbox` (tsx test/sandbox/cli.ts) as scripts use it: the kubeconfig goes where
// --kubeconfig says, `sandbox ready` is printed once the API serves, SIGTERM removes every
// process and cgroup, and what is missing (root) is said with exit code 2.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { parseArgs } from './cli';
import { detectCgroupLayout } from './runtime/cgroup';
import { isRunning, pidsUnder, until } from './testing';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = path.join(ROOT, 'test', 'sandbox', 'cli.ts');

/**
 * The node process running cli.ts under the `tsx` wrapper. Signals go to it, as Ctrl-C's does to
 * the whole process group: tsx's own relay SIGKILLs its child when the child has not acknowledged a
 * relayed signal within ~60 ms, which a loaded 2-core machine can miss, and a SIGKILLed sandbox
 * cannot clean up.
 */
function cliProcess(wrapperPid: number): number {
  for (const name of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === wrapperPid && fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('cli.ts')) return Number(name);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no cli.ts process under tsx (pid ${wrapperPid})`);
}

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs}ms; stdout: ${out}; stderr: ${err}`)), timeoutMs);
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => pattern.test(l));
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the CLI exited ${code} before printing ${pattern}; stdout: ${out}; stderr: ${err}`));
    });
  });
}

suite('sandbox CLI', () => {
  suite('arguments', () => {
    for (const [argv, message] of [
      [['--bogus'], 'unknown option --bogus'],
      [['--pods', 'many'], '--pods needs a whole number, got "many"'],
      [['--pods', '0'], '--pods must be at least 1'],
      [['--nodes', '2'], '--nodes only applies with --pods'],
      [['--pods', '10', '--scenario', 'x.yaml'], '--pods and --scenario cannot be used together'],
      [['--kubeconfig'], '--kubeconfig needs a value'],
      [['--instance-name', '../escape'], '--instance-name must be letters, digits, \'.\', \'_\' or \'-\', got "../escape"'],
    ] as const) {
      test(`${argv.join(' ')} is refused: ${message}`, () => assert.throws(() => parseArgs([...argv]), { message }));
    }

    test('--pods 2000 --nodes 4 --port=6443 --kubeconfig=FILE parse', () => {
      const o = parseArgs(['--pods', '2000', '--nodes', '4', '--port=6443', '--kubeconfig=/tmp/k']);
      assert.deepEqual({ pods: o.pods, nodes: o.nodes, port: o.port, kubeconfigPath: o.kubeconfigPath, merge: o.mergeIntoKubeConfig }, { pods: 2000, nodes: 4, port: 6443, kubeconfigPath: '/tmp/k', merge: false });
    });

    test('an unknown option exits 2 with the usage text', () => {
      const r = spawnSync(TSX, [CLI, '--bogus'], { encoding: 'utf8', cwd: ROOT });
      assert.equal(r.status, 2);
      assert.match(r.stderr, /^sandbox: unknown option --bogus\n\nUsage: npm run sandbox -- \[options\]/);
    });

    // Through node's --import hook, not the tsx wrapper: the wrapper SIGKILLs a child that is slow
    // to acknowledge a relayed signal, and a SIGKILLed sandbox cannot remove its cgroups. `exec`,
    // because npm relays a SIGTERM to the `sh -c` running the script, and a shell that did not
    // exec would die and leave the sandbox running, orphaned.
    test('package.json’s sandbox script runs this CLI in node itself, with tsx as a loader', () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
      assert.equal(pkg.scripts.sandbox, 'exec node --import tsx test/sandbox/cli.ts');
    });
  });

  // Run as uid 65534 in a user namespace: the CLI sees a non-root uid, while file access still goes
  // through the checkout's owner outside, so the test also works in a checkout that other users
  // cannot enter (a fresh clone under `mktemp -d` is mode 700; `setpriv --reuid` failed there with
  // 126 before the CLI ran). `node --import tsx`, as package.json's sandbox script runs it.
  test('without root it exits 2 saying root is needed and how to get it', () => {
    const r = spawnSync(
      'unshare',
      ['--user', '--map-user=65534', '--map-group=65534', 'env', `HOME=${os.tmpdir()}`, process.execPath, '--import', 'tsx', CLI, '--kubeconfig', path.join(os.tmpdir(), 'pmc-cli-nobody', 'kubeconfig')],
      { encoding: 'utf8', cwd: ROOT },
    );
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^sandbox: the sandbox must run as root .*current uid is 65534.*sudo/m);
  });

  // Exactly the contract scripts rely on: `npm run sandbox -- --kubeconfig FILE`, stopped by a
  // SIGTERM sent to npm (which relays it to the sandbox).
  test('npm run sandbox -- --kubeconfig FILE: "sandbox ready" once serving, the kubeconfig works, SIGTERM to npm leaves no process or cgroup', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-cli-test-'));
    const kubeconfig = path.join(dir, 'nested', 'kubeconfig');
    const instance = `cli-test-${process.pid}`;
    const root = path.join(detectCgroupLayout().mountPoint, `pmc-sandbox-${instance}`);
    const child = spawn('npm', ['run', '--silent', 'sandbox', '--', '--kubeconfig', kubeconfig, '--instance-name', instance], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const ready = await waitForLine(child, /sandbox ready/, 60_000);
      const url = /sandbox ready: (https:\/\/127\.0\.0\.1:\d+)/.exec(ready)?.[1];
      assert.ok(url, ready);
      const cfg = YAML.parse(fs.readFileSync(kubeconfig, 'utf8'));
      assert.equal(cfg['current-context'], 'sandbox');
      assert.equal(cfg.clusters[0].cluster.server, url);
      assert.equal(cfg.contexts[0].context.namespace, 'hello-kubernetes');
      const b64 = (s: string) => Buffer.from(s, 'base64').toString();
      const body = await new Promise<string>((resolve, reject) => {
        https.get(`${url}/api/v1/namespaces/hello-kubernetes/pods?labelSelector=app.kubernetes.io%2Fname%3Dhello-kubernetes`, {
          ca: b64(cfg.clusters[0].cluster['certificate-authority-data']),
          cert: b64(cfg.users[0].user['client-certificate-data']),
          key: b64(cfg.users[0].user['client-key-data']),
        }, (res) => {
          let t = '';
          res.on('data', (c: Buffer) => (t += c));
          res.on('end', () => resolve(t));
        }).on('error', reject);
      });
      assert.deepEqual(JSON.parse(body).items.map((p: { metadata: { name: string } }) => p.metadata.name), ['hello-kubernetes-7c9d8b6f5-x2k4p']);
      // Wait until the containers' processes exist, then remember them.
      const deadline = Date.now() + 30_000;
      let pids: number[];
      while ((pids = pidsUnder(root)).length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      assert.ok(pids.length >= 6, `only ${pids.length} container processes under ${root}`);
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      await exited;
      await until(`${root} to be removed`, () => (fs.existsSync(root) ? undefined : true), 30_000);
      assert.deepEqual(pids.filter(isRunning), []);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  // Ctrl-C in a terminal signals the whole foreground process group, and npm relays the signal to
  // its script as well: the sandbox gets SIGINT twice. That is one request to stop, not two.
  test('Ctrl-C on `npm run sandbox` (SIGINT to its process group): one orderly stop, "stopped" printed, no process or cgroup left', async () => {
    const instance = `cli-ctrl-c-${process.pid}`;
    const root = path.join(detectCgroupLayout().mountPoint, `pmc-sandbox-${instance}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-cli-test-'));
    const child = spawn('npm', ['run', '--silent', 'sandbox', '--', '--kubeconfig', path.join(dir, 'kubeconfig'), '--instance-name', instance],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    try {
      await waitForLine(child, /sandbox ready/, 60_000);
      let pids: number[] = [];
      await until(`the scenario's containers under ${root}`, () => ((pids = pidsUnder(root)).length >= 6 ? true : undefined), 30_000);
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      process.kill(-child.pid!, 'SIGINT');
      await exited;
      assert.match(out, /sandbox: SIGINT received, stopping…\nsandbox: stopped\n/);
      assert.doesNotMatch(err, /still stopping/, 'the relayed copy of the same Ctrl-C was taken for a second request');
      assert.equal(fs.existsSync(root), false, `${root} outlived the stop`);
      assert.deepEqual(pids.filter(isRunning), []);
    } finally {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group is gone
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--merge-into-kube-config adds the sandbox to ~/.kube/config and takes it out again on exit, keeping the user’s own entries', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-cli-home-'));
    const kubeHome = path.join(home, '.kube', 'config');
    fs.mkdirSync(path.dirname(kubeHome));
    const own = { apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'prod', cluster: { server: 'https://prod.example:6443' } }], users: [{ name: 'me', user: { token: 't' } }],
      contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'me' } }], 'current-context': 'prod' };
    fs.writeFileSync(kubeHome, YAML.stringify(own));
    const child = spawn(TSX, [CLI, '--kubeconfig', path.join(home, 'sandbox-kubeconfig'), '--merge-into-kube-config'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: home } });
    try {
      await waitForLine(child, /sandbox ready/, 60_000);
      const merged = YAML.parse(fs.readFileSync(kubeHome, 'utf8'));
      assert.equal(merged['current-context'], 'sandbox');
      assert.deepEqual(merged.contexts.map((c: { name: string }) => c.name), ['prod', 'sandbox']);
      assert.deepEqual(merged.clusters.map((c: { name: string }) => c.name), ['prod', 'sandbox']);
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      process.kill(cliProcess(child.pid!), 'SIGINT');
      assert.equal(await exited, 0);
      const after = YAML.parse(fs.readFileSync(kubeHome, 'utf8'));
      assert.deepEqual(after, own);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  test('a --port already in use is said plainly, and the failed start leaves no cgroup behind', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
    const port = (busy.address() as net.AddressInfo).port;
    const instance = `cli-port-test-${process.pid}`;
    try {
      const r = spawnSync(TSX, [CLI, '--port', String(port), '--instance-name', instance, '--kubeconfig', path.join(os.tmpdir(), `pmc-cli-port-${process.pid}`, 'kc')], { encoding: 'utf8', cwd: ROOT });
      assert.equal(r.status, 1);
      assert.equal(r.stderr.trim(), `sandbox: could not start: port ${port} on 127.0.0.1 is already in use: choose another one (--port) or let the sandbox pick a free one`);
      assert.equal(fs.existsSync(path.join(detectCgroupLayout().mountPoint, `pmc-sandbox-${instance}`)), false);
    } finally {
      busy.close();
    }
  });
});
