// @kubernetes/client-node 1.4.0 (what the extension uses) against the full sandbox, through its
// real TLS + client-certificate path: lists, Watch, informers, Exec with exit codes, and the
// custom-object calls the StressChaos CodeLenses make.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { startSandbox, type Sandbox } from './cluster';
import { until } from './testing';

type K8s = typeof import('@kubernetes/client-node');

const NS = 'hello-kubernetes';
const BURSTABLE = 'hello-kubernetes-7c9d8b6f5-x2k4p';
const GROUP = { group: 'chaos-mesh.org', version: 'v1alpha1', plural: 'stresschaos' };

let k8s: K8s;
let sandbox: Sandbox;
let dir: string;
let kc: InstanceType<K8s['KubeConfig']>;

const stressChaos = (name: string, namespace = 'shop') => ({
  apiVersion: 'chaos-mesh.org/v1alpha1',
  kind: 'StressChaos',
  metadata: { name, namespace },
  spec: { mode: 'one', selector: { labelSelectors: { 'app.kubernetes.io/name': 'catalog' } }, stressors: { memory: { workers: 1, size: '8MB' } } },
});

/** The parsed Status body of a client-node ApiException. */
function statusOf(e: unknown): { code: number; message: string } {
  const err = e as { code?: number; body?: string };
  return { code: err.code ?? 0, message: JSON.parse(err.body ?? '{}').message };
}

suite('@kubernetes/client-node 1.4.0 against the sandbox', () => {
  suiteSetup(async () => {
    k8s = await import('@kubernetes/client-node');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-client-node-test-'));
    sandbox = await startSandbox({ kubeconfigPath: path.join(dir, 'kubeconfig') });
    kc = new k8s.KubeConfig();
    kc.loadFromFile(sandbox.kubeconfigPath);
    await until('all pods Running', () => (sandbox.store.list('pods').items.every((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running') ? true : undefined), 60_000);
    await until('the Burstable pod Ready', () => (((sandbox.store.get('pods', NS, BURSTABLE)!.status as { conditions?: Array<{ type: string; status: string }> }).conditions ?? [])
      .some((c) => c.type === 'Ready' && c.status === 'True') ? true : undefined), 60_000);
  });

  suiteTeardown(async () => {
    await sandbox?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the kubeconfig verifies the server with its CA and authenticates with a client certificate', () => {
    const cluster = kc.getCurrentCluster()!;
    assert.equal(cluster.skipTLSVerify, false);
    assert.ok(cluster.caData);
    assert.ok(kc.getCurrentUser()!.certData);
    assert.equal(kc.getContextObject(kc.getCurrentContext())!.namespace, NS);
  });

  test('listPodForAllNamespaces and listNamespacedPod with a label selector', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const all = await core.listPodForAllNamespaces();
    assert.deepEqual(all.items.map((p) => `${p.metadata!.namespace}/${p.metadata!.name}`), [
      `${NS}/${BURSTABLE}`, `${NS}/hello-kubernetes-memory-health`, `${NS}/hello-kubernetes-unprobed`, 'shop/cart-guaranteed', 'shop/catalog-besteffort', 'shop/checkout-with-sidecar',
    ]);
    const selected = await core.listNamespacedPod({ namespace: NS, labelSelector: 'app.kubernetes.io/name=hello-kubernetes' });
    assert.deepEqual(selected.items.map((p) => p.metadata!.name), [BURSTABLE]);
    assert.equal(selected.items[0].status!.qosClass, 'Burstable');
  });

  test('a 404 comes back as an ApiException whose body is the Status', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await assert.rejects(core.readNamespacedPod({ namespace: NS, name: 'nope' }), (e) => {
      assert.deepEqual(statusOf(e), { code: 404, message: 'pods "nope" not found' });
      return true;
    });
  });

  test('Watch streams ADDED for existing pods, then a MODIFIED for a label change', async () => {
    const seen: string[] = [];
    const watch = new k8s.Watch(kc);
    const req = await watch.watch(`/api/v1/namespaces/${NS}/pods`, { allowWatchBookmarks: true }, (type, obj: { metadata: { name: string; labels?: Record<string, string> } }) => {
      seen.push(`${type} ${obj.metadata.name}${obj.metadata.labels?.watched ? ' watched=' + obj.metadata.labels.watched : ''}`);
    }, () => {});
    try {
      await until('the initial ADDED events', () => (seen.length >= 3 ? true : undefined));
      const core = kc.makeApiClient(k8s.CoreV1Api);
      await core.patchNamespacedPod({ namespace: NS, name: BURSTABLE, body: [{ op: 'add', path: '/metadata/labels/watched', value: 'yes' }] });
      await until('the MODIFIED event', () => (seen.includes(`MODIFIED ${BURSTABLE} watched=yes`) ? true : undefined));
      // The kubelet may write status changes too; the first three events are the synthetic ADDEDs.
      assert.deepEqual(seen.slice(0, 3), [`ADDED ${BURSTABLE}`, 'ADDED hello-kubernetes-memory-health', 'ADDED hello-kubernetes-unprobed']);
    } finally {
      req.abort();
    }
  });

  test('an informer lists, then delivers updates from its watch', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/shop/pods', () => core.listNamespacedPod({ namespace: 'shop' }));
    const updates: string[] = [];
    informer.on('update', (p) => updates.push(`${p.metadata!.name} ${p.metadata!.labels?.informed ?? ''}`));
    await informer.start();
    try {
      assert.deepEqual(informer.list().map((p) => p.metadata!.name).sort(), ['cart-guaranteed', 'catalog-besteffort', 'checkout-with-sidecar']);
      await core.patchNamespacedPod({ namespace: 'shop', name: 'cart-guaranteed', body: [{ op: 'add', path: '/metadata/labels/informed', value: 'true' }] });
      await until('the informer update', () => (updates.includes('cart-guaranteed true') ? true : undefined));
    } finally {
      await informer.stop();
    }
  });

  const collect = () => {
    let text = '';
    const w = new Writable({ write(chunk, _enc, cb) { text += chunk.toString(); cb(); } });
    return { w, text: () => text };
  };

  function exec(command: string[], stdin: string | null = null): Promise<{ status: { status?: string; reason?: string; message?: string; details?: unknown }; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const out = collect();
      const err = collect();
      let input: PassThrough | null = null;
      if (stdin !== null) {
        input = new PassThrough();
        input.end(stdin);
      }
      new k8s.Exec(kc)
        .exec(NS, BURSTABLE, 'hello-kubernetes', command, out.w, err.w, input, false, (status) => {
          // The status arrives before the socket closes: give the last frames a moment to be read.
          setTimeout(() => resolve({ status: status as never, stdout: out.text(), stderr: err.text() }), 50);
        })
        .catch(reject);
    });
  }

  test('Exec reads the container’s own cgroup limit and reports Success', async () => {
    const file = sandbox.kubelet.cgroupVersion === 2 ? '/sys/fs/cgroup/memory.max' : '/sys/fs/cgroup/memory/memory.limit_in_bytes';
    const r = await exec(['cat', file]);
    assert.equal(r.stdout.trim(), String(500 * 2 ** 20));
    assert.deepEqual(r.status, { metadata: {}, status: 'Success' });
  });

  test('Exec gives statusCallback the NonZeroExitCode Status with the ExitCode cause', async () => {
    const r = await exec(['sh', '-c', 'echo oops >&2; exit 3']);
    assert.equal(r.stderr, 'oops\n');
    assert.deepEqual(r.status, {
      metadata: {}, status: 'Failure', reason: 'NonZeroExitCode',
      message: 'command terminated with non-zero exit code: error executing command [sh -c echo oops >&2; exit 3], exit code 3',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
  });

  test('Exec with stdin: the input reaches the command, which sees EOF', async () => {
    const r = await exec(['wc', '-l'], 'a\nb\nc\n');
    assert.equal(r.stdout.trim(), '3');
  });

  test('CustomObjectsApi: create, get, list, JSON patch (default), merge patch, delete', async () => {
    const api = kc.makeApiClient(k8s.CustomObjectsApi);
    const created = (await api.createNamespacedCustomObject({ ...GROUP, namespace: 'shop', body: stressChaos('co-stress') })) as { metadata: { uid: string } };
    assert.ok(created.metadata.uid);
    const got = (await api.getNamespacedCustomObject({ ...GROUP, namespace: 'shop', name: 'co-stress' })) as { spec: { selector: { namespaces: string[] } } };
    assert.deepEqual(got.spec.selector.namespaces, ['shop']); // Chaos Mesh's mutating webhook
    const list = (await api.listNamespacedCustomObject({ ...GROUP, namespace: 'shop' })) as { kind: string; items: Array<{ metadata: { name: string } }> };
    assert.equal(list.kind, 'StressChaosList');
    assert.ok(list.items.some((i) => i.metadata.name === 'co-stress'));
    const jsonPatched = (await api.patchNamespacedCustomObject({ ...GROUP, namespace: 'shop', name: 'co-stress',
      body: [{ op: 'add', path: '/metadata/annotations', value: { 'experiment.chaos-mesh.org/pause': 'true' } }] })) as { metadata: { annotations: Record<string, string> } };
    assert.equal(jsonPatched.metadata.annotations['experiment.chaos-mesh.org/pause'], 'true');
    const merged = (await api.patchNamespacedCustomObject({ ...GROUP, namespace: 'shop', name: 'co-stress', body: { metadata: { annotations: { 'experiment.chaos-mesh.org/pause': null } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch))) as { metadata: { annotations: Record<string, string> } };
    assert.equal(merged.metadata.annotations['experiment.chaos-mesh.org/pause'], undefined);
    await api.deleteNamespacedCustomObject({ ...GROUP, namespace: 'shop', name: 'co-stress' });
    await until('the finalizer to be removed', async () => {
      try {
        await api.getNamespacedCustomObject({ ...GROUP, namespace: 'shop', name: 'co-stress' });
        return undefined;
      } catch (e) {
        return statusOf(e).code === 404 ? true : undefined;
      }
    });
  });

  test('CustomObjectsApi dry run creates nothing; a spec change is refused by the webhook', async () => {
    const api = kc.makeApiClient(k8s.CustomObjectsApi);
    await api.createNamespacedCustomObject({ ...GROUP, namespace: 'shop', body: stressChaos('dry-stress'), dryRun: 'All' });
    await assert.rejects(api.getNamespacedCustomObject({ ...GROUP, namespace: 'shop', name: 'dry-stress' }), (e) => statusOf(e).code === 404);
    await api.createNamespacedCustomObject({ ...GROUP, namespace: 'shop', body: stressChaos('fixed-stress') });
    try {
      await assert.rejects(
        api.patchNamespacedCustomObject({ ...GROUP, namespace: 'shop', name: 'fixed-stress', body: [{ op: 'replace', path: '/spec/mode', value: 'all' }] }),
        (e) => {
          const s = statusOf(e);
          assert.match(s.message, /Cannot update chaos spec/);
          return true;
        },
      );
    } finally {
      await api.deleteNamespacedCustomObject({ ...GROUP, namespace: 'shop', name: 'fixed-stress' });
    }
  });

  test('KubernetesObjectApi: create, read, merge patch, list, delete (resolving the plural by discovery)', async () => {
    const api = k8s.KubernetesObjectApi.makeApiClient(kc);
    const spec = stressChaos('koa-stress');
    const created: import('@kubernetes/client-node').KubernetesObject = await api.create(spec);
    assert.equal(created.metadata!.name, 'koa-stress');
    const read = await api.read<import('@kubernetes/client-node').KubernetesObject>({ apiVersion: spec.apiVersion, kind: spec.kind, metadata: { name: 'koa-stress', namespace: 'shop' } });
    assert.equal(read.metadata!.uid, created.metadata!.uid);
    const patched = await api.patch({ apiVersion: spec.apiVersion, kind: spec.kind, metadata: { name: 'koa-stress', namespace: 'shop', labels: { owner: 'test' } } },
      undefined, undefined, undefined, undefined, k8s.PatchStrategy.MergePatch);
    assert.equal(patched.metadata!.labels!.owner, 'test');
    const list = await api.list(spec.apiVersion, spec.kind, 'shop');
    assert.ok(list.items.some((i) => i.metadata!.name === 'koa-stress'));
    await api.delete({ apiVersion: spec.apiVersion, kind: spec.kind, metadata: { name: 'koa-stress', namespace: 'shop' } });
  });

  test('a viewer token can read but gets 403 Forbidden on create', async () => {
    const viewer = new k8s.KubeConfig();
    viewer.loadFromOptions({
      clusters: [{ name: 'sandbox', server: sandbox.url, caData: Buffer.from(sandbox.pki.caCert).toString('base64'), skipTLSVerify: false }],
      users: [{ name: 'viewer', token: sandbox.pki.viewerToken }],
      contexts: [{ name: 'sandbox', cluster: 'sandbox', user: 'viewer', namespace: 'shop' }],
      currentContext: 'sandbox',
    });
    const api = viewer.makeApiClient(k8s.CustomObjectsApi);
    const list = (await api.listNamespacedCustomObject({ ...GROUP, namespace: 'shop' })) as { items: unknown[] };
    assert.ok(Array.isArray(list.items));
    await assert.rejects(api.createNamespacedCustomObject({ ...GROUP, namespace: 'shop', body: stressChaos('viewer-stress') }), (e) => {
      assert.deepEqual(statusOf(e), { code: 403, message: 'stresschaos.chaos-mesh.org is forbidden: User "sandbox-viewer" cannot create resource "stresschaos" in API group "chaos-mesh.org" in the namespace "shop"' });
      return true;
    });
  });
});
