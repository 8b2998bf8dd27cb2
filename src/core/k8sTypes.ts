/**
 * The few Kubernetes object shapes `src/core` reads, declared structurally so that core never
 * imports `@kubernetes/client-node` (not even its types). Every field is optional unless the API
 * always sets it, so both a client-node `V1Pod` (timestamps as `Date`) and plain JSON or YAML
 * (timestamps as RFC 3339 strings, quantities possibly as YAML numbers) fit these types.
 */

/** An RFC 3339 string as sent on the wire, or the `Date` client-node turns it into. */
export type Timestamp = string | Date;

/**
 * `resources.requests` / `resources.limits`: resource name to `resource.Quantity`. The API always
 * sends strings; a hand-written manifest may hold bare YAML numbers (`memory: 1073741824`).
 */
export type ResourceList = { readonly [resourceName: string]: string | number | undefined };

export interface ResourceRequirements {
  readonly requests?: ResourceList;
  readonly limits?: ResourceList;
}

export interface Probe {
  readonly failureThreshold?: number;
  readonly periodSeconds?: number;
  readonly initialDelaySeconds?: number;
  readonly timeoutSeconds?: number;
}

export interface Container {
  readonly name: string;
  readonly image?: string;
  readonly resources?: ResourceRequirements;
  /** Only `Always` is defined, and only for init containers: it makes the init container a sidecar. */
  readonly restartPolicy?: string;
  readonly livenessProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly startupProbe?: Probe;
}

export interface ObjectMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly creationTimestamp?: Timestamp;
  readonly deletionTimestamp?: Timestamp;
  readonly labels?: { readonly [key: string]: string };
  readonly annotations?: { readonly [key: string]: string };
}

export interface PodSpec {
  readonly containers?: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly ephemeralContainers?: readonly { readonly name: string }[];
  /** Pod-level resources (feature gate PodLevelResources; beta and on by default since 1.34). */
  readonly resources?: ResourceRequirements;
  readonly nodeName?: string;
  readonly priority?: number;
  readonly priorityClassName?: string;
  readonly restartPolicy?: string;
  readonly overhead?: ResourceList;
}

export interface ContainerStateRunning {
  readonly startedAt?: Timestamp;
}

export interface ContainerStateTerminated {
  readonly exitCode: number;
  readonly signal?: number;
  readonly reason?: string;
  readonly message?: string;
  readonly startedAt?: Timestamp;
  readonly finishedAt?: Timestamp;
  readonly containerID?: string;
}

export interface ContainerStateWaiting {
  readonly reason?: string;
  readonly message?: string;
}

export interface ContainerState {
  readonly running?: ContainerStateRunning;
  readonly terminated?: ContainerStateTerminated;
  readonly waiting?: ContainerStateWaiting;
}

export interface ContainerStatus {
  readonly name: string;
  readonly ready?: boolean;
  readonly started?: boolean;
  readonly restartCount?: number;
  readonly image?: string;
  readonly imageID?: string;
  readonly containerID?: string;
  readonly state?: ContainerState;
  readonly lastState?: ContainerState;
  /** The resources actually applied to the running container (in-place resize). */
  readonly resources?: ResourceRequirements;
  readonly allocatedResources?: ResourceList;
}

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

export interface PodCondition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: Timestamp;
}

export interface PodStatus {
  readonly phase?: string;
  readonly reason?: string;
  readonly message?: string;
  /** Set by the API server at creation; a plain string on the wire. */
  readonly qosClass?: string;
  readonly startTime?: Timestamp;
  readonly conditions?: readonly PodCondition[];
  readonly containerStatuses?: readonly ContainerStatus[];
  readonly initContainerStatuses?: readonly ContainerStatus[];
  readonly ephemeralContainerStatuses?: readonly ContainerStatus[];
}

export interface Pod {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: ObjectMeta;
  readonly spec?: PodSpec;
  readonly status?: PodStatus;
}

export interface ObjectReference {
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly uid?: string;
  readonly apiVersion?: string;
  readonly resourceVersion?: string;
  /** e.g. `spec.containers{app}` when an event concerns one container. */
  readonly fieldPath?: string;
}

export interface EventSource {
  readonly component?: string;
  readonly host?: string;
}

/** A `core/v1` Event (the `events.k8s.io/v1` fields `reportingController`/`eventTime` included). */
export interface KubeEvent {
  readonly metadata?: ObjectMeta;
  readonly involvedObject: ObjectReference;
  readonly reason?: string;
  readonly message?: string;
  /** `Normal` or `Warning`. */
  readonly type?: string;
  readonly source?: EventSource;
  readonly count?: number;
  readonly firstTimestamp?: Timestamp;
  readonly lastTimestamp?: Timestamp;
  readonly eventTime?: Timestamp;
  readonly reportingComponent?: string;
  readonly reportingInstance?: string;
  readonly series?: { readonly count?: number; readonly lastObservedTime?: Timestamp };
}

export interface NodeStatus {
  readonly capacity?: ResourceList;
  readonly allocatable?: ResourceList;
}

export interface Node {
  readonly metadata?: ObjectMeta;
  readonly status?: NodeStatus;
}
