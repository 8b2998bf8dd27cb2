import { strict as assert } from 'node:assert';
import { isHostToWebview, isWebviewToHost, MAX_PNG_DATA_URL_LENGTH, RESULTS_VIEW_TYPE, webviewMessageProblem } from '../../../src/webview/protocol';

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

  // Hostile or malformed messages from the panel: each rejected, with the reason the host logs.
  const hostile: { name: string; message: unknown; problem: string }[] = [
    { name: 'a number', message: 42, problem: 'not an object (number)' },
    { name: 'an array', message: [{ type: 'ready' }], problem: 'not an object (array)' },
    { name: 'no type', message: { format: 'csv' }, problem: 'no string `type`' },
    { name: 'a type that is not a string', message: { type: ['ready'] }, problem: 'no string `type`' },
    { name: 'an unknown type', message: { type: 'deleteAll' }, problem: 'unknown type "deleteAll"' },
    { name: 'a host message sent back', message: { type: 'init' }, problem: 'unknown type "init"' },
    { name: 'ready with an extra field', message: { type: 'ready', extra: 1 }, problem: 'unexpected field "extra"' },
    { name: 'export to a path the panel chose', message: { type: 'export', format: 'csv', path: '/etc/cron.d/x' }, problem: 'unexpected field "path"' },
    { name: 'export to a URI the panel chose', message: { type: 'export', format: 'json', uri: 'file:///root/.bashrc', target: '/tmp' }, problem: 'unexpected fields "uri", "target"' },
    { name: 'export in a format that is not a string', message: { type: 'export', format: { toString: 'csv' } }, problem: 'export format of type object (csv, json or png)' },
    { name: 'export in an unknown format', message: { type: 'export', format: 'xlsx' }, problem: 'export format "xlsx" (csv, json or png)' },
    { name: 'a PNG export without its data URL', message: { type: 'export', format: 'png' }, problem: "a PNG export without the chart's data URL" },
    { name: 'a data URL of another type', message: { type: 'export', format: 'png', dataUrl: 'data:text/html;base64,PHNjcmlwdD4=' }, problem: 'a data URL that is not a base64 PNG' },
    { name: 'a data URL with a script after it', message: { type: 'export', format: 'png', dataUrl: 'data:image/png;base64,AA==<script>' }, problem: 'a data URL that is not a base64 PNG' },
    { name: 'a data URL on a CSV export', message: { type: 'export', format: 'csv', dataUrl: 'data:image/png;base64,AA==' }, problem: 'unexpected field "dataUrl"' },
    { name: 'a huge PNG payload', message: { type: 'export', format: 'png', dataUrl: `data:image/png;base64,${'A'.repeat(MAX_PNG_DATA_URL_LENGTH)}` }, problem: `a PNG data URL of ${MAX_PNG_DATA_URL_LENGTH + 22} characters (at most ${MAX_PNG_DATA_URL_LENGTH})` },
    // JSON.parse makes "__proto__" an own key, as structured clone from the webview does
    { name: 'a __proto__ key (prototype pollution)', message: JSON.parse('{"type":"ready","__proto__":{"polluted":true}}'), problem: 'unexpected field "__proto__"' },
    { name: 'a constructor key', message: { type: 'compare', constructor: { prototype: { polluted: true } } }, problem: 'unexpected field "constructor"' },
    { name: 'an object of another class', message: Object.assign(new (class Message {})(), { type: 'ready' }), problem: 'not a plain object' },
    { name: 'a symbol key', message: { type: 'ready', [Symbol('x')]: 1 }, problem: 'symbol keys' },
  ];
  for (const c of hostile) {
    test(`panel → host, rejected: ${c.name}`, () => {
      assert.equal(webviewMessageProblem(c.message), c.problem);
      assert.equal(isWebviewToHost(c.message), false);
    });
  }

  test('panel → host: every message the panel script sends is accepted, and nothing was polluted', () => {
    for (const m of [{ type: 'ready' }, { type: 'compare' }, { type: 'export', format: 'csv' }, { type: 'export', format: 'json' }, { type: 'export', format: 'png', dataUrl: 'data:image/png;base64,iVBORw0KGgo=' }, Object.assign(Object.create(null), { type: 'ready' })]) {
      assert.equal(webviewMessageProblem(m), undefined, JSON.stringify(m));
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
