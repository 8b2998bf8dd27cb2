// A test-only NodeAgent for the API server's own protocol tests: exec runs the command as a
// plain host process (no cgroup, no mount namespace), logs and metrics come from fixed figures.
// It lets the wire protocol be tested apart from the kubelet; the kubectl and client-node
// suites run against the real Kubelet instead.
import { spawn } from 'node:child_process';
import type { ContainerProcess, ExecOptions, LogOptions, NodeAgent } from '../contracts';
import { ApiError, type Store } from '../store';

export class HostProcessNode implements NodeAgent {
  readonly logLines = new Map<string, string>();

  constructor(private readonly store: Store, private readonly workingSetBytes = 52428800) {}

  private container(namespace: string, pod: string, container: string): void {
    const p = this.store.get('pods', namespace, pod);
    if (!p) throw new ApiError(404, 'NotFound', `pods "${pod}" not found`, { name: pod, kind: 'pods' });
    const names = ((p.spec as { containers: Array<{ name: string }> }).containers ?? []).map((c) => c.name);
    if (!names.includes(container)) throw new ApiError(400, 'BadRequest', `container ${container} is not valid for pod ${pod}`);
  }

  exec(namespace: string, pod: string, container: string, command: string[], options: ExecOptions): ContainerProcess {
    this.container(namespace, pod, container);
    return this.spawn(command, options.stdin);
  }

  spawnInContainer(namespace: string, pod: string, container: string, argv: string[]): ContainerProcess {
    this.container(namespace, pod, container);
    return this.spawn(argv, false);
  }

  private spawn(argv: string[], stdin: boolean): ContainerProcess {
    const child = spawn(argv[0], argv.slice(1), { stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.on('error', () => resolve({ code: 127, signal: null }));
      child.on('exit', (code, signal) => resolve({ code, signal }));
    });
    return { pid: child.pid ?? -1, stdin: child.stdin, stdout: child.stdout!, stderr: child.stderr!, exited, kill: (s) => void child.kill(s ?? 'SIGKILL') };
  }

  logs(namespace: string, pod: string, container: string, options: LogOptions): string {
    this.container(namespace, pod, container);
    const text = this.logLines.get(`${namespace}/${pod}/${container}${options.previous ? '#previous' : ''}`) ?? '';
    if (options.tailLines === undefined) return text;
    const lines = text.split('\n').filter((l, i, a) => l !== '' || i < a.length - 1);
    return lines.slice(-options.tailLines).map((l) => l + '\n').join('');
  }

  async summary(nodeName: string): Promise<Record<string, unknown>> {
    const pods = this.store.list('pods').items.filter((p) => (p.spec as { nodeName?: string }).nodeName === nodeName);
    return {
      node: { nodeName, memory: { workingSetBytes: this.workingSetBytes * pods.length } },
      pods: pods.map((p) => ({ podRef: { name: p.metadata.name, namespace: p.metadata.namespace, uid: p.metadata.uid }, memory: { workingSetBytes: this.workingSetBytes } })),
    };
  }

  async podMetrics(namespace?: string, name?: string): Promise<Record<string, unknown>[]> {
    return this.store.list('pods', namespace).items
      .filter((p) => name === undefined || p.metadata.name === name)
      .map((p) => ({
        kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1',
        metadata: { name: p.metadata.name, namespace: p.metadata.namespace, creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
        timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), window: '15s',
        containers: (p.spec as { containers: Array<{ name: string }> }).containers.map((c) => ({ name: c.name, usage: { cpu: '1000000n', memory: `${this.workingSetBytes / 1024}Ki` } })),
      }));
  }

  async nodeMetrics(): Promise<Record<string, unknown>[]> {
    return this.store.list('nodes').items.map((n) => ({
      kind: 'NodeMetrics', apiVersion: 'metrics.k8s.io/v1beta1', metadata: { name: n.metadata.name }, timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), window: '15s',
      usage: { cpu: '100000000n', memory: `${this.workingSetBytes / 1024}Ki` },
    }));
  }
}
