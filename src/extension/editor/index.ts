// The StressChaos editor: diagnostics, completion, hover, inlay hints, quick fixes, cluster-aware
// hints, CodeLens and the experiment commands. One call from activate(). Nothing here touches a
// cluster until a StressChaos document is open: the session is opened on first need.
import * as vscode from 'vscode';
import type { KubeconfigLoad } from '../../cluster/kubeconfig';
import { affects } from '../config';
import type { RunningExperiments } from '../experiments';
import { DocumentAnalyses } from './analysis';
import { ClusterHints } from './clusterHints';
import { StressChaosCodeLens } from './codeLens';
import { StressChaosDiagnostics } from './diagnostics';
import { registerExperimentCommands } from './experimentCommands';
import { registerLanguageFeatures } from './languageFeatures';
import { LiveClusterHolder } from './liveCluster';
import { LiveExperiments } from './liveExperiments';

/** Context key: the active editor holds a StressChaos (package.json menus use it). */
export const STRESSCHAOS_DOCUMENT_KEY = 'podMemoryChaos.stressChaosDocument';

export interface StressChaosEditor {
  readonly diagnostics: StressChaosDiagnostics;
  readonly analyses: DocumentAnalyses;
  /** Re-reads the cluster (after the kubeconfig changed). */
  clusterChanged(): void;
}

export function registerStressChaosEditor(
  context: vscode.ExtensionContext,
  kubeconfig: () => KubeconfigLoad | undefined,
  running: RunningExperiments,
  log: vscode.LogOutputChannel,
  /** "Running, but the stressor is gone" from an open results panel (null when not known). */
  stressorGone: (namespace: string, name: string) => string | null = () => null,
): StressChaosEditor {
  const analyses = new DocumentAnalyses();
  const rules = vscode.Uri.joinPath(context.extensionUri, 'media', 'stresschaos-rules.md');
  const diagnostics = new StressChaosDiagnostics(analyses, rules);
  const cluster = new LiveClusterHolder(kubeconfig);
  const hints = new ClusterHints(cluster, analyses, diagnostics, log);
  const live = new LiveExperiments(cluster, analyses, log);
  const lenses = new StressChaosCodeLens(analyses, cluster, live, stressorGone);
  context.subscriptions.push(
    analyses,
    diagnostics,
    hints,
    live,
    lenses,
    { dispose: () => cluster.dispose() },
    ...registerLanguageFeatures(analyses, hints),
    vscode.languages.registerCodeLensProvider({ language: 'yaml' }, lenses),
    ...registerExperimentCommands(analyses, cluster, running, log, () => {
      hints.invalidate();
      lenses.refresh();
    }, (namespace, name) => live.deletingHere(namespace, name)),
  );

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!affects(e, 'stress.defaultDuration') && !affects(e, 'stress.defaultSize')) return;
      analyses.reset(); // the quick fixes write these defaults
      diagnostics.refreshAll();
    }),
  );

  const updateContextKey = () => {
    const document = vscode.window.activeTextEditor?.document;
    const has = !!document && document.languageId === 'yaml' && analyses.get(document).documents.length > 0;
    void vscode.commands.executeCommand('setContext', STRESSCHAOS_DOCUMENT_KEY, has);
  };
  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(updateContextKey),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === vscode.window.activeTextEditor?.document) updateContextKey();
    }),
  );
  updateContextKey();

  return {
    diagnostics,
    analyses,
    clusterChanged() {
      live.sync();
      hints.invalidate();
      lenses.refresh();
    },
  };
}
