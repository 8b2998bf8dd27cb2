#!/usr/bin/env node
// Writes l10n/bundle.l10n.json, the English bundle VS Code's l10n API falls back to and the file
// translators start from: one entry per `vscode.l10n.t('…')` literal in src/. The project writes
// every such message as one single-quoted literal (test/unit/l10nBundle.test.ts holds the bundle
// to the sources). Usage: node scripts/l10n.mjs (npm run l10n).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE = path.join(root, 'l10n', 'bundle.l10n.json');

function* sourceFiles(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(file);
    else if (entry.name.endsWith('.ts')) yield file;
  }
}

/** A single-quoted TypeScript literal's body → its string value (the escapes messages use). */
function unquote(body) {
  return body.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|.)/g, (_, e) => {
    if (e.startsWith('u')) return String.fromCodePoint(parseInt(e.replace(/[u{}]/g, ''), 16));
    return { n: '\n', t: '\t', r: '\r', 0: '\0' }[e] ?? e;
  });
}

/** Every message of `l10n.t('…')` in src/, sorted, each once. */
export function l10nMessages() {
  const messages = new Set();
  for (const file of sourceFiles(path.join(root, 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/l10n\.t\(\s*'((?:[^'\\\n]|\\.)*)'/g)) messages.add(unquote(m[1]));
  }
  return [...messages].sort();
}

export function bundleText() {
  return `${JSON.stringify(Object.fromEntries(l10nMessages().map((m) => [m, m])), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(BUNDLE, bundleText());
  console.log(`${path.relative(root, BUNDLE)}: ${l10nMessages().length} messages`);
}
