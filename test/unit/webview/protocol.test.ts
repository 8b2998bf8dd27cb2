import { strict as assert } from 'node:assert';
import { isHostToWebview, isWebviewToHost, RESULTS_VIEW_TYPE } from '../../../src/webview/protocol';

function init(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'init',
    sampleRateHz: 4,
    title: 'Memory: hello',
    subject: { kind: 'experiment', context: 'sandbox', namespace: 'hello-kubernetes', name: 'fifty' },
    containers: [],
    samples: [],
    timeline: [],
    processes: [],
    status: { notices: [], windows: [], expectedPlateau: {}, summary: { lines: [] }, source: 'exec' },
    overlay: null,
    ...overrides,
  };
}

suite('results panel message protocol (src/webview/protocol.ts)', () => {
  test('the panel type is the one package.json activates on', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const manifest = require('../../../package.json') as { activationEvents: string[] };
    assert.ok(manifest.activationEvents.includes(`onWebviewPanel:${RESULTS_VIEW_TYPE}`));
  });

  const fromPanel: { name: string; message: unknown; ok: boolean }[] = [
    { name: 'ready is the panel\'s handshake', message: { type: 'ready' }, ok: true },
    { name: 'an unknown type is not ours', message: { type: 'samples' }, ok: false },
    { name: 'export as CSV', message: { type: 'export', format: 'csv' }, ok: true },
    { name: 'export as PNG with the canvas', message: { type: 'export', format: 'png', dataUrl: 'data:image/png;base64,AA==' }, ok: true },
    { name: 'export in an unknown format is rejected', message: { type: 'export', format: 'xlsx' }, ok: false },
    { name: 'compare with a past run', message: { type: 'compare' }, ok: true },
    { name: 'a string is not a message', message: 'ready', ok: false },
    { name: 'null is not a message', message: null, ok: false },
  ];
  for (const c of fromPanel) test(`panel → host: ${c.name}`, () => assert.equal(isWebviewToHost(c.message), c.ok));

  const fromHost: { name: string; message: unknown; ok: boolean }[] = [
    { name: 'init with the whole state', message: init(), ok: true },
    { name: 'init with translations', message: init({ l10n: { Memory: 'Speicher' } }), ok: true },
    { name: 'init for a pod (Show memory)', message: init({ subject: { kind: 'pod', context: 'sandbox', namespace: 'ns', pod: 'p', container: 'c' } }), ok: true },
    { name: 'init without a sample rate is rejected', message: init({ sampleRateHz: undefined }), ok: false },
    { name: 'init with a sample rate in a string is rejected', message: init({ sampleRateHz: '4' }), ok: false },
    { name: 'init with l10n that is not an object is rejected', message: init({ l10n: 'de' }), ok: false },
    { name: 'init with a subject missing its name is rejected', message: init({ subject: { kind: 'experiment', context: 'c', namespace: 'n' } }), ok: false },
    { name: 'samples in batches', message: { type: 'samples', batches: [] }, ok: true },
    { name: 'timeline increments', message: { type: 'timeline', upsert: [], remove: ['a'] }, ok: true },
    { name: 'timeline without removals is rejected', message: { type: 'timeline', upsert: [] }, ok: false },
    { name: 'VS Code\'s own messages are not ours', message: { command: 'onmessage' }, ok: false },
  ];
  for (const c of fromHost) test(`host → panel: ${c.name}`, () => assert.equal(isHostToWebview(c.message), c.ok));
});
