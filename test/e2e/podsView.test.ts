import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { workbench } from './workbench';

const welcome = () => workbench().page.locator('.welcome-view-content');

suite('Pods view, as a person uses it (Chromium)', () => {
  test('clicking the activity-bar entry shows the no-kubeconfig welcome with its buttons', async () => {
    const { page, screenshot } = workbench();
    await page.locator('.activitybar a.action-label[aria-label="Pod Memory Chaos"]').click();
    await welcome().getByText('No kubeconfig found.', { exact: false }).waitFor();
    const buttons = await welcome().locator('.monaco-button').allInnerTexts();
    assert.deepEqual(buttons.map((b) => b.trim()), ['Select Kubeconfig File', 'Open Settings']);
    await screenshot('pods-view-no-kubeconfig');
  });
});
