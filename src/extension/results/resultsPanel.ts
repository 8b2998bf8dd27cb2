// The results panel's host: one webview panel per experiment (or per pod, for Show memory), fed by
// a MemoryResults (src/cluster) that samples in the extension host. The webview gets `init` with
// everything on each `ready` (first load, reload, restore) and then only increments. Strict CSP
// with a nonce, only this extension's dist/ and media/ as local resources. A serializer restores
// panels after a window reload (the panel keeps only its subject in its state).
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { KubeConfig } from '@kubernetes/client-node';
import { MemoryResults } from '../../cluster/memoryResults';
import { openSession, type ClusterSession } from '../../cluster/session';
import {
  isResultsSubject,
  RESULTS_VIEW_TYPE,
  webviewMessageProblem,
  type HostToWebview,
  type PanelState,
  type ResultsSubject,
  type SampleBatch,
  type WebviewToHost,
} from '../../webview/protocol';
import { readConfig } from '../config';
import { exportResults } from './exports';
import { RunStore } from './runStore';

export function subjectKey(s: ResultsSubject): string {
  return s.kind === 'experiment' ? `${s.context}|exp|${s.namespace}/${s.name}` : `${s.context}|pod|${s.namespace}/${s.pod}/${s.container ?? ''}`;
}

export function subjectTitle(s: ResultsSubject): string {
  return s.kind === 'experiment' ? `Memory: ${s.name}` : `Memory: ${s.pod}${s.container ? `/${s.container}` : ''}`;
}

/** One open panel and the sampling behind it. */
class ResultsPanel {
  private session: ClusterSession | undefined;
  private results: MemoryResults | undefined;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];
  private saveTimer: NodeJS.Timeout | undefined;
  private loggedNotices = new Set<string>();
  private disposed = false;

  constructor(
    readonly subject: ResultsSubject,
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly kubeConfig: () => KubeConfig | undefined,
    private readonly runs: RunStore,
    private readonly log: vscode.LogOutputChannel,
    private readonly onDispose: () => void,
    /** Samples kept from before a window reload (restored panels). */
    private readonly history?: readonly SampleBatch[],
  ) {
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')] };
    panel.webview.html = this.html();
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'pod-memory-chaos.svg');
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
    );
    this.start();
  }

  private start(): void {
    const kc = this.kubeConfig();
    if (!kc) {
      this.log.warn('results panel: no kubeconfig loaded');
      return;
    }
    try {
      this.session = openSession(kc, this.subject.context);
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Cannot show memory results: {0}', e instanceof Error ? e.message : String(e)));
      return;
    }
    const s = this.subject;
    const intervalMs = Math.max(10, Math.round(1000 / readConfig().sampleRateHz));
    this.results = new MemoryResults(
      this.session,
      s.kind === 'experiment' ? { kind: 'experiment', namespace: s.namespace, name: s.name } : { kind: 'pod', namespace: s.namespace, pod: s.pod, ...(s.container ? { container: s.container } : {}) },
      { intervalMs },
      {
        samples: (batches) => this.post({ type: 'samples', batches }),
        timeline: (upsert, remove) => this.post({ type: 'timeline', upsert, remove }),
        processes: (view) => this.post({ type: 'processes', view }),
        status: () => {
          if (!this.results) return;
          const status = this.results.statusView();
          this.logNotices(status.notices);
          this.post({ type: 'status', status, containers: this.results.containers() });
        },
        fault: (f) => this.log.warn(`results panel: context ${f.context}: ${f.action}: ${f.kind}: ${f.message}`),
      },
    );
    if (this.history) this.results.seed(this.history);
    this.results.start();
    this.saveTimer = setInterval(() => void this.saveRun(), 30_000);
  }

  /** Notices the panel shows (fallbacks, sampling failures, "stressor gone"): each new one logged once as a warning. */
  private logNotices(notices: readonly string[]): void {
    for (const n of notices) if (!this.loggedNotices.has(n)) this.log.warn(`results panel "${subjectTitle(this.subject)}": ${n}`);
    this.loggedNotices = new Set(notices);
  }

  /** The experiment's "stressor gone" message, for the status CodeLens. */
  stressorGone(): string | null {
    return this.results?.stressorGoneMessage() ?? null;
  }

  reveal(): void {
    this.panel.reveal();
  }

  private post(message: HostToWebview): void {
    // After the panel closed, a late sample or status from the cluster has nowhere to go (the
    // webview getter itself throws once the panel is disposed).
    if (this.ready && !this.disposed) void this.panel.webview.postMessage(message);
  }

  /**
   * One message from the panel: acted on when it is one of the protocol's, else logged and dropped
   * (the host treats the panel's messages as untrusted). Returns why it was rejected, or undefined.
   */
  async receive(raw: unknown): Promise<string | undefined> {
    const problem = webviewMessageProblem(raw);
    if (problem !== undefined) {
      this.log.warn(`results panel "${subjectTitle(this.subject)}": rejected a message from the panel: ${problem}`);
      return problem;
    }
    const message = raw as WebviewToHost;
    this.log.debug(`results panel "${subjectTitle(this.subject)}": ${message.type}${message.type === 'export' ? ` ${message.format}` : ''}`);
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.sendInit();
        break;
      case 'export':
        if (this.results) await exportResults(message.format, this.subject, this.results, message.dataUrl, this.log);
        break;
      case 'compare': {
        const picked = await this.runs.pick(subjectKey(this.subject));
        if (picked !== undefined) this.post({ type: 'overlay', overlay: picked });
        break;
      }
    }
    return undefined;
  }

  private sendInit(): void {
    const r = this.results;
    this.post({
      type: 'init',
      ...(vscode.l10n.bundle ? { l10n: vscode.l10n.bundle } : {}),
      sampleRateHz: readConfig().sampleRateHz,
      title: subjectTitle(this.subject),
      subject: this.subject,
      containers: r?.containers() ?? [],
      samples: r?.allSamples() ?? [],
      timeline: r?.timelineEntries() ?? [],
      processes: r?.processViews() ?? [],
      status: r?.statusView() ?? { notices: [vscode.l10n.t('No cluster connection: check the kubeconfig and the context "{0}".', this.subject.context)], windows: [], expectedPlateau: {}, summary: { lines: [] }, source: 'none' },
      overlay: null,
    });
  }

  private async saveRun(): Promise<void> {
    if (!this.results) return;
    const samples = this.results.allSamples();
    if (!samples.some((b) => b.times.length > 0)) return;
    await this.runs.save(subjectKey(this.subject), subjectTitle(this.subject), samples).catch((e: unknown) => this.log.warn(`saving the run failed: ${String(e)}`));
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = randomBytes(16).toString('base64');
    const uri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p)).toString();
    const csp = [`default-src 'none'`, `img-src ${webview.cspSource} data:`, `style-src ${webview.cspSource}`, `font-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
    const t = vscode.l10n.t;
    return `<!DOCTYPE html>
<html lang="${vscode.env.language}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${uri('dist', 'uPlot.min.css')}">
<link rel="stylesheet" href="${uri('media', 'results.css')}">
<title>${escapeHtml(subjectTitle(this.subject))}</title>
</head>
<body>
<h1 id="title">${escapeHtml(subjectTitle(this.subject))}</h1>
<p id="source"></p>
<div id="notices"></div>
<div class="toolbar">
<button id="export-csv">${t('Export CSV')}</button>
<button id="export-json">${t('Export JSON')}</button>
<button id="export-png">${t('Save Chart as PNG')}</button>
<button id="compare">${t('Compare with a Past Run…')}</button>
</div>
<p id="waiting"></p>
<div class="layout">
<section><div id="chart" aria-label="${t('Memory chart')}"></div>
<h2>${t('Summary')}</h2><ul id="summary"></ul>
<h2>${t('Timeline')}</h2><ul id="timeline"></ul></section>
<aside id="killorder"></aside>
</div>
<script nonce="${nonce}" src="${uri('dist', 'webview.js')}"></script>
</body>
</html>`;
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.saveTimer);
    void this.saveRun();
    this.results?.stop();
    this.session?.dispose();
    for (const d of this.disposables) d.dispose();
    this.onDispose();
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** All open panels, one per subject. */
export class ResultsPanels implements vscode.Disposable {
  private readonly panels = new Map<string, ResultsPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly kubeConfig: () => KubeConfig | undefined,
    readonly runs: RunStore,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  show(subject: ResultsSubject): ResultsPanel {
    const key = subjectKey(subject);
    const open = this.panels.get(key);
    if (open) {
      open.reveal();
      return open;
    }
    const panel = vscode.window.createWebviewPanel(RESULTS_VIEW_TYPE, subjectTitle(subject), vscode.ViewColumn.Active, { enableScripts: true, retainContextWhenHidden: false });
    return this.adopt(subject, panel);
  }

  /** Open panels (for the tests' API and the CodeLens). */
  get open(): readonly ResultsPanel[] {
    return [...this.panels.values()];
  }

  stressorGone(namespace: string, name: string): string | null {
    for (const p of this.panels.values()) {
      if (p.subject.kind === 'experiment' && p.subject.namespace === namespace && p.subject.name === name) return p.stressorGone();
    }
    return null;
  }

  adopt(subject: ResultsSubject, panel: vscode.WebviewPanel, history?: readonly SampleBatch[]): ResultsPanel {
    const key = subjectKey(subject);
    const p = new ResultsPanel(subject, panel, this.extensionUri, this.kubeConfig, this.runs, this.log, () => this.panels.delete(key), history);
    this.panels.set(key, p);
    return p;
  }

  serializer(): vscode.WebviewPanelSerializer<PanelState> {
    return {
      deserializeWebviewPanel: async (panel, state) => {
        if (!state || !isResultsSubject(state.subject)) {
          panel.dispose();
          return;
        }
        // The extension host restarted with the window: continue the curves from the stored run.
        const history = await this.runs.latest(subjectKey(state.subject)).catch(() => undefined);
        this.adopt(state.subject, panel, history);
      },
    };
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.panel.dispose();
  }
}
