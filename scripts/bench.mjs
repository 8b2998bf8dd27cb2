#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.ts (or those named: `npm run bench -- core`), each
// writing bench/results/<suite>.json, then rewrites the table between the README's
// `<!-- bench:start -->` and `<!-- bench:end -->` markers from all the results files.
// Performance lives here, never in timed test assertions.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, 'bench');
const wanted = process.argv.slice(2);
const suites = fs
  .readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .filter((s) => wanted.length === 0 || wanted.includes(s));

let failed = false;
for (const suite of suites) {
  console.log(`\n=== bench: ${suite} ===`);
  const run = spawnSync('npx', ['tsx', path.join(benchDir, `${suite}.bench.ts`)], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) failed = true;
}

const resultsDir = path.join(benchDir, 'results');
const rows = [];
for (const file of fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir).filter((f) => f.endsWith('.json')).sort() : []) {
  const r = JSON.parse(fs.readFileSync(path.join(resultsDir, file), 'utf8'));
  for (const f of r.figures) rows.push(`| ${r.suite} | ${f.name} | ${f.value} ${f.unit} | ${f.note ?? ''} | ${r.takenAt.slice(0, 10)} |`);
}
const table = ['| suite | what | figure | note | taken |', '|---|---|---|---|---|', ...rows].join('\n');
const readme = path.join(root, 'README.md');
if (fs.existsSync(readme)) {
  const text = fs.readFileSync(readme, 'utf8');
  const re = /(<!-- bench:start -->)[\s\S]*?(<!-- bench:end -->)/;
  if (re.test(text)) {
    fs.writeFileSync(readme, text.replace(re, `$1\n${table}\n$2`));
    console.log('\nREADME.md benchmark table updated.');
  } else {
    console.log('\nREADME.md has no <!-- bench:start --> / <!-- bench:end --> markers; table not written:\n' + table);
  }
}
process.exit(failed ? 1 : 0);
