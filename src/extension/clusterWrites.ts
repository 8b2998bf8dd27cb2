// The one gate every cluster change goes through (Stress memory…, Apply, Delete, Pause/Resume,
// Delete all): refused in an untrusted workspace and in read-only mode, with the reason shown;
// otherwise a modal confirmation naming the context and the namespace, and for contexts matching
// podMemoryChaos.confirmByTypingContexts (default: "prod") the context's name must be typed.
import * as vscode from 'vscode';
import { typedConfirmationPattern, writeBlockedReason } from '../core/writeSafety';
import { readConfig } from './config';

export interface ClusterChange {
  readonly context: string;
  readonly namespace: string;
  /** What will happen, as a sentence start: "Create StressChaos \"x\"", "Delete StressChaos \"y\"". */
  readonly action: string;
  /** More lines for the modal (a prediction, what the change does to the pods). */
  readonly detail?: string;
  /** The button's label; default "Apply". */
  readonly confirmLabel?: string;
}

/** Why no change may run now, or undefined. */
export function clusterWritesBlocked(): string | undefined {
  return writeBlockedReason({ trusted: vscode.workspace.isTrusted, readOnly: readConfig().readOnly });
}

/**
 * Asks the user; resolves true only when the change may go ahead. Shows the reason and resolves
 * false when writes are blocked. Never throws.
 */
export async function confirmClusterChange(change: ClusterChange, log?: vscode.LogOutputChannel): Promise<boolean> {
  const blocked = clusterWritesBlocked();
  if (blocked) {
    log?.warn(`refused (${change.action} in ${change.context}/${change.namespace}): ${blocked}`);
    void vscode.window.showWarningMessage(blocked);
    return false;
  }
  const confirmLabel = change.confirmLabel ?? vscode.l10n.t('Apply');
  const message = vscode.l10n.t('{0} in namespace "{1}" of context "{2}"?', change.action, change.namespace, change.context);
  const picked = await vscode.window.showWarningMessage(message, { modal: true, detail: change.detail }, confirmLabel);
  if (picked !== confirmLabel) return false;

  const pattern = typedConfirmationPattern(change.context, readConfig().confirmByTypingContexts);
  if (pattern === undefined) return true;
  const typed = await vscode.window.showInputBox({
    title: vscode.l10n.t('Context "{0}" matches "{1}"', change.context, pattern),
    prompt: vscode.l10n.t('Type the context\'s name to confirm: {0}', change.action),
    placeHolder: change.context,
    ignoreFocusOut: true,
    validateInput: (value) => (value === '' || value === change.context ? undefined : vscode.l10n.t('Type {0} exactly', change.context)),
  });
  const confirmed = typed === change.context;
  if (!confirmed) log?.info(`not confirmed by typing (${change.action} in ${change.context})`);
  return confirmed;
}
