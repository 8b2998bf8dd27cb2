// typescript-eslint flat config. Beyond the recommended rules it enforces the layer boundaries
// of the project (team brief, "Layout"):
//   src/core     pure domain logic: no `vscode`, no network or process modules, no client-node
//                (not even type imports), so it runs and is tested in plain Node.
//   src/cluster  talks to clusters: no `vscode`.
//   src/webview  runs in the panel's browser sandbox: no `vscode`, no Node built-ins.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeNetworkAndProcess = ['http', 'https', 'http2', 'net', 'tls', 'dgram', 'dns', 'child_process', 'cluster', 'worker_threads'];
const withNodePrefix = (names) => names.flatMap((n) => [n, `node:${n}`]);

const vscodeBan = { name: 'vscode', message: 'Only src/extension may import vscode; keep this layer testable in plain Node.' };

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'out/', '.vscode-test/', '.sandbox/', 'artifacts/', '**/*.d.mts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        // Node and browser globals used across scripts, tests and bundles.
        process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', URLSearchParams: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
        setImmediate: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly',
        structuredClone: 'readonly', performance: 'readonly', fetch: 'readonly', queueMicrotask: 'readonly',
        __dirname: 'readonly', __filename: 'readonly', require: 'readonly', module: 'writable', exports: 'writable',
        window: 'readonly', document: 'readonly', getComputedStyle: 'readonly', HTMLElement: 'readonly', HTMLInputElement: 'readonly', MessageEvent: 'readonly',
        // mocha tdd UI
        suite: 'readonly', test: 'readonly', setup: 'readonly', teardown: 'readonly', suiteSetup: 'readonly', suiteTeardown: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.cjs', '**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          vscodeBan,
          ...withNodePrefix(nodeNetworkAndProcess).map((name) => ({ name, message: 'src/core is pure logic: no network or process modules (put I/O in src/cluster).' })),
          { name: '@kubernetes/client-node', message: 'src/core must not depend on client-node, not even for types: use src/core/k8sTypes.ts.' },
        ],
        patterns: [
          { group: ['@kubernetes/client-node/*'], message: 'src/core must not depend on client-node.' },
          { group: ['**/extension/**', '**/cluster/**', '**/webview/**'], message: 'src/core is the bottom layer: it imports nothing from the other layers.' },
        ],
      }],
    },
  },
  {
    files: ['src/cluster/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [vscodeBan],
        patterns: [{ group: ['**/extension/**'], message: 'src/cluster must not import the VS Code layer.' }],
      }],
    },
  },
  {
    files: ['src/webview/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [vscodeBan],
        patterns: [{ group: ['node:*'], message: 'The webview bundle runs in a browser: no Node built-ins.' }, { group: ['**/extension/**', '**/cluster/**'], message: 'The webview talks to the host only through src/webview/protocol.ts.' }],
      }],
    },
  },
);
