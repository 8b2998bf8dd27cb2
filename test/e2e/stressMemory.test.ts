import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { workbench } from './workbench';

// Stress Memory… clicked through the real UI against the sandbox cluster (started here for this
// suite), and the StressChaos it made checked with the real kubectl.
const POD = 'hello-kubernetes-7c9d8b6f5-x2k4p';
const rows = () => workbench().page.locator('.sidebar .monaco-list-row');
const row = (label: string) => rows().filter({ has: workbench().page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });

let sandbox: { kubeconfigPath: string; stop(): Promise<void> } | undefined;

// Asynchronous on purpose: the sandbox's API server runs in this very process.
const run = promisify(execFile);
async function kubectl(kubeconfig: string, ...args: string[]): Promise<string> {
  return (await run('kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8' })).stdout;
}

async function palette(command: string): Promise<void> {
  const { page } = workbench();
  await page.keyboard.press('F1');
  await page.keyboard.type(command);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: command }).first().waitFor();
  await page.keyboard.press('Enter');
}

suite('Stress Memory… from the Pods view, as a person uses it (Chromium, sandbox cluster)', function () {
  this.timeout(180_000);

  suiteSetup(async function () {
    this.timeout(120_000);
    const { scratch } = workbench();
    const { startSandboxCluster } = (await import('../harness/testCluster.mjs')) as { startSandboxCluster: (o: { kubeconfigPath: string }) => Promise<{ kubeconfigPath: string; stop(): Promise<void> }> };
    sandbox = await startSandboxCluster({ kubeconfigPath: path.join(scratch, 'sandbox', 'kubeconfig') });
  });
  suiteTeardown(async () => {
    await sandbox?.stop();
  });

  test('expand to the hello-kubernetes pod, right-click → Stress Memory…, fill the inputs, read the prediction, confirm: kubectl sees the StressChaos', async () => {
    const { page, screenshot } = workbench();
    const kubeconfig = sandbox!.kubeconfigPath;
    await page.keyboard.press('Escape');

    // Open the Pods view (when an earlier suite left it open, the activity-bar click would close it).
    const title = page.locator('.sidebar .composite.title');
    if (!(await title.isVisible()) || !/pod memory chaos/i.test(await title.innerText())) {
      await page.locator('.activitybar a.action-label[aria-label="Pod Memory Chaos"]').click();
    }
    await palette('Pod Memory Chaos: Select Kubeconfig File');
    // The dialog opens on a folder (the home folder, or the last kubeconfig's); type over it once it has settled.
    await page.waitForFunction(() => /\/(home|kube)\/$/.test((document.querySelector('.quick-input-widget input.input') as HTMLInputElement | null)?.value ?? ''));
    await page.locator('.quick-input-widget input.input').fill(kubeconfig);
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'kubeconfig' }).first().waitFor();
    await page.keyboard.press('Enter');
    await row('sandbox').click();
    await row('hello-kubernetes').click();
    const pod = row(POD);
    await pod.waitFor();
    // The row's memory arrives with the first Summary API read.
    await page.waitForFunction((name) => {
      const r = Array.from(document.querySelectorAll('.sidebar .monaco-list-row')).find((e) => e.querySelector('.label-name')?.textContent === name);
      return /^\d+(\.\d)?Mi · \d+% of limit · Burstable/.test(r?.querySelector('.label-description')?.textContent ?? '');
    }, POD, { timeout: 30_000 });
    // Widen the side bar so the rows' descriptions show whole in the screenshots.
    const sash = await page.locator('.part.sidebar').boundingBox();
    if (sash) {
      await page.mouse.move(sash.x + sash.width - 1, sash.y + 300);
      await page.mouse.down();
      await page.mouse.move(sash.x + 560, sash.y + 300, { steps: 5 });
      await page.mouse.up();
    }
    await row('shop').click();
    await row('checkout-with-sidecar').click();
    await page.mouse.move(1200, 700);
    await screenshot('pods-view-memory');

    await pod.click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Stress Memory…' }).hover();
    await page.keyboard.press('Enter');

    const input = page.locator('.quick-input-widget input.input');
    const message = page.locator('.quick-input-widget .quick-input-message');
    await input.waitFor();
    await input.fill('80%');
    await message.getByText('80% of the limit = 419430400 bytes (400Mi)').waitFor();
    await input.fill('256Mi');
    await message.getByText('Chaos Mesh wants 256MiB', { exact: false }).waitFor();
    await screenshot('stress-size-validation');
    await input.fill('100MiB');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: '(2/3)' }).waitFor();
    await input.fill('2');
    await message.getByText('50Mi each').waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: '(3/3)' }).waitFor();
    await input.fill('45s');
    await page.keyboard.press('Enter');

    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    const text = await dialog.innerText();
    assert.match(text, new RegExp(`Stress memory of pod ${POD} \\(container hello-kubernetes\\) in namespace "hello-kubernetes" of context "sandbox"\\?`));
    assert.match(text, /Expected plateau \d+(\.\d)?Mi = working set \d+(\.\d)?Mi \+ 100Mi \(2 workers sharing it \(50Mi each\)\): \d+(\.\d)?% of its limit \(500Mi\)\./);
    assert.match(text, /It stays \d+(\.\d)?Mi below its limit: no OOM kill is expected\./);
    assert.match(text, /liveness probe/);
    await screenshot('stress-prediction');
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await dialog.waitFor({ state: 'detached' });

    const list = await (async () => {
      for (let i = 0; i < 40; i++) {
        const l = JSON.parse(await kubectl(kubeconfig, 'get', 'stresschaos', '-n', 'hello-kubernetes', '-l', 'app.kubernetes.io/managed-by=pod-memory-chaos', '-o', 'json')) as { items: { metadata: { name: string }; spec: Record<string, unknown> }[] };
        if (l.items.length > 0) return l;
        await new Promise((r) => setTimeout(r, 500));
      }
      throw new Error('no StressChaos appeared');
    })();
    assert.equal(list.items.length, 1);
    const spec = list.items[0]!.spec;
    assert.deepEqual(spec.stressors, { memory: { workers: 2, size: '100MiB', oomScoreAdj: 0 } });
    assert.equal(spec.duration, '45s');
    assert.equal(spec.mode, 'all');
    assert.deepEqual(spec.containerNames, ['hello-kubernetes']);
    assert.deepEqual((spec.selector as { pods: unknown }).pods, { 'hello-kubernetes': [POD] });
    await page.locator('.notifications-toasts', { hasText: 'injected into hello-kubernetes/' }).first().waitFor({ timeout: 60_000 });
    await screenshot('stress-injected');
    await kubectl(kubeconfig, 'delete', 'stresschaos', '-n', 'hello-kubernetes', list.items[0]!.metadata.name, '--wait=false');
  });
});
