// The Pods view against the test cluster (the sandbox by default): rows down to containers, each
// container's working set checked against usage − inactive_file that THIS TEST computes from the
// raw kernel files of the container's cgroup (read inside the container with the real kubectl
// exec, so the test holds on any cluster), QoS and oom_score_adj checked against values written
// here from the scenario's pod specs, the OOM badge after a real 3000MiB stress, and (sandbox-only)
// the API server going away, a user without nodes/proxy, and metrics.k8s.io down.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { TreeRowSnapshot } from '../../src/extension/api';
import { activeApi, eventually, kubectl, setKubeconfigSetting, testContext, testKubeconfig } from './helpers';

const KUBECONFIG = testKubeconfig();
const SANDBOX = process.env.PMC_TEST_CLUSTER === 'sandbox';
const CONTEXT = testContext();
const HELLO = 'hello-kubernetes-7c9d8b6f5-x2k4p';
const Mi = 1024 * 1024;

/** `70.3Mi` → bytes (the view's compact binary units). */
function parseShown(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(B|Ki|Mi|Gi)\b/.exec(text);
  assert.ok(m, `no byte figure at the start of "${text}"`);
  return Number(m[1]) * { B: 1, Ki: 1024, Mi: Mi, Gi: 1024 * Mi }[m[2] as 'B' | 'Ki' | 'Mi' | 'Gi'];
}

/** Markdown escapes removed, so tooltips can be read as text. */
const plain = (md: string | undefined): string => (md ?? '').replace(/\\(.)/g, '$1');

function kubeClients(): { core: CoreV1Api; custom: CustomObjectsApi } {
  const kc = new KubeConfig();
  kc.loadFromFile(KUBECONFIG);
  return { core: kc.makeApiClient(CoreV1Api), custom: kc.makeApiClient(CustomObjectsApi) };
}

/**
 * usage − inactive_file of the container's own memory cgroup, as cAdvisor computes it, from the
 * kernel's files read inside the container by the real kubectl exec. The cgroup is the one
 * /proc/self/cgroup names (the sandbox and clusters without a cgroup namespace mount the whole
 * hierarchy), else the mount's root (a cgroup namespace, or a v1 bind mount of the container's
 * own); v1 or v2, whichever the node runs. The exec's own shell is charged to the cgroup while it
 * reads: the tolerance below allows for it.
 */
const RAW_WORKING_SET = `
if [ -f /sys/fs/cgroup/memory/memory.usage_in_bytes ]; then
  p=\`grep -E '^[0-9]+:([^:]*,)?memory(,[^:]*)?:' /proc/self/cgroup | cut -d: -f3\`
  d=/sys/fs/cgroup/memory$p; [ -f "$d/memory.stat" ] || d=/sys/fs/cgroup/memory
  echo "usage \`cat $d/memory.usage_in_bytes\`"; grep -E '^total_inactive_file ' "$d/memory.stat"
else
  p=\`grep '^0::' /proc/self/cgroup | cut -d: -f3\`
  d=/sys/fs/cgroup$p; [ -f "$d/memory.current" ] || d=/sys/fs/cgroup
  echo "usage \`cat $d/memory.current\`"; grep -E '^inactive_file ' "$d/memory.stat"
fi`;

async function rawWorkingSet(namespace: string, pod: string, container: string): Promise<number> {
  const out = await kubectl(['exec', '-n', namespace, pod, '-c', container, '--', 'sh', '-c', RAW_WORKING_SET]);
  const usage = /^usage (\d+)$/m.exec(out)?.[1];
  const inactive = /^(?:total_)?inactive_file (\d+)$/m.exec(out)?.[1];
  assert.ok(usage !== undefined && inactive !== undefined, `${namespace}/${pod}/${container}: no cgroup figures in ${JSON.stringify(out)}`);
  return Math.max(0, Number(usage) - Number(inactive));
}

async function control(action: string): Promise<void> {
  const url = process.env.PMC_SANDBOX_CONTROL;
  assert.ok(url, 'PMC_SANDBOX_CONTROL is set by the harness for the sandbox');
  const res = await fetch(`${url}${action}`, { method: 'POST' });
  assert.equal(res.status, 204, `${action}: ${await res.text()}`);
}

const byLabel = (rows: readonly TreeRowSnapshot[], label: string): TreeRowSnapshot | undefined => rows.find((r) => r.label === label);

suite('Pods view: pods, containers and memory from the cluster (in VS Code)', function () {
  this.timeout(120_000);

  suiteSetup(async function () {
    await setKubeconfigSetting(KUBECONFIG);
    await vscode.commands.executeCommand('podMemoryChaos.refresh');
  });
  suiteTeardown(async () => {
    await setKubeconfigSetting(undefined);
    await vscode.commands.executeCommand('podMemoryChaos.refresh');
  });

  test('contexts → namespaces → pods → containers list the scenario', async () => {
    const api = await activeApi();
    const namespaces = await api.podsRows([CONTEXT]);
    for (const ns of ['hello-kubernetes', 'shop']) assert.ok(byLabel(namespaces, ns), `namespace ${ns} in ${namespaces.map((r) => r.label).join(', ')}`);
    const hello = await eventually(() => api.podsRows([CONTEXT, 'hello-kubernetes']), (rows) => rows.filter((r) => r.contextValue?.startsWith('podMemoryChaos.pod.')).length === 2, 20_000);
    assert.deepEqual(hello.filter((r) => r.contextValue?.startsWith('podMemoryChaos.pod.')).map((r) => r.label), [HELLO, 'hello-kubernetes-memory-health', 'hello-kubernetes-unprobed']);
    const shop = await eventually(() => api.podsRows([CONTEXT, 'shop']), (rows) => rows.length >= 3, 20_000);
    assert.deepEqual(shop.map((r) => r.label), ['cart-guaranteed', 'catalog-besteffort', 'checkout-with-sidecar']);
    const containers = await api.podsRows([CONTEXT, 'shop', 'checkout-with-sidecar']);
    assert.deepEqual(containers.map((r) => r.label), ['checkout', 'log-shipper']);
    assert.ok(containers.every((r) => r.contextValue === 'podMemoryChaos.container.stressable'), JSON.stringify(containers));
  });

  test('each container\'s working set is usage − inactive_file of its own cgroup, read from the kernel files by this test', async function () {
    const api = await activeApi();
    const { core } = kubeClients();
    const pods: [string, string][] = [['hello-kubernetes', HELLO], ['hello-kubernetes', 'hello-kubernetes-unprobed'], ['shop', 'cart-guaranteed'], ['shop', 'catalog-besteffort'], ['shop', 'checkout-with-sidecar']];
    for (const [ns] of pods) await api.podsRows([CONTEXT, ns]);
    for (const [ns, name] of pods) {
      const pod = await core.readNamespacedPod({ namespace: ns, name });
      for (const status of pod.status?.containerStatuses ?? []) {
        const before = await rawWorkingSet(ns, name, status.name);
        await api.refreshPodsMemory();
        const row = byLabel(await api.podsRows([CONTEXT, ns, name]), status.name)!;
        const after = await rawWorkingSet(ns, name, status.name);
        const shown = parseShown(row.description ?? '');
        // The view rounds to 0.1 of a unit below 100 units (whole units above): half a unit of
        // slack; and the exec's shell, charged to the cgroup while it reads, up to 2 MiB.
        const slack = shown >= 100 * Mi ? 0.5 * Mi : 0.05 * Mi;
        assert.ok(shown >= Math.min(before, after) - slack - 2 * Mi && shown <= Math.max(before, after) + slack + 64 * 1024,
          `${ns}/${name}/${status.name}: shown ${row.description}, kernel ${before} then ${after} bytes`);
        assert.match(plain(row.tooltip), /Source: kubelet Summary API, sample taken \d{4}-\d\d-\d\dT/);
      }
    }
    assert.match(api.podsViewDescription() ?? '', /kubelet Summary API/);
  });

  test('QoS and oom_score_adj follow the scenario\'s pod specs', async () => {
    const api = await activeApi();
    await api.refreshPodsMemory();
    // The node's capacity is this host's memory (the sandbox registers its real capacity); the
    // kubelet's Burstable formula is 1000 − 1000 × request / capacity (int64 division), clamped to
    // [3, 999] (pkg/kubelet/qos/policy.go: 1000 itself becomes 999).
    const { core } = kubeClients();
    const node = (await core.listNode()).items[0]!;
    const capacityText = node.status!.capacity!.memory!;
    const capacity = BigInt(/^(\d+)Ki$/.exec(capacityText) ? Number(/^(\d+)Ki$/.exec(capacityText)![1]) * 1024 : Number(capacityText));
    const burstable = (requestMi: number): number => Math.min(999, Math.max(3, Number(1000n - (1000n * BigInt(requestMi) * 1048576n) / capacity)));
    const expected: [string, string, string, string, number][] = [
      ['hello-kubernetes', HELLO, 'hello-kubernetes', 'Burstable', burstable(200)],
      ['shop', 'cart-guaranteed', 'cart', 'Guaranteed', -997],
      ['shop', 'catalog-besteffort', 'catalog', 'BestEffort', 1000],
      ['shop', 'checkout-with-sidecar', 'checkout', 'Burstable', burstable(128)],
      ['shop', 'checkout-with-sidecar', 'log-shipper', 'Burstable', burstable(16)],
    ];
    for (const [ns, pod, container, qos, adj] of expected) {
      const podRow = byLabel(await api.podsRows([CONTEXT, ns]), pod)!;
      assert.match(podRow.description ?? '', new RegExp(` · ${qos}( · |$)`), `${pod}: ${podRow.description}`);
      const row = byLabel(await api.podsRows([CONTEXT, ns, pod]), container)!;
      assert.ok(plain(row.tooltip).includes(`QoS ${qos}`), plain(row.tooltip));
      assert.ok(plain(row.tooltip).includes(`oom_score_adj of its processes: **${adj}**`), `${container}: ${plain(row.tooltip)}`);
    }
    // The sidecar pod's % of limit is of 256Mi + 64Mi (both limited): a number, never n/a.
    assert.match(byLabel(await api.podsRows([CONTEXT, 'shop']), 'checkout-with-sidecar')!.description ?? '', /\d+% of limit/);
    assert.match(byLabel(await api.podsRows([CONTEXT, 'shop']), 'catalog-besteffort')!.description ?? '', /n\/a of limit/);
  });

  test('a 3000MiB stress on the 500Mi pod gives it the OOM badge', async () => {
    const api = await activeApi();
    const { custom } = kubeClients();
    const name = `it-oom-${Date.now().toString(36)}`;
    const before = byLabel(await api.podsRows([CONTEXT, 'hello-kubernetes']), 'hello-kubernetes-unprobed')!;
    assert.doesNotMatch(before.description ?? '', /OOM/);
    await custom.createNamespacedCustomObject({
      group: 'chaos-mesh.org', version: 'v1alpha1', plural: 'stresschaos', namespace: 'hello-kubernetes',
      body: {
        apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'StressChaos', metadata: { name, namespace: 'hello-kubernetes' },
        spec: { mode: 'all', selector: { pods: { 'hello-kubernetes': ['hello-kubernetes-unprobed'] } }, stressors: { memory: { workers: 1, size: '3000MiB' } }, duration: '60s' },
      },
    });
    try {
      const row = await eventually(async () => {
        await api.refreshPodsMemory();
        return byLabel(await api.podsRows([CONTEXT, 'hello-kubernetes']), 'hello-kubernetes-unprobed')!;
      }, (r) => /OOM \d+s ago|OOM \d+m ago/.test(r.description ?? ''), 90_000);
      assert.match(row.description ?? '', /· OOM \d+[sm] ago$/, row.description);
      assert.match(plain(row.tooltip), /OOM\*\*: .*(OOM-killed \d+ process|OOMKilled)/);
      const container = byLabel(await api.podsRows([CONTEXT, 'hello-kubernetes', 'hello-kubernetes-unprobed']), 'hello-kubernetes')!;
      assert.match(container.description ?? '', /OOM/);
    } finally {
      await custom.deleteNamespacedCustomObject({ group: 'chaos-mesh.org', version: 'v1alpha1', plural: 'stresschaos', namespace: 'hello-kubernetes', name });
    }
  });
});

suite('Pods view: sandbox-only faults and recovery (in VS Code)', function () {
  this.timeout(120_000);

  suiteSetup(async function () {
    // Left out by the harness on any other cluster (test titles with "sandbox-only").
    assert.ok(SANDBOX && process.env.PMC_SANDBOX_CONTROL, 'sandbox-only: the harness runs these only against the sandbox');
  });
  teardown(async () => {
    await control('/api-server/start').catch(() => undefined);
    await control('/metrics/on');
  });
  suiteTeardown(async () => {
    await setKubeconfigSetting(undefined);
    await vscode.commands.executeCommand('podMemoryChaos.refresh');
  });

  test('sandbox-only: the API server stops → "Cluster unreachable" with retry; it comes back → memory again', async () => {
    const api = await activeApi();
    await setKubeconfigSetting(KUBECONFIG);
    await vscode.commands.executeCommand('podMemoryChaos.refresh');
    await eventually(() => api.podsRows([CONTEXT, 'shop']), (rows) => rows.length >= 3, 20_000);
    await api.refreshPodsMemory();
    await control('/api-server/stop');
    const down = await eventually(async () => {
      await api.refreshPodsMemory();
      return api.podsRows([CONTEXT]);
    }, (rows) => rows.some((r) => r.contextValue === 'podMemoryChaos.message.unreachable'), 30_000);
    const row = down.find((r) => r.contextValue === 'podMemoryChaos.message.unreachable')!;
    assert.equal(row.label, 'Cluster unreachable: click to retry');
    assert.ok((row.tooltip ?? '').includes(CONTEXT), row.tooltip);
    await control('/api-server/start');
    const up = await eventually(async () => {
      await api.refreshPodsMemory();
      return api.podsRows([CONTEXT]);
    }, (rows) => !rows.some((r) => r.contextValue?.startsWith('podMemoryChaos.message.')), 60_000);
    assert.ok(byLabel(up, 'shop'));
    const shop = await eventually(() => api.podsRows([CONTEXT, 'shop']), (rows) => rows.every((r) => !r.contextValue?.startsWith('podMemoryChaos.message.')) && /\d/.test(rows[0]?.description ?? ''), 60_000);
    assert.match(shop[0]!.description ?? '', /^\d+(\.\d)?(Ki|Mi|Gi) · /);
  });

  test('sandbox-only: a user without nodes/proxy gets metrics.k8s.io (and says so); with metrics down too, why there are no figures; both recover', async () => {
    const api = await activeApi();
    await setKubeconfigSetting(process.env.PMC_SANDBOX_NO_NODE_PROXY_KUBECONFIG);
    await vscode.commands.executeCommand('podMemoryChaos.refresh');
    await eventually(() => api.podsRows([CONTEXT, 'shop']), (rows) => rows.length >= 3, 20_000);
    await api.refreshPodsMemory();
    let rows = await api.podsRows([CONTEXT]);
    const metricsRow = rows.find((r) => r.contextValue === 'podMemoryChaos.message.metricsOnly');
    assert.ok(metricsRow, JSON.stringify(rows));
    assert.match(metricsRow.tooltip ?? '', /get on nodes\/proxy is forbidden .*sandbox-no-node-proxy/);
    assert.match(api.podsViewDescription() ?? '', /metrics\.k8s\.io \(working set only\)/);
    const cart = byLabel(await api.podsRows([CONTEXT, 'shop', 'cart-guaranteed']), 'cart')!;
    assert.match(cart.description ?? '', /^\d+(\.\d)?(Ki|Mi) · \d+% of limit$/);
    assert.match(plain(cart.tooltip), /Source: metrics\.k8s\.io \(working set only\)/);

    await control('/metrics/off');
    await api.refreshPodsMemory();
    rows = await api.podsRows([CONTEXT]);
    const none = rows.find((r) => r.contextValue === 'podMemoryChaos.message.noMemory');
    assert.ok(none, JSON.stringify(rows));
    assert.match(none.tooltip ?? '', /No memory figures: get on nodes\/proxy is forbidden .*, and metrics\.k8s\.io is not served/);

    await control('/metrics/on');
    await api.refreshPodsMemory();
    rows = await api.podsRows([CONTEXT]);
    assert.ok(rows.some((r) => r.contextValue === 'podMemoryChaos.message.metricsOnly'), JSON.stringify(rows));
    assert.ok(!rows.some((r) => r.contextValue === 'podMemoryChaos.message.noMemory'));
  });
});
