// The layer rules of eslint.config.mjs, enforced inside `npm test` too: src/core never imports
// vscode, network or process modules or client-node; src/cluster never imports vscode; the
// webview bundle never imports vscode or Node built-ins. Only `no-restricted-imports` is checked
// here, so an unrelated style finding elsewhere cannot fail this suite.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const root = path.resolve(__dirname, '..', '..');

function restricted(results: ESLint.LintResult[]): string[] {
  return results.flatMap((r) =>
    r.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => `${path.relative(root, r.filePath)}:${m.line} ${m.message}`));
}

suite('layer boundaries (eslint no-restricted-imports)', function () {
  this.timeout(60_000); // typescript-eslint parses every file once; slow on a busy 2-core machine
  const eslint = new ESLint({ cwd: root });

  test('src/core, src/cluster and src/webview import only what their layer may', async () => {
    const results = await eslint.lintFiles(['src/core', 'src/cluster', 'src/webview'].map((d) => path.join(root, d)));
    assert.deepEqual(restricted(results), []);
  });

  const cases = [
    { name: 'src/core may not import vscode, even for types', file: 'src/core/example.ts', code: "import type { Uri } from 'vscode';\nexport type X = Uri;\n", rejected: ['vscode'] },
    { name: 'src/core may not import child_process or http', file: 'src/core/example.ts', code: "import { spawn } from 'node:child_process';\nimport * as http from 'http';\nexport const x = [spawn, http];\n", rejected: ['node:child_process', 'http'] },
    { name: 'src/core may not import client-node, even for types', file: 'src/core/example.ts', code: "import type { V1Pod } from '@kubernetes/client-node';\nexport type X = V1Pod;\n", rejected: ['@kubernetes/client-node'] },
    { name: 'src/cluster may not import vscode', file: 'src/cluster/example.ts', code: "import * as vscode from 'vscode';\nexport const x = vscode;\n", rejected: ['vscode'] },
    { name: 'src/cluster may import client-node and child_process', file: 'src/cluster/example.ts', code: "import { KubeConfig } from '@kubernetes/client-node';\nimport { spawn } from 'node:child_process';\nexport const x = [KubeConfig, spawn];\n", rejected: [] },
    { name: 'src/extension may import vscode', file: 'src/extension/example.ts', code: "import * as vscode from 'vscode';\nexport const x = vscode;\n", rejected: [] },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const results = await eslint.lintText(c.code, { filePath: path.join(root, c.file) });
      const names = restricted(results).map((m) => /'([^']+)' import is restricted/.exec(m)?.[1]);
      assert.deepEqual(names, c.rejected);
    });
  }
});
