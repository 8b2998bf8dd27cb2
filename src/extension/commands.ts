// The Pods view's commands (refresh, retry, sort and filters) and the kubeconfig commands. Commands
// contributed in package.json for later features (apply, dry run, delete, pause, resume, results)
// are not registered until their feature exists; their menu and palette entries are hidden by
// `when` clauses until then (see README, "Commands and context keys"). Stress Memory… is
// registered by stress/stressMemory.ts.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { setKubeconfigPath } from './config';
import { deleteAllExperiments } from './experiments';
import type { PodsTreeProvider, SortOrder } from './tree/podsTree';

export const EXTENSION_ID = 'pod-memory-chaos.pod-memory-chaos';
/** The snippet contributed in snippets/stresschaos.code-snippets. */
export const STRESSCHAOS_SNIPPET = 'StressChaos: memory stress';

export function registerCommands(context: vscode.ExtensionContext, pods: PodsTreeProvider, log: vscode.LogOutputChannel): void {
  const register = (id: string, handler: (...args: unknown[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, handler));

  register('podMemoryChaos.refresh', () => pods.refresh());
  register('podMemoryChaos.retryContext', (context?: unknown) => {
    if (typeof context === 'string') pods.retry(context);
  });
  // A row's detail (why there is no memory source, why stress is off) in a message with the log at hand.
  register('podMemoryChaos.explain', async (text?: unknown) => {
    if (typeof text !== 'string') return;
    const showLog = vscode.l10n.t('Show Log');
    if ((await vscode.window.showInformationMessage(text, showLog)) === showLog) log.show(true);
  });
  register('podMemoryChaos.sortPods', async () => {
    const items: (vscode.QuickPickItem & { sort: SortOrder })[] = [
      { label: vscode.l10n.t('Name'), sort: 'name' },
      { label: vscode.l10n.t('Working set (largest first)'), sort: 'workingSet' },
      { label: vscode.l10n.t('% of limit (highest first)'), sort: 'percentOfLimit' },
    ];
    for (const i of items) if (i.sort === pods.sort) i.description = vscode.l10n.t('current');
    const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Sort pods by') });
    if (!picked) return;
    pods.sort = picked.sort;
    pods.viewOptionsChanged();
  });
  register('podMemoryChaos.filterPods', async () => {
    const value = await vscode.window.showInputBox({
      title: vscode.l10n.t('Filter pods'),
      prompt: vscode.l10n.t('Part of a pod name, or labels: app=web, tier!=cache (comma = and). Empty: no filter.'),
      value: pods.filter,
    });
    if (value === undefined) return;
    pods.filter = value.trim();
    pods.viewOptionsChanged();
  });
  register('podMemoryChaos.clearPodFilter', () => {
    pods.filter = '';
    pods.namespaceFilter = new Set();
    pods.viewOptionsChanged();
  });
  register('podMemoryChaos.filterNamespaces', async () => {
    const names = pods.knownNamespaces();
    if (names.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Expand a context first: its namespaces are listed then.'));
      return;
    }
    const picked = await vscode.window.showQuickPick(
      names.map((n) => ({ label: n, picked: pods.namespaceFilter.size === 0 || pods.namespaceFilter.has(n) })),
      { canPickMany: true, title: vscode.l10n.t('Namespaces to show') },
    );
    if (!picked) return;
    pods.namespaceFilter = picked.length === names.length ? new Set() : new Set(picked.map((p) => p.label));
    pods.viewOptionsChanged();
  });

  register('podMemoryChaos.selectKubeconfig', async () => {
    const kubeDir = path.join(os.homedir(), '.kube');
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: true,
      canSelectFolders: false,
      canSelectMany: false,
      openLabel: vscode.l10n.t('Use This Kubeconfig'),
      title: vscode.l10n.t('Select a kubeconfig file'),
      defaultUri: vscode.Uri.file(fs.existsSync(kubeDir) ? kubeDir : os.homedir()),
    });
    const file = picked?.[0];
    if (!file) return undefined;
    if (file.scheme !== 'file' && file.scheme !== 'vscode-remote') {
      void vscode.window.showErrorMessage(vscode.l10n.t('Pick a kubeconfig on this machine\'s disk ({0} is not a local file).', file.toString()));
      return undefined;
    }
    await setKubeconfigPath(file.fsPath);
    log.info(`kubeconfig set to ${file.fsPath}`);
    return pods.reload(); // the configuration listener reloads too; this makes the command's promise mean "done"
  });

  // The kubeconfig path is machine-scoped: in a remote window (code-server, SSH, WSL) VS Code shows
  // it only among the remote machine's settings, so open those there.
  register('podMemoryChaos.openSettings', () =>
    vscode.commands.executeCommand(vscode.env.remoteName ? 'workbench.action.openRemoteSettings' : 'workbench.action.openSettings', { query: `@ext:${EXTENSION_ID}` }));

  register('podMemoryChaos.openKubeconfig', async (file?: unknown) => {
    const target = typeof file === 'string' ? file : pods.watchedFiles()[0];
    if (!target || !fs.existsSync(target)) return vscode.commands.executeCommand('podMemoryChaos.selectKubeconfig');
    return vscode.window.showTextDocument(vscode.Uri.file(target));
  });

  register('podMemoryChaos.showLog', () => log.show(true));

  register('podMemoryChaos.deleteAllExperiments', () => deleteAllExperiments(log));

  register('podMemoryChaos.newStressChaos', async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'yaml', content: '' });
    const editor = await vscode.window.showTextDocument(document);
    // Insert the contributed snippet itself, so the command and the snippet cannot drift apart.
    await vscode.commands.executeCommand('editor.action.insertSnippet', { langId: 'yaml', name: STRESSCHAOS_SNIPPET });
    return editor.document.uri;
  });
}
