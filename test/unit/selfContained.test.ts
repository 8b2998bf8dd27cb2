// A clone of this repository alone passes `npm test`: no file in src, test, bench, scripts, .ci or
// the build files reads, or sends a reader to, a path outside the repository. Test data lives in
// test/fixtures (see its README). This scans every such file, comments included, for
//   - the team's `shared` folder beside the checkout (one level up, or its fixtures, docs, hooks),
//   - absolute paths into the machine's layout (the team's work folder, or the folder holding
//     this checkout),
//   - relative paths that climb above the repository root (runs of `..` segments, joined or as
//     separate arguments), resolved from the folder the file runs from.
// The cases below build the forbidden texts from pieces so that this file does not name them.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

const SCANNED = ['src', 'test', 'bench', 'scripts', '.ci', 'esbuild.js', 'package.json', 'eslint.config.mjs', 'tsconfig.json', '.mocharc.json'];
const NOT_SOURCE = new Set(['node_modules', '.git']);
const TEXT_FILE = /\.(?:[cm]?[jt]sx?|json|md|ya?ml|txt|sh|css|html)$|^[^.]+$/;

/**
 * The folder a file's relative paths are resolved from when it runs: its own folder, except the
 * integration suites, which esbuild.js bundles into out/test/integration and run from there.
 */
function runsFrom(relFile: string): string {
  const dir = path.dirname(relFile);
  return dir === 'test/integration' || dir.startsWith('test/integration/') ? path.join('out', dir) : dir;
}

const UP = '..';
const TEAM_FOLDER = 'shared';
const MACHINE_FOLDER = `/${'work'}/`;
const rules: { what: string; find: (text: string, relFile: string) => string[] }[] = [
  {
    what: 'names the team folder beside the checkout',
    find: (text) => [
      ...text.matchAll(new RegExp(`(?:\\.\\.[/\\\\])+${TEAM_FOLDER}\\b`, 'g')),
      ...text.matchAll(new RegExp(`\\b${TEAM_FOLDER}(?:[/\\\\]|['"]\\s*,\\s*['"])(?:fixtures|docs|hooks)\\b`, 'g')),
    ].map((m) => m[0]),
  },
  {
    what: 'is an absolute path into the machine around the repository',
    find: (text) => {
      const prefixes = new Set([MACHINE_FOLDER]);
      const parent = path.dirname(root);
      if (parent !== path.parse(parent).root) prefixes.add(`${parent}/`);
      return [...prefixes].flatMap((p) => [...text.matchAll(new RegExp(`(?<![\\w.])${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\S*`, 'g'))].map((m) => m[0]));
    },
  },
  {
    what: 'climbs above the repository root',
    find: (text, relFile) => {
      const base = path.resolve(root, runsFrom(relFile));
      const climbs = [
        ...[...text.matchAll(/(?<=^|[\s'"`([=,:])((?:\.\.\/)+)/gm)].map((m) => ({ text: m[0], levels: m[0].length / 3 })),
        ...[...text.matchAll(/(['"])\.\.\1(?:\s*,\s*(['"])\.\.\2)*/g)].map((m) => ({ text: m[0], levels: m[0].split(UP).length - 1 })),
      ];
      return climbs.filter((c) => {
        const target = path.resolve(base, ...Array<string>(c.levels).fill(UP));
        return target !== root && !target.startsWith(root + path.sep);
      }).map((c) => c.text);
    },
  },
];

/** `file:line: what (text)` for every reference to a path outside the repository. */
function outsideReferences(relFile: string, text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const rule of rules) {
      for (const hit of rule.find(line, relFile)) found.push(`${relFile}:${i + 1}: ${rule.what} (${hit})`);
    }
  });
  return found;
}

function projectFiles(rel: string): string[] {
  const full = path.join(root, rel);
  if (!statSync(full).isDirectory()) return [rel];
  return readdirSync(full, { withFileTypes: true })
    .filter((e) => !NOT_SOURCE.has(e.name))
    .flatMap((e) => (e.isDirectory() ? projectFiles(path.join(rel, e.name)) : TEXT_FILE.test(e.name) ? [path.join(rel, e.name)] : []));
}

suite('the repository stands alone (no path outside it)', () => {
  test('no file in src, test, bench, scripts, .ci or the build files names a path outside the repository', () => {
    const files = SCANNED.flatMap(projectFiles);
    assert.ok(files.includes('test/unit/core/cgroup.test.ts') && files.includes('.ci/run'), 'the scan sees the tests and .ci/run');
    assert.deepEqual(files.flatMap((f) => outsideReferences(f, readFileSync(path.join(root, f), 'utf8'))), []);
  });

  const up = (n: number) => `${UP}/`.repeat(n);
  const ups = (n: number) => Array<string>(n).fill(`'${UP}'`).join(', ');
  const team = (sub: string) => `${TEAM_FOLDER}/${sub}`;
  const cases: { name: string; file: string; text: string; found: string[] }[] = [
    {
      name: 'a test reading fixtures from the folder beside the clone',
      file: 'test/unit/core/x.test.ts',
      text: `const F = path.resolve(__dirname, '${up(4)}${team('fixtures')}/cgroup');`,
      found: [
        `test/unit/core/x.test.ts:1: names the team folder beside the checkout (${up(4)}${TEAM_FOLDER})`,
        `test/unit/core/x.test.ts:1: names the team folder beside the checkout (${team('fixtures')})`,
        `test/unit/core/x.test.ts:1: climbs above the repository root (${up(4)})`,
      ],
    },
    {
      name: 'a comment sending the reader to the team docs',
      file: 'test/harness/x.mjs',
      text: `// The recipe: ${up(1)}${team('docs')}/vscode.md`,
      found: [
        `test/harness/x.mjs:1: names the team folder beside the checkout (${up(1)}${TEAM_FOLDER})`,
        `test/harness/x.mjs:1: names the team folder beside the checkout (${team('docs')})`,
      ],
    },
    {
      name: 'an absolute path into the machine',
      file: '.ci/run',
      text: `cp -r ${MACHINE_FOLDER}${team('fixtures')} test/`,
      found: [
        `.ci/run:1: names the team folder beside the checkout (${team('fixtures')})`,
        `.ci/run:1: is an absolute path into the machine around the repository (${MACHINE_FOLDER}${team('fixtures')})`,
      ],
    },
    {
      name: 'path segments climbing out one by one',
      file: 'test/sandbox/api/x.ts',
      text: `// lines are counted\npath.resolve(__dirname, ${ups(4)}, 'data')`,
      found: [`test/sandbox/api/x.ts:2: climbs above the repository root (${ups(4)})`],
    },
    {
      name: 'imports of the sources and the repository root are inside',
      file: 'test/unit/core/x.test.ts',
      text: `import { a } from '${up(3)}src/core/cgroup';\nconst root = path.resolve(__dirname, ${ups(2)});\nconst bin = path.resolve(__dirname, '${up(1)}.vscode-test');`,
      found: [],
    },
    {
      name: 'the integration suites resolve from their bundle in out/test/integration',
      file: 'test/integration/index.ts',
      text: `path.resolve(__dirname, ${ups(3)}, 'artifacts')`,
      found: [],
    },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(outsideReferences(c.file, c.text), c.found));
  }
});
