import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { workbench } from './workbench';

const welcome = () => workbench().page.locator('.welcome-view-content');
/** Rows of the Pods view (the only tree in the Pod Memory Chaos side bar). */
const rows = () => workbench().page.locator('.sidebar .monaco-list-row');

function kubeconfig(contexts: { name: string; server: string }[], current: string): string {
  return [
    'apiVersion: v1', 'kind: Config', `current-context: ${current}`,
    'clusters:', ...contexts.flatMap((c) => [`- name: ${c.name}`, '  cluster:', `    server: ${c.server}`]),
    'users:', '- name: e2e', '  user:', '    token: e2e-token',
    'contexts:', ...contexts.flatMap((c) => [`- name: ${c.name}`, '  context:', `    cluster: ${c.name}`, '    user: e2e']),
    '',
  ].join('\n');
}

suite('Pods view, as a person uses it (Chromium)', () => {
  test('clicking the activity-bar entry shows the no-kubeconfig welcome with its buttons', async () => {
    const { page, screenshot } = workbench();
    await page.locator('.activitybar a.action-label[aria-label="Pod Memory Chaos"]').click();
    await welcome().getByText('No kubeconfig found.', { exact: false }).waitFor();
    const buttons = await welcome().locator('.monaco-button').allInnerTexts();
    assert.deepEqual(buttons.map((b) => b.trim()), ['Select Kubeconfig File', 'Open Settings']);
    await page.mouse.move(700, 400); // away from the activity bar, so no hover tooltip covers the view
    await page.locator('.workbench-hover').waitFor({ state: 'hidden' });
    await screenshot('pods-view-no-kubeconfig');
  });

  test('"Open Settings" in the welcome opens the extension\'s settings; the command palette closes them', async () => {
    const { page, screenshot } = workbench();
    await welcome().getByRole('button', { name: 'Open Settings' }).click();
    // code-server is a remote window: the machine-scoped kubeconfig path is listed only in the
    // Remote tab, which the command opens, filtered to this extension.
    const settings = page.locator('.settings-editor');
    await settings.getByText('Kubeconfig', { exact: true }).waitFor();
    await settings.getByText('10 Settings Found').waitFor();
    await settings.getByText('Refresh Interval Seconds', { exact: true }).waitFor();
    await screenshot('settings-from-welcome');
    await page.keyboard.press('F1');
    await page.keyboard.type('View: Close All Editors');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Close All Editors' }).first().waitFor();
    await page.keyboard.press('Enter');
    await settings.waitFor({ state: 'detached' });
  });

  test('"Select Kubeconfig File", typing a path in the file dialog: the view lists the contexts, current marked', async () => {
    const { page, scratch, screenshot } = workbench();
    const file = path.join(scratch, 'kube', 'config');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, kubeconfig([
      { name: 'sandbox', server: 'https://127.0.0.1:16443' },
      { name: 'staging', server: 'https://10.20.30.40:6443' },
    ], 'sandbox'));
    await welcome().getByRole('button', { name: 'Select Kubeconfig File' }).click();
    const input = page.locator('.quick-input-widget input.input');
    // The dialog opens on the home folder (no ~/.kube here); type over it once it has settled.
    await page.waitForFunction(() => (document.querySelector('.quick-input-widget input.input') as HTMLInputElement | null)?.value.endsWith('/home/'));
    await input.fill(file);
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'config' }).waitFor();
    await page.keyboard.press('Enter');
    await rows().first().waitFor();
    const shown = await rows().evaluateAll((els) => els.map((e) => [e.querySelector('.label-name')?.textContent, e.querySelector('.label-description')?.textContent]));
    assert.deepEqual(shown, [['sandbox', 'current · https://127.0.0.1:16443'], ['staging', 'https://10.20.30.40:6443']]);
    await screenshot('pods-view-contexts');
  });

  test('the selected kubeconfig breaks on disk: the view says why, its row opens the file; fixed on disk, the contexts return', async () => {
    const { page, scratch, screenshot } = workbench();
    const file = path.join(scratch, 'kube', 'config');
    const good = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, 'contexts:\n- name: broken\n  context:\n    user: nobody\n');
    const message = page.locator('.sidebar .message');
    await message.getByText(`The kubeconfig ${file} could not be read: contexts[0].context.cluster is missing`).waitFor();
    const errorRow = rows().filter({ hasText: 'cannot be read' });
    assert.deepEqual(await errorRow.evaluate((e) => [e.querySelector('.label-name')?.textContent, e.querySelector('.label-description')?.textContent]), ['config', 'cannot be read — click to open it']);
    await screenshot('pods-view-broken-kubeconfig');
    await errorRow.click();
    await page.locator('.tabs-container .tab.active', { hasText: 'config' }).waitFor();
    await page.locator('.editor-instance .view-lines').getByText('user: nobody').waitFor();
    fs.writeFileSync(file, good);
    await rows().filter({ hasText: 'staging' }).waitFor();
    assert.equal(await message.isVisible(), false);
    await page.keyboard.press('F1');
    await page.keyboard.type('View: Close All Editors');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Close All Editors' }).first().waitFor();
    await page.keyboard.press('Enter');
  });

  test('the view title\'s "..." menu → New StressChaos File opens a StressChaos YAML editor', async () => {
    const { page, screenshot } = workbench();
    await page.locator('.sidebar .composite.title [aria-label*="More Actions"]').click();
    // Monaco menus act on keyboard or on a mouse-up that follows their own mouse-down; hover + Enter is what works reliably.
    await page.getByRole('menuitem', { name: 'New StressChaos File' }).hover();
    await page.keyboard.press('Enter');
    const lines = page.locator('.editor-instance .view-lines');
    await lines.getByText('kind: StressChaos').waitFor();
    await screenshot('new-stresschaos');
  });
});

/** The colour the editor paints a token with (the theme is pinned to Default Light Modern by the fixture). */
async function tokenColor(text: string): Promise<string | undefined> {
  return workbench().page.locator('.editor-instance .view-line span span').evaluateAll(
    (spans, wanted) => {
      const span = spans.find((s) => s.textContent === wanted);
      return span ? getComputedStyle(span).color : undefined;
    },
    text,
  );
}

suite('StressChaos YAML in the editor, as a person types it (Chromium)', () => {
  test('a Chaos Mesh size is painted as a number; typing the Kubernetes form 256Mi turns it red', async () => {
    const { page, screenshot } = workbench();
    await page.keyboard.press('Escape'); // leave the snippet's placeholders
    assert.equal(await tokenColor('256MB'), 'rgb(9, 134, 88)'); // constant.numeric in Light Modern (#098658), not the YAML string blue
    await page.keyboard.press('Control+G');
    await page.keyboard.type('17');
    await page.keyboard.press('Enter');
    await page.keyboard.press('End');
    await page.keyboard.press('Control+Shift+ArrowLeft');
    await page.keyboard.type('256Mi');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.editor-instance .view-line span span')).some((s) => s.textContent === '256Mi'));
    assert.equal(await tokenColor('256Mi'), 'rgb(205, 49, 49)'); // `invalid` in Light Modern (#cd3131)
    await page.keyboard.press('Escape'); // close word completion, which would cover the line in the screenshot
    await page.locator('.editor-widget.suggest-widget.visible').waitFor({ state: 'hidden' });
    await screenshot('stresschaos-size-256Mi-flagged');
  });
});
