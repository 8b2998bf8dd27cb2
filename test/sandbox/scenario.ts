// Scenario files: what the sandbox cluster holds when it starts.
//
// A scenario is a multi-document YAML file of plain Kubernetes objects:
//   kind: Node       (apiVersion v1) only `metadata.name` (and labels) are read: the kubelet
//                    registers each node with this machine's real capacity. No Node document
//                    means one node, `sandbox-node`.
//   kind: Namespace  created as given. A namespace a Pod names but no document declares is
//                    created too, as are `default`, `kube-system`, `kube-public` and
//                    `kube-node-lease`, which every cluster has.
//   kind: Pod        created as given (a missing namespace means `default`); `spec.nodeName`
//                    pins it to a node, otherwise the kubelet spreads pods round-robin.
// Anything else is refused with a message naming the document, so a typo never goes unseen.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { KObject } from './store';

export interface Scenario {
  nodes: Array<{ name: string; labels: Record<string, string> }>;
  namespaces: KObject[];
  pods: KObject[];
}

export const DEFAULT_SCENARIO = path.join(__dirname, 'scenarios', 'default.yaml');
export const DEFAULT_NODE = 'sandbox-node';
const BUILTIN_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

const namespaceObject = (name: string, labels: Record<string, string> = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } },
  spec: { finalizers: ['kubernetes'] },
  status: { phase: 'Active' },
});

/** Parses scenario text; `source` names the file in error messages. */
export function parseScenario(text: string, source: string): Scenario {
  const docs = YAML.parseAllDocuments(text);
  const nodes: Scenario['nodes'] = [];
  const namespaces = new Map<string, KObject>();
  const pods: KObject[] = [];
  // YAML errors first: a syntax error anywhere makes the whole file unusable.
  docs.forEach((doc, i) => {
    if (doc.errors.length) throw new ScenarioError(`${source}: document ${i + 1}: ${doc.errors[0].message}`);
  });
  docs.forEach((doc, i) => {
    const o = doc.toJS() as KObject | null;
    if (o === null || o === undefined) return; // an empty document (e.g. a trailing ---)
    const where = `${source}: document ${i + 1} (${[o?.kind ?? 'no kind', o?.metadata?.name].filter(Boolean).join(' ')})`;
    if (typeof o !== 'object' || !o.metadata?.name) throw new ScenarioError(`${where}: metadata.name is required`);
    if (o.apiVersion !== 'v1') throw new ScenarioError(`${where}: apiVersion must be v1, got ${JSON.stringify(o.apiVersion)}`);
    switch (o.kind) {
      case 'Node':
        nodes.push({ name: o.metadata.name, labels: o.metadata.labels ?? {} });
        break;
      case 'Namespace':
        namespaces.set(o.metadata.name, namespaceObject(o.metadata.name, o.metadata.labels));
        break;
      case 'Pod': {
        const spec = o.spec as { containers?: unknown[] } | undefined;
        if (!spec?.containers?.length) throw new ScenarioError(`${where}: spec.containers must list at least one container`);
        o.metadata.namespace ??= 'default';
        delete o.status;
        pods.push(o);
        break;
      }
      default:
        throw new ScenarioError(`${where}: kind must be Node, Namespace or Pod`);
    }
  });
  for (const ns of [...BUILTIN_NAMESPACES, ...pods.map((p) => p.metadata.namespace!)]) if (!namespaces.has(ns)) namespaces.set(ns, namespaceObject(ns));
  if (!nodes.length) nodes.push({ name: DEFAULT_NODE, labels: {} });
  const nodeNames = new Set(nodes.map((n) => n.name));
  for (const p of pods) {
    const pinned = (p.spec as { nodeName?: string }).nodeName;
    if (pinned && !nodeNames.has(pinned)) throw new ScenarioError(`${source}: pod ${p.metadata.namespace}/${p.metadata.name} names node "${pinned}", which the scenario does not declare`);
  }
  return { nodes, namespaces: [...namespaces.values()], pods };
}

export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ScenarioError(`cannot read scenario file ${file}: ${(e as Error).message}`);
  }
  return parseScenario(text, file);
}

/**
 * The benchmark scenario (`--pods N`): N tiny `sandbox/pause` pods (8Mi request, 32Mi limit:
 * Burstable) in namespace `bench`, spread over `nodes` nodes (default ceil(N/500)) named
 * sandbox-node-1…M (`sandbox-node` when there is one).
 */
export function generatedScenario(pods: number, nodes?: number): Scenario {
  if (!Number.isInteger(pods) || pods < 1) throw new ScenarioError(`--pods must be a positive integer, got ${pods}`);
  const m = nodes ?? Math.ceil(pods / 500);
  if (!Number.isInteger(m) || m < 1) throw new ScenarioError(`--nodes must be a positive integer, got ${nodes}`);
  const nodeNames = m === 1 ? [DEFAULT_NODE] : Array.from({ length: m }, (_, i) => `${DEFAULT_NODE}-${i + 1}`);
  const width = String(pods).length;
  const list: KObject[] = Array.from({ length: pods }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pause-${String(i + 1).padStart(width, '0')}`, namespace: 'bench', labels: { 'app.kubernetes.io/name': 'pause', 'sandbox.pod-memory-chaos/bench': 'true' } },
    spec: {
      nodeName: nodeNames[i % nodeNames.length],
      containers: [{ name: 'pause', image: 'sandbox/pause', resources: { requests: { memory: '8Mi' }, limits: { memory: '32Mi' } } }],
    },
  }));
  const namespaces = [...BUILTIN_NAMESPACES, 'bench'].map((n) => namespaceObject(n));
  return { nodes: nodeNames.map((name) => ({ name, labels: {} })), namespaces, pods: list };
}
