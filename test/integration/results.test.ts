// The results panel's command inside VS Code, against the test cluster (the sandbox the harness
// started, PMC_TEST_KUBECONFIG): simple arguments and the tree's node shapes open one panel per
// subject; arguments that name nothing open none.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { activeApi, eventually, setKubeconfigSetting, testContext, testKubeconfig } from './helpers';

const CONTEXT = testContext();

suite('results panel: podMemoryChaos.showResults', () => {
  suiteSetup(async function () {
    this.timeout(30_000);
    await setKubeconfigSetting(testKubeconfig());
    const api = await activeApi();
    await eventually(() => api.kubeconfigState(), (s) => s === 'loaded', 20_000);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await setKubeconfigSetting(undefined);
  });

  test('a pod (Show memory) and an experiment by namespace/name each get their own panel; the current context is used when none is given', async () => {
    const api = await activeApi();
    const pod = await vscode.commands.executeCommand('podMemoryChaos.showResults', { namespace: 'hello-kubernetes', pod: 'hello-kubernetes-unprobed' });
    assert.deepEqual(pod, { kind: 'pod', context: CONTEXT, namespace: 'hello-kubernetes', pod: 'hello-kubernetes-unprobed' });
    const experiment = await vscode.commands.executeCommand('podMemoryChaos.showResults', { context: CONTEXT, namespace: 'hello-kubernetes', name: 'fifty' });
    assert.deepEqual(experiment, { kind: 'experiment', context: CONTEXT, namespace: 'hello-kubernetes', name: 'fifty' });
    // the same subject again reveals the open panel instead of opening a second one
    await vscode.commands.executeCommand('podMemoryChaos.showResults', { namespace: 'hello-kubernetes', pod: 'hello-kubernetes-unprobed' });
    assert.deepEqual(api.resultsPanels().map((p) => [p.title, p.subjectKind]).sort(), [
      ['Memory: fifty', 'experiment'],
      ['Memory: hello-kubernetes-unprobed', 'pod'],
    ]);
  });

  test('a container row of the Pods view (contextValue podMemoryChaos.container.*) opens that container', async () => {
    const subject = await vscode.commands.executeCommand('podMemoryChaos.showResults', {
      contextValue: 'podMemoryChaos.container.running',
      namespace: 'shop',
      pod: 'checkout-with-sidecar',
      name: 'log-shipper',
    });
    assert.deepEqual(subject, { kind: 'pod', context: CONTEXT, namespace: 'shop', pod: 'checkout-with-sidecar', container: 'log-shipper' });
  });

  test('an argument that names no experiment or pod opens nothing', async () => {
    const api = await activeApi();
    const before = api.resultsPanels().length;
    assert.equal(await vscode.commands.executeCommand('podMemoryChaos.showResults', { namespace: 'x' }), undefined);
    assert.equal(api.resultsPanels().length, before);
  });
});
