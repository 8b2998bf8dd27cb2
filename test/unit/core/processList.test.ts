// The sampler's process list, run by real /bin/sh against the REAL /proc of real processes this test
// starts, listed in a container-like cgroup directory's cgroup.procs. Expected figures are read by
// the test from the same /proc files (the kernel's), never computed by src/core.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { killOrder, oomScoreAdjOrigin, oomVictim, vanishedProcesses } from '../../../src/core/oomKillOrder';
import { SamplerOutputParser, samplerScript, type ContainerProcessInfo, type ProcessListing, type SamplerOutput } from '../../../src/core/sampler';

const V2_FILES = (oomKills: number): Record<string, string> => ({
  'memory.current': '104857600\n',
  'memory.max': '524288000\n',
  'memory.stat': 'anon 94371840\nfile 10485760\ninactive_file 4194304\nactive_file 6291456\nfile_mapped 0\n',
  'memory.events': `low 0\nhigh 0\nmax 3\noom 1\noom_kill ${oomKills}\n`,
});

const dirs: string[] = [];
const children: ChildProcess[] = [];
suiteTeardown(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A v2 container cgroup directory (cgroup-namespaced: files at the root) whose cgroup.procs lists `pids`. */
function cgroupDir(pids: number[], oomKills = 0): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-procs-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(V2_FILES(oomKills))) fs.writeFileSync(path.join(dir, name), content);
  fs.writeFileSync(path.join(dir, 'cgroup.procs'), pids.map((p) => `${p}\n`).join(''));
  return dir;
}

/** A real process named `name` (a copy of sleep under that name), so /proc/<pid>/comm says it. */
function startNamed(name: string, oomScoreAdj?: number): number {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-bin-'));
  dirs.push(bin);
  const sleep = ['/usr/bin/sleep', '/bin/sleep'].find((p) => fs.existsSync(p)) as string;
  fs.copyFileSync(sleep, path.join(bin, name));
  fs.chmodSync(path.join(bin, name), 0o755);
  const child = spawn(path.join(bin, name), ['60'], { stdio: 'ignore' });
  children.push(child);
  if (oomScoreAdj !== undefined) fs.writeFileSync(`/proc/${child.pid}/oom_score_adj`, String(oomScoreAdj));
  return child.pid as number;
}

const readProc = (pid: number, file: string): string => fs.readFileSync(`/proc/${pid}/${file}`, 'utf8').trim();
const vmRssBytes = (pid: number): number => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readProc(pid, 'status'))?.[1]) * 1024;

function listings(outputs: SamplerOutput[]): ProcessListing[] {
  return outputs.flatMap((o) => (o.kind === 'processes' ? [o.listing] : []));
}

suite('sampler script: process list and node meminfo (real /bin/sh, real /proc)', () => {
  test('stdin-paced, the list still follows the sample count: 9 tick lines at 250 ms with a 1 s list give lists after samples 0, 4 and 8', () => {
    const a = startNamed('app-server');
    const dir = cgroupDir([a]);
    const script = samplerScript({ cgroupRoot: dir, procRoot: '/proc', pacing: 'stdin', intervalMs: 250, processListEveryMs: 1000 });
    const r = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', timeout: 20_000, input: 't\n'.repeat(9) });
    assert.equal(r.status, 0, r.stderr);
    const p = new SamplerOutputParser();
    const out = [...p.push(r.stdout), ...p.end()];
    assert.equal(out.filter((o) => o.kind === 'sample').length, 9);
    assert.deepEqual(listings(out).map((l) => l.seq), [0, 4, 8]);
    assert.ok(listings(out).every((l) => l.processes.some((q) => q.pid === a && q.name === 'app-server')));
  });

  test('lists every process of cgroup.procs with the kernel’s oom_score, oom_score_adj, VmRSS and name; leaves its own shell out', () => {
    const a = startNamed('app-server', 500);
    const b = startNamed('stress-ng-vm', 1000);
    const dir = cgroupDir([a, b]);
    const script = samplerScript({ cgroupRoot: dir, procRoot: '/proc', maxSamples: 1, processListEveryMs: 1000 });
    // `exec` keeps the pid: the sampler's shell appends itself to cgroup.procs first, as an exec'd
    // sampler is listed in its container's cgroup.
    const r = spawnSync('/bin/sh', ['-c', `echo $$ >> '${dir}/cgroup.procs'; exec /bin/sh -c "$1"`, 'sh', script], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 0, r.stderr);
    const p = new SamplerOutputParser();
    const out = [...p.push(r.stdout), ...p.end()];
    assert.equal(out[0]?.kind === 'started' && out[0].info.processListEverySamples, 4);
    const [listing] = listings(out);
    assert.ok(listing, r.stdout);
    assert.equal(listing.readable, true);
    assert.equal(listing.seq, 0);
    const expected: ContainerProcessInfo[] = [a, b].map((pid) => ({
      pid,
      name: readProc(pid, 'comm'),
      oomScore: Number(readProc(pid, 'oom_score')),
      oomScoreAdj: Number(readProc(pid, 'oom_score_adj')),
      rssBytes: vmRssBytes(pid),
    }));
    assert.deepEqual(listing.processes, expected);
    assert.deepEqual(listing.processes.map((x) => [x.name, x.oomScoreAdj]), [['app-server', 500], ['stress-ng-vm', 1000]]);
    // /proc/meminfo: the node's memory, what free and top show in a container
    const meminfo = fs.readFileSync('/proc/meminfo', 'utf8');
    const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(meminfo)?.[1]) * 1024;
    assert.equal(listing.nodeMemory.MemTotal, kb('MemTotal'));
    assert.equal(listing.nodeMemory.SwapTotal, kb('SwapTotal'));
    assert.ok(typeof listing.nodeMemory.MemAvailable === 'number');
    // the kill order: the kernel's own ranking, highest oom_score first
    assert.deepEqual(killOrder(listing.processes).map((x) => x.name), ['stress-ng-vm', 'app-server']);
  });

  test('a pid that is gone is skipped; an unreadable cgroup.procs is reported as such', () => {
    const gone = spawnSync('/bin/sh', ['-c', 'echo $$']).stdout.toString().trim();
    const alive = startNamed('still-here');
    const dir = cgroupDir([Number(gone), alive]);
    const run = (d: string) => {
      const r = spawnSync('/bin/sh', ['-c', samplerScript({ cgroupRoot: d, procRoot: '/proc', maxSamples: 1, processListEveryMs: 250 })], { encoding: 'utf8' });
      const p = new SamplerOutputParser();
      return listings([...p.push(r.stdout), ...p.end()]);
    };
    assert.deepEqual(run(dir)[0]?.processes.map((x) => x.name), ['still-here']);
    fs.rmSync(path.join(dir, 'cgroup.procs'));
    const [unreadable] = run(dir);
    assert.equal(unreadable?.readable, false);
    assert.deepEqual(unreadable?.processes, []);
  });

  test('without processListEveryMs there is no list (the one-shot and default output is unchanged)', () => {
    const dir = cgroupDir([startNamed('quiet')]);
    const r = spawnSync('/bin/sh', ['-c', samplerScript({ cgroupRoot: dir, procRoot: '/proc', maxSamples: 1 })], { encoding: 'utf8' });
    const p = new SamplerOutputParser();
    const out = [...p.push(r.stdout), ...p.end()];
    assert.deepEqual(out.map((o) => o.kind), ['started', 'sample']);
  });

  test('the sample in which oom_kill rose is followed at once by a list, and by one at every sample after it for a while', async function () {
    this.timeout(20_000);
    const victim = startNamed('stress-ng-vm', 1000);
    const app = startNamed('app-server', 300);
    const dir = cgroupDir([victim, app], 0);
    // every 100 samples: only seq 0 is a regular list in this run
    const child = spawn('/bin/sh', ['-c', samplerScript({ cgroupRoot: dir, procRoot: '/proc', intervalMs: 100, maxSamples: 8, processListEveryMs: 10_000 })]);
    children.push(child);
    const parser = new SamplerOutputParser();
    const out: SamplerOutput[] = [];
    let killed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      for (const o of parser.push(chunk)) {
        out.push(o);
        // After sample 2: the kernel kills the worker and counts it.
        if (!killed && o.kind === 'sample' && o.sample.seq === 2) {
          killed = true;
          process.kill(victim, 'SIGKILL');
          fs.writeFileSync(path.join(dir, 'cgroup.procs'), `${app}\n`);
          fs.writeFileSync(path.join(dir, 'memory.events'), V2_FILES(1)['memory.events'] as string);
        }
      }
    });
    await new Promise((resolve) => child.on('exit', resolve));
    out.push(...parser.end());
    const firstKillSample = out.find((o) => o.kind === 'sample' && o.sample.memory.oomKills === 1);
    assert.ok(firstKillSample?.kind === 'sample');
    const lists = listings(out);
    const k = firstKillSample.sample.seq;
    // seq 0 (the regular list), then the kill's own sample and every later one (the hot period)
    assert.deepEqual(lists.map((l) => l.seq), [0, ...Array.from({ length: 8 - k }, (_, i) => k + i)]);
    const [before, after] = lists as [ProcessListing, ProcessListing];
    assert.deepEqual(vanishedProcesses(before, after).map((x) => [x.pid, x.name]), [[victim, 'stress-ng-vm']]);
    assert.equal(oomVictim(before, after)?.pid, victim, 'the kernel’s next pick in the list before is the one gone');
  });
});

suite('the victim between two process lists', () => {
  const p = (pid: number, name: string, oomScore: number): ContainerProcessInfo => ({ pid, name, oomScore, oomScoreAdj: 1000, rssBytes: 0 });
  const list = (processes: ContainerProcessInfo[]): ProcessListing => ({ seq: 0, monotonicMs: 0, readable: true, processes, nodeMemory: {} });
  test('the next pick that vanished is the victim', () => {
    assert.equal(oomVictim(list([p(1, 'stress-ng-vm', 1500), p(2, 'sleep', 1001)]), list([p(2, 'sleep', 1001)]))?.name, 'stress-ng-vm');
  });
  test('a small process that ended on its own while the next pick lives is not called the victim', () => {
    assert.equal(oomVictim(list([p(1, 'stress-ng-vm', 1500), p(2, 'sleep', 1001)]), list([p(1, 'stress-ng-vm', 1600), p(3, 'stress-ng-vm', 1700)])), null);
  });
  test('an unreadable list names nobody', () => {
    assert.equal(oomVictim(list([p(1, 'a', 1500)]), { ...list([]), readable: false }), null);
  });
});

suite('where oom_score_adj comes from', () => {
  const proc = (name: string, oomScoreAdj: number): ContainerProcessInfo => ({ pid: 1, name, oomScore: 0, oomScoreAdj, rssBytes: 0 });
  test('the kubelet’s QoS value, the spec’s oomScoreAdj on memStress, chaos-daemon’s 1000 when it is 0', () => {
    assert.equal(oomScoreAdjOrigin(proc('node', 988), { qosValue: 988, qosClass: 'Burstable' }).text, "the pod's QoS class (Burstable: the kubelet sets 988)");
    assert.equal(oomScoreAdjOrigin(proc('memStress', -1000), { qosValue: 988, stressOomScoreAdj: -1000 }).origin, 'stress-spec');
    assert.equal(oomScoreAdjOrigin(proc('memStress', 1000), { qosValue: 988, stressOomScoreAdj: 0 }).origin, 'chaos-daemon');
    assert.equal(oomScoreAdjOrigin(proc('sh', 12), { qosValue: 988 }).origin, 'other');
    // a stressor's helper shell: not named like a stressor, but with chaos-daemon's 1000 under a stress
    assert.equal(oomScoreAdjOrigin(proc('sh', 1000), { qosValue: 988, stressed: true }).origin, 'chaos-daemon');
    assert.equal(oomScoreAdjOrigin(proc('sh', 988), { qosValue: 988, stressed: true }).origin, 'qos');
  });
});
