import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activeApi, eventually, kubeconfigText, setKubeconfigSetting, writeKubeconfig } from './helpers';

// The driver starts code-server with a HOME that has no ~/.kube/config and without $KUBECONFIG,
// so "no setting" really means "no kubeconfig".
suite('Pods view: kubeconfig contexts (in VS Code)', () => {
  teardown(async () => {
    await setKubeconfigSetting(undefined);
    await vscode.commands.executeCommand('podMemoryChaos.refresh');
  });

  test('the test host has no kubeconfig of its own', () => {
    assert.equal(process.env.KUBECONFIG, undefined);
    assert.equal(fs.existsSync(path.join(os.homedir(), '.kube', 'config')), false);
  });

  test('no kubeconfig anywhere: no rows, state "none" (the welcome content shows)', async () => {
    const api = await activeApi();
    await vscode.commands.executeCommand('podMemoryChaos.refresh');
    assert.equal(api.kubeconfigState(), 'none');
    assert.deepEqual(await api.podsRoots(), []);
  });

  test('the setting names a kubeconfig: one row per context, the current one marked', async () => {
    const api = await activeApi();
    const file = writeKubeconfig([
      { name: 'kind-dev', server: 'https://127.0.0.1:6443', namespace: 'shop' },
      { name: 'staging', server: 'https://10.1.2.3:443' },
    ], 'staging');
    await setKubeconfigSetting(file);
    await vscode.commands.executeCommand('podMemoryChaos.refresh');
    assert.equal(api.kubeconfigState(), 'loaded');
    const rows = await api.podsRoots();
    assert.deepEqual(rows.map(({ label, description, contextValue }) => ({ label, description, contextValue })), [
      { label: 'kind-dev', description: 'shop · https://127.0.0.1:6443', contextValue: 'podMemoryChaos.context.inactive' },
      { label: 'staging', description: 'current · https://10.1.2.3:443', contextValue: 'podMemoryChaos.context.current' },
    ]);
    assert.match(rows[1].tooltip ?? '', /current context/);
    assert.ok((rows[1].tooltip ?? '').includes(file.replace(/[.\-_]/g, (c) => `\\${c}`)), rows[1].tooltip);
  });

  test('changing the setting alone reloads the view (no refresh command)', async () => {
    const api = await activeApi();
    const file = writeKubeconfig([{ name: 'from-setting-change', server: 'https://127.0.0.1:1' }]);
    await setKubeconfigSetting(file);
    const rows = await eventually(() => api.podsRoots(), (r) => r.length === 1);
    assert.deepEqual(rows.map((r) => r.label), ['from-setting-change']);
  });

  test('editing the kubeconfig file on disk reloads the view', async () => {
    const api = await activeApi();
    const file = writeKubeconfig([{ name: 'one', server: 'https://127.0.0.1:1' }]);
    await setKubeconfigSetting(file);
    await vscode.commands.executeCommand('podMemoryChaos.refresh');
    assert.deepEqual((await api.podsRoots()).map((r) => r.label), ['one']);
    fs.writeFileSync(file, kubeconfigText([{ name: 'one', server: 'https://127.0.0.1:1' }, { name: 'two', server: 'https://127.0.0.1:2' }]));
    const rows = await eventually(() => api.podsRoots(), (r) => r.length === 2);
    assert.deepEqual(rows.map((r) => r.label), ['one', 'two']);
  });

  test('the setting names a missing file: state "error", one row that leads to picking another file', async () => {
    const api = await activeApi();
    const missing = path.join(os.tmpdir(), 'pmc-no-such-dir', 'config');
    await setKubeconfigSetting(missing);
    await vscode.commands.executeCommand('podMemoryChaos.refresh');
    assert.equal(api.kubeconfigState(), 'error');
    assert.deepEqual(await api.podsRoots(), [{
      label: 'config',
      description: 'not found — click to pick another',
      contextValue: 'podMemoryChaos.kubeconfig.error.missing',
      tooltip: `The kubeconfig file ${missing} does not exist.`,
    }]);
  });

  test('an unreadable kubeconfig: state "error", one row that opens the file, the reason in its tooltip', async () => {
    const api = await activeApi();
    const file = writeKubeconfig([{ name: 'ok', server: 'https://127.0.0.1:1' }]);
    fs.writeFileSync(file, 'clusters: [\n');
    await setKubeconfigSetting(file);
    await vscode.commands.executeCommand('podMemoryChaos.refresh');
    assert.equal(api.kubeconfigState(), 'error');
    const rows = await api.podsRoots();
    assert.deepEqual(rows.map(({ label, description, contextValue }) => ({ label, description, contextValue })), [
      { label: 'config', description: 'cannot be read — click to open it', contextValue: 'podMemoryChaos.kubeconfig.error.unreadable' },
    ]);
    await vscode.commands.executeCommand('podMemoryChaos.openKubeconfig', file);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, file);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a kubeconfig without contexts: no rows, state "empty"', async () => {
    const api = await activeApi();
    const file = writeKubeconfig([]);
    await setKubeconfigSetting(file);
    await vscode.commands.executeCommand('podMemoryChaos.refresh');
    assert.equal(api.kubeconfigState(), 'empty');
    assert.deepEqual(await api.podsRoots(), []);
  });
});
