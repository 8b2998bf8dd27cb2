// The StressChaos editor inside a real VS Code: diagnostics with their ranges, completion, hover,
// inlay hints, quick fixes, and the grammar (tokenized with VS Code's own TextMate engine and YAML
// grammar). Expected values are literal: bytes from the scenario, positions counted by hand.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { eventually, EXTENSION_ID, manifest, openYaml as open } from './helpers';

const BASE = [
  'apiVersion: chaos-mesh.org/v1alpha1', // 0
  'kind: StressChaos', // 1
  'metadata:', // 2
  '  name: memory-pressure', // 3
  '  namespace: shop', // 4
  'spec:', // 5
  '  mode: one', // 6
  '  selector:', // 7
  '    labelSelectors:', // 8
  '      app: checkout', // 9
  '  stressors:', // 10
  '    memory:', // 11
  '      workers: 4', // 12
  '      size: 50MiB', // 13
  '  duration: 5m', // 14
];
const edit = (from: number, to: number, ...lines: string[]) => [...BASE.slice(0, from), ...lines, ...BASE.slice(to)].join('\n') + '\n';

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'StressChaos');
const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));
const brief = (d: vscode.Diagnostic) => `${codeOf(d)}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`;

/** Waits until the document's StressChaos diagnostics satisfy `done`. */
function diagnostics(uri: vscode.Uri, done: (ds: vscode.Diagnostic[]) => boolean = (ds) => ds.length > 0): Promise<vscode.Diagnostic[]> {
  return eventually(() => ours(uri), done, 10_000);
}

suite('StressChaos editor: diagnostics (in VS Code)', () => {
  teardown(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  const table: [string, string, string][] = [
    ['Kubernetes quantity as size', edit(13, 14, '      size: 256Mi'), 'size-kubernetes-quantity@13:12-13:17'],
    ['misspelt duration', edit(14, 15, '  duraton: 5m'), 'unknown-field@14:2-14:9'],
    ['mode not in the enum', edit(6, 7, '  mode: onee'), 'unsupported-value@6:8-6:12'],
    ['fixed without value (at mode)', edit(6, 7, '  mode: fixed'), 'invalid-value@6:8-6:13'],
    ['duration in days', edit(14, 15, '  duration: 1d'), 'invalid-duration@14:12-14:14'],
    ['workers above 8192', edit(12, 13, '      workers: 9000'), 'out-of-range@12:15-12:19'],
    ['stressors empty', edit(10, 14, '  stressors: {}'), 'missing-stressors@10:2-10:11'],
  ];
  for (const [name, text, expected] of table) {
    test(`${name} → ${expected}`, async () => {
      const document = await open(text);
      const found = await diagnostics(document.uri, (ds) => ds.some((d) => d.severity === vscode.DiagnosticSeverity.Error));
      assert.deepEqual(found.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).map(brief), [expected]);
      const d = found.find((x) => x.severity === vscode.DiagnosticSeverity.Error)!;
      assert.equal(d.source, 'StressChaos');
      const target = (d.code as { target: vscode.Uri }).target;
      assert.equal(target.fragment, codeOf(d));
      assert.ok(target.path.endsWith('/media/stresschaos-rules.md'));
    });
  }

  test('the four workers get a warning that size is the total, not per worker', async () => {
    const document = await open(edit(0, 0));
    const found = await diagnostics(document.uri);
    assert.deepEqual(found.map(brief), ['size-split-across-workers@13:12-13:17']);
    assert.match(found[0].message, /each memStress worker maps 13107200 bytes \(12\.5Mi\), 52428800 bytes \(50Mi\) in all/);
  });

  test('a StressChaos inside a Schedule, in the second document of a file', async () => {
    const document = await open(['kind: ConfigMap', 'data: {a: b}', '---', 'apiVersion: chaos-mesh.org/v1alpha1', 'kind: Schedule', 'metadata: {name: s}', 'spec:', '  type: StressChaos', '  schedule: "@every 1h"', '  stressChaos:', '    mode: one', '    selector: {}', '    stressors:', '      memory: {workers: 1, size: 1Gi}', '    duration: 1m', ''].join('\n'));
    const found = await diagnostics(document.uri);
    assert.deepEqual(found.map(brief), ['size-kubernetes-quantity@13:33-13:36']);
  });

  test('every upstream StressChaos example has no error', async () => {
    const dir = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'test', 'fixtures', 'upstream-stresschaos');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    assert.ok(files.length >= 11, `${files.length} examples in ${dir}`);
    for (const f of files) {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(dir, f)));
      await vscode.window.showTextDocument(document);
      // Each example has at least one warning (asserted by the unit suite); wait for them, then check there is no error.
      const found = await diagnostics(document.uri);
      assert.deepEqual(found.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).map(brief), [], f);
    }
  });

  test('a Helm values file gets no StressChaos diagnostics, and closing a document clears them', async () => {
    const helm = await open('replicaCount: 2\npersistence:\n  size: 8Gi\n');
    const broken = await open(edit(13, 14, '      size: 256Mi'));
    await diagnostics(broken.uri);
    assert.deepEqual(ours(helm.uri), []);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    const after = await eventually(() => ours(broken.uri), (ds) => ds.length === 0);
    assert.deepEqual(after, []);
  });
});

suite('StressChaos editor: completion, hover, inlay hints (in VS Code)', () => {
  teardown(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  async function propertiesAt(lines: string[], line: number, column: number): Promise<string[]> {
    const document = await open(lines.join('\n'));
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, new vscode.Position(line, column));
    return list.items.filter((i) => i.kind === vscode.CompletionItemKind.Property).map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
  }

  test('`stressors` is offered in spec, `memory` in stressors, `size` and `workers` in memory', async () => {
    const spec = await propertiesAt([...BASE.slice(0, 10), '  st'], 10, 4);
    assert.ok(spec.includes('stressors'), spec.join());
    assert.ok(!spec.includes('mode'), 'mode is already there');
    const stressors = await propertiesAt([...BASE.slice(0, 11), '    m'], 11, 5);
    assert.deepEqual(stressors.sort(), ['cpu', 'memory']);
    const memory = await propertiesAt([...BASE.slice(0, 12), '      '], 12, 6);
    assert.deepEqual(memory.sort(), ['oomScoreAdj', 'options', 'size', 'workers']);
  });

  test('nothing is offered in a YAML file that is not a StressChaos', async () => {
    assert.deepEqual(await propertiesAt(['kind: Deployment', 'spec:', '  '], 2, 2), []);
  });

  test('hover on size: the exact bytes in total and per worker', async () => {
    const document = await open(edit(0, 0));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(13, 14));
    const text = hovers.flatMap((h) => h.contents.map((c) => (c instanceof vscode.MarkdownString ? c.value : String(c)))).join('\n');
    assert.match(text, /memStress will allocate \*\*52,428,800 bytes\*\* \(50 MiB\) in total, split across 4 workers: each memStress worker maps \*\*13,107,200 bytes\*\* \(12\.5 MiB\)/);
  });

  test('hover on workers, oomScoreAdj, duration and mode explains each', async () => {
    const document = await open(edit(13, 14, '      size: 50MiB', '      oomScoreAdj: -1000'));
    const at = async (line: number, column: number) =>
      (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(line, column)))
        .flatMap((h) => h.contents.map((c) => (c instanceof vscode.MarkdownString ? c.value : String(c)))).join('\n');
    assert.match(await at(12, 8), /starts 4 memStress worker processes that share `size`/);
    assert.match(await at(14, 8), /immune to the OOM killer/);
    assert.match(await at(15, 4), /`duration: 5m` = 5 min \(300 s\)/);
    assert.match(await at(6, 3), /`mode: one`: one pod, picked at random/);
  });

  test('inlay hint after size: "= 52,428,800 B total · 13.1 MB per worker"', async () => {
    const document = await open(edit(0, 0));
    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', document.uri, new vscode.Range(0, 0, 15, 0));
    const labels = hints.map((h) => `${h.position.line}:${h.position.character} ${typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')}`);
    assert.deepEqual(labels, ['13:17 = 52,428,800 B total · 13.1 MB per worker']);
  });
});

suite('StressChaos editor: quick fixes (in VS Code)', () => {
  teardown(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  const cases: [string, string, string, string][] = [
    ['256Mi → 256MiB', edit(13, 14, '      size: 256Mi'), 'size-kubernetes-quantity', 'Write `256MiB` (Chaos Mesh units)'],
    ['add the missing duration', edit(14, 15), 'no-duration', 'Add `duration: 60s`'],
    ['misspelt field → nearest valid one', edit(14, 15, '  duraton: 5m'), 'unknown-field', 'Rename to `duration`'],
    ['fill value for fixed-percent', edit(6, 7, '  mode: fixed-percent'), 'invalid-value', 'Add `value: "50"`'],
    ['mode typo', edit(6, 7, '  mode: al'), 'unsupported-value', 'Write `all`'],
  ];
  for (const [name, text, code, title] of cases) {
    test(`${name}: the fix leaves YAML that validates clean`, async () => {
      const document = await open(text.replace('workers: 4', 'workers: 1'));
      const found = await diagnostics(document.uri, (ds) => ds.some((d) => codeOf(d) === code));
      const d = found.find((x) => codeOf(x) === code)!;
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, d.range, vscode.CodeActionKind.QuickFix.value);
      const action = actions.find((a) => a.title === title);
      assert.ok(action?.edit, `${actions.map((a) => a.title).join(' | ')}`);
      assert.ok(await vscode.workspace.applyEdit(action.edit));
      const after = await eventually(() => ours(document.uri), (ds) => ds.length === 0);
      assert.deepEqual(after.map(brief), [], document.getText());
    });
  }
});

suite('StressChaos grammar (VS Code\'s TextMate engine and YAML grammar)', () => {
  /** Tokenizes `text` as VS Code does for YAML with this extension's injections; returns the scopes per token text. */
  async function tokenize(text: string): Promise<{ text: string; scopes: string[] }[]> {
    const appRoot = vscode.env.appRoot;
    const requireFromVSCode = createRequire(path.join(appRoot, 'package.json'));
    const tm = requireFromVSCode('vscode-textmate');
    const onig = requireFromVSCode('vscode-oniguruma');
    const wasm = fs.readFileSync(requireFromVSCode.resolve('vscode-oniguruma/release/onig.wasm'));
    await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength)).catch(() => undefined); // loads once per host
    const grammars = new Map<string, string>();
    for (const ext of vscode.extensions.all) {
      for (const g of ext.packageJSON?.contributes?.grammars ?? []) if (g.scopeName && g.path) grammars.set(g.scopeName, path.join(ext.extensionPath, g.path));
    }
    const injections = (manifest().contributes.grammars as { scopeName: string; injectTo?: string[] }[]).filter((g) => g.injectTo?.includes('source.yaml')).map((g) => g.scopeName);
    const registry = new tm.Registry({
      onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new onig.OnigScanner(p), createOnigString: (s: string) => new onig.OnigString(s) }),
      loadGrammar: async (scope: string) => {
        const file = grammars.get(scope);
        return file ? tm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file) : null;
      },
      getInjections: (scope: string) => (scope === 'source.yaml' ? injections : undefined),
    });
    const grammar = await registry.loadGrammar('source.yaml');
    let stack = tm.INITIAL;
    const out: { text: string; scopes: string[] }[] = [];
    for (const line of text.split('\n')) {
      const r = grammar.tokenizeLine(line, stack);
      stack = r.ruleStack;
      for (const t of r.tokens as { startIndex: number; endIndex: number; scopes: string[] }[]) out.push({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    }
    return out;
  }
  const scopesOf = (tokens: { text: string; scopes: string[] }[], text: string) => tokens.filter((t) => t.text === text).flatMap((t) => t.scopes);

  test('a Helm values file\'s `size: 8Gi` is not painted as an error', async () => {
    const tokens = await tokenize('replicaCount: 2\npersistence:\n  enabled: true\n  size: 8Gi\n');
    assert.ok(tokens.length > 5);
    assert.deepEqual(tokens.flatMap((t) => t.scopes).filter((s) => s.includes('stresschaos')), []);
    assert.ok(scopesOf(tokens, 'size').some((s) => s.startsWith('entity.name.tag')), 'the YAML grammar still colours the key');
  });

  test('in a StressChaos, 256Mi is flagged, 256MiB and the duration are numbers; a following document is not touched', async () => {
    const tokens = await tokenize([...BASE.slice(0, 13), '      size: 256Mi', '    cpu:', '      workers: 1', '  duration: 30s', '---', 'persistence:', '  size: 8Gi', ''].join('\n'));
    assert.ok(scopesOf(tokens, '256Mi').includes('invalid.illegal.size.stresschaos'));
    assert.ok(scopesOf(tokens, '30s').includes('constant.numeric.duration.stresschaos'));
    assert.ok(!scopesOf(tokens, '8Gi').some((s) => s.includes('stresschaos')));
    assert.ok(scopesOf(tokens, 'workers').some((s) => s.startsWith('entity.name.tag')), 'YAML keys keep their colour inside a StressChaos');
    const ok = await tokenize(edit(13, 14, '      size: 256MiB'));
    assert.ok(scopesOf(ok, '256MiB').includes('constant.numeric.size.stresschaos'));
  });

  test('inside a Workflow template of type StressChaos', async () => {
    const tokens = await tokenize(['apiVersion: chaos-mesh.org/v1alpha1', 'kind: Workflow', 'spec:', '  templates:', '    - name: burn', '      templateType: StressChaos', '      stressChaos:', '        stressors:', '          memory:', '            size: 1Gi', '    - name: other', '      size: 2Gi', ''].join('\n'));
    assert.ok(scopesOf(tokens, '1Gi').includes('invalid.illegal.size.stresschaos'));
    assert.ok(!scopesOf(tokens, '2Gi').some((s) => s.includes('stresschaos')));
  });
});
