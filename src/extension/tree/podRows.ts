// How a pod or a container looks in the Pods view: its description (`182Mi · 36% of limit ·
// Burstable`), an icon coloured by % of limit, an OOM badge, and a Markdown tooltip with every
// figure and what it means. Pure rendering from the pod object and the latest memory figures.
import * as vscode from 'vscode';
import {
  containerMemoryResources,
  explainOomScoreAdj,
  explainQos,
  formatAgo,
  formatBytes,
  lastOomKill,
  lastTermination,
  memoryPercentages,
  podFacts,
  podMemoryResources,
  runningContainers,
  type MemoryFigures,
  type Pod,
} from '../../core';
import type { MemoryReport } from '../../cluster/podMemoryClient';

export interface Thresholds {
  readonly warningPercent: number;
  readonly criticalPercent: number;
}

/** The kernel's OOM-kill counter of a container under stress, when it was read. */
export interface KernelOomKills {
  readonly count: number;
  /** When the counter was first seen above 0 (ms since the epoch). */
  readonly firstSeenAt: number;
}

export interface RowFigures {
  readonly memory: MemoryFigures | undefined;
  readonly report: MemoryReport | undefined;
  readonly nodeMemoryBytes: bigint | undefined;
  readonly kernelOom?: KernelOomKills;
  readonly thresholds: Thresholds;
  readonly now: number;
}

const pct = (p: number | null): string => (p === null ? 'n/a' : `${Math.floor(p)}%`);

/** Codicon and colour from % of limit (no limit: an outline circle, uncoloured). */
export function memoryIcon(ofLimit: number | null, thresholds: Thresholds, oom: boolean): vscode.ThemeIcon {
  if (oom) return new vscode.ThemeIcon('flame', new vscode.ThemeColor('charts.red'));
  if (ofLimit === null) return new vscode.ThemeIcon('circle-outline');
  const colour = ofLimit >= thresholds.criticalPercent ? 'charts.red' : ofLimit >= thresholds.warningPercent ? 'charts.yellow' : 'charts.green';
  return new vscode.ThemeIcon('circle-filled', new vscode.ThemeColor(colour));
}

interface OomBadge {
  readonly text: string;
  readonly detail: string;
}

function oomBadge(pod: Pod, container: string | undefined, kernel: KernelOomKills | undefined, now: number): OomBadge | undefined {
  const fromStatus = container === undefined ? podFacts(pod).lastOom : lastOomKill(pod, container);
  const statusAt = fromStatus?.at;
  const kernelAt = kernel && kernel.count > 0 ? kernel.firstSeenAt : undefined;
  if (fromStatus === undefined && kernelAt === undefined) return undefined;
  const at = Math.max(statusAt ?? 0, kernelAt ?? 0);
  const ago = at > 0 ? ` ${formatAgo(at, now)}` : '';
  const parts: string[] = [];
  if (fromStatus) parts.push(`container ${fromStatus.container} terminated OOMKilled (exit ${fromStatus.exitCode})${statusAt ? `, ${formatAgo(statusAt, now)}` : ''}`);
  if (kernel && kernel.count > 0) parts.push(`the kernel OOM-killed ${kernel.count} process${kernel.count === 1 ? '' : 'es'} in the container's cgroup (memory oom_kill counter), first seen ${formatAgo(kernel.firstSeenAt, now)}`);
  return { text: `OOM${ago}`, detail: parts.join('; ') };
}

export function podDescription(pod: Pod, workingSet: bigint | undefined, figures: Pick<RowFigures, 'now'> & { kernelOom?: KernelOomKills }): { text: string; ofLimit: number | null; oom: boolean } {
  const facts = podFacts(pod);
  const qos = facts.qos.qosClass;
  const percentages = workingSet === undefined ? { ofRequest: null, ofLimit: null } : memoryPercentages(workingSet, facts.pod);
  const badge = oomBadge(pod, undefined, figures.kernelOom, figures.now);
  const parts = [workingSet === undefined ? '—' : formatBytes(workingSet), `${pct(percentages.ofLimit)} of limit`, qos];
  const phase = pod.status?.phase;
  if (phase && phase !== 'Running') parts.push(phase);
  if (badge) parts.push(badge.text);
  return { text: parts.join(' · '), ofLimit: percentages.ofLimit, oom: badge !== undefined };
}

export function containerDescription(pod: Pod, name: string, workingSet: bigint | undefined, figures: Pick<RowFigures, 'now' | 'kernelOom'>): { text: string; ofLimit: number | null; oom: boolean } {
  const resources = podFacts(pod).containers.get(name) ?? containerMemoryResources(pod, name);
  const percentages = workingSet === undefined ? { ofRequest: null, ofLimit: null } : memoryPercentages(workingSet, resources);
  const badge = oomBadge(pod, name, figures.kernelOom, figures.now);
  const restarts = statusOf(pod, name)?.restartCount ?? 0;
  const parts = [workingSet === undefined ? '—' : formatBytes(workingSet), `${pct(percentages.ofLimit)} of limit`];
  if (restarts > 0) parts.push(`${restarts} restart${restarts === 1 ? '' : 's'}`);
  if (badge) parts.push(badge.text);
  return { text: parts.join(' · '), ofLimit: percentages.ofLimit, oom: badge !== undefined };
}

function statusOf(pod: Pod, name: string) {
  return [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].find((s) => s.name === name);
}

const bytesOr = (b: bigint | null | undefined, none = 'n/a'): string => (b === null || b === undefined ? none : formatBytes(b));

function sourceLine(memory: MemoryFigures | undefined, report: MemoryReport | undefined): string {
  const source = report?.sourceText ?? 'not read yet';
  const time = memory?.time ? `, sample taken ${memory.time}` : '';
  return `Source: ${source}${time}`;
}

/** The container row's tooltip. */
export function containerTooltip(pod: Pod, name: string, f: RowFigures): vscode.MarkdownString {
  const r = containerMemoryResources(pod, name);
  const m = f.memory;
  const p = m ? memoryPercentages(m.workingSetBytes, r) : { ofRequest: null, ofLimit: null };
  const qos = explainQos(pod);
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${esc(name)}** in pod ${esc(pod.metadata?.name ?? '')}\n\n`);
  const cache = m?.usageBytes !== undefined ? m.usageBytes - m.workingSetBytes : undefined;
  md.appendMarkdown(`| | |\n|---|---|\n`);
  md.appendMarkdown(`| Working set | ${bytesOr(m?.workingSetBytes, 'unknown')} |\n`);
  md.appendMarkdown(`| Usage | ${bytesOr(m?.usageBytes)} |\n`);
  md.appendMarkdown(`| RSS | ${bytesOr(m?.rssBytes)} |\n`);
  md.appendMarkdown(`| Inactive page cache (usage − working set, reclaimable) | ${bytesOr(cache)} |\n`);
  md.appendMarkdown(`| Request | ${bytesOr(r.requestBytes)}${r.requestFromLimit ? ' (defaulted from the limit)' : ''} — ${pct(p.ofRequest)} |\n`);
  md.appendMarkdown(`| Limit | ${bytesOr(r.limitBytes)} — ${pct(p.ofLimit)} |\n`);
  if (r.from === 'status') md.appendMarkdown(`\nResources as applied after an in-place resize (status).\n`);
  md.appendMarkdown(`\n**QoS ${qos.qosClass}**: ${esc(qos.reason)}.\n\n`);
  md.appendMarkdown(`${oomScoreLine(pod, name, f.nodeMemoryBytes)}\n\n`);
  const status = statusOf(pod, name);
  md.appendMarkdown(`Restarts: ${status?.restartCount ?? 0}. `);
  const term = lastTermination(pod, name);
  md.appendMarkdown(term ? `Last termination: ${esc(term.text)}${term.at ? ` (${formatAgo(term.at, f.now)})` : ''}.\n\n` : 'Never terminated.\n\n');
  const badge = oomBadge(pod, name, f.kernelOom, f.now);
  if (badge) md.appendMarkdown(`**OOM**: ${esc(badge.detail)}.\n\n`);
  md.appendMarkdown(`${esc(sourceLine(m, f.report))}`);
  return md;
}

function oomScoreLine(pod: Pod, name: string, nodeMemoryBytes: bigint | undefined): string {
  if (nodeMemoryBytes === undefined) return 'oom_score_adj: unknown (the node\'s memory capacity could not be read).';
  const adj = podFacts(pod).oomScoreAdj(name, nodeMemoryBytes);
  if (adj === undefined) return 'oom_score_adj: unknown (the pod\'s resources cannot be read).';
  return `oom_score_adj of its processes: **${adj}** — ${esc(explainOomScoreAdj(adj))}.`;
}

/** The pod row's tooltip: the pod's sums, then one line per container. */
export function podTooltip(pod: Pod, workingSet: bigint | undefined, containers: ReadonlyMap<string, MemoryFigures>, f: RowFigures): vscode.MarkdownString {
  const r = podMemoryResources(pod);
  const p = workingSet === undefined ? { ofRequest: null, ofLimit: null } : memoryPercentages(workingSet, r);
  const qos = explainQos(pod);
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${esc(pod.metadata?.name ?? '')}** — ${esc(pod.metadata?.namespace ?? '')}, node ${esc(pod.spec?.nodeName ?? 'not scheduled')}, ${esc(pod.status?.phase ?? 'Unknown')}\n\n`);
  md.appendMarkdown(`| | |\n|---|---|\n`);
  md.appendMarkdown(`| Working set (containers) | ${bytesOr(workingSet, 'unknown')} |\n`);
  md.appendMarkdown(`| Pod cgroup working set | ${bytesOr(f.memory?.workingSetBytes)} |\n`);
  md.appendMarkdown(`| Request | ${bytesOr(r.requestBytes)} — ${pct(p.ofRequest)} |\n`);
  md.appendMarkdown(`| Limit | ${r.limitBytes === null && runningContainers(pod).length > 1 ? 'n/a (not every container has a limit)' : bytesOr(r.limitBytes)} — ${pct(p.ofLimit)} |\n`);
  md.appendMarkdown(`\n**QoS ${qos.qosClass}**: ${esc(qos.reason)}.\n\n`);
  for (const c of runningContainers(pod)) {
    const m = containers.get(c.name);
    md.appendMarkdown(`- ${esc(c.name)}: ${bytesOr(m?.workingSetBytes, 'unknown')}, restarts ${statusOf(pod, c.name)?.restartCount ?? 0}\n`);
  }
  const badge = oomBadge(pod, undefined, f.kernelOom, f.now);
  if (badge) md.appendMarkdown(`\n**OOM**: ${esc(badge.detail)}.\n`);
  md.appendMarkdown(`\n${esc(sourceLine(f.memory ?? [...containers.values()][0], f.report))}`);
  return md;
}

export function esc(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
