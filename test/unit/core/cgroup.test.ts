import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  CGROUP_V1_FILES,
  CGROUP_V1_REQUIRED_FILES,
  CGROUP_V2_FILES,
  CGROUP_V2_REQUIRED_FILES,
  CgroupFileError,
  detectCgroupVersion,
  readCgroupMemory,
  splitCgroupSnapshot,
  type CgroupMemory,
} from '../../../src/core/cgroup';
import { CGROUP_FIXTURES } from '../../fixtures/paths';

function fixture(version: 'v1' | 'v2', name: string): Record<string, string> {
  return splitCgroupSnapshot(readFileSync(path.join(CGROUP_FIXTURES, `${version}-kernel-6.18`, `${name}.txt`), 'utf8'));
}

/** The figures a test pins, without the raw `stat` map. */
type Figures = Omit<CgroupMemory, 'stat'>;

function figures(m: CgroupMemory): Figures {
  const { stat: _stat, ...rest } = m;
  return rest;
}

const MiB = 1024n * 1024n;
const LIMIT_200MIB = 200n * MiB; // 209715200, the fixtures' cgroup limit

const NO_V2_EVENTS = { low: 0, high: 0, max: 0, oom: 0, oomKill: 0, oomGroupKill: 0 };
const AFTER_OOM_V2_EVENTS = { low: 0, high: 0, max: 43, oom: 1, oomKill: 1, oomGroupKill: 0 };
const zeroPressure = (totalMicros: bigint) => ({
  some: { avg10: 0, avg60: 0, avg300: 0, totalMicros },
  full: { avg10: 0, avg60: 0, avg300: 0, totalMicros },
});

// Every value below was read off the fixture files by hand; the working set is
// memory.current - inactive_file (v2) or memory.usage_in_bytes - total_inactive_file (v1).
const FIXTURE_CASES: readonly (readonly [string, 'v1' | 'v2', string, Figures])[] = [
  ['v2 idle: an empty cgroup reads all zeros under its 200 MiB limit', 'v2', 'idle', {
    version: 2, usageBytes: 0n, workingSetBytes: 0n, rssBytes: 0n, cacheBytes: 0n, inactiveFileBytes: 0n, activeFileBytes: 0n,
    mappedFileBytes: 0n, limitBytes: LIMIT_200MIB, peakBytes: 0n, oomKills: 0, limitHits: 0, events: NO_V2_EVENTS, underOom: null,
    pressure: zeroPressure(0n), swapBytes: 0n, swapLimitBytes: null,
  }],
  ['v2 holding 120 MiB: working set 136032256 - 856064 = 135176192, anon 134287360', 'v2', 'holding120', {
    version: 2, usageBytes: 136032256n, workingSetBytes: 135176192n, rssBytes: 134287360n, cacheBytes: 1159168n, inactiveFileBytes: 856064n,
    activeFileBytes: 303104n, mappedFileBytes: 0n, limitBytes: LIMIT_200MIB, peakBytes: 136032256n, oomKills: 0, limitHits: 0,
    events: NO_V2_EVENTS, underOom: null, pressure: zeroPressure(0n), swapBytes: 0n, swapLimitBytes: null,
  }],
  ['v2 after an OOM kill: oom_kill 1, 43 limit hits, peak at the limit, 7274 µs of stall', 'v2', 'after_oom', {
    version: 2, usageBytes: 155648n, workingSetBytes: 114688n, rssBytes: 0n, cacheBytes: 65536n, inactiveFileBytes: 40960n,
    activeFileBytes: 24576n, mappedFileBytes: 0n, limitBytes: LIMIT_200MIB, peakBytes: LIMIT_200MIB, oomKills: 1, limitHits: 43,
    events: AFTER_OOM_V2_EVENTS, underOom: null, pressure: zeroPressure(7274n), swapBytes: 0n, swapLimitBytes: null,
  }],
  ['v2 after 100 MiB of page cache: usage 108281856 but working set only 3309568', 'v2', 'after_pagecache', {
    version: 2, usageBytes: 108281856n, workingSetBytes: 3309568n, rssBytes: 0n, cacheBytes: 105005056n, inactiveFileBytes: 104972288n,
    activeFileBytes: 32768n, mappedFileBytes: 0n, limitBytes: LIMIT_200MIB, peakBytes: LIMIT_200MIB, oomKills: 1, limitHits: 43,
    events: AFTER_OOM_V2_EVENTS, underOom: null, pressure: zeroPressure(7274n), swapBytes: 0n, swapLimitBytes: null,
  }],
  ['v1 idle: an empty cgroup reads all zeros under its 200 MiB limit', 'v1', 'idle', {
    version: 1, usageBytes: 0n, workingSetBytes: 0n, rssBytes: 0n, cacheBytes: 0n, inactiveFileBytes: 0n, activeFileBytes: 0n,
    mappedFileBytes: 0n, limitBytes: LIMIT_200MIB, peakBytes: 0n, oomKills: 0, limitHits: 0, events: null, underOom: false,
    pressure: null, swapBytes: 0n, swapLimitBytes: null,
  }],
  ['v1 holding 120 MiB: working set 148172800 - 12836864 = 135335936, total_rss 132870144', 'v1', 'holding120', {
    version: 1, usageBytes: 148172800n, workingSetBytes: 135335936n, rssBytes: 132870144n, cacheBytes: 14696448n, inactiveFileBytes: 12836864n,
    activeFileBytes: 1753088n, mappedFileBytes: 4415488n, limitBytes: LIMIT_200MIB, peakBytes: 148172800n, oomKills: 0, limitHits: 0,
    events: null, underOom: false, pressure: null, swapBytes: 0n, swapLimitBytes: null,
  }],
  ['v1 after an OOM kill: oom_control oom_kill 1, failcnt 3719, max usage at the limit', 'v1', 'after_oom', {
    version: 1, usageBytes: 344064n, workingSetBytes: 311296n, rssBytes: 0n, cacheBytes: 65536n, inactiveFileBytes: 32768n,
    activeFileBytes: 32768n, mappedFileBytes: 0n, limitBytes: LIMIT_200MIB, peakBytes: LIMIT_200MIB, oomKills: 1, limitHits: 3719,
    events: null, underOom: false, pressure: null, swapBytes: 0n, swapLimitBytes: null,
  }],
  ['v1 after 100 MiB of page cache: usage 108191744 but working set only 3211264', 'v1', 'after_pagecache', {
    version: 1, usageBytes: 108191744n, workingSetBytes: 3211264n, rssBytes: 0n, cacheBytes: 105013248n, inactiveFileBytes: 104980480n,
    activeFileBytes: 32768n, mappedFileBytes: 0n, limitBytes: LIMIT_200MIB, peakBytes: LIMIT_200MIB, oomKills: 1, limitHits: 3719,
    events: null, underOom: false, pressure: null, swapBytes: 0n, swapLimitBytes: null,
  }],
];

/** Reads one key of a flat keyed file with a regex, independently of the code under test. */
function rawKey(content: string, key: string): bigint {
  const match = new RegExp(`^${key} (\\d+)$`, 'm').exec(content);
  assert.ok(match, `fixture lacks ${key}`);
  return BigInt(match[1] as string);
}

suite('readCgroupMemory on real kernel 6.18 files', () => {
  for (const [name, version, file, expected] of FIXTURE_CASES) {
    test(name, () => assert.deepEqual(figures(readCgroupMemory(fixture(version, file))), expected));
  }

  for (const file of ['idle', 'holding120', 'after_oom', 'after_pagecache']) {
    test(`v2 ${file}: working set is memory.current minus memory.stat inactive_file, as cAdvisor computes it`, () => {
      const files = fixture('v2', file);
      const usage = BigInt((files['memory.current'] as string).trim());
      const inactive = rawKey(files['memory.stat'] as string, 'inactive_file');
      assert.equal(readCgroupMemory(files).workingSetBytes, usage - inactive);
    });
    test(`v1 ${file}: working set is memory.usage_in_bytes minus total_inactive_file`, () => {
      const files = fixture('v1', file);
      const usage = BigInt((files['memory.usage_in_bytes'] as string).trim());
      const inactive = rawKey(files['memory.stat'] as string, 'total_inactive_file');
      assert.equal(readCgroupMemory(files).workingSetBytes, usage - inactive);
    });
  }

  test('memory.stat is kept whole, keyed, with exact values (v2 holding120 pgfault 33020, slab 137712)', () => {
    const m = readCgroupMemory(fixture('v2', 'holding120'));
    assert.equal(m.stat.get('pgfault'), 33020n);
    assert.equal(m.stat.get('slab'), 137712n);
    assert.equal(m.stat.size, 70);
  });
});

suite('readCgroupMemory rules', () => {
  const v2 = (overrides: Record<string, string | undefined>): Record<string, string> => {
    const base: Record<string, string | undefined> = {
      'memory.current': '1000\n',
      'memory.max': 'max\n',
      'memory.stat': 'anon 600\nfile 400\ninactive_file 300\nactive_file 100\nfile_mapped 50\n',
      ...overrides,
    };
    return Object.fromEntries(Object.entries(base).filter(([, v]) => v !== undefined)) as Record<string, string>;
  };
  const v1 = (overrides: Record<string, string | undefined>): Record<string, string> => {
    const base: Record<string, string | undefined> = {
      'memory.usage_in_bytes': '1000\n',
      'memory.limit_in_bytes': '9223372036854771712\n',
      'memory.stat': 'cache 1\nrss 2\nmapped_file 3\nswap 4\ntotal_cache 400\ntotal_rss 600\ntotal_mapped_file 50\ntotal_swap 7\ntotal_inactive_file 300\ntotal_active_file 100\n',
      ...overrides,
    };
    return Object.fromEntries(Object.entries(base).filter(([, v]) => v !== undefined)) as Record<string, string>;
  };

  const LIMITS: readonly (readonly [string, Record<string, string>, bigint | null])[] = [
    ['v2 "max" means no limit', v2({ 'memory.max': 'max\n' }), null],
    ['v2 a number is the limit', v2({ 'memory.max': '536870912\n' }), 536870912n],
    ['v1 4 KiB-page unlimited sentinel 9223372036854771712 means no limit', v1({ 'memory.limit_in_bytes': '9223372036854771712' }), null],
    ['v1 16 KiB-page sentinel 9223372036854759424 means no limit', v1({ 'memory.limit_in_bytes': '9223372036854759424' }), null],
    ['v1 64 KiB-page sentinel 9223372036854710272 means no limit', v1({ 'memory.limit_in_bytes': '9223372036854710272' }), null],
    ['v1 exactly 2^62 is still a limit (the kubelet tests "greater than")', v1({ 'memory.limit_in_bytes': '4611686018427387904' }), 4611686018427387904n],
    ['v1 2^62 + 1 means no limit', v1({ 'memory.limit_in_bytes': '4611686018427387905' }), null],
    ['v1 -1 means no limit', v1({ 'memory.limit_in_bytes': '-1' }), null],
    ['v1 a number is the limit', v1({ 'memory.limit_in_bytes': '209715200' }), 209715200n],
  ];
  for (const [name, files, expected] of LIMITS) test(name, () => assert.equal(readCgroupMemory(files).limitBytes, expected));
  // The v2 root cgroup (the node's own figures) has no memory.max: the limit is unknown, not "none".
  test('v2 without memory.max (the root cgroup): the limit is unknown (undefined), the rest is read', () => {
    const m = readCgroupMemory(v2({ 'memory.max': undefined }));
    assert.equal(m.limitBytes, undefined);
    assert.equal(m.usageBytes, 1000n);
  });
  test('v1 without memory.limit_in_bytes: the limit is unknown (undefined), the rest is read', () => {
    const m = readCgroupMemory(v1({ 'memory.limit_in_bytes': undefined }));
    assert.equal(m.limitBytes, undefined);
    assert.equal(m.workingSetBytes, 700n); // usage 1000 − total_inactive_file 300
  });

  const WORKING_SETS: readonly (readonly [string, Record<string, string>, bigint])[] = [
    ['v2 usage 1000 minus inactive_file 300 is 700', v2({}), 700n],
    ['v2 inactive_file above usage clamps the working set at 0', v2({ 'memory.stat': 'anon 0\ninactive_file 2000\n' }), 0n],
    ['v2 without inactive_file the working set is the usage', v2({ 'memory.stat': 'anon 5\n' }), 1000n],
    ['v1 usage 1000 minus total_inactive_file 300 is 700', v1({}), 700n],
    ['v1 ignores the local inactive_file: only total_inactive_file counts', v1({ 'memory.stat': 'inactive_file 900\ntotal_inactive_file 100\n' }), 900n],
    ['v1 total_inactive_file above usage clamps at 0', v1({ 'memory.stat': 'total_inactive_file 1001\n' }), 0n],
    ['v1 uses total_inactive_file even with use_hierarchy 0', v1({ 'memory.use_hierarchy': '0\n' }), 700n],
  ];
  for (const [name, files, expected] of WORKING_SETS) test(name, () => assert.equal(readCgroupMemory(files).workingSetBytes, expected));

  test('v1 rss/cache/mapped/swap come from the total_ keys with hierarchy and the local keys without', () => {
    const withHierarchy = readCgroupMemory(v1({ 'memory.use_hierarchy': '1\n' }));
    assert.deepEqual([withHierarchy.rssBytes, withHierarchy.cacheBytes, withHierarchy.mappedFileBytes, withHierarchy.swapBytes], [600n, 400n, 50n, 7n]);
    const local = readCgroupMemory(v1({ 'memory.use_hierarchy': '0\n' }));
    assert.deepEqual([local.rssBytes, local.cacheBytes, local.mappedFileBytes, local.swapBytes], [2n, 1n, 3n, 4n]);
  });

  test('missing memory.stat keys count as 0 for rss and cache, as in cAdvisor', () => {
    const m = readCgroupMemory(v2({ 'memory.stat': 'inactive_file 1\n' }));
    assert.deepEqual([m.rssBytes, m.cacheBytes, m.mappedFileBytes, m.activeFileBytes], [0n, 0n, 0n, null]);
  });

  test('v2 optional files absent (kernel < 5.19, no PSI, no swap accounting) give nulls, not errors', () => {
    const m = readCgroupMemory(v2({}));
    assert.deepEqual(
      [m.peakBytes, m.oomKills, m.limitHits, m.events, m.pressure, m.swapBytes, m.swapLimitBytes],
      [null, null, null, null, null, null, null],
    );
  });

  test('v1 optional files absent give nulls', () => {
    const m = readCgroupMemory(v1({}));
    assert.deepEqual([m.peakBytes, m.oomKills, m.limitHits, m.underOom, m.pressure], [null, null, null, null, null]);
  });

  test('an empty memory.pressure (PSI switched off for the cgroup) is absent, not malformed', () => {
    assert.equal(readCgroupMemory(v2({ 'memory.pressure': '' })).pressure, null);
  });

  test('v2 swap: memory.swap.current and a numeric memory.swap.max are read', () => {
    const m = readCgroupMemory(v2({ 'memory.swap.current': '4096\n', 'memory.swap.max': '1073741824\n' }));
    assert.deepEqual([m.swapBytes, m.swapLimitBytes], [4096n, 1073741824n]);
  });

  test('PSI values are parsed exactly (opencontainers psi_test example)', () => {
    const m = readCgroupMemory(v2({ 'memory.pressure': 'some avg10=1.71 avg60=2.36 avg300=2.57 total=230548833\nfull avg10=1.00 avg60=1.01 avg300=1.00 total=157622356\n' }));
    assert.deepEqual(m.pressure, {
      some: { avg10: 1.71, avg60: 2.36, avg300: 2.57, totalMicros: 230548833n },
      full: { avg10: 1, avg60: 1.01, avg300: 1, totalMicros: 157622356n },
    });
  });

  test('a PSI file with only the "some" line has full = null', () => {
    const m = readCgroupMemory(v2({ 'memory.pressure': 'some avg10=0.50 avg60=0.10 avg300=0.02 total=99\n' }));
    assert.deepEqual(m.pressure, { some: { avg10: 0.5, avg60: 0.1, avg300: 0.02, totalMicros: 99n }, full: null });
  });

  test('memory.events without oom_group_kill (kernels before 5.17) gives oomGroupKill null', () => {
    const m = readCgroupMemory(v2({ 'memory.events': 'low 0\nhigh 2\nmax 5\noom 1\noom_kill 1\n' }));
    assert.deepEqual(m.events, { low: 0, high: 2, max: 5, oom: 1, oomKill: 1, oomGroupKill: null });
    assert.equal(m.limitHits, 5);
    assert.equal(m.oomKills, 1);
  });

  test('v1 memory.oom_control of an old kernel without oom_kill gives oomKills null but underOom', () => {
    const m = readCgroupMemory(v1({ 'memory.oom_control': 'oom_kill_disable 0\nunder_oom 1\n' }));
    assert.equal(m.oomKills, null);
    assert.equal(m.underOom, true);
  });

  test('memory.stat keys are found wherever they appear (the kernel may add keys anywhere)', () => {
    const m = readCgroupMemory(v2({ 'memory.stat': 'zswap 0\nnew_key_2030 7\ninactive_file 10\nanon 3\nfile 20\n' }));
    assert.deepEqual([m.workingSetBytes, m.rssBytes, m.cacheBytes], [990n, 3n, 20n]);
  });

  const ERRORS: readonly (readonly [string, Record<string, string>, string, 'missing' | 'malformed', RegExp])[] = [
    ['no memory.current nor memory.usage_in_bytes: not a memory cgroup', { 'memory.stat': 'anon 1\n' }, 'memory.current', 'missing', /Neither memory.current/],
    ['v2 without memory.stat', v2({ 'memory.stat': undefined }), 'memory.stat', 'missing', /memory.stat is missing/],
    ['v2 with an empty memory.current', v2({ 'memory.current': '' }), 'memory.current', 'missing', /memory.current is missing or empty/],
    ['v2 memory.current holding an error message', v2({ 'memory.current': 'cat: /sys/fs/cgroup/memory.current: Permission denied\n' }), 'memory.current', 'malformed', /expected one whole number/],
    ['v2 memory.max as a negative number', v2({ 'memory.max': '-1\n' }), 'memory.max', 'malformed', /expected one whole number/],
    ['v2 memory.stat line without a value', v2({ 'memory.stat': 'anon 1\nfile\n' }), 'memory.stat', 'malformed', /line 2 is not "key value"/],
    ['v2 memory.stat with a non-numeric value', v2({ 'memory.stat': 'anon NaN\n' }), 'memory.stat', 'malformed', /line 1/],
    ['v2 memory.events without oom_kill', v2({ 'memory.events': 'low 0\nhigh 0\nmax 0\noom 0\n' }), 'memory.events', 'malformed', /"oom_kill" counter is missing/],
    ['v2 memory.pressure without totals', v2({ 'memory.pressure': 'some avg10=0.00 avg60=0.00 avg300=0.00\n' }), 'memory.pressure', 'malformed', /some total is missing/],
    ['v2 memory.pressure with an unknown line', v2({ 'memory.pressure': 'most avg10=0.00\n' }), 'memory.pressure', 'malformed', /unknown PSI line/],
    ['v2 memory.peak that is not a number', v2({ 'memory.peak': 'n/a\n' }), 'memory.peak', 'malformed', /expected one whole number/],
    ['v1 memory.failcnt that is not a number', v1({ 'memory.failcnt': '1.5\n' }), 'memory.failcnt', 'malformed', /expected one whole number/],
    ['v1 memory.use_hierarchy of 2', v1({ 'memory.use_hierarchy': '2\n' }), 'memory.use_hierarchy', 'malformed', /expected 0 or 1/],
  ];
  for (const [name, files, file, reason, message] of ERRORS) {
    test(`${name} is a CgroupFileError naming ${file}`, () => {
      assert.throws(
        () => readCgroupMemory(files),
        (e: unknown) => {
          assert.ok(e instanceof CgroupFileError, `expected CgroupFileError, got ${String(e)}`);
          assert.equal(e.file, file);
          assert.equal(e.reason, reason);
          assert.match(e.message, message);
          return true;
        },
      );
    });
  }
});

suite('cgroup file lists and snapshots', () => {
  const listed = (version: 'v1' | 'v2'): string[] =>
    readFileSync(path.join(CGROUP_FIXTURES, `${version}-kernel-6.18`, 'ls_cgroup.txt'), 'utf8').split('\n').filter((l) => l !== '');

  test('every v2 file the sampler reads exists in a real kernel 6.18 cgroup directory', () => {
    const present = new Set(listed('v2'));
    assert.deepEqual(CGROUP_V2_FILES.filter((f) => !present.has(f)), []);
  });

  test('every v1 file the sampler reads exists in a real kernel 6.18 cgroup directory', () => {
    const present = new Set(listed('v1'));
    assert.deepEqual(CGROUP_V1_FILES.filter((f) => !present.has(f)), []);
  });

  test('the required files are part of what the sampler reads', () => {
    assert.deepEqual(CGROUP_V2_REQUIRED_FILES.filter((f) => !(CGROUP_V2_FILES as readonly string[]).includes(f)), []);
    assert.deepEqual(CGROUP_V1_REQUIRED_FILES.filter((f) => !(CGROUP_V1_FILES as readonly string[]).includes(f)), []);
  });

  test('reading only the sampler\'s v2 files from a fixture gives the same figures as reading all of them', () => {
    const all = fixture('v2', 'after_oom');
    const subset = Object.fromEntries(CGROUP_V2_FILES.map((f) => [f, all[f] as string]));
    assert.deepEqual(figures(readCgroupMemory(subset)), figures(readCgroupMemory(all)));
  });

  test('reading only the sampler\'s v1 files from a fixture gives the same figures as reading all of them', () => {
    const all = fixture('v1', 'after_oom');
    const subset = Object.fromEntries(CGROUP_V1_FILES.map((f) => [f, all[f] as string]));
    assert.deepEqual(figures(readCgroupMemory(subset)), figures(readCgroupMemory(all)));
  });

  test('splitCgroupSnapshot keeps each file\'s content with its trailing newline', () => {
    const files = splitCgroupSnapshot('== memory.current\n155648\n== memory.events\nlow 0\nmax 43\n== memory.empty\n== memory.max\nmax\n');
    assert.deepEqual(files, { 'memory.current': '155648\n', 'memory.events': 'low 0\nmax 43\n', 'memory.empty': '', 'memory.max': 'max\n' });
  });

  test('splitCgroupSnapshot of a fixture yields the file names in the order captured', () => {
    assert.deepEqual(Object.keys(fixture('v1', 'idle')), [
      'memory.usage_in_bytes', 'memory.limit_in_bytes', 'memory.max_usage_in_bytes', 'memory.failcnt', 'memory.stat',
      'memory.oom_control', 'memory.soft_limit_in_bytes', 'memory.memsw.usage_in_bytes', 'memory.memsw.limit_in_bytes',
      'memory.use_hierarchy', 'memory.swappiness',
    ]);
  });

  test('detectCgroupVersion tells v2 from v1 by their usage file', () => {
    assert.equal(detectCgroupVersion(fixture('v2', 'idle')), 2);
    assert.equal(detectCgroupVersion(fixture('v1', 'idle')), 1);
  });
});

suite('readCgroupMemory on this process\'s own live cgroup', () => {
  /** The memory cgroup directory of this test process (v1 memory controller, or v2 unified). */
  function ownCgroupFiles(): { version: 1 | 2; files: Record<string, string> } {
    const lines = readFileSync('/proc/self/cgroup', 'utf8').split('\n');
    const v1Line = lines.find((l) => /^\d+:(?:[^:]*,)?memory(?:,[^:]*)?:/.test(l));
    const candidates: { version: 1 | 2; dir: string; names: readonly string[] }[] = [];
    if (v1Line !== undefined) {
      candidates.push({ version: 1, dir: path.join('/sys/fs/cgroup/memory', v1Line.split(':')[2] as string), names: CGROUP_V1_FILES });
    }
    const v2Line = lines.find((l) => l.startsWith('0::'));
    if (v2Line !== undefined) {
      candidates.push({ version: 2, dir: path.join('/sys/fs/cgroup', v2Line.slice(3)), names: CGROUP_V2_FILES });
    }
    for (const c of candidates) {
      const usageFile = c.version === 1 ? 'memory.usage_in_bytes' : 'memory.current';
      if (!existsSync(path.join(c.dir, usageFile))) continue;
      const files: Record<string, string> = {};
      for (const name of c.names) {
        const file = path.join(c.dir, name);
        if (existsSync(file)) files[name] = readFileSync(file, 'utf8');
      }
      return { version: c.version, files };
    }
    throw new Error('This Linux process has no readable memory cgroup (neither v1 nor v2): the live test needs one.');
  }

  test('the live files parse, and the working set follows cAdvisor\'s rule on the same snapshot', () => {
    const { version, files } = ownCgroupFiles();
    const m = readCgroupMemory(files);
    assert.equal(m.version, version);
    assert.ok(m.usageBytes > 0n, 'this very process is charged to the cgroup, so usage is above 0');
    const inactive = m.stat.get(version === 1 ? 'total_inactive_file' : 'inactive_file');
    assert.ok(inactive !== undefined);
    assert.equal(m.workingSetBytes, m.usageBytes < inactive ? 0n : m.usageBytes - inactive);
    assert.ok(m.limitBytes === null || m.limitBytes === undefined || m.limitBytes > 0n, "no limit, an unknown one (root cgroup) or a positive one");
  });
});
