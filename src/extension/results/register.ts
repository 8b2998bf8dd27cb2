// Registers the results panel: the `podMemoryChaos.showResults` command (experiment or pod, from
// the tree, the CodeLens or the palette), the panel serializer, and the context key that shows the
// command. One call from main.ts.
import * as vscode from 'vscode';
import type { KubeConfig } from '@kubernetes/client-node';
import { ChaosMeshClient } from '../../cluster/chaosMesh';
import { openSession } from '../../cluster/session';
import { RESULTS_VIEW_TYPE, type ResultsSubject } from '../../webview/protocol';
import { ResultsPanels } from './resultsPanel';
import { RunStore } from './runStore';
import { subjectFromArgs } from './subjectArgs';

export interface KubeconfigSource {
  kubeConfig(): KubeConfig | undefined;
  currentContext(): string | undefined;
}

export function registerResults(context: vscode.ExtensionContext, source: KubeconfigSource, log: vscode.LogOutputChannel): ResultsPanels {
  const runs = new RunStore(vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'runs'));
  const panels = new ResultsPanels(context.extensionUri, () => source.kubeConfig(), runs, log);
  context.subscriptions.push(
    panels,
    vscode.window.registerWebviewPanelSerializer(RESULTS_VIEW_TYPE, panels.serializer()),
    vscode.commands.registerCommand('podMemoryChaos.showResults', async (arg?: unknown) => {
      const subject = subjectFromArgs(arg, source.currentContext()) ?? (arg === undefined ? await pickSubject(source) : undefined);
      if (subject === undefined) {
        if (arg !== undefined) void vscode.window.showErrorMessage(vscode.l10n.t('Show Memory Results needs an experiment (namespace and name) or a pod.'));
        return undefined;
      }
      panels.show(subject);
      return subject;
    }),
  );
  void vscode.commands.executeCommand('setContext', 'podMemoryChaos.resultsAvailable', true);
  return panels;
}

/** From the palette: the current context's StressChaos experiments, then its pods. */
async function pickSubject(source: KubeconfigSource): Promise<ResultsSubject | undefined> {
  const kc = source.kubeConfig();
  const contextName = source.currentContext();
  if (!kc || !contextName) {
    void vscode.window.showErrorMessage(vscode.l10n.t('No kubeconfig context is selected.'));
    return undefined;
  }
  const session = openSession(kc, contextName);
  try {
    type Item = vscode.QuickPickItem & { subject?: ResultsSubject };
    const items: Item[] = [];
    const [experiments, pods] = await Promise.all([
      new ChaosMeshClient(session).list().catch(() => ({ items: [] })),
      session.core.listPodForAllNamespaces().catch(() => ({ items: [] })),
    ]);
    if (experiments.items.length) items.push({ label: vscode.l10n.t('Experiments'), kind: vscode.QuickPickItemKind.Separator });
    for (const e of experiments.items) {
      const namespace = e.metadata.namespace ?? session.namespace;
      const name = e.metadata.name ?? '';
      items.push({ label: `$(pulse) ${name}`, description: namespace, subject: { kind: 'experiment', context: contextName, namespace, name } });
    }
    if (pods.items.length) items.push({ label: vscode.l10n.t('Pods (memory, no stress)'), kind: vscode.QuickPickItemKind.Separator });
    for (const p of pods.items) {
      const namespace = p.metadata?.namespace ?? '';
      const pod = p.metadata?.name ?? '';
      items.push({ label: `$(symbol-namespace) ${pod}`, description: namespace, subject: { kind: 'pod', context: contextName, namespace, pod } });
    }
    const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Show memory results'), matchOnDescription: true });
    return picked?.subject;
  } finally {
    session.dispose();
  }
}
