// The panel's conclusions from plain numbers; every expected value is a literal of the scenario.
import { strict as assert } from 'node:assert';
import { baselineBefore, expectedPlateau, outcomeSummary, stressorGone, STRESS_SETTLE_MS } from '../../../src/core/stressOutcome';

const MiB = 1024 * 1024;
const T0 = Date.parse('2026-12-05T12:00:00Z');
const at = (s: number, mib: number) => ({ time: T0 + s * 1000, bytes: mib * MiB });

suite('stress outcome: baseline, plateau, stressor gone, summary', () => {
  test('the baseline is the median of the 3 s before the injection; samples after it do not count', () => {
    const points = [at(-5, 10), at(-2.5, 100), at(-2, 101), at(-1, 300), at(-0.5, 102), at(0.5, 150)];
    assert.equal(baselineBefore(points, T0), 101.5 * MiB);
    assert.equal(baselineBefore([at(1, 100)], T0), null, 'opened after the injection: no baseline');
  });

  test('the plateau is the baseline plus the size, capped at the limit', () => {
    assert.equal(expectedPlateau(100 * MiB, 50 * MiB, 500 * MiB), 150 * MiB);
    assert.equal(expectedPlateau(100 * MiB, 3000 * MiB, 500 * MiB), 500 * MiB);
    assert.equal(expectedPlateau(100 * MiB, 3000 * MiB, null), 3100 * MiB);
  });

  test('a restart after the injection: the stressor is gone while the record says Injected', () => {
    const msg = stressorGone({ injected: true, injectedAt: T0, now: T0 + 60_000, baseline: 100 * MiB, sizeBytes: 400 * MiB, recent: [at(59, 90)], restartedAt: T0 + 30_000, restartReason: 'Error, exit code 143' });
    assert.match(msg ?? '', /^Running, but the stressor is gone: the container restarted at .* \(Error, exit code 143\) and the stress died with it\. Chaos Mesh still records it as Injected/);
  });

  test('no rise 10 s after the injection: gone; a rise of a quarter of the size or more: there', () => {
    const base = { injected: true, injectedAt: T0, baseline: 100 * MiB, sizeBytes: 200 * MiB, restartedAt: null };
    assert.match(stressorGone({ ...base, now: T0 + STRESS_SETTLE_MS + 1, recent: [at(10, 110)] }) ?? '', /only 10\.0 MiB above its 100\.0 MiB before the stress, far from the 200\.0 MiB/);
    assert.equal(stressorGone({ ...base, now: T0 + STRESS_SETTLE_MS + 1, recent: [at(10, 150)] }), null);
    assert.equal(stressorGone({ ...base, now: T0 + 5000, recent: [at(5, 100)] }), null, 'too early to tell');
    assert.equal(stressorGone({ ...base, injected: false, now: T0 + 60_000, recent: [at(59, 100)] }), null, 'not injected: nothing to say');
  });

  test('the summary: rise vs expected, peak vs limit, first OOM kill, kills, restarts, who died', () => {
    const lines = outcomeSummary({
      container: 'p/c',
      points: [at(-1, 100), at(1, 150), at(2, 500), at(3, 480)],
      limitBytes: 500 * MiB,
      injectedAt: T0,
      baseline: 100 * MiB,
      sizeBytes: 3000 * MiB,
      oomKillTimes: [T0 + 2500],
      oomKills: 3,
      restarts: 0,
      victims: ['memStress (pid 12)', 'memStress (pid 12)', 'memStress (pid 15)'],
    });
    assert.deepEqual(lines, [
      'p/c: working set rose by 400.0 MiB (from 100.0 MiB); the stress asks for 3000.0 MiB (13% of it).',
      'p/c: peak working set 500.0 MiB of its 500.0 MiB limit (100%).',
      'p/c: first OOM kill 2.5 s after the injection.',
      'p/c: 3 OOM kills, 0 restarts; killed: memStress (pid 12), memStress (pid 15).',
    ]);
  });
});
