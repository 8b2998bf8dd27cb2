// One analysis per document version, shared by every editor feature (diagnostics, hover,
// completion, inlay hints, quick fixes, CodeLens): parse once, validate once. A YAML file that
// cannot hold a StressChaos (no "StressChaos" and no "chaos-mesh.org" in its text) is answered
// by a string search alone: no parse, no schema compilation, no cluster client.
import * as vscode from 'vscode';
import {
  mayContainStressChaos,
  stressChaosDocuments,
  validateStressChaos,
  YamlText,
  type StressChaosDiagnostic,
  type StressChaosDocumentInfo,
} from '../../core';
import { readConfig } from '../config';

export interface Analysis {
  readonly version: number;
  /** Undefined for a document that holds no StressChaos (nothing else is computed then). */
  readonly yaml?: YamlText;
  readonly documents: readonly StressChaosDocumentInfo[];
  readonly diagnostics: readonly StressChaosDiagnostic[];
}

const EMPTY: Omit<Analysis, 'version'> = { documents: [], diagnostics: [] };

export function isYaml(document: vscode.TextDocument): boolean {
  return document.languageId === 'yaml';
}

export class DocumentAnalyses implements vscode.Disposable {
  // Keyed by the TextDocument itself: an untitled URI can be reused by a new document at version 1.
  private cache = new WeakMap<vscode.TextDocument, Analysis>();

  get(document: vscode.TextDocument): Analysis {
    const cached = this.cache.get(document);
    if (cached && cached.version === document.version) return cached;
    const analysis = analyze(document.getText(), document.version);
    this.cache.set(document, analysis);
    return analysis;
  }

  dispose(): void {
    this.cache = new WeakMap();
  }
}

export function analyze(text: string, version: number): Analysis {
  if (!mayContainStressChaos(text)) return { version, ...EMPTY };
  const yaml = new YamlText(text);
  const documents = stressChaosDocuments(yaml);
  if (documents.length === 0 && !/^\s*kind:\s*['"]?(StressChaos|Schedule|Workflow)/m.test(text)) return { version, ...EMPTY };
  const stress = readConfig().stress;
  const diagnostics = validateStressChaos(text, { defaultDuration: stress.defaultDuration, defaultSize: stress.defaultSize });
  return { version, yaml, documents, diagnostics };
}

export function toRange(d: { line: number; column: number; endLine?: number; endColumn?: number }): vscode.Range {
  const start = new vscode.Position(d.line, d.column);
  const end = d.endLine !== undefined && d.endColumn !== undefined ? new vscode.Position(d.endLine, d.endColumn) : start;
  return new vscode.Range(start, end.isEqual(start) ? start.translate(0, 1) : end);
}
