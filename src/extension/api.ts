// What `activate()` returns: a small, read-only view of the extension's state. The integration
// tests use it to see what the Pods view shows; other extensions may use it the same way.
import type { KubeconfigLoad } from '../cluster/kubeconfig';

export interface TreeRowSnapshot {
  readonly label: string;
  readonly description?: string;
  readonly contextValue?: string;
  readonly tooltip?: string;
}

export interface PodMemoryChaosApi {
  readonly apiVersion: 1;
  /** 'loading' until the first kubeconfig read finishes, then the loader's state. */
  kubeconfigState(): KubeconfigLoad['state'] | 'loading';
  /** The Pods view's top-level rows as the view renders them. */
  podsRoots(): Promise<TreeRowSnapshot[]>;
  /**
   * "Running, but the stressor is gone" for an experiment whose results panel is open (the status
   * CodeLens shows it); null when the stress is there or no panel samples it.
   */
  stressorGone(namespace: string, name: string): string | null;
  /** Open results panels: what each shows (for tests). */
  resultsPanels(): { readonly title: string; readonly subjectKind: 'experiment' | 'pod' }[];
}
