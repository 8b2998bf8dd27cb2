// Apply, Dry Run, Delete, Pause and Resume for the StressChaos document under the cursor (or the
// one a CodeLens names). Apply: refused in Restricted Mode and for documents with errors; asks
// for confirmation naming the context and namespace; runs a server-side dry run first; when the
// experiment exists with another spec (Chaos Mesh refuses any change to it) offers to delete and
// recreate it; then shows progress until Chaos Mesh reports the stress injected. A refusal by the
// API server or Chaos Mesh's webhook is shown in words; nothing throws at the user.
import * as vscode from 'vscode';
import { EXTENSION_LABEL, EXTENSION_LABEL_VALUE } from '../../cluster/chaosMesh';
import { ClusterError } from '../../cluster/errors';
import {
  conditionStatus,
  experimentState,
  isPaused,
  stressChaosDefaults,
  stressChaosUpdateError,
  type StressChaos,
  type StressChaosDocumentInfo,
} from '../../core';
import { unboundedStressWarning } from '../../core/writeSafety';
import { clusterWritesBlocked, confirmClusterChange } from '../clusterWrites';
import { experimentEndsAt, type RunningExperiments } from '../experiments';
import type { DocumentAnalyses } from './analysis';
import type { LiveCluster, LiveClusterHolder } from './liveCluster';

type Target = { document: vscode.TextDocument; info: StressChaosDocumentInfo; hasErrors: boolean };
type Ready = Target & { cluster: Extract<LiveCluster, { ok: true }>; namespace: string; name: string; object: StressChaos };

const INJECTION_TIMEOUT_MS = 90_000;

export function registerExperimentCommands(
  analyses: DocumentAnalyses,
  cluster: LiveClusterHolder,
  running: RunningExperiments,
  log: vscode.LogOutputChannel,
  afterChange: () => void,
  /** Told before this editor deletes an experiment, so its lens does not report it as deleted from outside. */
  deleting: (namespace: string, name: string) => void = () => undefined,
): vscode.Disposable[] {
  const run = (title: string, fn: (ready: Ready) => Promise<unknown>, mutates: boolean) => async (uri?: unknown, index?: unknown) => {
    try {
      const blocked = mutates ? clusterWritesBlocked() : undefined;
      if (blocked) {
        void vscode.window.showWarningMessage(blocked);
        return undefined;
      }
      const ready = await resolve(analyses, cluster, uri, index);
      if (!ready) return undefined;
      return await fn(ready);
    } catch (e) {
      const message = e instanceof ClusterError ? e.message : e instanceof Error ? e.message : String(e);
      log.error(`${title}: ${message}`);
      void vscode.window.showErrorMessage(message);
      return undefined;
    } finally {
      afterChange();
    }
  };

  return [
    vscode.commands.registerCommand('podMemoryChaos.applyStressChaos', run(vscode.l10n.t('Apply'), (r) => apply(r, running, log, deleting), true)),
    vscode.commands.registerCommand('podMemoryChaos.dryRunStressChaos', run(vscode.l10n.t('Dry run'), dryRun, false)),
    vscode.commands.registerCommand('podMemoryChaos.deleteStressChaos', run(vscode.l10n.t('Delete'), (r) => remove(r, log, deleting), true)),
    vscode.commands.registerCommand('podMemoryChaos.pauseStressChaos', run(vscode.l10n.t('Pause'), (r) => setPaused(r, true, log), true)),
    vscode.commands.registerCommand('podMemoryChaos.resumeStressChaos', run(vscode.l10n.t('Resume'), (r) => setPaused(r, false, log), true)),
  ];
}

/** The StressChaos the command is for: the CodeLens's (uri, document index), else the one at the cursor. */
async function resolve(analyses: DocumentAnalyses, holder: LiveClusterHolder, uri: unknown, index: unknown): Promise<Ready | undefined> {
  const target = await pick(analyses, uri, index);
  if (!target) return undefined;
  const cluster = holder.get();
  if (!cluster.ok) {
    void vscode.window.showErrorMessage(vscode.l10n.t('No cluster to talk to: {0}', cluster.reason));
    return undefined;
  }
  const name = target.info.name;
  if (!name) {
    void vscode.window.showErrorMessage(vscode.l10n.t('This StressChaos has no metadata.name.'));
    return undefined;
  }
  const namespace = target.info.namespace || cluster.session.namespace;
  return { ...target, cluster, namespace, name, object: target.info.object as unknown as StressChaos };
}

async function pick(analyses: DocumentAnalyses, uri: unknown, index: unknown): Promise<Target | undefined> {
  let document: vscode.TextDocument | undefined;
  if (typeof uri === 'string') document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri) ?? (await vscode.workspace.openTextDocument(vscode.Uri.parse(uri)));
  else if (uri instanceof vscode.Uri) document = await vscode.workspace.openTextDocument(uri);
  else document = vscode.window.activeTextEditor?.document;
  if (!document) return undefined;
  const analysis = analyses.get(document);
  const docs = analysis.documents.filter((d) => d.kind === 'StressChaos');
  let info = typeof index === 'number' ? docs.find((d) => d.document === index) : undefined;
  if (!info) {
    const line = vscode.window.activeTextEditor?.document === document ? vscode.window.activeTextEditor.selection.active.line : -1;
    info = docs.find((d) => line >= d.startLine && line <= d.endLine) ?? (docs.length === 1 ? docs[0] : undefined);
  }
  if (!info && docs.length > 1) {
    const chosen = await vscode.window.showQuickPick(docs.map((d) => ({ label: d.name ?? '(no name)', description: d.namespace, info: d })), { title: vscode.l10n.t('Which StressChaos?') });
    info = chosen?.info;
  }
  if (!info) {
    void vscode.window.showInformationMessage(vscode.l10n.t('This file holds no StressChaos.'));
    return undefined;
  }
  const i = info.document;
  return { document, info, hasErrors: analysis.diagnostics.some((d) => d.severity === 'error' && d.document === i) };
}

const where = (r: Ready) => vscode.l10n.t('context "{0}", namespace "{1}"', r.cluster.session.context, r.namespace);

async function dryRun(r: Ready): Promise<void> {
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Dry run of StressChaos "{0}"…', r.name) }, () => r.cluster.chaos.dryRun(r.object));
  void vscode.window.showInformationMessage(vscode.l10n.t('Dry run passed: the API server and Chaos Mesh accept StressChaos "{0}" in {1}. Nothing was created.', r.name, where(r)));
}

async function apply(r: Ready, running: RunningExperiments, log: vscode.LogOutputChannel, deleting: (namespace: string, name: string) => void): Promise<StressChaos | undefined> {
  if (r.hasErrors) {
    void vscode.window.showErrorMessage(vscode.l10n.t('StressChaos "{0}" has errors; fix them before applying (see the Problems view).', r.name));
    return undefined;
  }
  const confirmed = await confirmClusterChange(
    {
      context: r.cluster.session.context,
      namespace: r.namespace,
      action: vscode.l10n.t('Apply StressChaos "{0}"', r.name),
      detail: [
        vscode.l10n.t('A server-side dry run comes first; then Chaos Mesh starts the stress in the selected pods right away.'),
        ...[unboundedStressWarning(r.object)].filter((w) => w !== undefined),
      ].join('\n\n'),
    },
    log,
  );
  if (!confirmed) return undefined;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('StressChaos "{0}"', r.name), cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      progress.report({ message: vscode.l10n.t('reading the live experiment…') });
      const live = await r.cluster.chaos.get(r.namespace, r.name);
      if (live) {
        const changed = stressChaosUpdateError(live, stressChaosDefaults(withNamespace(r.object, r.namespace), r.namespace)) !== undefined;
        if (!changed) {
          void vscode.window.showInformationMessage(vscode.l10n.t('StressChaos "{0}" already runs in {1} with this spec: nothing to apply.', r.name, where(r)));
          return live;
        }
        const recreate = vscode.l10n.t('Delete and Recreate');
        const choice = await vscode.window.showWarningMessage(
          vscode.l10n.t('StressChaos "{0}" already exists in {1} with another spec.', r.name, where(r)),
          { modal: true, detail: vscode.l10n.t('Chaos Mesh refuses any change to the spec of an existing experiment. Delete it (its stress is recovered first) and create it again with this spec?') },
          recreate,
        );
        if (choice !== recreate) return undefined;
        progress.report({ message: vscode.l10n.t('deleting the running experiment (Chaos Mesh recovers its targets first)…') });
        deleting(r.namespace, r.name);
        await r.cluster.chaos.delete(r.namespace, r.name, { signal: abort.signal, timeoutMs: INJECTION_TIMEOUT_MS });
      }
      progress.report({ message: vscode.l10n.t('server-side dry run…') });
      const labelled = withLabel(r.object);
      await r.cluster.chaos.dryRun(labelled);
      progress.report({ message: vscode.l10n.t('creating…') });
      const created = await r.cluster.chaos.create(labelled);
      running.add({ context: r.cluster.session.context, namespace: r.namespace, name: r.name, endsAt: experimentEndsAt(created) });
      log.info(`applied StressChaos ${r.namespace}/${r.name} in context ${r.cluster.session.context}`);
      progress.report({ message: vscode.l10n.t('waiting for Chaos Mesh to inject the stress…') });
      const done = await r.cluster.chaos.waitFor(
        r.namespace,
        r.name,
        (obj) => obj !== undefined && (conditionStatus(obj, 'AllInjected') === 'True' || experimentState(obj) === 'finished'),
        'to be injected',
        { signal: abort.signal, timeoutMs: INJECTION_TIMEOUT_MS },
      );
      const records = done?.status?.experiment?.containerRecords ?? [];
      void vscode.window.showInformationMessage(
        vscode.l10n.t('StressChaos "{0}" is running in {1}: injected into {2}.', r.name, where(r), records.map((x) => x.id).join(', ') || vscode.l10n.t('no target')),
      );
      return done;
    },
  );
}

async function remove(r: Ready, log: vscode.LogOutputChannel, deleting: (namespace: string, name: string) => void): Promise<boolean> {
  const confirmed = await confirmClusterChange(
    {
      context: r.cluster.session.context,
      namespace: r.namespace,
      action: vscode.l10n.t('Delete StressChaos "{0}"', r.name),
      detail: vscode.l10n.t('Chaos Mesh stops the stress in every target before the object goes away.'),
      confirmLabel: vscode.l10n.t('Delete'),
    },
    log,
  );
  if (!confirmed) return false;
  deleting(r.namespace, r.name);
  const gone = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Deleting StressChaos "{0}": Chaos Mesh recovers the targets…', r.name) },
    () => r.cluster.chaos.delete(r.namespace, r.name, { timeoutMs: INJECTION_TIMEOUT_MS }),
  );
  void vscode.window.showInformationMessage(gone ? vscode.l10n.t('StressChaos "{0}" deleted from {1}.', r.name, where(r)) : vscode.l10n.t('StressChaos "{0}" does not exist in {1}.', r.name, where(r)));
  return gone;
}

async function setPaused(r: Ready, paused: boolean, log: vscode.LogOutputChannel): Promise<StressChaos | undefined> {
  const confirmed = await confirmClusterChange(
    {
      context: r.cluster.session.context,
      namespace: r.namespace,
      action: paused ? vscode.l10n.t('Pause StressChaos "{0}"', r.name) : vscode.l10n.t('Resume StressChaos "{0}"', r.name),
      detail: paused ? vscode.l10n.t('Chaos Mesh stops the stress in every target until you resume; the duration keeps counting.') : vscode.l10n.t('Chaos Mesh injects the stress again.'),
      confirmLabel: paused ? vscode.l10n.t('Pause') : vscode.l10n.t('Resume'),
    },
    log,
  );
  if (!confirmed) return undefined;
  const obj = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: paused ? vscode.l10n.t('Pausing StressChaos "{0}"…', r.name) : vscode.l10n.t('Resuming StressChaos "{0}"…', r.name) },
    () => r.cluster.chaos.setPaused(r.namespace, r.name, paused, { timeoutMs: INJECTION_TIMEOUT_MS }),
  );
  void vscode.window.showInformationMessage(isPaused(obj) ? vscode.l10n.t('StressChaos "{0}" is paused: the stress is recovered until you resume.', r.name) : vscode.l10n.t('StressChaos "{0}" resumed.', r.name));
  return obj;
}

/** The extension's label, so "Delete All StressChaos Made by Pod Memory Chaos" finds what Apply made. */
function withLabel(obj: StressChaos): StressChaos {
  return { ...obj, metadata: { ...obj.metadata, labels: { ...obj.metadata?.labels, [EXTENSION_LABEL]: EXTENSION_LABEL_VALUE } } };
}

function withNamespace(obj: StressChaos, namespace: string): StressChaos {
  return { ...obj, metadata: { ...obj.metadata, namespace } };
}
