// The English l10n bundle (l10n/bundle.l10n.json) is what VS Code's l10n API falls back to and
// what a translation starts from: it must hold every message the sources pass to l10n.t, and
// nothing that is no longer said. Regenerate it with `npm run l10n`.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

suite('l10n bundle', () => {
  test('l10n/bundle.l10n.json lists exactly the l10n.t messages of src/, each as itself', async () => {
    const bundle = JSON.parse(fs.readFileSync(path.join(root, 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
    const { l10nMessages } = (await import('../../scripts/l10n.mjs')) as { l10nMessages: () => string[] };
    const messages = l10nMessages();
    // a few messages known from the sources, so an extraction that finds nothing cannot pass
    for (const known of ['Select Kubeconfig File…', "Type the context's name to confirm: {0}"]) assert.ok(messages.includes(known), known);
    assert.deepEqual(Object.keys(bundle).filter((k) => !messages.includes(k)), [], 'stale entries: run npm run l10n');
    assert.deepEqual(messages.filter((m) => !(m in bundle)), [], 'missing entries: run npm run l10n');
    for (const m of messages) assert.equal(bundle[m], m);
  });
});
