// Bad input and safety inside a real VS Code, against the test cluster (PMC_TEST_KUBECONFIG):
// generated StressChaos documents through the real editor providers; settings with wrong values;
// hostile messages to a results panel's host; no kubeconfig secret in storage, state, exports,
// settings or the log after a full run; a cluster fault in the log at warning level.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import * as vscode from 'vscode';
import YAML, { parseAllDocuments } from 'yaml';
import type { TestHooks } from '../../src/extension/api';
import { validateStressChaos } from '../../src/core/validateStressChaos';
import { stressChaosText } from '../generators/stressChaos';
import { activeApi, eventually, openYaml, setKubeconfigSetting, testContext, writeKubeconfig } from './helpers';

const SEED = Number(process.env.PMC_FC_SEED ?? 20261205);

async function hooks(): Promise<TestHooks> {
  const api = await activeApi();
  assert.ok(api.testHooks, 'the extension runs in ExtensionMode.Test, so its test hooks are there');
  return api.testHooks;
}

/** Every file under a folder (missing folder: none). */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** The extension's log as written so far (the LogOutputChannel's file in its log folder). */
async function logText(): Promise<string> {
  const { logFolder } = (await hooks()).storage();
  return filesUnder(logFolder).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
}

function closeEditor(): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}

function inside(document: vscode.TextDocument, range: vscode.Range): boolean {
  return document.validateRange(range).isEqual(range);
}

suite('reliability: bad input in VS Code: generated StressChaos documents through the real providers', () => {
  test('completion, hover, inlay hints and quick fixes answer on 24 generated documents; ranges and edits inside; a fix applied leaves YAML that parses', async function () {
    this.timeout(300_000);
    await activeApi();
    const texts = fc.sample(stressChaosText, { seed: SEED + 20, numRuns: 24 });
    let answered = 0;
    let fixesApplied = 0;
    for (const text of texts) {
      const document = await openYaml(text);
      const uri = document.uri;
      const last = document.lineCount - 1;
      const positions = [new vscode.Position(0, 0), new vscode.Position(Math.floor(last / 2), 4), document.lineAt(last).range.end, new vscode.Position(Math.min(last, 10), 8)].map((p) => document.validatePosition(p));
      for (const position of positions) {
        const completions = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, position);
        assert.ok(Array.isArray(completions.items));
        // Ours are fields and values; VS Code's own snippet provider (kind Snippet) proposes a
        // replace range past the end of an empty last line, which the editor clamps: not checked.
        for (const item of completions.items.filter((i) => i.kind === vscode.CompletionItemKind.Property || i.kind === vscode.CompletionItemKind.EnumMember)) {
          const r = item.range;
          const ranges = r === undefined ? [] : r instanceof vscode.Range ? [r] : [r.inserting, r.replacing];
          for (const x of ranges) assert.ok(inside(document, x), `completion ${JSON.stringify(item.label)} (kind ${item.kind}) at ${position.line}:${position.character}: range ${JSON.stringify(x)} outside; line ${JSON.stringify(document.lineAt(position.line).text)}, ${document.lineCount} lines`);
        }
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
        for (const h of hovers) if (h.range) assert.ok(inside(document, h.range), 'hover range outside');
        answered += completions.items.length + hovers.length;
      }
      const whole = new vscode.Range(0, 0, last, document.lineAt(last).text.length);
      const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', uri, whole);
      for (const h of hints) assert.ok(document.validatePosition(h.position).isEqual(h.position), 'inlay hint outside');
      // Quick fixes need the diagnostics on the document (published after a debounce).
      if (validateStressChaos(text).some((d) => d.fixes?.length)) {
        await eventually(() => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'StressChaos').length, (n) => n > 0, 5_000);
      }
      const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, whole);
      const fixes = actions.filter((a): a is vscode.CodeAction => 'edit' in a && a.edit !== undefined);
      for (const a of fixes) {
        for (const [target, edits] of a.edit?.entries() ?? []) {
          assert.equal(target.toString(), uri.toString());
          for (const e of edits) assert.ok(inside(document, e.range), `fix "${a.title}" edits outside the document`);
        }
      }
      const parsedBefore = parseAllDocuments(document.getText()).every((d) => d.errors.length === 0);
      const first = fixes[0];
      if (first?.edit && parsedBefore) {
        assert.ok(await vscode.workspace.applyEdit(first.edit));
        assert.ok(parseAllDocuments(document.getText()).every((d) => d.errors.length === 0), `after "${first.title}":\n${document.getText()}`);
        fixesApplied++;
      }
      await closeEditor();
    }
    assert.ok(answered > 0, 'the providers answered something');
    console.log(`      24 generated documents through the real providers: ${answered} completion items and hovers, ${fixesApplied} quick fixes applied`);
  });
});

suite('reliability: settings with wrong types or values (in VS Code)', () => {
  const bad: Record<string, unknown> = {
    sampleRateHz: 'fast',
    refreshIntervalSeconds: -5,
    'stress.defaultSize': '-5Mi',
    confirmByTypingContexts: ['(prod'],
  };
  suiteTeardown(async () => {
    for (const key of Object.keys(bad)) await vscode.workspace.getConfiguration('podMemoryChaos').update(key, undefined, vscode.ConfigurationTarget.Global);
  });

  test('each bad value is replaced by a safe one and reported once, naming the setting and the value used', async () => {
    const h = await hooks();
    for (const [key, value] of Object.entries(bad)) await vscode.workspace.getConfiguration('podMemoryChaos').update(key, value, vscode.ConfigurationTarget.Global);
    const expected = [
      'Setting podMemoryChaos.sampleRateHz is "fast": a string, not a number; using 4 instead.',
      'Setting podMemoryChaos.refreshIntervalSeconds is -5: below the minimum 2; using 2 instead.',
      'Setting podMemoryChaos.stress.defaultSize is "-5Mi": not a size Chaos Mesh reads (write a number with B, KB/KiB, MB/MiB, GB/GiB or TB/TiB); using "256MB" instead.',
      'Setting podMemoryChaos.confirmByTypingContexts is "(prod": not a regular expression (/(prod/i: Unterminated group), so it matches context names containing that text; using "(prod as plain text" instead.',
    ];
    const settled = await eventually(() => h.settings(), (s) => expected.every((m) => s.shown.includes(m)), 10_000);
    assert.deepEqual(
      { sampleRateHz: settled.effective.sampleRateHz, refreshIntervalSeconds: settled.effective.refreshIntervalSeconds, defaultSize: settled.effective.stress.defaultSize, patterns: settled.effective.confirmByTypingContexts },
      { sampleRateHz: 4, refreshIntervalSeconds: 2, defaultSize: '256MB', patterns: ['(prod'] },
    );
    // read many times (every refresh reads the settings): each message is still there once
    for (let i = 0; i < 5; i++) h.settings();
    for (const m of expected) assert.equal(h.settings().shown.filter((s) => s === m).length, 1, m);
    const log = await eventually(logText, (t) => t.includes(expected[0]), 10_000);
    assert.match(log, /\[warning\] Setting podMemoryChaos\.sampleRateHz is "fast"/);
  });
});

suite('reliability: results panel host: malformed and hostile messages are rejected (sent to a real panel)', () => {
  const title = 'Memory: hello-kubernetes-unprobed';
  suiteSetup(async function () {
    this.timeout(60_000);
    const file = process.env.PMC_TEST_KUBECONFIG;
    assert.ok(file, 'the harness passes the test cluster’s kubeconfig');
    await setKubeconfigSetting(file);
    const api = await activeApi();
    await eventually(() => api.kubeconfigState(), (s) => s === 'loaded', 20_000);
    await vscode.commands.executeCommand('podMemoryChaos.showResults', { namespace: 'hello-kubernetes', pod: 'hello-kubernetes-unprobed' });
    await eventually(() => api.resultsPanels().map((p) => p.title), (t) => t.includes(title), 10_000);
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await setKubeconfigSetting(undefined);
  });

  test('wrong types, unknown types, huge payloads, __proto__ keys and export paths are rejected and logged; ready still works', async function () {
    this.timeout(60_000);
    const h = await hooks();
    const api = await activeApi();
    const target = path.join(os.tmpdir(), `pmc-hostile-export-${process.pid}.csv`);
    const hostile: [unknown, string][] = [
      ['ready', 'not an object (string)'],
      [{ type: 'deleteAllExperiments' }, 'unknown type "deleteAllExperiments"'],
      [{ type: 'export', format: 'csv', path: target }, 'unexpected field "path"'],
      [{ type: 'export', format: 'json', uri: vscode.Uri.file(target).toString() }, 'unexpected field "uri"'],
      [{ type: 'export', format: 'png', dataUrl: `data:image/png;base64,${'A'.repeat(17 * 1024 * 1024)}` }, `a PNG data URL of ${17 * 1024 * 1024 + 22} characters (at most ${16 * 1024 * 1024})`],
      [JSON.parse('{"type":"compare","__proto__":{"polluted":true}}'), 'unexpected field "__proto__"'],
      [{ type: 42 }, 'no string `type`'],
    ];
    for (const [message, why] of hostile) assert.equal(await h.sendPanelMessage(title, message), why);
    // nothing was done: no file written, no panel opened or closed, nothing polluted
    assert.equal(fs.existsSync(target), false);
    assert.deepEqual(api.resultsPanels().map((p) => p.title), [title]);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    // a valid message is still handled
    assert.equal(await h.sendPanelMessage(title, { type: 'ready' }), undefined);
    const log = await eventually(logText, (t) => t.includes('rejected a message from the panel: unexpected field "__proto__"'), 10_000);
    assert.match(log, /\[warning\] results panel "Memory: hello-kubernetes-unprobed": rejected a message from the panel: unknown type "deleteAllExperiments"/);
  });
});

suite('reliability: no kubeconfig secret in settings, storage, state, exports or the log after a full run', () => {
  const file = process.env.PMC_TEST_KUBECONFIG ?? '';
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await setKubeconfigSetting(undefined);
  });

  /** The kubeconfig's secrets, as written and (for base64 data) decoded: tokens, keys, certificates. */
  function secrets(): string[] {
    const config = YAML.parse(fs.readFileSync(file, 'utf8')) as { users?: { user?: Record<string, unknown> }[]; clusters?: { cluster?: Record<string, unknown> }[] };
    const raw: string[] = [];
    for (const u of config.users ?? []) for (const k of ['token', 'password', 'client-key-data', 'client-certificate-data']) if (typeof u.user?.[k] === 'string') raw.push(u.user[k] as string);
    for (const c of config.clusters ?? []) if (typeof c.cluster?.['certificate-authority-data'] === 'string') raw.push(c.cluster['certificate-authority-data'] as string);
    const out: string[] = [];
    for (const s of raw) {
      out.push(s);
      // A PEM's base64 body lines: each long enough to be unique to that key or certificate.
      const decoded = Buffer.from(s, 'base64').toString('utf8');
      for (const line of decoded.split('\n')) if (/^[A-Za-z0-9+/=]{40,}$/.test(line)) out.push(line);
    }
    return out;
  }

  test('tree refresh, a results panel with samples, CSV and JSON exports: no token, key or certificate anywhere', async function () {
    this.timeout(120_000);
    assert.ok(file, 'the harness passes the test cluster’s kubeconfig');
    const secretStrings = secrets();
    assert.ok(secretStrings.length >= 2, 'the test kubeconfig holds credentials to look for');
    await setKubeconfigSetting(file);
    const api = await activeApi();
    const h = await hooks();
    await eventually(() => api.kubeconfigState(), (s) => s === 'loaded', 20_000);
    // the tree, refreshed
    const rows = await api.podsRows([testContext(), 'hello-kubernetes']);
    assert.ok(rows.length > 0);
    await vscode.commands.executeCommand('podMemoryChaos.refresh');
    await api.refreshPodsMemory();
    // a results panel, sampling for a while
    const title = 'Memory: hello-kubernetes-unprobed';
    await vscode.commands.executeCommand('podMemoryChaos.showResults', { namespace: 'hello-kubernetes', pod: 'hello-kubernetes-unprobed' });
    await eventually(() => api.resultsPanels().map((p) => p.title), (t) => t.includes(title), 10_000);
    await h.sendPanelMessage(title, { type: 'ready' });
    await new Promise((r) => setTimeout(r, 6_000));
    // exports: the save dialog (VS Code's simple one in the browser) accepted at its proposed path
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir();
    const exported: string[] = [];
    for (const format of ['csv', 'json'] as const) {
      const out = path.join(folder, `hello-kubernetes-unprobed-memory.${format}`);
      fs.rmSync(out, { force: true });
      const done = h.sendPanelMessage(title, { type: 'export', format });
      const written = await eventually(async () => {
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        return fs.existsSync(out);
      }, (x) => x, 15_000);
      assert.ok(written, `the ${format} export was written to ${out}`);
      assert.equal(await done, undefined);
      exported.push(out);
    }
    assert.ok(fs.readFileSync(exported[0], 'utf8').split('\n').length > 1, 'the CSV has samples');
    // closing the panel stores its run
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const { folders, state, logFolder } = h.storage();
    await eventually(() => folders.flatMap(filesUnder).length, (n) => n > 0, 10_000);

    const places: [string, string][] = [
      ...[...folders.flatMap(filesUnder), ...exported, ...filesUnder(logFolder)].map((f): [string, string] => [f, fs.readFileSync(f, 'utf8')]),
      ['Memento state', JSON.stringify(state)],
      ['settings', JSON.stringify(vscode.workspace.getConfiguration('podMemoryChaos'))],
    ];
    assert.ok(places.some(([f]) => f.startsWith(logFolder)), 'the log file was scanned');
    for (const [where, text] of places) {
      for (const s of secretStrings) assert.equal(text.includes(s), false, `${where} holds a secret of the kubeconfig (${s.slice(0, 8)}…)`);
    }
    for (const f of exported) fs.rmSync(f, { force: true });
  });
});

suite('reliability: log levels: a cluster fault is logged as a warning with what failed and why', () => {
  suiteTeardown(() => setKubeconfigSetting(undefined));

  test('an API server that cannot be reached: a warning naming the context, the action, the kind and the code', async function () {
    this.timeout(60_000);
    const api = await activeApi();
    await setKubeconfigSetting(writeKubeconfig([{ name: 'down', server: 'https://127.0.0.1:1' }]));
    await eventually(() => api.podsRoots(), (rows) => rows.some((r) => r.label === 'down'), 20_000);
    await api.podsRows(['down']);
    const log = await eventually(logText, (t) => t.includes('Context "down": listing namespaces failed'), 20_000);
    assert.match(log, /\[warning\] Context "down": listing namespaces failed: the API server cannot be reached \(ECONNREFUSED\)\..* \[kind=unreachable code=ECONNREFUSED\]/);
  });
});
