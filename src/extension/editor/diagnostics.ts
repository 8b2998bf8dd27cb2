// Diagnostics for StressChaos YAML: on open, on a debounced change, cleared on close. Every YAML
// document of any scheme (file, untitled, virtual file systems) is read through TextDocument.
// Cluster-aware hints (clusterHints.ts) are merged in when they arrive; they never block typing.
import * as vscode from 'vscode';
import type { StressChaosDiagnostic } from '../../core';
import { isYaml, toRange, type DocumentAnalyses } from './analysis';

export const DIAGNOSTIC_SOURCE = 'StressChaos';
const DEBOUNCE_MS = 250;

export type ExtraDiagnostics = (document: vscode.TextDocument) => readonly vscode.Diagnostic[];

export class StressChaosDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('stresschaos');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private extra: ExtraDiagnostics = () => [];

  constructor(
    private readonly analyses: DocumentAnalyses,
    /** Where each rule is explained (a section per code). */
    private readonly rulesUri: vscode.Uri,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.update(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.cancel(d);
        this.collection.delete(d.uri);
      }),
    );
    for (const d of vscode.workspace.textDocuments) this.update(d);
  }

  /** Cluster-aware hints to append to each document's diagnostics. */
  setExtra(extra: ExtraDiagnostics): void {
    this.extra = extra;
  }

  /** Recomputes a document's diagnostics now. */
  update(document: vscode.TextDocument): void {
    if (!isYaml(document)) return;
    const analysis = this.analyses.get(document);
    if (analysis.documents.length === 0 && analysis.diagnostics.length === 0) {
      this.collection.delete(document.uri);
      return;
    }
    this.collection.set(document.uri, [...analysis.diagnostics.map((d) => this.toDiagnostic(d)), ...this.extra(document)]);
  }

  refreshAll(): void {
    for (const d of vscode.workspace.textDocuments) this.update(d);
  }

  toDiagnostic(d: StressChaosDiagnostic): vscode.Diagnostic {
    const severity = d.severity === 'error' ? vscode.DiagnosticSeverity.Error : d.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
    return this.make(toRange(d), d.message, severity, d.code);
  }

  make(range: vscode.Range, message: string, severity: vscode.DiagnosticSeverity, code: string): vscode.Diagnostic {
    const diagnostic = new vscode.Diagnostic(range, message, severity);
    diagnostic.source = DIAGNOSTIC_SOURCE;
    diagnostic.code = { value: code, target: this.rulesUri.with({ fragment: code }) };
    return diagnostic;
  }

  private schedule(document: vscode.TextDocument): void {
    if (!isYaml(document)) return;
    this.cancel(document);
    const key = document.uri.toString();
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.update(document);
      }, DEBOUNCE_MS),
    );
  }

  private cancel(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
  }
}

