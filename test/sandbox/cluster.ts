// startSandbox: the whole sandbox cluster in one call — the Store, the Kubelet (real processes in
// real memory cgroups), the small Chaos Mesh, the scenario's objects, the HTTPS API server and a
// kubeconfig pointing at it. stop() takes everything down in reverse order.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeKubeconfig } from './api/kubeconfig';
import { ApiServer } from './api/server';
import { generatePki, type SandboxPki } from './api/tls';
import { ChaosMeshController } from './chaos/controller';
import { Kubelet } from './kubelet';
import { DEFAULT_SCENARIO, generatedScenario, loadScenario, type Scenario } from './scenario';
import { Store } from './store';

export interface Sandbox {
  url: string;
  kubeconfigPath: string;
  store: Store;
  kubelet: Kubelet;
  chaos: ChaosMeshController;
  /** The run's CA, certificates and tokens (the viewer token gets 403 on every write). */
  pki: SandboxPki;
  /** The API server, for tests that take it away (pause/resume) or switch on faults. */
  server: ApiServer;
  stop(): Promise<void>;
}

export interface SandboxOptions {
  /** Where to write the kubeconfig; default `<repo>/.sandbox/kubeconfig` (git-ignored). */
  kubeconfigPath?: string;
  /** A scenario file (see scenario.ts); default scenarios/default.yaml. Ignored with `pods`. */
  scenario?: string;
  /** Generate this many `sandbox/pause` pods instead of a scenario (benchmarks). */
  pods?: number;
  /** Nodes for `pods`; default ceil(pods/500). */
  nodes?: number;
  /** Unique per run: names the cgroup root. Default: pid + random. */
  instanceName?: string;
  /** API server port on 127.0.0.1; default a free one. */
  port?: number;
  log?: (line: string) => void;
}

export const DEFAULT_KUBECONFIG = path.resolve(__dirname, '..', '..', '.sandbox', 'kubeconfig');

export function scenarioFor(options: Pick<SandboxOptions, 'scenario' | 'pods' | 'nodes'>): Scenario {
  if (options.pods !== undefined) return generatedScenario(options.pods, options.nodes);
  return loadScenario(options.scenario ?? DEFAULT_SCENARIO);
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const log = options.log ?? (() => {});
  const scenario = scenarioFor(options);
  const instanceName = options.instanceName ?? `${process.pid}-${randomBytes(3).toString('hex')}`;
  const kubeconfigPath = path.resolve(options.kubeconfigPath ?? DEFAULT_KUBECONFIG);
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `pmc-sandbox-${instanceName}-`));
  const stops: Array<() => Promise<void>> = [async () => fs.rmSync(stateDir, { recursive: true, force: true })];
  const stopAll = async () => {
    const errors: unknown[] = [];
    while (stops.length) {
      try {
        await stops.pop()!();
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length) throw errors[0];
  };
  try {
    const pki = generatePki(path.join(stateDir, 'pki'));
    const store = new Store();
    for (const ns of scenario.namespaces) store.create('namespaces', ns);
    for (const pod of scenario.pods) store.create('pods', pod);

    const kubelet = new Kubelet(store, { nodeNames: scenario.nodes.map((n) => n.name), instanceName, log });
    stops.push(() => kubelet.stop());
    await kubelet.start();
    for (const n of scenario.nodes) {
      if (!Object.keys(n.labels).length) continue;
      store.mutate('nodes', undefined, n.name, (o) => {
        o.metadata.labels = { ...(o.metadata.labels ?? {}), ...n.labels };
      });
    }

    const chaos = new ChaosMeshController(store, kubelet, { log });
    stops.push(() => chaos.stop());
    await chaos.start();

    const server = new ApiServer({ store, node: kubelet, admitStressChaos: (op, obj, old) => chaos.admit(op, obj, old), pki, port: options.port, log });
    stops.push(() => server.stop());
    const url = await server.start();
    writeKubeconfig(kubeconfigPath, { url, pki });
    log(`sandbox: API server ${url}, kubeconfig ${kubeconfigPath}, ${scenario.pods.length} pods on ${scenario.nodes.length} node(s)`);

    let stopping: Promise<void> | undefined;
    return {
      url, kubeconfigPath, store, kubelet, chaos, pki, server,
      stop: () => (stopping ??= stopAll()),
    };
  } catch (e) {
    await stopAll().catch((err: unknown) => log(`sandbox: cleanup after a failed start also failed: ${err instanceof Error ? err.message : String(err)}`));
    throw e;
  }
}
