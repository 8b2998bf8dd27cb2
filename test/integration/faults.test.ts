// The fault matrix where the words are the editor's own (tree rows, CodeLens, the running-stresses
// status bar item), sandbox-only: the faults are switched through the harness's loopback control
// endpoint (PMC_SANDBOX_CONTROL), which only the sandbox run has. The panel's side of each fault is
// in test/sandbox/faults.test.ts. Expected values are the scenario's names and literal texts.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { TreeRowSnapshot } from '../../src/extension/api';
import { RunningExperiments } from '../../src/extension/experiments';
import { activeApi, eventually, openYaml, setKubeconfigSetting } from './helpers';

const KUBECONFIG = process.env.PMC_TEST_KUBECONFIG ?? '';
const SANDBOX = process.env.PMC_TEST_CLUSTER === 'sandbox';
const CONTROL = process.env.PMC_SANDBOX_CONTROL;
const CONTEXT = 'sandbox';

async function control(action: string): Promise<void> {
  assert.ok(CONTROL, 'PMC_SANDBOX_CONTROL is set by the harness for the sandbox');
  const res = await fetch(`${CONTROL}${action}`, { method: 'POST' });
  assert.equal(res.status, 204, `${action}: ${await res.text()}`);
}

const messageRow = (rows: readonly TreeRowSnapshot[], key: string) => rows.find((r) => r.contextValue === `podMemoryChaos.message.${key}`);
const noMessages = (rows: readonly TreeRowSnapshot[]) => !rows.some((r) => r.contextValue?.startsWith('podMemoryChaos.message.'));

suite('Pods view, CodeLens and status bar under faults (sandbox-only, in VS Code)', function () {
  this.timeout(120_000);

  suiteSetup(async function () {
    // The fault switches exist only in the sandbox the harness started; on any other cluster the
    // harness leaves out tests titled "sandbox-only" (test/integration/index.ts).
    assert.ok(SANDBOX && CONTROL, 'sandbox-only: the harness runs these only against the sandbox');
    const api = await activeApi();
    await setKubeconfigSetting(KUBECONFIG);
    await vscode.commands.executeCommand('podMemoryChaos.refresh');
    await eventually(() => api.kubeconfigState(), (s) => s === 'loaded');
  });
  teardown(async () => {
    for (const a of ['/credentials/accept', '/api-server/fast', '/summary/ok', '/chaos-mesh/install']) await control(a);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  suiteTeardown(async () => {
    await setKubeconfigSetting(undefined);
    await vscode.commands.executeCommand('podMemoryChaos.refresh');
  });

  test('sandbox-only: 401 → the context row says the credentials were refused and that it stopped; after signing in, Retry brings the rows back', async () => {
    const api = await activeApi();
    await eventually(() => api.podsRows([CONTEXT, 'shop']), (rows) => rows.length >= 3, 20_000);
    await control('/credentials/reject');
    const rows = await eventually(async () => {
      await api.refreshPodsMemory();
      return api.podsRows([CONTEXT]);
    }, (r) => messageRow(r, 'unauthorized') !== undefined, 30_000);
    const row = messageRow(rows, 'unauthorized')!;
    assert.equal(row.label, 'Credentials expired or rejected (401): click to sign in again');
    assert.match(row.tooltip ?? '', /^Context "sandbox": .* failed: the credentials were refused \(401 Unauthorized\); they may have expired\..* The view stopped watching and reading memory: trying again with the same credentials cannot help\./);
    await control('/credentials/accept');
    await vscode.commands.executeCommand('podMemoryChaos.retryContext', CONTEXT);
    const back = await eventually(async () => {
      await api.refreshPodsMemory();
      return api.podsRows([CONTEXT]);
    }, (r) => noMessages(r) && r.some((x) => x.label === 'shop'), 30_000);
    assert.ok(back.some((x) => x.label === 'shop'));
  });

  test('sandbox-only: an API server answering after 10 s → "not answering" on the context row; it answers again → the rows recover', async () => {
    const api = await activeApi();
    await eventually(() => api.podsRows([CONTEXT, 'shop']), (rows) => rows.length >= 3, 20_000);
    await control('/api-server/slow');
    const rows = await eventually(async () => {
      await api.refreshPodsMemory();
      return api.podsRows([CONTEXT]);
    }, (r) => messageRow(r, 'notAnswering') !== undefined, 60_000);
    const row = messageRow(rows, 'notAnswering')!;
    assert.equal(row.label, 'The API server is not answering: retrying');
    assert.match(row.tooltip ?? '', /^Context "sandbox": reading the kubelet Summary API of node sandbox-node .*failed: the API server is not answering \(no answer in time\)/);
    await control('/api-server/fast');
    await eventually(async () => {
      await api.refreshPodsMemory();
      return api.podsRows([CONTEXT]);
    }, noMessages, 60_000);
    const shop = await eventually(() => api.podsRows([CONTEXT, 'shop']), (r) => /^\d/.test(r[0]?.description ?? ''), 30_000);
    assert.match(shop[0]!.description ?? '', /^\d+(\.\d)?(Ki|Mi|Gi) · /);
  });

  test('sandbox-only: one pod\'s Summary entry malformed → a row says which and why; the other pods keep their memory', async () => {
    const api = await activeApi();
    await eventually(() => api.podsRows([CONTEXT, 'shop']), (rows) => rows.length >= 3, 20_000);
    await control('/summary/wrong-types');
    const rows = await eventually(async () => {
      await api.refreshPodsMemory();
      return api.podsRows([CONTEXT]);
    }, (r) => messageRow(r, 'partialMemory') !== undefined, 30_000);
    const row = messageRow(rows, 'partialMemory')!;
    assert.equal(row.label, 'Some memory figures could not be read: click for why');
    assert.match(row.tooltip ?? '', /pod catalog-besteffort: pods\[\d+\]\.memory is not an object\); the other pods' figures are shown\.$/);
    const shop = await api.podsRows([CONTEXT, 'shop']);
    const cart = shop.find((r) => r.label === 'cart-guaranteed')!;
    assert.match(cart.description ?? '', /^\d+(\.\d)?(Ki|Mi) · /, 'cart keeps its figures');
    const catalog = shop.find((r) => r.label === 'catalog-besteffort')!;
    assert.doesNotMatch(catalog.description ?? '', /^\d+(\.\d)?(Ki|Mi) · /, 'catalog has no figures');
  });

  test('sandbox-only: Chaos Mesh not installed → a row says Stress Memory… is off and why; the pod rows are not stressable', async () => {
    const api = await activeApi();
    await control('/chaos-mesh/uninstall');
    await vscode.commands.executeCommand('podMemoryChaos.refresh');
    const rows = await eventually(() => api.podsRows([CONTEXT]), (r) => messageRow(r, 'noChaosMesh') !== undefined, 30_000);
    const row = messageRow(rows, 'noChaosMesh')!;
    assert.equal(row.label, 'Chaos Mesh not installed: Stress Memory… is off');
    assert.equal(row.tooltip, 'Chaos Mesh is not installed in context "sandbox": the API server does not serve chaos-mesh.org/v1alpha1. Install it (helm install chaos-mesh chaos-mesh/chaos-mesh) to run stresses.');
    const shop = await eventually(() => api.podsRows([CONTEXT, 'shop']), (r) => r.length >= 3, 20_000);
    assert.ok(shop.every((r) => r.contextValue === 'podMemoryChaos.pod.readonly'), JSON.stringify(shop.map((r) => r.contextValue)));
    await control('/chaos-mesh/install');
    await vscode.commands.executeCommand('podMemoryChaos.refresh');
    await eventually(() => api.podsRows([CONTEXT]), (r) => messageRow(r, 'noChaosMesh') === undefined, 30_000);
  });

  test('sandbox-only: a StressChaos deleted with another client → its CodeLens and the running-stresses item say it was deleted', async () => {
    const name = `it-outside-${Date.now().toString(36)}`;
    const document = await openYaml([
      'apiVersion: chaos-mesh.org/v1alpha1',
      'kind: StressChaos',
      'metadata:',
      `  name: ${name}`,
      '  namespace: hello-kubernetes',
      'spec:',
      '  mode: all',
      '  selector:',
      '    pods:',
      '      hello-kubernetes: [hello-kubernetes-unprobed]',
      '  stressors:',
      '    memory:',
      '      workers: 1',
      '      size: 8MiB',
      '  duration: 2m',
      '',
    ].join('\n'));
    const lenses = (done: (t: string[]) => boolean) =>
      eventually(async () => ((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri)) ?? []).map((l) => l.command?.title ?? ''), done, 30_000);
    await lenses((t) => t.some((x) => x.includes('Not applied')));
    const kc = new KubeConfig();
    kc.loadFromFile(KUBECONFIG);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const ref = { group: 'chaos-mesh.org', version: 'v1alpha1', plural: 'stresschaos', namespace: 'hello-kubernetes' };
    await custom.createNamespacedCustomObject({
      ...ref,
      body: {
        apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'StressChaos', metadata: { name, namespace: 'hello-kubernetes' },
        spec: { mode: 'all', selector: { pods: { 'hello-kubernetes': ['hello-kubernetes-unprobed'] } }, stressors: { memory: { workers: 1, size: '8MiB' } }, duration: '2m' },
      },
    });
    const log = vscode.window.createOutputChannel('Pod Memory Chaos faults test', { log: true });
    const running = new RunningExperiments(log);
    try {
      await lenses((t) => t.some((x) => x.startsWith('$(pulse)')));
      running.add({ context: CONTEXT, namespace: 'hello-kubernetes', name });
      assert.match(running.shown()?.text ?? '', /1 stress\(es\) running/);
      await custom.deleteNamespacedCustomObject({ ...ref, name });
      const after = await lenses((t) => t.some((x) => x.includes('Deleted outside')));
      assert.ok(after.some((t) => /^\$\(trash\) Deleted outside this editor from sandbox · hello-kubernetes at \d/.test(t)), after.join(' | '));
      const shown = await eventually(() => running.shown(), (s) => /deleted/.test(s?.text ?? ''), 30_000);
      assert.equal(shown?.text, `$(trash) StressChaos ${name} was deleted`);
      assert.match(shown?.tooltip ?? '', new RegExp(`hello-kubernetes/${name} — deleted from the cluster at .*, before its end`));
    } finally {
      running.dispose();
      log.dispose();
      await custom.deleteNamespacedCustomObject({ ...ref, name }).catch(() => undefined);
    }
  });
});
