import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { activeApi, EXTENSION_ID, manifest } from './helpers';

/** Commands that work in this version; each must be registered after activation. */
const WORKING_COMMANDS = [
  'podMemoryChaos.refresh',
  'podMemoryChaos.selectKubeconfig',
  'podMemoryChaos.openSettings',
  'podMemoryChaos.showLog',
  'podMemoryChaos.openKubeconfig',
  'podMemoryChaos.newStressChaos',
  'podMemoryChaos.deleteAllExperiments',
];

suite('activation and contributions (in VS Code)', () => {
  test('the host is the VS Code the engines floor was chosen for, and the extension loads there', () => {
    // The code-server driver names the exact version it serves; a desktop run only needs the floor.
    const expected = process.env.PMC_EXPECTED_VSCODE_VERSION;
    if (expected) assert.equal(vscode.version, expected);
    const [major, minor] = vscode.version.split('.').map(Number);
    assert.ok(major > 1 || (major === 1 && minor >= 100), `VS Code ${vscode.version} is below the engines floor`);
    assert.equal(manifest().engines.vscode, '^1.100.0');
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID), 'extension under development is loaded');
  });

  test('activation returns the inspection API', async () => {
    const api = await activeApi();
    assert.equal(api.apiVersion, 1);
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
  });

  test('every working command is registered', async () => {
    await activeApi();
    const all = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(WORKING_COMMANDS.filter((c) => !all.has(c)), []);
  });

  test('every contributed command has a category and a codicon', () => {
    const bad = (manifest().contributes.commands as { command: string; category?: string; icon?: string }[])
      .filter((c) => !c.category || !/^\$\([a-z-]+\)$/.test(c.icon ?? ''))
      .map((c) => c.command);
    assert.deepEqual(bad, []);
  });

  test('contributed commands that are not registered yet are hidden from the palette behind a feature context key', async () => {
    await activeApi();
    const registered = new Set(await vscode.commands.getCommands(true));
    const m = manifest();
    const palette = new Map((m.contributes.menus.commandPalette as { command: string; when: string }[]).map((e) => [e.command, e.when]));
    const unguarded = (m.contributes.commands as { command: string }[])
      .map((c) => c.command)
      .filter((id) => !registered.has(id))
      .filter((id) => !/\bpodMemoryChaos\.(stressChaosDocument|stressAvailable|resultsAvailable)\b/.test(palette.get(id) ?? ''));
    assert.deepEqual(unguarded, []);
  });

  test('the activity-bar container and the Pods view open through their generated commands', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.podMemoryChaos');
    await vscode.commands.executeCommand('podMemoryChaos.pods.focus');
  });

  test('activates on YAML files and on the results panel type', () => {
    assert.deepEqual(manifest().activationEvents, ['onLanguage:yaml', 'onWebviewPanel:podMemoryChaos.results']);
  });

  test('Restricted Mode is limited, and the kubeconfig path is a restricted, machine-scoped setting', () => {
    const m = manifest();
    assert.equal(m.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.deepEqual(m.capabilities.untrustedWorkspaces.restrictedConfigurations, ['podMemoryChaos.kubeconfig']);
    assert.equal(m.contributes.configuration.properties['podMemoryChaos.kubeconfig'].scope, 'machine');
    const inspected = vscode.workspace.getConfiguration('podMemoryChaos').inspect<string>('kubeconfig');
    assert.equal(inspected?.defaultValue, '');
  });

  test('settings come with their package.json defaults', () => {
    const c = vscode.workspace.getConfiguration('podMemoryChaos');
    assert.deepEqual(
      ['refreshIntervalSeconds', 'sampleRateHz', 'stress.defaultSize', 'stress.defaultWorkers', 'stress.defaultDuration'].map((k) => c.get(k)),
      [10, 4, '256MB', 1, '60s'],
    );
  });
});
