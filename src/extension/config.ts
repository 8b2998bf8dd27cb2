// The one place settings are read. Values are checked in src/core/settings.ts (wrong types, out
// of range, sizes Chaos Mesh misreads): each bad value is replaced by a safe one, and the problem
// is logged and shown once per setting and value, with a button to the setting.
import * as vscode from 'vscode';
import { checkSettings, describeValue, SETTINGS_SECTION, type SettingProblem, type Settings } from '../core/settings';

export const SECTION = SETTINGS_SECTION;

export type PodMemoryChaosConfig = Settings;

/** Setting keys below `podMemoryChaos.`, checked against the type above. */
export type ConfigKey =
  | 'kubeconfig' | 'refreshIntervalSeconds' | 'thresholds' | 'sampleRateHz' | 'readOnly' | 'confirmByTypingContexts'
  | 'stress.defaultSize' | 'stress.defaultWorkers' | 'stress.defaultDuration';

export function readConfig(): PodMemoryChaosConfig {
  // kubeconfig is machine-scoped and listed in restrictedConfigurations: in Restricted Mode VS Code
  // returns the user-level value only, so a cloned repository cannot point us at a hostile kubeconfig.
  const c = vscode.workspace.getConfiguration(SECTION);
  const { settings, problems } = checkSettings((key) => c.get<unknown>(key));
  for (const p of problems) reportSettingProblem(p);
  return settings;
}

const reported = new Set<string>();
const shown: string[] = [];
let show: ((problem: SettingProblem) => void) | undefined;

/** Logs and shows a setting's problem, once per setting and value (settings are read often). */
export function reportSettingProblem(problem: SettingProblem): void {
  const key = `${problem.setting}=${describeValue(problem.value)}`;
  if (reported.has(key)) return;
  reported.add(key);
  shown.push(problem.message);
  show?.(problem);
}

/** Where setting problems go: the log (warning) and a notification that opens the setting. */
export function showSettingProblems(log: vscode.LogOutputChannel): void {
  show = (problem) => {
    log.warn(problem.message);
    const open = vscode.l10n.t('Open Setting');
    void vscode.window.showWarningMessage(problem.message, open).then((choice) => {
      if (choice === open) void vscode.commands.executeCommand('workbench.action.openSettings', problem.setting);
    });
  };
}

/** The setting problems reported so far, in order (for the tests' API). */
export function settingProblemsShown(): readonly string[] {
  return [...shown];
}

export function affects(event: vscode.ConfigurationChangeEvent, key: ConfigKey): boolean {
  return event.affectsConfiguration(`${SECTION}.${key}`);
}

/** Writes the kubeconfig path to user settings (the setting is machine-scoped, so never to the workspace). */
export async function setKubeconfigPath(file: string): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update('kubeconfig', file, vscode.ConfigurationTarget.Global);
}
