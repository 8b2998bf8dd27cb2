// The gate every cluster change passes (src/extension/clusterWrites.ts), in the real host: the
// read-only setting refuses without asking, and its message says which setting to change.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { clusterWritesBlocked, confirmClusterChange } from '../../src/extension/clusterWrites';

suite('cluster writes: read-only mode and trust', () => {
  teardown(async () => {
    await vscode.workspace.getConfiguration('podMemoryChaos').update('readOnly', undefined, vscode.ConfigurationTarget.Global);
  });

  test('readOnly is machine-scoped with default false; confirmByTypingContexts defaults to ["prod"]', () => {
    const c = vscode.workspace.getConfiguration('podMemoryChaos');
    assert.equal(c.inspect('readOnly')?.defaultValue, false);
    assert.deepEqual(c.inspect('confirmByTypingContexts')?.defaultValue, ['prod']);
  });

  test('with readOnly on, a change is refused at once, naming the setting', async () => {
    assert.equal(vscode.workspace.isTrusted, true);
    assert.equal(clusterWritesBlocked(), undefined);
    await vscode.workspace.getConfiguration('podMemoryChaos').update('readOnly', true, vscode.ConfigurationTarget.Global);
    assert.match(clusterWritesBlocked() ?? '', /read-only \(setting podMemoryChaos\.readOnly\)/);
    // No modal is shown (it would block this call): the answer comes back false by itself.
    assert.equal(await confirmClusterChange({ context: 'sandbox', namespace: 'shop', action: 'Create StressChaos "x"' }), false);
  });
});
