/**
 * StressChaos `stressors.memory.size`: what Chaos Mesh's webhook accepts, and what memStress then does
 * with it.
 *
 * Two different parsers read the same string (chaos-mesh.md §3f, §4):
 * - the validating webhook (`Bytes.Validate`, CM api/v1alpha1/stresschaos_webhook.go): a value ending in
 *   `%` must pass Go's `strconv.Atoi` and lie in 0..100; anything else must pass docker/go-units v0.5.0
 *   `FromHumanSize` (case-insensitive `b`, `k`/`m`/`g`/`t`/`p` optionally followed by `b` or `ib`, a
 *   number read by Go's `strconv.ParseFloat`, one optional space before the unit);
 * - memStress (chaos-mesh/memStress v0.3, main.go), which gets `--size <size>` after chaos-daemon split the
 *   argument string on whitespace, and reads it with dustin/go-humanize v1.0.0 `ParseBytes`, or as a float
 *   percentage of the node's MemTotal. Each of the `workers` client processes maps `total / workers` bytes.
 *
 * Everything here is a faithful re-implementation of those Go functions (read, not copied), including
 * their quirks (`1e3` passes the webhook and then fails in memStress; `256 MB` reaches memStress as `256`).
 * Byte values are exact: no floating point except where the Go code itself uses float64.
 */

/** Thrown by {@link parseStressSize} for a size the webhook refuses. */
export class StressSizeError extends Error {
  override readonly name = 'StressSizeError';
  constructor(
    /** The size as written. */
    readonly input: string,
    /** Chaos Mesh's own detail string, e.g. `incorrect bytes format: invalid suffix: 'mi'`. */
    readonly webhookDetail: string,
    /** An accepted spelling that means what the user most likely meant, when there is one (e.g. `256MiB`). */
    readonly suggestion: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

export type StressSize = { bytes: bigint } | { percent: number };

/**
 * Parses a StressChaos memory `size` exactly as Chaos Mesh's webhook accepts it.
 *
 * Returns `{ percent }` for `N%` (whole numbers 0..100, as `strconv.Atoi` reads them), otherwise
 * `{ bytes }`: the amount the spelling denotes, with the `i` units binary (`KiB` = 1024) and the others
 * decimal (`KB` = `K` = 1000) — the convention memStress applies (the webhook itself multiplies every
 * unit by 1000, which only matters for its range checks, and it has none). Fractions of a byte are
 * truncated, as Go's integer conversion does. `Inf`/`NaN` with a space before a unit (`"Inf B"`) pass the
 * webhook because Go's ParseFloat reads them; they denote no amount and give `0n`.
 *
 * The empty string is accepted by the webhook (it means "no size"); it gives `{ bytes: 0n }` because
 * memStress then allocates nothing.
 *
 * @throws StressSizeError with Chaos Mesh's detail string and, when possible, the spelling it wants
 *   (`256Mi` → "Chaos Mesh wants 256MiB").
 */
export function parseStressSize(text: string): StressSize {
  if (text.length === 0) return { bytes: 0n };
  const verdict = webhookReadSize(text);
  if (verdict.ok) return verdict.size;
  const suggestion = suggestStressSize(text);
  throw new StressSizeError(text, verdict.detail, suggestion, sizeErrorMessage(text, verdict.detail, suggestion));
}

/**
 * Chaos Mesh's detail string for a size its webhook refuses (`incorrect bytes format: …`), or undefined
 * when it accepts it. The empty string is accepted.
 */
export function stressSizeWebhookDetail(text: string): string | undefined {
  if (text.length === 0) return undefined;
  const verdict = webhookReadSize(text);
  return verdict.ok ? undefined : verdict.detail;
}

/** Units memStress and the webhook both understand, for messages and completion. */
export const STRESS_SIZE_UNITS = ['B', 'KB', 'KiB', 'MB', 'MiB', 'GB', 'GiB', 'TB', 'TiB', 'PB', 'PiB'] as const;

// ---------------------------------------------------------------------------------------------------
// The webhook's reading.

type WebhookVerdict = { ok: true; size: StressSize } | { ok: false; detail: string };

function webhookReadSize(text: string): WebhookVerdict {
  const fail = (err: string): WebhookVerdict => ({ ok: false, detail: `incorrect bytes format: ${err}` });
  if (text.endsWith('%')) {
    const parsed = goAtoi(text.slice(0, -1));
    if ('error' in parsed) return fail(parsed.error);
    if (parsed.value > 100n || parsed.value < 0n) return fail('illegal proportion');
    return { ok: true, size: { percent: Number(parsed.value) } };
  }
  const units = goUnitsFromHumanSize(text);
  if ('error' in units) return fail(units.error);
  return { ok: true, size: { bytes: units.bytes } };
}

const UNIT_PREFIXES = 'kmgtp';

/**
 * docker/go-units v0.5.0 `parseSize` with the decimal map, except that the value returned is the exact
 * amount the spelling denotes (see {@link parseStressSize}); acceptance and error strings are go-units'.
 */
function goUnitsFromHumanSize(sizeStr: string): { bytes: bigint } | { error: string } {
  const bytes = utf8(sizeStr);
  // strings.LastIndexAny(sizeStr, "01234567890. "): the last byte that is a digit, a dot or a space.
  let sep = -1;
  for (let i = bytes.length - 1; i >= 0; i--) {
    const c = bytes[i];
    if ((c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x20) {
      sep = i;
      break;
    }
  }
  if (sep === -1) return { error: `invalid size: '${sizeStr}'` };
  let num: string;
  let sfx: Uint8Array;
  if (bytes[sep] !== 0x20) {
    num = fromUtf8(bytes.subarray(0, sep + 1));
    sfx = bytes.subarray(sep + 1);
  } else {
    num = fromUtf8(bytes.subarray(0, sep));
    sfx = bytes.subarray(sep + 1);
  }
  const parsed = goParseFloat(num);
  if ('error' in parsed) return { error: parsed.error };
  // Backward compatibility in go-units: negative sizes are refused (-0 and NaN are not "< 0").
  if (parsed.float < 0) return { error: `invalid size: '${sizeStr}'` };
  const badSuffix = (s: string) => ({ error: `invalid suffix: '${s}'` });
  if (sfx.length === 0) return { bytes: truncToBytes(parsed, 1n) };
  // The length check runs before lower-casing, so a long suffix is reported as written.
  if (sfx.length > 3) return badSuffix(fromUtf8(sfx));
  const lower = utf8(fromUtf8(sfx).toLowerCase());
  const lowerText = fromUtf8(lower);
  if (lower[0] === 0x62 /* b */) {
    if (lower.length > 1) return badSuffix(lowerText);
    return { bytes: truncToBytes(parsed, 1n) };
  }
  const prefixIndex = UNIT_PREFIXES.indexOf(String.fromCharCode(lower[0]));
  if (lower[0] >= 0x80 || prefixIndex < 0) return badSuffix(lowerText);
  if (lower.length === 2 && lower[1] !== 0x62) return badSuffix(lowerText);
  if (lower.length === 3 && !(lower[1] === 0x69 && lower[2] === 0x62)) return badSuffix(lowerText);
  // go-units multiplies by 1000^n whatever the spelling; the meaning users and memStress give `KiB` is 1024.
  const base = lower.length === 3 ? 1024n : 1000n;
  return { bytes: truncToBytes(parsed, base ** BigInt(prefixIndex + 1)) };
}

function truncToBytes(parsed: GoFloat, multiplier: bigint): bigint {
  if (parsed.exact === undefined) return 0n; // NaN or ±Inf: no amount
  const { num, den } = parsed.exact;
  const value = (num * multiplier) / den; // BigInt division truncates toward zero, like Go's int conversion
  return value < 0n ? -value : value; // only -0 gets here; keep the result non-negative
}

// ---------------------------------------------------------------------------------------------------
// memStress's reading.

/** How memStress reads a size that reached it. */
export type MemStressSizeReading = {
  /** What memStress receives as its `--size` argument (chaos-daemon splits the option string on spaces). */
  argument: string;
  /**
   * Words that followed the first one when the size contains whitespace (`256 MB` → `["MB"]`). Go's flag
   * package stops at the first of them, so they and every later option are ignored by memStress.
   */
  strayWords: string[];
} & (
  | { /** Total bytes memStress will split across its workers. */ bytes: bigint }
  | { /** Percent of the node's MemTotal (memStress accepts fractions here). */ percent: number }
  | { /** memStress prints this and allocates nothing (its clients exit and are respawned every second). */ error: string }
);

/**
 * What memStress (go-humanize v1.0.0 `ParseBytes`, or `ParseFloat` before a `%`) makes of a size the
 * webhook let through. Use it to flag sizes that pass the webhook and are then misread: `1e3` →
 * `unhandled size name: e3`; `256 MB` → 256 bytes with `MB` a stray word; `+5MB` → parse error.
 * An empty or all-blank size gives memStress's own default, `0KB` (nothing is allocated).
 */
export function memStressReadSize(text: string): MemStressSizeReading {
  const words = goFields(text);
  if (words.length === 0) return { argument: '0KB', strayWords: [], bytes: 0n };
  const [argument, ...strayWords] = words;
  return { argument, strayWords, ...memStressParseArgument(argument) };
}

/** memStress client's size parsing of its `--size` argument (main.go). */
export function memStressParseArgument(memSize: string): { bytes: bigint } | { percent: number } | { error: string } {
  if (memSize.endsWith('%')) {
    const parsed = goParseFloat(memSize.slice(0, -1));
    if ('error' in parsed) return { error: parsed.error };
    return { percent: parsed.float };
  }
  return goHumanizeParseBytes(memSize);
}

const HUMANIZE_TABLE: Record<string, bigint> = {
  b: 1n, '': 1n,
  kib: 1n << 10n, ki: 1n << 10n, kb: 10n ** 3n, k: 10n ** 3n,
  mib: 1n << 20n, mi: 1n << 20n, mb: 10n ** 6n, m: 10n ** 6n,
  gib: 1n << 30n, gi: 1n << 30n, gb: 10n ** 9n, g: 10n ** 9n,
  tib: 1n << 40n, ti: 1n << 40n, tb: 10n ** 12n, t: 10n ** 12n,
  pib: 1n << 50n, pi: 1n << 50n, pb: 10n ** 15n, p: 10n ** 15n,
  eib: 1n << 60n, ei: 1n << 60n, eb: 10n ** 18n, e: 10n ** 18n,
};

/** go-humanize v1.0.0 `ParseBytes`, float64 arithmetic included (memStress allocates what this returns). */
function goHumanizeParseBytes(s: string): { bytes: bigint } | { error: string } {
  // lastDigit counts runes (not bytes) while they are digits, '.' or ','; it is then used as a byte index.
  let lastDigit = 0;
  let hasComma = false;
  for (const r of s) {
    if (!(/^\p{Nd}$/u.test(r) || r === '.' || r === ',')) break;
    if (r === ',') hasComma = true;
    lastDigit++;
  }
  const bytes = utf8(s);
  let num = fromUtf8(bytes.subarray(0, lastDigit));
  if (hasComma) num = num.split(',').join('');
  const parsed = goParseFloat(num);
  if ('error' in parsed) return { error: parsed.error };
  const extra = goTrimSpace(fromUtf8(bytes.subarray(lastDigit))).toLowerCase();
  const multiplier = Object.prototype.hasOwnProperty.call(HUMANIZE_TABLE, extra) ? HUMANIZE_TABLE[extra] : undefined;
  if (multiplier === undefined) return { error: `unhandled size name: ${extra}` };
  const f = parsed.float * Number(multiplier);
  if (f >= 2 ** 64) return { error: `too large: ${s}` };
  return { bytes: goFloatToUint64(f) };
}

/**
 * Bytes each memStress worker maps: memStress divides the total by the number of workers with unsigned
 * integer division (main.go `run(length/uint64(workers), …)`), so the remainder is dropped.
 * Workers must be positive: with 0 Chaos Mesh starts no memStress at all, and a negative count makes
 * memStress panic (`make(chan struct{}, workers)`).
 */
export function perWorkerBytes(total: bigint, workers: number): bigint {
  if (!Number.isInteger(workers) || workers <= 0) {
    throw new RangeError(`workers must be a positive integer, got ${workers}`);
  }
  if (total < 0n) throw new RangeError(`total must not be negative, got ${total}`);
  return total / BigInt(workers);
}

/**
 * Total bytes memStress allocates for a percentage: `uint64(float64(MemTotal) / 100.0 * percentage)`,
 * where MemTotal is the NODE's memory from /proc/meminfo (not namespaced), not the container limit.
 */
export function percentOfNodeMemory(memTotalBytes: bigint, percent: number): bigint {
  const f = (Number(memTotalBytes) / 100.0) * percent;
  if (!(f >= 0)) return 0n;
  if (f >= 2 ** 64) return (1n << 64n) - 1n;
  return goFloatToUint64(f);
}

function goFloatToUint64(f: number): bigint {
  if (!(f > 0)) return 0n; // NaN, 0 and negatives: Go's result is platform-defined; memStress then maps 0
  return BigInt(Math.trunc(f));
}

// ---------------------------------------------------------------------------------------------------
// Suggestions.

function sizeErrorMessage(text: string, detail: string, suggestion: string | undefined): string {
  const shown = JSON.stringify(text);
  const wants = suggestion !== undefined ? ` Chaos Mesh wants ${suggestion}.` : '';
  const grammar =
    'A size is a number with an optional unit B, KB/KiB, MB/MiB, GB/GiB, TB/TiB or PB/PiB (any case), or a whole percentage of the node\'s memory such as 50%.';
  const k8s = /^\s*[+-]?[0-9.]+\s*[KMGTPE]i\s*$/.test(text);
  const why = k8s
    ? `${shown} is a Kubernetes quantity; Chaos Mesh does not read that unit (webhook: ${detail}).`
    : `Chaos Mesh rejects ${shown} (webhook: ${detail}).`;
  return `${why}${wants} ${grammar}`;
}

/**
 * A spelling of the same size that both the webhook accepts and memStress reads as meant, for a size one
 * of them gets wrong (`256Mi` → `256MiB`, `256 MB` → `256MB`, `1e3` → `1000`), or undefined when the
 * intent is unclear or the size is already fine.
 */
export function suggestStressSize(text: string): string | undefined {
  const candidate = suggestSpelling(text);
  if (candidate === undefined) return undefined;
  const reading = memStressReadSize(candidate);
  return reading.strayWords.length === 0 && !('error' in reading) ? candidate : undefined;
}

/**
 * An accepted spelling for a refused size, when the intent is clear: Kubernetes binary suffixes get their
 * `B` (`256Mi` → `256MiB`), exa-units are rewritten in peta (`1Ei` → `1024PiB`), stray blanks, commas and
 * the space before `%` are removed, and fractional percentages are rounded to the nearest whole one.
 */
function suggestSpelling(text: string): string | undefined {
  const accepted = (candidate: string) => candidate !== text && candidate.length > 0 && webhookReadSize(candidate).ok;
  let t = text.trim().replace(/[,_]/g, '');
  if (t.endsWith('%')) {
    const n = t.slice(0, -1).trim();
    if (/^\+?(\d+\.?\d*|\.\d+)$/.test(n)) {
      const rounded = Math.round(Number(n));
      if (rounded >= 0 && rounded <= 100) {
        const candidate = `${rounded}%`;
        return accepted(candidate) ? candidate : undefined;
      }
    }
    return undefined;
  }
  const m = /^([+]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-z]*)$/.exec(t);
  if (!m) return accepted(t) ? t : undefined;
  const [, num, unitRaw] = m;
  const unit = unitRaw.toLowerCase();
  const exaBinary = unit === 'ei' || unit === 'eib';
  const exaDecimal = unit === 'e' || unit === 'eb';
  if (exaBinary || exaDecimal) {
    const exact = decimalToRational(num.replace(/^\+/, ''));
    if (exact === undefined) return undefined;
    const factor = exaBinary ? 1024n : 1000n;
    const peta = formatRational(exact.num * factor, exact.den);
    if (peta === undefined) return undefined;
    t = `${peta}${exaBinary ? 'PiB' : 'PB'}`;
    return accepted(t) ? t : undefined;
  }
  const canonical: Record<string, string> = {
    '': '', b: 'B', byte: 'B', bytes: 'B',
    k: 'K', ki: 'KiB', kib: 'KiB', kb: 'KB',
    m: 'M', mi: 'MiB', mib: 'MiB', mb: 'MB',
    g: 'G', gi: 'GiB', gib: 'GiB', gb: 'GB',
    t: 'T', ti: 'TiB', tib: 'TiB', tb: 'TB',
    p: 'P', pi: 'PiB', pib: 'PiB', pb: 'PB',
  };
  // Keep the user's own casing when it is already accepted, only fix what is wrong.
  const fixedUnit = /^[kmgtp](i?b)?$|^b$|^$/i.test(unitRaw) ? unitRaw : canonical[unit];
  if (fixedUnit === undefined) return undefined;
  // Plain digits only: an exponent (`1e3`) passes the webhook but memStress cannot read it.
  const exact = decimalToRational(num.replace(/^\+/, ''));
  const plain = exact && formatRational(exact.num, exact.den);
  if (plain === undefined) return undefined;
  t = `${plain}${fixedUnit}`;
  return accepted(t) ? t : undefined;
}

function decimalToRational(s: string): { num: bigint; den: bigint } | undefined {
  const m = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return undefined;
  const int = m[1];
  const frac = m[2] ?? '';
  const exp = Number(m[3] ?? '0') - frac.length;
  if (Math.abs(exp) > 400) return undefined;
  let num = BigInt((int + frac).replace(/^0+(?=.)/, '') || '0');
  let den = 1n;
  if (exp >= 0) num *= 10n ** BigInt(exp);
  else den = 10n ** BigInt(-exp);
  return { num, den };
}

/** A plain decimal spelling of num/den when it terminates within a few digits. */
function formatRational(num: bigint, den: bigint): string | undefined {
  const whole = num / den;
  let rest = num % den;
  if (rest === 0n) return whole.toString();
  let frac = '';
  for (let i = 0; i < 6 && rest !== 0n; i++) {
    rest *= 10n;
    frac += (rest / den).toString();
    rest %= den;
  }
  return rest === 0n ? `${whole}.${frac}` : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Go standard library pieces (strconv, strings), re-implemented for exact error strings.

/** A float64 as Go's ParseFloat returns it, plus the exact rational value for finite decimal input. */
export interface GoFloat {
  float: number;
  exact: { num: bigint; den: bigint } | undefined;
}

/** Go `strconv.ParseFloat(s, 64)`: same accepted syntax, same value, same error strings. */
export function goParseFloat(s: string): GoFloat | { error: string } {
  const syntax = { error: `strconv.ParseFloat: parsing ${goQuote(s)}: invalid syntax` };
  const range = { error: `strconv.ParseFloat: parsing ${goQuote(s)}: value out of range` };
  // strconv `special`: a signed or unsigned "inf"/"infinity", or an unsigned "nan", any case.
  if (/^nan$/i.test(s)) return { float: NaN, exact: undefined };
  const inf = /^([+-]?)(inf|infinity)$/i.exec(s);
  if (inf) return { float: inf[1] === '-' ? -Infinity : Infinity, exact: undefined };
  const read = goReadFloat(s);
  if (read === undefined) return syntax;
  if (read.hex) {
    const mag = read.mantissa;
    let float: number;
    if (read.exp2 >= 0) float = read.exp2 > 2000 ? (mag === 0n ? 0 : Infinity) : Number(mag << BigInt(read.exp2));
    else float = Number(mag) * 2 ** read.exp2;
    if (!Number.isFinite(float)) return range;
    const exact =
      read.exp2 >= 0
        ? { num: mag << BigInt(Math.min(read.exp2, 2000)), den: 1n }
        : { num: mag, den: 1n << BigInt(Math.min(-read.exp2, 2000)) };
    return { float: read.neg ? -float : float, exact: { num: read.neg ? -exact.num : exact.num, den: exact.den } };
  }
  // Decimal: JavaScript's Number() rounds a decimal string correctly, as Go does.
  const cleaned = s.replace(/_/g, '');
  const float = Number(cleaned.replace(/^\+/, ''));
  if (!Number.isFinite(float)) return range;
  const exact = decimalExact(read.digits, read.dotPos, read.exp10);
  return { float, exact: { num: read.neg ? -exact.num : exact.num, den: exact.den } };
}

function decimalExact(digits: string, dotPos: number, exp10: number): { num: bigint; den: bigint } {
  const num0 = BigInt(digits.length === 0 ? '0' : digits);
  const exp = exp10 - (digits.length - dotPos);
  if (num0 === 0n) return { num: 0n, den: 1n };
  // Far below a byte even times the largest unit (and below float64's smallest value): exactly 0 bytes here.
  if (exp + digits.length < -400) return { num: 0n, den: 1n };
  if (exp >= 0) return { num: num0 * 10n ** BigInt(exp), den: 1n };
  return { num: num0, den: 10n ** BigInt(-exp) };
}

type ReadFloat =
  | { hex: false; neg: boolean; digits: string; dotPos: number; exp10: number }
  | { hex: true; neg: boolean; mantissa: bigint; exp2: number };

/** Go strconv `readFloat` syntax (decimal or hex with p exponent, underscores per Go literal rules). */
function goReadFloat(s: string): ReadFloat | undefined {
  let i = 0;
  let neg = false;
  let underscores = false;
  if (i >= s.length) return undefined;
  if (s[i] === '+') i++;
  else if (s[i] === '-') {
    neg = true;
    i++;
  }
  let hex = false;
  if (i + 2 < s.length && s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X')) {
    hex = true;
    i += 2;
  }
  let sawDot = false;
  let sawDigits = false;
  let digits = '';
  let dotPos = -1;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '_') {
      underscores = true;
      continue;
    }
    if (c === '.') {
      if (sawDot) break;
      sawDot = true;
      dotPos = digits.length;
      continue;
    }
    if (c >= '0' && c <= '9') {
      sawDigits = true;
      digits += c;
      continue;
    }
    if (hex && /[a-fA-F]/.test(c)) {
      sawDigits = true;
      digits += c;
      continue;
    }
    break;
  }
  if (!sawDigits) return undefined;
  if (!sawDot) dotPos = digits.length;
  let exp = 0;
  const expChar = hex ? 'p' : 'e';
  if (i < s.length && s[i].toLowerCase() === expChar) {
    i++;
    if (i >= s.length) return undefined;
    let esign = 1;
    if (s[i] === '+') i++;
    else if (s[i] === '-') {
      i++;
      esign = -1;
    }
    if (i >= s.length || s[i] < '0' || s[i] > '9') return undefined;
    let e = 0;
    for (; i < s.length && ((s[i] >= '0' && s[i] <= '9') || s[i] === '_'); i++) {
      if (s[i] === '_') {
        underscores = true;
        continue;
      }
      if (e < 10000) e = e * 10 + (s.charCodeAt(i) - 48);
    }
    exp = e * esign;
  } else if (hex) {
    return undefined; // a hex float must have a p exponent
  }
  if (i !== s.length) return undefined; // ParseFloat wants the whole string
  if (underscores && !goUnderscoreOK(s)) return undefined;
  if (hex) {
    const mantissa = BigInt('0x' + (digits.length ? digits : '0'));
    return { hex: true, neg, mantissa, exp2: exp - 4 * (digits.length - dotPos) };
  }
  return { hex: false, neg, digits, dotPos, exp10: exp };
}

function goUnderscoreOK(s0: string): boolean {
  let s = s0;
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'bBoOxX'.includes(s[1])) {
    i = 2;
    saw = '0';
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i];
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** Go `strconv.Atoi` on a 64-bit platform: value (as bigint) or its exact error string. */
export function goAtoi(s0: string): { value: bigint } | { error: string } {
  const syntax = { error: `strconv.Atoi: parsing ${goQuote(s0)}: invalid syntax` };
  let s = s0;
  let neg = false;
  if (s.length > 0 && (s[0] === '+' || s[0] === '-')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s.length === 0 || !/^[0-9]+$/.test(s)) return syntax;
  const magnitude = BigInt(s);
  const value = neg ? -magnitude : magnitude;
  if (value > 9223372036854775807n || value < -9223372036854775808n) {
    return { error: `strconv.Atoi: parsing ${goQuote(s0)}: value out of range` };
  }
  return { value };
}

/** Go `strconv.Quote` (also what `%q` prints for a string). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd'; // a lone surrogate cannot be UTF-8 encoded
    else if (cp === 0x20 || (cp > 0x20 && cp < 0x7f) || (cp >= 0x80 && /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch))) out += ch;
    else if (cp === 7) out += '\\a';
    else if (cp === 8) out += '\\b';
    else if (cp === 12) out += '\\f';
    else if (cp === 10) out += '\\n';
    else if (cp === 13) out += '\\r';
    else if (cp === 9) out += '\\t';
    else if (cp === 11) out += '\\v';
    else if (cp < 0x80) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + '"';
}

/** Go `unicode.IsSpace`. */
export function goIsSpace(ch: string): boolean {
  return /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(ch);
}

/** Go `strings.Fields`: split around runs of Unicode white space. */
export function goFields(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of s) {
    if (goIsSpace(ch)) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

function goTrimSpace(s: string): string {
  const chars = Array.from(s);
  let a = 0;
  let b = chars.length;
  while (a < b && goIsSpace(chars[a])) a++;
  while (b > a && goIsSpace(chars[b - 1])) b--;
  return chars.slice(a, b).join('');
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}
function fromUtf8(b: Uint8Array): string {
  return decoder.decode(b);
}
