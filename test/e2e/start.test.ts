// The README's start line, run as a person runs it: `npm start -- --port N` in its own process
// group (a terminal's foreground job), the URL it prints opened in Chromium, the Pods view showing
// the sandbox cluster that npm start started, then Ctrl-C (SIGINT to the whole group). Everything
// the run started — code-server and its extension host, the sandbox's pods and their memory
// cgroups — must be gone afterwards. The only deviation from a person's run is $PMC_START_DIR, so
// the test never rewrites the kubeconfig or profile of an `npm start` the developer has open.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import * as h from '../harness/codeServer.mjs';
import { OWNER_DIR, destroyCgroupTree, detectCgroupLayout } from '../sandbox/runtime/cgroup';

interface Proc {
  pid: number;
  ppid: number;
  pgid: number;
  /** Field 22 of /proc/<pid>/stat: tells the same process from a recycled pid. */
  startTime: string;
  cmdline: string;
}

function readProc(pid: number): (Proc & { state: string }) | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: split after its closing paren
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { pid, state: f[0], ppid: Number(f[1]), pgid: Number(f[2]), startTime: f[19], cmdline };
  } catch {
    return undefined; // gone while we looked
  }
}

/** Every live process below `root` (not `root` itself), found through the parent links of /proc. */
function descendants(root: number): Proc[] {
  const all = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map((n) => readProc(Number(n))).filter((p): p is Proc & { state: string } => !!p && p.state !== 'Z');
  const found: Proc[] = [];
  const parents = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) {
      if (parents.has(p.ppid) && !parents.has(p.pid)) {
        parents.add(p.pid);
        found.push(p);
        grew = true;
      }
    }
  }
  return found;
}

/** The same process (pid and start time) still runs; a zombie has already died. */
function alive(p: Proc): boolean {
  const now = readProc(p.pid);
  return !!now && now.startTime === p.startTime && now.state !== 'Z';
}

/**
 * Some process of the group still runs. Zombies do not count (kill(-pgid, 0) would count them):
 * code-server's helpers that outlive their parent are re-parented to PID 1, and on machines whose
 * PID 1 never reaps (this one) they stay zombies, dead and holding nothing.
 */
function groupAlive(pgid: number): boolean {
  return fs
    .readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .some((n) => {
      const p = readProc(Number(n));
      return !!p && p.pgid === pgid && p.state !== 'Z';
    });
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // no process left in the group
  }
}

/** A record in /run/pmc-sandbox naming its owner: a cgroup root's (cgroup.ts) or a loopback lease's (network.ts). */
interface OwnerRecord {
  file: string;
  pid: number;
  /** For a cgroup root's record: the root, e.g. /sys/fs/cgroup/memory/pmc-sandbox-<pid>-<hex>. */
  cgroupRoot?: string;
}

/** The sandbox records whose owner is one of `pids`. */
function recordsOwnedBy(pids: Set<number>): OwnerRecord[] {
  const { mountPoint } = detectCgroupLayout();
  const owned: OwnerRecord[] = [];
  for (const f of fs.existsSync(OWNER_DIR) ? fs.readdirSync(OWNER_DIR) : []) {
    if (!f.endsWith('.json')) continue;
    const file = path.join(OWNER_DIR, f);
    let pid: number;
    try {
      pid = (JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number }).pid;
    } catch {
      continue; // removed or half-written while we read: not ours to judge
    }
    if (!pids.has(pid)) continue;
    owned.push({ file, pid, cgroupRoot: f.startsWith('pmc-sandbox-') ? path.join(mountPoint, f.slice(0, -'.json'.length)) : undefined });
  }
  return owned;
}

/** Resolves with the first match of `pattern` in the text `read()` returns, polling until `child` exits or the deadline. */
async function waitForOutput(child: ChildProcess, read: () => string, pattern: RegExp, what: string, timeoutMs: number): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = pattern.exec(read());
    if (m) return m;
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`npm start exited (${child.exitCode ?? child.signalCode}) before printing ${what}`);
    if (Date.now() > deadline) throw new Error(`npm start did not print ${what} within ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

suite('npm start, the README\'s start line (Chromium)', () => {
  test('`npm start -- --port N` prints its 127.0.0.1 URL, the Pods view there shows the sandbox it started, and Ctrl-C leaves no code-server, pod or cgroup behind', async function () {
    this.timeout(180_000);
    const stateDir = path.join(h.repoRoot, 'artifacts', 'e2e-start'); // kept after the run: its code-server.log tells what happened
    fs.rmSync(stateDir, { recursive: true, force: true });
    fs.mkdirSync(stateDir, { recursive: true });
    const port = await h.freePort();
    let stdout = '';
    let stderr = '';
    // detached: its own process group, as a shell puts a foreground job; Ctrl-C signals that group.
    const npm = spawn('npm', ['start', '--', '--port', String(port)], {
      cwd: h.repoRoot,
      env: { ...process.env, PMC_START_DIR: stateDir },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    npm.stdout!.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    npm.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    const npmPid = npm.pid!;
    const seen = new Map<string, Proc>(); // `${pid}/${startTime}` → every process of the run we have seen
    const remember = () => {
      for (const p of descendants(npmPid)) seen.set(`${p.pid}/${p.startTime}`, p);
    };
    let owned: OwnerRecord[] = [];
    let browser: Browser | undefined;
    let page: Page | undefined;
    try {
      const ready = await waitForOutput(npm, () => stdout, /^\[start\] sandbox ready: (https:\/\/127\.0\.0\.1:\d+) \(kubeconfig (.+)\)$/m, 'that the sandbox is ready', 120_000);
      const apiUrl = ready[1];
      assert.equal(path.resolve(h.repoRoot, ready[2]), path.join(stateDir, 'kubeconfig'));
      const printed = await waitForOutput(npm, () => stdout, /is running in VS Code [^\n]*:\n\n {2}(\S+)\n/, 'the URL', 60_000);
      const url = new URL(printed[1]);
      assert.equal(`${url.protocol}//${url.host}${url.pathname}`, `http://127.0.0.1:${port}/`);

      browser = await h.launchChromium();
      page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      page.setDefaultTimeout(30_000); // the sandbox's pods share the 2 cores with code-server while it loads
      await page.goto(url.href);
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      await page.locator('.activitybar a.action-label[aria-label="Pod Memory Chaos"]').click();
      const contextRow = page.locator('.sidebar .monaco-list-row[aria-level="1"]', { has: page.locator('.label-name', { hasText: /^sandbox$/ }) });
      await contextRow.waitFor();
      // The sandbox's kubeconfig puts its context in the hello-kubernetes namespace (test/sandbox/api/kubeconfig.ts).
      assert.equal(await contextRow.locator('.label-description').textContent(), `current · hello-kubernetes · ${apiUrl}`);
      await page.mouse.move(700, 400); // away from the activity bar, so its "Pod Memory Chaos" tooltip goes
      await page.locator('.workbench-hover').waitFor({ state: 'hidden' });
      await page.screenshot({ path: path.join(h.repoRoot, 'artifacts', 'screenshots', 'npm-start.png') });

      // What the run started, seen while it is up: the later checks must not pass vacuously.
      remember();
      const processes = [...seen.values()];
      const codeServer = processes.find((p) => p.cmdline.includes(h.codeServerEntry) && p.cmdline.includes(`--bind-addr 127.0.0.1:${port}`));
      assert.ok(codeServer, `no code-server on port ${port} among the processes of npm start:\n${processes.map((p) => `${p.pid} ${p.cmdline}`).join('\n')}`);
      const pids = new Set(processes.map((p) => p.pid));
      owned = recordsOwnedBy(pids);
      const cgroupRoots = owned.flatMap((r) => (r.cgroupRoot ? [r.cgroupRoot] : []));
      assert.equal(cgroupRoots.length, 1, `npm start should own exactly one sandbox cgroup root, found ${JSON.stringify(owned)}`);
      assert.ok(fs.readdirSync(cgroupRoots[0]).some((d) => d.startsWith('pod')), `the sandbox's cgroup ${cgroupRoots[0]} holds no pod`);

      await browser.close();
      browser = undefined;
      const startScript = processes.find((p) => p.cmdline.includes('scripts/start.mjs'));
      assert.ok(startScript, 'no scripts/start.mjs among the processes of npm start');
      killGroup(npmPid, 'SIGINT'); // Ctrl-C in the terminal
      // npm relays the Ctrl-C to its script, so start.mjs gets it twice; whether the kernel merges
      // the two depends on timing. Send the copy late, as a loaded machine delivers it (CI once
      // exited mid-cleanup on it and left the sandbox's cgroup behind).
      await new Promise((resolve) => setTimeout(resolve, 300));
      try {
        process.kill(startScript.pid, 'SIGINT');
      } catch {
        // already gone: the checks below say whether it cleaned up first
      }
      const exit = await waitForExit(npm, 30_000);
      assert.ok(exit, `npm start was still running 30s after Ctrl-C;\nstderr:\n${stderr.slice(-2000)}`);
      // npm re-raises the signal its script died of; start.mjs itself exits 130 after its cleanup.
      assert.ok(exit.signal === 'SIGINT' || exit.code === 130, `npm start ended with ${JSON.stringify(exit)}, not as interrupted`);
      // start.mjs's own cleanup ran, not just the kernel reaping it; and once: the same Ctrl-C arrives
      // twice (the group's and npm's relayed copy), and the copy must wait for that one cleanup
      // rather than exit while the sandbox is still removing its cgroups.
      assert.equal(stderr.match(/SIGINT: cleaning up/g)?.length, 1, `stderr:\n${stderr.slice(-2000)}`);
      const survivors = processes.filter(alive);
      assert.deepEqual(survivors.map((p) => `${p.pid} ${p.cmdline}`), [], 'processes of npm start outlived it');
      assert.equal(groupAlive(codeServer.pgid), false, `code-server's process group ${codeServer.pgid} still has processes`);
      assert.equal(fs.existsSync(cgroupRoots[0]), false, `the sandbox's cgroup ${cgroupRoots[0]} is still there`);
      assert.deepEqual(recordsOwnedBy(pids).map((r) => r.file), [], 'owner records (cgroup root, loopback lease) of npm start outlived it');
    } catch (e) {
      if (page) await page.screenshot({ path: path.join(h.repoRoot, 'artifacts', 'screenshots', 'failed-npm-start.png') }).catch(() => undefined);
      process.stderr.write(`  [e2e] npm start stdout:\n${stdout}\n  [e2e] npm start stderr:\n${stderr}\n`);
      throw e;
    } finally {
      // Whatever happened above: nothing of this run may outlive the test.
      await browser?.close().catch(() => undefined);
      if (npm.exitCode === null && npm.signalCode === null) remember();
      owned = [...owned, ...recordsOwnedBy(new Set([...seen.values()].map((p) => p.pid)))];
      killGroup(npmPid, 'SIGKILL');
      for (const p of seen.values()) {
        if (!alive(p)) continue;
        killGroup(p.pgid, 'SIGKILL'); // code-server's own group: its extension host and watchers
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          // exited meanwhile
        }
      }
      for (const { file, cgroupRoot } of owned) {
        if (cgroupRoot) await destroyCgroupTree(cgroupRoot).catch((e: unknown) => process.stderr.write(`  [e2e] cleanup: ${e instanceof Error ? e.message : String(e)}\n`));
        fs.rmSync(file, { force: true });
      }
    }
  });
});
