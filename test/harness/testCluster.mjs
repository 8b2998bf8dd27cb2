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
  return { kubeconfigPath: sandbox.kubeconfigPath, kind: 'sandbox', sandbox, stop };
}
