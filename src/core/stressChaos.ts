/**
 * Chaos Mesh StressChaos (`chaos-mesh.org/v1alpha1`): the object model, the constants the controller and
 * dashboard use, and Chaos Mesh's admission webhooks re-implemented as pure functions.
 *
 * Source: CM = chaos-mesh/chaos-mesh @ 608b61e7 (identical to v2.8.3 for everything here; its published
 * examples are in test/fixtures/upstream-stresschaos). The webhook emulation follows CM
 * api/genericwebhook (a breadth-first walk over the Go struct that calls every field validator),
 * api/v1alpha1/{stresschaos,common}_webhook.go and apimachinery's field.Error / ErrorList.ToAggregate
 * rendering, so the text matches what kubectl prints.
 */
import { goAtoi, goFields, goQuote, stressSizeWebhookDetail } from './stressSize';

// ---------------------------------------------------------------------------------------------------
// Identity and well-known names.

export const CHAOS_MESH_GROUP = 'chaos-mesh.org';
export const CHAOS_MESH_VERSION = 'v1alpha1';
export const CHAOS_MESH_API_VERSION = 'chaos-mesh.org/v1alpha1';
export const STRESS_CHAOS_KIND = 'StressChaos';
export const STRESS_CHAOS_LIST_KIND = 'StressChaosList';
/** Plural and singular are the same word; the CRD has no short names and no categories. */
export const STRESS_CHAOS_PLURAL = 'stresschaos';
export const STRESS_CHAOS_SINGULAR = 'stresschaos';
export const STRESS_CHAOS_CRD_NAME = 'stresschaos.chaos-mesh.org';

/** Only the exact value `"true"` pauses (CM `IsPaused`); the dashboard resumes by writing `"false"`. */
export const PAUSE_ANNOTATION = 'experiment.chaos-mesh.org/pause';
/** Added on creation; removed once every record is recovered (CM controllers/common/finalizers). */
export const RECORDS_FINALIZER = 'chaos-mesh/records';
/** Setting this annotation to {@link CLEAN_FINALIZER_FORCED} removes the finalizer without recovering. */
export const CLEAN_FINALIZER_ANNOTATION = 'chaos-mesh.chaos-mesh.org/cleanFinalizer';
export const CLEAN_FINALIZER_FORCED = 'forced';
/** Label a Schedule puts on the chaos objects it spawns. */
export const MANAGED_BY_LABEL = 'managed-by';
export const WORKFLOW_CONTROLLED_BY_LABEL = 'chaos-mesh.org/controlled-by';
export const WORKFLOW_LABEL = 'chaos-mesh.org/workflow';

export const VALIDATING_WEBHOOK_NAME = 'vstresschaos.kb.io';
export const MUTATING_WEBHOOK_NAME = 'mstresschaos.kb.io';

export const SELECTOR_MODES = ['one', 'all', 'fixed', 'fixed-percent', 'random-max-percent'] as const;
export type SelectorMode = (typeof SELECTOR_MODES)[number];

/** `status.experiment.containerRecords[].phase`; note the space in "Not Injected". */
export const RECORD_PHASE_NOT_INJECTED = 'Not Injected';
export const RECORD_PHASE_INJECTED = 'Injected';
export type RecordPhase = typeof RECORD_PHASE_NOT_INJECTED | typeof RECORD_PHASE_INJECTED;

export const CONDITION_TYPES = ['Selected', 'AllInjected', 'AllRecovered', 'Paused'] as const;
export type ChaosConditionType = (typeof CONDITION_TYPES)[number];

export const DESIRED_PHASE_RUN = 'Run';
export const DESIRED_PHASE_STOP = 'Stop';
export type DesiredPhase = typeof DESIRED_PHASE_RUN | typeof DESIRED_PHASE_STOP;

/** Maximum `workers` the CRD schema allows for each stressor. */
export const MAX_WORKERS = 8192;

/** States the Chaos Mesh dashboard shows (CM pkg/status/status.go). */
export type ExperimentState = 'injecting' | 'running' | 'paused' | 'finished' | 'deleting';

// ---------------------------------------------------------------------------------------------------
// Types (JSON shapes as stored by the API server).

export interface LabelSelectorRequirement {
  key: string;
  /** `In`, `NotIn`, `Exists`, `DoesNotExist` (not enforced by the schema). */
  operator: string;
  values?: string[];
}

export interface PodSelectorSpec {
  namespaces?: string[];
  fieldSelectors?: Record<string, string>;
  labelSelectors?: Record<string, string>;
  expressionSelectors?: LabelSelectorRequirement[];
  annotationSelectors?: Record<string, string>;
  nodes?: string[];
  /** namespace → pod names */
  pods?: Record<string, string[]>;
  nodeSelectors?: Record<string, string>;
  /** `Pending` / `Running` / `Succeeded` / `Failed` / `Unknown` (not enforced by the schema). */
  podPhaseSelectors?: string[];
}

export interface MemoryStressor {
  workers: number;
  /** TOTAL across workers (memStress splits it), not per worker as the CRD text says. */
  size?: string;
  /** -1000..1000, default 0 (no change). */
  oomScoreAdj?: number;
  /** memStress flags, not stress-ng ones. */
  options?: string[];
}

export interface CpuStressor {
  workers: number;
  /** 0..100 percent per worker. */
  load?: number;
  options?: string[];
}

export interface Stressors {
  memory?: MemoryStressor;
  cpu?: CpuStressor;
}

export interface StressChaosSpec {
  mode: SelectorMode;
  value?: string;
  selector: PodSelectorSpec;
  containerNames?: string[];
  stressors?: Stressors;
  /** Ignored at runtime by current Chaos Mesh (chaos-mesh#3783). */
  stressngStressors?: string;
  duration?: string;
  remoteCluster?: string;
}

export interface ChaosCondition {
  type: ChaosConditionType;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
}

export interface RecordEvent {
  type: 'Succeeded' | 'Failed';
  operation: 'Apply' | 'Recover';
  message?: string;
  timestamp: string;
}

export interface ContainerRecord {
  /** `<namespace>/<pod>/<container>` */
  id: string;
  selectorKey: string;
  phase: RecordPhase | string;
  injectedCount: number;
  recoveredCount: number;
  events?: RecordEvent[];
}

export interface StressInstance {
  /** PID of stress-ng, as a string (absent without a CPU stressor). */
  uid?: string;
  /** PID of memStress, as a string (absent without a memory stressor). */
  memoryUid?: string;
  startTime?: string;
  memoryStartTime?: string;
}

export interface StressChaosStatus {
  conditions?: ChaosCondition[];
  experiment: {
    desiredPhase?: DesiredPhase;
    containerRecords?: ContainerRecord[];
  };
  instances?: Record<string, StressInstance>;
}

export interface ObjectMetaLike {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string | null;
  deletionTimestamp?: string | null;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  [key: string]: unknown;
}

export interface StressChaos {
  apiVersion: typeof CHAOS_MESH_API_VERSION;
  kind: typeof STRESS_CHAOS_KIND;
  metadata: ObjectMetaLike;
  spec: StressChaosSpec;
  status?: StressChaosStatus;
}

// ---------------------------------------------------------------------------------------------------
// Helpers.

export function isStressChaos(obj: unknown): obj is StressChaos {
  return isRecord(obj) && obj.apiVersion === CHAOS_MESH_API_VERSION && obj.kind === STRESS_CHAOS_KIND;
}

/** CM `IsPaused`: the pause annotation is exactly `"true"`. */
export function isPaused(obj: { metadata?: { annotations?: Record<string, string> | null } | null }): boolean {
  return obj.metadata?.annotations?.[PAUSE_ANNOTATION] === 'true';
}

export function isDeleted(obj: { metadata?: { deletionTimestamp?: string | null } | null }): boolean {
  return typeof obj.metadata?.deletionTimestamp === 'string' && obj.metadata.deletionTimestamp !== '';
}

/**
 * Whether the duration has run out: creationTimestamp + duration is before `now` (CM
 * `DurationExceeded`). Time spent paused is not added back. Without a duration it never runs out. An
 * object that was never stored (no creationTimestamp) has not started, so it has not run out either.
 */
export function durationExceeded(obj: Pick<StressChaos, 'metadata' | 'spec'>, now: Date): boolean {
  const d = obj.spec?.duration;
  if (typeof d !== 'string') return false;
  const parsed = goParseDuration(d);
  if ('error' in parsed) return false;
  const created = obj.metadata?.creationTimestamp;
  if (typeof created !== 'string') return false;
  const createdMs = Date.parse(created);
  if (Number.isNaN(createdMs)) return false;
  // Go compares nanoseconds; creationTimestamp has whole seconds, so exact in BigInt nanoseconds.
  const stopNs = BigInt(createdMs) * 1_000_000n + parsed.nanoseconds;
  return stopNs < BigInt(now.getTime()) * 1_000_000n;
}

/**
 * The dashboard's summary state (CM pkg/status/status.go `GetChaosStatus`), checked in this order:
 * deleting, paused (the Paused condition is True), finished, running (Selected and AllInjected True),
 * otherwise injecting. Finished (CM `IsChaosFinished`) needs desiredPhase ≠ Run, every record
 * "Not Injected", and the duration exceeded — so an experiment without a duration never finishes. A
 * duration that does not parse skips the duration test, as the Go code does.
 */
export function experimentState(obj: Pick<StressChaos, 'metadata' | 'spec' | 'status'>, now: Date = new Date()): ExperimentState {
  if (isDeleted(obj)) return 'deleting';
  let selected = false;
  let allInjected = false;
  for (const c of obj.status?.conditions ?? []) {
    if (c?.status !== 'True') continue;
    if (c.type === 'Paused') return 'paused';
    if (c.type === 'Selected') selected = true;
    if (c.type === 'AllInjected') allInjected = true;
  }
  if (isFinished(obj, now)) return 'finished';
  return selected && allInjected ? 'running' : 'injecting';
}

function isFinished(obj: Pick<StressChaos, 'metadata' | 'spec' | 'status'>, now: Date): boolean {
  const experiment = obj.status?.experiment;
  let finished = true;
  if (experiment?.desiredPhase === DESIRED_PHASE_RUN) finished = false;
  else {
    for (const r of experiment?.containerRecords ?? []) {
      if (r?.phase !== RECORD_PHASE_NOT_INJECTED) finished = false;
    }
  }
  const d = obj.spec?.duration;
  if (typeof d === 'string' && 'error' in goParseDuration(d)) return finished;
  return durationExceeded(obj, now) ? finished : false;
}

/** Condition status by type, `undefined` when the controller has not written it yet. */
export function conditionStatus(obj: Pick<StressChaos, 'status'>, type: ChaosConditionType): string | undefined {
  return obj.status?.conditions?.find((c) => c?.type === type)?.status;
}

// ---------------------------------------------------------------------------------------------------
// Go time.ParseDuration.

const DURATION_UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const TWO63 = 1n << 63n;

/**
 * Go `time.ParseDuration` (Go 1.25): same grammar (`[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, units ns us µs ms
 * s m h, case-sensitive; `0` alone needs no unit), same overflow limits and the same error strings
 * (`time: unknown unit "S" in duration "400S"`). Returns nanoseconds.
 */
export function goParseDuration(orig: string): { nanoseconds: bigint } | { error: string } {
  const invalid = { error: `time: invalid duration ${goTimeQuote(orig)}` };
  // Work on UTF-8 bytes like Go; units may be non-ASCII (µs).
  const b = new TextEncoder().encode(orig);
  let i = 0;
  let neg = false;
  if (b.length > 0 && (b[0] === 0x2d || b[0] === 0x2b)) {
    neg = b[0] === 0x2d;
    i = 1;
  }
  if (b.length - i === 1 && b[i] === 0x30) return { nanoseconds: 0n };
  if (i === b.length) return invalid;
  const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
  let d = 0n;
  while (i < b.length) {
    let v = 0n;
    let f = 0n;
    let scale = 1; // float64 in Go
    if (!(b[i] === 0x2e || isDigit(b[i]))) return invalid;
    // leadingInt
    const start = i;
    for (; i < b.length && isDigit(b[i]); i++) {
      if (v > TWO63 / 10n) return invalid;
      v = v * 10n + BigInt(b[i] - 0x30);
      if (v > TWO63) return invalid;
    }
    const pre = i !== start;
    let post = false;
    if (i < b.length && b[i] === 0x2e) {
      i++;
      const fracStart = i;
      let overflow = false;
      for (; i < b.length && isDigit(b[i]); i++) {
        if (overflow) continue;
        if (f > (TWO63 - 1n) / 10n) {
          overflow = true;
          continue;
        }
        const y = f * 10n + BigInt(b[i] - 0x30);
        if (y > TWO63) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      post = i !== fracStart;
    }
    if (!pre && !post) return invalid;
    const unitStart = i;
    for (; i < b.length; i++) {
      if (b[i] === 0x2e || isDigit(b[i])) break;
    }
    if (i === unitStart) return { error: `time: missing unit in duration ${goTimeQuote(orig)}` };
    const u = new TextDecoder().decode(b.subarray(unitStart, i));
    const unit = Object.prototype.hasOwnProperty.call(DURATION_UNITS, u) ? DURATION_UNITS[u] : undefined;
    if (unit === undefined) {
      return { error: `time: unknown unit ${goTimeQuoteBytes(b.subarray(unitStart, i))} in duration ${goTimeQuote(orig)}` };
    }
    if (v > TWO63 / unit) return invalid;
    v *= unit;
    if (f > 0n) {
      // Go: v += uint64(float64(f) * (float64(unit) / scale))
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > TWO63) return invalid;
    }
    d += v;
    if (d > TWO63) return invalid;
  }
  if (neg) return { nanoseconds: -d };
  if (d > TWO63 - 1n) return invalid;
  return { nanoseconds: d };
}

/** The `quote` helper of Go's time package: non-ASCII and control bytes as `\xNN`. */
function goTimeQuote(s: string): string {
  return goTimeQuoteBytes(new TextEncoder().encode(s));
}

function goTimeQuoteBytes(b: Uint8Array): string {
  let out = '"';
  for (const c of b) {
    if (c >= 0x80 || c < 0x20) out += '\\x' + c.toString(16).padStart(2, '0');
    else {
      if (c === 0x22 || c === 0x5c) out += '\\';
      out += String.fromCharCode(c);
    }
  }
  return out + '"';
}

// ---------------------------------------------------------------------------------------------------
// Mutating webhook (mstresschaos.kb.io) and CRD defaulting.

/**
 * What the API server stores for a StressChaos it admits, as far as defaulting goes:
 * - Chaos Mesh's mutating webhook sets `spec.selector.namespaces` to `[namespace]` when it is empty
 *   (`PodSelector.Default`), using the object's namespace, or `requestNamespace` when the manifest has
 *   none (the API server fills it from the request URL before admission);
 * - the webhook answers with a JSON patch from the original object to the Go struct marshalled back, so
 *   every field Go marshals without `omitempty` and the manifest lacked is added with its zero value:
 *   `spec.mode: ""`, `spec.selector: {}`, `workers: 0` in a stressor, `key`/`operator` in expression
 *   selectors, and `status: {experiment: {}}` (inferred from controller-runtime's CustomDefaulter; this is
 *   why a stressor without `workers` is admitted with 0 workers when Chaos Mesh is installed);
 * - the CRD schema's default `oomScoreAdj: 0` for a memory stressor.
 * The input is not modified.
 */
export function stressChaosDefaults<T>(obj: T, requestNamespace?: string): T {
  if (!isRecord(obj)) return obj;
  const out = structuredClone(obj) as Record<string, unknown>;
  const metadata = isRecord(out.metadata) ? out.metadata : (out.metadata = {});
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : requestNamespace ?? '';
  const spec = isRecord(out.spec) ? out.spec : (out.spec = {});
  const selector = isRecord(spec.selector) ? spec.selector : (spec.selector = {});
  if (!Array.isArray(selector.namespaces) || selector.namespaces.length === 0) selector.namespaces = [namespace];
  if (spec.mode === undefined || spec.mode === null) spec.mode = '';
  if (Array.isArray(selector.expressionSelectors)) {
    for (const req of selector.expressionSelectors) {
      if (!isRecord(req)) continue;
      if (req.key === undefined || req.key === null) req.key = '';
      if (req.operator === undefined || req.operator === null) req.operator = '';
    }
  }
  if (isRecord(spec.stressors)) {
    const { memory, cpu } = spec.stressors;
    if (isRecord(memory)) {
      if (memory.workers === undefined || memory.workers === null) memory.workers = 0;
      if (memory.oomScoreAdj === undefined || memory.oomScoreAdj === null) memory.oomScoreAdj = 0;
    }
    if (isRecord(cpu) && (cpu.workers === undefined || cpu.workers === null)) cpu.workers = 0;
  }
  if (!isRecord(out.status)) out.status = { experiment: {} };
  else if (!isRecord(out.status.experiment)) out.status.experiment = {};
  return out as T;
}

// ---------------------------------------------------------------------------------------------------
// Validating webhook (vstresschaos.kb.io).

/** One `field.Invalid` error of Chaos Mesh's validating webhook. */
export interface WebhookFieldError {
  /** Go field path as Chaos Mesh prints it, e.g. `Spec.Stressors.MemoryStressor.Size`. */
  field: string;
  /** JSON path of the offending value in the object, e.g. `['spec','stressors','memory','size']`. */
  path: (string | number)[];
  /** Chaos Mesh's exact detail string. */
  detail: string;
  /** The offending value (a JSON value). */
  value?: unknown;
  /** The error exactly as apimachinery renders it: `<field>: Invalid value: <value>: <detail>`. */
  message: string;
}

/** `ErrCanNotUpdateChaos`: the webhook refuses any UPDATE that changes `spec`. */
export const CANNOT_UPDATE_CHAOS_SPEC = 'Cannot update chaos spec';

/**
 * Chaos Mesh's validating webhook for a StressChaos, as a pure function. Pass the object as the webhook
 * receives it, i.e. after {@link stressChaosDefaults}, for byte-exact messages (the namespace default
 * shows up in the value of a `missing stressors` error). Values of the wrong JSON type are the schema's
 * business (the webhook never sees them) and are ignored here.
 *
 * The order is the webhook's: genericwebhook walks the Go struct breadth first. Because
 * `ContainerSelector` embeds `PodSelector`, Go promotes `PodSelector.Validate` to it, so the mode/value
 * rule runs twice and reports at `Spec.ContainerSelector.value` and at
 * `Spec.ContainerSelector.PodSelector.value` (inferred from Go's method-set rules; both have the same
 * JSON path `spec.value`). `workers > 0` is NOT checked (that validator is dead code upstream).
 */
export function stressChaosWebhookErrors(obj: unknown): WebhookFieldError[] {
  const root = isRecord(obj) ? obj : {};
  const spec = isRecord(root.spec) ? root.spec : {};
  return specWebhookErrors(spec, { goPrefix: 'Spec', jsonPrefix: ['spec'] });
}

/** Where an embedded StressChaos spec sits, for Schedule/Workflow validation. */
export interface SpecLocation {
  goPrefix: string;
  jsonPrefix: (string | number)[];
}

/** The webhook rules for a StressChaosSpec found at `at` (a standalone object, or one embedded). */
export function specWebhookErrors(spec: Record<string, unknown>, at: SpecLocation): WebhookFieldError[] {
  const depth1: WebhookFieldError[] = [];
  const depth2: WebhookFieldError[] = [];
  const depth3: WebhookFieldError[] = [];
  const depth4: WebhookFieldError[] = [];
  const g = (suffix: string) => (suffix ? `${at.goPrefix}.${suffix}` : at.goPrefix);
  const j = (...rest: (string | number)[]) => [...at.jsonPrefix, ...rest];

  const stressors = isRecord(spec.stressors) ? spec.stressors : undefined;
  const stressng = typeof spec.stressngStressors === 'string' ? spec.stressngStressors : '';
  // StressChaosSpec.Validate
  if (stressng.length === 0 && stressors === undefined) {
    depth1.push(invalid(g(''), j(), goJsonSpec(spec), 'missing stressors', spec));
  }
  // ContainerSelector (promoted PodSelector.Validate), then PodSelector itself one level deeper.
  const podSelectorErrors = (goPath: string) => podSelectorValueErrors(spec, goPath, j('value'));
  depth2.push(...podSelectorErrors(g('ContainerSelector')));
  // Stressors.Validate
  if (stressors !== undefined && !isRecord(stressors.memory) && !isRecord(stressors.cpu)) {
    depth2.push(invalid(g('Stressors'), j('stressors'), '{}', 'missing stressors', stressors));
  }
  // Duration.Validate (webhook:"Duration" on a *string): only when present and non-empty.
  if (typeof spec.duration === 'string' && spec.duration.length > 0) {
    const parsed = goParseDuration(spec.duration);
    if ('error' in parsed) {
      depth2.push(invalid(g('Duration'), j('duration'), goJsonString(spec.duration), `parse duration field error: ${parsed.error}`, spec.duration));
    }
  }
  depth3.push(...podSelectorErrors(g('ContainerSelector.PodSelector')));
  // Bytes.Validate on MemoryStressor.Size
  const memory = stressors && isRecord(stressors.memory) ? stressors.memory : undefined;
  if (memory && typeof memory.size === 'string') {
    const detail = stressSizeWebhookDetail(memory.size);
    if (detail !== undefined) {
      depth4.push(invalid(g('Stressors.MemoryStressor.Size'), j('stressors', 'memory', 'size'), goJsonString(memory.size), detail, memory.size));
    }
  }
  return [...depth1, ...depth2, ...depth3, ...depth4];
}

function podSelectorValueErrors(spec: Record<string, unknown>, goPath: string, jsonPath: (string | number)[]): WebhookFieldError[] {
  const mode = typeof spec.mode === 'string' ? spec.mode : '';
  const value = typeof spec.value === 'string' ? spec.value : '';
  const field = `${goPath}.value`;
  const err = (detail: string) => [invalid(field, jsonPath, goQuote(value), detail, value)];
  if (mode === 'fixed') {
    const n = goAtoi(value);
    if ('error' in n) return err(`parse value field error:${n.error}`);
    if (n.value <= 0n) return err('value must be greater than 0 with mode:fixed');
  } else if (mode === 'fixed-percent' || mode === 'random-max-percent') {
    const n = goAtoi(value);
    if ('error' in n) return err(`parse value field error:${n.error}`);
    // Go's int is 64-bit; %d prints it as is.
    if (n.value <= 0n || n.value > 100n) return err(`value of ${n.value} is invalid, Must be (0,100] with mode:${mode}`);
  }
  return [];
}

function invalid(field: string, path: (string | number)[], renderedValue: string, detail: string, value: unknown): WebhookFieldError {
  return { field, path, detail, value, message: `${field}: Invalid value: ${renderedValue}: ${detail}` };
}

/**
 * The UPDATE rule: `Cannot update chaos spec` when `reflect.DeepEqual(old.Spec, new.Spec)` is false,
 * compared on the Go struct (unknown fields dropped; a missing list differs from an empty one; a missing
 * string equals ""). Annotation-only changes such as pausing pass.
 */
export function stressChaosUpdateError(oldObj: unknown, newObj: unknown): string | undefined {
  const oldSpec = isRecord(oldObj) && isRecord(oldObj.spec) ? oldObj.spec : {};
  const newSpec = isRecord(newObj) && isRecord(newObj.spec) ? newObj.spec : {};
  return goSpecValue(oldSpec) === goSpecValue(newSpec) ? undefined : CANNOT_UPDATE_CHAOS_SPEC;
}

/**
 * The text kube-apiserver returns when the validating webhook denies a request:
 * `admission webhook "vstresschaos.kb.io" denied the request: <errors>`, the errors joined as
 * `ErrorList.ToAggregate()` does (one error as is, several as `[e1, e2]`, repeated messages once).
 * Pass {@link CANNOT_UPDATE_CHAOS_SPEC} (a string) for the update rule.
 */
export function admissionDeniedMessage(errors: WebhookFieldError[] | string, webhookName: string = VALIDATING_WEBHOOK_NAME): string {
  return `admission webhook ${goQuote(webhookName)} denied the request: ${typeof errors === 'string' ? errors : aggregateMessage(errors.map((e) => e.message))}`;
}

/** apimachinery `ErrorList.ToAggregate().Error()` over already rendered messages. */
export function aggregateMessage(messages: string[]): string {
  const unique = [...new Set(messages)];
  if (unique.length === 0) return '';
  if (unique.length === 1) return unique[0];
  return `[${unique.join(', ')}]`;
}

export type AdmissionResult =
  | { allowed: true; object: Record<string, unknown> }
  | { allowed: false; message: string; errors: WebhookFieldError[] };

/**
 * Both Chaos Mesh webhooks in the order the API server calls them (mutating, then — after the schema,
 * which is not checked here — validating), for a sandbox API server that wants to behave like a cluster
 * with Chaos Mesh installed. For UPDATE pass `oldObject`.
 */
export function admitStressChaos(
  obj: unknown,
  options: { operation: 'CREATE' | 'UPDATE'; requestNamespace?: string; oldObject?: unknown },
): AdmissionResult {
  const object = stressChaosDefaults(isRecord(obj) ? obj : {}, options.requestNamespace);
  if (options.operation === 'UPDATE') {
    const updateError = stressChaosUpdateError(options.oldObject, object);
    if (updateError !== undefined) return { allowed: false, message: admissionDeniedMessage(updateError), errors: [] };
  }
  const errors = stressChaosWebhookErrors(object);
  if (errors.length > 0) return { allowed: false, message: admissionDeniedMessage(errors), errors };
  return { allowed: true, object };
}

// ---------------------------------------------------------------------------------------------------
// Go encoding/json rendering of the spec (what field.Invalid prints for a struct value).

/** Go `json.Marshal` of a string: HTML-safe escaping as encoding/json does. */
export function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (cp === 0x0a) out += '\\n';
    else if (cp === 0x0d) out += '\\r';
    else if (cp === 0x09) out += '\\t';
    else if (cp === 0x08) out += '\\b';
    else if (cp === 0x0c) out += '\\f';
    else if (cp < 0x20 || ch === '<' || ch === '>' || ch === '&' || cp === 0x2028 || cp === 0x2029) {
      out += '\\u' + cp.toString(16).padStart(4, '0');
    } else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else out += ch;
  }
  return out + '"';
}

type GoField = [jsonName: string, render: (v: unknown) => string | undefined];

const str = (omitEmpty: boolean) => (v: unknown) => {
  const s = typeof v === 'string' ? v : '';
  return omitEmpty && s === '' ? undefined : goJsonString(s);
};
const int = (omitEmpty: boolean) => (v: unknown) => {
  const n = typeof v === 'number' && Number.isInteger(v) ? v : 0;
  return omitEmpty && n === 0 ? undefined : String(n);
};
const intPtr = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? String(v) : undefined);
const strPtr = (v: unknown) => (typeof v === 'string' ? goJsonString(v) : undefined);
const strList = (v: unknown) =>
  Array.isArray(v) && v.length > 0 ? `[${v.map((x) => goJsonString(typeof x === 'string' ? x : '')).join(',')}]` : undefined;
const strMap = (render: (v: unknown) => string) => (v: unknown) => {
  if (!isRecord(v)) return undefined;
  const keys = sortGoKeys(Object.keys(v));
  if (keys.length === 0) return undefined;
  return `{${keys.map((k) => `${goJsonString(k)}:${render(v[k])}`).join(',')}}`;
};
const stringValue = (x: unknown) => goJsonString(typeof x === 'string' ? x : '');
const nullableStrList = (x: unknown) => (Array.isArray(x) ? `[${x.map(stringValue).join(',')}]` : 'null');

function struct(fields: GoField[], v: unknown): string {
  const rec = isRecord(v) ? v : {};
  const parts: string[] = [];
  for (const [name, render] of fields) {
    const rendered = render(rec[name]);
    if (rendered !== undefined) parts.push(`${goJsonString(name)}:${rendered}`);
  }
  return `{${parts.join(',')}}`;
}

const requirementFields: GoField[] = [
  ['key', str(false)],
  ['operator', str(false)],
  ['values', strList],
];
const selectorFields: GoField[] = [
  ['namespaces', strList],
  ['fieldSelectors', strMap(stringValue)],
  ['labelSelectors', strMap(stringValue)],
  ['expressionSelectors', (v) => (Array.isArray(v) && v.length > 0 ? `[${v.map((r) => struct(requirementFields, r)).join(',')}]` : undefined)],
  ['annotationSelectors', strMap(stringValue)],
  ['nodes', strList],
  ['pods', strMap(nullableStrList)],
  ['nodeSelectors', strMap(stringValue)],
  ['podPhaseSelectors', strList],
];
const memoryFields: GoField[] = [
  ['workers', int(false)],
  ['size', str(true)],
  ['oomScoreAdj', int(true)],
  ['options', strList],
];
const cpuFields: GoField[] = [
  ['workers', int(false)],
  ['load', intPtr],
  ['options', strList],
];
const stressorsFields: GoField[] = [
  ['memory', (v) => (isRecord(v) ? struct(memoryFields, v) : undefined)],
  ['cpu', (v) => (isRecord(v) ? struct(cpuFields, v) : undefined)],
];
const specFields: GoField[] = [
  ['selector', (v) => struct(selectorFields, v)],
  ['mode', str(false)],
  ['value', str(true)],
  ['containerNames', strList],
  ['stressors', (v) => (isRecord(v) ? struct(stressorsFields, v) : undefined)],
  ['stressngStressors', str(true)],
  ['duration', strPtr],
  ['remoteCluster', str(true)],
];

/** `json.Marshal(StressChaosSpec)` in Go field order with Go's omitempty rules. */
export function goJsonSpec(spec: unknown): string {
  return struct(specFields, spec);
}

/** Go map keys marshal sorted by their UTF-8 bytes. */
function sortGoKeys(keys: string[]): string[] {
  const enc = new TextEncoder();
  return keys
    .map((k) => ({ k, b: enc.encode(k) }))
    .sort((a, b) => {
      const n = Math.min(a.b.length, b.b.length);
      for (let i = 0; i < n; i++) if (a.b[i] !== b.b[i]) return a.b[i] - b.b[i];
      return a.b.length - b.b.length;
    })
    .map((x) => x.k);
}

/** A canonical text of the Go struct value for DeepEqual: like the JSON, but nil and empty lists differ. */
function goSpecValue(spec: Record<string, unknown>): string {
  const list = (v: unknown) => (Array.isArray(v) ? `[${v.map((x) => JSON.stringify(typeof x === 'string' ? x : '')).join(',')}]` : 'nil');
  const map = (render: (x: unknown) => string) => (v: unknown) =>
    isRecord(v) ? `{${sortGoKeys(Object.keys(v)).map((k) => `${JSON.stringify(k)}:${render(v[k])}`).join(',')}}` : 'nil';
  const s = (v: unknown) => JSON.stringify(typeof v === 'string' ? v : '');
  const n = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? String(v) : '0');
  const ptr = (render: (x: unknown) => string) => (v: unknown) => (v === undefined || v === null ? 'nil' : `&${render(v)}`);
  const fields = (pairs: [string, (x: unknown) => string][]) => (v: unknown) => {
    const r = isRecord(v) ? v : {};
    return `{${pairs.map(([k, f]) => `${k}=${f(r[k])}`).join(' ')}}`;
  };
  const requirement = fields([['key', s], ['operator', s], ['values', list]]);
  const selector = fields([
    ['namespaces', list],
    ['fieldSelectors', map(s)],
    ['labelSelectors', map(s)],
    ['expressionSelectors', (v) => (Array.isArray(v) ? `[${v.map(requirement).join(',')}]` : 'nil')],
    ['annotationSelectors', map(s)],
    ['nodes', list],
    ['pods', map(list)],
    ['nodeSelectors', map(s)],
    ['podPhaseSelectors', list],
  ]);
  const memory = fields([['workers', n], ['size', s], ['oomScoreAdj', n], ['options', list]]);
  const cpu = fields([['workers', n], ['load', ptr(n)], ['options', list]]);
  const stressors = fields([['memory', ptr(memory)], ['cpu', ptr(cpu)]]);
  return fields([
    ['selector', selector],
    ['mode', s],
    ['value', s],
    ['containerNames', list],
    ['stressors', ptr(stressors)],
    ['stressngStressors', s],
    ['duration', ptr(s)],
    ['remoteCluster', s],
  ])(spec);
}

// ---------------------------------------------------------------------------------------------------
// How Chaos Mesh turns the stressors into command lines (CM `Stressors.Normalize` + chaos-daemon).

/**
 * The argument vectors chaos-daemon runs, after `Normalize()` and `strings.Fields`: memStress gets
 * `--workers N [--size S] [options…]`, stress-ng gets `--cpu-load-slice 10 --cpu-method sqrt --cpu N
 * [--cpu-load L] [options…]`. A stressor with `workers: 0` is skipped entirely (undefined). Options are
 * split on whitespace, so `"--cpu 2"` is two arguments. `stressngStressors` is ignored (chaos-mesh#3783).
 */
export function stressorCommandLines(stressors: unknown): { memStress?: string[]; stressNg?: string[] } {
  const out: { memStress?: string[]; stressNg?: string[] } = {};
  if (!isRecord(stressors)) return out;
  const memory = stressors.memory;
  if (isRecord(memory) && typeof memory.workers === 'number' && memory.workers !== 0) {
    let s = ` --workers ${memory.workers}`;
    if (typeof memory.size === 'string' && memory.size.length > 0) s += ` --size ${memory.size}`;
    for (const o of Array.isArray(memory.options) ? memory.options : []) s += ` ${typeof o === 'string' ? o : ''} `;
    out.memStress = goFields(s);
  }
  const cpu = stressors.cpu;
  if (isRecord(cpu) && typeof cpu.workers === 'number' && cpu.workers !== 0) {
    let s = ' --cpu-load-slice 10 --cpu-method sqrt';
    s += ` --cpu ${cpu.workers}`;
    if (typeof cpu.load === 'number') s += ` --cpu-load ${cpu.load}`;
    for (const o of Array.isArray(cpu.options) ? cpu.options : []) s += ` ${typeof o === 'string' ? o : ''} `;
    out.stressNg = goFields(s);
  }
  return out;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value at a JSON path (keys and array indexes) of parsed YAML/JSON, or undefined. */
export function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (isRecord(cur)) cur = cur[String(seg)];
    else return undefined;
  }
  return cur;
}
