import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

// src/core must run in plain Node, in the webview bundle and in tests without VS Code or a
// network: no `vscode`, no client-node (not even a type import), no network or process modules.
const FORBIDDEN = ['vscode', '@kubernetes/client-node', 'http', 'https', 'http2', 'net', 'tls', 'dgram', 'child_process'];

const CORE = path.resolve(__dirname, '../../../src/core');

/** The forbidden module a specifier names, if any (`node:` prefix and subpaths included). */
function forbiddenModule(specifier: string): string | undefined {
  const bare = specifier.startsWith('node:') ? specifier.slice('node:'.length) : specifier;
  return FORBIDDEN.find((name) => bare === name || bare.startsWith(`${name}/`));
}

/**
 * Every module specifier a source text imports: static and type-only imports, re-exports,
 * `import x = require()`, `require()` and dynamic `import()`, as the TypeScript scanner sees them
 * (so comments and ordinary strings do not count).
 */
function importedModules(text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((f) => f.fileName);
}

function violations(text: string): string[] {
  return importedModules(text).filter((m) => forbiddenModule(m) !== undefined);
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(c|m)?(t|j)sx?$/.test(entry.name)) out.push(full);
  }
  return out;
}

suite('src/core purity', () => {
  test('every file under src/core is free of vscode, client-node and network/process modules', () => {
    const files = sourceFiles(CORE);
    assert.ok(files.length > 0, `no source files found under ${CORE}`);
    const found: string[] = [];
    for (const file of files) {
      for (const m of violations(readFileSync(file, 'utf8'))) found.push(`${path.relative(CORE, file)} imports ${m}`);
    }
    assert.deepEqual(found, []);
  });

  test('the scan covers the core modules (quantity, qos, cgroup, k8sTypes)', () => {
    const names = sourceFiles(CORE).map((f) => path.basename(f));
    for (const name of ['quantity.ts', 'qos.ts', 'cgroup.ts', 'k8sTypes.ts']) assert.ok(names.includes(name), name);
  });

  // The detector itself, so the scan above cannot pass by seeing nothing.
  const DETECTOR: readonly (readonly [string, string, readonly string[]])[] = [
    ['a vscode namespace import', "import * as vscode from 'vscode';", ['vscode']],
    ['a type-only client-node import', "import type { V1Pod } from '@kubernetes/client-node';", ['@kubernetes/client-node']],
    ['a client-node subpath', "import { x } from '@kubernetes/client-node/dist/gen';", ['@kubernetes/client-node/dist/gen']],
    ['node:http', "import { request } from 'node:http';", ['node:http']],
    ['https without prefix', "import https from 'https';", ['https']],
    ['a side-effect import of net', "import 'net';", ['net']],
    ['a re-export from tls', "export { connect } from 'node:tls';", ['node:tls']],
    ['require of child_process', "const cp = require('node:child_process');", ['node:child_process']],
    ['import-equals of dgram', "import dgram = require('dgram');", ['dgram']],
    ['an import type in a type position', "type Uri = import('vscode').Uri;", ['vscode']],
    ['a dynamic import of https', "async function f() { return import('https'); }", ['https']],
    ['a relative module named net is fine', "import { x } from './net';", []],
    ['node:fs is fine', "import { readFileSync } from 'node:fs';", []],
    ['a look-alike package is fine', "import x from 'netmask'; import y from 'https-proxy-agent-types';", []],
    ['a comment mentioning vscode is fine', "// import * as vscode from 'vscode'\nexport const a = 1;", []],
    ['a string that is not an import is fine', "const url = 'https'; const mod = 'child_process';", []],
  ];
  for (const [name, text, expected] of DETECTOR) {
    test(`the detector flags ${expected.length === 0 ? 'nothing in ' : ''}${name}`, () => assert.deepEqual(violations(text), expected));
  }
});
