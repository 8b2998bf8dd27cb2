// The cluster the integration and end-to-end suites run against. By default the sandbox cluster
// (test/sandbox/cluster.ts), started for the run and stopped after it; with PMC_TEST_KUBECONFIG
// set, that kubeconfig's current context instead (any cluster with Chaos Mesh installed), which
// is then left as it was found. The suites receive the kubeconfig path as PMC_TEST_KUBECONFIG and
// PMC_TEST_CLUSTER=sandbox|external, and must decide pass or fail through the Kubernetes API only.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './codeServer.mjs';

/** Loads test/sandbox/cluster.ts through tsx and starts the sandbox; throws with the reason when it cannot. */
export async function startSandboxCluster({ kubeconfigPath, log = () => {}, ...options }) {
  const clusterModule = path.join(repoRoot, 'test', 'sandbox', 'cluster.ts');
  if (!fs.existsSync(clusterModule)) throw new Error('this checkout has no sandbox cluster (test/sandbox/cluster.ts)');
  const { require: tsxRequire } = await import('tsx/cjs/api');
  const { startSandbox } = tsxRequire(clusterModule, import.meta.url);
  return startSandbox({ kubeconfigPath, log, ...options });
}

/**
 * Starts (or adopts) the test cluster. Returns { kubeconfigPath, kind, stop }; `onCleanup` gets
 * the stop so an interrupted run still removes the sandbox's processes and cgroups.
 */
export async function startTestCluster(onCleanup, label) {
  const external = process.env.PMC_TEST_KUBECONFIG;
  if (external) {
    if (!fs.existsSync(external)) throw new Error(`PMC_TEST_KUBECONFIG=${external} does not exist`);
    console.log(`[${label}] using the cluster of ${external} (PMC_TEST_KUBECONFIG)`);
    return { kubeconfigPath: external, kind: 'external', stop: async () => {} };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pmc-${label}-cluster-`));
  const logFile = path.join(repoRoot, 'artifacts', 'logs', `${label}-sandbox.log`);
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const logStream = fs.createWriteStream(logFile);
  const sandbox = await startSandboxCluster({ kubeconfigPath: path.join(dir, 'kubeconfig'), log: (line) => logStream.write(`${line}\n`) });
  const stop = async () => {
    await sandbox.stop();
    await new Promise((r) => logStream.end(r));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  onCleanup(stop);
  console.log(`[${label}] sandbox cluster ${sandbox.url} (log ${path.relative(repoRoot, logFile)})`);
  const faults = await startFaultControl(sandbox, dir);
  onCleanup(faults.stop);
  return { kubeconfigPath: sandbox.kubeconfigPath, kind: 'sandbox', sandbox, stop, env: faults.env };
}

/**
 * Sandbox-only fault switches for the suites (never known to product code): a loopback HTTP
 * endpoint announced to the extension host as PMC_SANDBOX_CONTROL (POST /api-server/stop|start,
 * /metrics/off|on, /credentials/reject|accept, /api-server/slow|fast (10 s per answer),
 * /watches/expire, /exec/drop, /summary/garbage|wrong-types|ok, /chaos-mesh/uninstall|install), and a kubeconfig whose user may not get nodes/proxy
 * (PMC_SANDBOX_NO_NODE_PROXY_KUBECONFIG).
 */
async function startFaultControl(sandbox, dir) {
  const { require: tsxRequire } = await import('tsx/cjs/api');
  const { writeKubeconfig } = tsxRequire(path.join(repoRoot, 'test', 'sandbox', 'api', 'kubeconfig.ts'), import.meta.url);
  const noNodeProxy = path.join(dir, 'no-node-proxy.kubeconfig');
  writeKubeconfig(noNodeProxy, { url: sandbox.url, pki: sandbox.pki, token: sandbox.pki.noNodeProxyToken, user: sandbox.pki.noNodeProxyUser });
  const http = await import('node:http');
  const actions = {
    '/api-server/stop': () => sandbox.server.pause(),
    '/api-server/start': () => sandbox.server.resume(),
    '/metrics/off': async () => { sandbox.server.faults.metricsUnavailable = true; },
    '/metrics/on': async () => { sandbox.server.faults.metricsUnavailable = false; },
    '/credentials/reject': async () => { sandbox.server.faults.rejectCredentials = true; },
    '/credentials/accept': async () => { sandbox.server.faults.rejectCredentials = false; },
    '/api-server/slow': async () => { sandbox.server.faults.delayMs = 10_000; },
    '/api-server/fast': async () => { sandbox.server.faults.delayMs = 0; },
    '/watches/expire': async () => sandbox.server.expireWatches(),
    '/exec/drop': async () => sandbox.server.dropExecStreams(),
    '/summary/garbage': async () => { sandbox.server.faults.corruptSummary = { garbage: true }; },
    '/summary/wrong-types': async () => { sandbox.server.faults.corruptSummary = { wrongTypesFor: 'catalog-besteffort' }; },
    '/summary/ok': async () => { sandbox.server.faults.corruptSummary = undefined; },
    '/chaos-mesh/uninstall': async () => { sandbox.server.faults.chaosMeshAbsent = true; },
    '/chaos-mesh/install': async () => { sandbox.server.faults.chaosMeshAbsent = false; },
  };
  const server = http.createServer((req, res) => {
    const action = req.method === 'POST' ? actions[req.url ?? ''] : undefined;
    if (!action) {
      res.writeHead(404).end();
      return;
    }
    action().then(() => res.writeHead(204).end(), (e) => res.writeHead(500).end(String(e)));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    env: { PMC_SANDBOX_CONTROL: url, PMC_SANDBOX_NO_NODE_PROXY_KUBECONFIG: noNodeProxy },
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}
