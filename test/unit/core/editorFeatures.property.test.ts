// Generated bad input for the editor features that run as the user types: completion, hover,
// inlay hints and quick fixes, called the way src/extension/editor/languageFeatures.ts calls them
// (the incremental analysis, its path lookup, the schema help, the fixes the validator attaches).
// The documents come from the same generators as the validator's property test; at several
// positions of each, nothing throws, every answer is bounded in size (a runaway loop that grew
// an answer would fail here), every range lies inside the document, and every quick fix's edits
// lie inside the document and, applied to a text that parsed, leave a text that still parses.
// Termination is asserted by the calls returning (synchronous code; mocha's timeout is only the
// backstop), never by measuring time. Seeded: PMC_FC_SEED replays a failure.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import {
  completionEntries,
  completionPathAt,
  hoverMarkdown,
  IncrementalAnalyzer,
  jsonPathAt,
  sizeFacts,
  sizeInlayHint,
  stressChaosDocuments,
  valueAt,
  type JsonPath,
  type StressChaosFix,
  type TargetLimit,
} from '../../../src/core';
import { positionsIn, stressChaosText } from '../../generators/stressChaos';

const SEED = Number(process.env.PMC_FC_SEED ?? 20261205);
const DOCUMENTS = 1200;
const POSITIONS_PER_DOCUMENT = 6;

/** What the cluster-aware hints may add (a target's limit, the node's memory), or nothing (offline). */
const clusterFacts = fc.option(
  fc.record({
    target: fc.option(fc.record({ id: fc.constant('shop/catalog/app'), limitBytes: fc.bigInt({ min: 0n, max: 2n ** 64n }), limitText: fc.constantFrom('500Mi', '1Gi', '0') }), { nil: undefined }),
    nodeMemTotal: fc.option(fc.bigInt({ min: 0n, max: 2n ** 64n }), { nil: undefined }),
  }),
  { nil: undefined },
);

interface Range {
  start: { line: number; column: number };
  end: { line: number; column: number };
}

function assertRangeInside(lines: string[], r: Range, what: string): void {
  for (const p of [r.start, r.end]) {
    assert.ok(Number.isInteger(p.line) && p.line >= 0 && p.line < lines.length, `${what}: line ${p.line} outside 0..${lines.length - 1}`);
    assert.ok(Number.isInteger(p.column) && p.column >= 0 && p.column <= lines[p.line].length, `${what}: column ${p.column} outside line ${p.line} (${lines[p.line].length} long)`);
  }
  assert.ok(r.start.line < r.end.line || (r.start.line === r.end.line && r.start.column <= r.end.column), `${what}: ends before it starts`);
}

function parsesCleanly(text: string): boolean {
  return parseAllDocuments(text).every((d) => d.errors.length === 0);
}

/** The text with a fix's edits applied (edits must not overlap; applied from the last one back). */
function applyFix(text: string, fix: StressChaosFix): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const offset = (line: number, column: number) => starts[line] + column;
  const edits = fix.edits.map((e) => ({ from: offset(e.line, e.column), to: offset(e.endLine, e.endColumn), text: e.newText })).sort((a, b) => b.from - a.from);
  for (let i = 1; i < edits.length; i++) assert.ok(edits[i].to <= edits[i - 1].from, `"${fix.title}": edits overlap`);
  let out = text;
  for (const e of edits) out = out.slice(0, e.from) + e.text + out.slice(e.to);
  return out;
}

/** The spec path (of a document) that holds `path`: as the hover provider finds it. */
function specOf(specPaths: JsonPath[], path: JsonPath): JsonPath | undefined {
  return specPaths.find((s) => s.length <= path.length && s.every((seg, i) => seg === path[i]));
}

interface Counts {
  documents: number;
  positions: number;
  completions: number;
  hovers: number;
  inlayHints: number;
  fixes: number;
  fixesOnParsingText: number;
}

function exercise(text: string, positions: { line: number; column: number }[], facts: { target?: TargetLimit; nodeMemTotal?: bigint } | undefined, counts: Counts, oneShotReader = true): void {
  counts.documents++;
  const lines = text.split('\n');
  const index = new IncrementalAnalyzer({ defaultDuration: '60s', defaultSize: '256MB' }).analyze(text);

  for (const position of positions) {
    counts.positions++;
    // Completion: read from indentation, then the schema's fields or values.
    const place = completionPathAt(text, position);
    if (place) {
      const entries = completionEntries(place);
      assert.ok(entries.length <= 100, `${entries.length} completion entries`);
      for (const e of entries) {
        assert.equal(typeof e.label, 'string');
        assert.ok(e.insertText.length <= 2_000, `completion "${e.label}" inserts ${e.insertText.length} characters`);
      }
      counts.completions += entries.length;
    }
    // Hover, through the whole-text index as the provider asks it, and through the one-shot reader.
    const hit = index.pathAt(position);
    if (hit) {
      assertRangeInside(lines, hit, `hover range at ${position.line}:${position.column}`);
      const info = index.documents.find((d) => d.document === hit.document);
      if (info) {
        const spec = specOf(info.specPaths, hit.path);
        const md = hoverMarkdown(info.object, hit.path, spec ? (facts ?? {}) : {});
        if (md !== undefined) {
          assert.ok(md.length <= 20_000 + 4 * text.length, `hover of ${md.length} characters`);
          counts.hovers++;
        }
      }
    }
    const direct = oneShotReader ? jsonPathAt(text, position) : undefined; // it parses the whole text each time
    if (direct) assertRangeInside(lines, direct, `jsonPathAt at ${position.line}:${position.column}`);
  }

  // Inlay hints: after each memory size of each spec.
  for (const info of index.documents) {
    for (const spec of info.specPaths) {
      const where = index.valueRangeOf(info.document, [...spec, 'stressors', 'memory', 'size']);
      if (where) assertRangeInside(lines, where, 'inlay hint position');
      const label = sizeInlayHint(sizeFacts(valueAt(info.object, [...spec, 'stressors', 'memory']), facts?.nodeMemTotal), facts?.target);
      if (label !== undefined) {
        assert.ok(label.length > 0 && label.length <= 500, `inlay hint of ${label.length} characters`);
        counts.inlayHints++;
      }
    }
  }
  // Where the CodeLens and the document ranges go: inside the text, for both readers.
  for (const info of [...index.documents, ...(oneShotReader ? stressChaosDocuments(text) : [])]) {
    for (const line of [info.kindLine, info.startLine, info.endLine]) assert.ok(Number.isInteger(line) && line >= 0 && line < lines.length, `document line ${line} outside`);
  }

  // Quick fixes: inside the document; applied to a text that parsed, the text still parses.
  const parsed = parsesCleanly(text);
  for (const d of index.diagnostics) {
    for (const fix of d.fixes ?? []) {
      counts.fixes++;
      assert.ok(fix.title.length > 0);
      for (const e of fix.edits) {
        assertRangeInside(lines, { start: { line: e.line, column: e.column }, end: { line: e.endLine, column: e.endColumn } }, `fix "${fix.title}"`);
      }
      const fixed = applyFix(text, fix);
      if (parsed) {
        counts.fixesOnParsingText++;
        assert.ok(parsesCleanly(fixed), `fix "${fix.title}" for ${d.code} leaves text that does not parse:\n${fixed}`);
      }
    }
  }
}

suite('bad input: completion, hover, inlay hints and quick fixes on generated documents (fast-check)', function () {
  this.timeout(300_000); // thousands of documents on a loaded 2-core machine; a hang fails here
  const counts: Counts = { documents: 0, positions: 0, completions: 0, hovers: 0, inlayHints: 0, fixes: 0, fixesOnParsingText: 0 };
  suiteTeardown(() => {
    // Reported so the README's count is a measured one.
    console.log(`      ${counts.documents} generated documents, ${counts.positions} positions: ${counts.completions} completion entries, ${counts.hovers} hovers, ${counts.inlayHints} inlay hints, ${counts.fixes} quick fixes (${counts.fixesOnParsingText} applied to parsing text), no crash (seed ${SEED})`);
  });

  test(`${DOCUMENTS} generated documents × ${POSITIONS_PER_DOCUMENT} positions: no throw, bounded answers, ranges and fix edits inside, fixed text parses`, () => {
    const before = counts.documents;
    fc.assert(
      fc.property(stressChaosText, fc.array(fc.nat(), { minLength: POSITIONS_PER_DOCUMENT, maxLength: POSITIONS_PER_DOCUMENT }), clusterFacts, (text, picks, facts) => exercise(text, positionsIn(text, picks), facts, counts)),
      { seed: SEED + 10, numRuns: DOCUMENTS },
    );
    // fast-check ran every case (a shrunken or skipped run cannot pass quietly)
    assert.equal(counts.documents - before, DOCUMENTS);
    // the generators reach every feature, so the properties above were really exercised
    assert.ok(counts.completions > 0 && counts.hovers > 0 && counts.inlayHints > 0 && counts.fixesOnParsingText > 0, JSON.stringify(counts));
  });

  test('a YAML alias bomb and a 1 MB file of 2,000 documents: the features answer at their positions', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]', 'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]', 'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
      'apiVersion: chaos-mesh.org/v1alpha1', 'kind: StressChaos', 'metadata: {name: bomb}', 'spec:', '  mode: one', '  selector: {namespaces: [*g]}', '  stressors:', '    memory:', '      workers: 1', '      size: 1MB', ''].join('\n');
    const one = ['apiVersion: chaos-mesh.org/v1alpha1', 'kind: StressChaos', `# ${'padding so that 2,000 documents make a megabyte '.repeat(6)}`, 'metadata:', '  name: memory-stress-N', 'spec:', '  mode: one', '  selector:', '    namespaces: [shop]', '  stressors:', '    memory:', '      workers: 4', '      size: 256MB', '  duration: 60s', ''].join('\n');
    const big = Array.from({ length: 2000 }, (_, i) => one.replace('memory-stress-N', `memory-stress-${i}`)).join('---\n');
    assert.ok(big.length > 1_000_000, 'over a megabyte');
    for (const text of [bomb, big]) {
      const lines = text.split('\n');
      // the first, a middle and the last lines, at their starts, middles and ends
      const positions = [0, 6, 14, Math.floor(lines.length / 2), lines.length - 3, lines.length - 1].flatMap((line) => [0, Math.floor(lines[line].length / 2), lines[line].length].map((column) => ({ line, column })));
      const local: Counts = { documents: 0, positions: 0, completions: 0, hovers: 0, inlayHints: 0, fixes: 0, fixesOnParsingText: 0 };
      exercise(text, positions, { nodeMemTotal: 8n * 1024n ** 3n }, local, text !== big);
      counts.documents += local.documents;
      counts.positions += local.positions;
      if (text === big) assert.equal(local.inlayHints, 2000, 'one size hint per document');
    }
  });

  test('at every position of a valid manifest with fixes to offer, the features answer and the fixes repair', () => {
    // A literal document: a Kubernetes quantity where Chaos Mesh wants its own unit, and no duration.
    const text = [
      'apiVersion: chaos-mesh.org/v1alpha1',
      'kind: StressChaos',
      'metadata:',
      '  name: memory-stress',
      'spec:',
      '  mode: one',
      '  selector:',
      '    namespaces: [shop]',
      '  stressors:',
      '    memory:',
      '      workers: 2',
      '      size: 256Mi',
      '',
    ].join('\n');
    const lines = text.split('\n');
    const everywhere = lines.flatMap((l, line) => Array.from({ length: l.length + 1 }, (_, column) => ({ line, column })));
    const local: Counts = { documents: 0, positions: 0, completions: 0, hovers: 0, inlayHints: 0, fixes: 0, fixesOnParsingText: 0 };
    exercise(text, everywhere, { nodeMemTotal: 8n * 1024n ** 3n }, local);
    counts.documents += local.documents;
    counts.positions += local.positions;
    assert.ok(local.hovers > 0);
    assert.ok(local.fixesOnParsingText >= 2, `fixes for 256Mi and the missing duration: ${JSON.stringify(local)}`);
  });
});
