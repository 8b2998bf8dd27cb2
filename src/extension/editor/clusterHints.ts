// Cluster-aware hints for the StressChaos documents being edited: what the selector matches right
// now, limits the allocation reaches, BestEffort and probed targets, missing containers and
// namespaces, Chaos Mesh not installed. Fetched in the background (debounced, cached for a short
// while per spec), never while the user waits: diagnostics, hover and inlay hints read the cache
// synchronously and are refreshed when an answer arrives. An unreachable cluster gives no hints
// (it is logged once per reason), never an error at the user.
import * as vscode from 'vscode';
import { findStressTargets, type TargetReport } from '../../cluster/stressTargets';
import {
  isRecord,
  LIMIT_SHARES,
  targetHints,
  tightestTarget,
  valueAt,
  type JsonPath,
  type StressChaosDocumentInfo,
  type StressChaosFix,
  type TargetHint,
  type StressChaosTextIndex,
} from '../../core';
import type { DocumentAnalyses } from './analysis';
import type { StressChaosDiagnostics } from './diagnostics';
import type { ClusterKnowledge, SpecClusterContext } from './languageFeatures';
import type { LiveClusterHolder } from './liveCluster';

const FRESH_MS = 15_000;
/** Of the 50/80/90% fixes, 80% is the one offered first: pressure without the OOM killer. */
const PREFERRED_SHARE_INDEX = LIMIT_SHARES.indexOf(80);
const DEBOUNCE_MS = 800;

interface Entry {
  at: number;
  report?: TargetReport;
  chaosMeshMissing?: string;
  pending?: boolean;
}

export class ClusterHints implements ClusterKnowledge, vscode.Disposable {
  private readonly cache = new Map<string, Entry>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly logged = new Set<string>();
  private presence: { session: unknown; at: number; missing?: string } | undefined;

  constructor(
    private readonly cluster: LiveClusterHolder,
    private readonly analyses: DocumentAnalyses,
    private readonly diagnostics: StressChaosDiagnostics,
    private readonly log: vscode.LogOutputChannel,
  ) {
    diagnostics.setExtra((document) => this.diagnosticsFor(document));
  }

  /** The key of a spec's answer: the context, the namespace it defaults to and the spec's selection fields. */
  private keyOf(info: StressChaosDocumentInfo, specPath: JsonPath): string | undefined {
    const live = this.cluster.get();
    if (!live.ok) return undefined;
    const spec = valueAt(info.object, specPath);
    if (!isRecord(spec)) return undefined;
    return JSON.stringify([live.session.context, info.kind === 'StressChaos' ? info.namespace ?? '' : '', spec.selector, spec.containerNames]);
  }

  facts = (document: vscode.TextDocument, info: StressChaosDocumentInfo, specPath: JsonPath): SpecClusterContext => {
    const entry = this.entry(document, info, specPath);
    const target = entry?.report && tightestTarget(entry.report);
    if (!target || target.limitBytes === undefined) return { nodeMemTotal: entry?.report?.targets[0]?.nodeMemTotal };
    return {
      target: { id: `${target.namespace}/${target.pod}/${target.container}`, limitBytes: target.limitBytes, limitText: target.limitText ?? String(target.limitBytes) },
      nodeMemTotal: target.nodeMemTotal,
    };
  };

  fixes = (document: vscode.TextDocument, diagnostic: vscode.Diagnostic): StressChaosFix[] => {
    const code = typeof diagnostic.code === 'object' ? String(diagnostic.code.value) : String(diagnostic.code);
    const found = this.hintsFor(document).find((h) => h.hint.code === code && h.range.isEqual(diagnostic.range));
    if (!found?.hint.replacements) return [];
    return found.hint.replacements.map((r, i) => ({
      title: r.title,
      preferred: i === PREFERRED_SHARE_INDEX,
      edits: [{ line: found.range.start.line, column: found.range.start.character, endLine: found.range.end.line, endColumn: found.range.end.character, newText: r.newText }],
    }));
  };

  private diagnosticsFor(document: vscode.TextDocument): vscode.Diagnostic[] {
    return this.hintsFor(document).map(({ hint, range }) =>
      this.diagnostics.make(range, hint.message, hint.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information, hint.code),
    );
  }

  /** The hints for every spec of a document whose answer is cached, placed in the current text. */
  private hintsFor(document: vscode.TextDocument): { hint: TargetHint; range: vscode.Range }[] {
    const analysis = this.analyses.get(document);
    const out: { hint: TargetHint; range: vscode.Range }[] = [];
    for (const info of analysis.documents) {
      const docErrors = analysis.diagnostics.some((d) => d.severity === 'error' && d.document === info.document);
      for (const specPath of info.specPaths) {
        const entry = this.entry(document, info, specPath);
        if (!entry) continue;
        if (entry.chaosMeshMissing) {
          out.push({ hint: { code: 'chaos-mesh-missing', severity: 'warning', message: entry.chaosMeshMissing, path: ['kind'] }, range: this.place(analysis.index, info, ['kind']) });
          continue;
        }
        if (!entry.report || docErrors) continue;
        const spec = valueAt(info.object, specPath) as Record<string, unknown>;
        for (const hint of targetHints(spec, specPath, entry.report)) out.push({ hint, range: this.place(analysis.index, info, hint.path) });
      }
    }
    return out;
  }

  private place(index: StressChaosTextIndex, info: StressChaosDocumentInfo, path: JsonPath): vscode.Range {
    const r = index.placeOf(info.document, path);
    return r ? new vscode.Range(r.start.line, r.start.column, r.end.line, r.end.column) : new vscode.Range(info.kindLine, 0, info.kindLine, 4);
  }

  /** The cached answer for a spec; schedules a fetch when it is missing or old. */
  private entry(document: vscode.TextDocument, info: StressChaosDocumentInfo, specPath: JsonPath): Entry | undefined {
    const key = this.keyOf(info, specPath);
    if (!key) return undefined;
    const entry = this.cache.get(key);
    if (!entry || (!entry.pending && Date.now() - entry.at > FRESH_MS)) this.schedule(key, document, info, specPath);
    return entry;
  }

  private schedule(key: string, document: vscode.TextDocument, info: StressChaosDocumentInfo, specPath: JsonPath): void {
    if (this.timers.has(key)) return;
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.fetch(key, document, info, specPath);
      }, DEBOUNCE_MS),
    );
  }

  private async fetch(key: string, document: vscode.TextDocument, info: StressChaosDocumentInfo, specPath: JsonPath): Promise<void> {
    const live = this.cluster.get();
    if (!live.ok) return;
    const previous = this.cache.get(key);
    this.cache.set(key, { ...previous, at: previous?.at ?? 0, pending: true });
    try {
      const missing = await this.chaosMeshMissing();
      const spec = valueAt(info.object, specPath);
      const report = missing || !isRecord(spec) ? undefined : await findStressTargets(live.session, spec, info.kind === 'StressChaos' ? info.namespace : undefined);
      this.cache.set(key, { at: Date.now(), report, chaosMeshMissing: missing });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (!this.logged.has(message)) this.log.warn(`cluster-aware StressChaos hints unavailable: ${message}`);
      this.logged.add(message);
      this.cache.set(key, { at: Date.now() });
    }
    if (!document.isClosed) this.diagnostics.update(document);
    this.changed.fire();
  }

  private async chaosMeshMissing(): Promise<string | undefined> {
    const live = this.cluster.get();
    if (!live.ok) return undefined;
    if (this.presence && this.presence.session === live.session && Date.now() - this.presence.at < 60_000) return this.presence.missing;
    const presence = await live.chaos.detect();
    this.presence = { session: live.session, at: Date.now(), missing: presence.installed ? undefined : presence.reason };
    return this.presence.missing;
  }

  /** Forget every answer (after Apply/Delete, or a new context). */
  invalidate(): void {
    this.cache.clear();
    this.presence = undefined;
    this.diagnostics.refreshAll();
    this.changed.fire();
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.changed.dispose();
  }
}
