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

const SEED = Number(process.env.PMC_FC_SEED ?? 20261205);

/** Valid manifests the generators start from (literal texts, shapes of Chaos Mesh's own examples). */
const VALID: Record<string, unknown>[] = [
  {
    apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'StressChaos', metadata: { name: 'memory-stress', namespace: 'hello-kubernetes' },
    spec: { mode: 'one', selector: { labelSelectors: { 'app.kubernetes.io/name': 'hello-kubernetes' } }, stressors: { memory: { workers: 4, size: '256MB' } }, duration: '60s' },
  },
  {
    apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'StressChaos', metadata: { name: 'burn-cpu' },
    spec: { mode: 'fixed-percent', value: '50', selector: { namespaces: ['shop'] }, stressors: { cpu: { workers: 1, load: 20 }, memory: { workers: 1, size: '50%', oomScoreAdj: -1000 } } },
  },
  {
    apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'Schedule', metadata: { name: 'nightly' },
    spec: { schedule: '@every 1h', type: 'StressChaos', historyLimit: 2, concurrencyPolicy: 'Forbid', stressChaos: { mode: 'all', selector: { pods: { shop: ['catalog'] } }, stressors: { memory: { workers: 1, size: '64MiB', time: '10s' } }, duration: '30s' } },
  },
];

type Json = unknown;

/** Values of every JSON type, with the awkward ones weighted in. */
const anyValue: fc.Arbitrary<Json> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 0, 1e308, 2 ** 63, '9'.repeat(400), '', '256Mi', '-5Mi', '1K', '0B', '100%', '101%', 'NaN', '∞', '🧨', '\u0000', '\u202e'),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
);

/** Every path to a value inside a JSON tree. */
function paths(node: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(node)) node.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function setAt(root: Json, path: (string | number)[], value: Json): Json {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, Json>;
  let node = copy;
  for (const key of path.slice(0, -1)) {
    // A scalar on the way becomes a mapping, so a field can be added below any path.
    if (!node[key] || typeof node[key] !== 'object') node[key] = {};
    node = node[key] as Record<string | number, Json>;
  }
  node[path[path.length - 1]] = value;
  return copy;
}

/** A mutation of one valid manifest, as YAML text. */
const mutatedManifest: fc.Arbitrary<string> = fc
  .record({
    base: fc.constantFrom(...VALID),
    pick: fc.nat(),
    value: anyValue,
    mode: fc.constantFrom('replace', 'unknownField', 'deep'),
    key: fc.oneof(fc.string(), fc.constantFrom('szie', 'worker', 'oomscoreadj', 'Duration', '<<')),
    depth: fc.integer({ min: 1, max: 200 }),
  })
  .map(({ base, pick, value, mode, key, depth }) => {
    const all = paths(base);
    const path = all[pick % all.length];
    let next: Json;
    if (mode === 'replace') next = setAt(base, path, value);
    else if (mode === 'unknownField') next = setAt(base, [...path.filter((p) => typeof p === 'string').slice(0, 3), key], value);
    else {
      let nested: Json = value;
      for (let i = 0; i < depth; i++) nested = { [key || 'k']: nested };
      next = setAt(base, ['spec', 'stressors', 'memory'], nested);
    }
    return YAML.stringify(next);
  });

/** Text-level damage: cut, spliced, duplicated documents, anchors and aliases, tabs. */
const damagedText: fc.Arbitrary<string> = fc
  .record({ text: mutatedManifest, cut: fc.nat(), insert: fc.constantFrom('\t', ': ', '- ', '&a ', '*a', '---\n', '"', '{', '[', '\n  ', '<<: *a\n', '#'), where: fc.nat() })
  .map(({ text, cut, insert, where }) => {
    const at = where % (text.length + 1);
    const spliced = text.slice(0, at) + insert + text.slice(at);
    return cut % 3 === 0 ? spliced.slice(0, cut % (spliced.length + 1)) : spliced;
  });

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

suite('bad input: generated StressChaos documents never break the validator (fast-check)', () => {
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
