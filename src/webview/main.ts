// The results panel's browser bundle (dist/webview.js): the memory chart (chart.ts), the OOM kill
// order, what `free`/`top` would show (the node's memory), the plain-words timeline and the
// summary. It holds no state the host does not have: on `ready` the host sends everything.
import { formatBytes, MemoryChart } from './chart';
import { isHostToWebview, type HostToWebview, type PanelState, type ProcessesView, type ResultsSubject, type StatusView, type TimelineEntry, type WebviewToHost } from './protocol';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): PanelState | undefined;
  setState(state: PanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const $ = (id: string): HTMLElement => document.getElementById(id) as HTMLElement;

let subject: ResultsSubject | null = vscode.getState()?.subject ?? null;
const chart = new MemoryChart($('chart'), saveState);
for (const label of vscode.getState()?.hiddenSeries ?? []) chart.hidden.add(label);
const timeline = new Map<string, TimelineEntry>();
const processes = new Map<string, ProcessesView>();

function saveState(): void {
  if (subject !== null) vscode.setState({ subject, hiddenSeries: [...chart.hidden] });
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className !== undefined) e.className = className;
  return e;
}

const clock = (ms: number): string => new Date(ms).toLocaleTimeString(undefined, { hour12: false });

function renderTimeline(): void {
  const list = $('timeline');
  list.replaceChildren();
  const entries = [...timeline.values()].sort((a, b) => a.time - b.time || a.id.localeCompare(b.id));
  if (entries.length === 0) list.append(el('li', 'Nothing has happened to the containers yet: no OOM kill, restart, probe failure or eviction.', 'quiet'));
  for (const e of entries) {
    const li = el('li', undefined, `entry ${e.severity}`);
    li.dataset.marker = e.marker;
    li.append(el('span', clock(e.time), 'time'), el('span', ' — '), el('strong', e.title), el('span', `: ${e.text}`));
    list.append(li);
  }
  chart.setMarkers(entries);
}

function renderProcesses(): void {
  const box = $('killorder');
  box.replaceChildren();
  for (const view of processes.values()) {
    box.append(el('h3', `OOM kill order — ${view.container.split('/').slice(1).join('/')}`));
    if (!view.readable) {
      box.append(el('p', "The container's process list (cgroup.procs) cannot be read: an OOM victim is inferred from the kill counters and oom_score_adj.", 'notice'));
    } else {
      const table = el('table');
      const head = el('tr');
      for (const h of ['', 'process (pid)', 'oom_score', 'adj', 'RSS', 'adj set by']) head.append(el('th', h));
      table.append(head);
      for (const r of view.rows) {
        const tr = el('tr', undefined, r.next ? 'next' : undefined);
        tr.append(
          el('td', r.next ? 'next ▶' : ''),
          el('td', `${r.name} (${r.pid})`),
          el('td', r.oomScore === null ? '—' : String(r.oomScore)),
          el('td', r.oomScoreAdj === null ? '—' : String(r.oomScoreAdj)),
          el('td', r.rssBytes === null ? '—' : formatBytes(r.rssBytes)),
          el('td', r.adjOrigin, 'origin'),
        );
        (tr.lastElementChild as HTMLElement).title = r.adjOriginDetail;
        table.append(tr);
      }
      box.append(table);
    }
    const m = view.nodeMemory;
    if (m.MemTotal !== undefined) {
      const node = el('p', undefined, 'node-memory');
      node.append(
        el('strong', 'What free/top inside the container show: '),
        el('span', `total ${formatBytes(m.MemTotal)}, available ${m.MemAvailable === undefined ? '—' : formatBytes(m.MemAvailable)}, free ${m.MemFree === undefined ? '—' : formatBytes(m.MemFree)}. `),
        el('em', "That is the node's memory (/proc/meminfo), not the container's: the container's figures are the cgroup's, in the chart."),
      );
      box.append(node);
    }
  }
}

function renderStatus(status: StatusView): void {
  const notices = $('notices');
  notices.replaceChildren(...status.notices.map((n) => el('p', n, 'notice')));
  $('source').textContent =
    status.source === 'exec'
      ? 'Source: the containers’ cgroup files, read in the container by one exec stream each.'
      : status.source === 'summary-api'
        ? 'Source: the kubelet Summary API (coarser: every 10–15 s).'
        : status.source === 'metrics-api'
          ? 'Source: metrics.k8s.io (coarser: about every 15 s or more).'
          : `Source: ${status.source}`;
  const summary = $('summary');
  summary.replaceChildren(...status.summary.lines.map((l) => el('li', l)));
  chart.setStatus(status);
}

function handle(message: HostToWebview): void {
  switch (message.type) {
    case 'init':
      subject = message.subject;
      saveState();
      document.title = message.title;
      $('title').textContent = message.title;
      chart.setContainers(message.containers);
      chart.addSamples(message.samples);
      timeline.clear();
      for (const e of message.timeline) timeline.set(e.id, e);
      processes.clear();
      for (const p of message.processes) processes.set(p.container, p);
      renderStatus(message.status);
      renderTimeline();
      renderProcesses();
      chart.setOverlay(message.overlay);
      $('waiting').textContent = message.samples.some((b) => b.times.length > 0) ? '' : `Waiting for memory samples (${message.sampleRateHz} per second)…`;
      break;
    case 'samples':
      chart.addSamples(message.batches);
      if (message.batches.some((b) => b.times.length > 0)) $('waiting').textContent = '';
      break;
    case 'timeline':
      for (const id of message.remove) timeline.delete(id);
      for (const e of message.upsert) timeline.set(e.id, e);
      renderTimeline();
      break;
    case 'processes':
      processes.set(message.view.container, message.view);
      renderProcesses();
      break;
    case 'status':
      chart.setContainers(message.containers);
      renderStatus(message.status);
      break;
    case 'overlay':
      chart.setOverlay(message.overlay);
      break;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (!isHostToWebview(message)) return; // not ours (VS Code posts its own messages too)
  handle(message);
});

$('export-csv').addEventListener('click', () => vscode.postMessage({ type: 'export', format: 'csv' }));
$('export-json').addEventListener('click', () => vscode.postMessage({ type: 'export', format: 'json' }));
$('export-png').addEventListener('click', () => {
  const dataUrl = chart.toPng();
  if (dataUrl !== null) vscode.postMessage({ type: 'export', format: 'png', dataUrl });
});
$('compare').addEventListener('click', () => vscode.postMessage({ type: 'compare' }));

// Theme changes: VS Code swaps body's class (vscode-light/dark/high-contrast); canvas colours must be read again.
new MutationObserver(() => chart.rebuild()).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-id'] });

vscode.postMessage({ type: 'ready' });
