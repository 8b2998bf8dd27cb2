// Runs inside the VS Code extension host as the workbench payload's `extensionTestsPath`
// (driven by bench/activation.bench.ts). Measures, in this fresh host:
//  - activation: loading dist/extension.js (require) then `getExtension(id).activate()`, wall
//    time of both (the host's own activation times are not exposed to extensions);
//  - opening plain YAML files (Kubernetes manifests, not StressChaos): extension-host CPU time
//    from openTextDocument + showTextDocument until 500 ms later, per file, each opened once the
//    host is quiet (unrelated start-up work would otherwise count). In the baseline run
//    the development extension is an empty stub, so the same figure is VS Code alone.
// Writes $PMC_BENCH_HOST_RESULTS/<pid>.json.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'pod-memory-chaos.pod-memory-chaos';

export interface HostResults {
  vscodeVersion: string;
  /** undefined in the stub run; null when something activated it before the measurement. */
  activationMs?: number | null;
  /** The part of activationMs spent loading dist/extension.js (require), before activate() ran. */
  bundleLoadMs?: number;
  /** Extension-host CPU ms per plain YAML file opened. */
  plainYamlOpenCpuMs: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits (at most 10 s) until this host spent under 5 ms of CPU in 250 ms: start-up work is done. */
async function quiet(): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const cpu = process.cpuUsage();
    await sleep(250);
    const used = process.cpuUsage(cpu);
    if ((used.user + used.system) / 1000 < 5) return;
  }
}

/** A Kubernetes manifest of about `lines` lines: Deployments and Services, nothing of Chaos Mesh. */
function plainYaml(seed: number, lines: number): string {
  const docs: string[] = [];
  let count = 0;
  for (let i = 0; count < lines; i++) {
    const doc = [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', `  name: web-${seed}-${i}`, '  labels:', `    app: web-${i}`,
      'spec:', '  replicas: 3', '  selector:', '    matchLabels:', `      app: web-${i}`, '  template:', '    metadata:', '      labels:',
      `        app: web-${i}`, '    spec:', '      containers:', '        - name: app', '          image: nginx:1.27',
      '          resources:', '            requests:', '              memory: 128Mi', '            limits:', '              memory: 256Mi',
    ];
    docs.push(doc.join('\n'));
    count += doc.length + 1;
  }
  return docs.join('\n---\n') + '\n';
}

export async function run(): Promise<void> {
  const results: HostResults = { vscodeVersion: vscode.version, plainYamlOpenCpuMs: [] };
  await quiet(); // let the workbench's own start-up settle first
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (ext) {
    if (ext.isActive) {
      results.activationMs = null;
    } else {
      // Loading the bundle first (Node's module cache is the host's) splits the total in two.
      const t = performance.now();
      createRequire(__filename)(path.join(ext.extensionPath, ext.packageJSON.main as string));
      results.bundleLoadMs = performance.now() - t;
      await ext.activate();
      results.activationMs = performance.now() - t;
    }
    await sleep(1000); // the first kubeconfig read after activation is not the YAML's cost
  }

  const dir = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!dir) throw new Error('the bench workbench has no folder open');
  const files = Number(process.env.PMC_BENCH_YAML_FILES ?? 5);
  for (let i = 0; i < files; i++) {
    const file = path.join(dir, `manifest-${i}.yaml`);
    fs.writeFileSync(file, plainYaml(i, 2000));
    await quiet();
    const cpu = process.cpuUsage();
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    await sleep(500);
    const used = process.cpuUsage(cpu);
    results.plainYamlOpenCpuMs.push((used.user + used.system) / 1000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  }

  const out = process.env.PMC_BENCH_HOST_RESULTS;
  if (!out) throw new Error('PMC_BENCH_HOST_RESULTS is not set');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, `${process.pid}.json`), JSON.stringify(results));
}
