// The one place settings are read. Defaults live in package.json only; the fallbacks here are
// just for type safety when VS Code has no value at all (never the case for contributed settings).
import * as vscode from 'vscode';
import { DEFAULT_TYPED_CONFIRMATION_PATTERNS } from '../core/writeSafety';

export const SECTION = 'podMemoryChaos';

export interface PodMemoryChaosConfig {
  /** Kubeconfig path set by the user; '' = use $KUBECONFIG or ~/.kube/config. */
  readonly kubeconfig: string;
  readonly refreshIntervalSeconds: number;
  readonly sampleRateHz: number;
  /** No cluster changes at all (as k9s --readonly). */
  readonly readOnly: boolean;
  /** Context-name patterns whose changes must be confirmed by typing the context's name. */
  readonly confirmByTypingContexts: readonly string[];
  readonly stress: {
    readonly defaultSize: string;
    readonly defaultWorkers: number;
    readonly defaultDuration: string;
  };
}

/** Setting keys below `podMemoryChaos.`, checked against the type above. */
export type ConfigKey =
  | 'kubeconfig' | 'refreshIntervalSeconds' | 'sampleRateHz' | 'readOnly' | 'confirmByTypingContexts'
  | 'stress.defaultSize' | 'stress.defaultWorkers' | 'stress.defaultDuration';

export function readConfig(): PodMemoryChaosConfig {
  const c = vscode.workspace.getConfiguration(SECTION);
  return {
    // machine-scoped and listed in restrictedConfigurations: in Restricted Mode VS Code returns the
    // user-level value only, so a cloned repository cannot point us at a hostile kubeconfig.
    kubeconfig: c.get<string>('kubeconfig', ''),
    refreshIntervalSeconds: c.get<number>('refreshIntervalSeconds', 10),
    sampleRateHz: c.get<number>('sampleRateHz', 4),
    readOnly: c.get<boolean>('readOnly', false) === true,
    // A wrong type in settings.json (a string instead of a list) falls back to the safe default.
    confirmByTypingContexts: stringList(c.get<unknown>('confirmByTypingContexts'), DEFAULT_TYPED_CONFIRMATION_PATTERNS),
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

function stringList(value: unknown, fallback: readonly string[]): readonly string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : fallback;
}
