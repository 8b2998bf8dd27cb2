import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import { activeApi } from './helpers';

suite('StressChaos authoring aids (in VS Code)', () => {
  teardown(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  test('"New StressChaos File" inserts the contributed snippet: a complete memory StressChaos', async () => {
    await activeApi();
    const uri = await vscode.commands.executeCommand<vscode.Uri>('podMemoryChaos.newStressChaos');
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    assert.equal(editor.document.uri.toString(), uri.toString());
    assert.equal(editor.document.languageId, 'yaml');
    assert.deepEqual(parse(editor.document.getText()), {
      apiVersion: 'chaos-mesh.org/v1alpha1',
      kind: 'StressChaos',
      metadata: { name: 'memory-stress', namespace: 'default' },
      spec: {
        mode: 'one',
        selector: { namespaces: ['default'], labelSelectors: { app: 'my-app' } },
        stressors: { memory: { workers: 1, size: '256MB', oomScoreAdj: 0 } },
        duration: '60s',
      },
    });
  });
});
