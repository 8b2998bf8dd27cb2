import { strict as assert } from 'node:assert';
import { isHostToWebview, isWebviewToHost, RESULTS_VIEW_TYPE } from '../../../src/webview/protocol';

suite('results panel message protocol (src/webview/protocol.ts)', () => {
  test('the panel type is the one package.json activates on', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const manifest = require('../../../package.json') as { activationEvents: string[] };
    assert.ok(manifest.activationEvents.includes(`onWebviewPanel:${RESULTS_VIEW_TYPE}`));
  });

  const fromPanel: { name: string; message: unknown; ok: boolean }[] = [
    { name: 'ready is the panel\'s handshake', message: { type: 'ready' }, ok: true },
    { name: 'an unknown type is not ours', message: { type: 'samples' }, ok: false },
    { name: 'a string is not a message', message: 'ready', ok: false },
    { name: 'null is not a message', message: null, ok: false },
  ];
  for (const c of fromPanel) test(`panel → host: ${c.name}`, () => assert.equal(isWebviewToHost(c.message), c.ok));

  const fromHost: { name: string; message: unknown; ok: boolean }[] = [
    { name: 'init with a sample rate', message: { type: 'init', sampleRateHz: 4 }, ok: true },
    { name: 'init with translations', message: { type: 'init', sampleRateHz: 4, l10n: { Memory: 'Speicher' } }, ok: true },
    { name: 'init without a sample rate is rejected', message: { type: 'init' }, ok: false },
    { name: 'init with a sample rate in a string is rejected', message: { type: 'init', sampleRateHz: '4' }, ok: false },
    { name: 'init with l10n that is not an object is rejected', message: { type: 'init', sampleRateHz: 4, l10n: 'de' }, ok: false },
    { name: 'VS Code\'s own messages are not ours', message: { command: 'onmessage' }, ok: false },
  ];
  for (const c of fromHost) test(`host → panel: ${c.name}`, () => assert.equal(isHostToWebview(c.message), c.ok));
});
