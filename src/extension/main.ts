// Activation: owns the log, the Pods view and the commands; everything disposable goes to
// context.subscriptions. Activated by the Pods view, the commands, `onLanguage:yaml` and the
// results panel's `onWebviewPanel:` event (package.json).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { podsViewApi, testHooks, type PodMemoryChaosApi } from './api';
import { registerCommands } from './commands';
import { affects, readConfig, SECTION, showSettingProblems } from './config';
import { registerStressChaosEditor } from './editor';
import { RunningExperiments } from './experiments';
import { registerStressMemory } from './stress/stressMemory';
import { registerResults } from './results/register';
import type { ResultsPanels } from './results/resultsPanel';
import { PODS_VIEW_ID, PodsTreeProvider } from './tree/podsTree';

export function activate(context: vscode.ExtensionContext): PodMemoryChaosApi {
  const log = vscode.window.createOutputChannel('Pod Memory Chaos', { log: true });
  context.subscriptions.push(log);
  showSettingProblems(log);
  log.info(`activating ${context.extension.id} ${context.extension.packageJSON.version} on VS Code ${vscode.version} (${vscode.env.appHost}, ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'})`);

  const pods = new PodsTreeProvider(
    { kubeconfigSetting: () => readConfig().kubeconfig, refreshIntervalSeconds: () => readConfig().refreshIntervalSeconds, thresholds: () => readConfig().thresholds },
    log,
  );
  const view = vscode.window.createTreeView(PODS_VIEW_ID, { treeDataProvider: pods, showCollapseAll: true });
  pods.attach(view);
  context.subscriptions.push(pods, view);

  const watcher = new KubeconfigWatcher(() => void reload(), log);
  context.subscriptions.push(watcher);
  // Stresses started from this window, shown in the status bar until their duration ends.
  const running = new RunningExperiments(log);
  context.subscriptions.push(running);
  registerStressMemory(context, pods, running, log);

  // The results panels are registered below; the CodeLens asks them later, through this holder.
  const panels: { results?: ResultsPanels } = {};
  const editor = registerStressChaosEditor(context, () => pods.state, running, log, (namespace, name) => panels.results?.stressorGone(namespace, name) ?? null);
  const reload = async () => {
    const load = await pods.reload();
    watcher.watch(pods.watchedFiles());
    editor.clusterChanged();
    return load;
  };

  registerCommands(context, pods, log);
  const results = registerResults(context, {
    kubeConfig: () => (pods.state?.state === 'loaded' ? pods.state.kubeConfig : undefined),
    currentContext: () => (pods.state?.state === 'loaded' ? pods.state.currentContext : undefined),
  }, log);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION)) readConfig(); // a bad new value is reported now, not at its first use
      if (affects(e, 'kubeconfig')) void reload();
      if (affects(e, 'refreshIntervalSeconds')) pods.intervalChanged();
      if (affects(e, 'thresholds')) pods.viewOptionsChanged();
    }),
    // Trust changes which value of the restricted kubeconfig setting VS Code hands us.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void reload()),
  );
  const firstLoad = reload().catch((e: unknown) => log.error(`reading the kubeconfig failed: ${String(e)}`));

  panels.results = results;
  return podsViewApi(pods, firstLoad, results, context.extensionMode === vscode.ExtensionMode.Test ? testHooks(context, results) : undefined);
}

export function deactivate(): void {}

/**
 * Re-reads the kubeconfig when one of its files (or the default location) is created, changed,
 * replaced or deleted. Node's fs.watch on the parent folder, not VS Code's FileSystemWatcher: the
 * kubeconfig is read with Node's fs in this extension host, it lies outside the workspace, and
 * fs.watch is in place when `watch()` returns (VS Code's watcher starts asynchronously and misses
 * an edit made right after it is created). Watching the folder also catches editors and kubectl
 * replacing the file by rename. A missing folder (no ~/.kube yet) is watched from its parent.
 */
class KubeconfigWatcher implements vscode.Disposable {
  private watchers: fs.FSWatcher[] = [];
  private key = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly onChange: () => void,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  watch(files: readonly string[]): void {
    const targets = new Map<string, Set<string>>(); // folder → names in it that matter
    for (const file of files) {
      let dir = path.dirname(file);
      let name = path.basename(file);
      if (!fs.existsSync(dir)) {
        name = path.basename(dir);
        dir = path.dirname(dir);
        if (!fs.existsSync(dir)) continue;
      }
      targets.set(dir, (targets.get(dir) ?? new Set()).add(name));
    }
    const key = JSON.stringify([...targets].map(([d, n]) => [d, [...n].sort()]));
    if (key === this.key) return;
    this.disposeWatchers();
    this.key = key;
    for (const [dir, names] of targets) {
      try {
        const w = fs.watch(dir, { persistent: false }, (_event, name) => {
          if (name === null || names.has(name.toString())) this.schedule();
        });
        w.on('error', (e) => this.log.warn(`watching ${dir} stopped: ${e.message}`));
        this.watchers.push(w);
      } catch (e) {
        this.log.warn(`cannot watch ${dir} for kubeconfig changes: ${e instanceof Error ? e.message : String(e)}`);
      }
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
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.disposeWatchers();
  }
}
