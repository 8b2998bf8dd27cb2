// What `podMemoryChaos.showResults` accepts: simple objects — `{ context?, namespace, name }` for an
// experiment, `{ context?, namespace, pod, container? }` for a pod (Show memory) — and the tree's
// and CodeLens' node objects when they carry those fields (a pod row: `{ namespace, name }` with a
// `podMemoryChaos.pod.*` contextValue or `kind: 'pod'`; a container row: `{ namespace, pod, name }`
// with `podMemoryChaos.container.*` or `kind: 'container'`). No vscode import: unit-tested in plain Node.
import type { ResultsSubject } from '../../webview/protocol';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function subjectFromArgs(arg: unknown, currentContext: string | undefined): ResultsSubject | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const a = arg as Record<string, unknown>;
  const context = str(a.context) ?? str(a.contextName) ?? currentContext;
  const namespace = str(a.namespace);
  if (context === undefined || namespace === undefined) return undefined;
  // The Pods view hands its own node objects to menu commands: `{ kind: 'pod', namespace, name }`
  // and `{ kind: 'container', namespace, pod, name }` (src/extension/tree/podsTree.ts PodsNode).
  const contextValue = str(a.contextValue) ?? (a.kind === 'pod' ? 'podMemoryChaos.pod.' : a.kind === 'container' ? 'podMemoryChaos.container.' : '');
  const container = str(a.container) ?? str(a.containerName);
  if (contextValue.startsWith('podMemoryChaos.container.')) {
    const pod = str(a.pod) ?? str(a.podName);
    const name = str(a.name) ?? container;
    return pod && name ? { kind: 'pod', context, namespace, pod, container: name } : undefined;
  }
  if (contextValue.startsWith('podMemoryChaos.pod.')) {
    const pod = str(a.pod) ?? str(a.name);
    return pod ? { kind: 'pod', context, namespace, pod } : undefined;
  }
  const pod = str(a.pod) ?? str(a.podName);
  if (pod !== undefined) return { kind: 'pod', context, namespace, pod, ...(container ? { container } : {}) };
  const name = str(a.name);
  return name !== undefined ? { kind: 'experiment', context, namespace, name } : undefined;
}
