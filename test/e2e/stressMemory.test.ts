import { strict as assert } from 'node:assert';
import { expandPodsViewRow, kubectl, podOfApp, podsViewRow, podsViewRowMenu, useTestCluster, workbench } from './workbench';

// Stress Memory… clicked through the real UI against the cluster under test (the fixture's: the
// sandbox, or PMC_TEST_KUBECONFIG's), and the StressChaos it made checked with the real kubectl.
const NS = 'hello-kubernetes';

suite('Stress Memory… from the Pods view, as a person uses it (Chromium)', function () {
  this.timeout(180_000);

  test('expand to the hello-kubernetes pod, right-click → Stress Memory…, fill the inputs, read the prediction, confirm: kubectl sees the StressChaos', async () => {
    const { page, screenshot } = workbench();
    await page.keyboard.press('Escape');
    // An earlier suite may have hidden the side bar; useTestCluster opens the Pods view again.
    const context = await useTestCluster();
    // The cluster is shared with earlier suites: the experiment this test makes is the one not
    // listed before it.
    type Experiments = { items: { metadata: { name: string }; spec: Record<string, unknown> }[] };
    const labelled = async () => JSON.parse(await kubectl(['get', 'stresschaos', '-n', NS, '-l', 'app.kubernetes.io/managed-by=pod-memory-chaos', '-o', 'json'])) as Experiments;
    const before = new Set((await labelled()).items.map((e) => e.metadata.name));
    const POD = await podOfApp(NS, 'hello-kubernetes');
    await expandPodsViewRow(context);
    await expandPodsViewRow(NS);
    const pod = podsViewRow(POD);
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
    await expandPodsViewRow('shop');
    await expandPodsViewRow(await podOfApp('shop', 'checkout'));
    await page.mouse.move(1200, 700);
    await screenshot('pods-view-memory');

    await podsViewRowMenu(POD, 'Stress Memory…');

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
    assert.match(text, new RegExp(`Stress memory of pod ${POD} \\(container hello-kubernetes\\) in namespace "hello-kubernetes" of context "${context}"\\?`));
    assert.match(text, /Expected plateau \d+(\.\d)?Mi = working set \d+(\.\d)?Mi \+ 100Mi \(2 workers sharing it \(50Mi each\)\): \d+(\.\d)?% of its limit \(500Mi\)\./);
    assert.match(text, /It stays \d+(\.\d)?Mi below its limit: no OOM kill is expected\./);
    assert.match(text, /liveness probe/);
    await screenshot('stress-prediction');
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await dialog.waitFor({ state: 'detached' });

    const list = await (async () => {
      for (let i = 0; i < 40; i++) {
        const l = (await labelled()).items.filter((e) => !before.has(e.metadata.name));
        if (l.length > 0) return l;
        await new Promise((r) => setTimeout(r, 500));
      }
      throw new Error('no StressChaos appeared');
    })();
    assert.equal(list.length, 1);
    const spec = list[0]!.spec;
    assert.deepEqual(spec.stressors, { memory: { workers: 2, size: '100MiB', oomScoreAdj: 0 } });
    assert.equal(spec.duration, '45s');
    assert.equal(spec.mode, 'all');
    assert.deepEqual(spec.containerNames, ['hello-kubernetes']);
    assert.deepEqual((spec.selector as { pods: unknown }).pods, { 'hello-kubernetes': [POD] });
    await page.locator('.notifications-toasts', { hasText: 'injected into hello-kubernetes/' }).first().waitFor({ timeout: 60_000 });
    await screenshot('stress-injected');
    await kubectl(['delete', 'stresschaos', '-n', NS, list[0]!.metadata.name, '--wait=false']);
  });
});
