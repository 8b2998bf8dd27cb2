// The extension in the real VS Code host (code-server 4.100.3 in Debian's Chromium, the
// integration harness's recipe): activation time, and what opening a plain YAML file (not a
// StressChaos) costs with the extension installed. Each run is a fresh workbench window with a
// fresh extension host whose test payload is bench/host/vscodeHost.ts (see there for how each
// figure is taken); the production bundle (npm run package's dist/extension.js) is measured.
// Baseline runs load an empty stub extension instead, so plain-yaml-open-ms sits beside VS Code
// alone; with- and without-extension runs alternate so load on the machine hits both alike.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import {
  ensureCodeServer, launchChromium, makeProfile, repoRoot, startCodeServer, workbenchUrl, withCleanup, type CodeServer, type Profile,
} from '../test/harness/codeServer.mjs';
import type { HostResults } from './host/vscodeHost';
import { benchSuite, median, round, sized } from './util';

const RUN_LIMIT_MS = 180_000;
const hostScript = path.join(repoRoot, 'out', 'bench', 'vscodeHost.js');

/** An extension with a manifest and no code: the baseline's development extension. */
function stubExtension(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bench-stub', publisher: 'pmc-bench', version: '0.0.0', engines: { vscode: '^1.100.0' } }));
  return dir;
}

/** Opens one workbench window with the host script as its test payload; resolves with its results. */
async function hostRun(browser: Browser, server: CodeServer, profile: Profile, resultsDir: string, extensionPath: string, runIndex: number): Promise<HostResults> {
  const before = new Set(fs.readdirSync(resultsDir));
  const folder = path.join(profile.baseDir, `workspace-${runIndex}`);
  fs.mkdirSync(folder, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    let exit: (code: number) => void = () => {};
    const exited = new Promise<number>((resolve) => { exit = resolve; });
    await page.exposeFunction('codeAutomationLog', () => {});
    await page.exposeFunction('codeAutomationExit', (code: number) => exit(Number(code)));
    // The run limit below bounds the whole window; a busy machine loads the workbench slowly.
    await page.goto(workbenchUrl(server, { folder, payload: { extensionDevelopmentPath: extensionPath, extensionTestsPath: hostScript, skipWelcome: 'true' } }), { waitUntil: 'commit', timeout: RUN_LIMIT_MS });
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([exited, new Promise<string>((r) => { timer = setTimeout(() => r('timeout'), RUN_LIMIT_MS); })]);
    clearTimeout(timer);
    const written = fs.readdirSync(resultsDir).filter((f) => !before.has(f));
    if (code !== 0 || written.length !== 1) throw new Error(`bench window ${runIndex} ended with ${code} and ${written.length} results file(s); see artifacts/logs/bench-code-server.log`);
    return JSON.parse(fs.readFileSync(path.join(resultsDir, written[0]), 'utf8')) as HostResults;
  } finally {
    await page.close();
  }
}

benchSuite('activation', async (record) => {
  execFileSync(process.execPath, ['esbuild.js', '--production'], { cwd: repoRoot, stdio: 'inherit' });
  await build({ entryPoints: [path.join(__dirname, 'host', 'vscodeHost.ts')], outfile: hostScript, bundle: true, format: 'cjs', platform: 'node', target: 'node20', external: ['vscode'], logLevel: 'warning' });
  ensureCodeServer();
  const runs = sized(5, 1);
  const yamlFiles = sized(5, 3);

  await withCleanup(async (onCleanup) => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-bench-host-'));
    onCleanup(() => fs.rmSync(base, { recursive: true, force: true }));
    const profile = makeProfile(base);
    const home = path.join(base, 'home');
    const resultsDir = path.join(base, 'results');
    fs.mkdirSync(path.join(home, '.kube'), { recursive: true });
    fs.mkdirSync(resultsDir);
    // A kubeconfig like a user's, pointing at a closed loopback port: nothing is reachable.
    fs.writeFileSync(
      path.join(home, '.kube', 'config'),
      'apiVersion: v1\nkind: Config\ncurrent-context: dev\nclusters:\n- name: dev\n  cluster:\n    server: https://127.0.0.1:9\ncontexts:\n- name: dev\n  context:\n    cluster: dev\n    user: dev\nusers:\n- name: dev\n  user:\n    token: bench\n',
    );
    const server = await startCodeServer({
      profile,
      logFile: path.join(repoRoot, 'artifacts', 'logs', 'bench-code-server.log'),
      env: { HOME: home, KUBECONFIG: undefined, PMC_BENCH_HOST_RESULTS: resultsDir, PMC_BENCH_YAML_FILES: String(yamlFiles) },
    });
    onCleanup(() => server.stop());
    const browser = await launchChromium();
    onCleanup(() => browser.close());
    const stub = stubExtension(path.join(base, 'stub-extension'));

    const withExtension: HostResults[] = [];
    const without: HostResults[] = [];
    for (let i = 0; i < runs; i++) {
      for (const [extension, into] of [[repoRoot, withExtension], [stub, without]] as const) {
        const t = Date.now();
        into.push(await hostRun(browser, server, profile, resultsDir, extension, withExtension.length + without.length));
        console.log(`  window ${withExtension.length + without.length} (${extension === stub ? 'stub' : 'extension'}): ${((Date.now() - t) / 1000).toFixed(0)}s`);
      }
    }
    const activation = withExtension.map((r) => r.activationMs).filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
    const bundle = withExtension.map((r) => r.bundleLoadMs).filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
    const vscodeVersion = withExtension[0].vscodeVersion;
    record({
      id: 'activation-ms',
      what: `activation in VS Code ${vscodeVersion} (code-server), production bundle`,
      value: activation.length ? round(median(activation)) : null,
      unit: 'ms',
      goal: 50,
      better: 'lower',
      note: activation.length
        ? `median of ${activation.length} fresh extension hosts (${activation.map((v) => round(v)).join(', ')} ms): require of the bundle + getExtension().activate(), wall time; loading the bundle alone: median ${round(median(bundle))} ms`
        : 'the extension was already active before the measurement in every run',
    });
    const cpu = (rs: HostResults[]) => rs.flatMap((r) => r.plainYamlOpenCpuMs).sort((a, b) => a - b);
    const withCpu = cpu(withExtension);
    const withoutCpu = cpu(without);
    record({
      id: 'plain-yaml-open-ms',
      what: 'extension-host CPU to open and show a 2,000-line Kubernetes manifest (not a StressChaos)',
      value: round(median(withCpu)),
      unit: 'ms',
      better: 'lower',
      baseline: { name: 'the same VS Code without the extension', value: round(median(withoutCpu)) },
      note: `median of ${withCpu.length} files (${runs} hosts × ${yamlFiles}), CPU from openTextDocument until 500 ms after showTextDocument; the baseline host has the same files and an empty stub extension`,
    });
  });
});
