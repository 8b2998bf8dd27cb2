// Benchmarks of the sandbox cluster at the size the tree must handle: 2,000 real pods (50 with
// --quick), each a real process in its own memory cgroup, across 4 nodes (2), read through the same
// paths the extension uses (client-node list, the kubelet's Summary API) and through real kubectl
// as a user would. Start-up is wall time from startSandbox() to every pod Running; memory per pod
// is what the pods cost this machine: the growth of this process's RSS (the sandbox's API server,
// store and kubelet run in it) plus the working set charged to the sandbox's cgroup root (the pod
// processes), divided by the number of Running pods.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSandbox, type Sandbox } from '../test/sandbox/cluster';
import { readCgroupFigures } from '../test/sandbox/runtime/stats';
import { benchSuite, median, round, sized, timeRuns } from './util';

const PODS = Number(process.env.PMC_BENCH_PODS ?? sized(2000, 50));
const NODES = sized(4, 2);
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

benchSuite('sandbox', async (record) => {
  const kubeconfigPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-bench-')), 'kubeconfig');
  const k8s = await import('@kubernetes/client-node'); // loaded before the RSS baseline
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const t0 = Date.now();
  const sandbox = await startSandbox({ pods: PODS, nodes: NODES, kubeconfigPath });
  try {
    record({ id: 'sandbox-api-ready-ms', what: `sandbox start with ${PODS} pods until the API serves`, value: Date.now() - t0, unit: 'ms', better: 'lower', note: 'one start; pods still starting' });
    const deadline = Date.now() + 10 * 60_000;
    while (runningPods(sandbox) < PODS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const running = runningPods(sandbox);
    record({
      id: 'sandbox-start-ms',
      what: `sandbox start until all ${PODS} pods are Running (${NODES} nodes)`,
      value: running === PODS ? Date.now() - t0 : null,
      unit: 'ms',
      better: 'lower',
      note: running === PODS ? 'one start; every pod a real process in a real memory cgroup' : `only ${running} of ${PODS} Running after 10 min`,
    });

    const rssGrowth = process.memoryUsage().rss - rssBefore;
    const root = sandbox.kubelet.cgroupRoot;
    const charged = root ? (await readCgroupFigures(root, sandbox.kubelet.cgroupVersion))?.workingSetBytes : undefined;
    record({
      id: 'sandbox-bytes-per-pod',
      what: `machine memory per running sandbox pod (${PODS} pods)`,
      value: charged === undefined || running === 0 ? null : round((rssGrowth + charged) / running),
      unit: 'bytes',
      better: 'lower',
      note: charged === undefined
        ? 'the sandbox cgroup root could not be read'
        : `(RSS growth of the sandbox process ${(rssGrowth / 2 ** 20).toFixed(0)} MiB + working set of the pods' cgroups ${(charged / 2 ** 20).toFixed(0)} MiB) / ${running} Running pods`,
    });

    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const listRuns = sized(10, 3);
    const list = await timeRuns(listRuns, () => core.listPodForAllNamespaces(), sized(2, 1));
    const kubectl = newestKubectl();
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-bench-kubectl-'));
    const env = { ...process.env, KUBECONFIG: kubeconfigPath, KUBECACHEDIR: cache };
    const getRuns = sized(5, 2);
    const get = kubectl ? await timeRuns(getRuns, () => run(kubectl, ['get', 'pods', '-A', '--no-headers'], { env, maxBuffer: 64 << 20 }), 1) : [];
    record({
      id: 'sandbox-list-pods-ms',
      what: `list all ${PODS} pods with client-node (listPodForAllNamespaces)`,
      value: round(median(list)),
      unit: 'ms',
      better: 'lower',
      baseline: { name: kubectl ? `kubectl get pods -A (${path.basename(kubectl)})` : 'kubectl get pods -A (no kubectl found)', value: round(median(get)) },
      note: `median of ${listRuns} (kubectl: ${getRuns}, whole process, server-side Table)`,
    });

    if (kubectl) {
      const pod = sandbox.store.list('pods').items[0];
      const execRuns = sized(10, 3);
      const exec = await timeRuns(execRuns, () => run(kubectl, ['exec', '-n', pod.metadata.namespace!, pod.metadata.name!, '--', 'sh', '-c', 'cat /sys/fs/cgroup/memory/memory.usage_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.current'], { env }), 1);
      record({ id: 'kubectl-exec-cat-ms', what: 'kubectl exec cat of one cgroup file (one sample the exec-per-sample way)', value: round(median(exec)), unit: 'ms', better: 'lower', note: `median of ${execRuns}, whole kubectl process, WebSocket v5` });
    }

    const summaryRuns = sized(5, 2);
    const node = sandbox.store.list('nodes').items[0].metadata.name!;
    const summary = await timeRuns(summaryRuns, () => sandbox.kubelet.summary(node), 1);
    record({ id: 'sandbox-summary-node-ms', what: `kubelet Summary API for one node (${Math.ceil(PODS / NODES)} pods)`, value: round(median(summary)), unit: 'ms', better: 'lower', note: `median of ${summaryRuns}; reads every pod's cgroup` });
  } finally {
    const s = Date.now();
    await sandbox.stop();
    record({ id: 'sandbox-stop-ms', what: `sandbox stop with ${PODS} pods (kill + remove cgroups)`, value: Date.now() - s, unit: 'ms', better: 'lower', note: 'one stop' });
  }
});
