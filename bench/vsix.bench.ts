// The size of what users install: `npm run package` (a production build packed by vsce, the
// dependencies bundled into dist/extension.js) into a temporary VSIX, whose bytes on disk are the
// figure; the note lists the largest entries so a jump can be traced to its file.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchSuite } from './util';

const root = path.resolve(__dirname, '..');

/** The VSIX's entries with their uncompressed sizes, from `unzip -l`. */
function entries(vsix: string): { name: string; bytes: number }[] {
  const listing = execFileSync('unzip', ['-l', vsix], { encoding: 'utf8' });
  return [...listing.matchAll(/^\s*(\d+)\s+\S+\s+\S+\s+(\S.*)$/gm)].map((m) => ({ name: m[2], bytes: Number(m[1]) }));
}

benchSuite('vsix', async (record) => {
  const vsix = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-bench-vsix-')), 'pod-memory-chaos.vsix');
  execFileSync(process.execPath, [path.join(root, 'scripts', 'package.mjs'), '--out', vsix], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const largest = entries(vsix)
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 3)
    .map((e) => `${e.name.replace(/^extension\//, '')} ${(e.bytes / 1024).toFixed(0)} KiB`);
  record({
    id: 'vsix-bytes',
    what: 'the packaged extension (npm run package)',
    value: fs.statSync(vsix).size,
    unit: 'bytes',
    better: 'lower',
    note: `compressed VSIX; largest entries uncompressed: ${largest.join(', ')}`,
  });
  fs.rmSync(path.dirname(vsix), { recursive: true, force: true });
});
