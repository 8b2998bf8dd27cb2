// The defaults of a new stress live in one place (core's STRESS_DEFAULTS); the settings in
// package.json and every snippet must show the same values.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { STRESS_DEFAULTS } from '../../src/core/validateStressChaos';

const root = path.resolve(__dirname, '../..');

suite('stress defaults: settings, snippets and core agree', () => {
  test('package.json setting defaults are core\'s, and they are 256MB, 1 worker, 60s', () => {
    const props = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).contributes.configuration.properties;
    assert.deepEqual(
      { size: props['podMemoryChaos.stress.defaultSize'].default, workers: props['podMemoryChaos.stress.defaultWorkers'].default, duration: props['podMemoryChaos.stress.defaultDuration'].default },
      { ...STRESS_DEFAULTS },
    );
    assert.deepEqual({ ...STRESS_DEFAULTS }, { size: '256MB', workers: 1, duration: '60s' });
  });

  test('every memory stressor in every snippet defaults to the same size, workers and duration', () => {
    const snippets = JSON.parse(readFileSync(path.join(root, 'snippets', 'stresschaos.code-snippets'), 'utf8')) as Record<string, { body: string[] }>;
    assert.equal(Object.keys(snippets).length, 4);
    for (const [name, { body }] of Object.entries(snippets)) {
      const text = body.join('\n');
      const memory = text.slice(text.indexOf('memory:'));
      assert.match(memory, new RegExp(`workers: \\$\\{\\d+:${STRESS_DEFAULTS.workers}\\}`), name);
      assert.match(memory, new RegExp(`size: \\$\\{\\d+:${STRESS_DEFAULTS.size}\\}`), name);
      assert.match(text, new RegExp(`duration: \\$\\{\\d+:${STRESS_DEFAULTS.duration}\\}`), name);
    }
  });
});
