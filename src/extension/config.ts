// The one place settings are read. Defaults live in package.json only; the fallbacks here are
// just for type safety when VS Code has no value at all (never the case for contributed settings).
import * as vscode from 'vscode';

export const SECTION = 'podMemoryChaos';

export interface PodMemoryChaosConfig {
  /** Kubeconfig path set by the user; '' = use $KUBECONFIG or ~/.kube/config. */
  readonly kubeconfig: string;
  readonly refreshIntervalSeconds: number;
  /** % of limit from which a pod's icon turns yellow, and red. */
  readonly thresholds: { readonly warningPercent: number; readonly criticalPercent: number };
  readonly sampleRateHz: number;
  readonly stress: {
    readonly defaultSize: string;
    readonly defaultWorkers: number;
    readonly defaultDuration: string;
  };
}

/** Setting keys below `podMemoryChaos.`, checked against the type above. */
export type ConfigKey = 'kubeconfig' | 'refreshIntervalSeconds' | 'thresholds' | 'sampleRateHz' | 'stress.defaultSize' | 'stress.defaultWorkers' | 'stress.defaultDuration';

export function readConfig(): PodMemoryChaosConfig {
  const c = vscode.workspace.getConfiguration(SECTION);
  return {
    // machine-scoped and listed in restrictedConfigurations: in Restricted Mode VS Code returns the
    // user-level value only, so a cloned repository cannot point us at a hostile kubeconfig.
    kubeconfig: c.get<string>('kubeconfig', ''),
    refreshIntervalSeconds: c.get<number>('refreshIntervalSeconds', 10),
    thresholds: {
      warningPercent: c.get<number>('thresholds.warningPercent', 70),
      criticalPercent: c.get<number>('thresholds.criticalPercent', 90),
    },
    sampleRateHz: c.get<number>('sampleRateHz', 4),
    stress: {
      defaultSize: c.get<string>('stress.defaultSize', '256MB'),
      defaultWorkers: c.get<number>('stress.defaultWorkers', 1),
      defaultDuration: c.get<string>('stress.defaultDuration', '60s'),
    },
  };
}

export function affects(event: vscode.ConfigurationChangeEvent, key: ConfigKey): boolean {
  return event.affectsConfiguration(`${SECTION}.${key}`);
}

/** Writes the kubeconfig path to user settings (the setting is machine-scoped, so never to the workspace). */
export async function setKubeconfigPath(file: string): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update('kubeconfig', file, vscode.ConfigurationTarget.Global);
}
