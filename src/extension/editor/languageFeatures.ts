// Completion, hover, inlay hints and quick fixes for StressChaos YAML, all from src/core (the
// schema, memStress's arithmetic, the fixes the validator attaches to its diagnostics). They
// answer only inside documents that are, or embed, a StressChaos; elsewhere they return nothing
// after a string search.
import * as vscode from 'vscode';
import {
  completionEntries,
  completionPathAt,
  hoverMarkdown,
  sizeFacts,
  sizeInlayHint,
  valueAt,
  type JsonPath,
  type StressChaosDocumentInfo,
  type StressChaosFix,
  type TargetLimit,
} from '../../core';
import { toRange, type DocumentAnalyses } from './analysis';
import { DIAGNOSTIC_SOURCE } from './diagnostics';

/** What the cluster knows about a spec's targets (cluster-aware hints fill it; empty offline). */
export interface SpecClusterContext {
  target?: TargetLimit;
  nodeMemTotal?: bigint;
}
export type SpecClusterContextLookup = (document: vscode.TextDocument, info: StressChaosDocumentInfo, specPath: JsonPath) => SpecClusterContext;
/** Extra fixes for cluster-aware diagnostics. */
export type ClusterFixes = (document: vscode.TextDocument, diagnostic: vscode.Diagnostic) => StressChaosFix[];

/** What the cluster-aware part gives the language features; a stub when no cluster is reachable. */
export interface ClusterKnowledge {
  facts: SpecClusterContextLookup;
  fixes: ClusterFixes;
  /** Fires when facts change (inlay hints are asked again). */
  onDidChange: vscode.Event<void>;
}

const YAML: vscode.DocumentSelector = { language: 'yaml' };

export function registerLanguageFeatures(analyses: DocumentAnalyses, cluster: ClusterKnowledge): vscode.Disposable[] {
  return [
    vscode.languages.registerCompletionItemProvider(YAML, new CompletionProvider()),
    vscode.languages.registerHoverProvider(YAML, new HoverProvider(analyses, cluster.facts)),
    vscode.languages.registerInlayHintsProvider(YAML, new SizeInlayHints(analyses, cluster.facts, cluster.onDidChange)),
    vscode.languages.registerCodeActionsProvider(YAML, new QuickFixes(analyses, cluster.fixes), { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
  ];
}

/** The spec path (of `info`) that holds `path`, if any. */
function specOf(info: StressChaosDocumentInfo, path: JsonPath): JsonPath | undefined {
  return info.specPaths.find((s) => s.length <= path.length && s.every((seg, i) => seg === path[i]));
}

class CompletionProvider implements vscode.CompletionItemProvider {
  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] | undefined {
    const text = document.getText();
    if (!text.includes('StressChaos')) return undefined;
    if (!sectionIsStressChaos(document, position.line)) return undefined;
    const place = completionPathAt(text, { line: position.line, column: position.character });
    if (!place) return undefined;
    const kind = sectionKind(document, position.line);
    if (kind !== 'StressChaos' && !place.parent.includes('stressChaos')) return undefined;
    const typed = place.keyPrefix ?? place.valuePrefix ?? '';
    const range = new vscode.Range(position.translate(0, -typed.length), position);
    return completionEntries(place).map((entry, i) => {
      const item = new vscode.CompletionItem(entry.label, entry.kind === 'field' ? vscode.CompletionItemKind.Property : vscode.CompletionItemKind.EnumMember);
      item.insertText = new vscode.SnippetString(entry.insertText);
      item.range = range;
      item.detail = entry.detail;
      if (entry.documentation) item.documentation = new vscode.MarkdownString(entry.documentation);
      item.sortText = `${entry.preselect ? '0' : '1'}${String(i).padStart(3, '0')}`;
      if (entry.insertText.includes('\n')) item.command = { command: 'editor.action.triggerSuggest', title: 'suggest' };
      return item;
    });
  }
}

/** The `kind:` of the YAML document around a line, read from the text (the line may not parse yet). */
function sectionKind(document: vscode.TextDocument, line: number): string | undefined {
  let start = line;
  while (start > 0 && !/^(---|\.\.\.)(\s|$)/.test(document.lineAt(start - 1).text)) start--;
  let end = line;
  while (end + 1 < document.lineCount && !/^(---|\.\.\.)(\s|$)/.test(document.lineAt(end + 1).text)) end++;
  for (let i = start; i <= end; i++) {
    const m = /^kind:\s*['"]?([A-Za-z]+)/.exec(document.lineAt(i).text);
    if (m) return m[1];
  }
  return undefined;
}

function sectionIsStressChaos(document: vscode.TextDocument, line: number): boolean {
  const kind = sectionKind(document, line);
  return kind === 'StressChaos' || kind === 'Schedule' || kind === 'Workflow';
}

class HoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly analyses: DocumentAnalyses,
    private readonly facts: SpecClusterContextLookup,
  ) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const analysis = this.analyses.get(document);
    if (analysis.documents.length === 0) return undefined;
    const hit = analysis.index.pathAt({ line: position.line, column: position.character });
    if (!hit) return undefined;
    const info = analysis.documents.find((d) => d.document === hit.document);
    if (!info) return undefined;
    const spec = specOf(info, hit.path);
    if (!spec && info.kind !== 'StressChaos') return undefined;
    const md = hoverMarkdown(info.object, hit.path, spec ? this.facts(document, info, spec) : {});
    if (!md) return undefined;
    return new vscode.Hover(new vscode.MarkdownString(md), new vscode.Range(hit.start.line, hit.start.column, hit.end.line, hit.end.column));
  }
}

class SizeInlayHints implements vscode.InlayHintsProvider {
  constructor(
    private readonly analyses: DocumentAnalyses,
    private readonly facts: SpecClusterContextLookup,
    readonly onDidChangeInlayHints: vscode.Event<void>,
  ) {}

  provideInlayHints(document: vscode.TextDocument, range: vscode.Range): vscode.InlayHint[] {
    const analysis = this.analyses.get(document);
    const out: vscode.InlayHint[] = [];
    for (const info of analysis.documents) {
      for (const spec of info.specPaths) {
        const where = analysis.index.valueRangeOf(info.document, [...spec, 'stressors', 'memory', 'size']);
        if (!where || !range.contains(new vscode.Position(where.end.line, where.end.column))) continue;
        const context = this.facts(document, info, spec);
        const label = sizeInlayHint(sizeFacts(valueAt(info.object, [...spec, 'stressors', 'memory']), context.nodeMemTotal), context.target);
        if (!label) continue;
        const hint = new vscode.InlayHint(new vscode.Position(where.end.line, where.end.column), label, vscode.InlayHintKind.Type);
        hint.paddingLeft = true;
        out.push(hint);
      }
    }
    return out;
  }
}

class QuickFixes implements vscode.CodeActionProvider {
  constructor(
    private readonly analyses: DocumentAnalyses,
    private readonly clusterFixes: ClusterFixes,
  ) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    if (ours.length === 0) return out;
    const core = this.analyses.get(document).diagnostics;
    for (const diagnostic of ours) {
      const code = typeof diagnostic.code === 'object' ? String(diagnostic.code.value) : String(diagnostic.code);
      // The editor hands back copies of our diagnostics: find the core one by code and range.
      const fixes = core.find((d) => d.code === code && toRange(d).isEqual(diagnostic.range))?.fixes ?? this.clusterFixes(document, diagnostic);
      for (const fix of fixes) out.push(toCodeAction(document, fix, diagnostic));
    }
    return out;
  }
}

function toCodeAction(document: vscode.TextDocument, fix: StressChaosFix, diagnostic: vscode.Diagnostic): vscode.CodeAction {
  const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  action.isPreferred = fix.preferred;
  const edit = new vscode.WorkspaceEdit();
  for (const e of fix.edits) edit.replace(document.uri, new vscode.Range(e.line, e.column, e.endLine, e.endColumn), e.newText);
  action.edit = edit;
  return action;
}
