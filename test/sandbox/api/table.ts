// Server-side printing (`Accept: …;as=Table;g=meta.k8s.io`): the same columns and cell
// algorithms as kube-apiserver's printers (kubernetes pkg/printers/internalversion/printers.go),
// so `kubectl get` shows READY, STATUS (OOMKilled, CrashLoopBackOff…), RESTARTS "N (5m ago)" and AGE.
import type { KObject } from '../store';

export interface Column { name: string; type: string; format: string; description: string; priority: number }
export interface TableRow { cells: unknown[]; object: unknown }

const col = (name: string, description = '', priority = 0, type = 'string', format = ''): Column => ({ name, type, format, description, priority });
const NAME = col('Name', 'Name must be unique within a namespace. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names', 0, 'string', 'name');
const AGE = col('Age', 'CreationTimestamp is a timestamp representing the server time when this object was created. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata');

/** apimachinery util/duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    return dy === 0 ? `${Math.trunc(hours / 24 / 365)}y` : `${Math.trunc(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** printers.go translateTimestampSince. */
export function since(ts: unknown, now: number): string {
  if (typeof ts !== 'string' || !ts) return '<unknown>';
  return humanDuration(now - Date.parse(ts));
}

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const podColumns: Column[] = [
  NAME,
  col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
  col('Status', 'The aggregate status of the containers in this pod.'),
  col('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
  AGE,
  col('IP', 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
  col('Node', 'NodeName is a request to schedule this pod onto a specific node. If it is non-empty, the scheduler simply schedules this pod onto that node, assuming that it fits resource requirements.', 1),
  col('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.', 1),
  col('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
];

const isRestartableInit = (c: Any | undefined) => c?.restartPolicy === 'Always';
const later = (a: string, b: unknown): string => (typeof b === 'string' && b && (!a || Date.parse(b) > Date.parse(a)) ? b : a);

/** printPod, cell for cell. */
export function podCells(pod: KObject, now: number): unknown[] {
  const spec = (pod.spec ?? {}) as Any;
  const status = (pod.status ?? {}) as Any;
  const specContainers: Any[] = spec.containers ?? [];
  const specInit: Any[] = spec.initContainers ?? [];
  let restarts = 0;
  let restartableInitRestarts = 0;
  let totalContainers = specContainers.length;
  let readyContainers = 0;
  let lastRestartDate = '';
  let lastRestartableInitDate = '';
  let reason: string = status.reason || status.phase || '';
  for (const c of status.conditions ?? []) if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  const initByName = new Map(specInit.map((c) => [c.name, c]));
  for (const c of specInit) if (isRestartableInit(c)) totalContainers++;
  let initializing = false;
  const initStatuses: Any[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    restarts += c.restartCount ?? 0;
    lastRestartDate = later(lastRestartDate, c.lastState?.terminated?.finishedAt);
    const restartable = isRestartableInit(initByName.get(c.name));
    if (restartable) {
      restartableInitRestarts += c.restartCount ?? 0;
      lastRestartableInitDate = later(lastRestartableInitDate, c.lastState?.terminated?.finishedAt);
    }
    const t = c.state?.terminated;
    const w = c.state?.waiting;
    if (t && t.exitCode === 0) continue;
    if (restartable && c.started === true) {
      if (c.ready) readyContainers++;
      continue;
    }
    if (t) reason = t.reason ? `Init:${t.reason}` : t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode}`;
    else if (w?.reason && w.reason !== 'PodInitializing') reason = `Init:${w.reason}`;
    else reason = `Init:${i}/${specInit.length}`;
    initializing = true;
    break;
  }
  const initializedTrue = (status.conditions ?? []).some((c: Any) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initializedTrue) {
    restarts = restartableInitRestarts;
    lastRestartDate = lastRestartableInitDate;
    let hasRunning = false;
    const statuses: Any[] = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += c.restartCount ?? 0;
      lastRestartDate = later(lastRestartDate, c.lastState?.terminated?.finishedAt);
      const w = c.state?.waiting;
      const t = c.state?.terminated;
      if (w?.reason) reason = w.reason;
      else if (t?.reason) reason = t.reason;
      else if (t) reason = t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const ready = (status.conditions ?? []).some((c: Any) => c.type === 'Ready' && c.status === 'True');
      reason = ready ? 'Running' : 'NotReady';
    }
  }
  const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && !terminal) reason = 'Terminating';
  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestartDate) restartsText = `${restarts} (${since(lastRestartDate, now)} ago)`;
  const podIP = status.podIPs?.[0]?.ip ?? status.podIP;
  const gates: Any[] = spec.readinessGates ?? [];
  let gatesText = '<none>';
  if (gates.length) {
    const trueConds = new Set((status.conditions ?? []).filter((c: Any) => c.status === 'True').map((c: Any) => c.type));
    gatesText = `${gates.filter((g) => trueConds.has(g.conditionType)).length}/${gates.length}`;
  }
  return [
    pod.metadata.name, `${readyContainers}/${totalContainers}`, reason, restartsText, since(pod.metadata.creationTimestamp, now),
    podIP || '<none>', spec.nodeName || '<none>', status.nominatedNodeName || '<none>', gatesText,
  ];
}

const eventColumns: Column[] = [
  col('Last Seen', 'Time when last event from this object was observed.'),
  col('Type', 'Type of this event (Normal, Warning), new types could be added in the future.'),
  col('Reason', 'This should be a short, machine understandable string that gives the reason for this event being generated.'),
  col('Object', 'Object this event is about.'),
  col('Subobject', 'Specific subcomponent of the object this event is about.', 1),
  col('Source', 'The component reporting this event. Should be a short machine understandable string.', 1),
  col('Message', 'A human-readable description of the status of this operation.'),
  col('First Seen', 'The time at which the event was first recorded.', 1),
  col('Count', 'The number of times this event has occurred.', 1, 'integer'),
  col('Name', 'Name must be unique within a namespace.', 1),
];

function eventCells(e: KObject, now: number): unknown[] {
  const ev = e as Any;
  const first = ev.firstTimestamp ? since(ev.firstTimestamp, now) : since(ev.eventTime, now);
  let last = ev.lastTimestamp ? since(ev.lastTimestamp, now) : first;
  let count = ev.count ?? 0;
  if (ev.series) {
    last = since(ev.series.lastObservedTime, now);
    count = ev.series.count;
  } else if (!count) count = 1;
  const io = ev.involvedObject ?? {};
  const target = io.name ? `${String(io.kind ?? '').toLowerCase()}/${io.name}` : String(io.kind ?? '').toLowerCase();
  const component = ev.source?.component || ev.reportingController || '';
  const host = ev.source?.host || ev.reportingInstance || '';
  const source = [component, host].filter(Boolean).join(', ');
  return [last, ev.type ?? '', ev.reason ?? '', target, io.fieldPath ?? '', source, String(ev.message ?? '').trim(), first, count, e.metadata.name];
}

const nodeColumns: Column[] = [
  NAME,
  col('Status', 'The status of the node'),
  col('Roles', 'The roles of the node'),
  AGE,
  col('Version', 'Kubelet Version reported by the node.'),
  col('Internal-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 1),
  col('External-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 1),
  col('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
  col('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
  col('Container-Runtime', 'Container Runtime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
];

function nodeCells(n: KObject, now: number): unknown[] {
  const status = (n.status ?? {}) as Any;
  const conds: Any[] = status.conditions ?? [];
  const states: string[] = [];
  const ready = conds.find((c) => c.type === 'Ready');
  states.push(!ready ? 'Unknown' : ready.status === 'True' ? 'Ready' : ready.status === 'False' ? 'NotReady' : 'Unknown');
  if ((n.spec as Any | undefined)?.unschedulable) states.push('SchedulingDisabled');
  const roles = Object.keys(n.metadata.labels ?? {}).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.slice('node-role.kubernetes.io/'.length)).filter(Boolean);
  const addr = (t: string) => (status.addresses ?? []).find((a: Any) => a.type === t)?.address ?? '<none>';
  const info = status.nodeInfo ?? {};
  return [n.metadata.name, states.join(','), roles.length ? roles.sort().join(',') : '<none>', since(n.metadata.creationTimestamp, now), info.kubeletVersion ?? '',
    addr('InternalIP'), addr('ExternalIP'), info.osImage || '<unknown>', info.kernelVersion || '<unknown>', info.containerRuntimeVersion || '<unknown>'];
}

const namespaceColumns: Column[] = [NAME, col('Status', 'The status of the namespace'), AGE];
const namespaceCells = (n: KObject, now: number) => [n.metadata.name, (n.status as Any | undefined)?.phase ?? 'Active', since(n.metadata.creationTimestamp, now)];

/** CRs: Name, the CRD's additionalPrinterColumns, Age (apiextensions-apiserver tableconvertor). */
const stressChaosColumns: Column[] = [NAME, col('duration', ''), AGE];
const stressChaosCells = (o: KObject, now: number) => [o.metadata.name, (o.spec as Any | undefined)?.duration ?? '<none>', since(o.metadata.creationTimestamp, now)];

const crdColumns: Column[] = [NAME, col('Created At', '', 0, 'date')];
const crdCells = (o: KObject) => [o.metadata.name, o.metadata.creationTimestamp];

const defaultColumns: Column[] = [NAME, AGE];
const defaultCells = (o: KObject, now: number) => [o.metadata.name, since(o.metadata.creationTimestamp, now)];

const PRINTERS: Record<string, { columns: Column[]; cells: (o: KObject, now: number) => unknown[] }> = {
  pods: { columns: podColumns, cells: podCells },
  events: { columns: eventColumns, cells: eventCells },
  nodes: { columns: nodeColumns, cells: nodeCells },
  namespaces: { columns: namespaceColumns, cells: namespaceCells },
  stresschaos: { columns: stressChaosColumns, cells: stressChaosCells },
  customresourcedefinitions: { columns: crdColumns, cells: crdCells },
};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

function rowObject(o: KObject, include: IncludeObject): unknown {
  if (include === 'None') return null;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

export function toTable(resource: string, objects: KObject[], resourceVersion: string, include: IncludeObject, withColumns = true): Record<string, unknown> {
  const p = PRINTERS[resource] ?? { columns: defaultColumns, cells: defaultCells };
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: withColumns ? p.columns : [],
    rows: objects.map((o) => ({ cells: p.cells(o, now), object: rowObject(o, include) })),
  };
}

/** True when the Accept header asks for a meta.k8s.io Table (any version kubectl offers). */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}
