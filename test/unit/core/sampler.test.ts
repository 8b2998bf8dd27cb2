import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CGROUP_V1_FILES, CGROUP_V2_FILES, readCgroupMemory, splitCgroupSnapshot } from '../../../src/core/cgroup';
import {
  SampleSeries,
  SamplerOutputParser,
  compareSamples,
  deltas,
  samplerScript,
  type Sample,
  type SamplerOutput,
} from '../../../src/core/sampler';
import { CGROUP_FIXTURES } from '../../fixtures/paths';

const fixture = (version: 'v1' | 'v2', moment: string): Record<string, string> =>
  splitCgroupSnapshot(fs.readFileSync(path.join(CGROUP_FIXTURES, `${version}-kernel-6.18`, `${moment}.txt`), 'utf8'));

/** Only the files the sampler reads, as it would see them. */
function sampledFiles(version: 'v1' | 'v2', moment: string): Record<string, string> {
  const all = fixture(version, moment);
  const names: readonly string[] = version === 'v1' ? CGROUP_V1_FILES : CGROUP_V2_FILES;
  return Object.fromEntries(names.filter((n) => all[n] !== undefined).map((n) => [n, all[n] as string]));
}

// ---------------------------------------------------------------------------------------------
// A container-like /sys/fs/cgroup and /proc built from the real kernel files
// ---------------------------------------------------------------------------------------------

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-sampler-'));
  tempDirs.push(dir);
  return dir;
}
suiteTeardown(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

interface Layout {
  cgroupRoot: string;
  procRoot: string;
}

/**
 * v2: the files sit directly in the cgroup root (a cgroup-namespaced container). v1: they sit in
 * `<root>/memory` (runc's bind mount). `relPath` puts a v2 cgroup below the root and names it in
 * `/proc/self/cgroup`, as a privileged container without a cgroup namespace sees it.
 */
function containerLayout(
  version: 'v1' | 'v2',
  files: Record<string, string>,
  opts: { uptime?: string; relPath?: string; overrideDirs?: string[] } = {},
): Layout {
  const base = tempDir();
  const cgroupRoot = path.join(base, 'sys', 'fs', 'cgroup');
  const dir =
    version === 'v1' ? path.join(cgroupRoot, 'memory') : opts.relPath ? path.join(cgroupRoot, opts.relPath) : cgroupRoot;
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  // A directory in place of a file: `[ -e ]` is true but reading fails, like an unreadable file.
  for (const name of opts.overrideDirs ?? []) {
    fs.rmSync(path.join(dir, name), { force: true });
    fs.mkdirSync(path.join(dir, name));
  }
  const procRoot = path.join(base, 'proc');
  fs.mkdirSync(path.join(procRoot, 'self'), { recursive: true });
  fs.writeFileSync(path.join(procRoot, 'uptime'), `${opts.uptime ?? '12345.67'} 24000.00\n`);
  fs.writeFileSync(path.join(procRoot, 'self', 'cgroup'), `0::${opts.relPath ? `/${opts.relPath}` : '/'}\n`);
  return { cgroupRoot, procRoot };
}

/** A PATH holding only `sleep` (no `cat`), as in a minimal image with a shell. */
function pathWithoutCat(): string {
  const bin = tempDir();
  const sleep = ['/usr/bin/sleep', '/bin/sleep'].find((p) => fs.existsSync(p));
  assert.ok(sleep, 'this machine has a sleep binary');
  fs.symlinkSync(sleep, path.join(bin, 'sleep'));
  return bin;
}

interface Run {
  stdout: string;
  status: number | null;
}

/** Runs the script; `input` is written to its stdin, which then ends (EOF; none given: EOF at once). */
function runScript(shell: string[], script: string, env: NodeJS.ProcessEnv = process.env, input = ''): Run {
  const [cmd, ...args] = shell as [string, ...string[]];
  const r = spawnSync(cmd, [...args, '-c', script], { encoding: 'utf8', env, timeout: 20_000, input });
  if (r.error) throw r.error;
  return { stdout: r.stdout, status: r.status };
}

function parseAll(stdout: string): SamplerOutput[] {
  const p = new SamplerOutputParser();
  return [...p.push(stdout), ...p.end()];
}

function samplesOf(outputs: SamplerOutput[]): Sample[] {
  return outputs.flatMap((o) => (o.kind === 'sample' ? [o.sample] : []));
}

// Every POSIX shell on this machine runs the script: dash is /bin/sh on Debian; bash and busybox
// are what container images most often have.
const SHELLS: string[][] = [['/bin/sh']];
// bash gets --norc: some hosts make non-interactive bash read ~/.bashrc (the rshd/sshd heuristic).
for (const candidate of [['/bin/bash', '--posix', '--norc'], ['/bin/busybox', 'sh']]) {
  if (fs.existsSync(candidate[0] as string)) SHELLS.push(candidate);
}

// ---------------------------------------------------------------------------------------------

suite('sampler script: real /bin/sh against the real kernel files', () => {
  // Every shell with the default builtin reader, and /bin/sh with `cat` as well.
  const runs: [string[], 'builtin' | 'cat'][] = [...SHELLS.map((sh): [string[], 'builtin'] => [sh, 'builtin']), [['/bin/sh'], 'cat']];
  for (const [shell, reader] of runs) {
    const shellName = `${shell.join(' ')} (${reader})`;
    for (const [version, moment] of [
      ['v2', 'idle'],
      ['v2', 'holding120'],
      ['v2', 'after_oom'],
      ['v2', 'after_pagecache'],
      ['v1', 'idle'],
      ['v1', 'holding120'],
      ['v1', 'after_oom'],
      ['v1', 'after_pagecache'],
    ] as const) {
      test(`${shellName}: ${version} ${moment} is read back byte for byte`, () => {
        const layout = containerLayout(version, fixture(version, moment));
        const run = runScript(shell, samplerScript({ ...layout, maxSamples: 1, reader }));
        assert.equal(run.status, 0);
        const outputs = parseAll(run.stdout);
        assert.equal(outputs.length, 2, run.stdout);
        const [started, sampled] = outputs;
        assert.equal(started?.kind, 'started');
        if (started?.kind !== 'started') return;
        assert.deepEqual(started.info, {
          protocol: 1,
          cgroupVersion: version === 'v1' ? 1 : 2,
          reader,
          hasCat: true,
          sleep: 'none',
          pacing: 'sleep',
          intervalMs: 250,
          cgroupDir: version === 'v1' ? path.join(layout.cgroupRoot, 'memory') : layout.cgroupRoot,
          processListEverySamples: 0,
          notes: [],
        });
        assert.equal(sampled?.kind, 'sample');
        if (sampled?.kind !== 'sample') return;
        assert.equal(sampled.sample.seq, 0);
        assert.equal(sampled.sample.monotonicMs, 12_345_670);
        assert.deepEqual(sampled.sample.files, sampledFiles(version, moment));
        assert.deepEqual(sampled.sample.memory, readCgroupMemory(sampledFiles(version, moment)));
        assert.deepEqual(sampled.sample.unreadableFiles, []);
      });
    }
  }

  // Exact figures, so that a regression in both the parser and readCgroupMemory cannot hide.
  const figures: [string, 'v1' | 'v2', string, bigint, bigint, number, number][] = [
    ['v2 holding 120 MiB: working set = memory.current − inactive_file', 'v2', 'holding120', 136_032_256n, 135_176_192n, 0, 0],
    ['v2 after an OOM kill: oom_kill 1, memory.events max 43', 'v2', 'after_oom', 155_648n, 114_688n, 1, 43],
    ['v1 holding 120 MiB: working set = usage − total_inactive_file', 'v1', 'holding120', 148_172_800n, 135_335_936n, 0, 0],
    ['v1 after an OOM kill: oom_control oom_kill 1, failcnt 3719', 'v1', 'after_oom', 344_064n, 311_296n, 1, 3719],
  ];
  for (const [name, version, moment, usage, workingSet, oomKills, limitHits] of figures) {
    test(name, () => {
      const layout = containerLayout(version, fixture(version, moment));
      const [sample] = samplesOf(parseAll(runScript(['/bin/sh'], samplerScript({ ...layout, maxSamples: 1 })).stdout));
      assert.ok(sample);
      assert.equal(sample.memory.usageBytes, usage);
      assert.equal(sample.memory.workingSetBytes, workingSet);
      assert.equal(sample.memory.limitBytes, 209_715_200n);
      assert.equal(sample.memory.oomKills, oomKills);
      assert.equal(sample.memory.limitHits, limitHits);
    });
  }

  test('several samples: consecutive sequence numbers and a fractional sleep', () => {
    const layout = containerLayout('v2', fixture('v2', 'holding120'));
    const run = runScript(['/bin/sh'], samplerScript({ ...layout, maxSamples: 3, intervalMs: 10 }));
    const outputs = parseAll(run.stdout);
    assert.deepEqual(outputs.map((o) => o.kind), ['started', 'sample', 'sample', 'sample']);
    const started = outputs[0];
    assert.ok(started?.kind === 'started' && started.info.sleep === 'fractional' && started.info.pacing === 'sleep' && started.info.intervalMs === 10);
    assert.deepEqual(samplesOf(outputs).map((s) => s.seq), [0, 1, 2]);
  });

  test('an uptime with a leading-zero fraction (0.08) is 80 ms, not an octal error', () => {
    const layout = containerLayout('v2', fixture('v2', 'idle'), { uptime: '0.08' });
    const [sample] = samplesOf(parseAll(runScript(['/bin/sh'], samplerScript({ ...layout, maxSamples: 2, intervalMs: 10 })).stdout));
    assert.equal(sample?.monotonicMs, 80);
  });

  test("the real /proc/uptime gives non-decreasing timestamps close to this machine's uptime", () => {
    const layout = containerLayout('v1', fixture('v1', 'holding120'));
    const run = runScript(['/bin/sh'], samplerScript({ cgroupRoot: layout.cgroupRoot, maxSamples: 3, intervalMs: 10 }));
    const uptimeAfterMs = Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000;
    const samples = samplesOf(parseAll(run.stdout));
    assert.equal(samples.length, 3);
    for (let i = 1; i < samples.length; i++) {
      assert.ok((samples[i] as Sample).monotonicMs >= (samples[i - 1] as Sample).monotonicMs);
    }
    const last = samples[2] as Sample;
    assert.ok(last.monotonicMs <= uptimeAfterMs + 10, `${last.monotonicMs} <= ${uptimeAfterMs}`);
    assert.ok(last.monotonicMs > uptimeAfterMs - 20_000, 'taken within the last 20 s');
  });

  for (const shell of SHELLS) {
    test(`${shell.join(' ')}: an image without cat still samples (a cat reader falls back to read) and says so`, () => {
      const layout = containerLayout('v2', fixture('v2', 'after_oom'));
      const run = runScript(shell, samplerScript({ ...layout, maxSamples: 2, intervalMs: 10, reader: 'cat' }), { PATH: pathWithoutCat() });
      const outputs = parseAll(run.stdout);
      const started = outputs[0];
      assert.equal(started?.kind, 'started');
      if (started?.kind !== 'started') return;
      assert.equal(started.info.reader, 'builtin');
      assert.equal(started.info.hasCat, false);
      assert.deepEqual(started.info.notes, [
        "This container has no `cat`: the sampler does not need it (it reads the cgroup files with the shell's builtin `read`), " +
          'but one-shot reads with `cat` will fail here.',
      ]);
      const samples = samplesOf(outputs);
      assert.equal(samples.length, 2);
      assert.deepEqual(samples[0]?.files, sampledFiles('v2', 'after_oom'));
    });
  }

  // The live kernel files (seq_files, read through cat and through the byte-wise builtin `read`),
  // not copies: this process's own memory cgroup, found the way the script finds it in a container.
  for (const reader of ['builtin', 'cat'] as const) {
    test(`this machine's own memory cgroup, read live with ${reader}`, () => {
      const run = runScript(['/bin/sh'], samplerScript({ maxSamples: 2, intervalMs: 10, reader }));
      assert.equal(run.status, 0, run.stdout);
      const outputs = parseAll(run.stdout);
      assert.deepEqual(outputs.map((o) => o.kind), ['started', 'sample', 'sample']);
      const started = outputs[0];
      assert.ok(started?.kind === 'started');
      assert.equal(started.info.reader, reader);
      assert.equal(started.info.cgroupVersion, fs.existsSync('/sys/fs/cgroup/memory/memory.usage_in_bytes') ? 1 : 2);
      for (const s of samplesOf(outputs)) {
        assert.ok(s.memory.usageBytes > 0n, 'this test process itself uses memory');
        assert.ok(s.memory.workingSetBytes <= s.memory.usageBytes);
        assert.ok(s.memory.stat.size > 10, 'memory.stat read in full');
      }
    });
  }

  test('a privileged container without cgroup namespace: the cgroup is found through /proc/self/cgroup', () => {
    const rel = 'kubepods.slice/kubepods-burstable.slice/cri-containerd-abc.scope';
    const layout = containerLayout('v2', fixture('v2', 'holding120'), { relPath: rel });
    const outputs = parseAll(runScript(['/bin/sh'], samplerScript({ ...layout, maxSamples: 1 })).stdout);
    const started = outputs[0];
    assert.ok(started?.kind === 'started');
    assert.equal(started.info.cgroupDir, path.join(layout.cgroupRoot, rel));
    assert.equal(samplesOf(outputs)[0]?.memory.usageBytes, 136_032_256n);
  });

  test('no memory cgroup: a fatal line naming the root and exit status 3', () => {
    const layout = containerLayout('v2', {});
    const run = runScript(['/bin/sh'], samplerScript({ ...layout, maxSamples: 1 }));
    assert.equal(run.status, 3);
    const outputs = parseAll(run.stdout);
    assert.deepEqual(outputs, [
      {
        kind: 'fatal',
        reason: 'no-memory-cgroup',
        message:
          `No memory cgroup found in the container under ${layout.cgroupRoot}: neither memory.current (cgroup v2) ` +
          'nor memory/memory.usage_in_bytes (cgroup v1) exists. The memory controller may be off for this container.',
      },
    ]);
  });

  test('no sleep command: a fatal line instead of a busy loop', () => {
    const layout = containerLayout('v2', fixture('v2', 'idle'));
    const run = runScript(['/bin/sh'], samplerScript({ ...layout, maxSamples: 2 }), { PATH: tempDir() });
    assert.equal(run.status, 3);
    const outputs = parseAll(run.stdout);
    assert.equal(outputs.length, 1);
    assert.equal(outputs[0]?.kind, 'fatal');
    assert.equal(outputs[0]?.kind === 'fatal' && outputs[0].reason, 'no-sleep');
  });

  test('an optional file that cannot be read (memory.pressure) is reported and treated as absent', () => {
    const layout = containerLayout('v2', fixture('v2', 'after_oom'), { overrideDirs: ['memory.pressure'] });
    const [sample] = samplesOf(parseAll(runScript(['/bin/sh'], samplerScript({ ...layout, maxSamples: 1 })).stdout));
    assert.ok(sample);
    assert.deepEqual(sample.unreadableFiles, ['memory.pressure']);
    assert.equal(sample.memory.pressure, null);
    assert.equal(sample.memory.oomKills, 1);
  });

  test('a required file that cannot be read gives a block error naming it', () => {
    const layout = containerLayout('v2', fixture('v2', 'idle'), { overrideDirs: ['memory.current'] });
    const outputs = parseAll(runScript(['/bin/sh'], samplerScript({ ...layout, maxSamples: 1 })).stdout);
    const error = outputs[1];
    assert.equal(error?.kind, 'block-error');
    if (error?.kind !== 'block-error') return;
    assert.equal(error.file, 'memory.current');
    assert.equal(error.seq, 0);
    assert.match(error.message, /^Sample 0: .*memory\.current.* \(the sampler could not read memory\.current in the container\)$/);
  });
});

suite('sampler script: stdin pacing (the host writes one line per sample)', () => {
  for (const shell of SHELLS) {
    // An empty PATH: no `sleep` (nor anything else) to fork; stdin pacing needs only builtins.
    for (const lines of [0, 1, 3]) {
      test(`${shell.join(' ')}: ${lines} tick line(s), then EOF: exactly ${lines} sample(s) in order, exit status 0, no sleep needed`, () => {
        const layout = containerLayout('v2', fixture('v2', 'holding120'));
        const run = runScript(shell, samplerScript({ ...layout, pacing: 'stdin' }), { PATH: tempDir() }, 't\n'.repeat(lines));
        assert.equal(run.status, 0);
        const outputs = parseAll(run.stdout);
        assert.deepEqual(outputs.map((o) => o.kind), ['started', ...Array<string>(lines).fill('sample')]);
        const started = outputs[0];
        assert.ok(started?.kind === 'started');
        assert.equal(started.info.pacing, 'stdin');
        assert.equal(started.info.sleep, 'none');
        assert.equal(started.info.intervalMs, 250);
        assert.deepEqual(samplesOf(outputs).map((s) => s.seq), Array.from({ length: lines }, (_, i) => i));
        assert.ok(samplesOf(outputs).every((s) => s.monotonicMs === 12_345_670), 'each sample is timed from the uptime file');
      });
    }
  }

  test('a line without a newline before EOF is not a tick: EOF ends the loop', () => {
    const layout = containerLayout('v1', fixture('v1', 'holding120'));
    const run = runScript(['/bin/sh'], samplerScript({ ...layout, pacing: 'stdin' }), process.env, 't\nt\nt');
    assert.equal(run.status, 0);
    assert.deepEqual(samplesOf(parseAll(run.stdout)).map((s) => s.seq), [0, 1]);
  });

  test('maxSamples still ends a stdin-paced run, however many lines are written', () => {
    const layout = containerLayout('v2', fixture('v2', 'idle'));
    const run = runScript(['/bin/sh'], samplerScript({ ...layout, pacing: 'stdin', maxSamples: 2 }), process.env, 't\n'.repeat(5));
    assert.equal(run.status, 0);
    assert.deepEqual(samplesOf(parseAll(run.stdout)).map((s) => s.seq), [0, 1]);
  });

  test('a live stream: each line written gets its sample before the next line, and closing stdin ends the script with 0', async () => {
    const layout = containerLayout('v2', fixture('v2', 'after_oom'));
    const child = spawn('/bin/sh', ['-c', samplerScript({ ...layout, pacing: 'stdin' })], { stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const parser = new SamplerOutputParser();
    const seen: SamplerOutput[] = [];
    let wake: () => void = () => undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      seen.push(...parser.push(chunk));
      wake();
    });
    const until = (count: number): Promise<void> =>
      new Promise((resolve) => {
        wake = () => {
          if (samplesOf(seen).length >= count) resolve();
        };
        wake();
      });
    for (let i = 1; i <= 3; i++) {
      child.stdin.write('tick\n');
      await until(i);
      // Nothing more than one sample per line: the script is waiting on its stdin again.
      assert.equal(samplesOf(seen).length, i);
    }
    child.stdin.end();
    assert.equal(await exited, 0);
    seen.push(...parser.end());
    assert.deepEqual(seen.map((o) => o.kind), ['started', 'sample', 'sample', 'sample']);
    assert.deepEqual(samplesOf(seen).map((s) => s.memory.oomKills), [1, 1, 1]);
  });
});

suite('sampler script: options', () => {
  const bad: [string, Parameters<typeof samplerScript>[0], RegExp][] = [
    ['a relative cgroup root is refused', { cgroupRoot: 'sys/fs/cgroup' }, /cgroupRoot must be an absolute path on one line; got "sys\/fs\/cgroup"/],
    ['a cgroup root with a newline is refused', { cgroupRoot: '/a\nb' }, /absolute path on one line/],
    ['an interval under 10 ms is refused', { intervalMs: 5 }, /between 10 ms and 60 s; got 5 ms/],
    ['a NaN interval is refused', { intervalMs: NaN }, /got NaN ms/],
    ['a fractional sample count is refused', { maxSamples: 1.5 }, /maxSamples must be a whole number/],
    ['an unknown reader is refused', { reader: 'dd' as 'cat' }, /reader must be "builtin" or "cat"; got "dd"/],
    ['an unknown pacing is refused', { pacing: 'timer' as 'stdin' }, /pacing must be "sleep" or "stdin"; got "timer"/],
  ];
  for (const [name, options, error] of bad) {
    test(name, () => assert.throws(() => samplerScript(options), error));
  }

  test('the default reads /sys/fs/cgroup and /proc at 250 ms', () => {
    const script = samplerScript();
    assert.match(script, /^root='\/sys\/fs\/cgroup'; proc='\/proc'; ival=25; limit=0; reader=builtin; pe=0\n/);
  });

  test("a root with a single quote is quoted for sh, and the script uses only POSIX features", () => {
    const layout = containerLayout('v2', fixture('v2', 'idle'));
    const quoted = `${layout.cgroupRoot}-it's`;
    fs.renameSync(layout.cgroupRoot, quoted);
    const outputs = parseAll(runScript(['/bin/sh'], samplerScript({ cgroupRoot: quoted, procRoot: layout.procRoot, maxSamples: 1 })).stdout);
    assert.equal(outputs[0]?.kind === 'started' && outputs[0].info.cgroupDir, quoted);
    assert.equal(samplesOf(outputs).length, 1);
  });
});

// ---------------------------------------------------------------------------------------------

/** Output of a real run: v2 samples from the fixture. */
function realOutput(samples = 3): string {
  const layout = containerLayout('v2', fixture('v2', 'after_oom'));
  return runScript(['/bin/sh'], samplerScript({ ...layout, maxSamples: samples, intervalMs: 10 })).stdout;
}

/** A canonical text form of parser outputs (bigints and Maps included), cheap to compare thousands of times. */
function canonical(outputs: SamplerOutput[]): string {
  return JSON.stringify(outputs, (_key, value: unknown) =>
    typeof value === 'bigint' ? `${value}n` : value instanceof Map ? [...value.entries()] : value,
  );
}

/** Comparable form of outputs (bigints and Maps compare fine with deepEqual). */
function collect(parser: SamplerOutputParser, chunks: (string | Uint8Array)[]): SamplerOutput[] {
  return [...chunks.flatMap((c) => parser.push(c)), ...parser.end()];
}

suite('sampler output parser', () => {
  test('splitting the real output at every byte offset gives the same result', () => {
    // Two samples: the split points cover the first line, both blocks and the boundary between them.
    const text = realOutput(2);
    const bytes = Buffer.from(text, 'utf8');
    const whole = collect(new SamplerOutputParser(), [text]);
    assert.deepEqual(whole.map((o) => o.kind), ['started', 'sample', 'sample']);
    const expected = canonical(whole);
    for (let i = 0; i <= bytes.length; i++) {
      const split = collect(new SamplerOutputParser(), [bytes.subarray(0, i), bytes.subarray(i)]);
      if (canonical(split) !== expected) assert.deepEqual(split, whole, `split at byte ${i}`);
    }
  });

  test('one byte at a time gives the same result', () => {
    const text = realOutput();
    const bytes = Buffer.from(text, 'utf8');
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i++) chunks.push(bytes.subarray(i, i + 1));
    assert.deepEqual(collect(new SamplerOutputParser(), chunks), collect(new SamplerOutputParser(), [text]));
  });

  test('a multi-byte character in the cgroup path survives a split inside it', () => {
    const line = '@@pmc-sampler 1 cgroup=2 reader=builtin cat=yes sleep=none interval_cs=25 dir=/sys/fs/cgroup/café\n';
    const bytes = Buffer.from(line, 'utf8');
    const at = bytes.indexOf(0xc3) + 1; // between the two bytes of "é"
    const outputs = collect(new SamplerOutputParser(), [bytes.subarray(0, at), bytes.subarray(at)]);
    assert.equal(outputs[0]?.kind === 'started' && outputs[0].info.cgroupDir, '/sys/fs/cgroup/café');
  });

  test('noise before the first marker (a motd, a shell warning) is ignored and counted', () => {
    const parser = new SamplerOutputParser();
    const outputs = collect(parser, [`Welcome to the container\nsh: 1: warning\npartial-without-newline${realOutput()}`]);
    assert.deepEqual(outputs.map((o) => o.kind), ['started', 'sample', 'sample', 'sample']);
    // Two whole lines, and the noise glued in front of the first marker.
    assert.equal(parser.ignoredLineCount, 3);
  });

  test('CRLF line ends (exec with a TTY) parse the same', () => {
    const text = realOutput();
    assert.deepEqual(collect(new SamplerOutputParser(), [text.replace(/\n/g, '\r\n')]), collect(new SamplerOutputParser(), [text]));
  });

  const v2 = sampledFiles('v2', 'holding120');
  const block = (seq: number, uptime: string, files: Record<string, string>): string =>
    `@@pmc-begin ${seq} ${uptime}\n${Object.entries(files).map(([n, c]) => `== ${n}\n${c}`).join('')}@@pmc-end ${seq}\n`;

  test('a sample cut off by the next one is an error; the next one is fine', () => {
    const cut = `@@pmc-begin 4 100.00\n== memory.current\n136032256\n`;
    const outputs = collect(new SamplerOutputParser(), [cut + block(5, '100.25', v2)]);
    assert.deepEqual(outputs.map((o) => o.kind), ['block-error', 'sample']);
    assert.deepEqual(outputs[0], {
      kind: 'block-error',
      seq: 4,
      monotonicMs: 100_000,
      file: null,
      message: 'Sample 4 was cut off (a new sample started before it ended).',
    });
  });

  test('the stream ending inside a sample is an error saying the sampler stopped', () => {
    const outputs = collect(new SamplerOutputParser(), [`@@pmc-begin 7 100.00\n== memory.current\n1`]);
    assert.deepEqual(outputs, [
      {
        kind: 'block-error',
        seq: 7,
        monotonicMs: 100_000,
        file: null,
        message: 'The sampler output ended in the middle of sample 7: the container or the exec session stopped.',
      },
    ]);
  });

  test('an end marker with another sequence number is an error', () => {
    const text = block(1, '1.00', v2).replace('@@pmc-end 1', '@@pmc-end 2');
    const [out] = collect(new SamplerOutputParser(), [text]);
    assert.equal(out?.kind === 'block-error' && out.message, 'Sample 1 ended with the marker of sample 2: the output is garbled.');
  });

  test('a malformed file is an error naming the file, and never a NaN figure', () => {
    const [out] = collect(new SamplerOutputParser(), [block(0, '1.00', { ...v2, 'memory.current': 'garbage\n' })]);
    assert.equal(out?.kind, 'block-error');
    if (out?.kind !== 'block-error') return;
    assert.equal(out.file, 'memory.current');
    assert.match(out.message, /^Sample 0: .*memory\.current/);
  });

  test('a timestamp that is not an uptime value is an error', () => {
    const [out] = collect(new SamplerOutputParser(), [block(0, '1700000000', v2)]);
    assert.equal(out?.kind === 'block-error' && out.message, 'Sample 0 cannot be timed: its timestamp "1700000000" is not a /proc/uptime value.');
  });

  test('output inside a sample before any file header is an error', () => {
    const text = block(0, '1.00', v2).replace('@@pmc-begin 0 1.00\n', '@@pmc-begin 0 1.00\ncat: write error\n');
    const [out] = collect(new SamplerOutputParser(), [text]);
    assert.equal(out?.kind === 'block-error' && out.message, 'Sample 0 holds output that belongs to no file: "cat: write error".');
  });

  test('wall times keep the container spacing, anchored on the first receive time', () => {
    const parser = new SamplerOutputParser();
    const first = parser.push(block(0, '100.00', v2), 1_700_000_000_000);
    // The second block arrives 900 ms "late" (network jitter); its wall time follows the uptime.
    const second = parser.push(block(1, '100.25', v2), 1_700_000_001_150);
    const wall = [...first, ...second].map((o) => (o.kind === 'sample' ? o.sample.wallTime : undefined));
    assert.deepEqual(wall, [1_700_000_000_000, 1_700_000_000_250]);
  });

  test('a first sample that arrived late does not date the later ones after their own arrival', () => {
    const parser = new SamplerOutputParser();
    // sample 0 taken at uptime 100.00 but delivered 500 ms later (the exec stream was opening)
    const first = parser.push(block(0, '100.00', v2), 1_700_000_000_500);
    // sample 1, taken 250 ms after it, arrives 10 ms after sample 0: it cannot have been taken
    // after its arrival, so the anchor moves down to it
    const second = parser.push(block(1, '100.25', v2), 1_700_000_000_510);
    // sample 2 arrives late (jitter): it keeps the container's spacing from the new anchor
    const third = parser.push(block(2, '100.50', v2), 1_700_000_000_900);
    const wall = [...first, ...second, ...third].map((o) => (o.kind === 'sample' ? o.sample.wallTime : undefined));
    assert.deepEqual(wall, [1_700_000_000_500, 1_700_000_000_510, 1_700_000_000_760]);
  });

  test('without receive times there is no wall time', () => {
    const [out] = collect(new SamplerOutputParser(), [block(0, '1.00', v2)]);
    assert.ok(out?.kind === 'sample' && !('wallTime' in out.sample));
  });

  test('a first line from an unknown protocol version is reported, not guessed', () => {
    const [out] = collect(new SamplerOutputParser(), ['@@pmc-sampler 9 cgroup=2 dir=/x\n']);
    assert.equal(out?.kind === 'fatal' && out.reason, 'unknown');
  });

  test('the pacing in the first line: stdin, sleep, absent (an older sampler: sleep), or unknown (not guessed)', () => {
    const line = (pacing: string): string => `@@pmc-sampler 1 cgroup=2 reader=builtin cat=yes sleep=none ${pacing}interval_cs=25 procs_every=4 dir=/sys/fs/cgroup\n`;
    const pacingOf = (text: string): string | false => {
      const [out] = collect(new SamplerOutputParser(), [text]);
      return out?.kind === 'started' && out.info.pacing;
    };
    assert.equal(pacingOf(line('pacing=stdin ')), 'stdin');
    assert.equal(pacingOf(line('pacing=sleep ')), 'sleep');
    assert.equal(pacingOf(line('')), 'sleep');
    const [unknown] = collect(new SamplerOutputParser(), [line('pacing=cron ')]);
    assert.equal(unknown?.kind === 'fatal' && unknown.reason, 'unknown');
  });

  test('an integer-only sleep is explained in plain words', () => {
    const [out] = collect(new SamplerOutputParser(), ['@@pmc-sampler 1 cgroup=1 reader=builtin cat=yes sleep=integer interval_cs=100 dir=/sys/fs/cgroup/memory\n']);
    assert.ok(out?.kind === 'started');
    assert.equal(out.info.intervalMs, 1000);
    assert.deepEqual(out.info.notes, [
      "This container's `sleep` cannot sleep fractions of a second, so memory is sampled every 1 s instead of 4 times a second.",
    ]);
  });

  test('an absurdly long line is dropped without holding it in memory', () => {
    const parser = new SamplerOutputParser();
    const junk = 'x'.repeat(40_000);
    const outputs = collect(parser, [junk, junk, junk, `\n${block(0, '1.00', v2)}`]);
    assert.deepEqual(outputs.map((o) => o.kind), ['sample']);
    assert.equal(parser.ignoredLineCount, 1);
  });
});

// ---------------------------------------------------------------------------------------------

function sampleFrom(version: 'v1' | 'v2', moment: string, seq: number, monotonicMs: number, edit?: (files: Record<string, string>) => void): Sample {
  const files = sampledFiles(version, moment);
  edit?.(files);
  return { seq, monotonicMs, memory: readCgroupMemory(files), files, unreadableFiles: [] };
}

suite('sample counters: deltas and resets', () => {
  test('the first sample is the baseline: deltas are 0 whatever the counters say', () => {
    const step = compareSamples(null, sampleFrom('v2', 'after_oom', 0, 1000));
    assert.equal(step.baseline, true);
    assert.equal(step.reset, null);
    assert.equal(step.oomKillDelta, 0);
    assert.equal(step.limitHitDelta, 0);
  });

  test('v2 holding 120 MiB → after the OOM kill: one kill, 43 limit hits, no reset', () => {
    const step = compareSamples(sampleFrom('v2', 'holding120', 0, 1000), sampleFrom('v2', 'after_oom', 1, 1250));
    assert.equal(step.reset, null);
    assert.equal(step.oomKillDelta, 1);
    assert.equal(step.limitHitDelta, 43);
  });

  test('v1 holding 120 MiB → after the OOM kill: one kill, 3719 failcnt hits', () => {
    const step = compareSamples(sampleFrom('v1', 'holding120', 0, 1000), sampleFrom('v1', 'after_oom', 1, 1250));
    assert.equal(step.reset, null);
    assert.equal(step.oomKillDelta, 1);
    assert.equal(step.limitHitDelta, 3719);
  });

  test('v2 after the OOM kill → a fresh cgroup (restart): a reset, never a negative delta', () => {
    const step = compareSamples(sampleFrom('v2', 'after_oom', 5, 1000), sampleFrom('v2', 'idle', 0, 3000));
    assert.deepEqual(step.reset?.reasons, [
      'oom-kills-decreased',
      'limit-hits-decreased',
      'peak-decreased',
      'pressure-total-decreased',
      'page-faults-decreased',
    ]);
    assert.equal(
      step.reset?.message,
      "The container's cgroup was replaced (the container restarted): oom_kill went from 1 to 0; memory.events max went from 43 to 0; " +
        'the peak went from 200Mi to 0B; the total memory stall time (PSI) went down; the page-fault count went from 84293 to 0. ' +
        'Its counters start again from 0; what happened between the last sample of the old container and its end is not known.',
    );
    assert.equal(step.oomKillDelta, 0);
    assert.equal(step.limitHitDelta, 0);
  });

  test('v1 after the OOM kill → a fresh cgroup: failcnt 3719 → 0 is a reset', () => {
    const step = compareSamples(sampleFrom('v1', 'after_oom', 5, 1000), sampleFrom('v1', 'idle', 0, 3000));
    assert.deepEqual(step.reset?.reasons, ['oom-kills-decreased', 'limit-hits-decreased', 'peak-decreased', 'page-faults-decreased']);
    assert.equal(step.oomKillDelta, 0);
    assert.equal(step.limitHitDelta, 0);
  });

  test("a new cgroup that already had its own kill: counted from 0, not as new − old", () => {
    // The old cgroup had 1 kill; the new one already has 1 of its own and a lower peak.
    const before = sampleFrom('v2', 'after_oom', 9, 1000);
    const after = sampleFrom('v2', 'holding120', 0, 2000, (f) => {
      f['memory.events'] = (f['memory.events'] as string).replace('oom_kill 0', 'oom_kill 1');
      f['memory.stat'] = (f['memory.stat'] as string).replace('pgfault 33020', 'pgfault 99999');
    });
    const step = compareSamples(before, after);
    // oom_kill stayed at 1 and page faults grew, but the peak, limit hits and PSI total went down.
    assert.deepEqual(step.reset?.reasons, ['limit-hits-decreased', 'peak-decreased', 'pressure-total-decreased']);
    assert.equal(step.oomKillDelta, 1);
    assert.equal(step.limitHitDelta, 0);
  });

  test('a new container ID from the API is a reset even when every counter grew', () => {
    const step = compareSamples(sampleFrom('v2', 'holding120', 0, 1000), sampleFrom('v2', 'after_oom', 1, 1250), {
      previousContainerId: 'containerd://aaa',
      containerId: 'containerd://bbb',
    });
    assert.deepEqual(step.reset?.reasons, ['container-changed']);
    // Counted from the new cgroup's zero: its own 1 kill and 43 limit hits.
    assert.equal(step.oomKillDelta, 1);
    assert.equal(step.limitHitDelta, 43);
  });

  test('the uptime going backwards is a reset (another boot)', () => {
    const step = compareSamples(sampleFrom('v2', 'idle', 3, 50_000), sampleFrom('v2', 'idle', 4, 1_000));
    assert.deepEqual(step.reset?.reasons, ['clock-went-back']);
  });

  test('counters the kernel does not have give null deltas, not 0', () => {
    const noEvents = (f: Record<string, string>): void => {
      delete f['memory.events'];
    };
    const step = compareSamples(sampleFrom('v2', 'idle', 0, 0, noEvents), sampleFrom('v2', 'idle', 1, 250, noEvents));
    assert.equal(step.oomKillDelta, null);
    assert.equal(step.limitHitDelta, null);
  });

  test('SampleSeries totals OOM kills across a restart', () => {
    const series = new SampleSeries();
    const steps = [
      series.add(sampleFrom('v2', 'idle', 0, 0)),
      series.add(sampleFrom('v2', 'holding120', 1, 250)),
      series.add(sampleFrom('v2', 'after_oom', 2, 500)), // +1 kill, +43 limit hits
      series.add(sampleFrom('v2', 'idle', 0, 5_000)), // restarted: reset
      series.add(sampleFrom('v2', 'after_oom', 1, 5_250)), // +1 kill, +43 in the new cgroup
    ];
    assert.deepEqual(steps.map((s) => s.oomKillDelta), [0, 0, 1, 0, 1]);
    assert.deepEqual(steps.map((s) => s.reset !== null), [false, false, false, true, false]);
    assert.equal(series.totalOomKills, 2);
    assert.equal(series.totalLimitHits, 86);
    assert.equal(series.resets, 1);
    assert.equal(series.length, 5);
    assert.equal(series.latest?.seq, 1);
  });

  test('SampleSeries uses container IDs given with the samples', () => {
    const series = new SampleSeries();
    series.add(sampleFrom('v2', 'idle', 0, 0), 'containerd://aaa');
    const step = series.add(sampleFrom('v2', 'idle', 1, 250), 'containerd://bbb');
    assert.deepEqual(step.reset?.reasons, ['container-changed']);
  });

  test('deltas() over a list gives one step per sample', () => {
    const steps = deltas([sampleFrom('v1', 'idle', 0, 0), sampleFrom('v1', 'holding120', 1, 250), sampleFrom('v1', 'after_oom', 2, 500)]);
    assert.deepEqual(steps.map((s) => [s.baseline, s.oomKillDelta, s.limitHitDelta]), [
      [true, 0, 0],
      [false, 0, 0],
      [false, 1, 3719],
    ]);
  });
});
