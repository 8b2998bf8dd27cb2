// Stresses made by this extension, never left running unseen:
// - every flow that creates a StressChaos registers it here; a status bar item then shows how
//   many are running, which, and when each one ends by its duration (they keep running, in the
//   cluster, after this window closes, and the item's tooltip says so); it follows them by
//   reading each one every few seconds and drops those that finished or were deleted;
// - "Delete All My StressChaos Experiments" lists every StressChaos carrying the extension's
//   label in the current context (all namespaces), and deletes the ones picked after the usual
//   confirmation, waiting for Chaos Mesh to recover the targets.
import * as vscode from 'vscode';
import { experimentState, goParseDuration, type StressChaos } from '../core/stressChaos';
import { ChaosMeshClient, EXTENSION_LABEL, EXTENSION_LABEL_VALUE } from '../cluster/chaosMesh';
import { loadKubeconfig } from '../cluster/kubeconfig';
import { openSession, type ClusterSession } from '../cluster/session';
import { confirmClusterChange } from './clusterWrites';
import { readConfig } from './config';

export interface TrackedExperiment {
  readonly context: string;
  readonly namespace: string;
  readonly name: string;
  /** When the duration ends (ms since epoch), if it has one. */
  readonly endsAt?: number;
}

const POLL_MS = 5_000;
/** How long the status bar item keeps saying that a stress was deleted. */
const DELETED_SHOWN_MS = 5 * 60_000;

/** When an experiment's duration ends, from its creation time; undefined without a duration. */
export function experimentEndsAt(obj: StressChaos): number | undefined {
  const duration = obj.spec?.duration;
  const created = obj.metadata?.creationTimestamp ? Date.parse(obj.metadata.creationTimestamp) : NaN;
  if (typeof duration !== 'string' || Number.isNaN(created)) return undefined;
  const parsed = goParseDuration(duration);
  return 'error' in parsed ? undefined : created + Number(parsed.nanoseconds / 1_000_000n);
}

export class RunningExperiments implements vscode.Disposable {
  private readonly tracked = new Map<string, TrackedExperiment>();
  private readonly item = vscode.window.createStatusBarItem('podMemoryChaos.running', vscode.StatusBarAlignment.Left, 10);
  private timer: NodeJS.Timeout | undefined;
  private readonly sessions = new Map<string, ClusterSession>();
  /** Stresses that disappeared from the cluster before their end (deleted from outside, or by Delete), with when. */
  private readonly deleted = new Map<string, { experiment: TrackedExperiment; at: number }>();
  private expireTimer: NodeJS.Timeout | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.item.name = vscode.l10n.t('Pod Memory Chaos: running stresses');
    this.item.command = 'podMemoryChaos.deleteAllExperiments';
  }

  /** Registers an experiment the extension just created, and tells the user it outlives the window. */
  add(experiment: TrackedExperiment): void {
    this.tracked.set(`${experiment.context}/${experiment.namespace}/${experiment.name}`, experiment);
    this.render();
    this.timer ??= setInterval(() => void this.poll(), POLL_MS);
  }

  list(): TrackedExperiment[] {
    return [...this.tracked.values()];
  }

  private session(context: string): ClusterSession | undefined {
    const existing = this.sessions.get(context);
    if (existing) return existing;
    const load = loadKubeconfig({ setting: readConfig().kubeconfig });
    if (load.state !== 'loaded') return undefined;
    try {
      const session = openSession(load.kubeConfig, context);
      this.sessions.set(context, session);
      return session;
    } catch {
      return undefined;
    }
  }

  private async poll(): Promise<void> {
    for (const [key, experiment] of this.tracked) {
      const session = this.session(experiment.context);
      if (!session) continue;
      try {
        const live = await new ChaosMeshClient(session).get(experiment.namespace, experiment.name);
        if (!live || ['finished', 'deleting'].includes(experimentState(live))) {
          this.tracked.delete(key);
          if (live && experimentState(live) === 'finished') {
            this.log.info(`stress ${key} finished`);
          } else {
            this.deleted.set(key, { experiment, at: Date.now() });
            this.log.warn(`running stresses: context ${experiment.context}: following StressChaos ${experiment.namespace}/${experiment.name}: deleted: it was deleted from the cluster before its end`);
            clearTimeout(this.expireTimer);
            this.expireTimer = setTimeout(() => this.render(), DELETED_SHOWN_MS + 100);
          }
        }
      } catch (e) {
        // Unreachable for now: keep showing it; it may still be running.
        this.log.debug(`following stress ${key}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (this.tracked.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      for (const s of this.sessions.values()) s.dispose();
      this.sessions.clear();
    }
    this.render();
  }

  private render(): void {
    const running = this.list();
    for (const [key, d] of this.deleted) if (Date.now() - d.at > DELETED_SHOWN_MS) this.deleted.delete(key);
    const deleted = [...this.deleted.values()];
    if (running.length === 0 && deleted.length === 0) {
      this.item.hide();
      return;
    }
    const deletedText = deleted.length === 1 ? vscode.l10n.t('StressChaos {0} was deleted', deleted[0]!.experiment.name) : vscode.l10n.t('{0} StressChaos deleted', deleted.length);
    this.item.text = running.length > 0
      ? `$(flame) ${vscode.l10n.t('{0} stress(es) running', running.length)}${deleted.length ? ` · ${deletedText}` : ''}`
      : `$(trash) ${deletedText}`;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${vscode.l10n.t('Memory stresses started from this window')}**\n\n`);
    for (const e of running) {
      const end = e.endsAt ? vscode.l10n.t('ends {0}', new Date(e.endsAt).toLocaleTimeString()) : vscode.l10n.t('no duration: runs until deleted');
      md.appendMarkdown(`- \`${e.context}\` ${e.namespace}/${e.name} — ${end}\n`);
    }
    for (const { experiment: e, at } of deleted) {
      md.appendMarkdown(`- \`${e.context}\` ${e.namespace}/${e.name} — ${vscode.l10n.t('deleted from the cluster at {0}, before its end (from outside this window, or by Delete)', new Date(at).toLocaleTimeString())}\n`);
    }
    md.appendMarkdown(`\n${vscode.l10n.t('They run in the cluster: closing this window does not stop them; each ends when its duration ends. Click to delete them now.')}`);
    this.item.tooltip = md;
    this.item.show();
  }

  /** What the status bar item shows now (text and tooltip), undefined when hidden: for tests. */
  shown(): { readonly text: string; readonly tooltip: string } | undefined {
    if (this.tracked.size === 0 && this.deleted.size === 0) return undefined;
    return { text: this.item.text, tooltip: this.item.tooltip instanceof vscode.MarkdownString ? this.item.tooltip.value : String(this.item.tooltip ?? '') };
  }

  dispose(): void {
    clearInterval(this.timer);
    clearTimeout(this.expireTimer);
    if (this.tracked.size > 0) {
      this.log.warn(`window closing with ${this.tracked.size} stress(es) running; they end with their duration: ${[...this.tracked.keys()].join(', ')}`);
    }
    for (const s of this.sessions.values()) s.dispose();
    this.item.dispose();
  }
}

/**
 * Lists every StressChaos with the extension's label in the current context and deletes the
 * ones the user keeps picked, after confirmation. Returns the names deleted.
 */
export async function deleteAllExperiments(log: vscode.LogOutputChannel): Promise<string[]> {
  const load = loadKubeconfig({ setting: readConfig().kubeconfig });
  if (load.state !== 'loaded' || !load.currentContext) {
    void vscode.window.showWarningMessage(vscode.l10n.t('No current kubeconfig context: nothing to clean up.'));
    return [];
  }
  const context = load.currentContext;
  const session = openSession(load.kubeConfig, context);
  try {
    const chaos = new ChaosMeshClient(session);
    let items: StressChaos[];
    try {
      items = (await chaos.list(undefined, `${EXTENSION_LABEL}=${EXTENSION_LABEL_VALUE}`)).items;
    } catch (e) {
      void vscode.window.showErrorMessage(e instanceof Error ? e.message : String(e));
      return [];
    }
    const live = items.filter((i) => experimentState(i) !== 'deleting');
    if (live.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Context "{0}" has no StressChaos made by Pod Memory Chaos.', context));
      return [];
    }
    const picks = await vscode.window.showQuickPick(
      live.map((i) => ({ label: i.metadata.name ?? '', description: i.metadata.namespace, detail: `${experimentState(i)}${i.spec.duration ? ` · ${i.spec.duration}` : ''}`, picked: true, obj: i })),
      { canPickMany: true, title: vscode.l10n.t('StressChaos made by Pod Memory Chaos in context "{0}"', context), placeHolder: vscode.l10n.t('Pick the experiments to delete') },
    );
    if (!picks || picks.length === 0) return [];
    const namespaces = [...new Set(picks.map((p) => p.obj.metadata.namespace ?? ''))].join(', ');
    const ok = await confirmClusterChange({ context, namespace: namespaces, action: vscode.l10n.t('Delete {0} StressChaos experiment(s)', picks.length), confirmLabel: vscode.l10n.t('Delete') }, log);
    if (!ok) return [];
    const deleted: string[] = [];
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Deleting StressChaos and waiting for Chaos Mesh to recover the targets…') }, async () => {
      for (const p of picks) {
        const { namespace = '', name = '' } = p.obj.metadata;
        try {
          await chaos.delete(namespace, name, { timeoutMs: 120_000 });
          deleted.push(`${namespace}/${name}`);
          log.info(`deleted StressChaos ${namespace}/${name} in ${context}`);
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          log.error(message);
          void vscode.window.showErrorMessage(message);
        }
      }
    });
    return deleted;
  } finally {
    session.dispose();
  }
}
