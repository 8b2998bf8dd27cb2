// The StressChaos shapes the controller reads and writes (chaos-mesh.org/v1alpha1, CM
// api/v1alpha1/{stresschaos_types,selector,common_types}.go). Loose on input (objects come from users
// through the API server), exact on output (status is written the way the Go structs marshal).
import type { KObject } from '../store';

// Names and status shapes come from the pure domain (src/core/stressChaos.ts), the one place that
// writes Chaos Mesh's model down; the sandbox's controller only adds its loose input types.
export {
  CHAOS_MESH_GROUP as GROUP,
  CHAOS_MESH_API_VERSION as API_VERSION,
  STRESS_CHAOS_KIND as KIND,
  STRESS_CHAOS_PLURAL as RESOURCE,
  RECORDS_FINALIZER as RECORD_FINALIZER,
  PAUSE_ANNOTATION,
  CLEAN_FINALIZER_ANNOTATION,
  CLEAN_FINALIZER_FORCED,
  RECORD_PHASE_NOT_INJECTED as PHASE_NOT_INJECTED,
  RECORD_PHASE_INJECTED as PHASE_INJECTED,
} from '../../../src/core/stressChaos';
export type { DesiredPhase, RecordEvent, ContainerRecord, StressInstance, ChaosCondition, StressChaosStatus } from '../../../src/core/stressChaos';
import type { StressChaosStatus } from '../../../src/core/stressChaos';

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
