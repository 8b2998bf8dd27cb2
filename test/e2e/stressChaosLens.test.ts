// The StressChaos CodeLens as a person uses it, against the test cluster: open a StressChaos
// file, see the lenses, click Apply and confirm, and the experiment exists in the cluster with
// its stress injected (checked with real kubectl); then Pause, Resume and Delete the same way.
// Screenshots in artifacts/screenshots/stresschaos-*.png.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { kubectl, useTestCluster, workbench } from './workbench';

const NAME = 'e2e-lens-stress';
const NAMESPACE = 'hello-kubernetes';
const MANIFEST = [
  'apiVersion: chaos-mesh.org/v1alpha1',
  'kind: StressChaos',
  'metadata:',
  `  name: ${NAME}`,
  `  namespace: ${NAMESPACE}`,
  'spec:',
  '  mode: one',
  '  selector:',
  '    labelSelectors:',
  '      app.kubernetes.io/name: hello-kubernetes-unprobed',
  '  stressors:',
  '    memory:',
  '      workers: 1',
  '      size: 64MiB',
  '  duration: 10m',
  '',
].join('\n');

suite('StressChaos CodeLens, as a person uses it (Chromium + test cluster)', () => {
  type Live = {
    metadata: { annotations?: Record<string, string> };
    status?: { conditions?: { type: string; status: string }[]; experiment?: { containerRecords?: { id: string; phase: string }[] } };
  };
  const live = async () => JSON.parse(await kubectl(['get', 'stresschaos', NAME, '-n', NAMESPACE, '-o', 'json'])) as Live;
  const condition = (obj: Live, type: string) => obj.status?.conditions?.find((c) => c.type === type)?.status;
  async function until<T>(probe: () => Promise<T>, done: (v: T) => boolean, what: string, limitMs = 60_000): Promise<T> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      let value: T | undefined;
      let error = '';
      try {
        value = await probe();
        if (done(value)) return value;
      } catch (e) {
        error = e instanceof Error ? `${e.message} ${(e as { stderr?: string }).stderr ?? ''}` : String(e); // not there yet
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)} ${error}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** The test cluster's context (`sandbox`, or PMC_TEST_KUBECONFIG's current one). */
  let context = '';

  suiteSetup(async function () {
    this.timeout(180_000);
    const { page, profile } = workbench();
    // Run first on a fresh workbench, the palette lists the extension's commands only once its
    // contributions are in: wait for its activity-bar entry.
    await page.locator('.activitybar a.action-label[aria-label="Pod Memory Chaos"]').waitFor({ timeout: 90_000 });
    context = await useTestCluster();
    fs.writeFileSync(path.join(profile.workspaceDir, 'memory-stress.yaml'), MANIFEST);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+P');
    await page.keyboard.type('memory-stress.yaml');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'memory-stress.yaml' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-line', { hasText: 'kind: StressChaos' }).waitFor();
  });

  suiteTeardown(async function () {
    this.timeout(120_000);
    await kubectl(['delete', 'stresschaos', NAME, '-n', NAMESPACE, '--ignore-not-found', '--wait=true']).catch(() => undefined);
  });

  // The status lens has no command, so VS Code renders it as a span; the actions are links.
  const lens = (text: string) => workbench().page.locator('.monaco-editor .codelens-decoration a', { hasText: new RegExp(`^\\s*${text}\\s*$`) });
  const status = (text: string) => workbench().page.locator('.monaco-editor .codelens-decoration :is(a, span)', { hasText: text });
  const lensTexts = () => workbench().page.locator('.monaco-editor .codelens-decoration').first().innerText();
  /** Rewrites the `size:` line (line 14) from the keyboard: Go to Line, select the line's text, type. */
  async function setSize(size: string): Promise<void> {
    const { page } = workbench();
    await page.locator('.monaco-editor .view-line', { hasText: 'kind: StressChaos' }).click();
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input.input').waitFor();
    await page.keyboard.type('14');
    await page.keyboard.press('Enter');
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+Home');
    await page.keyboard.type(`size: ${size}`);
    // The line holds the inlay hint too (`= … B total`), and VS Code renders spaces as U+00A0: match with \s and what cannot follow.
    await page.locator('.monaco-editor .view-line', { hasText: new RegExp(`size:\\s${size}(?![A-Za-z])`) }).waitFor();
  }

  /** Clicks a lens, then the modal's confirm button. */
  async function clickAndConfirm(lensText: string, button: string): Promise<void> {
    const { page } = workbench();
    await lens(lensText).first().click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), new RegExp(`namespace "hello-kubernetes" of context "${context}"`));
    await dialog.getByRole('button', { name: button, exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
  }

  test('the lenses above the document: not applied yet, Apply and Dry Run', async function () {
    this.timeout(90_000);
    const { page, screenshot } = workbench();
    await status(`Not applied in ${context} · hello-kubernetes`).waitFor({ timeout: 60_000 });
    await lens('Apply').waitFor();
    await lens('Dry Run').waitFor();
    assert.equal(await lens('Pause').count(), 0);
    await page.mouse.move(900, 600);
    await screenshot('stresschaos-lens-not-applied');
  });

  test('Apply → confirm: the experiment exists in the cluster with its stress injected; the status lens says Running', async function () {
    this.timeout(120_000);
    const { screenshot } = workbench();
    await clickAndConfirm('Apply', 'Apply');
    const obj = await until(live, (o) => condition(o, 'AllInjected') === 'True', 'kubectl to show AllInjected');
    assert.deepEqual(obj.status?.experiment?.containerRecords?.map((r) => [r.id, r.phase]), [['hello-kubernetes/hello-kubernetes-unprobed/hello-kubernetes', 'Injected']]);
    await status('Running · 1/1 injected · 0 recovered').waitFor({ timeout: 30_000 });
    await lens('Pause').waitFor();
    await lens('Delete').waitFor();
    await lens('Show Results').waitFor();
    assert.match(await lensTexts(), /left/);
    await screenshot('stresschaos-lens-running');
  });

  test('Pause → confirm: the pause annotation is set and Chaos Mesh recovers the target; the lens offers Resume', async function () {
    this.timeout(120_000);
    const { screenshot } = workbench();
    await clickAndConfirm('Pause', 'Pause');
    const obj = await until(live, (o) => condition(o, 'Paused') === 'True', 'kubectl to show Paused');
    assert.equal(obj.metadata.annotations?.['experiment.chaos-mesh.org/pause'], 'true');
    await lens('Resume').waitFor({ timeout: 30_000 });
    await status('Paused').waitFor({ timeout: 30_000 });
    await screenshot('stresschaos-lens-paused');
  });

  test('Resume → confirm: the annotation goes, the stress is injected again', async function () {
    this.timeout(120_000);
    await clickAndConfirm('Resume', 'Resume');
    const obj = await until(live, (o) => condition(o, 'Paused') === 'False' && condition(o, 'AllInjected') === 'True', 'kubectl to show resumed and injected');
    assert.notEqual(obj.metadata.annotations?.['experiment.chaos-mesh.org/pause'], 'true');
    await lens('Pause').waitFor({ timeout: 30_000 });
  });

  test('Apply after changing the spec: Chaos Mesh would refuse the update, so the extension offers to delete and recreate it', async function () {
    this.timeout(180_000);
    const { page, screenshot } = workbench();
    await setSize('96MiB');
    await clickAndConfirm('Apply', 'Apply');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), new RegExp(`already exists in context "${context}", namespace "hello-kubernetes" with another spec`));
    assert.match(await dialog.innerText(), /Chaos Mesh refuses any change to the spec of an existing experiment/);
    await screenshot('stresschaos-apply-changed-spec');
    await dialog.getByRole('button', { name: 'Delete and Recreate', exact: true }).click();
    const obj = await until(
      async () => JSON.parse(await kubectl(['get', 'stresschaos', NAME, '-n', NAMESPACE, '-o', 'json'])) as Live & { spec: { stressors: { memory: { size: string } } } },
      (o) => o.spec.stressors.memory.size === '96MiB' && condition(o, 'AllInjected') === 'True',
      'kubectl to show the recreated experiment injected',
      120_000,
    );
    assert.equal(obj.spec.stressors.memory.size, '96MiB');
    await status('Running · 1/1 injected').waitFor({ timeout: 30_000 });
  });

  test('Dry Run of a size Chaos Mesh refuses: its webhook\'s words in the notification', async function () {
    this.timeout(90_000);
    const { page, screenshot } = workbench();
    await setSize('96Mi');
    await lens('Fix the errors to apply').waitFor({ timeout: 30_000 });
    await lens('Dry Run').first().click();
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'admission webhook "vstresschaos.kb.io" denied the request' });
    await toast.waitFor({ timeout: 30_000 });
    assert.match(await toast.innerText(), /dry run of StressChaos "e2e-lens-stress"/);
    await screenshot('stresschaos-dry-run-refused');
    await setSize('96MiB'); // back to a valid document for Delete below
  });

  test('Delete → confirm: the experiment is gone from the cluster; the lens says not applied', async function () {
    this.timeout(120_000);
    const { screenshot } = workbench();
    await clickAndConfirm('Delete', 'Delete');
    await until(() => kubectl(['get', 'stresschaos', '-n', NAMESPACE, '-o', 'name']), (out) => !out.includes(NAME), 'kubectl to stop listing the experiment');
    await status(`Not applied in ${context} · hello-kubernetes`).waitFor({ timeout: 30_000 });
    await screenshot('stresschaos-lens-deleted');
  });
});
