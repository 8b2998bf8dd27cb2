// The sandbox's container runtime against the real kernel: real memory cgroups, real processes,
// real OOM kills. Needs root, stress-ng and util-linux (the sandbox's own prerequisites).
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { SandboxRuntime, type RuntimeContainer } from './runtime/runtime';
import { detectCgroupLayout, parseMountInfo } from './runtime/cgroup';
import { readCgroupFigures } from './runtime/stats';
import { checkPrerequisites } from './runtime/prerequisites';
import { SandboxPrerequisiteError } from './runtime/errors';
import { resolveCommand } from './images';
import { LoopbackLease } from './runtime/network';
import { ContainerLog } from './runtime/logs';
import { oomKilledPids } from './runtime/kmsg';
import { PassThrough } from 'node:stream';
import type { ContainerProcess } from './contracts';
import { isRunning } from './testing';

const MiB = 1024 * 1024;
const layout = detectCgroupLayout();
const v2 = layout.version === 2;
const limitFile = v2 ? 'memory.max' : 'memory.limit_in_bytes';
const usageFile = v2 ? 'memory.current' : 'memory.usage_in_bytes';

async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function run(p: ContainerProcess, input?: string): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  if (input !== undefined) p.stdin!.end(input);
  const { code, signal } = await p.exited;
  return { code, signal, stdout, stderr };
}

const readAdj = (pid: number): number => Number(readFileSync(`/proc/${pid}/oom_score_adj`, 'utf8').trim());

suite('sandbox runtime (real cgroups and processes)', () => {
  let rt: SandboxRuntime;
  const podUid = 'runtime-test-pod';

  suiteSetup(async () => {
    rt = new SandboxRuntime(`rt-test-${process.pid}`, layout);
    await rt.init();
    await rt.createPod(podUid, 600 * MiB);
  });

  suiteTeardown(async () => {
    await rt?.destroy();
  });

  const start = (argv: string[], memoryLimit?: number, oomScoreAdj = 0): Promise<RuntimeContainer> =>
    rt.startContainer({ podUid, argv, env: {}, memoryLimit, oomScoreAdj, captureOutput: true });

  test('the container cgroup is a child of the pod cgroup under the sandbox root, with the spec limit in bytes', async () => {
    const c = await start(['sleep', '60'], 200 * MiB);
    try {
      assert.equal(path.dirname(c.cgroupDir), path.join(layout.mountPoint, `pmc-sandbox-rt-test-${process.pid}`, `pod${podUid}`));
      assert.equal(readFileSync(path.join(c.cgroupDir, limitFile), 'utf8').trim(), String(200 * MiB));
      assert.equal(readFileSync(path.join(path.dirname(c.cgroupDir), limitFile), 'utf8').trim(), String(600 * MiB));
      if (v2) assert.equal(readFileSync(path.join(c.cgroupDir, 'memory.oom.group'), 'utf8').trim(), '1');
      await waitFor('the main process to join its cgroup', () => readFileSync(path.join(c.cgroupDir, 'cgroup.procs'), 'utf8').trim() === String(c.main.pid));
    } finally {
      await rt.stopContainer(c, 0);
    }
  });

  test("inside the container, the cgroup files show the container's own limit while the host's view is unchanged", async () => {
    const c = await start(['sleep', '60'], 123 * MiB);
    try {
      const hostBefore = readFileSync(path.join(layout.containerView, limitFile), 'utf8');
      const r = await run(rt.exec(c, ['cat', path.join(layout.containerView, limitFile), path.join(layout.containerView, usageFile)], false, false));
      assert.equal(r.code, 0, r.stderr);
      const [limit, usage] = r.stdout.trim().split('\n');
      assert.equal(limit, String(123 * MiB));
      assert.ok(Number(usage) > 0 && Number(usage) < 123 * MiB, `usage ${usage} is the container's, not the host's`);
      assert.equal(readFileSync(path.join(layout.containerView, limitFile), 'utf8'), hostBefore);
    } finally {
      await rt.stopContainer(c, 0);
    }
  });

  test('/proc/self/cgroup of an exec session names the container cgroup (v1: host path; v2: the cgroup namespace root)', async () => {
    const c = await start(['sleep', '60'], 64 * MiB);
    try {
      const r = await run(rt.exec(c, ['cat', '/proc/self/cgroup'], false, false));
      assert.equal(r.code, 0, r.stderr);
      if (v2) assert.match(r.stdout, /^0::\/$/m);
      else {
        const rel = path.relative(layout.mountPoint, c.cgroupDir);
        assert.ok(r.stdout.split('\n').some((l) => /^\d+:memory:/.test(l) && l.endsWith(`:/${rel}`)), r.stdout);
      }
      const main = readFileSync(`/proc/${c.main.pid}/cgroup`, 'utf8');
      assert.ok(main.includes(v2 ? '0::/' : `:memory:/${path.relative(layout.mountPoint, c.cgroupDir)}`), main);
    } finally {
      await rt.stopContainer(c, 0);
    }
  });

  test('oom_score_adj is set on the main process and inherited by every process it starts', async () => {
    const c = await start(['sh', '-c', 'sleep 60 & sleep 61 & wait'], 64 * MiB, 777);
    try {
      const pids = await waitFor('three processes in the container', async () => {
        const p = await rt.cgroups.pids(c.cgroupDir);
        return p.length === 3 ? p : undefined;
      });
      assert.deepEqual(pids.map(readAdj), [777, 777, 777]);
    } finally {
      await rt.stopContainer(c, 0);
    }
  });

  test('exec keeps exit codes, passes stdin, and with a TTY runs under a pseudo-terminal', async () => {
    const c = await start(['sleep', '60'], 64 * MiB, 5);
    try {
      const piped = await run(rt.exec(c, ['sh', '-c', 'cat; cat /proc/self/oom_score_adj; exit 7'], true, false), 'hello\n');
      assert.deepEqual([piped.code, piped.stdout], [7, 'hello\n5\n']);
      const failing = await run(rt.exec(c, ['sh', '-c', 'echo oops >&2; exit 3'], false, false));
      assert.deepEqual([failing.code, failing.stderr], [3, 'oops\n']);
      const tty = await run(rt.exec(c, ['sh', '-c', 'tty; exit 4'], true, true), '');
      assert.equal(tty.code, 4);
      assert.match(tty.stdout, /^\/dev\/pts\/\d+\r?\n$/);
      const missing = await run(rt.exec(c, ['no-such-command-here'], false, false));
      assert.equal(missing.code, 127);
    } finally {
      await rt.stopContainer(c, 0);
    }
  });

  test("the main process and exec sessions start in the container's workingDir", async () => {
    const c = await rt.startContainer({ podUid, argv: ['sh', '-c', 'pwd; exec sleep 60'], env: {}, workingDir: '/tmp', oomScoreAdj: 0, captureOutput: true });
    try {
      const r = await run(rt.exec(c, ['pwd'], false, false));
      assert.deepEqual([r.code, r.stdout], [0, '/tmp\n']);
      await waitFor('the main process output', () => c.log.render({}) === '/tmp\n');
    } finally {
      await rt.stopContainer(c, 0);
    }
  });

  test('a TTY exec session takes resizes: the command sees the new size (stty size)', async () => {
    const c = await start(['sleep', '60'], 64 * MiB);
    try {
      // waits for the resize to land (a fresh pty without one reports 0 0)
      const p = rt.exec(c, ['sh', '-c', 'while [ "$(stty size)" = "0 0" ]; do sleep 0.05; done; stty size'], false, true);
      assert.ok(p.resize, 'a TTY session can be resized');
      p.resize!(132, 43);
      const r = await run(p);
      assert.deepEqual([r.code, r.stdout], [0, '43 132\r\n']);
    } finally {
      await rt.stopContainer(c, 0);
    }
  });

  test("the hello-kubernetes image holds HOLD_MEMORY resident: two instances' working sets differ by the HOLD_MEMORY difference (±5%)", async () => {
    const hello = resolveCommand('sandbox/hello-kubernetes', undefined, undefined);
    const startHello = (hold: string, ip: string) =>
      rt.startContainer({ podUid, argv: hello.argv, env: { HOLD_MEMORY: hold, PORT: '18080', SANDBOX_POD_IP: ip }, memoryLimit: 300 * MiB, oomScoreAdj: 0, captureOutput: true });
    const small = await startHello('16Mi', '127.1.250.1');
    const big = await startHello('144Mi', '127.1.250.2');
    try {
      for (const c of [small, big]) await waitFor('the app to listen', () => c.log.render({}).includes('listening on'));
      const [ws1, ws2] = await Promise.all([readCgroupFigures(small.cgroupDir, layout.version), readCgroupFigures(big.cgroupDir, layout.version)]);
      const delta = ws2!.workingSetBytes - ws1!.workingSetBytes;
      assert.ok(Math.abs(delta - 128 * MiB) <= 0.05 * 128 * MiB, `working sets ${ws1!.workingSetBytes} and ${ws2!.workingSetBytes} differ by ${delta}`);
      assert.ok(ws2!.workingSetBytes >= 144 * MiB);
    } finally {
      await Promise.all([rt.stopContainer(small, 0), rt.stopContainer(big, 0)]);
    }
  });

  test('a main process allocating past the limit is OOM-killed by the kernel: exit 137, reason OOMKilled, oom_kill counter > 0', async () => {
    const c = await start([process.execPath, '-e', 'const a = []; for (;;) a.push(Buffer.allocUnsafe(1 << 20).fill(1));'], 80 * MiB);
    const exit = await c.exited;
    assert.equal(exit.exitCode, 137);
    assert.equal(exit.signal, 'SIGKILL');
    assert.equal(exit.reason, 'OOMKilled');
    assert.ok(exit.oomKills >= 1, `oom_kill ${exit.oomKills}`);
    assert.equal(existsSync(c.cgroupDir), false, 'the instance cgroup is removed after the exit');
  });

  test('a runtime-initiated kill is never reported as OOMKilled, and SIGTERM exit codes are kept', async () => {
    const term = await start(['sleep', '60'], 64 * MiB);
    const termExit = await rt.stopContainer(term, 5);
    assert.deepEqual([termExit.exitCode, termExit.reason], [143, 'Error']);
    const killed = await start(['sh', '-c', 'trap "" TERM; sleep 60 & wait'], 64 * MiB);
    await waitFor('the shell to set its trap', async () => (await rt.cgroups.pids(killed.cgroupDir)).length === 2);
    const killExit = await rt.stopContainer(killed, 0.3);
    assert.deepEqual([killExit.exitCode, killExit.reason], [137, 'Error']);
    const completed = await start(['true']);
    assert.deepEqual([(await completed.exited).exitCode, (await completed.exited).reason], [0, 'Completed']);
  });

  test('the OOM killer follows oom_score_adj: a stressor at 1000 is killed, the main process at 0 survives, the counter moves; a later kill -9 of the main process is Error, not OOMKilled', async () => {
    const c = await start(['sleep', '60'], 100 * MiB, 0);
    try {
      await waitFor('the main process to join', async () => (await rt.cgroups.pids(c.cgroupDir)).length === 1);
      const stress = rt.spawnIn(c, ['stress-ng', '--vm', '1', '--vm-bytes', '200M', '--vm-keep', '--timeout', '2s', '--quiet'], 1000);
      const pidsDuring = await waitFor('the stressor in the container cgroup', async () => {
        const p = await rt.cgroups.pids(c.cgroupDir);
        return p.includes(stress.pid) ? p : undefined;
      });
      assert.equal(readAdj(stress.pid), 1000);
      assert.ok(pidsDuring.includes(c.main.pid));
      await stress.exited;
      const figures = await readCgroupFigures(c.cgroupDir, layout.version, { oomKills: true });
      assert.ok(figures!.oomKill >= 1, `oom_kill ${figures!.oomKill}`);
      assert.ok(c.running && isRunning(c.main.pid), 'the main process survived');
      // a later `kill -9` of the main process is not an OOM kill, although the counter moved: the
      // kernel log says who the victims were (without a readable /dev/kmsg the runtime can only
      // go by the counter, and then reports OOMKilled)
      process.kill(c.main.pid, 'SIGKILL');
      const exit = await c.exited;
      const kmsgReadable = oomKilledPids(0) !== undefined;
      assert.deepEqual([exit.exitCode, exit.reason], [137, kmsgReadable ? 'Error' : 'OOMKilled']);
      assert.ok(exit.oomKills >= 1);
    } finally {
      await rt.stopContainer(c, 0);
    }
  });

  test("a second runtime removes a crashed run's leftovers (dead owner) but never a live sandbox's root", async () => {
    // a crashed run: owner record naming a process that has exited, a cgroup tree with a live process
    const dead = spawnSync('true');
    assert.equal(dead.status, 0);
    const deadPid = dead.pid!;
    const leftoverName = `pmc-sandbox-crashed-${process.pid}`;
    const leftover = path.join(layout.mountPoint, leftoverName);
    mkdirSync('/run/pmc-sandbox', { recursive: true });
    writeFileSync(`/run/pmc-sandbox/${leftoverName}.json`, JSON.stringify({ pid: deadPid, startTime: '1', instanceName: `crashed-${process.pid}`, created: '' }));
    mkdirSync(path.join(leftover, 'podx', 'c1'), { recursive: true });
    const orphan = spawn('sh', ['-c', `echo $$ > ${path.join(leftover, 'podx', 'c1', 'cgroup.procs')}; exec sleep 60`], { stdio: 'ignore' });
    await waitFor('the orphan in the leftover cgroup', () => readFileSync(path.join(leftover, 'podx', 'c1', 'cgroup.procs'), 'utf8').trim() === String(orphan.pid));
    const orphanExit = new Promise((r) => orphan.once('exit', r));

    const second = new SandboxRuntime(`rt-test-second-${process.pid}`, layout);
    await second.init();
    try {
      assert.equal(existsSync(leftover), false, 'the leftover cgroup tree is removed');
      assert.equal(existsSync(`/run/pmc-sandbox/${leftoverName}.json`), false);
      await orphanExit;
      assert.equal(isRunning(orphan.pid!), false, 'its process is killed');
      assert.equal(existsSync(rt.cgroups.root), true, "the first (live) runtime's root is untouched");
      await assert.rejects(new SandboxRuntime(`rt-test-${process.pid}`, layout).init(), /already running/);
    } finally {
      await second.destroy();
    }
  });

  test('destroy kills every process and removes every cgroup, the owner record included', async () => {
    const other = new SandboxRuntime(`rt-test-destroy-${process.pid}`, layout);
    await other.init();
    await other.createPod('p1', 300 * MiB);
    await other.createPod('p2');
    const cs = await Promise.all([
      other.startContainer({ podUid: 'p1', argv: ['sh', '-c', 'sleep 60 & exec sleep 60'], env: {}, memoryLimit: 100 * MiB, oomScoreAdj: 0, captureOutput: true }),
      other.startContainer({ podUid: 'p2', argv: ['sleep', '60'], env: {}, oomScoreAdj: 0, captureOutput: false }),
    ]);
    const pids = await waitFor('all processes in their cgroups', async () => {
      const all = [...(await other.cgroups.pids(cs[0].cgroupDir)), ...(await other.cgroups.pids(cs[1].cgroupDir))];
      return all.length === 3 ? all : undefined;
    });
    const exec = other.exec(cs[1], ['sleep', '60'], false, false);
    await waitFor('the exec session in the cgroup', async () => (await other.cgroups.pids(cs[1].cgroupDir)).includes(exec.pid));
    await other.destroy();
    await exec.exited;
    assert.equal(existsSync(other.cgroups.root), false);
    assert.equal(existsSync(`/run/pmc-sandbox/pmc-sandbox-rt-test-destroy-${process.pid}.json`), false);
    assert.deepEqual([...pids, exec.pid].filter(isRunning), []);
  });
});

suite('sandbox cgroup layout detection', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'pmc-layout-'));
  const cg2 = (name: string, controllers: string) => {
    mkdirSync(path.join(tmp, name), { recursive: true });
    writeFileSync(path.join(tmp, name, 'cgroup.controllers'), controllers);
    return path.join(tmp, name);
  };
  const unifiedNoMemory = cg2('unified-no-memory', 'cpu io pids\n');
  const unifiedMemory = cg2('unified-memory', 'cpuset cpu io memory hugetlb pids rdma misc\n');
  // mountinfo lines as this kernel prints them (a hybrid host like this one, and a unified one)
  const line = (id: number, mountPoint: string, fs: string, superOptions: string) =>
    `${id} 23 0:${id} / ${mountPoint} rw,nosuid,nodev,noexec,relatime shared:${id} - ${fs} ${fs === 'tmpfs' ? 'tmpfs' : 'cgroup'} ${superOptions}`;
  const cases: { name: string; lines: string[]; expect: { version: 1 | 2; mountPoint: string; containerView: string } | RegExp }[] = [
    {
      name: 'hybrid host, memory on v1 (this machine): v1 at the memory hierarchy',
      lines: [line(31, '/sys/fs/cgroup', 'tmpfs', 'rw,mode=755'), line(35, '/sys/fs/cgroup/memory', 'cgroup', 'rw,memory'), line(40, unifiedNoMemory, 'cgroup2', 'rw')],
      expect: { version: 1, mountPoint: '/sys/fs/cgroup/memory', containerView: '/sys/fs/cgroup/memory' },
    },
    {
      name: 'unified host with the memory controller: v2',
      lines: [line(30, unifiedMemory, 'cgroup2', 'rw,nsdelegate,memory_recursiveprot')],
      expect: { version: 2, mountPoint: unifiedMemory, containerView: '/sys/fs/cgroup' },
    },
    {
      name: 'both offer memory (memory moved to v2): v2 wins',
      lines: [line(35, '/sys/fs/cgroup/memory', 'cgroup', 'rw,memory'), line(40, unifiedMemory, 'cgroup2', 'rw')],
      expect: { version: 2, mountPoint: unifiedMemory, containerView: '/sys/fs/cgroup' },
    },
    {
      name: 'a mount point with a space is unescaped (\\040)',
      lines: [line(35, '/sys/fs/cgroup/mem\\040ory', 'cgroup', 'rw,memory')],
      expect: { version: 1, mountPoint: '/sys/fs/cgroup/mem ory', containerView: '/sys/fs/cgroup/memory' },
    },
    {
      name: 'no memory controller anywhere: SandboxPrerequisiteError',
      lines: [line(31, '/sys/fs/cgroup', 'tmpfs', 'rw'), line(32, '/sys/fs/cgroup/cpu', 'cgroup', 'rw,cpu'), line(40, unifiedNoMemory, 'cgroup2', 'rw')],
      expect: /^no cgroup memory controller is mounted: the sandbox needs either cgroup v2 with the memory controller/,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const mounts = parseMountInfo(c.lines.join('\n'));
      if (c.expect instanceof RegExp) {
        const re = c.expect;
        assert.throws(() => detectCgroupLayout(mounts), (e: unknown) => e instanceof SandboxPrerequisiteError && re.test(e.message));
      } else assert.deepEqual(detectCgroupLayout(mounts), c.expect);
    });
  }
  suiteTeardown(() => rmSync(tmp, { recursive: true, force: true }));
});

suite('sandbox container log', () => {
  const feed = async (log: ContainerLog, chunks: string[]) => {
    const out = new PassThrough();
    const err = new PassThrough();
    log.attach(out, 'stdout');
    log.attach(err, 'stderr');
    for (const c of chunks) out.write(c);
    err.end('to stderr\n');
    out.end();
    await new Promise((r) => setImmediate(r));
  };

  test('lines split across chunks are joined; stdout and stderr interleave; a last line without newline is kept', async () => {
    const log = new ContainerLog();
    await feed(log, ['hel', 'lo\nwor', 'ld\n', 'no newline']);
    assert.equal(log.render({}), 'hello\nworld\nto stderr\nno newline\n');
    assert.equal(log.render({ tailLines: 2 }), 'to stderr\nno newline\n');
    assert.equal(log.render({ tailLines: 0 }), '');
    assert.match(log.render({ tailLines: 1, timestamps: true }), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z no newline\n$/);
  });

  test('bounded: past maxBytes the oldest lines go first', async () => {
    const log = new ContainerLog(100);
    await feed(log, Array.from({ length: 50 }, (_, i) => `line ${String(i).padStart(3, '0')}\n`));
    const text = log.render({});
    assert.ok(text.length <= 100 && text.length > 80, `${text.length} bytes kept`);
    const lines = text.split('\n').filter(Boolean);
    assert.ok(lines.includes('line 049') && lines.includes('to stderr'));
    assert.equal(lines.includes('line 000'), false);
  });
});

suite('sandbox images: what a container runs', () => {
  // Kubernetes expands $(VAR) in the pod spec's command and args only, never in an image's
  // ENTRYPOINT or CMD; the kubelet expands exactly the entries marked fromSpec.
  test('args replace the image CMD after its entrypoint; only the spec\'s entries are marked for $(VAR) expansion', () => {
    const withArgs = resolveCommand('sandbox/pause', undefined, ['$(A)', 'b']);
    assert.deepEqual(withArgs.argv, ['sleep', 'infinity', '$(A)', 'b']);
    assert.deepEqual(withArgs.fromSpec, [false, false, true, true]);
    const imageOnly = resolveCommand('sandbox/hello-kubernetes', undefined, undefined);
    assert.ok(imageOnly.argv.length > 0);
    assert.deepEqual(imageOnly.fromSpec, imageOnly.argv.map(() => false));
    const command = resolveCommand('sandbox/pause', ['sh', '-c', 'echo $(A)'], ['x']);
    assert.deepEqual(command.argv, ['sh', '-c', 'echo $(A)', 'x']);
    assert.deepEqual(command.fromSpec, [true, true, true, true]);
  });
});

suite('sandbox loopback ranges', () => {
  test('sandboxes running at once lease different 127.n.0.0/16 ranges; a dead owner\'s range is taken over; release frees it', () => {
    const a = LoopbackLease.acquire('lease-a');
    const b = LoopbackLease.acquire('lease-b');
    try {
      assert.notEqual(a.octet, b.octet);
      assert.deepEqual([b.podIp(0), b.podIp(253), b.podIp(254)], [`127.${b.octet}.0.1`, `127.${b.octet}.0.254`, `127.${b.octet}.1.1`]);
      const file = `/run/pmc-sandbox/net-127.${b.octet}.json`;
      b.release();
      assert.equal(existsSync(file), false);
      // a crashed sandbox left its lease: the next one takes the range over
      writeFileSync(file, JSON.stringify({ pid: spawnSync('true').pid, startTime: '1', instanceName: 'crashed' }));
      const c = LoopbackLease.acquire('lease-c');
      try {
        assert.equal(c.octet, b.octet);
        assert.equal(JSON.parse(readFileSync(file, 'utf8')).instanceName, 'lease-c');
      } finally {
        c.release();
      }
    } finally {
      a.release();
      b.release();
    }
  });
});

suite('sandbox prerequisites', () => {
  const all = (name: string) => `/usr/bin/${name}`;
  const cases: { name: string; uid: number; missing?: string; message: string }[] = [
    { name: 'not root', uid: 1000, message: 'the sandbox must run as root (it creates memory cgroups and mount namespaces; current uid is 1000): run it with sudo, e.g. `sudo -E npm run sandbox`' },
    { name: 'no stress-ng', uid: 0, missing: 'stress-ng', message: 'stress-ng is not installed: run `sudo apt-get install stress-ng`' },
    { name: 'no unshare', uid: 0, missing: 'unshare', message: 'unshare is not installed: run `sudo apt-get install util-linux`' },
    { name: 'no nsenter', uid: 0, missing: 'nsenter', message: 'nsenter is not installed: run `sudo apt-get install util-linux`' },
  ];
  for (const c of cases) {
    test(`${c.name}: SandboxPrerequisiteError says what is missing and how to get it`, () => {
      assert.throws(
        () => checkPrerequisites(c.uid, (n) => (n === c.missing ? undefined : all(n))),
        (e: unknown) => e instanceof SandboxPrerequisiteError && e.message === c.message,
      );
    });
  }

  test('a memory hierarchy the sandbox cannot write to: SandboxPrerequisiteError naming the cgroup and how to fix it', async () => {
    const readOnly = new SandboxRuntime(`rt-test-ro-${process.pid}`, { version: 1, mountPoint: '/proc/sys', containerView: '/sys/fs/cgroup/memory' });
    await assert.rejects(readOnly.init(), (e: unknown) => {
      assert.ok(e instanceof SandboxPrerequisiteError);
      assert.match(e.message, new RegExp(`^cannot create the sandbox's memory cgroup /proc/sys/pmc-sandbox-rt-test-ro-${process.pid}: .+\\. The sandbox needs root and a writable cgroup memory hierarchy`));
      return true;
    });
    assert.equal(existsSync(`/run/pmc-sandbox/pmc-sandbox-rt-test-ro-${process.pid}.json`), false, 'no owner record is left behind');
  });

  test('this machine has everything (root, stress-ng, util-linux)', () => {
    assert.doesNotThrow(() => checkPrerequisites());
  });
});
