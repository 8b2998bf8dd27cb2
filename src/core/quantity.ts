/**
 * Kubernetes `resource.Quantity`, parsed exactly as apimachinery's `ParseQuantity` does
 * (`pkg/api/resource/quantity.go`, `suffix.go`, `amount.go`, `math.go`), with bigint arithmetic
 * only: memory figures are compared to the byte and never pass through floating point.
 *
 * Grammar (apimachinery's doc comment, plus what its scanner really accepts):
 *   <quantity>  ::= <sign>? <digits>? ( "." <digits>? )? <suffix>
 *   <suffix>    ::= "" | n | u | m | k | M | G | T | P | E        (decimal SI; `k` lower-case only)
 *                 | Ki | Mi | Gi | Ti | Pi | Ei                    (binary SI)
 *                 | ( e | E ) <sign>? <digits>                     (decimal exponent)
 * `5.`, `.5`, `1.G`, `+1`, `-0` and even `.` are accepted (as Go does); `1K`, `1e`, `1 Gi` are not.
 */

/** A quantity that cannot be parsed or does not fit; `message` is written for the person who typed it. */
export class QuantityError extends Error {
  override readonly name = 'QuantityError';
  constructor(
    /** The text that was being parsed. */
    readonly input: string,
    message: string,
  ) {
    super(message);
  }
}

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/**
 * An exact quantity: `sign * digits * 10^exponent`. `digits` has no trailing zeros (it is 0n only
 * for zero), and `exponent >= -9` because, like Go, non-zero values are rounded away from zero to
 * nano precision when parsed.
 */
export interface Quantity {
  readonly sign: -1 | 0 | 1;
  readonly digits: bigint;
  readonly exponent: number;
  /** The family the text was written in (Go keeps it for serialisation). */
  readonly format: QuantityFormat;
}

const DECIMAL_SUFFIXES: ReadonlyMap<string, number> = new Map([
  ['n', -9],
  ['u', -6],
  ['m', -3],
  ['', 0],
  ['k', 3],
  ['M', 6],
  ['G', 9],
  ['T', 12],
  ['P', 15],
  ['E', 18],
]);

const BINARY_SUFFIXES: ReadonlyMap<string, number> = new Map([
  ['Ki', 10],
  ['Mi', 20],
  ['Gi', 30],
  ['Ti', 40],
  ['Pi', 50],
  ['Ei', 60],
]);

/** Characters apimachinery's scanner takes as the start of a suffix. */
const SUFFIX_CHARS = 'eEinumkKMGTP';
const NANO = -9;
/** Go caps BinarySI magnitudes at math.MaxInt64 (`maxAllowed`). */
const MAX_INT64 = (1n << 63n) - 1n;
/** Orders of magnitude beyond which a value cannot matter to int64 arithmetic (and bigints would explode). */
const MAX_MATERIALISED_ORDER = 40;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

function formatError(text: string, detail: string): QuantityError {
  const shown = JSON.stringify(text);
  return new QuantityError(
    text,
    `${shown} is not a valid Kubernetes quantity: ${detail}. ` +
      'Write a number with an optional suffix, e.g. 128Mi, 1Gi, 500M, 1.5G or 100m (no spaces; "k" is lower-case).',
  );
}

function describeSuffix(suffix: string): string {
  if (/^K(?!i$)/.test(suffix) && !/b$/i.test(suffix)) {
    return `unknown suffix "${suffix}" (use "k" for 1000 or "Ki" for 1024)`;
  }
  if (/^[eE][+-]?$/.test(suffix)) {
    return `the exponent after "${suffix[0]}" is missing`;
  }
  if (/b$/i.test(suffix)) {
    return `unknown suffix "${suffix}" (Kubernetes writes bytes without "B": Ki, Mi, Gi or k, M, G)`;
  }
  return `unknown suffix "${suffix}" (allowed: Ki Mi Gi Ti Pi Ei, n u m k M G T P E, or an exponent like e6)`;
}

/** Count of decimal digits of a positive bigint. */
function digitCount(n: bigint): number {
  return n.toString().length;
}

function stripTrailingZeros(digits: bigint, exponent: number): { digits: bigint; exponent: number } {
  if (digits === 0n) return { digits: 0n, exponent: 0 };
  let d = digits;
  let e = exponent;
  while (d % 10n === 0n) {
    d /= 10n;
    e += 1;
  }
  return { digits: d, exponent: e };
}

/** Round a positive magnitude away from zero so that `exponent >= -9` (Go: `Round(Nano, RoundUp)`). */
function roundUpToNano(digits: bigint, exponent: number): { digits: bigint; exponent: number } {
  if (digits === 0n || exponent >= NANO) return { digits, exponent };
  const shift = NANO - exponent;
  if (shift > digitCount(digits)) return { digits: 1n, exponent: NANO };
  const divisor = 10n ** BigInt(shift);
  const quotient = digits / divisor;
  return { digits: digits % divisor === 0n ? quotient : quotient + 1n, exponent: NANO };
}

/**
 * Parse a quantity. A YAML/JSON number is accepted as Go's `UnmarshalJSON` accepts a bare number.
 * Throws `QuantityError` for anything `ParseQuantity` rejects.
 */
export function parseQuantity(input: string | number): Quantity {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) {
      throw new QuantityError(String(input), `${String(input)} is not a valid Kubernetes quantity: it is not a finite number.`);
    }
    text = String(input);
  } else if (typeof input === 'string') {
    text = input;
  } else {
    const shown = input === null ? 'null' : typeof input;
    throw new QuantityError(String(input), `A Kubernetes quantity must be a string such as "128Mi", not ${shown}.`);
  }
  if (text.length === 0) {
    throw new QuantityError(text, 'The quantity is empty: write a number with an optional suffix, e.g. 128Mi or 1Gi.');
  }

  // The scan mirrors parseQuantityString: sign, integer digits, optional fraction, suffix.
  let pos = 0;
  let negative = false;
  if (text[0] === '-' || text[0] === '+') {
    negative = text[0] === '-';
    pos = 1;
  }
  const intStart = pos;
  while (isDigit(text[pos])) pos++;
  const intDigits = text.slice(intStart, pos);
  let fracDigits = '';
  if (text[pos] === '.') {
    pos++;
    const fracStart = pos;
    while (isDigit(text[pos])) pos++;
    fracDigits = text.slice(fracStart, pos);
  }
  const suffixStart = pos;
  while (pos < text.length && SUFFIX_CHARS.includes(text[pos] as string)) pos++;
  if (text[pos] === '+' || text[pos] === '-') pos++;
  while (isDigit(text[pos])) pos++;
  if (pos < text.length) {
    const bad = text[pos] as string;
    if (/\s/.test(text)) throw formatError(text, 'it contains whitespace');
    const rest = text.slice(suffixStart);
    const what = /^[A-Za-z]+$/.test(rest) ? describeSuffix(rest) : `unexpected character ${JSON.stringify(bad)}`;
    throw formatError(text, what);
  }
  const suffix = text.slice(suffixStart);

  let format: QuantityFormat;
  let base10Exponent = 0;
  let base2Exponent = 0;
  const decimal = DECIMAL_SUFFIXES.get(suffix);
  const binary = BINARY_SUFFIXES.get(suffix);
  if (decimal !== undefined) {
    format = 'DecimalSI';
    base10Exponent = decimal;
  } else if (binary !== undefined) {
    format = 'BinarySI';
    base2Exponent = binary;
  } else if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) {
    format = 'DecimalExponent';
    const exponent = Number(suffix.slice(1));
    // Go parses the exponent as int64 and then truncates it to int32; such inputs are nonsense
    // either way, so they are refused instead of silently wrapping.
    if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 2 ** 31 - 1) {
      throw formatError(text, `the exponent in "${suffix}" is out of range`);
    }
    base10Exponent = exponent;
  } else {
    throw formatError(text, describeSuffix(suffix));
  }

  const allDigits = (intDigits + fracDigits).replace(/^0+/, '');
  if (intDigits.length === 0 && fracDigits.length === 0) {
    // Go returns 0 for digit-less numbers ("+", ".", "-.Ki") on its int64 fast path, and fails
    // (ErrNumeric) when the value needs its inf.Dec slow path, i.e. for exponents below nano.
    if (format !== 'BinarySI' && base10Exponent < NANO) {
      throw formatError(text, 'there are no digits');
    }
    return { sign: 0, digits: 0n, exponent: 0, format };
  }
  if (allDigits.length === 0) return { sign: 0, digits: 0n, exponent: 0, format };

  let digits = BigInt(allDigits);
  let exponent = base10Exponent - fracDigits.length;
  if (format === 'BinarySI') {
    // d * 10^e * 2^k is still a finite decimal, so the product stays exact.
    digits *= 1n << BigInt(base2Exponent);
  }
  ({ digits, exponent } = stripTrailingZeros(digits, exponent));
  ({ digits, exponent } = roundUpToNano(digits, exponent));
  ({ digits, exponent } = stripTrailingZeros(digits, exponent));
  if (format === 'BinarySI' && exponent >= 0 && compareMagnitude(digits, exponent, MAX_INT64, 0) > 0) {
    ({ digits, exponent } = stripTrailingZeros(MAX_INT64, 0));
  }
  // Go shows a binary value between 0 and 1 as DecimalSI ("0.000000000001Ki" is "2n").
  if (format === 'BinarySI' && exponent < 0 && orderOf(digits, exponent) <= 0) format = 'DecimalSI';
  return { sign: negative ? -1 : 1, digits, exponent, format };
}

/** Order of magnitude: the number of integer digits the value would have (may be <= 0). */
function orderOf(digits: bigint, exponent: number): number {
  return digitCount(digits) + exponent;
}

function compareMagnitude(aDigits: bigint, aExp: number, bDigits: bigint, bExp: number): -1 | 0 | 1 {
  if (aDigits === 0n || bDigits === 0n) {
    if (aDigits === bDigits) return 0;
    return aDigits === 0n ? -1 : 1;
  }
  const aOrder = orderOf(aDigits, aExp);
  const bOrder = orderOf(bDigits, bExp);
  if (aOrder !== bOrder) return aOrder < bOrder ? -1 : 1;
  // Same order of magnitude: aligning costs at most a few digits' worth of shifting.
  const common = Math.min(aExp, bExp);
  const a = aDigits * 10n ** BigInt(aExp - common);
  const b = bDigits * 10n ** BigInt(bExp - common);
  return a === b ? 0 : a < b ? -1 : 1;
}

/** Go's `Quantity.Cmp`: -1, 0 or 1. */
export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  if (a.sign !== b.sign) return a.sign < b.sign ? -1 : 1;
  const magnitude = compareMagnitude(a.digits, a.exponent, b.digits, b.exponent);
  return (a.sign >= 0 ? magnitude : -magnitude) as -1 | 0 | 1;
}

export const ZERO_QUANTITY: Quantity = { sign: 0, digits: 0n, exponent: 0, format: 'DecimalSI' };

function tooLarge(what: string): QuantityError {
  return new QuantityError(what, `${what} is too large: Kubernetes holds quantities as 64-bit integers.`);
}

/**
 * The exact value scaled by 10^scale as a bigint, rounded away from zero (Go's int64Amount path).
 * Refuses magnitudes that could never fit an int64 rather than build enormous bigints.
 */
function scaledCeil(q: Quantity, scale: number, label: string): bigint {
  if (q.sign === 0) return 0n;
  const exponent = q.exponent + scale;
  if (orderOf(q.digits, exponent) > MAX_MATERIALISED_ORDER) throw tooLarge(label);
  let magnitude: bigint;
  if (exponent >= 0) {
    magnitude = q.digits * 10n ** BigInt(exponent);
  } else {
    const divisor = 10n ** BigInt(-exponent);
    magnitude = q.digits / divisor + (q.digits % divisor === 0n ? 0n : 1n);
  }
  return q.sign < 0 ? -magnitude : magnitude;
}

/** Sum of quantities, exact (Go's `Quantity.Add`). The format of the first non-zero term is kept. */
export function addQuantities(...terms: readonly Quantity[]): Quantity {
  const nonZero = terms.filter((t) => t.sign !== 0);
  if (nonZero.length === 0) return ZERO_QUANTITY;
  for (const t of nonZero) {
    if (orderOf(t.digits, t.exponent) > MAX_MATERIALISED_ORDER) throw tooLarge(formatQuantityForMessage(t));
  }
  const common = Math.min(...nonZero.map((t) => t.exponent));
  let total = 0n;
  for (const t of nonZero) {
    const scaled = t.digits * 10n ** BigInt(t.exponent - common);
    total += t.sign < 0 ? -scaled : scaled;
  }
  const sign: -1 | 0 | 1 = total === 0n ? 0 : total < 0n ? -1 : 1;
  const { digits, exponent } = stripTrailingZeros(total < 0n ? -total : total, common);
  return { sign, digits, exponent, format: (nonZero[0] as Quantity).format };
}

function formatQuantityForMessage(q: Quantity): string {
  return `${q.sign < 0 ? '-' : ''}${q.digits}e${q.exponent}`;
}

function checkInt64(value: bigint, label: string): bigint {
  if (value > MAX_INT64 || value < -MAX_INT64 - 1n) throw tooLarge(label);
  return value;
}

/** Go's `Quantity.Value()`: the value rounded up (away from zero) to a whole number. */
export function quantityValue(q: Quantity, label = formatQuantityForMessage(q)): bigint {
  return checkInt64(scaledCeil(q, 0, label), label);
}

/** Go's `Quantity.MilliValue()`: ceil(value * 1000), away from zero. */
export function quantityMilliValue(q: Quantity, label = formatQuantityForMessage(q)): bigint {
  return checkInt64(scaledCeil(q, 3, label), label);
}

/**
 * Bytes of a memory quantity, exactly as the kubelet reads it (`Quantity.Value()`): `1Gi` →
 * 1073741824n, `1.5Gi` → 1610612736n, `100m` → 1n (a tenth of a byte, rounded up). A bare number,
 * as a `ResourceList` read from YAML may hold (`memory: 1073741824`), is read as Go reads it. Throws
 * `QuantityError` on text Kubernetes would reject, and on values beyond int64.
 */
export function quantityToBytes(value: string | number): bigint {
  return quantityValue(parseQuantity(value), JSON.stringify(value));
}

/** Millis of a quantity (`MilliValue()`), e.g. CPU `1.5` → 1500n, `100m` → 100n. */
export function quantityToMillis(value: string | number): bigint {
  return quantityMilliValue(parseQuantity(value), JSON.stringify(value));
}

const BINARY_UNITS = ['B', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;

export interface FormatBytesOptions {
  /** Prefix the exact count: `268435456 bytes (256Mi)`, for messages where the byte matters. */
  readonly exact?: boolean;
}

/**
 * The product's one byte formatter. Compact binary units: `512B`, `182Mi`, `1.5Gi`, `12.3Mi`.
 * Values below 100 units keep one decimal (dropped when it is 0), larger ones none; rounding is
 * half-up on the exact bigint, and a value that rounds up to 1024 of a unit is shown in the next
 * unit (`1Gi`, not `1024Mi`). Negative values (deltas) get a leading `-`. With `exact`, the exact
 * count comes first and the compact form follows in parentheses (from 1 KiB on).
 */
export function formatBytes(bytes: bigint, options: FormatBytesOptions = {}): string {
  if (options.exact) {
    const exact = `${bytes} ${bytes === 1n || bytes === -1n ? 'byte' : 'bytes'}`;
    const magnitude = bytes < 0n ? -bytes : bytes;
    return magnitude < 1024n ? exact : `${exact} (${formatBytes(bytes)})`;
  }
  if (bytes < 0n) return `-${formatBytes(-bytes)}`;
  if (bytes < 1024n) return `${bytes}B`;
  let unit = 1;
  while (unit < BINARY_UNITS.length - 1 && bytes >= 1n << BigInt(10 * (unit + 1))) unit++;
  for (;;) {
    const unitSize = 1n << BigInt(10 * unit);
    // Tenths of the unit, rounded half up.
    const tenths = (bytes * 10n + unitSize / 2n) / unitSize;
    const decimals = tenths < 1000n;
    const shown = decimals ? tenths : (bytes * 2n + unitSize) / (unitSize * 2n);
    const wholeUnits = decimals ? tenths / 10n : shown;
    if (wholeUnits >= 1024n && unit < BINARY_UNITS.length - 1) {
      unit++;
      continue;
    }
    const name = BINARY_UNITS[unit] as string;
    if (!decimals) return `${shown}${name}`;
    const fraction = tenths % 10n;
    return fraction === 0n ? `${tenths / 10n}${name}` : `${tenths / 10n}.${fraction}${name}`;
  }
}

/**
 * The canonical BinarySI text of a whole byte count, as apimachinery serializes a BinarySI
 * Quantity (what the kubelet and metrics-server put in `PodMetrics`, `status.capacity`…): the
 * largest binary suffix that divides it exactly, else plain bytes (`1536` stays `1536`, since
 * 1.5Ki has no exact BinarySI form). Not for display: use `formatBytes`.
 */
export function bytesToQuantity(bytes: bigint): string {
  if (bytes === 0n) return '0';
  const suffixes = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
  let value = bytes < 0n ? -bytes : bytes;
  let unit = -1;
  while (unit < suffixes.length - 1 && value % 1024n === 0n) {
    value /= 1024n;
    unit++;
  }
  return `${bytes < 0n ? '-' : ''}${value}${unit < 0 ? '' : suffixes[unit]}`;
}
