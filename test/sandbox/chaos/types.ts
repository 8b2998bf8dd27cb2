// The StressChaos shapes the controller reads and writes (chaos-mesh.org/v1alpha1, CM
// api/v1alpha1/{stresschaos_types,selector,common_types}.go). Loose on input (objects come from users
// through the API server), exact on output (status is written the way the Go structs marshal).
import type { KObject } from '../store';

export const GROUP = 'chaos-mesh.org';
export const API_VERSION = 'chaos-mesh.org/v1alpha1';
export const KIND = 'StressChaos';
export const RESOURCE = 'stresschaos';

/** CM controllers/common/finalizers: RecordFinalizer. */
export const RECORD_FINALIZER = 'chaos-mesh/records';
/** CM api/v1alpha1/common_types.go: PauseAnnotationKey (only the exact value "true" pauses). */
export const PAUSE_ANNOTATION = 'experiment.chaos-mesh.org/pause';
/** CM controllers/common/finalizers: AnnotationCleanFinalizer / AnnotationCleanFinalizerForced. */
export const CLEAN_FINALIZER_ANNOTATION = 'chaos-mesh.chaos-mesh.org/cleanFinalizer';
export const CLEAN_FINALIZER_FORCED = 'forced';

export const PHASE_NOT_INJECTED = 'Not Injected';
export const PHASE_INJECTED = 'Injected';
export type DesiredPhase = 'Run' | 'Stop';

/** pkg/config/controller.go MAX_EVENTS default: record events kept per record. */
export const MAX_RECORD_EVENTS = 100;

export interface ExpressionSelector {
  key?: string;
  operator?: string;
  values?: string[] | null;
}

export interface PodSelectorSpec {
  namespaces?: string[] | null;
  fieldSelectors?: Record<string, string> | null;
  labelSelectors?: Record<string, string> | null;
  expressionSelectors?: ExpressionSelector[] | null;
  annotationSelectors?: Record<string, string> | null;
  nodes?: string[] | null;
  pods?: Record<string, string[] | null> | null;
  nodeSelectors?: Record<string, string> | null;
  podPhaseSelectors?: string[] | null;
}

export interface MemoryStressorSpec {
  workers?: number;
  size?: string;
  oomScoreAdj?: number;
  options?: string[] | null;
}

export interface CpuStressorSpec {
  workers?: number;
  load?: number | null;
  options?: string[] | null;
}

export interface StressChaosSpec {
  selector?: PodSelectorSpec;
  mode?: string;
  value?: string;
  containerNames?: string[] | null;
  stressors?: { memory?: MemoryStressorSpec | null; cpu?: CpuStressorSpec | null } | null;
  stressngStressors?: string;
  duration?: string | null;
  remoteCluster?: string;
}

export interface RecordEvent {
  type: 'Succeeded' | 'Failed';
  operation: 'Apply' | 'Recover';
  message?: string;
  timestamp: string;
}

export interface ContainerRecord {
  id: string;
  selectorKey: string;
  phase: string;
  injectedCount: number;
  recoveredCount: number;
  events?: RecordEvent[];
}

export interface StressInstance {
  uid?: string;
  memoryUid?: string;
  startTime?: string;
  memoryStartTime?: string;
}

export interface ChaosCondition {
  type: 'Selected' | 'AllInjected' | 'AllRecovered' | 'Paused';
  status: 'True' | 'False';
  reason?: string;
}

export interface StressChaosStatus {
  conditions?: ChaosCondition[];
  experiment: { desiredPhase?: DesiredPhase; containerRecords?: ContainerRecord[] };
  instances?: Record<string, StressInstance>;
}

export interface StressChaos extends KObject {
  spec: StressChaosSpec;
  status?: StressChaosStatus;
}

/** metav1.Time marshals to RFC 3339 with whole seconds. */
export function metaTime(d: Date = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function statusOf(obj: StressChaos): StressChaosStatus {
  const status = (obj.status ??= { experiment: {} });
  status.experiment ??= {};
  return status;
}
