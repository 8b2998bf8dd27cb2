// Finds every real kubectl on this machine (PATH, the Google Cloud SDK's versioned
// kubectl.1.NN binaries, and the one scripts/install-kubectl.mjs fetches when there is none) and what each one is, for the kubectl suites.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface KubectlBinary {
  path: string;
  /** e.g. "v1.33.1", or "v1.32.4-dispatcher" for the gcloud dispatcher. */
  gitVersion: string;
  minor: number;
  /** The gcloud dispatcher: it runs the kubectl.1.NN matching the server's /version. */
  dispatcher: boolean;
  /** How exec is reached: natively over WebSocket (≥1.30), with the opt-in variable (1.29), or only SPDY. */
  exec: 'websocket' | 'websocket-with-env' | 'spdy-only';
  label: string;
}

const SDK_BIN = '/usr/lib/google-cloud-sdk/bin';
/** Where scripts/install-kubectl.mjs puts a kubectl when the machine has none. */
const PROJECT_BIN = path.resolve(__dirname, '..', '..', '..', '.vscode-test', 'bin');

export function findKubectls(): KubectlBinary[] {
  const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), SDK_BIN, PROJECT_BIN];
  const seen = new Set<string>();
  const found: KubectlBinary[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.filter((n) => /^kubectl(\.1\.\d+)?$/.test(n)).sort()) {
      const file = path.join(dir, name);
      let real: string;
      try {
        real = fs.realpathSync(file);
        fs.accessSync(real, fs.constants.X_OK);
      } catch {
        continue;
      }
      if (seen.has(real)) continue;
      seen.add(real);
      let info: { clientVersion?: { minor?: string; gitVersion?: string } };
      try {
        info = JSON.parse(execFileSync(real, ['version', '--client', '-o', 'json'], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'ignore'] }));
      } catch {
        continue; // not a kubectl we can run
      }
      const gitVersion = info.clientVersion?.gitVersion ?? '';
      const minor = parseInt(info.clientVersion?.minor ?? '0', 10);
      const dispatcher = gitVersion.includes('dispatcher');
      // The dispatcher runs kubectl 1.33 against the sandbox (its /version says minor 33).
      const effective = dispatcher ? 33 : minor;
      found.push({
        path: file, gitVersion, minor, dispatcher,
        exec: effective >= 30 ? 'websocket' : effective === 29 ? 'websocket-with-env' : 'spdy-only',
        label: dispatcher ? `kubectl dispatcher ${gitVersion} (${file})` : `kubectl ${gitVersion}`,
      });
    }
  }
  return found.sort((a, b) => Number(a.dispatcher) - Number(b.dispatcher) || a.minor - b.minor);
}
