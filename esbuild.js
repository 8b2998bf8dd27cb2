// One build script for both bundles (the VS Code samples' shape):
//   dist/extension.js  the extension host bundle: CommonJS for Node, `vscode` left external.
//                      @kubernetes/client-node 1.4.0 is ESM-only, so it is bundled in here.
//   dist/webview.js    the results panel's browser bundle: an IIFE, no Node built-ins.
//   out/test/integration/*.js  (only with --tests) the in-VS Code test runner and suites, CJS
//                      for the extension host; `vscode` and `mocha` stay external (mocha is
//                      loaded from node_modules at run time, it does not bundle cleanly).
// Flags: --watch rebuilds on change; --production minifies and drops source maps;
//        --tests also builds the integration suites (test/harness/runIntegration.mjs uses it).
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

/** test/integration/index.ts (the runner) and every *.test.ts below test/integration. */
function integrationEntries() {
  const dir = path.join(__dirname, 'test', 'integration');
  const found = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.test.ts') || p === path.join(dir, 'index.ts')) found.push(path.relative(__dirname, p));
    }
  };
  walk(dir);
  return found.sort();
}

/** Prints esbuild's problems in the `file:line:col: error:` form VS Code's problem matchers read. */
const problemReporter = {
  name: 'problem-reporter',
  setup(build) {
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  plugins: [problemReporter],
};

const builds = [
  {
    ...common,
    entryPoints: ['src/extension/main.ts'],
    outfile: 'dist/extension.js',
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: ['src/webview/main.ts'],
    outfile: 'dist/webview.js',
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
  },
];

if (tests) {
  fs.rmSync(path.join(__dirname, 'out', 'test', 'integration'), { recursive: true, force: true });
  builds.push({
    ...common,
    minify: false,
    sourcemap: 'inline', // stack traces in the extension host point at the .ts lines
    entryPoints: integrationEntries(),
    outbase: 'test/integration',
    outdir: 'out/test/integration',
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode', 'mocha'],
  });
}

/** uPlot's stylesheet, next to the bundle: the panel loads it as a local resource (strict CSP, no CDN). */
function copyWebviewAssets() {
  fs.mkdirSync(path.join(__dirname, 'dist'), { recursive: true });
  fs.copyFileSync(require.resolve('uplot/dist/uPlot.min.css'), path.join(__dirname, 'dist', 'uPlot.min.css'));
}

async function main() {
  copyWebviewAssets();
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    console.log('[watch] watching for changes');
    return;
  }
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
