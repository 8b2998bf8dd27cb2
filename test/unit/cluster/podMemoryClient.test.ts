import { strict as assert } from 'node:assert';
import { ClusterError } from '../../../src/cluster/errors';
import { PodMemoryClient } from '../../../src/cluster/podMemoryClient';
import type { ClusterSession } from '../../../src/cluster/session';

// The memory source choice, with a session whose GETs answer as a cluster would: the Summary API
// per node, metrics.k8s.io per namespace, or the Status a 403/404/503 carries.
type Answer = unknown | ClusterError;

function session(answers: (path: string) => Answer, log: string[]): ClusterSession {
  const getJson = async (path: string) => {
    log.push(path);
    const a = answers(path);
    if (a instanceof ClusterError) throw a;
    return a;
  };
  return { context: 'ctx', namespace: 'team-a', server: 'https://x', getJson, closed: new AbortController().signal, dispose: () => {} } as unknown as ClusterSession;
}

const forbidden = (resource: string) =>
  new ClusterError({ kind: 'forbidden', status: 403, context: 'ctx', action: 'GET', serverMessage: `nodes "n1" is forbidden: User "u" cannot get resource "${resource}" in API group "" at the cluster scope` });
const SUMMARY = { node: { nodeName: 'n1' }, pods: [{ podRef: { name: 'p', namespace: 'ns' }, containers: [{ name: 'c', memory: { time: '2026-12-05T20:00:00Z', workingSetBytes: 1000, usageBytes: 1500 } }] }] };
const METRICS = { kind: 'PodMetricsList', items: [{ metadata: { name: 'p', namespace: 'ns' }, timestamp: '2026-12-05T20:00:00Z', containers: [{ name: 'c', usage: { memory: '2Ki' } }] }] };

suite('PodMemoryClient.memory: which source, and why not', () => {
  test('the Summary API, one request per node and nothing else', async () => {
    const log: string[] = [];
    const client = new PodMemoryClient('ctx', session(() => SUMMARY, log), () => {});
    const r = await client.memory(['n1', 'n2'], ['ns']);
    assert.equal(r.source, 'summary');
    assert.equal(r.containers.get('ns/p/c')?.workingSetBytes, 1000n);
    assert.deepEqual(log, ['/api/v1/nodes/n1/proxy/stats/summary?only_cpu_and_memory=true', '/api/v1/nodes/n2/proxy/stats/summary?only_cpu_and_memory=true']);
  });
  test('nodes/proxy forbidden: metrics.k8s.io per namespace, the reason kept; the Summary API is retried every 5th read only', async () => {
    const log: string[] = [];
    const client = new PodMemoryClient('ctx', session((p) => (p.includes('/proxy/') ? forbidden('nodes/proxy') : METRICS), log), () => {});
    const r = await client.memory(['n1'], ['ns']);
    assert.equal(r.source, 'metrics');
    assert.equal(r.containers.get('ns/p/c')?.workingSetBytes, 2048n);
    assert.match(r.problem ?? '', /^Using metrics\.k8s\.io: get on nodes\/proxy is forbidden \(nodes "n1" is forbidden: User "u" cannot get resource "nodes\/proxy"/);
    log.length = 0;
    for (let i = 0; i < 3; i++) await client.memory(['n1'], ['ns']);
    assert.equal(log.filter((p) => p.includes('/proxy/')).length, 0);
    await client.memory(['n1'], ['ns']);
    assert.equal(log.filter((p) => p.includes('/proxy/')).length, 1, 'retried on the 5th read, so a granted permission is noticed');
  });
  test('neither answers: no source, and which permission and which component are missing', async () => {
    const unavailable = new ClusterError({ kind: 'server', status: 503, context: 'ctx', action: 'GET', serverMessage: 'the server is currently unable to handle the request' });
    const client = new PodMemoryClient('ctx', session((p) => (p.includes('/proxy/') ? forbidden('nodes/proxy') : unavailable), []), () => {});
    const r = await client.memory(['n1'], ['ns']);
    assert.equal(r.source, 'none');
    assert.match(r.problem ?? '', /^No memory figures: get on nodes\/proxy is forbidden .*, and metrics\.k8s\.io is not served: metrics-server is not installed or not available\.$/);
  });
  test('an unreachable cluster is thrown, not shown as "no source"', async () => {
    const down = new ClusterError({ kind: 'unreachable', context: 'ctx', action: 'GET', code: 'ECONNREFUSED' });
    const client = new PodMemoryClient('ctx', session(() => down, []), () => {});
    await assert.rejects(client.memory(['n1'], ['ns']), (e: unknown) => e instanceof ClusterError && e.kind === 'unreachable');
  });
  test('listing namespaces forbidden: the context\'s namespace, and why', async () => {
    const client = new PodMemoryClient('ctx', session(() => forbidden('namespaces'), []), () => {});
    const n = await client.namespaces();
    assert.deepEqual(n.names, ['team-a']);
    assert.equal(n.from, 'context');
  });
});
