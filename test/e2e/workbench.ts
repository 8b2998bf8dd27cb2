// The end-to-end fixture (mocha global setup/teardown, loaded through .mocharc.json `require`):
// one code-server with the extension installed from the packaged VSIX, one Chromium page on the
// workbench, shared by every e2e suite in order. Nothing is stubbed: the suites click, type and
// read what a person would see. HOME is a fresh folder and $KUBECONFIG is unset, so the
// extension starts with no kubeconfig, as on a machine that never talked to a cluster.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import * as h from '../harness/codeServer.mjs';
import type { Profile } from '../harness/codeServer.mjs';

export interface Workbench {
  readonly page: Page;
  readonly profile: Profile;
  /** A folder only this run uses (kubeconfigs the suites hand to the extension live here). */
  readonly scratch: string;
  readonly repoRoot: string;
  screenshot(name: string): Promise<string>;
}

let current: Workbench | undefined;
const stops: (() => Promise<void> | void)[] = [];

export function workbench(): Workbench {
  assert.ok(current, 'the e2e workbench is not running (mochaGlobalSetup failed?)');
  return current;
}

export async function mochaGlobalSetup(): Promise<void> {
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

  const env = { HOME: home, KUBECONFIG: undefined };
  const server = await h.startCodeServer({ profile, logFile: path.join(h.repoRoot, 'artifacts', 'logs', 'e2e-code-server.log'), env });
  stops.push(() => server.stop());
  const browser = await h.launchChromium();
  stops.push(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(15_000); // generous for a shared 2-core machine, short enough to fail fast
  await page.goto(h.workbenchUrl(server, { folder: profile.workspaceDir }), { timeout: 60_000 }); // a loaded machine serves the first page slowly
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  const shots = path.join(h.repoRoot, 'artifacts', 'screenshots');
  fs.mkdirSync(shots, { recursive: true });
  for (const f of fs.readdirSync(shots)) if (f.startsWith('failed-')) fs.rmSync(path.join(shots, f)); // earlier runs' failures
  current = {
    page,
    profile,
    scratch,
    repoRoot: h.repoRoot,
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
