// The extension's cluster foundation (src/cluster: session, errors, the resumable watch, the
// Chaos Mesh client) against the running sandbox, through the real TLS + client-certificate path.
// Expected values are the scenario's literal names and the server's own words.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { ChaosMeshClient, EXTENSION_LABEL, EXTENSION_LABEL_VALUE } from '../../src/cluster/chaosMesh';
import { ClusterError, parseForbidden } from '../../src/cluster/errors';
import { ObjectWatch, type WatchState } from '../../src/cluster/objectWatch';
import { kubeConfigForContext, openSession, UnknownContextError, type ClusterSession } from '../../src/cluster/session';
import { startSandbox, type Sandbox } from './cluster';
import { until } from './testing';

const NS = 'hello-kubernetes';
const BURSTABLE = 'hello-kubernetes-7c9d8b6f5-x2k4p';

let sandbox: Sandbox;
let dir: string;
let shared: KubeConfig;
let session: ClusterSession;

function stress(name: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'chaos-mesh.org/v1alpha1' as const,
    kind: 'StressChaos' as const,
    metadata: { name, namespace: 'shop', labels: { [EXTENSION_LABEL]: EXTENSION_LABEL_VALUE } },
    spec: { mode: 'one' as const, selector: { labelSelectors: { 'app.kubernetes.io/name': 'catalog' } }, stressors: { memory: { workers: 1, size: '8MB' } }, duration: '5m', ...extra },
  };
}

suite('cluster foundation (src/cluster) against the sandbox', () => {
  suiteSetup(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-cluster-session-test-'));
    sandbox = await startSandbox({ kubeconfigPath: path.join(dir, 'kubeconfig') });
    // A second context pointing at a closed port, current, so the sandbox context is NOT current:
    // sessions must work for any context without switching the shared KubeConfig.
    const text = fs.readFileSync(sandbox.kubeconfigPath, 'utf8');
    shared = new KubeConfig();
    shared.loadFromString(text);
    shared.addCluster({ name: 'closed', server: 'https://127.0.0.1:1', skipTLSVerify: false });
    shared.addContext({ name: 'closed', cluster: 'closed', user: shared.getContextObject('sandbox')!.user });
    shared.setCurrentContext('closed');
    session = openSession(shared, 'sandbox');
    await until('all pods Running', () => (sandbox.store.list('pods').items.every((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running') ? true : undefined), 60_000);
  });

  suiteTeardown(async () => {
    session?.dispose();
    await sandbox?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a session for a non-current context talks to that context and leaves the shared current context alone', async () => {
    assert.equal(session.context, 'sandbox');
    assert.equal(session.namespace, NS); // the sandbox kubeconfig's context namespace
    const pods = await session.core.listNamespacedPod({ namespace: NS });
    assert.ok(pods.items.some((p) => p.metadata?.name === BURSTABLE));
    assert.equal(shared.getCurrentContext(), 'closed');
    assert.throws(() => kubeConfigForContext(shared, 'nope'), UnknownContextError);
  });

  test('getJson reads the kubelet Summary API through nodes/proxy', async () => {
    const summary = await session.getJson<{ node: { nodeName: string }; pods: { podRef: { name: string } }[] }>('/api/v1/nodes/sandbox-node/proxy/stats/summary');
    assert.equal(summary.node.nodeName, 'sandbox-node');
    assert.ok(summary.pods.some((p) => p.podRef.name === BURSTABLE));
  });

  test('a closed port is "unreachable" with the context named; a 404 is notFound', async () => {
    const closed = openSession(shared, 'closed');
    try {
      await assert.rejects(closed.getJson('/version'), (e: unknown) => {
        assert.ok(e instanceof ClusterError);
        assert.equal(e.kind, 'unreachable');
        assert.equal(e.code, 'ECONNREFUSED');
        assert.match(e.message, /^Context "closed": GET \/version failed: the API server cannot be reached \(ECONNREFUSED\)/);
        return true;
      });
    } finally {
      closed.dispose();
    }
    await assert.rejects(session.getJson('/api/v1/namespaces/nope-ns/pods/nope'), (e: unknown) => e instanceof ClusterError && e.kind === 'notFound' && e.status === 404);
  });

  test('the forbidden message names the missing verb and resource in the server\'s words', () => {
    const f = parseForbidden('pods "x" is forbidden: User "viewer" cannot create resource "pods/exec" in API group "" in the namespace "shop"');
    assert.deepEqual(f, { user: 'viewer', verb: 'create', resource: 'pods/exec', group: undefined, namespace: 'shop' });
    const e = new ClusterError({ kind: 'forbidden', status: 403, context: 'c', action: 'opening a shell', serverMessage: 'pods "x" is forbidden: User "viewer" cannot create resource "pods/exec" in API group "" in the namespace "shop"' });
    assert.match(e.message, /user "viewer" lacks the permission "create" on "pods\/exec" in namespace "shop"/);
  });

  test('Chaos Mesh is detected; dry run stores nothing; a webhook refusal comes back in its words', async () => {
    const chaos = new ChaosMeshClient(session);
    assert.deepEqual(await chaos.detect(), { installed: true, versions: ['v1alpha1'] });
    const dry = await chaos.dryRun(stress('dry-only'));
    assert.equal(dry.metadata.name, 'dry-only');
    assert.equal(await chaos.get('shop', 'dry-only'), undefined);
    const bad = stress('bad-size');
    (bad.spec.stressors.memory as { size: string }).size = '256Mi';
    await assert.rejects(chaos.dryRun(bad), (e: unknown) => {
      assert.ok(e instanceof ClusterError);
      assert.equal(e.status, 403);
      assert.match(e.serverMessage ?? '', /^admission webhook "vstresschaos\.kb\.io" denied the request: /);
      return true;
    });
  });

  test('create → watch sees it → pause and resume wait for the Paused condition → delete waits for the finalizer', async () => {
    const chaos = new ChaosMeshClient(session);
    const seen: string[][] = [];
    const states: WatchState['state'][] = [];
    const watch = chaos.watch('shop', (objects) => seen.push([...objects.keys()]), (s) => states.push(s.state), `${EXTENSION_LABEL}=${EXTENSION_LABEL_VALUE}`);
    try {
      await until('the watch is synced', () => (watch.state.state === 'synced' ? true : undefined), 10_000);
      await chaos.create(stress('lifecycle'));
      await until('the watch saw the new experiment', () => (seen.some((keys) => keys.includes('shop/lifecycle')) ? true : undefined), 10_000);
      const paused = await chaos.setPaused('shop', 'lifecycle', true, { timeoutMs: 30_000 });
      assert.equal(paused.status?.conditions?.find((c) => c.type === 'Paused')?.status, 'True');
      const resumed = await chaos.setPaused('shop', 'lifecycle', false, { timeoutMs: 30_000 });
      assert.equal(resumed.metadata.annotations?.['experiment.chaos-mesh.org/pause'], undefined);
      assert.equal(await chaos.delete('shop', 'lifecycle', { timeoutMs: 60_000 }), true);
      assert.equal(await chaos.get('shop', 'lifecycle'), undefined);
      await until('the watch saw it go', () => (!watch.snapshot.has('shop/lifecycle') ? true : undefined), 10_000);
      assert.equal(await chaos.delete('shop', 'lifecycle'), false);
      assert.equal(states[0], 'listing');
      assert.ok(states.includes('synced'));
    } finally {
      watch.stop();
    }
  });

  test('a pod watch lists, then follows a change made by another client', async () => {
    const annotations: (string | undefined)[] = [];
    const watch = new ObjectWatch<V1Pod>({
      session,
      path: `/api/v1/namespaces/${NS}/pods`,
      list: async () => {
        const l = await session.core.listNamespacedPod({ namespace: NS });
        return { items: l.items, resourceVersion: l.metadata?.resourceVersion ?? '' };
      },
      what: `pods in ${NS}`,
      onChange: (objects) => annotations.push(objects.get(`${NS}/${BURSTABLE}`)?.metadata?.annotations?.['pmc-test']),
    }).start();
    try {
      await until('synced', () => (watch.state.state === 'synced' ? true : undefined), 10_000);
      assert.equal(annotations[0], undefined);
      const other = openSession(shared, 'sandbox');
      await other.core.patchNamespacedPod(
        { name: BURSTABLE, namespace: NS, body: { metadata: { annotations: { 'pmc-test': 'seen' } } } },
        (await import('@kubernetes/client-node')).setHeaderOptions('Content-Type', 'application/merge-patch+json'),
      );
      other.dispose();
      await until('the watch saw the annotation', () => (annotations.includes('seen') ? true : undefined), 10_000);
    } finally {
      watch.stop();
    }
    assert.equal(watch.state.state, 'stopped');
  });

  test('a read-only user gets 403 on create, with the verb and resource named', async () => {
    shared.addUser({ name: 'viewer', token: sandbox.pki.viewerToken });
    shared.addContext({ name: 'viewer', cluster: shared.getContextObject('sandbox')!.cluster, user: 'viewer', namespace: 'shop' });
    const viewer = openSession(shared, 'viewer');
    try {
      await assert.rejects(new ChaosMeshClient(viewer).create(stress('viewer-try')), (e: unknown) => {
        assert.ok(e instanceof ClusterError);
        assert.equal(e.kind, 'forbidden');
        assert.equal(e.forbidden?.verb, 'create');
        assert.equal(e.forbidden?.resource, 'stresschaos');
        assert.equal(e.forbidden?.group, 'chaos-mesh.org');
        assert.match(e.message, /^Context "viewer": creating StressChaos "viewer-try" in namespace "shop" was refused \(403 Forbidden\)/);
        return true;
      });
    } finally {
      viewer.dispose();
    }
  });
});
