/**
 * The in-container memory sampler: the POSIX `sh` loop the cluster layer execs in a container, the
 * incremental parser for what it prints, and the counter logic that turns consecutive samples into
 * OOM-kill and limit-hit deltas without ever showing a negative delta when the container restarts.
 *
 * Why a shell loop inside the container: memory inside a container must be read from its cgroup
 * (not `/proc/meminfo`, which shows the node), the Summary API refreshes only every 10-15 s, and
 * one exec per sample would cost an API round trip each time. One long-running exec printing the
 * cgroup files at >= 4 Hz gives live curves for the price of one stream.
 */
import { CGROUP_V1_FILES, CGROUP_V2_FILES, readCgroupMemory, type CgroupMemory } from './cgroup';
import { formatBytes } from './quantity';

// ---------------------------------------------------------------------------------------------
// The script
// ---------------------------------------------------------------------------------------------

/** Version of the line protocol below; printed in the sampler's first line. */
export const SAMPLER_PROTOCOL_VERSION = 1;

/** Line markers. No cgroup memory file has a line starting with `@` or `==`. */
const M_START = '@@pmc-sampler';
const M_BEGIN = '@@pmc-begin';
const M_END = '@@pmc-end';
const M_UNREADABLE = '@@pmc-unreadable';
const M_FATAL = '@@pmc-fatal';
const M_PROCS = '@@pmc-procs';
const M_PROCS_END = '@@pmc-procs-end';
const FILE_HEADER = '== ';

export interface SamplerScriptOptions {
  /** Where the cgroup filesystem is mounted in the container. Absolute. Default `/sys/fs/cgroup`. */
  readonly cgroupRoot?: string;
  /** Where procfs is mounted (for `uptime` and `self/cgroup`). Absolute. Default `/proc`. */
  readonly procRoot?: string;
  /**
   * Time between samples, in ms; rounded to whole centiseconds (the resolution of `/proc/uptime`).
   * 10 ms to 60 s. Default 250 (4 Hz).
   */
  readonly intervalMs?: number;
  /** Stop after this many samples (1 = a one-shot read, no `sleep` needed). Default: run forever. */
  readonly maxSamples?: number;
  /**
   * What starts each sample. `sleep` (default): the script paces itself with `sleep` to deadlines
   * `intervalMs` apart; one `sleep` process per sample (about 5 ms of CPU each, charged to the
   * container), fine for one-shot and short reads. `stdin`: the script forks nothing between
   * samples; it waits with the builtin `read` on its stdin and takes one sample per line it reads,
   * so whoever holds the stream paces it (the exec sampler writes one line per interval). EOF on
   * stdin (the stream closed) ends the loop at once with status 0, so closing the stream leaves no
   * process in the container even when nothing is written to its stdout any more. `intervalMs` is
   * then only reported in the first line (and sets how many samples apart processes are listed).
   */
  readonly pacing?: SamplerPacing;
  /**
   * How files are read. `builtin` (default): the shell's `read` loop, which starts no process;
   * that matters most exactly when the container sits at its memory limit (a fork is charged to the
   * full cgroup and can fail or feed the OOM killer) or at its `pids.max`, and it is also faster
   * than a `cat` per file. `cat`: one `cat` per file (falls back to `builtin` without `cat`).
   */
  readonly reader?: 'builtin' | 'cat';
  /**
   * How often to list the container's processes (pid, name, RSS, `oom_score`, `oom_score_adj`) and
   * the node's `/proc/meminfo`, in ms; rounded to whole samples. A list is also taken right after a
   * sample in which the OOM kill counter rose, so the process that vanished is the victim. 0 or
   * absent: never (only memory figures).
   */
  readonly processListEveryMs?: number;
}

export type SamplerPacing = 'sleep' | 'stdin';

export const DEFAULT_SAMPLE_INTERVAL_MS = 250;
/** After the OOM kill counter moved, processes are listed at every sample for this many samples. */
export const PROCESS_LIST_HOT_SAMPLES = 20;

/** The panel lists processes about once a second: the OOM kill order changes slowly. */
export const DEFAULT_PROCESS_LIST_EVERY_MS = 1000;

/** `/proc/meminfo` keys the process list carries: what `free` and `top` show (the node's memory). */
export const NODE_MEMINFO_KEYS = ['MemTotal', 'MemFree', 'MemAvailable', 'Buffers', 'Cached', 'SwapTotal', 'SwapFree'] as const;

/** Quotes a string for POSIX sh: inside single quotes nothing is special except `'` itself. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function checkAbsolutePath(name: string, value: string): void {
  if (!value.startsWith('/') || /[\n\r\0]/.test(value)) {
    throw new RangeError(`The sampler's ${name} must be an absolute path on one line; got ${JSON.stringify(value)}.`);
  }
}

/**
 * Shell functions for the process list (used when `processListEveryMs` > 0):
 * - `oomk` sets `$ok` to the cgroup's `oom_kill` counter (v2 `memory.events`, v1 `memory.oom_control`).
 * - `procs` prints `@@pmc-procs <seq> <uptime>`, then `m <key> <kB>` for the node's `/proc/meminfo`
 *   (`NODE_MEMINFO_KEYS`), then `p <pid> <oom_score> <oom_score_adj> <VmRSS kB> <name>` for each
 *   process in the cgroup's `cgroup.procs` (the sampler's own shell, `$$`, left out; `-` for a
 *   figure that could not be read; a process that ended meanwhile is skipped), then
 *   `@@pmc-procs-end <seq> ok`, or `@@pmc-procs-end <seq> unreadable` when `cgroup.procs` could
 *   not be read. Builtins only: listing must not fork in a cgroup at its limit.
 */
function processListFunctions(): string[] {
  const keys = NODE_MEMINFO_KEYS.join('|');
  return [
    'oomk() {',
    '  ok=',
    "  { while IFS= read -r l || [ -n \"$l\" ]; do case $l in 'oom_kill '*) ok=${l#oom_kill };; esac; done; } 2>/dev/null < \"$okf\"",
    '}',
    'procs() {',
    `  echo "${M_PROCS} $seq $up"`,
    '  { while IFS= read -r l || [ -n "$l" ]; do',
    `    case $l in ${keys.split('|').map((k) => `${k}:*`).join('|')}) k=\${l%%:*}; v=\${l#*:}; set -- $v; echo "m $k $1";; esac`,
    '  done; } 2>/dev/null < "$proc/meminfo"',
    '  pst=unreadable',
    '  { while IFS= read -r p || [ -n "$p" ]; do',
    '    pst=ok',
    // pid 0: a process outside our pid namespace (the kernel writes 0 for those)
    '    [ "$p" = "$$" ] || [ "$p" = 0 ] && continue',
    '    n=; { read -r n < "$proc/$p/comm"; } 2>/dev/null || continue',
    '    s=-; { read -r s < "$proc/$p/oom_score"; } 2>/dev/null',
    '    a=-; { read -r a < "$proc/$p/oom_score_adj"; } 2>/dev/null',
    '    r=-; { while IFS= read -r q; do case $q in VmRSS:*) set -- ${q#VmRSS:}; r=$1; break;; esac; done; } 2>/dev/null < "$proc/$p/status"',
    '    echo "p $p $s $a $r $n"',
    '  done; } 2>/dev/null < "$dir/cgroup.procs"',
    `  echo "${M_PROCS_END} $seq $pst"`,
    '}',
  ];
}

/**
 * The POSIX `sh` program that samples the container's memory cgroup. Run it as an argv, not through
 * another shell: `["sh", "-c", samplerScript()]`. It uses only shell builtins (`read`, `echo`,
 * `printf`, `[`, `command`), `sleep` (with a fractional argument, as busybox, coreutils and toybox
 * accept; not with `pacing: 'stdin'`) and, only when asked for, `cat`.
 *
 * What it prints, one item per line:
 * - `@@pmc-sampler 1 cgroup=<1|2> reader=<builtin|cat> cat=<yes|no> sleep=<fractional|integer|none>
 *   pacing=<sleep|stdin> interval_cs=<n> procs_every=<n> dir=<cgroup directory>`: once, first.
 * - per sample: `@@pmc-begin <seq> <uptime>`; then for each file that exists `== <file name>` and
 *   its content, or `@@pmc-unreadable <file name>` after the header when reading it failed; then
 *   `@@pmc-end <seq>`. `seq` counts from 0; `<uptime>` is the first field of `/proc/uptime`.
 * - `@@pmc-fatal <reason> <details>`, then exit status 3, when it cannot sample at all
 *   (`no-memory-cgroup`, `no-uptime`, `no-sleep`).
 *
 * Timestamps come from `/proc/uptime` (seconds since boot with centiseconds, CLOCK_BOOTTIME): it is
 * monotonic, so intervals stay right when NTP steps the wall clock, and `read` is a builtin, so
 * taking it costs no process. `date` would be the wall clock (it can jump backwards), would fork a
 * process per sample, and has no portable sub-second format (`%N` is a GNU/busybox extension).
 *
 * With `pacing: 'sleep'`, pacing is deadline-based in centiseconds (`next += interval`), so the
 * time spent reading the files does not stretch the period below 4 Hz; when the container is so
 * starved that a whole interval is lost, the schedule restarts from now instead of bursting to catch
 * up. With `pacing: 'stdin'` the writer of stdin keeps the deadlines (see `pacing`).
 *
 * Files are read with the shell's builtin `read` by default (no process per file; see
 * `SamplerScriptOptions.reader`), so the sampler also works in images that have a shell but no
 * coreutils. The first line says whether the image has `cat`, for the cluster layer's one-shot reads.
 * When the stream is closed (the panel stopped watching), the loop ends, so no process is left
 * behind: stdin-paced, at once (its `read` sees EOF); sleep-paced, at its next write (SIGPIPE).
 */
export function samplerScript(options: SamplerScriptOptions = {}): string {
  const root = options.cgroupRoot ?? '/sys/fs/cgroup';
  const proc = options.procRoot ?? '/proc';
  checkAbsolutePath('cgroupRoot', root);
  checkAbsolutePath('procRoot', proc);
  const intervalMs = options.intervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS;
  if (!Number.isFinite(intervalMs) || intervalMs < 10 || intervalMs > 60_000) {
    throw new RangeError(`The sampling interval must be between 10 ms and 60 s; got ${intervalMs} ms.`);
  }
  const intervalCs = Math.round(intervalMs / 10);
  const reader = options.reader ?? 'builtin';
  if (reader !== 'builtin' && reader !== 'cat') {
    throw new RangeError(`The sampler's reader must be "builtin" or "cat"; got ${JSON.stringify(reader)}.`);
  }
  const pacing = options.pacing ?? 'sleep';
  if (pacing !== 'sleep' && pacing !== 'stdin') {
    throw new RangeError(`The sampler's pacing must be "sleep" or "stdin"; got ${JSON.stringify(pacing)}.`);
  }
  const maxSamples = options.maxSamples ?? 0;
  if (!Number.isInteger(maxSamples) || maxSamples < 0) {
    throw new RangeError(`maxSamples must be a whole number >= 0 (0 = run until stopped); got ${maxSamples}.`);
  }
  const listEveryMs = options.processListEveryMs ?? 0;
  if (!Number.isFinite(listEveryMs) || listEveryMs < 0) {
    throw new RangeError(`processListEveryMs must be 0 (never) or a positive number of ms; got ${listEveryMs}.`);
  }
  const listEvery = listEveryMs === 0 ? 0 : Math.max(1, Math.round(listEveryMs / (intervalCs * 10)));
  // Trailing `/` would produce `//memory.current` in the header: harmless, but ugly in messages.
  const rootArg = root.length > 1 ? root.replace(/\/+$/, '') : root;
  const procArg = proc.length > 1 ? proc.replace(/\/+$/, '') : proc;

  return [
    `root=${shellQuote(rootArg)}; proc=${shellQuote(procArg)}; ival=${intervalCs}; limit=${maxSamples}; reader=${reader}; pe=${listEvery}`,
    // v1: runc bind-mounts the container's own memory cgroup at <root>/memory.
    'if [ -e "$root/memory/memory.usage_in_bytes" ]; then',
    `  ver=1; dir="$root/memory"; files="${CGROUP_V1_FILES.join(' ')}"`,
    'else',
    // v2: with a cgroup namespace <root> is the container's cgroup; without one (privileged
    // containers) it is the host root, and /proc/self/cgroup's `0::<path>` names our cgroup.
    '  ver=2; dir=; rel=',
    '  { while IFS= read -r l || [ -n "$l" ]; do case $l in 0::*) rel=${l#0::};; esac; done; } 2>/dev/null < "$proc/self/cgroup"',
    '  if [ -n "$rel" ] && [ "$rel" != / ] && [ -e "$root$rel/memory.current" ]; then dir="$root$rel";',
    '  elif [ -e "$root/memory.current" ]; then dir="$root"; fi',
    `  files="${CGROUP_V2_FILES.join(' ')}"; okf="$dir/memory.events"`,
    `  [ -n "$dir" ] || { echo "${M_FATAL} no-memory-cgroup $root"; exit 3; }`,
    'fi',
    // Whether the image has `cat` is reported either way: the cluster layer's one-shot reads need it.
    'if command -v cat >/dev/null 2>&1; then hascat=yes; else hascat=no; reader=builtin; fi',
    'rd() {',
    '  if [ "$reader" = cat ]; then cat "$1" 2>/dev/null',
    // `read` cannot tell a read error (EISDIR, EOPNOTSUPP from PSI turned off) from the end of the
    // file; every cgroup file read here has content, so nothing read counts as unreadable.
    '  else got=0; { while IFS= read -r l || [ -n "$l" ]; do printf "%s\\n" "$l"; got=1; done; } 2>/dev/null < "$1" && [ "$got" = 1 ]; fi',
    '}',
    // Uptime "12345.67" -> $up and $now in centiseconds. `${f#0}` drops a leading zero so that
    // "08" is not read as an invalid octal number by $(( )).
    'tick() {',
    '  read -r up _rest 2>/dev/null < "$proc/uptime" || return 1',
    '  case $up in *.*) s=${up%%.*}; f=${up#*.}; f=${f#0};; *) s=$up; f=0;; esac',
    '  now=$((s * 100 + f))',
    '}',
    ...processListFunctions(),
    `tick || { echo "${M_FATAL} no-uptime $proc/uptime"; exit 3; }`,
    pacing === 'stdin' ? 'sl=none' : 'if [ "$limit" = 1 ]; then sl=none',
    ...(pacing === 'stdin'
      ? []
      : [
          'elif ! command -v sleep >/dev/null 2>&1; then echo "' + M_FATAL + ' no-sleep"; exit 3',
          'elif sleep 0.01 >/dev/null 2>&1; then sl=fractional',
          'else sl=integer; ival=$(( (ival + 99) / 100 * 100 )); fi',
        ]),
    `echo "${M_START} ${SAMPLER_PROTOCOL_VERSION} cgroup=$ver reader=$reader cat=$hascat sleep=$sl pacing=${pacing} interval_cs=$ival procs_every=$pe dir=$dir"`,
    'seq=0; next=$now; okprev=; hot=0',
    'while :; do',
    // stdin pacing: one line in, one sample out. `read` is a builtin (no fork) and POSIX has no
    // `read -t`, so it simply blocks; EOF (the stream closed) or a read error ends the loop at once
    // with status 0: nothing is left running in the container, whether or not it would write again.
    ...(pacing === 'stdin' ? ['  IFS= read -r _t || exit 0'] : []),
    '  tick',
    `  echo "${M_BEGIN} $seq $up"`,
    '  for n in $files; do',
    '    [ -e "$dir/$n" ] || continue',
    `    echo "${FILE_HEADER}$n"`,
    `    rd "$dir/$n" || echo "${M_UNREADABLE} $n"`,
    '  done',
    `  echo "${M_END} $seq"`,
    // The process list: every `pe` samples, and at once when the OOM kill counter moved, so the
    // list before and the list after bracket the kill; then at every sample for the next
    // PROCESS_LIST_HOT_SAMPLES (a stress tool restarts killed workers at once, and a worker born
    // and killed between two 1 s lists could not be named).
    '  if [ "$pe" -gt 0 ]; then',
    '    oomk',
    `    if [ "$ok" != "$okprev" ] && [ -n "$okprev" ]; then hot=${PROCESS_LIST_HOT_SAMPLES}; fi`,
    '    if [ $((seq % pe)) = 0 ] || [ "$ok" != "$okprev" ] || [ "$hot" -gt 0 ]; then procs; fi',
    '    [ "$hot" -gt 0 ] && hot=$((hot - 1))',
    '    okprev=$ok',
    '  fi',
    '  seq=$((seq + 1))',
    '  if [ "$limit" -gt 0 ] && [ "$seq" -ge "$limit" ]; then exit 0; fi',
    ...(pacing === 'stdin'
      ? []
      : [
          '  next=$((next + ival)); tick; w=$((next - now))',
          '  if [ "$w" -gt "$ival" ]; then next=$((now + ival)); w=$ival; fi',
          '  if [ "$w" -gt 0 ]; then',
          '    if [ "$sl" = fractional ]; then ws=$((w / 100)); wf=$((w % 100)); [ "$wf" -ge 10 ] || wf=0$wf; sleep "$ws.$wf"',
          '    else sleep $(( (w + 99) / 100 )); fi',
          '  elif [ $((now - next)) -ge "$ival" ]; then next=$now; fi',
        ]),
    'done',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Parsing the output
// ---------------------------------------------------------------------------------------------

/** What the sampler said about itself in its first line. */
export interface SamplerInfo {
  readonly protocol: number;
  readonly cgroupVersion: 1 | 2;
  /** How the files are read: the shell's builtin `read`, or `cat`. */
  readonly reader: 'cat' | 'builtin';
  /** Whether the container's image has `cat` (one-shot `cat` reads fail without it). */
  readonly hasCat: boolean;
  /** `integer` when the image's `sleep` cannot sleep fractions of a second; `none` for one-shot reads and stdin pacing. */
  readonly sleep: 'fractional' | 'integer' | 'none';
  /** What starts each sample: the script's own `sleep`, or a line on its stdin (the host paces). */
  readonly pacing: SamplerPacing;
  /** The actual interval (rounded to centiseconds; whole seconds when `sleep` is integer-only). */
  readonly intervalMs: number;
  /** The cgroup directory it reads. */
  readonly cgroupDir: string;
  /** Processes are listed every this many samples (and after an OOM kill); 0: never. */
  readonly processListEverySamples: number;
  /** Plain-words remarks for the user (no `cat`, slow `sleep`). */
  readonly notes: readonly string[];
}

export interface Sample {
  /** Counts from 0 for each run of the sampler. */
  readonly seq: number;
  /** Time since the node booted, in ms (centisecond resolution), when the sample was started. */
  readonly monotonicMs: number;
  /** Local wall-clock ms derived from the monotonic time; only when `push` was given receive times. */
  readonly wallTime?: number;
  readonly memory: CgroupMemory;
  /** The raw file contents by file name (for a raw view and for counters not in `memory`). */
  readonly files: Readonly<Record<string, string>>;
  /** Files that exist but could not be read (e.g. `memory.pressure` when PSI is off): treated as absent. */
  readonly unreadableFiles: readonly string[];
}

/**
 * One process of the container, from `/proc/<pid>`. Sizes are plain numbers of bytes (whole KiB
 * from `VmRSS`, far below 2^53). Null: the figure could not be read (the process was ending).
 */
export interface ContainerProcessInfo {
  readonly pid: number;
  /** `/proc/<pid>/comm`: at most 15 bytes, e.g. `stress-ng-vm`. */
  readonly name: string;
  /** `/proc/<pid>/oom_score`: the kernel's badness, 0-2000; the highest is killed first. */
  readonly oomScore: number | null;
  readonly oomScoreAdj: number | null;
  readonly rssBytes: number | null;
}

/** The node's `/proc/meminfo` as `free` and `top` inside the container show it: the NODE's memory. */
export type NodeMeminfo = Readonly<Partial<Record<(typeof NODE_MEMINFO_KEYS)[number], number>>>;

/** A process list taken by the sampler right after sample `seq`. */
export interface ProcessListing {
  readonly seq: number;
  readonly monotonicMs: number;
  readonly wallTime?: number;
  /** False when `cgroup.procs` could not be read: `processes` is then empty and says nothing. */
  readonly readable: boolean;
  readonly processes: readonly ContainerProcessInfo[];
  /** Bytes by `/proc/meminfo` key; empty when the file could not be read. */
  readonly nodeMemory: NodeMeminfo;
}

export type SamplerFatalReason = 'no-memory-cgroup' | 'no-uptime' | 'no-sleep' | 'unknown';

export type SamplerOutput =
  | { readonly kind: 'started'; readonly info: SamplerInfo }
  | { readonly kind: 'sample'; readonly sample: Sample }
  | { readonly kind: 'processes'; readonly listing: ProcessListing }
  | {
      /** One sample could not be turned into figures; the following ones may be fine. */
      readonly kind: 'block-error';
      readonly seq: number | null;
      readonly monotonicMs: number | null;
      /** The cgroup file at fault, when one is. */
      readonly file: string | null;
      readonly message: string;
    }
  | { readonly kind: 'fatal'; readonly reason: SamplerFatalReason; readonly message: string };

/** A line longer than this is not sampler output (cgroup lines are < 100 bytes); it is dropped. */
const MAX_LINE_CHARS = 64 * 1024;

interface OpenBlock {
  seq: number;
  monotonicMs: number | null;
  timeError: string | null;
  files: Record<string, string[]>;
  order: string[];
  current: string | null;
  unreadable: string[];
  /** The first line inside the block that came before any `== <file>` header. */
  stray: string | null;
}

/** `12345.67` → 12345670 ms, exactly (no floating point). */
function uptimeToMs(text: string): number | null {
  const m = /^(\d+)\.(\d{2})$/.exec(text);
  if (m === null) return null;
  return Number(m[1]) * 1000 + Number(m[2]) * 10;
}

function fatalMessage(reason: SamplerFatalReason, details: string): string {
  switch (reason) {
    case 'no-memory-cgroup':
      return (
        `No memory cgroup found in the container under ${details || 'the cgroup root'}: neither memory.current (cgroup v2) ` +
        'nor memory/memory.usage_in_bytes (cgroup v1) exists. The memory controller may be off for this container.'
      );
    case 'no-uptime':
      return `The sampler cannot read ${details || '/proc/uptime'} in the container, so it has no clock to time samples with.`;
    case 'no-sleep':
      return 'This container has no `sleep` command, so the sampler cannot pace itself; only one-shot reads are possible.';
    default:
      return `The sampler stopped: ${details}`;
  }
}

/**
 * Turns the sampler's stdout, in chunks of any size split anywhere, into samples. Output before the
 * first marker (shell noise, a motd) is ignored. A sample whose content cannot be read becomes a
 * `block-error` naming the file; the stream continues with the next sample.
 *
 * Wall times: pass the local receive time of each chunk to `push`. The first sample completed in a
 * chunk with a receive time anchors the monotonic clock to the wall clock (`wall = anchor +
 * monotonic`), so every later sample keeps the container's exact spacing instead of the network's
 * jitter; a sample that arrives sooner after it was taken lowers the anchor (no sample is ever
 * dated after its arrival). A new sampler run (a new first line) re-anchors.
 */
export class SamplerOutputParser {
  private readonly decoder = new TextDecoder('utf-8');
  private partial = '';
  private droppingLongLine = false;
  private block: OpenBlock | null = null;
  private anchorMs: number | null = null;
  private pendingReceivedAt: number | undefined;
  private currentInfo: SamplerInfo | null = null;
  private ignored = 0;
  private procs: { seq: number; monotonicMs: number | null; processes: ContainerProcessInfo[]; meminfo: Record<string, number> } | null = null;

  /** The sampler's own description, once its first line arrived. */
  get info(): SamplerInfo | null {
    return this.currentInfo;
  }

  /** Lines outside any sample (noise before the first marker, over-long lines) that were ignored. */
  get ignoredLineCount(): number {
    return this.ignored;
  }

  /** Feeds a chunk of stdout; returns what it completed. */
  push(chunk: string | Uint8Array, receivedAtMs?: number): SamplerOutput[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    this.pendingReceivedAt = receivedAtMs;
    const out: SamplerOutput[] = [];
    let from = 0;
    for (;;) {
      const nl = text.indexOf('\n', from);
      if (nl < 0) break;
      const piece = text.slice(from, nl);
      from = nl + 1;
      if (this.droppingLongLine) {
        this.droppingLongLine = false;
        this.partial = '';
        continue;
      }
      const line = this.partial + piece;
      this.partial = '';
      this.line(line.endsWith('\r') ? line.slice(0, -1) : line, out);
    }
    if (!this.droppingLongLine) {
      this.partial += text.slice(from);
      if (this.partial.length > MAX_LINE_CHARS) {
        this.partial = '';
        this.droppingLongLine = true;
        this.ignored++;
      }
    }
    return out;
  }

  /**
   * The stream ended (the exec session closed). A last line without newline is processed; a
   * sample left open becomes a `block-error` saying the sampler stopped in the middle of it.
   */
  end(receivedAtMs?: number): SamplerOutput[] {
    const out: SamplerOutput[] = [];
    this.pendingReceivedAt = receivedAtMs;
    const tail = this.partial + this.decoder.decode();
    this.partial = '';
    this.droppingLongLine = false;
    if (tail !== '') this.line(tail.endsWith('\r') ? tail.slice(0, -1) : tail, out);
    if (this.block !== null) {
      out.push(this.blockError(this.block, null,
        `The sampler output ended in the middle of sample ${this.block.seq}: the container or the exec session stopped.`));
      this.block = null;
    }
    return out;
  }

  private line(line: string, out: SamplerOutput[]): void {
    if (line.startsWith('@@pmc-')) {
      this.marker(line, out);
      return;
    }
    if (this.procs !== null) {
      this.processLine(line, this.procs);
      return;
    }
    const b = this.block;
    if (b === null) {
      // Noise printed without a newline (a motd, a shell warning) glues itself to our first line.
      const at = line.indexOf('@@pmc-');
      this.ignored++;
      if (at > 0) this.marker(line.slice(at), out);
      return;
    }
    if (line.startsWith(FILE_HEADER)) {
      const name = line.slice(FILE_HEADER.length).trim();
      b.current = name;
      if (b.files[name] === undefined) b.order.push(name);
      b.files[name] = [];
      return;
    }
    if (b.current === null) {
      b.stray ??= line;
      return;
    }
    (b.files[b.current] as string[]).push(line);
  }

  private marker(line: string, out: SamplerOutput[]): void {
    const space = line.indexOf(' ');
    const word = space < 0 ? line : line.slice(0, space);
    const rest = space < 0 ? '' : line.slice(space + 1);
    // A process list cut off (the sampler died while listing) ends at the next marker.
    if (word !== M_PROCS_END) this.procs = null;
    switch (word) {
      case M_BEGIN: {
        this.closeUnfinished(out, 'a new sample started');
        const [seqText, upText] = rest.split(' ');
        const seq = /^\d+$/.test(seqText ?? '') ? Number(seqText) : -1;
        const ms = uptimeToMs(upText ?? '');
        this.block = {
          seq,
          monotonicMs: ms,
          timeError: ms === null ? `its timestamp ${JSON.stringify(upText ?? '')} is not a /proc/uptime value` : null,
          files: {},
          order: [],
          current: null,
          unreadable: [],
          stray: null,
        };
        return;
      }
      case M_END: {
        const b = this.block;
        if (b === null) {
          this.ignored++;
          return;
        }
        this.block = null;
        const endSeq = /^\d+$/.test(rest.trim()) ? Number(rest.trim()) : -2;
        if (endSeq !== b.seq) {
          out.push(this.blockError(b, null, `Sample ${b.seq} ended with the marker of sample ${rest.trim()}: the output is garbled.`));
          return;
        }
        out.push(this.finish(b));
        return;
      }
      case M_UNREADABLE: {
        const b = this.block;
        if (b === null) {
          this.ignored++;
          return;
        }
        const name = rest.trim();
        b.unreadable.push(name);
        delete b.files[name];
        b.order = b.order.filter((n) => n !== name);
        b.current = null;
        return;
      }
      case M_PROCS: {
        const [seqText, upText] = rest.split(' ');
        this.procs = { seq: Number(seqText), monotonicMs: uptimeToMs(upText ?? ''), processes: [], meminfo: {} };
        return;
      }
      case M_PROCS_END: {
        const p = this.procs;
        this.procs = null;
        const [seqText, state] = rest.split(' ');
        if (p === null || p.monotonicMs === null || Number(seqText) !== p.seq || !Number.isInteger(p.seq)) {
          this.ignored++;
          return;
        }
        const listing: ProcessListing = {
          seq: p.seq,
          monotonicMs: p.monotonicMs,
          ...(this.anchorMs === null ? {} : { wallTime: this.anchorMs + p.monotonicMs }),
          readable: state === 'ok',
          processes: p.processes,
          nodeMemory: p.meminfo,
        };
        out.push({ kind: 'processes', listing });
        return;
      }
      case M_START: {
        this.closeUnfinished(out, 'the sampler restarted');
        const info = parseStartLine(rest);
        if (info === null) {
          out.push({ kind: 'fatal', reason: 'unknown', message: `The sampler printed a first line this version does not understand: ${JSON.stringify(line)}.` });
          return;
        }
        this.currentInfo = info;
        this.anchorMs = null;
        out.push({ kind: 'started', info });
        return;
      }
      case M_FATAL: {
        this.closeUnfinished(out, 'the sampler stopped');
        const sp = rest.indexOf(' ');
        const code = sp < 0 ? rest : rest.slice(0, sp);
        const details = sp < 0 ? '' : rest.slice(sp + 1);
        const reason: SamplerFatalReason =
          code === 'no-memory-cgroup' || code === 'no-uptime' || code === 'no-sleep' ? code : 'unknown';
        out.push({ kind: 'fatal', reason, message: fatalMessage(reason, reason === 'unknown' ? rest : details) });
        return;
      }
      default:
        // A marker from a newer sampler: not ours to interpret; as content it would corrupt a file.
        this.ignored++;
    }
  }

  /** `m <key> <kB>` or `p <pid> <oom_score> <oom_score_adj> <rss kB> <name>`; anything else is dropped. */
  private processLine(line: string, p: { processes: ContainerProcessInfo[]; meminfo: Record<string, number> }): void {
    const num = (t: string | undefined): number | null => (t !== undefined && /^-?\d+$/.test(t) ? Number(t) : null);
    if (line.startsWith('m ')) {
      const [, key, kb] = line.split(' ');
      const v = num(kb);
      if (key !== undefined && v !== null && (NODE_MEMINFO_KEYS as readonly string[]).includes(key)) p.meminfo[key] = v * 1024;
      else this.ignored++;
      return;
    }
    const m = /^p (\d+) (\S+) (\S+) (\S+) (.*)$/.exec(line);
    if (m === null) {
      this.ignored++;
      return;
    }
    const rssKb = num(m[4]);
    p.processes.push({
      pid: Number(m[1]),
      name: m[5] as string,
      oomScore: num(m[2]),
      oomScoreAdj: num(m[3]),
      rssBytes: rssKb === null ? null : rssKb * 1024,
    });
  }

  private closeUnfinished(out: SamplerOutput[], why: string): void {
    const b = this.block;
    if (b === null) return;
    this.block = null;
    out.push(this.blockError(b, null, `Sample ${b.seq} was cut off (${why} before it ended).`));
  }

  private blockError(b: OpenBlock, file: string | null, message: string): SamplerOutput {
    return { kind: 'block-error', seq: b.seq >= 0 ? b.seq : null, monotonicMs: b.monotonicMs, file, message };
  }

  private finish(b: OpenBlock): SamplerOutput {
    if (b.seq < 0) return this.blockError(b, null, 'A sample started without a sequence number: the output is garbled.');
    if (b.monotonicMs === null) return this.blockError(b, null, `Sample ${b.seq} cannot be timed: ${b.timeError}.`);
    if (b.stray !== null) {
      return this.blockError(b, null, `Sample ${b.seq} holds output that belongs to no file: ${JSON.stringify(b.stray.slice(0, 80))}.`);
    }
    const files: Record<string, string> = {};
    for (const name of b.order) {
      const lines = b.files[name] as string[];
      files[name] = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
    }
    let memory: CgroupMemory;
    try {
      memory = readCgroupMemory(files);
    } catch (error) {
      const file = typeof (error as { file?: unknown }).file === 'string' ? (error as { file: string }).file : null;
      const base = error instanceof Error ? error.message : String(error);
      const note = file !== null && b.unreadable.includes(file) ? ` (the sampler could not read ${file} in the container)` : '';
      return this.blockError(b, file, `Sample ${b.seq}: ${base}${note}`);
    }
    const monotonicMs = b.monotonicMs;
    if (this.pendingReceivedAt !== undefined) {
      // A sample cannot have been taken after it arrived: a sample that arrives sooner after it was
      // taken than the anchoring one did lowers the anchor (the first one often waits for the exec
      // stream to open). Later arrivals never raise it, so network jitter does not move samples,
      // and wall times stay in order (each is at most its own receive time, after the previous one).
      const candidate = this.pendingReceivedAt - monotonicMs;
      if (this.anchorMs === null || candidate < this.anchorMs) this.anchorMs = candidate;
    }
    const sample: Sample = {
      seq: b.seq,
      monotonicMs,
      ...(this.anchorMs === null ? {} : { wallTime: this.anchorMs + monotonicMs }),
      memory,
      files,
      unreadableFiles: b.unreadable,
    };
    return { kind: 'sample', sample };
  }
}

function parseStartLine(rest: string): SamplerInfo | null {
  // `1 cgroup=2 reader=builtin cat=yes sleep=fractional pacing=sleep interval_cs=25 procs_every=4 dir=/sys/fs/cgroup`
  // (dir last: it may hold spaces).
  const dirAt = rest.indexOf(' dir=');
  if (dirAt < 0) return null;
  const cgroupDir = rest.slice(dirAt + ' dir='.length);
  const fields = rest.slice(0, dirAt).split(' ');
  const protocol = Number(fields[0]);
  if (protocol !== SAMPLER_PROTOCOL_VERSION) return null;
  const kv = new Map<string, string>();
  for (const f of fields.slice(1)) {
    const eq = f.indexOf('=');
    if (eq > 0) kv.set(f.slice(0, eq), f.slice(eq + 1));
  }
  const version = kv.get('cgroup');
  const reader = kv.get('reader');
  const cat = kv.get('cat');
  const sleep = kv.get('sleep');
  const intervalCs = Number(kv.get('interval_cs'));
  const procsEvery = Number(kv.get('procs_every') ?? '0');
  // Absent in the first line of samplers from before stdin pacing: those paced themselves.
  const pacing = kv.get('pacing') ?? 'sleep';
  if ((version !== '1' && version !== '2') || (reader !== 'cat' && reader !== 'builtin')) return null;
  if (cat !== 'yes' && cat !== 'no') return null;
  if (sleep !== 'fractional' && sleep !== 'integer' && sleep !== 'none') return null;
  if (pacing !== 'sleep' && pacing !== 'stdin') return null;
  if (!Number.isInteger(intervalCs) || intervalCs <= 0) return null;
  const notes: string[] = [];
  if (cat === 'no') {
    notes.push(
      "This container has no `cat`: the sampler does not need it (it reads the cgroup files with the shell's builtin `read`), " +
        'but one-shot reads with `cat` will fail here.',
    );
  }
  if (sleep === 'integer') {
    notes.push(
      `This container's \`sleep\` cannot sleep fractions of a second, so memory is sampled every ${intervalCs / 100} s instead of 4 times a second.`,
    );
  }
  return {
    protocol,
    cgroupVersion: version === '1' ? 1 : 2,
    reader,
    hasCat: cat === 'yes',
    sleep,
    pacing,
    intervalMs: intervalCs * 10,
    cgroupDir,
    processListEverySamples: Number.isInteger(procsEvery) && procsEvery > 0 ? procsEvery : 0,
    notes,
  };
}

// ---------------------------------------------------------------------------------------------
// Counters across samples
// ---------------------------------------------------------------------------------------------

/** Why two consecutive samples cannot come from the same cgroup. */
export type ResetReason =
  | 'container-changed'
  | 'cgroup-version-changed'
  | 'clock-went-back'
  | 'oom-kills-decreased'
  | 'limit-hits-decreased'
  | 'peak-decreased'
  | 'pressure-total-decreased'
  | 'page-faults-decreased';

export interface CounterReset {
  readonly reasons: readonly ResetReason[];
  /** Plain words for the panel, naming the counters that went down. */
  readonly message: string;
}

/** What changed between the previous sample and this one. Deltas are never negative. */
export interface SampleStep {
  readonly sample: Sample;
  readonly previous: Sample | null;
  /** True for the first sample of a series: there is nothing to compare with, deltas are 0. */
  readonly baseline: boolean;
  /**
   * Set when the counters started again from 0 (a restarted container gets a new cgroup). The
   * deltas are then counted from 0, i.e. they are the new cgroup's own counters: what happened in
   * the old cgroup between the previous sample and its end is unknown.
   */
  readonly reset: CounterReset | null;
  /** Processes the OOM killer killed in the cgroup since the previous sample; null when the counter is unavailable. */
  readonly oomKillDelta: number | null;
  /** Times usage hit the limit since the previous sample (v2 `memory.events` max, v1 failcnt); null when unavailable. */
  readonly limitHitDelta: number | null;
}

export interface StepHints {
  /** The container ID from the API (`containerStatuses[].containerID`) when the sample was taken. */
  readonly containerId?: string;
  /** The container ID when the previous sample was taken. */
  readonly previousContainerId?: string;
}


function pageFaults(memory: CgroupMemory): bigint | undefined {
  // `pgfault` is a local event counter on v1 and a hierarchical one on v2; both only grow.
  return memory.stat.get('pgfault');
}

/**
 * Compares two consecutive samples of one container. Counters of a cgroup only grow, so any of
 * them going down means the samples come from two different cgroups: the container restarted (or,
 * with `containerId` hints, the API says so directly). Signals: OOM-kill and limit-hit counters,
 * the peak (`memory.peak` / `max_usage_in_bytes`), PSI total stall time, page-fault count, the
 * monotonic clock (backwards = another boot), the cgroup version.
 */
export function compareSamples(previous: Sample | null, sample: Sample, hints: StepHints = {}): SampleStep {
  const now = sample.memory;
  if (previous === null) {
    return {
      sample,
      previous: null,
      baseline: true,
      reset: null,
      oomKillDelta: now.oomKills === null ? null : 0,
      limitHitDelta: now.limitHits === null ? null : 0,
    };
  }
  const before = previous.memory;
  const reasons: ResetReason[] = [];
  const details: string[] = [];
  if (hints.containerId !== undefined && hints.previousContainerId !== undefined && hints.containerId !== hints.previousContainerId) {
    reasons.push('container-changed');
    details.push('the API reports a new container ID');
  }
  if (now.version !== before.version) {
    reasons.push('cgroup-version-changed');
    details.push(`the cgroup version changed from v${before.version} to v${now.version}`);
  }
  if (sample.monotonicMs < previous.monotonicMs) {
    reasons.push('clock-went-back');
    details.push("the node's uptime went backwards (another node or a reboot)");
  }
  if (before.oomKills !== null && now.oomKills !== null && now.oomKills < before.oomKills) {
    reasons.push('oom-kills-decreased');
    details.push(`oom_kill went from ${before.oomKills} to ${now.oomKills}`);
  }
  if (before.limitHits !== null && now.limitHits !== null && now.limitHits < before.limitHits) {
    reasons.push('limit-hits-decreased');
    details.push(`${now.version === 2 ? 'memory.events max' : 'failcnt'} went from ${before.limitHits} to ${now.limitHits}`);
  }
  if (before.peakBytes !== null && now.peakBytes !== null && now.peakBytes < before.peakBytes) {
    reasons.push('peak-decreased');
    details.push(`the peak went from ${formatBytes(before.peakBytes)} to ${formatBytes(now.peakBytes)}`);
  }
  if (before.pressure !== null && now.pressure !== null && now.pressure.some.totalMicros < before.pressure.some.totalMicros) {
    reasons.push('pressure-total-decreased');
    details.push('the total memory stall time (PSI) went down');
  }
  const faultsBefore = pageFaults(before);
  const faultsNow = pageFaults(now);
  if (faultsBefore !== undefined && faultsNow !== undefined && faultsNow < faultsBefore) {
    reasons.push('page-faults-decreased');
    details.push(`the page-fault count went from ${faultsBefore} to ${faultsNow}`);
  }
  const reset: CounterReset | null =
    reasons.length === 0
      ? null
      : {
          reasons,
          message:
            `The container's cgroup was replaced (the container restarted): ${details.join('; ')}. ` +
            'Its counters start again from 0; what happened between the last sample of the old container and its end is not known.',
        };
  const delta = (a: number | null, b: number | null): number | null => {
    if (b === null) return null;
    if (reset !== null || a === null) return b; // counted from the new cgroup's zero
    return b - a;
  };
  return {
    sample,
    previous,
    baseline: false,
    reset,
    oomKillDelta: delta(before.oomKills, now.oomKills),
    limitHitDelta: delta(before.limitHits, now.limitHits),
  };
}

/**
 * The samples of one container, in order, with running totals that survive restarts: the number a
 * user wants ("the OOM killer fired 5 times during the experiment") even when each restart started
 * the kernel's counters again from 0.
 */
export class SampleSeries {
  private last: Sample | null = null;
  private lastContainerId: string | undefined;
  private oomKills = 0;
  private limitHits = 0;
  private resetCount = 0;
  private stepCount = 0;

  /** Adds the next sample; `containerId` (from the API, when known) makes restart detection exact. */
  add(sample: Sample, containerId?: string): SampleStep {
    const step = compareSamples(this.last, sample, {
      ...(containerId === undefined ? {} : { containerId }),
      ...(this.lastContainerId === undefined ? {} : { previousContainerId: this.lastContainerId }),
    });
    this.last = sample;
    if (containerId !== undefined) this.lastContainerId = containerId;
    this.stepCount++;
    if (step.reset !== null) this.resetCount++;
    this.oomKills += step.oomKillDelta ?? 0;
    this.limitHits += step.limitHitDelta ?? 0;
    return step;
  }

  get latest(): Sample | null {
    return this.last;
  }

  get length(): number {
    return this.stepCount;
  }

  /** OOM kills seen since the first sample, across restarts. */
  get totalOomKills(): number {
    return this.oomKills;
  }

  /** Limit hits seen since the first sample, across restarts. */
  get totalLimitHits(): number {
    return this.limitHits;
  }

  /** How many times the counters started again from 0. */
  get resets(): number {
    return this.resetCount;
  }
}

/** The steps between consecutive samples of one container (the first one is the baseline). */
export function deltas(samples: readonly Sample[]): SampleStep[] {
  const series = new SampleSeries();
  return samples.map((s) => series.add(s));
}
