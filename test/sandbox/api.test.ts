// The API server's wire protocol, tested with raw HTTPS and WebSocket requests against a store
// with a test-only NodeAgent (exec = host processes), so every answer is checked exactly as the
// clients read it. The real kubectl and client-node run against the full sandbox elsewhere
// (kubectl.test.ts, clientNode.test.ts).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { HostProcessNode } from './api/hostProcessNode';
import { ApiServer } from './api/server';
import { humanDuration, podCells } from './api/table';
import { generatePki, type SandboxPki } from './api/tls';
import { ApiError, Store, type KObject } from './store';

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; text: string; json: any } // eslint-disable-line @typescript-eslint/no-explicit-any

let store: Store;
let server: ApiServer;
let pki: SandboxPki;
let node: HostProcessNode;
let dir: string;
let url: string;

type Auth = 'cert' | 'viewer' | 'noNodeProxy' | 'none';

function request(method: string, p: string, options: { body?: unknown; contentType?: string; accept?: string; auth?: Auth } = {}): Promise<Reply> {
  const auth = options.auth ?? 'cert';
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = https.request(url + p, {
      method,
      ca: pki.caCert,
      ...(auth === 'cert' ? { cert: pki.clientCert, key: pki.clientKey } : {}),
      headers: {
        ...(auth === 'viewer' ? { Authorization: `Bearer ${pki.viewerToken}` } : {}),
        ...(auth === 'noNodeProxy' ? { Authorization: `Bearer ${pki.noNodeProxyToken}` } : {}),
        ...(body !== undefined ? { 'Content-Type': options.contentType ?? 'application/json', 'Content-Length': String(Buffer.byteLength(body)) } : {}),
        ...(options.accept ? { Accept: options.accept } : {}),
      },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens a watch and collects its NDJSON events until `count` arrived. */
function watchEvents(p: string, count: number, accept?: string): Promise<{ status: number; events: any[] }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return new Promise((resolve, reject) => {
    const req = https.request(url + p, { ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey, headers: accept ? { Accept: accept } : {} }, (res) => {
      let buf = '';
      const events: unknown[] = [];
      const done = () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, events });
      };
      res.on('data', (c: Buffer) => {
        buf += c.toString();
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buf.slice(0, i)));
          buf = buf.slice(i + 1);
          if (events.length >= count) return done();
        }
      });
      res.on('end', done);
    });
    req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
    req.end();
  });
}

const rfc = (msAgo: number) => new Date(Date.now() - msAgo).toISOString().replace(/\.\d{3}Z$/, 'Z');

function pod(name: string, namespace: string, labels: Record<string, string> = {}, containers = ['app']): KObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: { nodeName: 'sandbox-node', containers: containers.map((c) => ({ name: c, image: 'sandbox/pause' })) },
    status: {
      phase: 'Running', podIP: '127.1.0.9',
      containerStatuses: containers.map((c) => ({ name: c, ready: true, restartCount: 0, state: { running: { startedAt: rfc(60_000) } } })),
    },
  };
}

const stressChaos = (name: string, spec: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'StressChaos',
  metadata: { name, namespace: 'demo' },
  spec: { mode: 'one', selector: { labelSelectors: { app: 'web' } }, stressors: { memory: { workers: 1, size: '50MB' } }, ...spec },
});

const SC = '/apis/chaos-mesh.org/v1alpha1/namespaces/demo/stresschaos';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

suite('sandbox API server (wire protocol)', () => {
  suiteSetup(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-api-test-'));
    pki = generatePki(path.join(dir, 'pki'));
    store = new Store(50);
    for (const ns of ['demo', 'other']) store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns }, status: { phase: 'Active' } });
    store.create('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'sandbox-node' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    store.create('pods', pod('web-1', 'demo', { app: 'web' }));
    store.create('pods', pod('web-2', 'demo', { app: 'web', tier: 'canary' }));
    store.create('pods', pod('db-1', 'other', { app: 'db' }, ['db', 'backup']));
    node = new HostProcessNode(store);
    // Chaos Mesh's webhook stands in as a rule that is easy to see: spec updates are refused.
    const admit = (op: 'CREATE' | 'UPDATE', obj: KObject, old?: KObject): KObject => {
      if (op === 'UPDATE' && old && JSON.stringify(old.spec) !== JSON.stringify(obj.spec)) {
        throw new ApiError(403, 'Forbidden', 'admission webhook "vstresschaos.kb.io" denied the request: Cannot update chaos spec');
      }
      const out = structuredClone(obj);
      (out.spec as { selector: { namespaces?: string[] } }).selector.namespaces ??= [obj.metadata.namespace!];
      return out;
    };
    server = new ApiServer({ store, node, pki, admitStressChaos: admit });
    url = await server.start();
  });

  suiteTeardown(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  suite('authentication and authorization', () => {
    test('a request without credentials gets 401 Unauthorized as a Status', async () => {
      const r = await request('GET', '/api/v1/pods', { auth: 'none' });
      assert.equal(r.status, 401);
      assert.deepEqual(r.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', details: {}, code: 401 });
    });

    test('the viewer token may list pods', async () => {
      const r = await request('GET', '/api/v1/namespaces/demo/pods', { auth: 'viewer' });
      assert.equal(r.status, 200);
      assert.deepEqual(r.json.items.map((p: KObject) => p.metadata.name), ['web-1', 'web-2']);
    });

    test('the viewer token gets 403 with the RBAC wording when creating a StressChaos', async () => {
      const r = await request('POST', SC, { auth: 'viewer', body: stressChaos('denied') });
      assert.equal(r.status, 403);
      assert.equal(r.json.message, 'stresschaos.chaos-mesh.org is forbidden: User "sandbox-viewer" cannot create resource "stresschaos" in API group "chaos-mesh.org" in the namespace "demo"');
      assert.equal(r.json.reason, 'Forbidden');
      assert.equal(store.get('stresschaos', 'demo', 'denied'), undefined);
    });

    test('the viewer token gets 403 naming the object when patching one', async () => {
      const r = await request('PATCH', '/api/v1/namespaces/demo/pods/web-1', { auth: 'viewer', body: { metadata: { labels: { x: 'y' } } }, contentType: 'application/merge-patch+json' });
      assert.equal(r.status, 403);
      assert.equal(r.json.message, 'pods "web-1" is forbidden: User "sandbox-viewer" cannot patch resource "pods" in API group "" in the namespace "demo"');
    });
  });

  suite('discovery', () => {
    test('/version reports minor 33 so the kubectl dispatcher picks a WebSocket-capable kubectl', async () => {
      const r = await request('GET', '/version');
      assert.equal(r.json.major, '1');
      assert.equal(r.json.minor, '33');
      assert.equal(r.json.gitVersion, 'v1.33.1');
    });

    test('/apis lists chaos-mesh.org/v1alpha1 and metrics.k8s.io/v1beta1 (kubectl top needs the latter)', async () => {
      const r = await request('GET', '/apis');
      const gvs = r.json.groups.map((g: { preferredVersion: { groupVersion: string } }) => g.preferredVersion.groupVersion);
      assert.deepEqual(gvs, ['apiextensions.k8s.io/v1', 'authentication.k8s.io/v1', 'authorization.k8s.io/v1', 'chaos-mesh.org/v1alpha1', 'events.k8s.io/v1', 'metrics.k8s.io/v1beta1']);
    });

    test('/apis/chaos-mesh.org/v1alpha1 lists stresschaos without shortNames or a status subresource', async () => {
      const r = await request('GET', '/apis/chaos-mesh.org/v1alpha1');
      assert.deepEqual(r.json.resources, [{ name: 'stresschaos', singularName: 'stresschaos', namespaced: true, kind: 'StressChaos', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] }]);
    });

    test('/openapi/v2 is an empty octet-stream (kubectl 1.27/1.28 apply then skips client-side validation)', async () => {
      const r = await request('GET', '/openapi/v2');
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-type'], 'application/octet-stream');
      assert.equal(r.text, '');
    });

    test('the StressChaos CRD is served and Established', async () => {
      const r = await request('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/stresschaos.chaos-mesh.org');
      assert.equal(r.status, 200);
      assert.deepEqual(r.json.status.conditions.find((c: { type: string }) => c.type === 'Established').status, 'True');
      assert.deepEqual(r.json.spec.versions[0].additionalPrinterColumns, [{ name: 'duration', type: 'string', jsonPath: '.spec.duration' }]);
    });

    test('an unknown path answers the apiserver 404 Status', async () => {
      const r = await request('GET', '/apis/example.com/v1/widgets');
      assert.equal(r.status, 404);
      assert.equal(r.json.message, 'the server could not find the requested resource');
    });
  });

  suite('lists, selectors and Tables', () => {
    const names = (r: Reply) => r.json.items.map((p: KObject) => `${p.metadata.namespace}/${p.metadata.name}`);
    for (const [label, query, expected] of [
      ['label equality', 'labelSelector=app%3Dweb', ['demo/web-1', 'demo/web-2']],
      ['label set-based notin', 'labelSelector=app%20notin%20(web)', ['other/db-1']],
      ['label existence', 'labelSelector=tier', ['demo/web-2']],
      ['label non-existence combined with equality', 'labelSelector=!tier,app%3Dweb', ['demo/web-1']],
      ['field metadata.name', 'fieldSelector=metadata.name%3Dweb-2', ['demo/web-2']],
      ['field metadata.namespace inequality', 'fieldSelector=metadata.namespace!%3Ddemo', ['other/db-1']],
      ['field spec.nodeName', 'fieldSelector=spec.nodeName%3Dsandbox-node,status.phase%3DRunning', ['demo/web-1', 'demo/web-2', 'other/db-1']],
    ] as const) {
      test(`all-namespace pod list filtered by ${label}`, async () => {
        const r = await request('GET', `/api/v1/pods?${query}`);
        assert.equal(r.status, 200);
        assert.deepEqual(names(r), expected);
      });
    }

    test('an unsupported field selector answers 400 "field label not supported"', async () => {
      const r = await request('GET', '/api/v1/pods?fieldSelector=spec.priority%3D1');
      assert.equal(r.status, 400);
      assert.equal(r.json.message, 'field label not supported: spec.priority');
    });

    test('events accept the involvedObject field selectors describe sends', async () => {
      const uid = store.get('pods', 'demo', 'web-1')!.metadata.uid!;
      const ev = (name: string, podName: string, podUid: string) => store.create('events', {
        apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: 'demo' },
        involvedObject: { kind: 'Pod', namespace: 'demo', name: podName, uid: podUid, apiVersion: 'v1' }, reason: 'Started', type: 'Normal', message: 'Started container app',
        source: { component: 'kubelet', host: 'sandbox-node' }, firstTimestamp: rfc(3 * 3600_000 + 20_000), lastTimestamp: rfc(15 * 60_000 + 20_000), count: 2,
      });
      ev('web-1.a', 'web-1', uid);
      ev('web-1.stale', 'web-1', 'an-older-pod-uid');
      const r = await request('GET', `/api/v1/namespaces/demo/events?fieldSelector=${encodeURIComponent(`involvedObject.name=web-1,involvedObject.namespace=demo,involvedObject.uid=${uid}`)}`);
      assert.deepEqual(r.json.items.map((e: KObject) => e.metadata.name), ['web-1.a']);
      const t = await request('GET', '/api/v1/namespaces/demo/events?fieldSelector=reason%3DStarted', { accept: TABLE });
      assert.deepEqual(t.json.columnDefinitions.map((c: { name: string }) => c.name), ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name']);
      assert.deepEqual(t.json.rows[0].cells, ['15m', 'Normal', 'Started', 'pod/web-1', '', 'kubelet, sandbox-node', 'Started container app', '3h', 2, 'web-1.a']);
    });

    test('events.k8s.io/v1 shows the same events converted: regarding, note, deprecated source and counts', async () => {
      const uid = store.get('pods', 'demo', 'web-2')!.metadata.uid!;
      store.create('events', {
        apiVersion: 'v1', kind: 'Event', metadata: { name: 'web-2.v1', namespace: 'demo' },
        involvedObject: { kind: 'Pod', namespace: 'demo', name: 'web-2', uid, apiVersion: 'v1' }, reason: 'Started', type: 'Normal', message: 'Started container app',
        source: { component: 'kubelet', host: 'sandbox-node' }, firstTimestamp: rfc(5000), lastTimestamp: rfc(2000), count: 2,
      });
      const r = await request('GET', '/apis/events.k8s.io/v1/namespaces/demo/events?fieldSelector=regarding.name%3Dweb-2');
      assert.equal(r.json.kind, 'EventList');
      assert.equal(r.json.apiVersion, 'events.k8s.io/v1');
      assert.deepEqual(r.json.items.map((i: KObject) => i.metadata.name), ['web-2.v1']);
      const e = r.json.items[0];
      assert.deepEqual({ regarding: e.regarding.name, note: e.note, reason: e.reason, type: e.type, reportingController: e.reportingController, deprecatedCount: e.deprecatedCount, deprecatedSource: e.deprecatedSource },
        { regarding: 'web-2', note: 'Started container app', reason: 'Started', type: 'Normal', reportingController: 'kubelet', deprecatedCount: 2, deprecatedSource: { component: 'kubelet', host: 'sandbox-node' } });
      assert.equal(e.message, undefined);
      const write = await request('POST', '/apis/events.k8s.io/v1/namespaces/demo/events', { body: { metadata: { name: 'x' } } });
      assert.equal(write.status, 405);
    });

    test('a Table list carries the resourceVersion and each row the namespace (kubectl -A needs both)', async () => {
      const r = await request('GET', '/api/v1/pods', { accept: TABLE });
      assert.equal(r.json.kind, 'Table');
      assert.equal(r.json.metadata.resourceVersion, String(store.currentResourceVersion()));
      assert.deepEqual(r.json.columnDefinitions.map((c: { name: string; priority: number }) => `${c.name}:${c.priority}`),
        ['Name:0', 'Ready:0', 'Status:0', 'Restarts:0', 'Age:0', 'IP:1', 'Node:1', 'Nominated Node:1', 'Readiness Gates:1']);
      assert.deepEqual(r.json.rows.map((row: { object: KObject }) => `${row.object.kind} ${row.object.metadata.namespace}/${row.object.metadata.name}`),
        ['PartialObjectMetadata demo/web-1', 'PartialObjectMetadata demo/web-2', 'PartialObjectMetadata other/db-1']);
      assert.deepEqual(r.json.rows[2].cells.slice(1, 4), ['2/2', 'Running', '0']);
    });

    test('plain JSON lists are PodLists', async () => {
      const r = await request('GET', '/api/v1/namespaces/other/pods');
      assert.equal(r.json.kind, 'PodList');
      assert.equal(r.json.apiVersion, 'v1');
    });
  });

  suite('printPod cells (STATUS, READY, RESTARTS as kubectl shows them)', () => {
    // A fixed "now", so ages are exact.
    const NOW = Date.parse('2026-06-01T12:00:00Z');
    const rfc = (msAgo: number) => new Date(NOW - msAgo).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const base = (statuses: unknown[], extra: Record<string, unknown> = {}, containers = 1): KObject => ({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'n', creationTimestamp: rfc(300_000) },
      spec: { containers: Array.from({ length: containers }, (_, i) => ({ name: `c${i}`, image: 'x' })) },
      status: { phase: 'Running', containerStatuses: statuses, ...extra },
    });
    const running = (ready = true) => ({ name: 'c0', ready, restartCount: 0, state: { running: { startedAt: rfc(1000) } } });
    const cases: Array<[string, KObject, string[]]> = [
      ['a ready running container', base([running()]), ['1/1', 'Running', '0', '5m']],
      ['a running container that is not ready', base([running(false)]), ['0/1', 'Running', '0', '5m']],
      ['an OOM-killed container waiting in back-off shows CrashLoopBackOff and when it last restarted', base([{
        name: 'c0', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: rfc(125_000) } },
      }]), ['0/1', 'CrashLoopBackOff', '3 (2m5s ago)', '5m']],
      ['a container just OOM-killed shows OOMKilled', base([{ name: 'c0', ready: false, restartCount: 1, state: { terminated: { reason: 'OOMKilled', exitCode: 137 } }, lastState: { terminated: { reason: 'Error', exitCode: 1, finishedAt: rfc(30_000) } } }]), ['0/1', 'OOMKilled', '1 (30s ago)', '5m']],
      ['a terminated container without a reason shows its signal', base([{ name: 'c0', ready: false, restartCount: 0, state: { terminated: { exitCode: 137, signal: 9 } } }]), ['0/1', 'Signal:9', '0', '5m']],
      ['a terminated container without a reason or signal shows its exit code', base([{ name: 'c0', ready: false, restartCount: 0, state: { terminated: { exitCode: 2 } } }]), ['0/1', 'ExitCode:2', '0', '5m']],
      ['the first container wins: its reason replaces the second one’s', base([
        { name: 'c0', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
        { name: 'c1', ready: false, restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { reason: 'Error', exitCode: 1, finishedAt: rfc(9_000) } } },
      ], {}, 2), ['0/2', 'ContainerCreating', '2 (9s ago)', '5m']],
      ['Completed with another container still running and the pod Ready shows Running', base([
        { name: 'c0', ready: false, restartCount: 0, state: { terminated: { reason: 'Completed', exitCode: 0 } } },
        { ...running(), name: 'c1' },
      ], { conditions: [{ type: 'Ready', status: 'True' }] }, 2), ['1/2', 'Running', '0', '5m']],
      ['Completed with another container running but the pod not Ready shows NotReady', base([
        { name: 'c0', ready: false, restartCount: 0, state: { terminated: { reason: 'Completed', exitCode: 0 } } },
        { ...running(), name: 'c1' },
      ], { conditions: [{ type: 'Ready', status: 'False' }] }, 2), ['1/2', 'NotReady', '0', '5m']],
      ['a pod being deleted shows Terminating', { ...base([running()]), metadata: { name: 'p', namespace: 'n', creationTimestamp: rfc(300_000), deletionTimestamp: rfc(0) } }, ['1/1', 'Terminating', '0', '5m']],
      ['status.reason Evicted replaces the phase', base([], { phase: 'Failed', reason: 'Evicted' }), ['0/1', 'Evicted', '0', '5m']],
    ];
    for (const [name, p, expected] of cases) {
      test(name, () => {
        assert.deepEqual(podCells(p, NOW).slice(1, 5), expected);
      });
    }

    for (const [ms, text] of [[-5000, '<invalid>'], [-1500, '0s'], [0, '0s'], [119_000, '119s'], [120_000, '2m'], [125_000, '2m5s'], [600_000, '10m'], [10_799_000, '179m'],
      [10_800_000, '3h'], [11_100_000, '3h5m'], [8 * 3600_000, '8h'], [48 * 3600_000, '2d'], [50 * 3600_000, '2d2h'], [8 * 86400_000, '8d'], [730 * 86400_000, '2y'], [731 * 86400_000, '2y1d'], [8 * 365 * 86400_000, '8y']] as const) {
      test(`HumanDuration(${ms}ms) is ${text}`, () => assert.equal(humanDuration(ms), text));
    }
  });

  suite('watch', () => {
    test('resourceVersion=0 starts with synthetic ADDED events for what exists (kubectl get NAME -w drops the first)', async () => {
      const w = await watchEvents('/api/v1/namespaces/demo/pods?watch=true&resourceVersion=0&fieldSelector=metadata.name%3Dweb-1', 1);
      assert.equal(w.status, 200);
      assert.equal(w.events[0].type, 'ADDED');
      assert.equal(w.events[0].object.metadata.name, 'web-1');
    });

    test('a watch from a list resourceVersion replays later changes, as Table rows with columns only in the first event', async () => {
      const rv = store.currentResourceVersion();
      store.mutate('pods', 'demo', 'web-2', (p) => ((p.metadata.labels ??= {}).touched = '1'));
      store.mutate('pods', 'demo', 'web-2', (p) => ((p.metadata.labels ??= {}).touched = '2'));
      const w = await watchEvents(`/api/v1/namespaces/demo/pods?watch=true&resourceVersion=${rv}`, 2, TABLE);
      assert.deepEqual(w.events.map((e) => `${e.type} ${e.object.kind} ${e.object.rows[0].cells[0]} ${e.object.columnDefinitions.length}`), ['MODIFIED Table web-2 9', 'MODIFIED Table web-2 0']);
    });

    test('a resourceVersion older than the kept history ends the watch with a 410 Expired ERROR event', async () => {
      for (let i = 0; i < 60; i++) store.mutate('pods', 'other', 'db-1', (p) => ((p.metadata.annotations ??= {}).n = String(i)));
      const w = await watchEvents('/api/v1/pods?watch=true&resourceVersion=101', 1);
      assert.equal(w.events[0].type, 'ERROR');
      assert.equal(w.events[0].object.code, 410);
      assert.equal(w.events[0].object.reason, 'Expired');
      assert.match(w.events[0].object.message, /^too old resource version: 101 \(\d+\)$/);
    });

    test('a label change that makes a pod leave the selection arrives as DELETED', async () => {
      const pending = watchEvents('/api/v1/namespaces/demo/pods?watch=true&labelSelector=app%3Dweb', 3);
      await new Promise((r) => setTimeout(r, 200));
      store.mutate('pods', 'demo', 'web-2', (p) => (p.metadata.labels!.app = 'moved'));
      const w = await pending;
      store.mutate('pods', 'demo', 'web-2', (p) => (p.metadata.labels!.app = 'web'));
      assert.deepEqual(w.events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED web-1', 'ADDED web-2', 'DELETED web-2']);
    });
  });

  suite('StressChaos', () => {
    test('create answers 201 with the webhook defaults and the schema default oomScoreAdj 0', async () => {
      const r = await request('POST', `${SC}?fieldManager=kubectl-client-side-apply&fieldValidation=Strict`, { body: stressChaos('created') });
      assert.equal(r.status, 201);
      assert.deepEqual(r.json.spec.selector.namespaces, ['demo']);
      assert.equal(r.json.spec.stressors.memory.oomScoreAdj, 0);
      assert.ok(store.get('stresschaos', 'demo', 'created'));
    });

    test('creating it twice answers 409 AlreadyExists', async () => {
      const r = await request('POST', SC, { body: stressChaos('created') });
      assert.equal(r.status, 409);
      assert.equal(r.json.message, 'stresschaos.chaos-mesh.org "created" already exists');
    });

    test('a schema violation answers 422 with the apiserver field wording and causes', async () => {
      const r = await request('POST', SC, { body: stressChaos('bad', { mode: 'two', stressors: { memory: { workers: 9000 } } }) });
      assert.equal(r.status, 422);
      assert.equal(r.json.message, 'StressChaos.chaos-mesh.org "bad" is invalid: [spec.mode: Unsupported value: "two": supported values: "one", "all", "fixed", "fixed-percent", "random-max-percent", spec.stressors.memory.workers: Invalid value: 9000: spec.stressors.memory.workers in body should be less than or equal to 8192]');
      assert.deepEqual(r.json.details.causes.map((c: { field: string; reason: string }) => `${c.field} ${c.reason}`), ['spec.mode FieldValueNotSupported', 'spec.stressors.memory.workers FieldValueInvalid']);
    });

    test('fieldValidation=Strict rejects an unknown field with 400 BadRequest', async () => {
      const r = await request('POST', `${SC}?fieldValidation=Strict`, { body: stressChaos('typo', { durration: '30s' }) });
      assert.equal(r.status, 400);
      assert.equal(r.json.message, 'StressChaos in version "v1alpha1" cannot be handled as a StressChaos: strict decoding error: unknown field "spec.durration"');
    });

    test('without fieldValidation an unknown field is pruned and reported in a Warning header', async () => {
      const r = await request('POST', SC, { body: stressChaos('pruned', { durration: '30s' }) });
      assert.equal(r.status, 201);
      assert.equal(r.json.spec.durration, undefined);
      assert.equal(r.headers.warning, '299 - "unknown field \\"spec.durration\\""');
    });

    test('dryRun=All admits the object and stores nothing', async () => {
      const r = await request('POST', `${SC}?dryRun=All`, { body: stressChaos('dry') });
      assert.equal(r.status, 201);
      assert.deepEqual(r.json.spec.selector.namespaces, ['demo']);
      assert.equal(store.get('stresschaos', 'demo', 'dry'), undefined);
    });

    test('merge patch of the pause annotation is stored; a spec change is refused by the webhook', async () => {
      const ok = await request('PATCH', `${SC}/created`, { body: { metadata: { annotations: { 'experiment.chaos-mesh.org/pause': 'true' } } }, contentType: 'application/merge-patch+json' });
      assert.equal(ok.status, 200);
      assert.equal(store.get('stresschaos', 'demo', 'created')!.metadata.annotations!['experiment.chaos-mesh.org/pause'], 'true');
      const refused = await request('PATCH', `${SC}/created`, { body: { spec: { duration: '10s' } }, contentType: 'application/merge-patch+json' });
      assert.equal(refused.status, 403);
      assert.equal(refused.json.message, 'admission webhook "vstresschaos.kb.io" denied the request: Cannot update chaos spec');
    });

    test('JSON patch (RFC 6902, client-node’s default) with test and remove', async () => {
      const r = await request('PATCH', `${SC}/created`, {
        body: [{ op: 'test', path: '/metadata/annotations/experiment.chaos-mesh.org~1pause', value: 'true' }, { op: 'remove', path: '/metadata/annotations/experiment.chaos-mesh.org~1pause' }],
        contentType: 'application/json-patch+json',
      });
      assert.equal(r.status, 200);
      assert.deepEqual(r.json.metadata.annotations, {});
      const failed = await request('PATCH', `${SC}/created`, { body: [{ op: 'test', path: '/spec/mode', value: 'all' }], contentType: 'application/json-patch+json' });
      assert.equal(failed.status, 422);
    });

    test('strategic merge patch on a custom resource answers 415', async () => {
      const r = await request('PATCH', `${SC}/created`, { body: {}, contentType: 'application/strategic-merge-patch+json' });
      assert.equal(r.status, 415);
      assert.equal(r.json.reason, 'UnsupportedMediaType');
    });

    test('server-side apply creates (201), then updates (200), and needs a fieldManager (422)', async () => {
      const body = JSON.stringify(stressChaos('applied'));
      const created = await request('PATCH', `${SC}/applied?fieldManager=kubectl&fieldValidation=Strict&force=false`, { body, contentType: 'application/apply-patch+yaml' });
      assert.equal(created.status, 201);
      const yaml = 'apiVersion: chaos-mesh.org/v1alpha1\nkind: StressChaos\nmetadata:\n  name: applied\n  annotations:\n    experiment.chaos-mesh.org/pause: "true"\n';
      const updated = await request('PATCH', `${SC}/applied?fieldManager=kubectl`, { body: yaml, contentType: 'application/apply-patch+yaml' });
      assert.equal(updated.status, 200);
      assert.equal(updated.json.metadata.annotations['experiment.chaos-mesh.org/pause'], 'true');
      assert.equal(updated.json.spec.mode, 'one');
      const noManager = await request('PATCH', `${SC}/applied`, { body, contentType: 'application/apply-patch+yaml' });
      assert.equal(noManager.status, 422);
    });

    test('PUT with a stale resourceVersion answers 409 Conflict', async () => {
      const live = store.get('stresschaos', 'demo', 'created')!;
      const stale = { ...live, metadata: { ...live.metadata, resourceVersion: '1' } };
      const r = await request('PUT', `${SC}/created`, { body: stale });
      assert.equal(r.status, 409);
      assert.equal(r.json.message, 'Operation cannot be fulfilled on stresschaos.chaos-mesh.org "created": the object has been modified; please apply your changes to the latest version and try again');
    });

    test('delete with a finalizer marks deletionTimestamp; without one the object goes; then 404', async () => {
      store.mutate('stresschaos', 'demo', 'created', (o) => (o.metadata.finalizers = ['chaos-mesh/records']));
      const marked = await request('DELETE', `${SC}/created`, { body: { propagationPolicy: 'Background' } });
      assert.equal(marked.status, 202);
      assert.ok(store.get('stresschaos', 'demo', 'created')!.metadata.deletionTimestamp);
      store.mutate('stresschaos', 'demo', 'created', (o) => (o.metadata.finalizers = []));
      assert.equal(store.get('stresschaos', 'demo', 'created'), undefined);
      const gone = await request('DELETE', `${SC}/created`);
      assert.equal(gone.status, 404);
      assert.equal(gone.json.message, 'stresschaos.chaos-mesh.org "created" not found');
    });

    test('creating in a namespace that does not exist answers 404 for the namespace', async () => {
      const r = await request('POST', '/apis/chaos-mesh.org/v1alpha1/namespaces/nowhere/stresschaos', { body: { ...stressChaos('x'), metadata: { name: 'x' } } });
      assert.equal(r.status, 404);
      assert.equal(r.json.message, 'namespaces "nowhere" not found');
    });
  });

  suite('pods: strategic merge patch and spec immutability', () => {
    const P = '/api/v1/namespaces/other/pods/db-1';
    test('strategic merge patch merges containers by name and keeps $setElementOrder out of the object', async () => {
      const r = await request('PATCH', P, {
        body: { metadata: { labels: { smp: 'yes' } }, spec: { '$setElementOrder/containers': [{ name: 'db' }, { name: 'backup' }], containers: [{ name: 'backup', image: 'sandbox/pause:2' }] } },
        contentType: 'application/strategic-merge-patch+json',
      });
      assert.equal(r.status, 200);
      assert.deepEqual(r.json.spec.containers, [{ name: 'db', image: 'sandbox/pause' }, { name: 'backup', image: 'sandbox/pause:2' }]);
      assert.equal(r.json.metadata.labels.smp, 'yes');
    });

    test('changing anything in a pod spec but images is refused with the apiserver’s 422', async () => {
      const r = await request('PATCH', P, { body: { spec: { restartPolicy: 'Never' } }, contentType: 'application/merge-patch+json' });
      assert.equal(r.status, 422);
      assert.match(r.json.message, /^Pod "db-1" is invalid: spec: Forbidden: pod updates may not change fields other than `spec\.containers\[\*\]\.image`/);
    });

    test('a protobuf Namespace (kubectl 1.33 create namespace) is decoded; other protobuf answers 415', async () => {
      // runtime.Unknown{typeMeta{apiVersion v1, kind Namespace}, raw: Namespace{metadata{name, labels}}}
      const field = (no: number, bytes: Buffer) => Buffer.concat([Buffer.from([(no << 3) | 2, bytes.length]), bytes]);
      const s = (t: string) => Buffer.from(t);
      const meta = Buffer.concat([field(1, s('from-protobuf')), field(11, Buffer.concat([field(1, s('team')), field(2, s('a'))]))]);
      const body = Buffer.concat([s('k8s\0'), field(1, Buffer.concat([field(1, s('v1')), field(2, s('Namespace'))])), field(2, field(1, meta))]);
      const r = await new Promise<Reply>((resolve, reject) => {
        const req = https.request(`${url}/api/v1/namespaces`, { method: 'POST', ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey,
          headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf', 'Content-Length': body.length } }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: JSON.parse(text) }));
        });
        req.on('error', reject);
        req.end(body);
      });
      assert.equal(r.status, 201);
      assert.deepEqual(r.json.metadata.labels, { team: 'a', 'kubernetes.io/metadata.name': 'from-protobuf' });
      assert.deepEqual(r.json.status, { phase: 'Active' });
      const other = await request('POST', '/api/v1/namespaces/demo/pods', { body: 'k8s\u0000', contentType: 'application/vnd.kubernetes.protobuf' });
      assert.equal(other.status, 415);
    });
  });

  suite('pods/exec over WebSocket', () => {
    const exec = (query: string, protocols: string[], stdin?: Buffer[]): Promise<{ protocol: string; frames: Array<[number, string]> }> =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`${url.replace('https', 'wss')}/api/v1/namespaces/demo/pods/web-1/exec?${query}`, protocols, { ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey });
        const frames: Array<[number, string]> = [];
        ws.on('open', () => {
          for (const s of stdin ?? []) ws.send(s);
        });
        ws.on('message', (d: Buffer) => frames.push([d[0], d.subarray(1).toString()]));
        ws.on('close', () => resolve({ protocol: ws.protocol, frames }));
        ws.on('error', reject);
      });

    test('v5: stdout and stderr on channels 1 and 2, then the NonZeroExitCode Status on channel 3', async () => {
      const r = await exec('command=sh&command=-c&command=echo%20out%3B%20echo%20err%20%3E%262%3B%20exit%203&stdout=true&stderr=true', ['v5.channel.k8s.io']);
      assert.equal(r.protocol, 'v5.channel.k8s.io');
      assert.deepEqual(r.frames.filter(([c]) => c !== 3).sort(), [[1, 'out\n'], [2, 'err\n']]);
      assert.deepEqual(JSON.parse(r.frames.find(([c]) => c === 3)![1]), {
        metadata: {}, status: 'Failure', message: 'command terminated with non-zero exit code: error executing command [sh -c echo out; echo err >&2; exit 3], exit code 3',
        reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] },
      });
    });

    test('v5 stdin, ended by the CLOSE frame [255, 0], reaches the command; success Status', async () => {
      const r = await exec('command=cat&stdin=true&stdout=true&stderr=true', ['v5.channel.k8s.io'], [Buffer.from('\x00hello\n'), Buffer.from([255, 0])]);
      assert.deepEqual(r.frames, [[1, 'hello\n'], [3, '{"metadata":{},"status":"Success"}']]);
    });

    test('client-node’s offer (v5 first, then v4…) gets v5; an offer of v4 only gets v4', async () => {
      const both = await exec('command=true&stdout=true', ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io']);
      assert.equal(both.protocol, 'v5.channel.k8s.io');
      const v4 = await exec('command=true&stdout=true', ['v4.channel.k8s.io']);
      assert.equal(v4.protocol, 'v4.channel.k8s.io');
      assert.deepEqual(v4.frames, [[3, '{"metadata":{},"status":"Success"}']]);
    });

    test('stderr=false: nothing is written on channel 2 (client-node would throw "Unknown stream: 2")', async () => {
      const r = await exec('command=sh&command=-c&command=echo%20err%20%3E%262&stdout=true', ['v5.channel.k8s.io']);
      assert.deepEqual(r.frames, [[3, '{"metadata":{},"status":"Success"}']]);
    });

    const upgrade = (headers: Record<string, string>, query: string, method = 'GET'): Promise<Reply> =>
      new Promise((resolve, reject) => {
        const req = https.request(`${url}/api/v1/namespaces/demo/pods/web-1/exec?${query}`, {
          method, ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey, headers: { Connection: 'Upgrade', ...headers },
        });
        req.on('response', (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: JSON.parse(text) }));
        });
        req.on('upgrade', () => reject(new Error('unexpected upgrade')));
        req.on('error', reject);
        req.end();
      });

    test('SPDY (kubectl ≤1.29) is refused with a Status saying which kubectl is needed', async () => {
      const r = await upgrade({ Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' }, 'command=true&stdout=true', 'POST');
      assert.equal(r.status, 400);
      assert.equal(r.json.message, 'the sandbox serves exec over WebSocket only (v5.channel.k8s.io), not SPDY/3.1: use kubectl 1.30 or newer, or kubectl 1.29 with KUBECTL_REMOTE_COMMAND_WEBSOCKETS=true');
    });

    test('a container that is not running is refused before the upgrade as the kubelet does (plain-text 500)', async () => {
      store.mutate('pods', 'demo', 'web-2', (p) => {
        (p.status as { containerStatuses: Array<{ state: unknown }> }).containerStatuses[0].state = { waiting: { reason: 'CrashLoopBackOff' } };
      });
      try {
        const r = await new Promise<{ status: number; text: string }>((resolve, reject) => {
          const req = https.request(`${url}/api/v1/namespaces/demo/pods/web-2/exec?command=true&stdout=true`, {
            ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey,
            headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Protocol': 'v5.channel.k8s.io' },
          });
          req.on('response', (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          });
          req.on('error', reject);
          req.end();
        });
        assert.deepEqual(r, { status: 500, text: 'container not found ("app")' });
      } finally {
        store.mutate('pods', 'demo', 'web-2', (p) => {
          (p.status as { containerStatuses: Array<{ state: unknown }> }).containerStatuses[0].state = { running: { startedAt: rfc(1000) } };
        });
      }
    });

    test('an unknown container is refused before the upgrade with the apiserver message', async () => {
      const r = await upgrade({ Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Protocol': 'v5.channel.k8s.io' }, 'command=true&container=nope&stdout=true');
      assert.equal(r.status, 400);
      assert.equal(r.json.message, 'container nope is not valid for pod web-1');
    });
  });

  suite('nodes/proxy, metrics.k8s.io, pods/log', () => {
    test('nodes/{node}/proxy/stats/summary returns the node agent’s Summary', async () => {
      const r = await request('GET', '/api/v1/nodes/sandbox-node/proxy/stats/summary');
      assert.equal(r.status, 200);
      assert.equal(r.json.node.nodeName, 'sandbox-node');
      assert.equal(r.json.pods.length, 3);
    });

    test('the summary of an unknown node is a 404 for the node', async () => {
      const r = await request('GET', '/api/v1/nodes/nope/proxy/stats/summary');
      assert.equal(r.status, 404);
      assert.equal(r.json.message, 'nodes "nope" not found');
    });

    test('PodMetricsList per namespace, and 404 naming namespace/name for a missing pod', async () => {
      const r = await request('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/demo/pods');
      assert.equal(r.json.kind, 'PodMetricsList');
      assert.deepEqual(r.json.items.map((m: KObject) => m.metadata.name), ['web-1', 'web-2']);
      const missing = await request('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/demo/pods/nope');
      assert.equal(missing.status, 404);
      assert.equal(missing.json.message, 'podmetrics.metrics.k8s.io "demo/nope" not found');
    });

    test('the reader without nodes/proxy: 403 with the RBAC wording on the Summary, everything else readable', async () => {
      const r = await request('GET', '/api/v1/nodes/sandbox-node/proxy/stats/summary', { auth: 'noNodeProxy' });
      assert.equal(r.status, 403);
      assert.equal(r.json.message, 'nodes "sandbox-node" is forbidden: User "sandbox-no-node-proxy" cannot get resource "nodes/proxy" in API group "" at the cluster scope');
      assert.equal((await request('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/demo/pods', { auth: 'noNodeProxy' })).status, 200);
      assert.equal((await request('GET', '/api/v1/namespaces/demo/pods', { auth: 'noNodeProxy' })).status, 200);
    });

    test('faults.metricsUnavailable: metrics.k8s.io answers 503 as an unavailable APIService, until switched off', async () => {
      server.faults.metricsUnavailable = true;
      try {
        const r = await request('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/demo/pods');
        assert.equal(r.status, 503);
        assert.equal(r.json.message, 'the server is currently unable to handle the request');
      } finally {
        server.faults.metricsUnavailable = false;
      }
      assert.equal((await request('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/demo/pods')).status, 200);
    });

    test('pause() drops every connection and refuses new ones; resume() serves again on the same URL', async () => {
      await server.pause();
      try {
        // A pooled keep-alive socket sees the drop as a reset; a new connection is refused.
        await assert.rejects(request('GET', '/api/v1/namespaces'), (e: NodeJS.ErrnoException) => ['ECONNREFUSED', 'ECONNRESET'].includes(e.code ?? ''));
        await assert.rejects(request('GET', '/api/v1/namespaces'), (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED');
      } finally {
        await server.resume();
      }
      assert.equal((await request('GET', '/api/v1/namespaces')).status, 200);
    });

    test('pods/log with tailLines; a multi-container pod needs ?container', async () => {
      node.logLines.set('demo/web-1/app', 'one\ntwo\nthree\n');
      const r = await request('GET', '/api/v1/namespaces/demo/pods/web-1/log?tailLines=2');
      assert.equal(r.text, 'two\nthree\n');
      const multi = await request('GET', '/api/v1/namespaces/other/pods/db-1/log');
      assert.equal(multi.status, 400);
      assert.equal(multi.json.message, 'a container name must be specified for pod db-1, choose one of: [db backup]');
    });
  });
});
