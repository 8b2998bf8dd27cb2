// Commands that work today. Commands contributed in package.json for later features (stress,
// apply, dry run, delete, pause, resume, results) are not registered until their feature exists;
// their menu and palette entries are hidden by `when` clauses until then (see README,
// "Commands and context keys").
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { setKubeconfigPath } from './config';
import { deleteAllExperiments } from './experiments';
import type { PodsTreeProvider } from './tree/podsTree';

export const EXTENSION_ID = 'pod-memory-chaos.pod-memory-chaos';
/** The snippet contributed in snippets/stresschaos.code-snippets. */
export const STRESSCHAOS_SNIPPET = 'StressChaos: memory stress';

export function registerCommands(context: vscode.ExtensionContext, pods: PodsTreeProvider, log: vscode.LogOutputChannel): void {
  const register = (id: string, handler: (...args: unknown[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, handler));

  register('podMemoryChaos.refresh', () => pods.reload());

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
