/**
 * A container's memory figures from the contents of its memory cgroup files, computed as cAdvisor
 * (and therefore the kubelet, `kubectl top` and metrics-server) computes them:
 * cAdvisor `lib/container/libcontainer/handler.go` `setMemoryStats`, over what opencontainers/cgroups
 * reads (`fs/memory.go` for v1, `fs2/memory.go`, `fs2/psi.go` for v2). Sizes are bigint bytes.
 */

/** A cgroup file is missing, or its content is not what the kernel writes there. */
export class CgroupFileError extends Error {
  override readonly name = 'CgroupFileError';
  constructor(
    /** The file name, e.g. `memory.current`. */
    readonly file: string,
    readonly reason: 'missing' | 'malformed',
    message: string,
  ) {
    super(message);
  }
}

/** One PSI line (`some` or `full`): stall percentages over 10/60/300 s and the cumulative stall. */
export interface PressureLine {
  readonly avg10: number;
  readonly avg60: number;
  readonly avg300: number;
  /** Cumulative stall time in microseconds. */
  readonly totalMicros: bigint;
}

/** `memory.pressure` (cgroup v2 PSI). `full` is null on kernels that print only `some`. */
export interface MemoryPressure {
  readonly some: PressureLine;
  readonly full: PressureLine | null;
}

/** v2 `memory.events` counters (hierarchical: the cgroup and its descendants). */
export interface MemoryEvents {
  readonly low: number;
  readonly high: number;
  readonly max: number;
  readonly oom: number;
  readonly oomKill: number;
  /** Absent before kernel 5.17: null then. */
  readonly oomGroupKill: number | null;
}

export interface CgroupMemory {
  readonly version: 1 | 2;
  /** v2 `memory.current`, v1 `memory.usage_in_bytes`: anonymous memory plus page cache. */
  readonly usageBytes: bigint;
  /** cAdvisor's working set: usage minus inactive file pages, clamped at 0 — what `kubectl top` shows. */
  readonly workingSetBytes: bigint;
  /** v2 `anon`; v1 `total_rss` (`rss` without hierarchy). 0 when the key is missing, as in cAdvisor. */
  readonly rssBytes: bigint;
  /** v2 `file`; v1 `total_cache` (`cache` without hierarchy). */
  readonly cacheBytes: bigint;
  /** v2 `inactive_file`; v1 `total_inactive_file`; null when `memory.stat` lacks the key. */
  readonly inactiveFileBytes: bigint | null;
  /** v2 `active_file`; v1 `total_active_file`; null when missing. */
  readonly activeFileBytes: bigint | null;
  /** v2 `file_mapped`; v1 `total_mapped_file` (`mapped_file` without hierarchy). */
  readonly mappedFileBytes: bigint;
  /**
   * The hard limit; null when unlimited (v2 `max`, v1 a value above 2^62 or negative); undefined
   * when the limit file was not read or is absent (the v2 root cgroup has no `memory.max`): unknown,
   * which is not the same as unlimited.
   */
  readonly limitBytes: bigint | null | undefined;
  /** v2 `memory.peak` (kernel >= 5.19), v1 `memory.max_usage_in_bytes`; null if absent. */
  readonly peakBytes: bigint | null;
  /** Processes killed by the OOM killer: v2 `memory.events` `oom_kill`, v1 `memory.oom_control` `oom_kill`; null if absent. */
  readonly oomKills: number | null;
  /** Times usage hit the limit: v2 `memory.events` `max`, v1 `memory.failcnt`; null if absent. */
  readonly limitHits: number | null;
  /** v2 `memory.events` in full; null on v1 or when the file is absent. */
  readonly events: MemoryEvents | null;
  /** v1 `memory.oom_control` `under_oom` (the cgroup is stuck in OOM); null on v2 or if absent. */
  readonly underOom: boolean | null;
  /** v2 PSI from `memory.pressure`; null on v1 or when absent (no CONFIG_PSI, disabled per cgroup). */
  readonly pressure: MemoryPressure | null;
  /** Swap in use: v2 `memory.swap.current`, v1 `total_swap` (`swap`) from `memory.stat`; null if absent. */
  readonly swapBytes: bigint | null;
  /** v2 `memory.swap.max` (null when `max` or absent); v1 has no separate swap limit: null. */
  readonly swapLimitBytes: bigint | null;
  /** Every `memory.stat` key with its value (sizes in bytes, `pg*` keys are counts). */
  readonly stat: ReadonlyMap<string, bigint>;
}

/** Files the sampler reads on cgroup v2 (the container's cgroup directory, usually `/sys/fs/cgroup`). */
export const CGROUP_V2_FILES = [
  'memory.current',
  'memory.max',
  'memory.stat',
  'memory.events',
  'memory.peak',
  'memory.pressure',
  'memory.swap.current',
  'memory.swap.max',
] as const;

/** Files the sampler reads on cgroup v1 (the memory controller's directory, usually `/sys/fs/cgroup/memory`). */
export const CGROUP_V1_FILES = [
  'memory.usage_in_bytes',
  'memory.limit_in_bytes',
  'memory.stat',
  'memory.max_usage_in_bytes',
  'memory.failcnt',
  'memory.oom_control',
  'memory.use_hierarchy',
] as const;

/**
 * Without these `readCgroupMemory` throws; every other file is optional (its figure becomes null,
 * or undefined for the limit, whose absence means "unknown").
 */
export const CGROUP_V2_REQUIRED_FILES = ['memory.current', 'memory.stat'] as const;
export const CGROUP_V1_REQUIRED_FILES = ['memory.usage_in_bytes', 'memory.stat'] as const;
/** The hard limit's file: optional, since the v2 root cgroup has none. */
export const CGROUP_V2_LIMIT_FILE = 'memory.max';
export const CGROUP_V1_LIMIT_FILE = 'memory.limit_in_bytes';

/** The kubelet's `isMemoryUnlimited` threshold: limits above 2^62 mean "no limit". */
export const UNLIMITED_THRESHOLD = 1n << 62n;

type Files = Readonly<Record<string, string | undefined>>;

function present(files: Files, name: string): string | undefined {
  const content = files[name];
  // An empty read (e.g. PSI turned off for the cgroup) counts as "absent", not as malformed.
  if (content === undefined || content === null || content.trim() === '') return undefined;
  return content;
}

function requireFile(files: Files, name: string, version: 1 | 2): string {
  const content = present(files, name);
  if (content === undefined) {
    throw new CgroupFileError(
      name,
      'missing',
      `The cgroup v${version} file ${name} is missing or empty, so the container's memory cannot be computed.`,
    );
  }
  return content;
}

function malformed(name: string, detail: string): CgroupFileError {
  return new CgroupFileError(name, 'malformed', `The cgroup file ${name} is malformed: ${detail}.`);
}

const shorten = (s: string): string => JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);

/** A single non-negative integer (`memory.current`, `memory.failcnt`...). */
function parseUint(name: string, content: string): bigint {
  const text = content.trim();
  if (!/^\d+$/.test(text)) throw malformed(name, `expected one whole number, found ${shorten(text)}`);
  return BigInt(text);
}

/** v2 limit file: a number, or `max` for no limit. Returns null when unlimited. */
function parseV2Limit(name: string, content: string): bigint | null {
  const text = content.trim();
  if (text === 'max') return null;
  const value = parseUint(name, text);
  return value > UNLIMITED_THRESHOLD ? null : value;
}

/** v1 limit file: the kernel prints PAGE_COUNTER_MAX * PAGE_SIZE when unlimited (depends on the page size). */
function parseV1Limit(name: string, content: string): bigint | null {
  const text = content.trim();
  if (!/^-?\d+$/.test(text)) throw malformed(name, `expected one whole number, found ${shorten(text)}`);
  const value = BigInt(text);
  return value < 0n || value > UNLIMITED_THRESHOLD ? null : value;
}

/** Flat keyed files (`memory.stat`, `memory.events`, `memory.oom_control`): `key value` per line. */
export function parseFlatKeyed(name: string, content: string): Map<string, bigint> {
  const values = new Map<string, bigint>();
  const lines = content.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    const match = /^(\S+)\s+(\d+)$/.exec(line);
    if (match === null) throw malformed(name, `line ${i + 1} is not "key value": ${shorten(line)}`);
    values.set(match[1] as string, BigInt(match[2] as string));
  }
  return values;
}

/** A counter small enough for a JS number (event counts never approach 2^53). */
function count(value: bigint | undefined): number | null {
  return value === undefined ? null : Number(value);
}

/** `memory.pressure`: `some avg10=0.00 avg60=0.00 avg300=0.00 total=0` and the same for `full`. */
export function parsePressure(name: string, content: string): MemoryPressure {
  const lines = new Map<string, PressureLine>();
  for (const raw of content.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const [kind, ...fields] = line.split(/\s+/);
    if (kind !== 'some' && kind !== 'full') throw malformed(name, `unknown PSI line ${shorten(line)}`);
    const entries = new Map<string, string>();
    for (const field of fields) {
      const eq = field.indexOf('=');
      if (eq <= 0) throw malformed(name, `expected key=value in ${shorten(line)}`);
      entries.set(field.slice(0, eq), field.slice(eq + 1));
    }
    const avg = (key: string): number => {
      const text = entries.get(key);
      if (text === undefined || !/^\d+(\.\d+)?$/.test(text)) throw malformed(name, `${kind} ${key} is missing or not a number`);
      return Number(text);
    };
    const total = entries.get('total');
    if (total === undefined || !/^\d+$/.test(total)) throw malformed(name, `${kind} total is missing or not a whole number`);
    lines.set(kind, { avg10: avg('avg10'), avg60: avg('avg60'), avg300: avg('avg300'), totalMicros: BigInt(total) });
  }
  const some = lines.get('some');
  if (some === undefined) throw malformed(name, 'the "some" line is missing');
  return { some, full: lines.get('full') ?? null };
}

function workingSet(usage: bigint, inactiveFile: bigint | undefined): bigint {
  if (inactiveFile === undefined) return usage;
  return usage < inactiveFile ? 0n : usage - inactiveFile;
}

/** Which hierarchy the files come from: v2 has `memory.current`, v1 `memory.usage_in_bytes`. */
export function detectCgroupVersion(files: Files): 1 | 2 {
  if (files['memory.current'] !== undefined) return 2;
  if (files['memory.usage_in_bytes'] !== undefined) return 1;
  if (files['cgroup.controllers'] !== undefined) return 2;
  throw new CgroupFileError(
    'memory.current',
    'missing',
    'Neither memory.current (cgroup v2) nor memory.usage_in_bytes (cgroup v1) was read: ' +
      'this does not look like a memory cgroup (is the memory controller enabled for it?).',
  );
}

function readV2(files: Files): CgroupMemory {
  const usage = parseUint('memory.current', requireFile(files, 'memory.current', 2));
  const limitText = present(files, CGROUP_V2_LIMIT_FILE);
  const limit = limitText === undefined ? undefined : parseV2Limit(CGROUP_V2_LIMIT_FILE, limitText);
  const stat = parseFlatKeyed('memory.stat', requireFile(files, 'memory.stat', 2));

  const peakText = present(files, 'memory.peak');
  const eventsText = present(files, 'memory.events');
  const pressureText = present(files, 'memory.pressure');
  const swapText = present(files, 'memory.swap.current');
  const swapMaxText = present(files, 'memory.swap.max');

  let events: MemoryEvents | null = null;
  if (eventsText !== undefined) {
    const e = parseFlatKeyed('memory.events', eventsText);
    const need = (key: string): number => {
      const v = e.get(key);
      if (v === undefined) throw malformed('memory.events', `the "${key}" counter is missing`);
      return Number(v);
    };
    events = {
      low: need('low'),
      high: need('high'),
      max: need('max'),
      oom: need('oom'),
      oomKill: need('oom_kill'),
      oomGroupKill: count(e.get('oom_group_kill')),
    };
  }
  const inactive = stat.get('inactive_file');
  return {
    version: 2,
    usageBytes: usage,
    workingSetBytes: workingSet(usage, inactive),
    rssBytes: stat.get('anon') ?? 0n,
    cacheBytes: stat.get('file') ?? 0n,
    inactiveFileBytes: inactive ?? null,
    activeFileBytes: stat.get('active_file') ?? null,
    mappedFileBytes: stat.get('file_mapped') ?? 0n,
    limitBytes: limit,
    peakBytes: peakText === undefined ? null : parseUint('memory.peak', peakText),
    oomKills: events === null ? null : events.oomKill,
    limitHits: events === null ? null : events.max,
    events,
    underOom: null,
    pressure: pressureText === undefined ? null : parsePressure('memory.pressure', pressureText),
    swapBytes: swapText === undefined ? null : parseUint('memory.swap.current', swapText),
    swapLimitBytes: swapMaxText === undefined ? null : parseV2Limit('memory.swap.max', swapMaxText),
    stat,
  };
}

function readV1(files: Files): CgroupMemory {
  const usage = parseUint('memory.usage_in_bytes', requireFile(files, 'memory.usage_in_bytes', 1));
  const limitText = present(files, CGROUP_V1_LIMIT_FILE);
  const limit = limitText === undefined ? undefined : parseV1Limit(CGROUP_V1_LIMIT_FILE, limitText);
  const stat = parseFlatKeyed('memory.stat', requireFile(files, 'memory.stat', 1));

  const peakText = present(files, 'memory.max_usage_in_bytes');
  const failcntText = present(files, 'memory.failcnt');
  const oomControlText = present(files, 'memory.oom_control');
  const hierarchyText = present(files, 'memory.use_hierarchy');

  // Hierarchical accounting is always on in current kernels; cAdvisor still reads the flag to
  // choose between the total_* and the local keys for rss/cache/swap/mapped_file.
  let useHierarchy = true;
  if (hierarchyText !== undefined) {
    const flag = parseUint('memory.use_hierarchy', hierarchyText);
    if (flag > 1n) throw malformed('memory.use_hierarchy', `expected 0 or 1, found ${flag}`);
    useHierarchy = flag === 1n;
  }
  const key = (name: string): string => (useHierarchy ? `total_${name}` : name);

  let oomKills: number | null = null;
  let underOom: boolean | null = null;
  if (oomControlText !== undefined) {
    const control = parseFlatKeyed('memory.oom_control', oomControlText);
    oomKills = count(control.get('oom_kill'));
    const under = control.get('under_oom');
    underOom = under === undefined ? null : under !== 0n;
  }
  // The working set always uses total_inactive_file on v1, whatever use_hierarchy says (cAdvisor).
  const inactive = stat.get('total_inactive_file');
  const swap = stat.get(key('swap'));
  return {
    version: 1,
    usageBytes: usage,
    workingSetBytes: workingSet(usage, inactive),
    rssBytes: stat.get(key('rss')) ?? 0n,
    cacheBytes: stat.get(key('cache')) ?? 0n,
    inactiveFileBytes: inactive ?? null,
    activeFileBytes: stat.get('total_active_file') ?? null,
    mappedFileBytes: stat.get(key('mapped_file')) ?? 0n,
    limitBytes: limit,
    peakBytes: peakText === undefined ? null : parseUint('memory.max_usage_in_bytes', peakText),
    oomKills,
    limitHits: failcntText === undefined ? null : Number(parseUint('memory.failcnt', failcntText)),
    events: null,
    underOom,
    pressure: null,
    swapBytes: swap ?? null,
    swapLimitBytes: null,
    stat,
  };
}

/**
 * The container's memory from its cgroup files, keyed by file name (`memory.current`...). The
 * version is detected from which files are there. Throws `CgroupFileError` naming the file when a
 * required file is missing or any file's content is malformed; never returns NaN.
 */
export function readCgroupMemory(files: Files): CgroupMemory {
  return detectCgroupVersion(files) === 2 ? readV2(files) : readV1(files);
}

/**
 * Splits a snapshot made of `== <file name>` header lines, each followed by that file's content
 * (the format of the real kernel captures in `test/fixtures/cgroup/*.txt`), into file name → content.
 */
export function splitCgroupSnapshot(text: string): Record<string, string> {
  const files: Record<string, string> = {};
  let current: string | undefined;
  let lines: string[] = [];
  const flush = (): void => {
    if (current !== undefined) files[current] = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  };
  // Without its final newline the text splits into exactly the lines it holds.
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  for (const line of body.split('\n')) {
    const header = /^== (.+)$/.exec(line);
    if (header !== null) {
      flush();
      current = (header[1] as string).trim();
      lines = [];
    } else if (current !== undefined) {
      lines.push(line);
    }
  }
  flush();
  return files;
}
