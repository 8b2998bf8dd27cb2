// "Stress memory…" from a pod or container row (or the command palette): size, workers and
// duration with validation as you type, then the predicted outcome (src/core/stressPrediction)
// shown above the generated StressChaos in an editable untitled YAML document and in a modal
// confirmation naming context, namespace and pod; Apply dry-runs the document's StressChaos on the
// server, creates it labelled as ours, and follows it until it is injected.
import * as vscode from 'vscode';
import { clusterWritesBlocked, confirmClusterChange } from '../clusterWrites';
import { experimentEndsAt, type RunningExperiments } from '../experiments';
import YAML from 'yaml';
import {
  buildStressChaos,
  containerMemoryResources,
  defaultSizeForNode,
  formatBytes,
  isStressChaos,
  predictStress,
  readDurationInput,
  readStressSizeInput,
  readWorkersInput,
  runningContainers,
  conditionStatus,
  type Pod,
  type StressChaos,
  type StressPrediction,
} from '../../core';
import { EXTENSION_LABEL, EXTENSION_LABEL_VALUE } from '../../cluster/chaosMesh';
import { ClusterError } from '../../cluster/errors';
import { readConfig, reportSettingProblem } from '../config';
import type { ClusterState } from '../tree/clusterState';
import type { PodsNode, PodsTreeProvider } from '../tree/podsTree';

interface Target {
  readonly context: string;
  readonly namespace: string;
  readonly pod: string;
  readonly container?: string;
}

export function registerStressMemory(context: vscode.ExtensionContext, pods: PodsTreeProvider, running: RunningExperiments, log: vscode.LogOutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('podMemoryChaos.stressMemory', (node?: PodsNode) => stressMemory(pods, running, log, node)),
  );
}

/** What the command resolves to: the created experiment, or why nothing was created. */
export type StressOutcome = { readonly created: StressChaos; readonly prediction: StressPrediction } | { readonly cancelled: string };

export async function stressMemory(pods: PodsTreeProvider, running: RunningExperiments, log: vscode.LogOutputChannel, node?: PodsNode): Promise<StressOutcome> {
  // Restricted Mode and read-only mode: say why before asking anything (confirmClusterChange
  // checks again at the moment of the change).
  const blocked = clusterWritesBlocked();
  if (blocked) {
    void vscode.window.showWarningMessage(blocked);
    return { cancelled: blocked };
  }
  const target = targetOf(node) ?? (await pickTarget(pods));
  if (!target) return { cancelled: 'no pod chosen' };
  const state = pods.clusterState(target.context);
  const pod = pods.podObject(target.context, target.namespace, target.pod);
  if (!state || !pod) return cancel(vscode.l10n.t('Expand the context and namespace of {0} first: its pod is not in view.', target.pod));
  if (!state.chaosMesh?.installed) return cancel(state.chaosMesh?.reason ?? vscode.l10n.t('Chaos Mesh was not found in context {0}.', target.context));

  const container = target.container ?? (await pickContainer(pod));
  if (!container) return { cancelled: 'no container chosen' };
  const nodeName = pod.spec?.nodeName;
  const inputs = await askInputs(target, container, containerMemoryResources(pod, container).limitBytes, nodeName ? { name: nodeName, memoryBytes: state.capacities.get(nodeName) ?? null } : undefined);
  if (!inputs) return { cancelled: 'inputs cancelled' };

  const prediction = predictStress({
    pod,
    containerName: container,
    workingSetBytes: state.container(target.namespace, target.pod, container)?.workingSetBytes ?? null,
    limitBytes: containerMemoryResources(pod, container).limitBytes,
    sizeBytes: inputs.sizeBytes,
    workers: inputs.workers,
    durationSeconds: inputs.durationSeconds,
    oomScoreAdj: 0,
    nodeMemoryBytes: pod.spec?.nodeName ? (state.capacities.get(pod.spec.nodeName) ?? null) : null,
  });
  const object = buildStressChaos({
    namespace: target.namespace,
    podName: target.pod,
    containerName: container,
    sizeText: inputs.sizeText,
    workers: inputs.workers,
    duration: inputs.duration,
    labels: { [EXTENSION_LABEL]: EXTENSION_LABEL_VALUE },
    nameSuffix: Date.now().toString(36),
  });
  const document = await openPreview(target, container, prediction, object);

  const confirmed = await confirmClusterChange({
    context: target.context,
    namespace: target.namespace,
    action: vscode.l10n.t('Stress memory of pod {0} (container {1})', target.pod, container),
    detail: `${prediction.lines.join('\n')}\n\n${vscode.l10n.t('The StressChaos is open in the editor: edit it there before applying if you like.')}`,
    confirmLabel: vscode.l10n.t('Apply'),
  }, log);
  if (!confirmed) return { cancelled: 'not confirmed' };

  const edited = readDocument(document, target);
  if ('error' in edited) return cancel(edited.error);
  try {
    const created = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Applying StressChaos {0}…', edited.object.metadata?.name ?? '') },
      () => state.client.createStressChaos(edited.object),
    );
    log.info(`created StressChaos ${created.metadata?.namespace}/${created.metadata?.name} in context ${target.context}`);
    running.add({ context: target.context, namespace: created.metadata?.namespace ?? target.namespace, name: created.metadata?.name ?? '', endsAt: experimentEndsAt(created) });
    void showStressResults(state, created, log);
    return { created, prediction };
  } catch (e) {
    const message = e instanceof ClusterError ? e.message : String(e);
    log.error(`StressChaos not created: ${message}`);
    void vscode.window.showErrorMessage(message);
    return { cancelled: message };
  }
}

function cancel(why: string): StressOutcome {
  void vscode.window.showErrorMessage(why);
  return { cancelled: why };
}

function targetOf(node: PodsNode | undefined): Target | undefined {
  if (node?.kind === 'pod') return { context: node.context, namespace: node.namespace, pod: node.name };
  if (node?.kind === 'container') return { context: node.context, namespace: node.namespace, pod: node.pod, container: node.name };
  return undefined;
}

async function pickTarget(pods: PodsTreeProvider): Promise<Target | undefined> {
  const items = pods.podsInView().map((t) => ({ label: t.pod, description: `${t.namespace} · ${t.context}`, target: t }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Expand a namespace in the Pods view first: Stress Memory… works on the pods shown there.'));
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Stress memory of which pod?') }))?.target;
}

async function pickContainer(pod: Pod): Promise<string | undefined> {
  const containers = runningContainers(pod);
  if (containers.length === 1) return containers[0]!.name;
  const items = containers.map((c) => {
    const limit = containerMemoryResources(pod, c.name).limitBytes;
    return { label: c.name, description: limit === null ? vscode.l10n.t('no memory limit') : vscode.l10n.t('limit {0}', formatBytes(limit)) };
  });
  return (await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Stress which container of {0}?', pod.metadata?.name ?? '') }))?.label;
}

interface Inputs {
  readonly sizeBytes: bigint;
  readonly sizeText: string;
  readonly workers: number;
  readonly duration: string;
  readonly durationSeconds: number;
}

async function askInputs(target: Target, container: string, limit: bigint | null, node?: { name: string; memoryBytes: bigint | null }): Promise<Inputs | undefined> {
  const defaults = readConfig().stress;
  // The default size proposed must fit the node the pod runs on (the setting knows no node).
  const proposed = readStressSizeInput(defaults.defaultSize, limit);
  let defaultSize = defaults.defaultSize;
  if (node && !('error' in proposed)) {
    const checked = defaultSizeForNode(defaults.defaultSize, proposed.bytes, node.memoryBytes, node.name);
    if (checked.problem) reportSettingProblem(checked.problem);
    defaultSize = checked.size;
  }
  const title = vscode.l10n.t('Stress memory of {0}/{1}', target.pod, container);
  const limitText = limit === null ? vscode.l10n.t('this container has no memory limit') : vscode.l10n.t('its limit is {0}', formatBytes(limit));
  const sizeRaw = await vscode.window.showInputBox({
    title: `${title} (1/3)`,
    prompt: vscode.l10n.t('Size, in total across the workers: Chaos Mesh units (256MB, 1GiB), or N% of this container\'s limit ({0}).', limitText),
    value: defaultSize,
    ignoreFocusOut: true,
    validateInput: (v) => {
      const r = readStressSizeInput(v, limit);
      if ('error' in r) return r.error;
      return { message: r.ofLimitPercent !== undefined ? vscode.l10n.t('{0}% of the limit = {1}', r.ofLimitPercent, formatBytes(r.bytes, { exact: true })) : formatBytes(r.bytes, { exact: true }), severity: vscode.InputBoxValidationSeverity.Info };
    },
  });
  if (sizeRaw === undefined) return undefined;
  const size = readStressSizeInput(sizeRaw, limit);
  if ('error' in size) return undefined;
  const workersRaw = await vscode.window.showInputBox({
    title: `${title} (2/3)`,
    prompt: vscode.l10n.t('Memory workers. They share the size: each maps size ÷ workers.'),
    value: String(defaults.defaultWorkers),
    ignoreFocusOut: true,
    validateInput: (v) => {
      const w = readWorkersInput(v);
      return typeof w === 'number' ? { message: vscode.l10n.t('{0} each', formatBytes(size.bytes / BigInt(w))), severity: vscode.InputBoxValidationSeverity.Info } : w.error;
    },
  });
  if (workersRaw === undefined) return undefined;
  const workers = readWorkersInput(workersRaw);
  if (typeof workers !== 'number') return undefined;
  const durationRaw = await vscode.window.showInputBox({
    title: `${title} (3/3)`,
    prompt: vscode.l10n.t('Duration (Go duration: 60s, 5m, 1h30m). A stress from here always ends.'),
    value: defaults.defaultDuration,
    ignoreFocusOut: true,
    validateInput: (v) => {
      const d = readDurationInput(v);
      return 'error' in d ? d.error : undefined;
    },
  });
  if (durationRaw === undefined) return undefined;
  const duration = readDurationInput(durationRaw);
  if ('error' in duration) return undefined;
  return { sizeBytes: size.bytes, sizeText: size.text, workers, duration: duration.text, durationSeconds: duration.seconds };
}

/** The StressChaos as an untitled YAML document, the prediction above it as comments. */
async function openPreview(target: Target, container: string, prediction: StressPrediction, object: Record<string, unknown>): Promise<vscode.TextDocument> {
  const header = [
    `# Stress memory — context ${target.context}, namespace ${target.namespace}, pod ${target.pod}, container ${container}`,
    '# Predicted outcome (from the live figures, before anything is applied):',
    ...prediction.lines.map((l) => `#   ${l}`),
    '# Edit the StressChaos below if you like; Apply uses this document.',
  ];
  const content = `${header.join('\n')}\n${YAML.stringify(object)}`;
  const document = await vscode.workspace.openTextDocument({ language: 'yaml', content });
  await vscode.window.showTextDocument(document, { preview: false });
  return document;
}

/** The (possibly edited) document's StressChaos, checked to still be bounded and aimed at this namespace. */
function readDocument(document: vscode.TextDocument, target: Target): { object: StressChaos } | { error: string } {
  let parsed: unknown;
  try {
    parsed = YAML.parse(document.getText());
  } catch (e) {
    return { error: vscode.l10n.t('The StressChaos document is not valid YAML: {0}', e instanceof Error ? e.message : String(e)) };
  }
  if (!isStressChaos(parsed)) return { error: vscode.l10n.t('The document is no longer a StressChaos (apiVersion chaos-mesh.org/v1alpha1, kind StressChaos).') };
  const spec = (parsed as { spec?: { duration?: unknown } }).spec;
  if (typeof spec?.duration !== 'string' || spec.duration.trim() === '') return { error: vscode.l10n.t('The StressChaos has no duration: a stress from the Pods view never runs unbounded.') };
  const object = parsed as StressChaos;
  return { object: { ...object, metadata: { ...object.metadata, namespace: object.metadata?.namespace ?? target.namespace } } };
}

/**
 * After a successful create: where the experiment's results are shown. The results panel (issue
 * 11) takes this over; until then, report the experiment's status as Chaos Mesh injects it.
 */
export async function showStressResults(state: ClusterState, created: StressChaos, log: vscode.LogOutputChannel): Promise<void> {
  const namespace = created.metadata?.namespace ?? '';
  const name = created.metadata?.name ?? '';
  // The results panel follows the experiment from here: live curves, the expected plateau, OOM events.
  void vscode.commands.executeCommand('podMemoryChaos.showResults', { context: state.contextName, namespace, name });
  void vscode.window.showInformationMessage(vscode.l10n.t('StressChaos {0} created in {1}; waiting for Chaos Mesh to inject it…', name, namespace));
  try {
    const injected = await state.client.chaosMesh.waitFor(namespace, name, (o) => o === undefined || conditionStatus(o, 'AllInjected') === 'True', 'to be injected', { timeoutMs: 60_000, pollMs: 1000 });
    const records = injected?.status?.experiment.containerRecords ?? [];
    const text = injected === undefined
      ? vscode.l10n.t('StressChaos {0} was deleted before it was injected.', name)
      : vscode.l10n.t('StressChaos {0} injected into {1}.', name, records.map((r) => `${r.id} (${r.phase})`).join(', ') || namespace);
    log.info(text);
    void vscode.window.showInformationMessage(text);
  } catch (e) {
    const text = vscode.l10n.t('StressChaos {0} is not injected yet: {1}', name, e instanceof Error ? e.message : String(e));
    log.warn(text);
    void vscode.window.showWarningMessage(text);
  }
}
