// How a StressChaos spec becomes command lines: Chaos Mesh's Normalize strings, memStress's flag and
// size semantics, and the stress-ng invocations that reproduce them.
import * as assert from 'node:assert/strict';
import { CHAOS_DAEMON_OOM_SCORE_ADJ, MEMSTRESS_SERVER, RAMP_CLIENT, memStressRamp, normalizeStressors, parseMemStressFlags, planCpu, planMemory } from './chaos/stressors';
import type { StressChaosSpec } from './chaos/types';

const MEM_TOTAL = 24n * 1024n ** 3n;

suite('chaos stressors: Normalize (the strings chaos-daemon receives)', () => {
  const cases: { name: string; stressors: StressChaosSpec['stressors']; cpu: string; memory: string }[] = [
    { name: 'memory with size', stressors: { memory: { workers: 2, size: '50MiB' } }, cpu: '', memory: ' --workers 2 --size 50MiB' },
    { name: 'memory options are appended with spaces around', stressors: { memory: { workers: 1, size: '1GB', options: ['--time 1m'] } }, cpu: '', memory: ' --workers 1 --size 1GB --time 1m ' },
    { name: 'memory without size passes no --size', stressors: { memory: { workers: 1 } }, cpu: '', memory: ' --workers 1' },
    { name: 'workers 0 starts nothing', stressors: { memory: { workers: 0, size: '1GB' }, cpu: { workers: 0 } }, cpu: '', memory: '' },
    { name: 'cpu with load', stressors: { cpu: { workers: 1, load: 100 } }, cpu: ' --cpu-load-slice 10 --cpu-method sqrt --cpu 1 --cpu-load 100', memory: '' },
    {
      name: 'cpu options (burn-cpu.yaml)',
      stressors: { cpu: { workers: 1, load: 100, options: ['--cpu 2', '--timeout 600', '--hdd 1'] } },
      cpu: ' --cpu-load-slice 10 --cpu-method sqrt --cpu 1 --cpu-load 100 --cpu 2  --timeout 600  --hdd 1 ',
      memory: '',
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(normalizeStressors({ stressors: c.stressors }), { cpu: c.cpu, memory: c.memory });
    });
  }
  test('the CPU stressor is stress-ng with exactly those words, under chaos-daemon’s oom_score_adj', () => {
    assert.deepEqual(planCpu(' --cpu-load-slice 10 --cpu-method sqrt --cpu 1 --cpu-load 100 --cpu 2 '), [
      'choom', '-n', '1000', '--', 'stress-ng', '--cpu-load-slice', '10', '--cpu-method', 'sqrt', '--cpu', '1', '--cpu-load', '100', '--cpu', '2',
    ]);
  });
});

suite('chaos stressors: memStress flags (Go flag package)', () => {
  test('the normalized string', () => {
    assert.deepEqual(parseMemStressFlags(['--workers', '4', '--size', '50MiB']), { size: '50MiB', workers: 4, time: '0s', client: false });
  });
  test('later flags win; -flag=value works', () => {
    assert.deepEqual(parseMemStressFlags(['--workers', '4', '--size', '1GB', '-size=2GB', '--workers=2']), { size: '2GB', workers: 2, time: '0s', client: false });
  });
  test('a stray word ends the flags ("256 MB" reaches memStress as --size 256 MB)', () => {
    assert.deepEqual(parseMemStressFlags(['--workers', '1', '--size', '256', 'MB', '--time', '1m']), { size: '256', workers: 1, time: '0s', client: false });
  });
  test('a stress-ng option is an unknown flag for memStress', () => {
    assert.deepEqual(parseMemStressFlags(['--workers', '1', '--vm', '2']), { error: 'flag provided but not defined: -vm' });
  });
  test('a flag without its value', () => {
    assert.deepEqual(parseMemStressFlags(['--workers', '1', '--size']), { error: 'flag needs an argument: -size' });
  });
});

suite('chaos stressors: memStress semantics reproduced with stress-ng', () => {
  const clientOf = (argv: string[]): string[] => argv.slice(argv.indexOf('stress-ng'));
  const bytes = (argv: string[]): number => Number(argv[argv.indexOf('--vm-bytes') + 1]);

  test('size is the TOTAL split across workers: 50MiB over 1 worker', () => {
    const plan = planMemory(' --workers 1 --size 50MiB', 0, MEM_TOTAL);
    assert.equal(plan.bytesPerWorker, 52428800n);
    assert.deepEqual(plan.argv.slice(0, 9), ['choom', '-n', String(CHAOS_DAEMON_OOM_SCORE_ADJ), '--', 'sh', '-c', MEMSTRESS_SERVER, 'memStress', '1']);
    assert.deepEqual(clientOf(plan.argv), [
      'stress-ng', '--vm', '1', '--vm-bytes', '52428800', '--vm-keep', '--vm-hang', '0', '--vm-method', 'write64', '--vm-madvise', 'normal',
      '--no-oom-adjust', '--oomable', '--timeout', '0', '--quiet',
    ]);
  });

  test('100MB over 3 workers: integer division, then each mapping is whole pages', () => {
    const plan = planMemory(' --workers 3 --size 100MB', 0, MEM_TOTAL);
    // 100000000 / 3 = 33333333 bytes, which mmap maps as 8139 pages
    assert.equal(plan.bytesPerWorker, 8139n * 4096n);
    assert.equal(plan.argv[8], '3');
    assert.equal(bytes(plan.argv), 8139 * 4096);
  });

  test('a percentage is of the node’s MemTotal, not of the container limit', () => {
    const plan = planMemory(' --workers 2 --size 10%', 0, MEM_TOTAL);
    const total = (MEM_TOTAL * 10n) / 100n;
    assert.equal(plan.bytesPerWorker, (((total / 2n) + 4095n) / 4096n) * 4096n);
  });

  test('oomScoreAdj is set with choom before the stressor starts, so every worker inherits it', () => {
    assert.deepEqual(planMemory(' --workers 1 --size 10MiB', -1000, MEM_TOTAL).argv.slice(0, 4), ['choom', '-n', '-1000', '--']);
    assert.deepEqual(planMemory(' --workers 1 --size 10MiB', 500, MEM_TOTAL).argv.slice(0, 4), ['choom', '-n', '500', '--']);
  });

  test('without size memStress maps 0 bytes: clients fail and are restarted, nothing is allocated', () => {
    const plan = planMemory(' --workers 1', 0, MEM_TOTAL);
    assert.equal(plan.bytesPerWorker, 0n);
    assert.equal(plan.problem, 'invalid argument');
    assert.ok(!plan.argv.includes('stress-ng'));
  });

  test('"256 MB" allocates 256 bytes (one page), as memStress does after the whitespace split', () => {
    const plan = planMemory(' --workers 1 --size 256 MB', 0, MEM_TOTAL);
    assert.equal(plan.bytesPerWorker, 4096n);
  });

  test('"1e3" passes the webhook but memStress cannot read it', () => {
    const plan = planMemory(' --workers 1 --size 1e3', 0, MEM_TOTAL);
    assert.equal(plan.problem, 'unhandled size name: e3');
    assert.equal(plan.bytesPerWorker, 0n);
  });

  test('a stress-ng option in memory.options makes memStress exit with status 2', () => {
    const plan = planMemory(' --workers 1 --size 10MiB --vm-bytes 1G ', 0, MEM_TOTAL);
    assert.equal(plan.problem, 'flag provided but not defined: -vm-bytes');
    assert.deepEqual(plan.argv.slice(4), ['sh', '-c', `printf '%s\\n' "$1" >&2; exit 2`, 'memStress', 'flag provided but not defined: -vm-bytes']);
  });

  // memStress client: time.ParseDuration(growthTime) with the error ignored; `timeLine > time.Nanosecond`
  // ramps; linearGrow divides by the duration's whole milliseconds.
  const ramps: { name: string; time: string; ramp: ReturnType<typeof memStressRamp> }[] = [
    { name: 'the default 0s allocates at once', time: '0s', ramp: { ms: 0n } },
    { name: '30s ramps over 30000 ms', time: '30s', ramp: { ms: 30000n } },
    { name: '1m30s ramps over 90000 ms', time: '1m30s', ramp: { ms: 90000n } },
    { name: '1.5s keeps its fraction', time: '1.5s', ramp: { ms: 1500n } },
    { name: '10min is not a Go duration: the error is ignored, everything at once', time: '10min', ramp: { ms: 0n } },
    { name: 'a negative duration allocates at once', time: '-5s', ramp: { ms: 0n } },
    { name: '1ns is not above a nanosecond: at once', time: '1ns', ramp: { ms: 0n } },
    { name: '500us ramps over 0 whole ms: integer divide by zero', time: '500us', ramp: { panic: 'panic: runtime error: integer divide by zero' } },
  ];
  for (const r of ramps) {
    test(`--time ${r.time}: ${r.name}`, () => {
      assert.deepEqual(memStressRamp(r.time), r.ramp);
    });
  }

  test('--time 30s (as StressChaos options ["--time", "30s"]): each client is the ramping Perl client over 30000 ms, holding whole pages', () => {
    const spaced = planMemory(normalizeStressors({ stressors: { memory: { workers: 4, size: '3000MiB', options: ['--time', '30s'] } } }).memory, 0, MEM_TOTAL);
    const joined = planMemory(normalizeStressors({ stressors: { memory: { workers: 4, size: '3000MiB', options: ['--time=30s'] } } }).memory, 0, MEM_TOTAL);
    assert.deepEqual(joined.argv, spaced.argv);
    assert.deepEqual(spaced.argv.slice(4, 9), ['sh', '-c', MEMSTRESS_SERVER, 'memStress', '4']);
    assert.deepEqual(spaced.argv.slice(9), ['perl', '-e', RAMP_CLIENT, String(750n * 1024n * 1024n), '30000']);
    assert.equal(spaced.bytesPerWorker, 750n * 1024n * 1024n);
    assert.equal(spaced.problem, undefined);
  });

  test('--time with a size that is not whole pages: linearGrow stops at the last whole page', () => {
    const plan = planMemory(' --workers 3 --size 100MB --time 10s ', 0, MEM_TOTAL);
    assert.deepEqual(plan.argv.slice(-2), ['33333333', '10000']);
    assert.equal(plan.bytesPerWorker, 8138n * 4096n);
  });

  test('--time 500us: every client panics (exit 2) and the server starts another each second', () => {
    const plan = planMemory(' --workers 1 --size 10MiB --time 500us ', 0, MEM_TOTAL);
    assert.equal(plan.problem, 'panic: runtime error: integer divide by zero');
    assert.deepEqual(plan.argv.slice(9), ['sh', '-c', `printf '%s\\n' "$1" >&2; exit 2`, 'memStress', 'panic: runtime error: integer divide by zero']);
  });

  test('--client makes memStress a single client (no server, no respawn)', () => {
    const plan = planMemory(' --workers 2 --size 20MiB --client ', 0, MEM_TOTAL);
    assert.deepEqual(plan.argv.slice(4, 8), ['stress-ng', '--vm', '1', '--vm-bytes']);
    assert.equal(plan.bytesPerWorker, 10n * 1024n * 1024n);
  });
});
