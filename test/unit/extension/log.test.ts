// The log's levels for cluster failures: what the extension retries is a warning, what stops a
// feature until someone acts is an error; each line names context, action, kind, status or code,
// and the retry. Expected lines are literal.
import { strict as assert } from 'node:assert';
import { ClusterError } from '../../../src/cluster/errors';
import { clusterErrorLine, logClusterError, type Log } from '../../../src/extension/log';

function recorder(): { log: Log; lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return { log: { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } as Log, lines };
}

suite('log levels for cluster failures (src/extension/log.ts)', () => {
  test('an unreachable API server, retried with back-off: a warning naming the code and the retry', () => {
    const { log, lines } = recorder();
    logClusterError(log, new ClusterError({ kind: 'unreachable', context: 'sandbox', action: 'watching pods in shop', code: 'ECONNREFUSED' }), 4000);
    assert.deepEqual(lines, ['warn Context "sandbox": watching pods in shop failed: the API server cannot be reached (ECONNREFUSED). Is the cluster running and the network up? Retrying later may help. [kind=unreachable code=ECONNREFUSED; retrying in 4 s]']);
  });

  test('expired credentials (401): an error with the status', () => {
    const { log, lines } = recorder();
    logClusterError(log, new ClusterError({ kind: 'unauthorized', context: 'prod-eu', action: 'listing namespaces', status: 401 }));
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^error Context "prod-eu": listing namespaces failed: the credentials were refused \(401 Unauthorized\).* \[kind=unauthorized status=401\]$/);
  });

  test('403 on pods/exec: an error', () => {
    const { log, lines } = recorder();
    logClusterError(log, new ClusterError({ kind: 'forbidden', context: 'sandbox', action: 'exec into shop/catalog', status: 403, serverMessage: 'pods "catalog" is forbidden: User "dev" cannot create resource "pods/exec" in API group "" in the namespace "shop"' }));
    assert.deepEqual(lines, ['error Context "sandbox": exec into shop/catalog was refused (403 Forbidden): user "dev" lacks the permission "create" on "pods/exec" in namespace "shop". Ask a cluster admin for a Role that allows it. [kind=forbidden status=403]']);
  });

  test('a watch ended with 410 Gone, a 5xx and a timeout are warnings (they are retried)', () => {
    const { log, lines } = recorder();
    for (const [kind, status] of [['gone', 410], ['server', 503], ['timeout', undefined]] as const) logClusterError(log, new ClusterError({ kind, context: 'c', action: 'a', status }));
    assert.deepEqual(lines.map((l) => l.split(' ')[0]), ['warn', 'warn', 'warn']);
    assert.equal(clusterErrorLine(new ClusterError({ kind: 'gone', context: 'c', action: 'watching pods', status: 410 })), 'Context "c": watching pods: the server\'s history is too old (410 Gone); reading everything again. [kind=gone status=410]');
  });
});
