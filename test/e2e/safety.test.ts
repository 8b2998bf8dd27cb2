// Safety as a person meets it (Chromium, against the cluster under test): the stresses this
// extension made can all be found and deleted from one command, after a confirmation that names
// the context; read-only mode refuses before asking anything. Checked with real kubectl.
import { strict as assert } from 'node:assert';
import { kubectl, runCommand, useTestCluster, workbench } from './workbench';

const LABEL = 'app.kubernetes.io/managed-by=pod-memory-chaos';

function stressChaos(name: string, labelled: boolean): string {
  return JSON.stringify({
    apiVersion: 'chaos-mesh.org/v1alpha1',
    kind: 'StressChaos',
    metadata: { name, namespace: 'shop', ...(labelled ? { labels: { 'app.kubernetes.io/managed-by': 'pod-memory-chaos' } } : {}) },
    spec: { mode: 'one', selector: { namespaces: ['shop'] }, stressors: { memory: { workers: 1, size: '8MB' } }, duration: '10m' },
  });
}

async function names(selector: string[]): Promise<string[]> {
  const out = (await kubectl(['get', 'stresschaos', '-n', 'shop', ...selector, '-o', 'jsonpath={.items[*].metadata.name}'])).trim();
  return out === '' ? [] : out.split(' ').sort();
}

suite('safety: finding and deleting every stress this extension made (Chromium)', () => {
  let context = '';
  suiteSetup(async function () {
    this.timeout(240_000); // a loaded 2-core machine: code-server, the sandbox and kubectl share it
    context = await useTestCluster();
    for (const [name, labelled] of [['mine-a', true], ['mine-b', true], ['not-mine', false]] as const) {
      const file = `${workbench().scratch}/${name}.json`;
      (await import('node:fs')).writeFileSync(file, stressChaos(name, labelled));
      await kubectl(['apply', '-f', file]);
    }
    assert.deepEqual(await names(['-l', LABEL]), ['mine-a', 'mine-b']);
  });

  suiteTeardown(async () => {
    await kubectl(['delete', 'stresschaos', '-n', 'shop', '--all', '--wait=true', '--timeout=120s']);
  });

  test('"Delete All StressChaos Made by Pod Memory Chaos…" lists only the labelled ones, confirms naming the context, and deletes them', async () => {
    const { page, screenshot } = workbench();
    await runCommand('Pod Memory Chaos: Delete All StressChaos Made by Pod Memory Chaos…');
    const rows = page.locator('.quick-input-list .monaco-list-row');
    await rows.filter({ hasText: 'mine-a' }).waitFor();
    assert.deepEqual((await rows.locator('.label-name').allInnerTexts()).sort(), ['mine-a', 'mine-b']);
    await screenshot('delete-all-pick');
    await page.keyboard.press('Enter');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.getByText(`Delete 2 StressChaos experiment(s) in namespace "shop" of context "${context}"?`).waitFor();
    await screenshot('delete-all-confirm');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    const deadline = Date.now() + 120_000;
    while ((await names(['-l', LABEL])).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(await names(['-l', LABEL]), []);
    assert.deepEqual(await names([]), ['not-mine']);
  });
});
