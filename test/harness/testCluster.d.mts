export interface TestCluster {
  readonly kubeconfigPath: string;
  readonly kind: 'sandbox' | 'external';
  stop(): Promise<void>;
}
export function startSandboxCluster(options: { kubeconfigPath: string; log?: (line: string) => void; [key: string]: unknown }): Promise<{ url: string; kubeconfigPath: string; stop(): Promise<void> }>;
export function startTestCluster(onCleanup: (stop: () => Promise<void>) => void, label: string): Promise<TestCluster>;
