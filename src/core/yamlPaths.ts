/**
 * Positions in YAML text ↔ JSON paths, for the editor features (hover, completion, inlay hints,
 * CodeLens, quick fixes). Lines and columns are 0-based, columns in UTF-16 code units as editors count
 * them.
 *
 * Two readers, for two situations:
 * - {@link jsonPathAt} reads the parsed tree (the `yaml` package's node ranges): exact for text that
 *   parses, used by hover and inlay hints;
 * - {@link completionPathAt} reads indentation only, because the line being typed is usually not valid
 *   YAML yet (`    me` under `stressors:` parses as the scalar value of `stressors`).
 */
import { isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node as YamlNode } from 'yaml';
import { CHAOS_MESH_API_VERSION, isRecord, STRESS_CHAOS_KIND, valueAt } from './stressChaos';
import { TextLines } from './textLines';
import { validateStressChaos, type StressChaosDiagnostic, type ValidateOptions } from './validateStressChaos';

export type JsonPath = (string | number)[];

export interface TextPosition {
  line: number;
  column: number;
}

export interface PathHit {
  /** Index of the YAML document in a multi-document text. */
  document: number;
  path: JsonPath;
  /** Whether the position is on the key of the last path segment or on its value. */
  on: 'key' | 'value';
  /** Range of the key or value node the position is on. */
  start: TextPosition;
  end: TextPosition;
}

/** Parses once and answers position questions about the text. */
export class YamlText {
  readonly lines: TextLines;
  readonly documents: Document.Parsed[];

  constructor(readonly text: string) {
    this.lines = new TextLines(text);
    const docs = parseAllDocuments(text);
    this.documents = Array.isArray(docs) ? docs : [];
  }

  offsetOf(p: TextPosition): number {
    return this.lines.offsetOf(p);
  }

  positionOf(offset: number): TextPosition {
    return this.lines.positionOf(offset);
  }

  /** The document whose range holds `offset` (its trailing `---` excluded). */
  documentAt(offset: number): number {
    for (let i = 0; i < this.documents.length; i++) {
      const [start, , end] = this.documents[i].range;
      if (offset <= end || i === this.documents.length - 1) return offset >= start || i === 0 ? i : i - 1;
    }
    return -1;
  }

  /** The key and value nodes of a JSON path in document `index` (undefined where absent). */
  nodesAt(index: number, path: JsonPath): { key?: YamlNode; value?: YamlNode } {
    let key: YamlNode | undefined;
    let value: YamlNode | undefined = this.documents[index]?.contents ?? undefined;
    for (const seg of path) {
      if (isMap(value)) {
        const pair = value.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return {};
        key = pair.key as YamlNode;
        value = (pair.value ?? undefined) as YamlNode | undefined;
      } else if (isSeq(value) && typeof seg === 'number' && seg < value.items.length) {
        key = undefined;
        value = value.items[seg] as YamlNode;
      } else {
        return {};
      }
    }
    return { key, value };
  }

  /**
   * Where a diagnostic about `path` goes: a scalar value's range, else the key's (a map or list is
   * marked at its key), falling back to the nearest existing ancestor's key.
   */
  placeOf(index: number, path: JsonPath): { start: TextPosition; end: TextPosition } | undefined {
    for (let n = path.length; n > 0; n--) {
      const { key, value } = this.nodesAt(index, path.slice(0, n));
      const node = n === path.length && isScalar(value) ? value : key ?? (isScalar(value) ? value : undefined);
      const r = node && this.rangeOf(node);
      if (r) return r;
    }
    return undefined;
  }

  /** Start and end of a node, as positions. */
  rangeOf(node: YamlNode): { start: TextPosition; end: TextPosition } | undefined {
    if (!node.range) return undefined;
    return { start: this.positionOf(node.range[0]), end: this.positionOf(node.range[1]) };
  }
}

/**
 * The JSON path of the key or value at a position of the text, or undefined when the position is on no
 * key or value (a comment, blank space, a document marker, or text that does not parse there).
 */
export function jsonPathAt(text: string | YamlText, position: TextPosition): PathHit | undefined {
  const yt = typeof text === 'string' ? new YamlText(text) : text;
  const offset = yt.offsetOf(position);
  const index = yt.documentAt(offset);
  const doc = yt.documents[index];
  if (!doc) return undefined;
  const path: JsonPath = [];
  const inside = (n: YamlNode | null | undefined): boolean => !!n?.range && offset >= n.range[0] && offset <= n.range[1];
  let node: YamlNode | null | undefined = doc.contents;
  for (;;) {
    if (isMap(node)) {
      let next: YamlNode | undefined;
      for (const pair of node.items) {
        const k = pair.key as YamlNode | null;
        if (!isScalar(k)) continue;
        if (inside(k)) {
          const r = yt.rangeOf(k);
          return r && { document: index, path: [...path, String(k.value)], on: 'key', ...r };
        }
        const v = pair.value as YamlNode | null;
        if (inside(v)) {
          path.push(String(k.value));
          next = v ?? undefined;
          break;
        }
      }
      if (!next) return undefined;
      node = next;
    } else if (isSeq(node)) {
      const i = node.items.findIndex((item) => inside(item as YamlNode));
      if (i < 0) return undefined;
      path.push(i);
      node = node.items[i] as YamlNode;
    } else if (isScalar(node)) {
      const r = yt.rangeOf(node);
      return r && path.length > 0 ? { document: index, path, on: 'value', ...r } : undefined;
    } else {
      return undefined;
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Completion: where a key is being typed, from indentation alone.

export interface CompletionPlace {
  /** JSON path of the map the key at the cursor belongs to (e.g. `['spec', 'stressors']`). */
  parent: JsonPath;
  /** The key being typed, when the cursor is in a key (before any `:`). */
  keyPrefix?: string;
  /** When the cursor is after `key: `, that key; the completion is then for its value. */
  valueKey?: string;
  /** The value typed so far after `key: `. */
  valuePrefix?: string;
  /** Keys already present in the parent map (not to offer again). */
  siblings: string[];
}

/** One line, split into its sequence dashes and its content. */
interface LineShape {
  /** Columns of the `- ` sequence indicators that start the line. */
  dashes: number[];
  /** Column where the content (a key, a scalar) starts. */
  column: number;
  /** `key` when the content is `key:` or `key: value`. */
  key?: string;
  /** The text after `key:` (trimmed, comments kept out), '' when none. */
  value?: string;
}

function shapeOf(line: string): LineShape | undefined {
  if (/^\s*(#|$)/.test(line)) return undefined;
  const dashes: number[] = [];
  let i = (/^ */.exec(line) as RegExpExecArray)[0].length;
  while (line[i] === '-' && (line[i + 1] === ' ' || i + 1 === line.length)) {
    dashes.push(i);
    i += 1;
    while (line[i] === ' ') i++;
  }
  const shape: LineShape = { dashes, column: i };
  const m = /^('[^']*'|"[^"]*"|[^\s#'"{[][^:#]*?)\s*:(?:\s+(.*?))?\s*(?:\s#.*)?$/.exec(line.slice(i));
  if (m) {
    shape.key = unquote(m[1]);
    shape.value = m[2] ?? '';
  }
  return shape;
}

const DOCUMENT_MARKER = /^(---|\.\.\.)(\s|$)/;

/**
 * Where the cursor is, read from indentation: the path of the enclosing map and the key (or value)
 * being typed. Works on incomplete text; block sequences (`- key: v`, also at the parent key's own
 * column as Kubernetes manifests write them) count as indexes 0…n. Returns undefined inside
 * comments, block scalars, multi-line plain scalars and flow collections.
 */
export function completionPathAt(text: string, position: TextPosition): CompletionPlace | undefined {
  const lines = text.split(/\r?\n/);
  const before = (lines[position.line] ?? '').slice(0, position.column);
  if (before.includes('#') || /[{[]/.test(before)) return undefined;
  const cursor = shapeOf(before + 'x') ?? { dashes: [], column: before.length }; // 'x' stands for what comes next
  const typed = before.slice(cursor.column);
  let keyPrefix: string | undefined;
  let valueKey: string | undefined;
  let valuePrefix: string | undefined;
  const colon = /^('[^']*'|"[^"]*"|[^:\s][^:]*?)\s*:(?:\s+(.*))?$/.exec(typed);
  if (colon) {
    if (colon[2] === undefined && !typed.endsWith(' ') && typed.endsWith(':')) return undefined; // right after `key:`
    valueKey = unquote(colon[1]);
    valuePrefix = colon[2] ?? '';
  } else if (/^[A-Za-z0-9_.\-/]*$/.test(typed)) {
    keyPrefix = typed;
  } else {
    return undefined;
  }
  const parent = parentPath(lines, position.line, cursor);
  if (!parent) return undefined;
  return { parent, keyPrefix, valueKey, valuePrefix, siblings: siblingKeys(lines, position.line, cursor.column) };
}

function parentPath(lines: string[], line: number, cursor: LineShape): JsonPath | undefined {
  const path: JsonPath = [];
  // `col` is the column whose parent we look for; `fromDash` when it is a sequence's dash column (then
  // a key at the same column with an empty value is the parent, as in `namespaces:\n- default`).
  let col = cursor.column;
  let fromDash = false;
  const enterDashes = (dashes: number[], row: number) => {
    for (let k = dashes.length - 1; k >= 0; k--) {
      if (dashes[k] >= col && !(fromDash && dashes[k] === col)) continue;
      path.unshift(itemIndex(lines, row, dashes[k]));
      col = dashes[k];
      fromDash = true;
    }
  };
  enterDashes(cursor.dashes, line);
  if (cursor.dashes.length > 0) col = cursor.dashes[0];
  for (let i = line - 1; i >= 0 && (col > 0 || fromDash); i--) {
    if (DOCUMENT_MARKER.test(lines[i])) break;
    const s = shapeOf(lines[i]);
    if (!s) continue;
    if (s.key !== undefined && (s.column < col || (fromDash && s.column === col && s.dashes.length === 0))) {
      if (s.value !== '' && !/^[|>][0-9+-]*$/.test(s.value ?? '')) {
        return undefined; // inside a multi-line scalar
      }
      if (/^[|>]/.test(s.value ?? '')) return undefined; // inside a block scalar
      path.unshift(s.key);
      col = s.column;
      fromDash = false;
      enterDashes(s.dashes, i);
      continue;
    }
    if (s.key === undefined && s.column < col && s.dashes.length === 0) return undefined; // a scalar line above us
    if (s.dashes.length > 0 && s.column === col && !fromDash) {
      enterDashes(s.dashes, i); // our map is this sequence item
    }
  }
  return path;
}

/** Index of the sequence item whose dash is at `dash` on line `row`. */
function itemIndex(lines: string[], row: number, dash: number): number {
  let n = 0;
  for (let i = row - 1; i >= 0; i--) {
    if (DOCUMENT_MARKER.test(lines[i])) break;
    const s = shapeOf(lines[i]);
    if (!s) continue;
    if (s.dashes.includes(dash)) {
      if (s.dashes[0] === dash) n++;
      continue;
    }
    const first = s.dashes[0] ?? s.column;
    if (first <= dash) break;
  }
  return n;
}

/** Keys at exactly `column` in the map that holds line `at` (other than on that line). */
function siblingKeys(lines: string[], at: number, column: number): string[] {
  const out: string[] = [];
  const inMap = (s: LineShape, i: number): 'key' | 'skip' | 'stop' | 'first' => {
    if (s.column < column && s.dashes.length === 0) return 'stop';
    const first = s.dashes[0] ?? s.column;
    if (first < column && s.column !== column) return 'stop';
    if (s.column !== column) return 'skip';
    if (s.dashes.length > 0) return i < at ? 'first' : 'stop';
    return 'key';
  };
  const self = shapeOf(lines[at] ?? '');
  if (self && self.dashes.length > 0) {
    // our line starts the item: only the lines below belong to it
  } else {
    for (let i = at - 1; i >= 0; i--) {
      if (DOCUMENT_MARKER.test(lines[i])) break;
      const s = shapeOf(lines[i]);
      if (!s) continue;
      const r = inMap(s, i);
      if (r === 'stop') break;
      if ((r === 'key' || r === 'first') && s.key !== undefined) out.push(s.key);
      if (r === 'first') break;
    }
  }
  for (let i = at + 1; i < lines.length; i++) {
    if (DOCUMENT_MARKER.test(lines[i])) break;
    const s = shapeOf(lines[i]);
    if (!s) continue;
    const r = inMap(s, i);
    if (r === 'stop' || r === 'first') break;
    if (r === 'key' && s.key !== undefined) out.push(s.key);
  }
  return out;
}

function unquote(key: string): string {
  const k = key.trim();
  if ((k.startsWith('"') && k.endsWith('"')) || (k.startsWith("'") && k.endsWith("'"))) return k.slice(1, -1);
  return k;
}

// ---------------------------------------------------------------------------------------------------
// StressChaos documents of a text.

export interface StressChaosDocumentInfo {
  /** Index of the YAML document. */
  document: number;
  kind: 'StressChaos' | 'Schedule' | 'Workflow';
  /** The parsed document as plain data. */
  object: Record<string, unknown>;
  /** Line of the `kind:` key (where a CodeLens goes). */
  kindLine: number;
  /** First and last line of the document's content. */
  startLine: number;
  endLine: number;
  name?: string;
  namespace?: string;
  /** JSON paths of the StressChaos specs in the document (`['spec']` for a StressChaos). */
  specPaths: JsonPath[];
}

/** Cheap text test, before any parsing: could this text hold a StressChaos at all? */
export function mayContainStressChaos(text: string): boolean {
  return text.includes(STRESS_CHAOS_KIND) && text.includes('chaos-mesh.org');
}

/** The documents of a text that are, or embed, a StressChaos (syntax errors: skipped). */
export function stressChaosDocuments(text: string | YamlText): StressChaosDocumentInfo[] {
  const yt = typeof text === 'string' ? new YamlText(text) : text;
  if (!mayContainStressChaos(yt.text)) return [];
  const out: StressChaosDocumentInfo[] = [];
  yt.documents.forEach((doc, index) => {
    if (doc.errors.length > 0 || !isMap(doc.contents)) return;
    let js: unknown;
    try {
      js = doc.toJS({ maxAliasCount: 1000 });
    } catch {
      return;
    }
    if (!isRecord(js) || js.apiVersion !== CHAOS_MESH_API_VERSION) return;
    const specPaths = embeddedSpecPaths(js);
    if (specPaths.length === 0) return;
    const kindNode = yt.nodesAt(index, ['kind']).key;
    const contents = doc.contents as YamlNode;
    const start = yt.positionOf(contents.range?.[0] ?? 0);
    const end = yt.positionOf(Math.max((contents.range?.[1] ?? 1) - 1, contents.range?.[0] ?? 0));
    const metadata = isRecord(js.metadata) ? js.metadata : {};
    out.push({
      document: index,
      kind: js.kind as StressChaosDocumentInfo['kind'],
      object: js,
      kindLine: kindNode?.range ? yt.positionOf(kindNode.range[0]).line : start.line,
      startLine: start.line,
      endLine: end.line,
      name: typeof metadata.name === 'string' ? metadata.name : undefined,
      namespace: typeof metadata.namespace === 'string' ? metadata.namespace : undefined,
      specPaths,
    });
  });
  return out;
}

/** Where StressChaos specs sit in a chaos-mesh.org object: the same places validateStressChaos reads. */
export function embeddedSpecPaths(js: Record<string, unknown>): JsonPath[] {
  if (js.kind === STRESS_CHAOS_KIND) return [['spec']];
  if (js.kind === 'Schedule') return valueAt(js, ['spec', 'type']) === STRESS_CHAOS_KIND && isRecord(valueAt(js, ['spec', 'stressChaos'])) ? [['spec', 'stressChaos']] : [];
  if (js.kind !== 'Workflow') return [];
  const templates = valueAt(js, ['spec', 'templates']);
  const out: JsonPath[] = [];
  if (!Array.isArray(templates)) return out;
  templates.forEach((t, i) => {
    if (!isRecord(t)) return;
    if (t.templateType === STRESS_CHAOS_KIND && isRecord(t.stressChaos)) out.push(['spec', 'templates', i, 'stressChaos']);
    else if (t.templateType === 'Schedule' && isRecord(t.schedule) && t.schedule.type === STRESS_CHAOS_KIND && isRecord(t.schedule.stressChaos)) {
      out.push(['spec', 'templates', i, 'schedule', 'stressChaos']);
    }
  });
  return out;
}

/** For a path inside an embedded spec, the same path in a standalone StressChaos (for the schema). */
export function toStressChaosPath(path: JsonPath): JsonPath {
  const i = path.lastIndexOf('stressChaos');
  return i >= 0 ? ['spec', ...path.slice(i + 1)] : path;
}

// ---------------------------------------------------------------------------------------------------
// One analysis of a text, as the editor runs it on every (debounced) change.

export interface StressChaosTextAnalysis {
  /** Undefined for a text that cannot hold a StressChaos: nothing was parsed. */
  yaml?: YamlText;
  documents: StressChaosDocumentInfo[];
  diagnostics: StressChaosDiagnostic[];
}

/**
 * Everything the editor features need about a YAML text. A text without "StressChaos" and
 * "chaos-mesh.org" costs a string search: no parse, no schema compilation.
 */
export function analyzeStressChaosText(text: string, options: ValidateOptions = {}): StressChaosTextAnalysis {
  if (!mayContainStressChaos(text)) return { documents: [], diagnostics: [] };
  const yaml = new YamlText(text);
  const documents = stressChaosDocuments(yaml);
  // A document still being typed (no apiVersion yet, a syntax error) is validated too.
  if (documents.length === 0 && !/^\s*kind:\s*['"]?(StressChaos|Schedule|Workflow)/m.test(text)) return { documents, diagnostics: [] };
  return { yaml, documents, diagnostics: validateStressChaos(text, options) };
}

// ---------------------------------------------------------------------------------------------------
// Incremental analysis: a multi-document file is split at its document markers and each document is
// analysed on its own, cached by its text, so an edit re-reads only the document it touched.

interface Section {
  startLine: number;
  /** Global index of the section's first YAML document. */
  firstDocument: number;
  result: StressChaosTextAnalysis;
  documentCount: number;
}

/** Lines that start a YAML document (`---`) or end one (`...`): a document never spans them. */
const MARKER_LINE = /^(?:---|\.\.\.)(?:[ \t]|$)/;

/** The text split before every marker line, each part with the line it starts on. */
export function splitYamlDocuments(text: string): { startLine: number; text: string }[] {
  const lines = text.split('\n');
  const out: { startLine: number; text: string }[] = [];
  let start = 0;
  for (let i = 1; i <= lines.length; i++) {
    if (i === lines.length || MARKER_LINE.test(lines[i])) {
      out.push({ startLine: start, text: lines.slice(start, i).join('\n') + (i < lines.length ? '\n' : '') });
      start = i;
    }
  }
  return out;
}

/** The analysis of a whole text, assembled from its documents' analyses (positions are the text's). */
export class StressChaosTextIndex {
  readonly documents: StressChaosDocumentInfo[] = [];
  readonly diagnostics: StressChaosDiagnostic[] = [];

  constructor(private readonly sections: readonly Section[]) {
    for (const s of sections) {
      for (const d of s.result.documents) {
        this.documents.push({ ...d, document: d.document + s.firstDocument, kindLine: d.kindLine + s.startLine, startLine: d.startLine + s.startLine, endLine: d.endLine + s.startLine });
      }
      for (const d of s.result.diagnostics) this.diagnostics.push(shiftDiagnostic(d, s.startLine, s.firstDocument));
    }
  }

  /** Whether nothing in the text is, or embeds, a StressChaos (and nothing was reported). */
  get empty(): boolean {
    return this.documents.length === 0 && this.diagnostics.length === 0;
  }

  private section(document: number): Section | undefined {
    return this.sections.find((s) => document >= s.firstDocument && document < s.firstDocument + s.documentCount);
  }

  /** {@link jsonPathAt} over the whole text. */
  pathAt(position: TextPosition): PathHit | undefined {
    let section: Section | undefined;
    for (const s of this.sections) if (s.startLine <= position.line) section = s;
    if (!section?.result.yaml) return undefined;
    const hit = jsonPathAt(section.result.yaml, { line: position.line - section.startLine, column: position.column });
    if (!hit) return undefined;
    const shift = (p: TextPosition) => ({ line: p.line + section.startLine, column: p.column });
    return { ...hit, document: hit.document + section.firstDocument, start: shift(hit.start), end: shift(hit.end) };
  }

  /** {@link YamlText.placeOf} over the whole text. */
  placeOf(document: number, path: JsonPath): { start: TextPosition; end: TextPosition } | undefined {
    const s = this.section(document);
    const r = s?.result.yaml?.placeOf(document - s.firstDocument, path);
    return r && s && { start: { line: r.start.line + s.startLine, column: r.start.column }, end: { line: r.end.line + s.startLine, column: r.end.column } };
  }

  /** The range of the scalar value at `path`, if there is one. */
  valueRangeOf(document: number, path: JsonPath): { start: TextPosition; end: TextPosition } | undefined {
    const s = this.section(document);
    const yaml = s?.result.yaml;
    if (!s || !yaml) return undefined;
    const node = yaml.nodesAt(document - s.firstDocument, path).value;
    const r = node && isScalar(node) ? yaml.rangeOf(node) : undefined;
    return r && { start: { line: r.start.line + s.startLine, column: r.start.column }, end: { line: r.end.line + s.startLine, column: r.end.column } };
  }
}

function shiftDiagnostic(d: StressChaosDiagnostic, lines: number, documents: number): StressChaosDiagnostic {
  if (lines === 0 && documents === 0) return d;
  const out: StressChaosDiagnostic = { ...d, line: d.line + lines, document: (d.document ?? 0) + documents };
  if (d.endLine !== undefined) out.endLine = d.endLine + lines;
  if (d.fixes) out.fixes = d.fixes.map((f) => ({ ...f, edits: f.edits.map((e) => ({ ...e, line: e.line + lines, endLine: e.endLine + lines })) }));
  return out;
}

/**
 * Analyses texts document by document, reusing the previous answer for every document whose text
 * did not change. One instance per open editor document.
 */
export class IncrementalAnalyzer {
  private cache = new Map<string, { result: StressChaosTextAnalysis; documentCount: number }>();

  constructor(private readonly options: ValidateOptions = {}) {}

  analyze(text: string): StressChaosTextIndex {
    if (!mayContainStressChaos(text)) {
      this.cache.clear();
      return new StressChaosTextIndex([]);
    }
    const next = new Map<string, { result: StressChaosTextAnalysis; documentCount: number }>();
    const sections: Section[] = [];
    let firstDocument = 0;
    for (const part of splitYamlDocuments(text)) {
      let entry = next.get(part.text) ?? this.cache.get(part.text);
      if (!entry) {
        const result = analyzeStressChaosText(part.text, this.options);
        entry = { result, documentCount: result.yaml ? result.yaml.documents.length : countDocuments(part.text) };
      }
      next.set(part.text, entry);
      sections.push({ startLine: part.startLine, firstDocument, result: entry.result, documentCount: entry.documentCount });
      firstDocument += entry.documentCount;
    }
    this.cache = next;
    return new StressChaosTextIndex(sections);
  }
}

/** Documents in a text that holds no StressChaos (so it was not parsed): 1 unless it is empty or only comments. */
function countDocuments(text: string): number {
  return /^(?:---|\.\.\.)(?:[ \t]|$)|^[ \t]*[^\s#]/m.test(text) ? 1 : 0;
}
