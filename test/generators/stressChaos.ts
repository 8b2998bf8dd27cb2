// Generators of bad StressChaos input, shared by the property tests (test/unit/core/*.property.test.ts)
// and the integration test that feeds generated documents to the real editor providers. fast-check
// mutates valid StressChaos manifests (wrong types, unknown fields, huge numbers, unicode, deep
// nesting) and damages their text (cut, spliced, anchors and aliases, tabs, document markers).
import fc from 'fast-check';
import YAML from 'yaml';

/** Valid manifests the generators start from (literal texts, shapes of Chaos Mesh's own examples). */
export const VALID: Record<string, unknown>[] = [
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

export type Json = unknown;

/** Values of every JSON type, with the awkward ones weighted in. */
export const anyValue: fc.Arbitrary<Json> = fc.oneof(
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
export function paths(node: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(node)) node.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) out.push(...paths(v, [...prefix, k]));
  return out;
}

export function setAt(root: Json, path: (string | number)[], value: Json): Json {
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
export const mutatedManifest: fc.Arbitrary<string> = fc
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
export const damagedText: fc.Arbitrary<string> = fc
  .record({ text: mutatedManifest, cut: fc.nat(), insert: fc.constantFrom('\t', ': ', '- ', '&a ', '*a', '---\n', '"', '{', '[', '\n  ', '<<: *a\n', '#'), where: fc.nat() })
  .map(({ text, cut, insert, where }) => {
    const at = where % (text.length + 1);
    const spliced = text.slice(0, at) + insert + text.slice(at);
    return cut % 3 === 0 ? spliced.slice(0, cut % (spliced.length + 1)) : spliced;
  });

/** A generated document (mutated or damaged), as YAML text. */
export const stressChaosText: fc.Arbitrary<string> = fc.oneof(mutatedManifest, damagedText);

/** A position in a text: mostly on a character or a line end, sometimes past them (as a stale request would be). */
export interface GeneratedPosition {
  line: number;
  column: number;
}

/** `count` positions in `text`, drawn from the numbers `picks` (fast-check's, so they replay with the seed). */
export function positionsIn(text: string, picks: readonly number[]): GeneratedPosition[] {
  const lines = text.split('\n');
  return picks.map((n, i) => {
    const outside = i % 10 === 9;
    const line = outside ? n % (lines.length + 2) : n % lines.length;
    const length = (lines[line] ?? '').length;
    const column = outside ? (n >> 3) % (length + 3) : (n >> 3) % (length + 1);
    return { line, column };
  });
}
