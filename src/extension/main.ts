// Activation: owns the log, the Pods view and the commands; everything disposable goes to
// context.subscriptions. Activated by the Pods view, the commands, `onLanguage:yaml` and the
// results panel's `onWebviewPanel:` event (package.json).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PodMemoryChaosApi, TreeRowSnapshot } from './api';
import { registerCommands } from './commands';
import { affects, readConfig } from './config';
import { PODS_VIEW_ID, PodsTreeProvider } from './tree/podsTree';

export function activate(context: vscode.ExtensionContext): PodMemoryChaosApi {
  const log = vscode.window.createOutputChannel('Pod Memory Chaos', { log: true });
  context.subscriptions.push(log);
  log.info(`activating ${context.extension.id} ${context.extension.packageJSON.version} on VS Code ${vscode.version} (${vscode.env.appHost}, ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'})`);

  const pods = new PodsTreeProvider(() => readConfig().kubeconfig, log);
  const view = vscode.window.createTreeView(PODS_VIEW_ID, { treeDataProvider: pods, showCollapseAll: true });
  pods.attach(view);
  context.subscriptions.push(pods, view);

  const watcher = new KubeconfigWatcher(() => void reload());
  context.subscriptions.push(watcher);
  const reload = async () => {
    const load = await pods.reload();
    watcher.watch(pods.watchedFiles());
    return load;
  };

  registerCommands(context, pods, log);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affects(e, 'kubeconfig')) void reload();
    }),
    // Trust changes which value of the restricted kubeconfig setting VS Code hands us.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void reload()),
  );
  const firstLoad = reload().catch((e: unknown) => log.error(`reading the kubeconfig failed: ${String(e)}`));

  return {
    apiVersion: 1,
    kubeconfigState: () => pods.state?.state ?? 'loading',
    async podsRoots(): Promise<TreeRowSnapshot[]> {
      await firstLoad;
      return pods.getChildren().map((node) => {
        const item = pods.getTreeItem(node);
        return {
          label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
          description: typeof item.description === 'string' ? item.description : undefined,
          contextValue: item.contextValue,
          tooltip: item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : item.tooltip,
        };
      });
    },
  };
}

export function deactivate(): void {}

/** Re-reads the kubeconfig when one of its files (or the default location) is created, changed or deleted. */
class KubeconfigWatcher implements vscode.Disposable {
  private watchers: vscode.FileSystemWatcher[] = [];
  private key = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly onChange: () => void) {}

  watch(files: readonly string[]): void {
    const key = files.join('\n');
    if (key === this.key) return;
    this.disposeWatchers();
    this.key = key;
    for (const file of files) {
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)));
      const changed = () => this.schedule();
      w.onDidCreate(changed);
      w.onDidChange(changed);
      w.onDidDelete(changed);
      this.watchers.push(w);
    }
  }

  /** kubectl rewrites the file in several steps; wait for it to settle. */
  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.onChange();
    }, 300);
  }

  private disposeWatchers(): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.disposeWatchers();
  }
}
