// The Pods view. For now its roots are the kubeconfig's contexts (the current one marked);
// later work expands a context into namespaces → pods → containers with cgroup memory.
// With no kubeconfig, an empty one or a broken one, the view has no rows and the welcome
// content chosen by the `podMemoryChaos.kubeconfigState` context key explains what to do; a
// broken one shows the reason as the view's message and one row to open or replace the file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadKubeconfig, type ContextSummary, type KubeconfigLoad, type KubeconfigOrigin } from '../../cluster/kubeconfig';

export const PODS_VIEW_ID = 'podMemoryChaos.pods';
/** Context key read by `viewsWelcome` in package.json: unset (loading), none, empty, error, loaded. */
export const KUBECONFIG_STATE_KEY = 'podMemoryChaos.kubeconfigState';

/** Tree nodes: a discriminated union, one variant per row kind (pods and containers come later). */
export type PodsNode =
  | { readonly kind: 'context'; readonly context: ContextSummary; readonly files: readonly string[]; readonly origin: KubeconfigOrigin }
  /** The kubeconfig could not be read: one row naming the file; the view's message says why. */
  | { readonly kind: 'kubeconfigError'; readonly file: string; readonly message: string; readonly exists: boolean };

/** contextValue names are designed for regex `when` clauses: `viewItem =~ /^podMemoryChaos\.context\./`. */
export function contextValueOf(node: PodsNode): string {
  if (node.kind === 'kubeconfigError') return `podMemoryChaos.kubeconfig.error.${node.exists ? 'unreadable' : 'missing'}`;
  return `podMemoryChaos.context.${node.context.isCurrent ? 'current' : 'inactive'}`;
}

function originText(origin: KubeconfigOrigin): string {
  switch (origin) {
    case 'setting':
      return vscode.l10n.t('the podMemoryChaos.kubeconfig setting');
    case 'KUBECONFIG':
      return vscode.l10n.t('$KUBECONFIG');
    case 'default':
      return vscode.l10n.t('the default location');
  }
}

export class PodsTreeProvider implements vscode.TreeDataProvider<PodsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<PodsNode | undefined | void>();
  readonly onDidChangeTreeData = this.changed.event;
  private current: KubeconfigLoad | undefined;
  private view: vscode.TreeView<PodsNode> | undefined;

  constructor(
    private readonly readSetting: () => string,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The view shows `message` above the rows; used for errors the welcome text cannot carry. */
  attach(view: vscode.TreeView<PodsNode>): void {
    this.view = view;
    this.applyMessage();
  }

  get state(): KubeconfigLoad | undefined {
    return this.current;
  }

  /** Re-reads the kubeconfig, updates the welcome state and redraws. Never throws. */
  async reload(): Promise<KubeconfigLoad> {
    const load = loadKubeconfig({ setting: this.readSetting() });
    this.current = load;
    switch (load.state) {
      case 'none':
        this.log.info(`no kubeconfig: looked at ${load.searched.join(', ')}`);
        break;
      case 'error':
        this.log.error(load.message);
        break;
      case 'empty':
        this.log.info(`kubeconfig ${load.files.join(', ')} has no contexts`);
        break;
      case 'loaded':
        this.log.info(`kubeconfig ${load.files.join(', ')}: ${load.contexts.length} context(s), current ${load.currentContext ?? '(none)'}`);
        break;
    }
    await vscode.commands.executeCommand('setContext', KUBECONFIG_STATE_KEY, load.state);
    this.applyMessage();
    this.changed.fire();
    return load;
  }

  /** Files the current result came from (for the file watcher). */
  watchedFiles(): readonly string[] {
    const load = this.current;
    if (!load) return [];
    return load.state === 'none' ? load.searched : load.files;
  }

  getTreeItem(node: PodsNode): vscode.TreeItem {
    if (node.kind === 'kubeconfigError') return this.errorItem(node);
    const { context } = node;
    const item = new vscode.TreeItem(context.name, vscode.TreeItemCollapsibleState.None);
    item.id = `context/${context.name}`;
    item.contextValue = contextValueOf(node);
    const parts = [context.isCurrent ? vscode.l10n.t('current') : undefined, context.namespace, context.server].filter(Boolean);
    item.description = parts.join(' · ');
    item.iconPath = context.isCurrent
      ? new vscode.ThemeIcon('vm-active', new vscode.ThemeColor('charts.green'))
      : new vscode.ThemeIcon('vm-outline');
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${escape(context.name)}**${context.isCurrent ? ` — ${vscode.l10n.t('current context')}` : ''}\n\n`);
    md.appendMarkdown(`- ${vscode.l10n.t('Cluster')}: ${escape(context.cluster)}${context.server ? ` (${escape(context.server)})` : ` — ${vscode.l10n.t('not defined in the kubeconfig')}`}\n`);
    md.appendMarkdown(`- ${vscode.l10n.t('User')}: ${context.user ? escape(context.user) : vscode.l10n.t('none')}\n`);
    md.appendMarkdown(`- ${vscode.l10n.t('Namespace')}: ${context.namespace ? escape(context.namespace) : 'default'}\n`);
    md.appendMarkdown(`- ${vscode.l10n.t('From')}: ${node.files.map((f) => escape(f)).join(', ')} (${originText(node.origin)})\n`);
    item.tooltip = md;
    return item;
  }

  getChildren(parent?: PodsNode): PodsNode[] {
    if (parent) return []; // namespaces, pods and containers are not listed yet
    const load = this.current;
    if (load?.state === 'error') {
      // The welcome content cannot show while the view has a message, so the way out is a row.
      const file = load.files[0] ?? '';
      return [{ kind: 'kubeconfigError', file, message: load.message, exists: file !== '' && fs.existsSync(file) }];
    }
    if (!load || load.state !== 'loaded') return [];
    return load.contexts.map((context) => ({ kind: 'context' as const, context, files: load.files, origin: load.origin }));
  }

  private errorItem(node: Extract<PodsNode, { kind: 'kubeconfigError' }>): vscode.TreeItem {
    const item = new vscode.TreeItem(path.basename(node.file) || node.file, vscode.TreeItemCollapsibleState.None);
    item.id = 'kubeconfig-error';
    item.contextValue = contextValueOf(node);
    item.description = node.exists ? vscode.l10n.t('cannot be read — click to open it') : vscode.l10n.t('not found — click to pick another');
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    item.tooltip = node.message;
    item.command = node.exists
      ? { command: 'podMemoryChaos.openKubeconfig', title: vscode.l10n.t('Open Kubeconfig'), arguments: [node.file] }
      : { command: 'podMemoryChaos.selectKubeconfig', title: vscode.l10n.t('Select Kubeconfig File…') };
    return item;
  }

  private applyMessage(): void {
    if (!this.view) return;
    const load = this.current;
    this.view.message = load?.state === 'error' ? load.message : undefined;
    this.view.description = load && load.state !== 'none' ? load.files.map((f) => path.basename(f)).join(', ') : undefined;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
