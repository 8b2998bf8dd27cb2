// Settings with wrong types or values (hand-edited settings.json): each gets a safe value and one
// sentence naming the setting, the value found and the value used. Expectations are literal.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkSettings, defaultSizeForNode, SETTING_DEFAULTS, SETTING_RANGES } from '../../../src/core/settings';

/** checkSettings over a settings.json fragment (keys below `podMemoryChaos.`). */
function check(values: Record<string, unknown>) {
  return checkSettings((key) => values[key]);
}

suite('settings: checked values and their messages (src/core/settings.ts)', () => {
  test('defaults and ranges are package.json\'s', () => {
    const props = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')).contributes.configuration.properties as Record<string, { default: unknown; minimum?: number; maximum?: number; type: string }>;
    const d = SETTING_DEFAULTS;
    assert.deepEqual(
      Object.fromEntries(Object.entries(props).map(([k, v]) => [k, v.default])),
      {
        'podMemoryChaos.kubeconfig': d.kubeconfig,
        'podMemoryChaos.refreshIntervalSeconds': d.refreshIntervalSeconds,
        'podMemoryChaos.thresholds.warningPercent': d.thresholds.warningPercent,
        'podMemoryChaos.thresholds.criticalPercent': d.thresholds.criticalPercent,
        'podMemoryChaos.sampleRateHz': d.sampleRateHz,
        'podMemoryChaos.readOnly': d.readOnly,
        'podMemoryChaos.confirmByTypingContexts': d.confirmByTypingContexts,
        'podMemoryChaos.stress.defaultSize': d.stress.defaultSize,
        'podMemoryChaos.stress.defaultWorkers': d.stress.defaultWorkers,
        'podMemoryChaos.stress.defaultDuration': d.stress.defaultDuration,
      },
    );
    for (const [key, range] of Object.entries(SETTING_RANGES)) {
      const p = props[`podMemoryChaos.${key}`];
      assert.deepEqual([p.minimum, p.maximum, p.type === 'integer'], [range.min, range.max, range.integer], key);
    }
  });

  test('nothing set: the defaults, no problem', () => {
    assert.deepEqual(check({}), {
      settings: { kubeconfig: '', refreshIntervalSeconds: 10, thresholds: { warningPercent: 70, criticalPercent: 90 }, sampleRateHz: 4, readOnly: false, confirmByTypingContexts: ['prod'], stress: { defaultSize: '256MB', defaultWorkers: 1, defaultDuration: '60s' } },
      problems: [],
    });
  });

  test('good values are kept as written', () => {
    const r = check({ kubeconfig: '/home/me/.kube/lab', refreshIntervalSeconds: 30, 'thresholds.warningPercent': 60, 'thresholds.criticalPercent': 80, sampleRateHz: 10, readOnly: true, confirmByTypingContexts: ['^prod-', 'live'], 'stress.defaultSize': '1GiB', 'stress.defaultWorkers': 4, 'stress.defaultDuration': '5m' });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.settings, { kubeconfig: '/home/me/.kube/lab', refreshIntervalSeconds: 30, thresholds: { warningPercent: 60, criticalPercent: 80 }, sampleRateHz: 10, readOnly: true, confirmByTypingContexts: ['^prod-', 'live'], stress: { defaultSize: '1GiB', defaultWorkers: 4, defaultDuration: '5m' } });
    assert.deepEqual(check({ 'stress.defaultSize': '50%' }).settings.stress.defaultSize, '50%');
  });

  const cases: { name: string; values: Record<string, unknown>; pick: (s: ReturnType<typeof check>['settings']) => unknown; used: unknown; message: string }[] = [
    { name: 'a rate in a string', values: { sampleRateHz: 'fast' }, pick: (s) => s.sampleRateHz, used: 4, message: 'Setting podMemoryChaos.sampleRateHz is "fast": a string, not a number; using 4 instead.' },
    { name: 'a rate above the range', values: { sampleRateHz: 1000 }, pick: (s) => s.sampleRateHz, used: 20, message: 'Setting podMemoryChaos.sampleRateHz is 1000: above the maximum 20; using 20 instead.' },
    { name: 'a rate below the range', values: { sampleRateHz: 0.5 }, pick: (s) => s.sampleRateHz, used: 4, message: 'Setting podMemoryChaos.sampleRateHz is 0.5: below the minimum 4; using 4 instead.' },
    { name: 'a negative refresh interval', values: { refreshIntervalSeconds: -5 }, pick: (s) => s.refreshIntervalSeconds, used: 2, message: 'Setting podMemoryChaos.refreshIntervalSeconds is -5: below the minimum 2; using 2 instead.' },
    { name: 'a refresh interval of 0', values: { refreshIntervalSeconds: 0 }, pick: (s) => s.refreshIntervalSeconds, used: 2, message: 'Setting podMemoryChaos.refreshIntervalSeconds is 0: below the minimum 2; using 2 instead.' },
    { name: 'a huge refresh interval', values: { refreshIntervalSeconds: 1e308 }, pick: (s) => s.refreshIntervalSeconds, used: 600, message: 'Setting podMemoryChaos.refreshIntervalSeconds is 1e+308: above the maximum 600; using 600 instead.' },
    { name: 'a fractional refresh interval', values: { refreshIntervalSeconds: 2.5 }, pick: (s) => s.refreshIntervalSeconds, used: 3, message: 'Setting podMemoryChaos.refreshIntervalSeconds is 2.5: not a whole number; using 3 instead.' },
    { name: 'a refresh interval as an object', values: { refreshIntervalSeconds: { seconds: 5 } }, pick: (s) => s.refreshIntervalSeconds, used: 10, message: 'Setting podMemoryChaos.refreshIntervalSeconds is {"seconds":5}: an object, not a number; using 10 instead.' },
    { name: 'null workers', values: { 'stress.defaultWorkers': null }, pick: (s) => s.stress.defaultWorkers, used: 1, message: 'Setting podMemoryChaos.stress.defaultWorkers is null: null, not a number; using 1 instead.' },
    { name: 'warning not below critical', values: { 'thresholds.warningPercent': 95, 'thresholds.criticalPercent': 90 }, pick: (s) => s.thresholds, used: { warningPercent: 70, criticalPercent: 90 }, message: 'Setting podMemoryChaos.thresholds.warningPercent is 95: not below thresholds.criticalPercent (90), so no pod would show yellow (critical uses 90); using 70 instead.' },
    { name: 'read-only as a string', values: { readOnly: 'false' }, pick: (s) => s.readOnly, used: true, message: 'Setting podMemoryChaos.readOnly is "false": a string, not true or false, so writes stay off; using true instead.' },
    { name: 'a kubeconfig path as a list', values: { kubeconfig: ['/a', '/b'] }, pick: (s) => s.kubeconfig, used: '', message: 'Setting podMemoryChaos.kubeconfig is ["/a","/b"]: a list, not a file path; using "" instead.' },
    { name: 'patterns as one string', values: { confirmByTypingContexts: 'prod' }, pick: (s) => s.confirmByTypingContexts, used: ['prod'], message: 'Setting podMemoryChaos.confirmByTypingContexts is "prod": a string, not a list of patterns; using ["prod"] instead.' },
    { name: 'patterns with a number', values: { confirmByTypingContexts: ['prod', 7] }, pick: (s) => s.confirmByTypingContexts, used: ['prod'], message: 'Setting podMemoryChaos.confirmByTypingContexts is ["prod",7]: a list with entries that are not strings; using ["prod"] instead.' },
    { name: 'a pattern that is not a regular expression', values: { confirmByTypingContexts: ['(prod', 'live'] }, pick: (s) => s.confirmByTypingContexts, used: ['(prod', 'live'], message: 'Setting podMemoryChaos.confirmByTypingContexts is "(prod": not a regular expression (/(prod/i: Unterminated group), so it matches context names containing that text; using "(prod as plain text" instead.' },
    { name: 'size 1K (1,000 bytes to Chaos Mesh)', values: { 'stress.defaultSize': '1K' }, pick: (s) => s.stress.defaultSize, used: '256MB', message: 'Setting podMemoryChaos.stress.defaultSize is "1K": only 1000 bytes to Chaos Mesh (its K is 1,000 bytes), too little for a memory stress to show; using "256MB" instead.' },
    { name: 'size -5Mi', values: { 'stress.defaultSize': '-5Mi' }, pick: (s) => s.stress.defaultSize, used: '256MB', message: 'Setting podMemoryChaos.stress.defaultSize is "-5Mi": not a size Chaos Mesh reads (write a number with B, KB/KiB, MB/MiB, GB/GiB or TB/TiB); using "256MB" instead.' },
    { name: 'size 5Mi (a Kubernetes quantity)', values: { 'stress.defaultSize': '5Mi' }, pick: (s) => s.stress.defaultSize, used: '256MB', message: 'Setting podMemoryChaos.stress.defaultSize is "5Mi": not a size Chaos Mesh reads (write a number with B, KB/KiB, MB/MiB, GB/GiB or TB/TiB, Chaos Mesh would want 5MiB); using "256MB" instead.' },
    { name: 'size 0', values: { 'stress.defaultSize': '0' }, pick: (s) => s.stress.defaultSize, used: '256MB', message: 'Setting podMemoryChaos.stress.defaultSize is "0": a stress of 0 bytes allocates nothing; using "256MB" instead.' },
    { name: 'size as a number', values: { 'stress.defaultSize': 256 }, pick: (s) => s.stress.defaultSize, used: '256MB', message: 'Setting podMemoryChaos.stress.defaultSize is 256: a number, not a size such as 256MB; using "256MB" instead.' },
    { name: 'size 150%', values: { 'stress.defaultSize': '150%' }, pick: (s) => s.stress.defaultSize, used: '256MB', message: 'Setting podMemoryChaos.stress.defaultSize is "150%": a percentage of the container\'s limit must be above 0% and at most 100%; using "256MB" instead.' },
    { name: 'duration in days', values: { 'stress.defaultDuration': '1d' }, pick: (s) => s.stress.defaultDuration, used: '60s', message: 'Setting podMemoryChaos.stress.defaultDuration is "1d": not a Go duration (time: unknown unit "d" in duration "1d"); using "60s" instead.' },
    { name: 'a negative duration', values: { 'stress.defaultDuration': '-5m' }, pick: (s) => s.stress.defaultDuration, used: '60s', message: 'Setting podMemoryChaos.stress.defaultDuration is "-5m": a stress from here always ends, so the duration must be more than 0; using "60s" instead.' },
  ];
  for (const c of cases) {
    test(`${c.name}: ${JSON.stringify(c.used)} is used, and said so`, () => {
      const r = check(c.values);
      assert.deepEqual(c.pick(r.settings), c.used);
      assert.deepEqual(r.problems.map((p) => p.message), [c.message]);
    });
  }

  test('a default size beyond the node\'s memory: the built-in default, or a quarter of a small node', () => {
    const GiB = 1024n ** 3n;
    assert.deepEqual(defaultSizeForNode('64GiB', 64n * GiB, 8n * GiB, 'node-a'), {
      size: '256MB',
      problem: { setting: 'podMemoryChaos.stress.defaultSize', value: '64GiB', used: '256MB', message: 'Setting podMemoryChaos.stress.defaultSize is "64GiB": more than node node-a\'s memory (8Gi); using "256MB" instead.' },
    });
    assert.equal(defaultSizeForNode('1GB', 1_000_000_000n, 400n * 1024n * 1024n, 'tiny').size, '100MiB');
    assert.deepEqual(defaultSizeForNode('1GiB', GiB, 8n * GiB, 'node-a'), { size: '1GiB' });
    assert.deepEqual(defaultSizeForNode('1GiB', GiB, null, 'unknown'), { size: '1GiB' });
  });
});
