// The results panel as a person uses it (Chromium): the test cluster (the sandbox) with a 3000MiB
// StressChaos on the 500Mi unprobed pod applied with kubectl while the pod's panel, opened from the
// Pods view (right-click the pod → Show Memory Results), watches: the curve drawn, an OOM marker
// and the timeline's words, and the screenshot
// artifacts/screenshots/results-panel-oom.png (the README's media/results-panel.png is a copy of
// one, looked at and committed by hand, so a test run never changes a tracked file).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { expandPodsViewRow, kubectl, podOfApp, podsViewRowMenu, useTestCluster, workbench } from './workbench';

const NS = 'hello-kubernetes';

const OOM_DEMO = `apiVersion: chaos-mesh.org/v1alpha1
kind: StressChaos
metadata:
  name: oom-demo
  namespace: ${NS}
spec:
  mode: all
  selector:
    labelSelectors:
      app.kubernetes.io/name: hello-kubernetes-unprobed
  stressors:
    memory:
      workers: 4
      size: 3000MiB
  duration: 10m
`;

suite('Results panel, as a person uses it (Chromium)', function () {
  this.timeout(240_000);

  suiteTeardown(async () => {
    await kubectl(['delete', 'stresschaos', 'oom-demo', '-n', NS, '--ignore-not-found', '--wait']).catch(() => undefined);
  });

  test('right-click the pod in the Pods view → Show Memory Results, then a 3000MiB stress: the curve, an OOM kill marker and the timeline in words', async () => {
    const { page, scratch, screenshot } = workbench();
    // On a loaded machine the remote extension host can take a while to come up; until then the
    // palette lists none of the extension's commands. Wait for it as a person would look again.
    // (The palette computes its list when it opens, so it is opened again until the command is there.)
    for (let tries = 0; ; tries++) {
      await page.keyboard.press('F1');
      await page.keyboard.type('Pod Memory Chaos: Select Kubeconfig File');
      const listed = await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Select Kubeconfig File' }).first()
        .waitFor({ timeout: 5_000 }).then(() => true, () => false);
      await page.keyboard.press('Escape');
      if (listed) break;
      assert.ok(tries < 18, 'the extension’s commands never appeared in the command palette');
    }
    const context = await useTestCluster();
    // From the Pods view: expand the context and the namespace, right-click the pod. The panel is
    // opened before the stress starts, as a person watching a pod would, so its process lists
    // bracket the first OOM kill.
    const pod = await podOfApp(NS, 'hello-kubernetes-unprobed');
    await expandPodsViewRow(context);
    await expandPodsViewRow(NS);
    await podsViewRowMenu(pod, 'Show Memory Results');
    await page.locator('.tab', { hasText: `Memory: ${pod}` }).waitFor({ timeout: 30_000 });
    // a 3000MiB stress on the 500Mi pod without probes, applied with kubectl as from a terminal
    const manifest = path.join(scratch, 'oom-demo.yaml');
    fs.writeFileSync(manifest, OOM_DEMO);
    await kubectl(['apply', '-f', manifest]);
    const panel: FrameLocator = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await panel.locator('#chart canvas').first().waitFor({ timeout: 30_000 });
    const oom = panel.locator('#timeline li[data-marker="oom-kill"]').first();
    await oom.waitFor({ timeout: 120_000 });
    const text = await oom.innerText();
    assert.match(text, /OOM kill inside hello-kubernetes/);
    // the victim is named when the process lists bracket the kill (the sandbox suite tests that
    // exactly); a burst of kills between two lists is counted instead
    assert.match(text, /The kernel OOM killer killed (\S+ \(pid \d+|\d+ processes|a process)/);
    assert.match(text, /the container itself survived/);
    const legend = await panel.locator('.u-legend').innerText();
    assert.match(legend, /working set/);
    // some more curve after the kill, then the picture for the README
    await page.waitForTimeout(15_000);
    // the side bar closed (View: Toggle Primary Side Bar), so the panel has the window's width
    await page.keyboard.press('Control+B');
    await page.locator('.sidebar').waitFor({ state: 'hidden' });
    await page.waitForTimeout(500);
    await page.mouse.move(5, 5);
    await screenshot('results-panel-oom');
  });
});
