// Cluster-aware StressChaos hints against the test cluster (the sandbox by default: namespace
// hello-kubernetes holds a pod labelled app.kubernetes.io/name=hello-kubernetes whose container has
// a 500Mi memory limit and a liveness probe). Expected values come from that scenario.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { activeApi, eventually, openYaml as open, setKubeconfigSetting, testContext, testKubeconfig } from './helpers';

const CONTEXT = testContext();

const manifest = (labels: string, size: string) =>
  [
    'apiVersion: chaos-mesh.org/v1alpha1', // 0
    'kind: StressChaos', // 1
    'metadata:', // 2
    '  name: hints', // 3
    '  namespace: hello-kubernetes', // 4
    'spec:', // 5
    '  mode: one', // 6
    '  selector:', // 7
    '    labelSelectors:', // 8
    `      app.kubernetes.io/name: ${labels}`, // 9
    '  stressors:', // 10
    '    memory:', // 11
    '      workers: 1', // 12
    `      size: ${size}`, // 13
    '  duration: 30s', // 14
    '',
  ].join('\n');

const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));
const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'StressChaos');
const brief = (d: vscode.Diagnostic) => `${codeOf(d)}@${d.range.start.line}:${d.range.start.character}`;

suite('StressChaos editor: cluster-aware hints (test cluster)', () => {
  suiteSetup(async function () {
    const api = await activeApi();
    await setKubeconfigSetting(testKubeconfig());
    await eventually(() => api.kubeconfigState(), (s) => s === 'loaded');
  });
  suiteTeardown(() => setKubeconfigSetting(undefined));
  teardown(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  test('a selector that matches no pod: a warning on the selector', async () => {
    const document = await open(manifest('no-such-app', '100MiB'));
    const found = await eventually(() => ours(document.uri), (ds) => ds.some((d) => codeOf(d) === 'no-matching-pods'), 20_000);
    assert.deepEqual(found.map(brief), ['no-matching-pods@7:2']);
    assert.equal(found[0].severity, vscode.DiagnosticSeverity.Warning);
  });

  test('600MiB on the 500Mi pod with a liveness probe: OOM expected, probe warned, one pod matches', async () => {
    const document = await open(manifest('hello-kubernetes', '600MiB'));
    const found = await eventually(() => ours(document.uri), (ds) => ds.some((d) => codeOf(d) === 'oom-expected'), 20_000);
    assert.deepEqual(found.map(brief).sort(), ['liveness-probe@11:4', 'matching-pods@7:2', 'oom-expected@13:12']);
    assert.match(found.find((d) => codeOf(d) === 'oom-expected')!.message, /629,145,600 bytes \(600 MiB\), 120% of the memory limit 500Mi of hello-kubernetes\/hello-kubernetes-7c9d8b6f5-x2k4p\/hello-kubernetes/);
    assert.match(found.find((d) => codeOf(d) === 'matching-pods')!.message, /^1 pod matches the selector right now: hello-kubernetes\/hello-kubernetes-7c9d8b6f5-x2k4p\.$/);

    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', document.uri, new vscode.Range(0, 0, 15, 0));
    assert.deepEqual(hints.map((h) => (typeof h.label === 'string' ? h.label : '')), ['= 629,145,600 B total → 120% of limit 500Mi']);

    // The quick fix: the size that reaches 80% of the limit (400MiB), after which the OOM warning goes.
    const oom = found.find((d) => codeOf(d) === 'oom-expected')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, oom.range, vscode.CodeActionKind.QuickFix.value);
    assert.deepEqual(actions.map((a) => a.title).sort(), ['Write `250MiB`: 50% of the 500Mi limit', 'Write `400MiB`: 80% of the 500Mi limit', 'Write `450MiB`: 90% of the 500Mi limit']);
    const preferred = actions.filter((a) => a.isPreferred);
    assert.deepEqual(preferred.map((a) => a.title), ['Write `400MiB`: 80% of the 500Mi limit']);
    assert.ok(await vscode.workspace.applyEdit(preferred[0].edit!));
    assert.equal(document.lineAt(13).text, '      size: 400MiB');
    const after = await eventually(() => ours(document.uri), (ds) => ds.length > 0 && !ds.some((d) => codeOf(d) === 'oom-expected'), 20_000);
    assert.deepEqual(after.map(brief).sort(), ['liveness-probe@11:4', 'matching-pods@7:2']);
  });

  test('a namespace and a container that do not exist', async () => {
    const text = manifest('hello-kubernetes', '100MiB').replace('  selector:\n', '  containerNames: [hello-kubernetes, sidecar]\n  selector:\n    namespaces: [hello-kubernetes, nowhere]\n');
    const document = await open(text);
    const found = await eventually(() => ours(document.uri), (ds) => ds.some((d) => codeOf(d) === 'container-missing'), 20_000);
    const codes = found.map(codeOf).sort();
    assert.ok(codes.includes('namespace-missing') && codes.includes('container-missing'), codes.join());
    assert.match(found.find((d) => codeOf(d) === 'namespace-missing')!.message, /Namespace "nowhere" does not exist/);
    assert.match(found.find((d) => codeOf(d) === 'container-missing')!.message, /container named "sidecar"/);
  });
});

suite('StressChaos editor: CodeLens (test cluster)', () => {
  suiteSetup(async () => {
    const api = await activeApi();
    await setKubeconfigSetting(process.env.PMC_TEST_KUBECONFIG);
    await eventually(() => api.kubeconfigState(), (s) => s === 'loaded');
  });
  suiteTeardown(() => setKubeconfigSetting(undefined));
  teardown(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  const titles = async (document: vscode.TextDocument, done: (t: string[]) => boolean) =>
    eventually(
      async () => ((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri)) ?? []).map((l) => `${l.range.start.line}:${l.command?.title ?? ''}`),
      done,
      20_000,
    );

  test('a StressChaos not in the cluster: its status, Apply and Dry Run above the kind line', async () => {
    const document = await open(manifest('hello-kubernetes', '100MiB').replace('name: hints', 'name: never-applied'));
    const found = await titles(document, (t) => t.some((x) => x.includes('Not applied')));
    assert.deepEqual(found, [`1:$(circle-outline) Not applied in ${CONTEXT} · hello-kubernetes`, '1:$(play) Apply', '1:$(check-all) Dry Run']);
  });

  test('a document with errors gets no Apply', async () => {
    const document = await open(manifest('hello-kubernetes', '256Mi').replace('name: hints', 'name: broken'));
    const found = await titles(document, (t) => t.some((x) => x.includes('Not applied')));
    assert.deepEqual(found, [`1:$(circle-outline) Not applied in ${CONTEXT} · hello-kubernetes`, '1:$(error) Fix the errors to apply', '1:$(check-all) Dry Run']);
  });
});
