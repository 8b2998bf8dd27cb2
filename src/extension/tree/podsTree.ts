// The Pods view: kubeconfig contexts → namespaces → pods → containers, each pod and container with
// the memory its cgroup holds (working set, % of request and limit), QoS class and OOM history.
// A context is connected when its row is expanded (any context, never switching kubectl's current
// one) and disconnected when it is collapsed or the kubeconfig changes. Pods come from a watch of
// each expanded namespace; memory is re-read every `refreshIntervalSeconds` while the view is
// visible, only for the namespaces that are expanded, one Summary API request per node. Changes
// are batched into one redraw (stable row ids keep the selection and expansion).
// With no kubeconfig, an empty one or a broken one, the view has no rows and the welcome content
// chosen by `podMemoryChaos.kubeconfigState` explains what to do; every cluster-side problem
// (unreachable, 401, 403, no memory source, no Chaos Mesh) is a row with an action.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadKubeconfig, type ContextSummary, type KubeconfigLoad, type KubeconfigOrigin } from '../../cluster/kubeconfig';
import { containerKey } from '../../cluster/podMemoryClient';
import type { ClusterError } from '../../cluster/errors';
import { podFacts, podMatchesFilter, memoryPercentages, runningContainers, type MemoryFigures, type Pod } from '../../core';
import { ClusterState } from './clusterState';
import { containerDescription, containerTooltip, esc, memoryIcon, podDescription, podTooltip, type Thresholds } from './podRows';

export const PODS_VIEW_ID = 'podMemoryChaos.pods';
/** Context key read by `viewsWelcome` in package.json: unset (loading), none, empty, error, loaded. */
export const KUBECONFIG_STATE_KEY = 'podMemoryChaos.kubeconfigState';
/** Context key: some expanded context has Chaos Mesh (enables the Stress Memory command in the palette). */
export const STRESS_AVAILABLE_KEY = 'podMemoryChaos.stressAvailable';

export type SortOrder = 'name' | 'workingSet' | 'percentOfLimit';

export interface ViewOptions {
  readonly kubeconfigSetting: () => string;
  readonly refreshIntervalSeconds: () => number;
  readonly thresholds: () => Thresholds;
}

/** Tree nodes: a discriminated union, one variant per row kind. */
export type PodsNode =
  | { readonly kind: 'context'; readonly id: string; readonly context: ContextSummary; readonly files: readonly string[]; readonly origin: KubeconfigOrigin }
  /** The kubeconfig could not be read: one row naming the file; the view's message says why. */
  | { readonly kind: 'kubeconfigError'; readonly id: string; readonly file: string; readonly message: string; readonly exists: boolean }
  | { readonly kind: 'namespace'; readonly id: string; readonly context: string; readonly namespace: string }
  | { readonly kind: 'pod'; readonly id: string; readonly context: string; readonly namespace: string; readonly name: string }
  | { readonly kind: 'container'; readonly id: string; readonly context: string; readonly namespace: string; readonly pod: string; readonly name: string }
  /** A state the user should know about, with the action that helps (retry, show log…). */
  | { readonly kind: 'message'; readonly id: string; readonly context: string; readonly label: string; readonly detail: string; readonly icon: string; readonly contextValue: string; readonly command?: vscode.Command };

/** contextValue names are designed for regex `when` clauses: `viewItem =~ /^podMemoryChaos\.pod\./`. */
export function contextValueOf(node: PodsNode, stressable = false): string {
  switch (node.kind) {
    case 'kubeconfigError':
      return `podMemoryChaos.kubeconfig.error.${node.exists ? 'unreadable' : 'missing'}`;
    case 'context':
      return `podMemoryChaos.context.${node.context.isCurrent ? 'current' : 'inactive'}`;
    case 'namespace':
      return 'podMemoryChaos.namespace';
    case 'pod':
      return `podMemoryChaos.pod.${stressable ? 'stressable' : 'readonly'}`;
    case 'container':
      return `podMemoryChaos.container.${stressable ? 'stressable' : 'readonly'}`;
    case 'message':
      return node.contextValue;
  }
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
  private kubeconfigFingerprint = '';
  private view: vscode.TreeView<PodsNode> | undefined;
  private readonly clusters = new Map<string, ClusterState>();
  /** Namespaces expanded (or walked through the API), per context: only these are watched and refreshed. */
  private readonly expanded = new Map<string, Set<string>>();
  private readonly nodes = new Map<string, PodsNode>();
  private redrawTimer: NodeJS.Timeout | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  sort: SortOrder = 'name';
  filter = '';
  /** Namespaces to show (empty: all). */
  namespaceFilter: ReadonlySet<string> = new Set();

  constructor(
    private readonly options: ViewOptions,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The view shows `message` above the rows; used for errors the welcome text cannot carry. */
  attach(view: vscode.TreeView<PodsNode>): void {
    this.view = view;
    this.disposables.push(
      view.onDidExpandElement((e) => this.onExpand(e.element)),
      view.onDidCollapseElement((e) => this.onCollapse(e.element)),
      view.onDidChangeVisibility(() => this.scheduleRefreshLoop()),
    );
    this.applyMessage();
    this.scheduleRefreshLoop();
  }

  get state(): KubeconfigLoad | undefined {
    return this.current;
  }

  /** Re-reads the kubeconfig, updates the welcome state and redraws. Never throws. */
  async reload(): Promise<KubeconfigLoad> {
    const load = loadKubeconfig({ setting: this.options.kubeconfigSetting() });
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
    // A changed kubeconfig closes every connection (credentials, servers may have changed).
    const fingerprint = load.state === 'loaded' ? load.kubeConfig.exportConfig() : load.state;
    if (fingerprint !== this.kubeconfigFingerprint) {
      this.kubeconfigFingerprint = fingerprint;
      this.disconnectAll();
    }
    await vscode.commands.executeCommand('setContext', KUBECONFIG_STATE_KEY, load.state);
    this.applyMessage();
    this.changed.fire();
    return load;
  }

  /** The user's refresh: re-read the kubeconfig, relist namespaces and pods, re-read memory now. */
  async refresh(): Promise<void> {
    await this.reload();
    await Promise.all([...this.clusters.values()].map(async (c) => {
      c.client.forgetNodes();
      c.client.resyncPods();
      await c.load();
    }));
    this.changed.fire();
    await this.refreshMemory();
  }

  /** Files the current result came from (for the file watcher). */
  watchedFiles(): readonly string[] {
    const load = this.current;
    if (!load) return [];
    return load.state === 'none' ? load.searched : load.files;
  }

  // ---------------------------------------------------------------------------------------------
  // Connections

  private cluster(context: string): ClusterState | undefined {
    const existing = this.clusters.get(context);
    if (existing) return existing;
    const load = this.current;
    if (load?.state !== 'loaded') return undefined;
    let state: ClusterState;
    try {
      state = new ClusterState(context, load.kubeConfig, () => this.scheduleRedraw(), () => this.scheduleRedraw(), this.log);
    } catch (e) {
      this.log.error(`cannot open context ${context}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
    this.clusters.set(context, state);
    this.log.info(`connected to context ${context}`);
    return state;
  }

  /** Closes a context's connection (collapsed, or retry after 401: a new session re-runs the exec plugin). */
  disconnect(context: string): void {
    const state = this.clusters.get(context);
    if (!state) return;
    state.dispose();
    this.clusters.delete(context);
    this.expanded.delete(context);
    this.log.info(`disconnected from context ${context}`);
    void this.updateStressKey();
  }

  private disconnectAll(): void {
    for (const context of [...this.clusters.keys()]) this.disconnect(context);
  }

  /** Retry a context: a fresh session (re-running credential plugins) and a redraw. */
  retry(context: string): void {
    this.disconnect(context);
    this.changed.fire();
  }

  private onExpand(node: PodsNode): void {
    if (node.kind === 'namespace') {
      this.expandedOf(node.context).add(node.namespace);
      void this.refreshMemory();
    }
  }

  private onCollapse(node: PodsNode): void {
    if (node.kind === 'context') {
      this.disconnect(node.context.name);
      this.changed.fire(node);
    } else if (node.kind === 'namespace') {
      this.expanded.get(node.context)?.delete(node.namespace);
      this.clusters.get(node.context)?.client.unwatchPods(node.namespace);
    }
  }

  private expandedOf(context: string): Set<string> {
    let set = this.expanded.get(context);
    if (!set) this.expanded.set(context, (set = new Set()));
    return set;
  }

  // ---------------------------------------------------------------------------------------------
  // Memory refresh loop

  private scheduleRefreshLoop(): void {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    const seconds = Math.max(2, this.options.refreshIntervalSeconds());
    this.refreshTimer = setInterval(() => {
      if (this.view?.visible !== false) void this.refreshMemory();
    }, seconds * 1000);
  }

  /** The refresh interval setting changed. */
  intervalChanged(): void {
    this.scheduleRefreshLoop();
  }

  /** Reads memory for every expanded namespace (one request per node with pods in view); one redraw. */
  refreshMemory(): Promise<void> {
    this.refreshing ??= this.doRefreshMemory().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async doRefreshMemory(): Promise<void> {
    const now = Date.now();
    let changed = false;
    await Promise.all(
      [...this.clusters.values()].map(async (state) => {
        const namespaces = [...(this.expanded.get(state.contextName) ?? [])];
        // Refused credentials (401) are not retried by the timer: the user's retry opens a new session.
        if (namespaces.length === 0 || state.error || state.memoryError?.kind === 'unauthorized') return;
        const nodes = new Set<string>();
        const inView = new Set<string>();
        for (const ns of namespaces) {
          for (const pod of state.client.pods(ns).pods) {
            if (pod.spec?.nodeName) nodes.add(pod.spec.nodeName);
            for (const c of runningContainers(pod)) inView.add(containerKey(ns, pod.metadata?.name ?? '', c.name));
          }
        }
        const [memoryChanged, oomChanged] = await Promise.all([
          state.refreshMemory([...nodes].sort(), namespaces),
          state.refreshKernelOom((key) => inView.has(key), now).catch(() => false),
        ]);
        if (memoryChanged || oomChanged) changed = true;
      }),
    );
    this.applyMessage();
    if (changed) this.scheduleRedraw(0);
  }

  /** Coalesces bursts of watch events and refresh results into one redraw. */
  private scheduleRedraw(delayMs = 200): void {
    if (this.redrawTimer) return;
    this.redrawTimer = setTimeout(() => {
      this.redrawTimer = undefined;
      this.changed.fire();
    }, delayMs);
  }

  private async updateStressKey(): Promise<void> {
    const available = [...this.clusters.values()].some((c) => c.chaosMesh?.installed);
    await vscode.commands.executeCommand('setContext', STRESS_AVAILABLE_KEY, available);
  }

  // ---------------------------------------------------------------------------------------------
  // Rows

  private node<T extends PodsNode>(node: T): T {
    const existing = this.nodes.get(node.id);
    if (existing && JSON.stringify(existing) === JSON.stringify(node)) return existing as T;
    this.nodes.set(node.id, node);
    return node;
  }

  getParent(node: PodsNode): PodsNode | undefined {
    switch (node.kind) {
      case 'namespace':
      case 'message':
        return this.nodes.get(`context/${node.context}`);
      case 'pod':
        return this.nodes.get(`ns/${node.context}/${node.namespace}`);
      case 'container':
        return this.nodes.get(`pod/${node.context}/${node.namespace}/${node.pod}`);
      default:
        return undefined;
    }
  }

  async getChildren(parent?: PodsNode): Promise<PodsNode[]> {
    if (!parent) return this.roots();
    switch (parent.kind) {
      case 'context':
        return this.namespaceRows(parent.context.name);
      case 'namespace':
        return this.podRows(parent.context, parent.namespace);
      case 'pod':
        return this.containerRows(parent);
      default:
        return [];
    }
  }

  private roots(): PodsNode[] {
    const load = this.current;
    if (load?.state === 'error') {
      // The welcome content cannot show while the view has a message, so the way out is a row.
      const file = load.files[0] ?? '';
      return [this.node({ kind: 'kubeconfigError', id: 'kubeconfig-error', file, message: load.message, exists: file !== '' && fs.existsSync(file) })];
    }
    if (!load || load.state !== 'loaded') return [];
    return load.contexts.map((context) => this.node({ kind: 'context' as const, id: `context/${context.name}`, context, files: load.files, origin: load.origin }));
  }

  private message(context: string, key: string, label: string, detail: string, icon: string, command?: vscode.Command): PodsNode {
    return this.node({ kind: 'message', id: `msg/${context}/${key}`, context, label, detail, icon, contextValue: `podMemoryChaos.message.${key}`, command });
  }

  private errorRow(context: string, error: ClusterError): PodsNode {
    const retry = { command: 'podMemoryChaos.retryContext', title: vscode.l10n.t('Retry'), arguments: [context] };
    switch (error.kind) {
      case 'unauthorized':
        return this.message(context, 'unauthorized', vscode.l10n.t('Credentials expired or rejected (401): click to sign in again'), `${error.message} The view stopped watching and reading memory: trying again with the same credentials cannot help. Clicking retries with a new connection, which re-runs the kubeconfig's exec plugin (or re-reads its token).`, 'key', retry);
      case 'forbidden':
        return this.message(context, 'forbidden', vscode.l10n.t('Forbidden (403): {0}', forbiddenText(error)), error.message, 'lock', retry);
      case 'unreachable':
        return this.message(context, 'unreachable', vscode.l10n.t('Cluster unreachable: click to retry'), error.message, 'debug-disconnect', retry);
      case 'timeout':
        return this.message(context, 'notAnswering', vscode.l10n.t('The API server is not answering: retrying'), error.message, 'watch', retry);
      default:
        return this.message(context, 'error', vscode.l10n.t('Cannot read the cluster: click to retry'), error.message, 'error', retry);
    }
  }

  private async namespaceRows(context: string): Promise<PodsNode[]> {
    const state = this.cluster(context);
    if (!state) return [this.message(context, 'unknown', vscode.l10n.t('This context cannot be opened'), vscode.l10n.t('See the log.'), 'error', { command: 'podMemoryChaos.showLog', title: 'Show Log' })];
    if (!state.namespaces && !state.error) {
      await state.load();
      void this.updateStressKey();
    }
    if (state.error) return [this.errorRow(context, state.error)];
    const rows: PodsNode[] = [];
    if (state.memoryError) rows.push(this.errorRow(context, state.memoryError));
    else if (state.memory?.source === 'summary' && state.memory.problem) {
      rows.push(this.message(context, 'partialMemory', vscode.l10n.t('Some memory figures could not be read: click for why'), state.memory.problem, 'warning', { command: 'podMemoryChaos.explain', title: 'Why', arguments: [state.memory.problem] }));
    } else if (state.memory && state.memory.source !== 'summary' && state.memory.problem) {
      rows.push(this.message(context, state.memory.source === 'none' ? 'noMemory' : 'metricsOnly', state.memory.source === 'none' ? vscode.l10n.t('No memory figures: click for why') : vscode.l10n.t('Memory from metrics.k8s.io (working set only)'), state.memory.problem, state.memory.source === 'none' ? 'warning' : 'info', { command: 'podMemoryChaos.explain', title: 'Why', arguments: [state.memory.problem] }));
    }
    if (state.chaosMesh && !state.chaosMesh.installed) {
      rows.push(this.message(context, 'noChaosMesh', vscode.l10n.t('Chaos Mesh not installed: Stress Memory… is off'), state.chaosMesh.reason, 'circle-slash', { command: 'podMemoryChaos.explain', title: 'Why', arguments: [state.chaosMesh.reason] }));
    }
    if (state.namespaces?.from === 'context' && state.namespaces.note) {
      rows.push(this.message(context, 'namespacesForbidden', vscode.l10n.t('Only namespace {0}: listing namespaces is forbidden', state.namespaces.names[0] ?? ''), state.namespaces.note, 'lock'));
    }
    const shown = (state.namespaces?.names ?? []).filter((ns) => this.namespaceFilter.size === 0 || this.namespaceFilter.has(ns));
    for (const ns of shown) rows.push(this.node({ kind: 'namespace', id: `ns/${context}/${ns}`, context, namespace: ns }));
    return rows;
  }

  private async podRows(context: string, namespace: string): Promise<PodsNode[]> {
    const state = this.cluster(context);
    if (!state) return [];
    const wasWatched = this.expanded.get(context)?.has(namespace) ?? false;
    this.expandedOf(context).add(namespace);
    const { pods, state: watchState } = state.client.pods(namespace);
    if (!wasWatched) void this.refreshMemory();
    const rows: PodsNode[] = [];
    if (watchState.state === 'failed' || watchState.state === 'retrying') rows.push(this.errorRow(context, watchState.error));
    const visible = pods.filter((p) => podMatchesFilter(p, this.filter));
    const figures = (p: Pod) => podWorkingSet(p, (c) => state.container(namespace, p.metadata?.name ?? '', c));
    const sorted = visible.sort((a, b) => {
      const byName = (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
      if (this.sort === 'name') return byName;
      const wa = figures(a);
      const wb = figures(b);
      if (this.sort === 'workingSet') return cmpDesc(wa === undefined ? -1 : Number(wa), wb === undefined ? -1 : Number(wb)) || byName;
      const pa = wa === undefined ? null : memoryPercentages(wa, podFacts(a).pod).ofLimit;
      const pb = wb === undefined ? null : memoryPercentages(wb, podFacts(b).pod).ofLimit;
      return cmpDesc(pa ?? -1, pb ?? -1) || byName;
    });
    if (watchState.state === 'listing' && pods.length === 0) rows.push(this.message(context, `loading/${namespace}`, vscode.l10n.t('Loading pods…'), '', 'loading~spin'));
    else if (sorted.length === 0 && watchState.state === 'synced') {
      rows.push(this.message(context, `empty/${namespace}`, this.filter ? vscode.l10n.t('No pod matches the filter "{0}"', this.filter) : vscode.l10n.t('No pods'), '', 'info', this.filter ? { command: 'podMemoryChaos.clearPodFilter', title: 'Clear Filter' } : undefined));
    }
    for (const p of sorted) rows.push(this.node({ kind: 'pod', id: `pod/${context}/${namespace}/${p.metadata?.name ?? ''}`, context, namespace, name: p.metadata?.name ?? '' }));
    return rows;
  }

  private containerRows(parent: Extract<PodsNode, { kind: 'pod' }>): PodsNode[] {
    const pod = this.podObject(parent.context, parent.namespace, parent.name);
    if (!pod) return [];
    return runningContainers(pod).map((c) =>
      this.node({ kind: 'container', id: `container/${parent.context}/${parent.namespace}/${parent.name}/${c.name}`, context: parent.context, namespace: parent.namespace, pod: parent.name, name: c.name }),
    );
  }

  /** The live pod object behind a row (from the namespace's watch). */
  podObject(context: string, namespace: string, name: string): Pod | undefined {
    const state = this.clusters.get(context);
    return state?.client.pods(namespace).pods.find((p) => p.metadata?.name === name);
  }

  /** Namespaces of every connected context (for the namespace filter). */
  knownNamespaces(): string[] {
    return [...new Set([...this.clusters.values()].flatMap((c) => [...(c.namespaces?.names ?? [])]))].sort();
  }

  /** Every pod of the expanded namespaces (for the command palette's pod picker). */
  podsInView(): { context: string; namespace: string; pod: string }[] {
    const out: { context: string; namespace: string; pod: string }[] = [];
    for (const [context, namespaces] of this.expanded) {
      const state = this.clusters.get(context);
      if (!state) continue;
      for (const namespace of namespaces) for (const p of state.client.pods(namespace).pods) out.push({ context, namespace, pod: p.metadata?.name ?? '' });
    }
    return out;
  }

  clusterState(context: string): ClusterState | undefined {
    return this.clusters.get(context);
  }

  getTreeItem(node: PodsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'kubeconfigError':
        return this.errorItem(node);
      case 'context':
        return this.contextItem(node);
      case 'namespace': {
        const item = new vscode.TreeItem(node.namespace, this.expanded.get(node.context)?.has(node.namespace) ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        item.contextValue = contextValueOf(node);
        item.iconPath = new vscode.ThemeIcon('symbol-namespace');
        const count = this.clusters.get(node.context)?.client.watchedNamespaces().includes(node.namespace) ? this.clusters.get(node.context)!.client.pods(node.namespace).pods.length : undefined;
        if (count !== undefined) item.description = vscode.l10n.t('{0} pods', count);
        return item;
      }
      case 'pod':
        return this.podItem(node);
      case 'container':
        return this.containerItem(node);
      case 'message': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.contextValue = node.contextValue;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.tooltip = node.detail || undefined;
        item.command = node.command;
        return item;
      }
    }
  }

  private contextItem(node: Extract<PodsNode, { kind: 'context' }>): vscode.TreeItem {
    const { context } = node;
    const item = new vscode.TreeItem(context.name, this.clusters.has(context.name) ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    item.id = node.id;
    item.contextValue = contextValueOf(node);
    const parts = [context.isCurrent ? vscode.l10n.t('current') : undefined, context.namespace, context.server].filter(Boolean);
    item.description = parts.join(' · ');
    item.iconPath = context.isCurrent ? new vscode.ThemeIcon('vm-active', new vscode.ThemeColor('charts.green')) : new vscode.ThemeIcon('vm-outline');
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${esc(context.name)}**${context.isCurrent ? ` — ${vscode.l10n.t('current context')}` : ''}\n\n`);
    md.appendMarkdown(`- ${vscode.l10n.t('Cluster')}: ${esc(context.cluster)}${context.server ? ` (${esc(context.server)})` : ` — ${vscode.l10n.t('not defined in the kubeconfig')}`}\n`);
    md.appendMarkdown(`- ${vscode.l10n.t('User')}: ${context.user ? esc(context.user) : vscode.l10n.t('none')}\n`);
    md.appendMarkdown(`- ${vscode.l10n.t('Namespace')}: ${context.namespace ? esc(context.namespace) : 'default'}\n`);
    md.appendMarkdown(`- ${vscode.l10n.t('From')}: ${node.files.map((f) => esc(f)).join(', ')} (${originText(node.origin)})\n`);
    const source = this.clusters.get(context.name)?.memory?.sourceText;
    if (source) md.appendMarkdown(`- ${vscode.l10n.t('Memory source')}: ${esc(source)}\n`);
    item.tooltip = md;
    return item;
  }

  private rowFigures(state: ClusterState | undefined, pod: Pod, memory: MemoryFigures | undefined, kernelKey?: string) {
    return {
      memory,
      report: state?.memory,
      nodeMemoryBytes: pod.spec?.nodeName ? state?.capacities.get(pod.spec.nodeName) : undefined,
      ...(kernelKey && state?.kernelOom.get(kernelKey) ? { kernelOom: state.kernelOom.get(kernelKey) } : {}),
      thresholds: this.options.thresholds(),
      now: Date.now(),
    };
  }

  private stressable(context: string): boolean {
    return this.clusters.get(context)?.chaosMesh?.installed === true;
  }

  private podItem(node: Extract<PodsNode, { kind: 'pod' }>): vscode.TreeItem {
    const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = node.id;
    item.contextValue = contextValueOf(node, this.stressable(node.context));
    const state = this.clusters.get(node.context);
    const pod = this.podObject(node.context, node.namespace, node.name);
    if (!pod || !state) return item;
    const containers = new Map<string, MemoryFigures>();
    for (const c of runningContainers(pod)) {
      const m = state.container(node.namespace, node.name, c.name);
      if (m) containers.set(c.name, m);
    }
    const ws = podWorkingSet(pod, (c) => containers.get(c));
    const kernel = mostRecentKernelOom(state, node.namespace, node.name);
    const d = podDescription(pod, ws, { now: Date.now(), ...(kernel ? { kernelOom: kernel } : {}) });
    item.description = d.text;
    item.iconPath = memoryIcon(d.ofLimit, this.options.thresholds(), d.oom);
    return item;
  }

  private containerItem(node: Extract<PodsNode, { kind: 'container' }>): vscode.TreeItem {
    const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.contextValue = contextValueOf(node, this.stressable(node.context));
    const state = this.clusters.get(node.context);
    const pod = this.podObject(node.context, node.namespace, node.pod);
    if (!pod || !state) return item;
    const m = state.container(node.namespace, node.pod, node.name);
    const f = this.rowFigures(state, pod, m, containerKey(node.namespace, node.pod, node.name));
    const d = containerDescription(pod, node.name, m?.workingSetBytes, f);
    item.description = d.text;
    item.iconPath = memoryIcon(d.ofLimit, f.thresholds, d.oom);
    return item;
  }

  /** Tooltips are built when VS Code asks for them (hover), not for every row on every redraw. */
  resolveTreeItem(item: vscode.TreeItem, node: PodsNode): vscode.TreeItem {
    item.tooltip ??= this.tooltipOf(node);
    return item;
  }

  /** The Markdown tooltip of a pod or container row (undefined for other rows, whose tooltip is set directly). */
  tooltipOf(node: PodsNode): vscode.MarkdownString | undefined {
    if (node.kind !== 'pod' && node.kind !== 'container') return undefined;
    const state = this.clusters.get(node.context);
    const podName = node.kind === 'pod' ? node.name : node.pod;
    const pod = this.podObject(node.context, node.namespace, podName);
    if (!pod || !state) return undefined;
    let md: vscode.MarkdownString;
    if (node.kind === 'pod') {
      const containers = new Map<string, MemoryFigures>();
      for (const c of runningContainers(pod)) {
        const m = state.container(node.namespace, node.name, c.name);
        if (m) containers.set(c.name, m);
      }
      const kernel = mostRecentKernelOom(state, node.namespace, node.name);
      const f = this.rowFigures(state, pod, state.memory?.pods.get(`${node.namespace}/${node.name}`));
      md = podTooltip(pod, podWorkingSet(pod, (c) => containers.get(c)), containers, kernel ? { ...f, kernelOom: kernel } : f);
    } else {
      md = containerTooltip(pod, node.name, this.rowFigures(state, pod, state.container(node.namespace, node.pod, node.name), containerKey(node.namespace, node.pod, node.name)));
    }
    this.addStressNote(md, node.context);
    return md;
  }

  /** Why Stress Memory… is not offered on this row, when it is not. */
  private addStressNote(md: vscode.MarkdownString, context: string): void {
    const chaos = this.clusters.get(context)?.chaosMesh;
    if (!vscode.workspace.isTrusted) md.appendMarkdown(`\n\n${vscode.l10n.t('Stress Memory… is off in Restricted Mode: it changes the cluster. Trust this workspace to use it.')}`);
    else if (chaos && !chaos.installed) md.appendMarkdown(`\n\n${vscode.l10n.t('Stress Memory… is off: {0}', esc(chaos.reason))}`);
  }

  private errorItem(node: Extract<PodsNode, { kind: 'kubeconfigError' }>): vscode.TreeItem {
    const item = new vscode.TreeItem(path.basename(node.file) || node.file, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.contextValue = contextValueOf(node);
    item.description = node.exists ? vscode.l10n.t('cannot be read — click to open it') : vscode.l10n.t('not found — click to pick another');
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    item.tooltip = node.message;
    item.command = node.exists
      ? { command: 'podMemoryChaos.openKubeconfig', title: vscode.l10n.t('Open Kubeconfig'), arguments: [node.file] }
      : { command: 'podMemoryChaos.selectKubeconfig', title: vscode.l10n.t('Select Kubeconfig File…') };
    return item;
  }

  /** The view's description: the kubeconfig file(s) and the memory source(s) in use. */
  description(): string | undefined {
    const load = this.current;
    if (!load || load.state === 'none') return undefined;
    const files = load.files.map((f) => path.basename(f)).join(', ');
    const sources = [...new Set([...this.clusters.values()].map((c) => c.memory?.sourceText).filter((s): s is string => s !== undefined))];
    const filters = [this.filter ? `filter: ${this.filter}` : undefined, this.namespaceFilter.size ? `namespaces: ${[...this.namespaceFilter].join(', ')}` : undefined].filter(Boolean);
    return [files, ...sources, ...filters].join(' · ');
  }

  private applyMessage(): void {
    if (!this.view) return;
    const load = this.current;
    this.view.message = load?.state === 'error' ? load.message : undefined;
    this.view.description = this.description();
  }

  /** Sort, filter and namespace filter changed: redraw. */
  viewOptionsChanged(): void {
    this.applyMessage();
    this.changed.fire();
  }

  dispose(): void {
    if (this.redrawTimer) clearTimeout(this.redrawTimer);
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.disconnectAll();
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}

function cmpDesc(a: number, b: number): number {
  return b - a;
}

function forbiddenText(error: ClusterError): string {
  const f = error.forbidden;
  if (!f) return error.serverMessage ?? error.message;
  return `${f.user ? `${f.user} may not ` : 'may not '}${f.verb} ${f.resource}${f.group ? `.${f.group}` : ''}${f.namespace ? ` in ${f.namespace}` : ''}`;
}

/** The pod's working set: the sum of its containers' (unknown if any running container has none). */
export function podWorkingSet(pod: Pod, container: (name: string) => MemoryFigures | undefined): bigint | undefined {
  let sum = 0n;
  let any = false;
  for (const c of runningContainers(pod)) {
    const m = container(c.name);
    if (m === undefined) return undefined;
    sum += m.workingSetBytes;
    any = true;
  }
  return any ? sum : undefined;
}

function mostRecentKernelOom(state: ClusterState, namespace: string, pod: string) {
  let best: { count: number; firstSeenAt: number } | undefined;
  for (const [key, v] of state.kernelOom) {
    if (!key.startsWith(`${namespace}/${pod}/`)) continue;
    if (!best || v.firstSeenAt > best.firstSeenAt) best = v;
  }
  return best;
}
