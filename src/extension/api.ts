// What `activate()` returns: a small, read-only view of the extension's state. The integration
// tests use it to see what the Pods view shows; other extensions may use it the same way.
import * as vscode from 'vscode';
import type { KubeconfigLoad } from '../cluster/kubeconfig';
import type { Settings } from '../core/settings';
import { readConfig, settingProblemsShown } from './config';
import type { ResultsPanels } from './results/resultsPanel';
import type { PodsNode, PodsTreeProvider } from './tree/podsTree';

export interface TreeRowSnapshot {
  readonly label: string;
  readonly description?: string;
  readonly contextValue?: string;
  readonly tooltip?: string;
}

export interface PodMemoryChaosApi {
  readonly apiVersion: 1;
  /** 'loading' until the first kubeconfig read finishes, then the loader's state. */
  kubeconfigState(): KubeconfigLoad['state'] | 'loading';
  /** The Pods view's top-level rows as the view renders them. */
  podsRoots(): Promise<TreeRowSnapshot[]>;
  /**
   * The rows under the row reached by following `labels` from the top (context, namespace, pod),
   * as VS Code shows them when that row is expanded (expanding a namespace starts its watch).
   */
  podsRows(labels: readonly string[]): Promise<TreeRowSnapshot[]>;
  /** Re-reads memory for everything expanded now, as the refresh timer does. */
  refreshPodsMemory(): Promise<void>;
  /** The Pods view's description (kubeconfig and memory source). */
  podsViewDescription(): string | undefined;
  /**
   * "Running, but the stressor is gone" for an experiment whose results panel is open (the status
   * CodeLens shows it); null when the stress is there or no panel samples it.
   */
  stressorGone(namespace: string, name: string): string | null;
  /** Open results panels: what each shows (for tests). */
  resultsPanels(): { readonly title: string; readonly subjectKind: 'experiment' | 'pod' }[];
  /** Only under the extension test runner (ExtensionMode.Test); undefined for everyone else. */
  readonly testHooks?: TestHooks;
}

/**
 * What the integration suites need beyond the read-only view, present only in
 * ExtensionMode.Test: no other extension can drive the panel or read the state through it.
 */
export interface TestHooks {
  /**
   * Hands `message` to the open results panel titled `title` exactly as if its webview had posted
   * it. Resolves to why the host rejected it, or undefined when it was handled.
   */
  sendPanelMessage(title: string, message: unknown): Promise<string | undefined>;
  /** The settings as the extension uses them, and the setting problems it has shown so far. */
  settings(): { readonly effective: Settings; readonly shown: readonly string[] };
  /** Where the extension writes (storage folders, its log folder) and its Memento state, keys and values. */
  storage(): { readonly folders: readonly string[]; readonly logFolder: string; readonly state: readonly (readonly [string, unknown])[] };
}

/** The test hooks over the extension's context and panels. */
export function testHooks(context: vscode.ExtensionContext, results: ResultsPanels): TestHooks {
  return {
    async sendPanelMessage(title, message) {
      const panel = results.open.find((p) => p.panel.title === title);
      if (!panel) throw new Error(`No results panel titled ${title}`);
      return panel.receive(message);
    },
    settings: () => ({ effective: readConfig(), shown: settingProblemsShown() }),
    storage: () => ({
      folders: [context.globalStorageUri.fsPath, ...(context.storageUri ? [context.storageUri.fsPath] : [])],
      logFolder: context.logUri.fsPath,
      state: [context.globalState, context.workspaceState].flatMap((m) => m.keys().map((k) => [k, m.get(k)] as const)),
    }),
  };
}

function snapshot(item: vscode.TreeItem): TreeRowSnapshot {
  return {
    label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
    description: typeof item.description === 'string' ? item.description : undefined,
    contextValue: item.contextValue,
    tooltip: item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : item.tooltip,
  };
}

/** A row as VS Code shows it once hovered (tooltips of pods and containers are resolved lazily). */
function rowOf(pods: PodsTreeProvider, node: PodsNode): TreeRowSnapshot {
  return snapshot(pods.resolveTreeItem(pods.getTreeItem(node), node));
}

export function podsViewApi(pods: PodsTreeProvider, firstLoad: Promise<unknown>, results: ResultsPanels, hooks?: TestHooks): PodMemoryChaosApi {
  async function nodeAt(labels: readonly string[]): Promise<PodsNode | undefined> {
    let node: PodsNode | undefined;
    for (const label of labels) {
      const children: PodsNode[] = await pods.getChildren(node);
      node = children.find((c) => snapshot(pods.getTreeItem(c)).label === label);
      if (!node) return undefined;
    }
    return node;
  }
  return {
    apiVersion: 1,
    kubeconfigState: () => pods.state?.state ?? 'loading',
    async podsRoots() {
      await firstLoad;
      return (await pods.getChildren()).map((node) => rowOf(pods, node));
    },
    async podsRows(labels) {
      await firstLoad;
      const node = await nodeAt(labels);
      if (!node) throw new Error(`No row at ${labels.join(' › ')}`);
      return (await pods.getChildren(node)).map((child) => rowOf(pods, child));
    },
    refreshPodsMemory: () => pods.refreshMemory(),
    podsViewDescription: () => pods.description(),
    stressorGone: (namespace, name) => results.stressorGone(namespace, name),
    resultsPanels: () => results.open.map((p) => ({ title: p.panel.title, subjectKind: p.subject.kind })),
    ...(hooks ? { testHooks: hooks } : {}),
  };
}
