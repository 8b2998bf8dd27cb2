// One analysis per document version, shared by every editor feature (diagnostics, hover,
// completion, inlay hints, quick fixes, CodeLens). Each document gets an IncrementalAnalyzer, so
// an edit re-reads only the YAML document it touched. A YAML file that cannot hold a StressChaos
// (no "StressChaos" and no "chaos-mesh.org" in its text) costs a string search: no parse, no
// schema compilation, no cluster client.
import * as vscode from 'vscode';
import { IncrementalAnalyzer, type StressChaosTextIndex } from '../../core';
import { readConfig } from '../config';

export interface Analysis {
  readonly version: number;
  readonly index: StressChaosTextIndex;
  readonly documents: StressChaosTextIndex['documents'];
  readonly diagnostics: StressChaosTextIndex['diagnostics'];
}

export function isYaml(document: vscode.TextDocument): boolean {
  return document.languageId === 'yaml';
}

export class DocumentAnalyses implements vscode.Disposable {
  // Keyed by the TextDocument itself: an untitled URI can be reused by a new document at version 1.
  private cache = new WeakMap<vscode.TextDocument, { analyzer: IncrementalAnalyzer; analysis?: Analysis }>();

  get(document: vscode.TextDocument): Analysis {
    let entry = this.cache.get(document);
    if (entry?.analysis && entry.analysis.version === document.version) return entry.analysis;
    if (!entry) {
      const stress = readConfig().stress;
      entry = { analyzer: new IncrementalAnalyzer({ defaultDuration: stress.defaultDuration, defaultSize: stress.defaultSize }) };
      this.cache.set(document, entry);
    }
    const index = entry.analyzer.analyze(document.getText());
    entry.analysis = { version: document.version, index, documents: index.documents, diagnostics: index.diagnostics };
    return entry.analysis;
  }

  /** Forget every analyzer (the default duration or size setting changed). */
  reset(): void {
    this.cache = new WeakMap();
  }

  dispose(): void {
    this.reset();
  }
}

export function toRange(d: { line: number; column: number; endLine?: number; endColumn?: number }): vscode.Range {
  const start = new vscode.Position(d.line, d.column);
  const end = d.endLine !== undefined && d.endColumn !== undefined ? new vscode.Position(d.endLine, d.endColumn) : start;
  return new vscode.Range(start, end.isEqual(start) ? start.translate(0, 1) : end);
}
