import { strict as assert } from 'node:assert';
import {
  bytesToQuantity,
  addQuantities,
  compareQuantities,
  formatBytes,
  parseQuantity,
  quantityToBytes,
  quantityToMillis,
  QuantityError,
  type QuantityFormat,
} from '../../../src/core/quantity';

// Expected values follow apimachinery's TestQuantityParse table (pkg/api/resource/quantity_test.go),
// turned into what Value() returns: the exact value rounded up to a whole number of bytes.
const BYTES: readonly (readonly [string, bigint, string])[] = [
  ['0', 0n, 'zero'],
  ['0n', 0n, 'zero with a nano suffix'],
  ['0m', 0n, 'zero with a milli suffix'],
  ['0Ki', 0n, 'zero kibibytes'],
  ['0Ti', 0n, 'zero tebibytes'],
  ['1', 1n, 'a bare number is bytes'],
  ['1Ki', 1024n, 'Ki is 2^10'],
  ['8Ki', 8192n, 'eight kibibytes'],
  ['7Mi', 7340032n, 'Mi is 2^20'],
  ['6Gi', 6442450944n, 'Gi is 2^30'],
  ['5Ti', 5497558138880n, 'Ti is 2^40'],
  ['4Pi', 4503599627370496n, 'Pi is 2^50'],
  ['3Ei', 3458764513820540928n, 'Ei is 2^60'],
  ['100Ti', 109951162777600n, 'a hundred tebibytes'],
  ['8k', 8000n, 'k is 10^3 (lower-case)'],
  ['50k', 50000n, 'fifty thousand'],
  ['7M', 7000000n, 'M is 10^6'],
  ['6G', 6000000000n, 'G is 10^9'],
  ['5T', 5000000000000n, 'T is 10^12'],
  ['300T', 300000000000000n, 'three hundred T'],
  ['2P', 2000000000000000n, 'P is 10^15'],
  ['1E', 1000000000000000000n, 'a lone E is exa (10^18), not an exponent'],
  ['1e3', 1000n, 'e3 is an exponent'],
  ['1E6', 1000000n, 'E6 is an exponent'],
  ['1e9', 1000000000n, 'e9'],
  ['1E12', 1000000000000n, 'E12'],
  ['1E18', 1000000000000000000n, 'E18'],
  ['1.3E+6', 1300000n, 'an exponent may carry a plus sign'],
  ['1.40e9', 1400000000n, 'a fraction with an exponent'],
  ['1.7E18', 1700000000000000000n, 'a fraction times E18'],
  ['100.035k', 100035n, 'a fraction of k that is whole bytes'],
  ['10.035M', 10035000n, 'a fraction of M'],
  ['7.123456M', 7123456n, 'six decimals of M'],
  ['6.987654321G', 6987654321n, 'nine decimals of G'],
  ['1.01E', 1010000000000000000n, 'a fraction of exa'],
  ['1.5Gi', 1610612736n, 'a fractional binary value is exact, not floating point'],
  ['0.5Mi', 524288n, 'half a mebibyte'],
  ['100.035Ki', 102436n, '102435.84 bytes round up'],
  ['0.05Gi', 53687092n, '53687091.2 bytes round up'],
  ['0.025Ti', 27487790695n, '27487790694.4 bytes round up'],
  ['9.01', 10n, 'a fraction of a byte rounds up'],
  ['100m', 1n, '100m of memory is a tenth of a byte: Value() gives 1'],
  ['3m', 1n, 'any positive fraction rounds up to one byte'],
  ['5n', 1n, 'even five nanobytes'],
  ['1E-3', 1n, 'a negative exponent'],
  ['0.0005k', 1n, 'half a byte written with k'],
  ['.001', 1n, 'a number may start with the decimal point'],
  ['1.', 1n, 'a number may end with the decimal point'],
  ['1.G', 1000000000n, 'the decimal point may sit before a suffix (Go allows it)'],
  ['5.', 5n, 'a trailing point with digits'],
  ['+1Gi', 1073741824n, 'an explicit plus sign'],
  ['007Mi', 7340032n, 'leading zeros are ignored'],
  ['-1.5', -2n, 'negative values round away from zero as Go does'],
  ['-9.01', -10n, "apimachinery's RoundUp example"],
  ['9Ei', 9223372036854775807n, 'binary values are capped at 2^63-1'],
  ['8Ei', 9223372036854775807n, '2^63 is one past the cap'],
  ['9223372036854775807Ki', 9223372036854775807n, 'a huge Ki count is capped too'],
  ['9223372036854775807', 9223372036854775807n, 'the largest int64 itself'],
];

const INVALID: readonly (readonly [string, RegExp, string])[] = [
  ['', /empty/, 'the empty string'],
  ['1K', /unknown suffix "K" \(use "k" for 1000 or "Ki" for 1024\)/, 'upper-case K is not a suffix'],
  ['1e', /exponent after "e" is missing/, 'an e without digits'],
  ['-3.01e-', /exponent after "e-" is missing|exponent/, 'an exponent sign without digits'],
  [' 1', /whitespace/, 'leading whitespace'],
  ['1 ', /whitespace/, 'trailing whitespace'],
  ['1 Gi', /whitespace/, 'a space before the suffix'],
  ['1KB', /without "B"/, 'a byte unit written the Chaos Mesh way'],
  ['256MiB', /without "B"/, 'MiB is not a Kubernetes suffix'],
  ['1.1.M', /unexpected character "\."/, 'two decimal points'],
  ['1+1.0M', /unexpected character "\."/, 'a sign in the middle'],
  ['0.1mi', /unknown suffix "mi"/, 'mi is not a suffix'],
  ['0.1am', /unknown suffix "am"|unexpected character "a"/, 'a letter outside the suffix set'],
  ['aoeu', /unexpected character "a"|unknown suffix/, 'no number at all'],
  ['.5i', /unknown suffix "i"/, 'a lone i'],
  ['1i', /unknown suffix "i"/, 'a lone i after digits'],
  ['-3.01i', /unknown suffix "i"/, 'a lone i after a negative fraction'],
  ['1e4294967297', /out of range/, 'an exponent past int32 is refused, not wrapped'],
  ['1E2147483648', /out of range/, 'MaxInt32 + 1'],
  ['1e-2147483648', /out of range/, 'MinInt32 (its negation overflows)'],
  ['-e-10', /no digits/, 'no digits where Go needs its decimal path'],
];

suite('quantityToBytes', () => {
  for (const [text, expected, why] of BYTES) {
    test(`${JSON.stringify(text)} is ${expected} bytes: ${why}`, () => {
      assert.equal(quantityToBytes(text), expected);
    });
  }

  for (const [text, message, why] of INVALID) {
    test(`${JSON.stringify(text)} is rejected: ${why}`, () => {
      assert.throws(
        () => quantityToBytes(text),
        (error: unknown) => {
          assert.ok(error instanceof QuantityError, `expected a QuantityError, got ${String(error)}`);
          assert.equal(error.input, text);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }

  test('"12E" parses but does not fit in int64 bytes, so it is refused instead of wrapping', () => {
    assert.equal(parseQuantity('12E').sign, 1);
    assert.throws(() => quantityToBytes('12E'), (e: unknown) => e instanceof QuantityError && /too large/.test(e.message));
  });

  test('"1E2147483647" (the largest exponent Go accepts) parses and is refused as too large without hanging', () => {
    assert.deepEqual(parseQuantity('1E2147483647'), { sign: 1, digits: 1n, exponent: 2147483647, format: 'DecimalExponent' });
    assert.throws(() => quantityToBytes('1E2147483647'), (e: unknown) => e instanceof QuantityError && /too large/.test(e.message));
  });

  test('digit-less numbers are zero as Go parses them ("+", ".", "-.", "-.Ki")', () => {
    for (const text of ['+', '-', '.', '-.', '-.Ki', '.e-9']) assert.equal(quantityToBytes(text), 0n, text);
  });
});

suite('parseQuantity', () => {
  // apimachinery's "Things that saturate/round" rows: values are rounded up to nano precision.
  const NANO_ROUNDING: readonly (readonly [string, string])[] = [
    ['3.001n', '4n'],
    ['1.1E-9', '2n'],
    ['0.0000000001', '1n'],
    ['0.0000000005', '1n'],
    ['0.5e-9', '1n'],
    ['0.9n', '1n'],
    ['0.00000012345', '124n'],
    ['0.00000012354', '124n'],
    ['0.000000000001Ki', '2n'],
  ];
  for (const [text, equal] of NANO_ROUNDING) {
    test(`${text} rounds up to ${equal} (nano precision, as Go stores it)`, () => {
      assert.equal(compareQuantities(parseQuantity(text), parseQuantity(equal)), 0);
    });
  }

  const FORMATS: readonly (readonly [string, QuantityFormat])[] = [
    ['1Gi', 'BinarySI'],
    ['1.5Gi', 'BinarySI'],
    ['128M', 'DecimalSI'],
    ['1', 'DecimalSI'],
    ['1e3', 'DecimalExponent'],
    ['1E', 'DecimalSI'],
    ['0.000000000001Ki', 'DecimalSI'],
    ['0.5Ki', 'BinarySI'],
  ];
  for (const [text, format] of FORMATS) {
    test(`${text} is ${format}`, () => assert.equal(parseQuantity(text).format, format));
  }

  test('numbers from YAML are read like the JSON numbers Go accepts', () => {
    assert.equal(compareQuantities(parseQuantity(1073741824), parseQuantity('1Gi')), 0);
    assert.equal(compareQuantities(parseQuantity(0.5), parseQuantity('500m')), 0);
    assert.equal(compareQuantities(parseQuantity(1e21), parseQuantity('1000E')), 0);
    assert.throws(() => parseQuantity(Number.NaN), QuantityError);
    assert.throws(() => parseQuantity(Number.POSITIVE_INFINITY), QuantityError);
  });

  test('a value that is not a string or number is refused with a QuantityError', () => {
    assert.throws(() => parseQuantity(null as unknown as string), /must be a string/);
  });
});

suite('compareQuantities and addQuantities', () => {
  const CMP: readonly (readonly [string, string, -1 | 0 | 1])[] = [
    ['0', '0', 0],
    ['100m', '50m', 1],
    ['50m', '100m', -1],
    ['10000T', '100Gi', 1],
    ['1Gi', '1073741824', 0],
    ['1G', '1000M', 0],
    ['1024Mi', '1Gi', 0],
    ['1.5Gi', '1536Mi', 0],
    ['-1', '0', -1],
    ['-1Gi', '-1G', -1],
    ['1e2147483647', '1E', 1],
    ['1n', '0', 1],
  ];
  for (const [a, b, expected] of CMP) {
    test(`${a} compared with ${b} is ${expected}`, () => {
      assert.equal(compareQuantities(parseQuantity(a), parseQuantity(b)), expected);
      assert.equal(compareQuantities(parseQuantity(b), parseQuantity(a)), -expected || 0);
    });
  }

  test('sums are exact across formats: 1Gi + 500M + 100m = 1573741824.1', () => {
    const sum = addQuantities(parseQuantity('1Gi'), parseQuantity('500M'), parseQuantity('100m'));
    assert.equal(compareQuantities(sum, parseQuantity('1573741824100m')), 0);
    assert.equal(sum.format, 'BinarySI');
  });

  test('adding zero keeps the other term, and x + (-x) is zero', () => {
    assert.equal(compareQuantities(addQuantities(parseQuantity('0'), parseQuantity('100m')), parseQuantity('100m')), 0);
    assert.equal(addQuantities(parseQuantity('1Gi'), parseQuantity('-1Gi')).sign, 0);
    assert.equal(addQuantities().sign, 0);
  });
});

suite('quantityToMillis', () => {
  const MILLIS: readonly (readonly [string, bigint])[] = [
    ['100m', 100n],
    ['1', 1000n],
    ['1.5', 1500n],
    ['250m', 250n],
    ['5n', 1n],
    ['0.0001', 1n],
    ['2k', 2000000n],
  ];
  for (const [text, expected] of MILLIS) {
    test(`${text} is ${expected} millis (MilliValue rounds up)`, () => assert.equal(quantityToMillis(text), expected));
  }
});

suite('formatBytes', () => {
  const FORMATTED: readonly (readonly [bigint, string, string])[] = [
    [0n, '0B', 'zero'],
    [512n, '512B', 'below one Ki stays in bytes'],
    [1023n, '1023B', 'the largest byte count'],
    [1024n, '1Ki', 'exactly one Ki'],
    [1536n, '1.5Ki', 'one decimal below 100 units'],
    [182n * 1024n * 1024n, '182Mi', 'no decimal from 100 units on'],
    [1610612736n, '1.5Gi', 'one and a half Gi'],
    [12939428n, '12.3Mi', '12.34Mi shows one decimal'],
    [104816640n, '100Mi', '99.96Mi rounds to 100Mi'],
    [1073741823n, '1Gi', 'one byte short of 1Gi rounds into the next unit, not 1024Mi'],
    [1048575n, '1Mi', 'one byte short of 1Mi'],
    [135176192n, '129Mi', 'the v2 fixture holding 120 MiB: working set 128.9Mi'],
    [209715200n, '200Mi', 'the fixtures\' 200 MiB limit'],
    [9223372036854775807n, '8Ei', 'the largest int64'],
    [-1536n, '-1.5Ki', 'negative deltas keep their sign'],
  ];
  for (const [bytes, expected, why] of FORMATTED) {
    test(`${bytes} bytes shows as ${expected}: ${why}`, () => assert.equal(formatBytes(bytes), expected));
  }
  const EXACT: readonly (readonly [bigint, string])[] = [
    [1n, '1 byte'],
    [1023n, '1023 bytes'],
    [268435456n, '268435456 bytes (256Mi)'],
    [13107200n, '13107200 bytes (12.5Mi)'],
    [-2048n, '-2048 bytes (-2Ki)'],
  ];
  for (const [bytes, expected] of EXACT) {
    test(`exact: ${bytes} shows as "${expected}"`, () => assert.equal(formatBytes(bytes, { exact: true }), expected));
  }
});

suite('quantityToBytes with the bare numbers a ResourceList may hold', () => {
  const NUMBERS: readonly (readonly [number, bigint])[] = [
    [1073741824, 1073741824n],
    [0, 0n],
    [1.5, 2n], // Value() rounds up, as for the string "1.5"
    [524288000, 524288000n],
  ];
  for (const [n, expected] of NUMBERS) test(`${n} (a YAML number) is ${expected} bytes`, () => assert.equal(quantityToBytes(n), expected));
  test('NaN is refused with a QuantityError', () => assert.throws(() => quantityToBytes(Number.NaN), /not a finite number/));
});

suite('bytesToQuantity (canonical BinarySI, as apimachinery writes it)', () => {
  const CASES: Array<[bigint, string, string]> = [
    [0n, '0', 'zero has no suffix'],
    [524288000n, '500Mi', 'a whole number of MiB'],
    [1073741824n, '1Gi', 'the largest exact suffix wins'],
    [1536n, '1536', '1.5Ki has no exact BinarySI form: plain bytes'],
    [1000n, '1000', 'below 1024: plain bytes'],
    [1n << 60n, '1Ei', 'Ei is the largest suffix'],
    [1n << 70n, '1024Ei', 'past Ei the count grows'],
    [-2048n, '-2Ki', 'negative values keep their sign'],
  ];
  for (const [bytes, expected, why] of CASES) {
    test(`${bytes} bytes is ${expected}: ${why}`, () => {
      assert.equal(bytesToQuantity(bytes), expected);
      if (bytes >= 0n && bytes < 1n << 63n) assert.equal(quantityToBytes(expected), bytes, 'parses back to the same bytes');
    });
  }
});
