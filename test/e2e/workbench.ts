// The end-to-end fixture (mocha global setup/teardown, loaded through .mocharc.json `require`):
// one code-server with the extension installed from the packaged VSIX, one Chromium page on the
// workbench, shared by every e2e suite in order. Nothing is stubbed: the suites click, type and
// read what a person would see. HOME is a fresh folder and $KUBECONFIG is unset, so the
// extension starts with no kubeconfig, as on a machine that never talked to a cluster. The test
// cluster (the sandbox, or PMC_TEST_KUBECONFIG's: test/harness/testCluster.mjs) is started once
// for all suites; a suite that needs it points the extension at `cluster.kubeconfigPath`.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import * as h from '../harness/codeServer.mjs';
import type { Profile } from '../harness/codeServer.mjs';
import { startTestCluster } from '../harness/testCluster.mjs';
import { findKubectls } from '../sandbox/api/kubectlBinaries';
import { didNotRun, writeResults } from '../harness/results.cjs';

const execFileAsync = promisify(execFile);

export interface Workbench {
  readonly page: Page;
  readonly profile: Profile;
  /** A folder only this run uses (kubeconfigs the suites hand to the extension live here). */
  readonly scratch: string;
  readonly repoRoot: string;
  /** The cluster under test: its kubeconfig (current context `sandbox` for the sandbox) and kind. */
  readonly cluster: { readonly kubeconfigPath: string; readonly kind: 'sandbox' | 'external' };
  screenshot(name: string): Promise<string>;
}

let current: Workbench | undefined;
const stops: (() => Promise<void> | void)[] = [];

export function workbench(): Workbench {
  assert.ok(current, 'the e2e workbench is not running (mochaGlobalSetup failed?)');
  return current;
}

export async function mochaGlobalSetup(): Promise<void> {
  try {
    await startWorkbench();
  } catch (e) {
    // After a failed global setup mocha runs neither the suites nor the teardown, and the
    // code-server and browser already started would keep it waiting forever: stop them, and
    // count every e2e test file as not run, saying why.
    writeResults(didNotRun('test/e2e', `the e2e workbench did not start: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`));
    await mochaGlobalTeardown();
    throw e;
  }
}

async function startWorkbench(): Promise<void> {
  const vsix = process.env.PMC_E2E_VSIX;
  assert.ok(vsix && fs.existsSync(vsix), 'PMC_E2E_VSIX must name the packaged extension (run through test/harness/runE2e.mjs)');
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-e2e-'));
  stops.push(() => fs.rmSync(base, { recursive: true, force: true }));
  const profile = h.makeProfile(base, { 'workbench.colorTheme': 'Default Light Modern', 'window.commandCenter': false });
  const home = path.join(base, 'home');
  const scratch = path.join(base, 'scratch');
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(scratch, { recursive: true });
  const installed = h.installExtension(profile, vsix);
  process.stdout.write(`  [e2e] ${installed.split('\n').pop()}\n`);

  const cluster = await startTestCluster((stop: () => Promise<void>) => stops.push(stop), 'e2e');
  const env = { HOME: home, KUBECONFIG: undefined };
  const server = await h.startCodeServer({ profile, logFile: path.join(h.repoRoot, 'artifacts', 'logs', 'e2e-code-server.log'), env });
  stops.push(() => server.stop());
  const browser = await h.launchChromium();
  stops.push(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(15_000); // generous for a shared 2-core machine, short enough to fail fast
  await page.goto(h.workbenchUrl(server, { folder: profile.workspaceDir }), { timeout: 120_000 }); // a loaded 2-core machine can take long
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  const shots = path.join(h.repoRoot, 'artifacts', 'screenshots');
  fs.mkdirSync(shots, { recursive: true });
  for (const f of fs.readdirSync(shots)) if (f.startsWith('failed-')) fs.rmSync(path.join(shots, f)); // earlier runs' failures
  current = {
    page,
    profile,
    scratch,
    repoRoot: h.repoRoot,
    cluster: { kubeconfigPath: cluster.kubeconfigPath, kind: cluster.kind },
    async screenshot(name) {
      const file = path.join(shots, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
  };
}

/** A failing test leaves a screenshot named after it, to see what the page showed. */
export const mochaHooks = {
  async afterEach(this: Mocha.Context): Promise<void> {
    const t = this.currentTest;
    if (!current || !t || t.state !== 'failed') return;
    const name = `failed-${t.fullTitle().replace(/[^a-z0-9]+/gi, '-').slice(0, 80)}`;
    await current.screenshot(name).catch(() => undefined);
    // Close whatever the failed test left open (dialogs, menus) so the next test starts clean.
    await current.page.keyboard.press('Escape').catch(() => undefined);
    await current.page.keyboard.press('Escape').catch(() => undefined);
  },
};

export async function mochaGlobalTeardown(): Promise<void> {
  current = undefined;
  for (const stop of stops.reverse()) {
    try {
      await stop();
    } catch (e) {
      process.stderr.write(`[e2e] cleanup: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    void mochaGlobalTeardown().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}

/**
 * A real kubectl against the cluster under test (the newest non-dispatcher one on this machine).
 * Asynchronous on purpose: the sandbox serves from this very process, so a synchronous child
 * would block the server it talks to.
 */
export async function kubectl(args: readonly string[]): Promise<string> {
  const { cluster, scratch } = workbench();
  const binaries = findKubectls().filter((k) => !k.dispatcher && k.exec === 'websocket');
  const newest = binaries.sort((a, b) => b.minor - a.minor)[0];
  assert.ok(newest, 'no kubectl 1.30+ found on this machine (scripts/install-kubectl.mjs installs one)');
  const { stdout } = await execFileAsync(newest.path, args, {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, KUBECONFIG: cluster.kubeconfigPath, KUBECACHEDIR: path.join(scratch, 'kubectl-cache') },
  });
  return stdout;
}

/**
 * Points the extension at the cluster under test as a person would: the cluster's kubeconfig is
 * copied to a file of the scratch folder, picked with "Select Kubeconfig File…" from the command
 * palette, and the Pods view is opened until it lists the cluster's current context.
 */
export async function useTestCluster(): Promise<string> {
  const { page, scratch, cluster } = workbench();
  const file = path.join(scratch, 'test-cluster', 'config');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const text = fs.readFileSync(cluster.kubeconfigPath, 'utf8');
  fs.writeFileSync(file, text);
  const context = /^current-context:\s*"?([^"\n]+)"?\s*$/m.exec(text)?.[1] ?? 'sandbox';
  await runCommand('Pod Memory Chaos: Select Kubeconfig File…');
  const input = page.locator('.quick-input-widget input.input');
  // The dialog opens on the home folder (the fixture's HOME has no .kube); typing before it has
  // settled there is overwritten.
  await page.waitForFunction(() => ((document.querySelector('.quick-input-widget input.input') as HTMLInputElement | null)?.value ?? '').endsWith('/home/'), undefined, { timeout: 60_000 });
  await input.fill(file);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'config' }).first().waitFor();
  await page.keyboard.press('Enter');
  // The activity-bar entry toggles: click it only when the side bar is not showing the view.
  const viewTitle = page.locator('.sidebar .composite.title', { hasText: /pod memory chaos/i });
  if (!(await viewTitle.isVisible())) await page.locator('.activitybar a.action-label[aria-label="Pod Memory Chaos"]').click();
  try {
    await page.locator('.sidebar .monaco-list-row', { hasText: context }).first().waitFor({ timeout: 30_000 });
  } catch (e) {
    await workbench().screenshot('failed-use-test-cluster').catch(() => undefined);
    throw e;
  }
  return context;
}

/** Runs a command from the command palette by its full title. */
export async function runCommand(title: string): Promise<void> {
  const { page } = workbench();
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input.input').waitFor();
  await page.keyboard.type(title);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 60_000 });
  await page.keyboard.press('Enter');
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The Pods view's row whose label is exactly `label`. */
export function podsViewRow(label: string) {
  const { page } = workbench();
  return page.locator('.sidebar .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) }).first();
}

/**
 * Expands a Pods view row unless it is expanded already (a click toggles it, and an earlier suite
 * may have left it open), and waits until the tree says it is.
 */
export async function expandPodsViewRow(label: string): Promise<void> {
  const row = podsViewRow(label);
  await row.waitFor({ timeout: 60_000 });
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
  await workbench().page.waitForFunction(
    (name) => Array.from(document.querySelectorAll('.sidebar .monaco-list-row')).some((e) => e.querySelector('.label-name')?.textContent === name && e.getAttribute('aria-expanded') === 'true'),
    label,
    { timeout: 30_000 },
  );
}

/**
 * Runs an item of a Pods view row's context menu: right-click, then a click on the menu item
 * itself (not a key press, which goes to whatever has focus if the menu closed). The workbench's
 * menu ignores a click that comes too soon after it opened (so the right-click's own mouse-up
 * cannot pick an item): on a loaded machine the first click can land in that window, so the
 * click is repeated while the menu stays open.
 */
export async function podsViewRowMenu(label: string, item: string): Promise<void> {
  const { page } = workbench();
  const row = podsViewRow(label);
  await row.waitFor({ timeout: 60_000 });
  await row.click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu');
  const entry = menu.locator('.action-item', { hasText: item }).first();
  await entry.waitFor({ timeout: 15_000 });
  for (let attempt = 1; ; attempt++) {
    await page.waitForTimeout(300);
    await entry.click({ timeout: 15_000 });
    if (await menu.waitFor({ state: 'hidden', timeout: 3_000 }).then(() => true, () => false)) return;
    assert.ok(attempt < 5, `the context menu of ${label} stayed open after ${attempt} clicks on "${item}"`);
  }
}

/** The one pod of a Deployment-like app (`app.kubernetes.io/name=<app>`) in the cluster under test. */
export async function podOfApp(namespace: string, app: string): Promise<string> {
  const names = (await kubectl(['get', 'pods', '-n', namespace, '-l', `app.kubernetes.io/name=${app}`, '-o', 'jsonpath={.items[*].metadata.name}'])).trim().split(/\s+/).filter(Boolean);
  assert.equal(names.length, 1, `expected one pod of ${app} in ${namespace}, found ${names.join(', ') || 'none'}`);
  return names[0]!;
}
