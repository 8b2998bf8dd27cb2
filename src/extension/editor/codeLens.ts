// CodeLens above each StressChaos document, following the live object: a status line (phase from
// the conditions, targets injected/recovered, time left), then Apply (not for documents with
// errors, not in Restricted Mode), Dry Run, and for an object that exists Pause or Resume, Delete
// and Show Results; "the stressor is gone" when an open results panel measured it. Redrawn when the watch reports a change, and every few seconds while a
// timer is counting down.
import * as vscode from 'vscode';
import { experimentSummary, isPaused, isDeleted } from '../../core';
import { clusterWritesBlocked } from '../clusterWrites';
import type { DocumentAnalyses } from './analysis';
import type { LiveClusterHolder } from './liveCluster';
import type { LiveExperiments } from './liveExperiments';

const TICK_MS = 5_000;

export class StressChaosCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private ticker: NodeJS.Timeout | undefined;

  constructor(
    private readonly analyses: DocumentAnalyses,
    private readonly cluster: LiveClusterHolder,
    private readonly live: LiveExperiments,
    private readonly stressorGone: (namespace: string, name: string) => string | null = () => null,
  ) {
    this.subscriptions.push(live.onDidChange(() => this.changed.fire()), vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()));
    this.ticker = setInterval(() => this.changed.fire(), TICK_MS);
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const analysis = this.analyses.get(document);
    const lenses: vscode.CodeLens[] = [];
    for (const info of analysis.documents) {
      if (info.kind !== 'StressChaos') continue;
      const range = new vscode.Range(info.kindLine, 0, info.kindLine, 0);
      const args = [document.uri.toString(), info.document];
      const lens = (title: string, command: string, tooltip?: string) => lenses.push(new vscode.CodeLens(range, { title, command, arguments: args, tooltip }));
      const hasErrors = analysis.diagnostics.some((d) => d.severity === 'error' && d.document === info.document);
      const cluster = this.cluster.get();
      if (!cluster.ok) {
        lens(`$(debug-disconnect) ${cluster.reason}`, 'podMemoryChaos.showLog');
        continue;
      }
      const namespace = info.namespace || cluster.session.namespace;
      const obj = info.name ? this.live.get(namespace, info.name) : undefined;
      if (obj) {
        const summary = experimentSummary(obj, new Date());
        lenses.push(new vscode.CodeLens(range, { title: `$(pulse) ${summary.text}`, command: '', tooltip: vscode.l10n.t('StressChaos {0}/{1} in context {2}', namespace, info.name ?? '', cluster.session.context) }));
        // Chaos Mesh keeps saying Injected after the stressor died; the results panel measures it.
        const gone = info.name ? this.stressorGone(namespace, info.name) : null;
        if (gone) lenses.push(new vscode.CodeLens(range, { title: `$(warning) ${gone}`, command: 'podMemoryChaos.showResults', arguments: [{ context: cluster.session.context, namespace, name: info.name }] }));
      } else if (info.name && this.live.deletedAt(namespace, info.name) !== undefined) {
        const at = new Date(this.live.deletedAt(namespace, info.name)!).toLocaleTimeString();
        lens(`$(trash) ${vscode.l10n.t('Deleted outside this editor from {0} · {1} at {2}', cluster.session.context, namespace, at)}`, 'podMemoryChaos.dryRunStressChaos');
      } else if (this.live.synced(namespace)) {
        lens(`$(circle-outline) ${vscode.l10n.t('Not applied in {0} · {1}', cluster.session.context, namespace)}`, 'podMemoryChaos.dryRunStressChaos');
      }
      if (!hasErrors && !clusterWritesBlocked()) lens(`$(play) ${vscode.l10n.t('Apply')}`, 'podMemoryChaos.applyStressChaos', vscode.l10n.t('Server-side dry run, then apply to {0} · {1}', cluster.session.context, namespace));
      if (hasErrors) lens(`$(error) ${vscode.l10n.t('Fix the errors to apply')}`, 'workbench.actions.view.problems');
      lens(`$(check-all) ${vscode.l10n.t('Dry Run')}`, 'podMemoryChaos.dryRunStressChaos');
      if (obj && !isDeleted(obj)) {
        if (isPaused(obj)) lens(`$(debug-continue) ${vscode.l10n.t('Resume')}`, 'podMemoryChaos.resumeStressChaos');
        else lens(`$(debug-pause) ${vscode.l10n.t('Pause')}`, 'podMemoryChaos.pauseStressChaos');
        lens(`$(trash) ${vscode.l10n.t('Delete')}`, 'podMemoryChaos.deleteStressChaos');
        lenses.push(
          new vscode.CodeLens(range, {
            title: `$(graph-line) ${vscode.l10n.t('Show Results')}`,
            command: 'podMemoryChaos.showResults',
            arguments: [{ context: cluster.session.context, namespace, name: info.name }],
          }),
        );
      }
    }
    return lenses;
  }

  refresh(): void {
    this.changed.fire();
  }

  dispose(): void {
    if (this.ticker) clearInterval(this.ticker);
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
