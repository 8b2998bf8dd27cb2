// Benchmarks of the sandbox cluster at the size the tree must handle: 2,000 real pods (each a
// real process in its own memory cgroup) across 4 nodes, read through the same paths the
// extension uses (client-node list, watch) and through real kubectl.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSandbox, type Sandbox } from '../test/sandbox/cluster';
import { Figure, percentile, round, timeRuns, writeResults } from './util';

const PODS = Number(process.env.PMC_BENCH_PODS ?? 2000);
const NODES = 4;
// Asynchronous on purpose: the API server runs in this very process, so a synchronous child
// would block the event loop that has to answer it.
const run = promisify(execFile);

function runningPods(sandbox: Sandbox): number {
  return sandbox.store.list('pods').items.filter((p) => (p as { status?: { phase?: string } }).status?.phase === 'Running').length;
}

function newestKubectl(): string | undefined {
  const sdk = '/usr/lib/google-cloud-sdk/bin';
  const versions = fs.existsSync(sdk) ? fs.readdirSync(sdk).filter((f) => /^kubectl\.1\.\d+$/.test(f)).sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2])) : [];
  if (versions.length) return path.join(sdk, versions[versions.length - 1]);
  const local = path.resolve(__dirname, '../.vscode-test/bin/kubectl');
  return fs.existsSync(local) ? local : undefined;
}

async function main(): Promise<void> {
  const figures: Figure[] = [];
  const kubeconfigPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-bench-')), 'kubeconfig');
  const t0 = Date.now();
  const sandbox = await startSandbox({ pods: PODS, nodes: NODES, kubeconfigPath });
  try {
    figures.push({ name: `sandbox start with ${PODS} pods (API serving)`, value: round((Date.now() - t0) / 1000), unit: 's' });
    const deadline = Date.now() + 10 * 60_000;
    while (runningPods(sandbox) < PODS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    const running = runningPods(sandbox);
    figures.push({ name: `time until ${PODS} pods are Running`, value: round((Date.now() - t0) / 1000), unit: 's', note: `${running} Running (real processes in real cgroups)` });

    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const list = await timeRuns(10, () => core.listPodForAllNamespaces(), 2);
    figures.push({ name: `client-node listPodForAllNamespaces (${PODS} pods) p50`, value: round(percentile(list, 50)), unit: 'ms' });

    const kubectl = newestKubectl();
    if (kubectl) {
      const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-bench-kubectl-'));
      const env = { ...process.env, KUBECONFIG: kubeconfigPath, KUBECACHEDIR: cache };
      const get = await timeRuns(5, () => run(kubectl, ['get', 'pods', '-A', '--no-headers'], { env, maxBuffer: 64 << 20 }), 1);
      figures.push({ name: `kubectl get pods -A (${PODS} pods, server-side Table) p50`, value: round(percentile(get, 50)), unit: 'ms', note: path.basename(kubectl) });
      const pod = sandbox.store.list('pods').items[0];
      const exec = await timeRuns(10, () => run(kubectl, ['exec', '-n', pod.metadata.namespace!, pod.metadata.name!, '--', 'sh', '-c', 'cat /sys/fs/cgroup/memory/memory.usage_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.current'], { env }), 1).catch(() => [NaN]);
      figures.push({ name: 'kubectl exec cat of a cgroup file p50', value: round(percentile(exec, 50)), unit: 'ms', note: 'WebSocket v5, whole kubectl process' });
    }

    const summary = await timeRuns(5, () => sandbox.kubelet.summary('sandbox-node-1'), 1).catch(() => [NaN]);
    figures.push({ name: `kubelet Summary API for one node (${PODS / NODES} pods) p50`, value: round(percentile(summary, 50)), unit: 'ms', note: 'reads every pod cgroup' });
    figures.push({ name: 'sandbox process RSS', value: round(process.memoryUsage().rss / 2 ** 20), unit: 'MiB' });
  } finally {
    const s = Date.now();
    await sandbox.stop();
    figures.push({ name: `stop (${PODS} pods: kill + remove cgroups)`, value: round((Date.now() - s) / 1000), unit: 's' });
  }
  writeResults('sandbox', figures);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
