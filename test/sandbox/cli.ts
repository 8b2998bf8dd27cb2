// `npm run sandbox [-- options]`: starts the sandbox cluster and keeps it running until
// SIGINT/SIGTERM, which removes every process and cgroup it made.
//
// Contract relied on by scripts and outside checks: with `--kubeconfig FILE` the kubeconfig goes
// to FILE (current context `sandbox`), and a line containing `sandbox ready` is printed once the
// API server answers. ~/.kube/config is never touched unless --merge-into-kube-config is given.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { mergeIntoKubeconfig } from './api/kubeconfig';
import { DEFAULT_KUBECONFIG, startSandbox, type Sandbox, type SandboxOptions } from './cluster';
import { SandboxPrerequisiteError } from './runtime/errors';
import { ScenarioError } from './scenario';

const USAGE = `Usage: npm run sandbox -- [options]

Starts a loopback Kubernetes API (HTTPS on 127.0.0.1) whose pods are real processes in real
memory cgroups, with a small Chaos Mesh for StressChaos. Stop it with Ctrl-C.

Options:
  --kubeconfig FILE          write the kubeconfig here (default: ${path.relative(process.cwd(), DEFAULT_KUBECONFIG) || DEFAULT_KUBECONFIG})
  --scenario FILE            the scenario to load (default: test/sandbox/scenarios/default.yaml)
  --pods N                   instead of a scenario: N small sandbox/pause pods (benchmarks)
  --nodes M                  nodes for --pods (default: ceil(N/500))
  --port P                   API server port (default: a free one)
  --instance-name NAME       names this run's cgroup root (pmc-sandbox-NAME; default: pid + random)
  --merge-into-kube-config   also add the sandbox context to ~/.kube/config (removed again on exit)
  --verbose                  print the sandbox's log lines
  -h, --help                 this text
`;

export class UsageError extends Error {}

export interface CliOptions extends SandboxOptions {
  mergeIntoKubeConfig: boolean;
  verbose: boolean;
  help: boolean;
}

export function parseArgs(argv: string[]): CliOptions {
  const o: CliOptions = { mergeIntoKubeConfig: false, verbose: false, help: false };
  const int = (flag: string, v: string | undefined): number => {
    if (v === undefined || !/^\d+$/.test(v)) throw new UsageError(`${flag} needs a whole number, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--kubeconfig': o.kubeconfigPath = value(); break;
      case '--scenario': o.scenario = value(); break;
      case '--pods': o.pods = int(flag, value()); break;
      case '--nodes': o.nodes = int(flag, value()); break;
      case '--port': o.port = int(flag, value()); break;
      case '--instance-name': {
        const v = value();
        if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(v)) throw new UsageError(`--instance-name must be letters, digits, '.', '_' or '-', got ${JSON.stringify(v)}`);
        o.instanceName = v;
        break;
      }
      case '--merge-into-kube-config': o.mergeIntoKubeConfig = true; break;
      case '--verbose': o.verbose = true; break;
      case '-h': case '--help': o.help = true; break;
      default: throw new UsageError(`unknown option ${argv[i]}`);
    }
  }
  if (o.pods !== undefined && o.scenario !== undefined) throw new UsageError('--pods and --scenario cannot be used together');
  if (o.nodes !== undefined && o.pods === undefined) throw new UsageError('--nodes only applies with --pods');
  if (o.pods === 0) throw new UsageError('--pods must be at least 1');
  if (o.nodes === 0) throw new UsageError('--nodes must be at least 1');
  return o;
}

/** Removes what --merge-into-kube-config added, leaving the user's own entries alone. */
function unmerge(file: string, user: string, previousContext: string | undefined): void {
  if (!fs.existsSync(file)) return;
  const cfg = (YAML.parse(fs.readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
  const drop = (key: string, name: string) => {
    cfg[key] = ((cfg[key] as Array<{ name: string }> | undefined) ?? []).filter((e) => e.name !== name);
  };
  drop('clusters', 'sandbox');
  drop('contexts', 'sandbox');
  drop('users', user);
  if (cfg['current-context'] === 'sandbox') cfg['current-context'] = previousContext && previousContext !== 'sandbox' ? previousContext : '';
  fs.writeFileSync(file, YAML.stringify(cfg), { mode: 0o600 });
}

async function main(): Promise<number> {
  let options: CliOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`sandbox: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const log = options.verbose ? (l: string) => process.stderr.write(l + '\n') : () => {};
  let sandbox: Sandbox;
  let stopping = false;
  let firstSignalAt = 0;
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(sig, () => {
        // Under `npm run sandbox`, one Ctrl-C arrives twice: the terminal signals the process group
        // and npm relays the signal to its script. That echo is not a second request.
        if (stopping && Date.now() - firstSignalAt < 1000) return;
        if (stopping) {
          process.stderr.write('sandbox: still stopping; a third signal exits without cleanup\n');
          process.once(sig, () => process.exit(130));
          return;
        }
        stopping = true;
        firstSignalAt = Date.now();
        resolve(sig);
      });
    }
  });
  const started = Date.now();
  try {
    // A signal during start is honoured once start returns, so nothing it made is left behind.
    sandbox = await startSandbox({ ...options, log });
  } catch (e) {
    if (e instanceof SandboxPrerequisiteError || e instanceof ScenarioError) {
      process.stderr.write(`sandbox: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`sandbox: could not start: ${e instanceof Error ? (options.verbose ? e.stack ?? e.message : e.message) : String(e)}\n`);
    return 1;
  }
  if (stopping) {
    await sandbox.stop();
    return 130;
  }
  const kubeHome = path.join(os.homedir(), '.kube', 'config');
  let previousContext: string | undefined;
  if (options.mergeIntoKubeConfig) {
    try {
      previousContext = (YAML.parse(fs.readFileSync(kubeHome, 'utf8')) as Record<string, string> | null)?.['current-context'];
    } catch {
      previousContext = undefined; // no ~/.kube/config yet
    }
    mergeIntoKubeconfig(kubeHome, { url: sandbox.url, pki: sandbox.pki });
  }
  const pods = sandbox.store.list('pods').items.length;
  const rel = path.relative(process.cwd(), sandbox.kubeconfigPath);
  const shown = rel && !rel.startsWith('..') ? rel : sandbox.kubeconfigPath;
  process.stdout.write(
    `sandbox ready: ${sandbox.url} (${pods} pods, cgroup v${sandbox.kubelet.cgroupVersion}, started in ${((Date.now() - started) / 1000).toFixed(1)}s)\n` +
    `  kubeconfig: ${sandbox.kubeconfigPath}${options.mergeIntoKubeConfig ? ` (also merged into ${kubeHome} as context "sandbox")` : ''}\n` +
    `  try:        export KUBECONFIG=${shown}\n` +
    `              kubectl get pods -A\n` +
    `  stop:       Ctrl-C (removes every sandbox process and cgroup)\n`,
  );
  const sig = await stopRequested;
  process.stdout.write(`sandbox: ${sig} received, stopping…\n`);
  try {
    await sandbox.stop();
  } finally {
    if (options.mergeIntoKubeConfig) unmerge(kubeHome, sandbox.pki.adminUser, previousContext);
  }
  process.stdout.write('sandbox: stopped\n');
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`sandbox: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
