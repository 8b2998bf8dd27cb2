// What the sandbox serves: one descriptor per resource, from which discovery documents, URL
// routing, field selectors and error messages are all derived, so they can never disagree.
import type { KObject } from '../store';

export interface ResourceDef {
  group: string; // '' for core
  version: string;
  /** URL plural, also the Store's resource name (except metrics, which are computed). */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: string[];
  /** Field selector labels the real apiserver accepts for this resource (besides metadata.name/namespace). */
  fields?: Record<string, (o: KObject) => string | undefined>;
  /** Writes the sandbox accepts through the API (others answer 405 MethodNotAllowed). */
  writes: Array<'create' | 'update' | 'patch' | 'delete'>;
  /** Another API version of a stored resource: how a stored object is shown in it. */
  view?: (o: KObject) => KObject;
}

const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));
const at = (o: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);

const ALL = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const PODS: ResourceDef = {
  group: '', version: 'v1', resource: 'pods', singular: 'pod', kind: 'Pod', namespaced: true,
  shortNames: ['po'], categories: ['all'], verbs: ALL, writes: ['create', 'update', 'patch', 'delete'],
  // pkg/registry/core/pod/strategy.go PodToSelectableFields
  fields: {
    'spec.nodeName': (o) => str(at(o, 'spec', 'nodeName')) ?? '',
    'spec.restartPolicy': (o) => str(at(o, 'spec', 'restartPolicy')) ?? '',
    'spec.schedulerName': (o) => str(at(o, 'spec', 'schedulerName')) ?? '',
    'spec.serviceAccountName': (o) => str(at(o, 'spec', 'serviceAccountName')) ?? '',
    'spec.hostNetwork': (o) => String(at(o, 'spec', 'hostNetwork') === true),
    'status.phase': (o) => str(at(o, 'status', 'phase')) ?? '',
    'status.podIP': (o) => str(at(o, 'status', 'podIP')) ?? '',
    'status.nominatedNodeName': (o) => str(at(o, 'status', 'nominatedNodeName')) ?? '',
  },
};

export const EVENTS: ResourceDef = {
  group: '', version: 'v1', resource: 'events', singular: 'event', kind: 'Event', namespaced: true,
  shortNames: ['ev'], verbs: ALL, writes: ['create', 'update', 'patch', 'delete'],
  // pkg/registry/core/event/strategy.go EventToSelectableFields
  fields: {
    'involvedObject.kind': (o) => str(at(o, 'involvedObject', 'kind')) ?? '',
    'involvedObject.namespace': (o) => str(at(o, 'involvedObject', 'namespace')) ?? '',
    'involvedObject.name': (o) => str(at(o, 'involvedObject', 'name')) ?? '',
    'involvedObject.uid': (o) => str(at(o, 'involvedObject', 'uid')) ?? '',
    'involvedObject.apiVersion': (o) => str(at(o, 'involvedObject', 'apiVersion')) ?? '',
    'involvedObject.resourceVersion': (o) => str(at(o, 'involvedObject', 'resourceVersion')) ?? '',
    'involvedObject.fieldPath': (o) => str(at(o, 'involvedObject', 'fieldPath')) ?? '',
    reason: (o) => str(o.reason) ?? '',
    reportingComponent: (o) => str(o.reportingComponent) ?? '',
    source: (o) => str(at(o, 'source', 'component')) || (str(o.reportingController) ?? ''),
    type: (o) => str(o.type) ?? '',
  },
};

/**
 * events.k8s.io/v1: the same stored events, shown as the apiserver converts core/v1 Events
 * (kubernetes pkg/apis/events/v1 conversion): involvedObject → regarding, message → note,
 * source/firstTimestamp/lastTimestamp/count → deprecated*. Read-only here.
 */
export const EVENTS_V1: ResourceDef = {
  group: 'events.k8s.io', version: 'v1', resource: 'events', singular: 'event', kind: 'Event', namespaced: true,
  shortNames: ['ev'], verbs: ['get', 'list', 'watch'], writes: [],
  fields: {
    ...EVENTS.fields,
    'regarding.kind': (o) => str(at(o, 'involvedObject', 'kind')) ?? '',
    'regarding.namespace': (o) => str(at(o, 'involvedObject', 'namespace')) ?? '',
    'regarding.name': (o) => str(at(o, 'involvedObject', 'name')) ?? '',
    'regarding.uid': (o) => str(at(o, 'involvedObject', 'uid')) ?? '',
    reportingController: (o) => str(o.reportingComponent) ?? '',
  },
  view: (e) => {
    const out: KObject = {
      apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: e.metadata,
      eventTime: e.eventTime ?? null,
      reportingController: e.reportingComponent ?? at(e, 'source', 'component') ?? '',
      reportingInstance: e.reportingInstance ?? at(e, 'source', 'host') ?? '',
      action: e.action ?? '',
      reason: e.reason,
      regarding: e.involvedObject,
      note: e.message,
      type: e.type,
    };
    if (e.series) out.series = e.series;
    if (e.related) out.related = e.related;
    if (e.source) out.deprecatedSource = e.source;
    if (e.firstTimestamp) out.deprecatedFirstTimestamp = e.firstTimestamp;
    if (e.lastTimestamp) out.deprecatedLastTimestamp = e.lastTimestamp;
    if (e.count) out.deprecatedCount = e.count;
    return out;
  },
};

export const NAMESPACES: ResourceDef = {
  group: '', version: 'v1', resource: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false,
  shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], writes: ['create', 'update', 'patch'],
  fields: { 'status.phase': (o) => str(at(o, 'status', 'phase')) ?? '' },
};

export const NODES: ResourceDef = {
  group: '', version: 'v1', resource: 'nodes', singular: 'node', kind: 'Node', namespaced: false,
  shortNames: ['no'], verbs: ALL, writes: ['update', 'patch'],
  fields: { 'spec.unschedulable': (o) => String(at(o, 'spec', 'unschedulable') === true) },
};

export const STRESSCHAOS: ResourceDef = {
  group: 'chaos-mesh.org', version: 'v1alpha1', resource: 'stresschaos', singular: 'stresschaos', kind: 'StressChaos', namespaced: true,
  verbs: ALL, writes: ['create', 'update', 'patch', 'delete'],
};

export const CRDS: ResourceDef = {
  group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', singular: 'customresourcedefinition',
  kind: 'CustomResourceDefinition', namespaced: false, shortNames: ['crd', 'crds'], categories: ['api-extensions'], verbs: ALL, writes: [],
};

export const POD_METRICS: ResourceDef = {
  group: 'metrics.k8s.io', version: 'v1beta1', resource: 'pods', singular: '', kind: 'PodMetrics', namespaced: true, verbs: ['get', 'list'], writes: [],
};
export const NODE_METRICS: ResourceDef = {
  group: 'metrics.k8s.io', version: 'v1beta1', resource: 'nodes', singular: '', kind: 'NodeMetrics', namespaced: false, verbs: ['get', 'list'], writes: [],
};

/** Stored resources, by group/version and URL plural. */
export const STORED: ResourceDef[] = [PODS, EVENTS, EVENTS_V1, NAMESPACES, NODES, STRESSCHAOS, CRDS];

export function findResource(group: string, version: string, resource: string): ResourceDef | undefined {
  return STORED.find((d) => d.group === group && d.version === version && d.resource === resource);
}

const gv = (group: string, version: string) => (group ? `${group}/${version}` : version);

interface ApiResource {
  name: string; singularName: string; namespaced: boolean; kind: string; verbs: string[];
  shortNames?: string[]; categories?: string[]; group?: string; version?: string;
}

function apiResource(d: ResourceDef): ApiResource {
  const r: ApiResource = { name: d.resource, singularName: d.singular, namespaced: d.namespaced, kind: d.kind, verbs: d.verbs };
  if (d.shortNames) r.shortNames = d.shortNames;
  if (d.categories) r.categories = d.categories;
  return r;
}

const sub = (name: string, kind: string, namespaced: boolean, verbs: string[]): ApiResource => ({ name, singularName: '', namespaced, kind, verbs });

/** `GET /api/v1`, `GET /apis/{group}/{version}`: legacy discovery (client-node's KubernetesObjectApi needs it). */
export function apiResourceList(group: string, version: string): Record<string, unknown> | undefined {
  let resources: ApiResource[];
  if (group === '' && version === 'v1') {
    resources = [
      apiResource(EVENTS),
      apiResource(NAMESPACES),
      sub('namespaces/status', 'Namespace', false, ['get', 'patch', 'update']),
      apiResource(NODES),
      sub('nodes/proxy', 'NodeProxyOptions', false, ['create', 'delete', 'get', 'patch', 'update']),
      sub('nodes/status', 'Node', false, ['get', 'patch', 'update']),
      apiResource(PODS),
      sub('pods/exec', 'PodExecOptions', true, ['create', 'get']),
      sub('pods/log', 'Pod', true, ['get']),
      sub('pods/status', 'Pod', true, ['get', 'patch', 'update']),
    ];
  } else if (group === STRESSCHAOS.group && version === STRESSCHAOS.version) {
    // The CRD has no status subresource (chaos-mesh.md §1), so discovery lists none.
    resources = [apiResource(STRESSCHAOS)];
  } else if (group === 'metrics.k8s.io' && version === 'v1beta1') {
    resources = [apiResource(NODE_METRICS), apiResource(POD_METRICS)];
  } else if (group === CRDS.group && version === CRDS.version) {
    resources = [apiResource(CRDS), sub('customresourcedefinitions/status', 'CustomResourceDefinition', false, ['get', 'patch', 'update'])];
  } else if (group === EVENTS_V1.group && version === EVENTS_V1.version) {
    resources = [apiResource(EVENTS_V1)];
  } else if (group === 'authorization.k8s.io' && version === 'v1') {
    resources = [sub('selfsubjectaccessreviews', 'SelfSubjectAccessReview', false, ['create'])];
  } else if (group === 'authentication.k8s.io' && version === 'v1') {
    resources = [sub('selfsubjectreviews', 'SelfSubjectReview', false, ['create'])];
  } else {
    return undefined;
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv(group, version), resources };
}

export const API_GROUPS = [
  { name: 'apiextensions.k8s.io', version: 'v1' },
  { name: 'authentication.k8s.io', version: 'v1' },
  { name: 'authorization.k8s.io', version: 'v1' },
  { name: 'chaos-mesh.org', version: 'v1alpha1' },
  { name: 'events.k8s.io', version: 'v1' },
  { name: 'metrics.k8s.io', version: 'v1beta1' },
];

export function apiGroupList(): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: API_GROUPS.map((g) => {
      const v = { groupVersion: `${g.name}/${g.version}`, version: g.version };
      return { name: g.name, versions: [v], preferredVersion: v };
    }),
  };
}

export function apiGroup(name: string): Record<string, unknown> | undefined {
  const g = API_GROUPS.find((x) => x.name === name);
  if (!g) return undefined;
  const v = { groupVersion: `${g.name}/${g.version}`, version: g.version };
  return { kind: 'APIGroup', apiVersion: 'v1', name: g.name, versions: [v], preferredVersion: v };
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

/** `/version`: minor 33 so the gcloud kubectl dispatcher runs kubectl 1.33, which execs over WebSocket. */
export const VERSION_INFO = {
  major: '1',
  minor: '33',
  gitVersion: 'v1.33.1',
  gitCommit: '8adc0f041b8e7ad1d30e29cc59c6ae7a15e19828',
  gitTreeState: 'clean',
  buildDate: '2025-05-15T08:19:08Z',
  goVersion: 'go1.24.2',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** OpenAPI v3 stubs: enough for `kubectl apply` to learn that the server validates fields itself (wire doc §5.2). */
export function openApiV3Root(): Record<string, unknown> {
  return {
    paths: {
      'api/v1': { serverRelativeURL: '/openapi/v3/api/v1?hash=SANDBOX' },
      'apis/chaos-mesh.org/v1alpha1': { serverRelativeURL: '/openapi/v3/apis/chaos-mesh.org/v1alpha1?hash=SANDBOX' },
    },
  };
}

export function openApiV3GroupVersion(gvPath: string): Record<string, unknown> | undefined {
  const patchOp = (group: string, version: string, kind: string) => ({
    patch: {
      operationId: `patch${kind}`,
      'x-kubernetes-action': 'patch',
      'x-kubernetes-group-version-kind': { group, version, kind },
      parameters: [
        { name: 'dryRun', in: 'query', schema: { type: 'string' } },
        { name: 'fieldManager', in: 'query', schema: { type: 'string' } },
        { name: 'fieldValidation', in: 'query', schema: { type: 'string' } },
        { name: 'force', in: 'query', schema: { type: 'boolean' } },
      ],
      responses: { '200': { description: 'OK' } },
    },
  });
  const doc = (paths: Record<string, unknown>) => ({ openapi: '3.0.0', info: { title: 'Kubernetes', version: VERSION_INFO.gitVersion }, components: { schemas: {} }, paths });
  if (gvPath === 'apis/chaos-mesh.org/v1alpha1') {
    return doc({ '/apis/chaos-mesh.org/v1alpha1/namespaces/{namespace}/stresschaos/{name}': patchOp('chaos-mesh.org', 'v1alpha1', 'StressChaos') });
  }
  if (gvPath === 'api/v1') {
    return doc({
      '/api/v1/namespaces/{namespace}/pods/{name}': patchOp('', 'v1', 'Pod'),
      '/api/v1/namespaces/{name}': patchOp('', 'v1', 'Namespace'),
      '/api/v1/namespaces/{namespace}/events/{name}': patchOp('', 'v1', 'Event'),
      '/api/v1/nodes/{name}': patchOp('', 'v1', 'Node'),
    });
  }
  return undefined;
}
