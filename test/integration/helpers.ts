// Shared by the integration suites (bundled into each). Runs inside the extension host.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { PodMemoryChaosApi } from '../../src/extension/api';
import { findKubectls } from '../sandbox/api/kubectlBinaries';

export const EXTENSION_ID = 'pod-memory-chaos.pod-memory-chaos';

export async function activeApi(): Promise<PodMemoryChaosApi> {
  const ext = vscode.extensions.getExtension<PodMemoryChaosApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded (engines.vscode above ${vscode.version}?)`);
  return ext.activate();
}

/** The manifest as VS Code loaded it; contributions are deliberately untyped JSON, checked by the tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
export function manifest(): { contributes: Json; activationEvents: string[]; capabilities: Json; engines: Record<string, string> } {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext);
  return ext.packageJSON;
}

/** A kubeconfig file in a fresh temp folder; each context gets its own cluster and user. */
export function writeKubeconfig(contexts: { name: string; server: string; namespace?: string }[], current?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-it-kubeconfig-'));
  const file = path.join(dir, 'config');
  fs.writeFileSync(file, kubeconfigText(contexts, current));
  return file;
}

export function kubeconfigText(contexts: { name: string; server: string; namespace?: string }[], current = contexts[0]?.name): string {
  const lines = ['apiVersion: v1', 'kind: Config', `current-context: ${current ?? '""'}`, 'clusters:'];
  for (const c of contexts) lines.push(`- name: ${c.name}`, '  cluster:', `    server: ${c.server}`);
  lines.push('users:');
  for (const c of contexts) lines.push(`- name: ${c.name}-admin`, '  user:', '    token: integration-test-token');
  lines.push('contexts:');
  for (const c of contexts) {
    lines.push(`- name: ${c.name}`, '  context:', `    cluster: ${c.name}`, `    user: ${c.name}-admin`);
    if (c.namespace) lines.push(`    namespace: ${c.namespace}`);
  }
  return lines.join('\n') + '\n';
}

export async function setKubeconfigSetting(file: string | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('podMemoryChaos').update('kubeconfig', file, vscode.ConfigurationTarget.Global);
}

/** Waits until `probe` returns a value accepted by `done` (events arrive asynchronously); returns the last value. */
export async function eventually<T>(probe: () => Promise<T> | T, done: (value: T) => boolean, limitMs = 10_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  let value = await probe();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    value = await probe();
  }
  return value;
}

let opened = 0;
/** A new untitled YAML document with its own URI (VS Code reuses Untitled-N names), shown in an editor. */
export async function openYaml(content: string): Promise<vscode.TextDocument> {
  await activeApi();
  const uri = vscode.Uri.parse(`untitled:/stresschaos-${process.pid}-${++opened}.yaml`);
  const document = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(uri), 'yaml');
  const editor = await vscode.window.showTextDocument(document);
  await editor.edit((b) => b.insert(new vscode.Position(0, 0), content));
  return document;
}

/** The test cluster's kubeconfig file, from the harness (the sandbox's, or PMC_TEST_KUBECONFIG's). */
export function testKubeconfig(): string {
  const file = process.env.PMC_TEST_KUBECONFIG;
  assert.ok(file, 'PMC_TEST_KUBECONFIG is set by the integration harness (test/harness/runIntegration.mjs)');
  return file;
}

/** The test cluster's context: its kubeconfig's current context (`sandbox` for the sandbox, `kind-pmc` on kind). */
export function testContext(): string {
  const context = /^current-context:\s*"?([^"\n]+?)"?\s*$/m.exec(fs.readFileSync(testKubeconfig(), 'utf8'))?.[1];
  assert.ok(context, `${testKubeconfig()} names no current context`);
  return context;
}

/**
 * A real kubectl against the test cluster, run asynchronously (the newest one on this machine
 * that speaks exec over WebSocket). Its answers are the expected values of tests that must not
 * check the extension against its own code.
 */
export async function kubectl(args: readonly string[]): Promise<string> {
  const newest = findKubectls().filter((k) => !k.dispatcher && k.exec === 'websocket').sort((a, b) => b.minor - a.minor)[0];
  assert.ok(newest, 'no kubectl 1.30+ found on this machine (scripts/install-kubectl.mjs installs one)');
  const { stdout } = await promisify(execFile)(newest.path, args, {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, KUBECONFIG: testKubeconfig(), KUBECACHEDIR: path.join(os.tmpdir(), `pmc-it-kubectl-cache-${process.pid}`) },
  });
  return stdout;
}
