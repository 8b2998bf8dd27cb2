#!/usr/bin/env node
// `npm start`: the extension in a browser VS Code on this machine.
//   1. prerequisites (npm ci, Debian packages when root, code-server 4.100.3; scripts/ensure-prereqs.mjs);
//   2. a development build of the extension;
//   3. the sandbox cluster (test/sandbox/cluster.ts) with its kubeconfig handed to the extension
//      through $KUBECONFIG, so the Pods view shows a real cluster; --no-sandbox skips it and the
//      extension then reads your own kubeconfig (setting, $KUBECONFIG, ~/.kube/config);
//   4. code-server on 127.0.0.1 with the extension loaded from this folder as the extension under
//      development (rebuild with `npm run watch`, then "Developer: Reload Window");
// then prints the URL and stays up until Ctrl-C, which stops code-server and the sandbox.
// Options: --port N (default: a free port), --no-sandbox.
// $PMC_START_DIR moves this run's state (code-server profile, sandbox kubeconfig, code-server log)
// from its defaults in the checkout into one folder: the e2e test of this script (test/e2e/start.test.ts)
// uses it so that it never rewrites the kubeconfig or profile of an `npm start` the developer has open.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePrereqs } from './ensure-prereqs.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : undefined;
if (portArg >= 0 && !(Number.isInteger(port) && port > 0 && port < 65536)) {
  console.error('--port needs a TCP port number');
  process.exit(2);
}
const wantSandbox = !args.includes('--no-sandbox');
const stateDir = process.env.PMC_START_DIR ? path.resolve(process.env.PMC_START_DIR) : undefined;
/** One profile kept between runs (settings, layout), in the git-ignored .vscode-test folder. */
const profileDir = stateDir ? path.join(stateDir, 'profile') : path.join(root, '.vscode-test', 'start');
const sandboxKubeconfig = stateDir ? path.join(stateDir, 'kubeconfig') : path.join(root, '.sandbox', 'start-kubeconfig');
const logFile = stateDir ? path.join(stateDir, 'code-server.log') : path.join(root, 'artifacts', 'logs', 'start-code-server.log');

/** A StressChaos to look at in the opened folder; it targets the sandbox's hello-kubernetes pod. */
const SAMPLE = `# A memory stress for the sandbox's hello-kubernetes pod (request 200Mi, limit 500Mi).
# size is the total across all workers, in Chaos Mesh units: 256MB, 256MiB or 50% - not 256Mi.
apiVersion: chaos-mesh.org/v1alpha1
kind: StressChaos
metadata:
  name: hello-memory-stress
  namespace: hello-kubernetes
spec:
  mode: one
  selector:
    namespaces:
      - hello-kubernetes
    labelSelectors:
      app.kubernetes.io/name: hello-kubernetes
  stressors:
    memory:
      workers: 1
      size: 256MiB
  duration: 60s
`;

/**
 * Starts the sandbox cluster when this checkout has one; returns its kubeconfig path and a stop
 * function, or undefined (with the reason printed) so the window still opens without a cluster.
 */
async function startSandboxCluster() {
  const clusterModule = path.join(root, 'test', 'sandbox', 'cluster.ts');
  if (!fs.existsSync(clusterModule)) {
    console.log('[start] no sandbox cluster in this checkout (test/sandbox/cluster.ts); the extension reads your own kubeconfig');
    return undefined;
  }
  console.log('[start] starting the sandbox cluster…');
  try {
    const { startSandboxCluster: start } = await import('../test/harness/testCluster.mjs');
    const sandbox = await start({ kubeconfigPath: sandboxKubeconfig, log: (line) => process.stderr.write(`[sandbox] ${line}\n`) });
    console.log(`[start] sandbox ready: ${sandbox.url} (kubeconfig ${path.relative(root, sandbox.kubeconfigPath)})`);
    return sandbox;
  } catch (e) {
    console.error(`[start] the sandbox cluster did not start: ${e?.message ?? e}\n[start] continuing without it; the Pods view will say what it found instead`);
    return undefined;
  }
}

async function main() {
  await ensurePrereqs();
  const build = spawnSync(process.execPath, ['esbuild.js'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the extension build failed');

  const h = await import('../test/harness/codeServer.mjs');
  await h.withCleanup(async (onCleanup) => {
    const env = {};
    if (wantSandbox) {
      const sandbox = await startSandboxCluster();
      if (sandbox) {
        onCleanup(() => sandbox.stop());
        env.KUBECONFIG = sandbox.kubeconfigPath;
      }
    }
    const profile = h.makeProfile(profileDir);
    const sample = path.join(profile.workspaceDir, 'hello-memory-stress.yaml');
    if (!fs.existsSync(sample)) fs.writeFileSync(sample, SAMPLE);
    const server = await h.startCodeServer({ profile, port, env, logFile });
    onCleanup(() => server.stop());
    const url = h.workbenchUrl(server, { folder: profile.workspaceDir, payload: { extensionDevelopmentPath: root } });
    console.log(`\nPod Memory Chaos is running in VS Code ${h.VSCODE_VERSION} (code-server ${h.CODE_SERVER_VERSION}):\n\n  ${url}\n`);
    console.log(`Logs: ${path.relative(root, logFile)}. Press Ctrl-C to stop.`);
    let stopping = false;
    onCleanup(() => { stopping = true; }); // runs first (cleanups run in reverse), before the server is stopped
    await new Promise((resolve) => server.process.once('exit', resolve));
    if (!stopping) console.error(`[start] code-server exited on its own; see ${path.relative(root, logFile)}`);
  });
}

main().catch((e) => {
  console.error(`[start] ${e?.message ?? e}`);
  process.exit(1);
});
