import { strict as assert } from 'node:assert';
import {
  goAtoi,
  goFields,
  goParseFloat,
  goQuote,
  memStressReadSize,
  parseStressSize,
  percentOfNodeMemory,
  perWorkerBytes,
  StressSizeError,
  stressSizeWebhookDetail,
  suggestStressSize,
} from '../../../src/core/stressSize';

function rejection(text: string): StressSizeError {
  try {
    parseStressSize(text);
  } catch (err) {
    assert.ok(err instanceof StressSizeError, `expected a StressSizeError for ${JSON.stringify(text)}`);
    return err;
  }
  assert.fail(`${JSON.stringify(text)} was accepted`);
}

suite('parseStressSize: what Chaos Mesh\'s webhook accepts', () => {
  // Vectors from chaos-mesh.md §3f (computed by running go-units v0.5.0 + the webhook logic) and our own
  // reading of go-units' size_test.go cases for FromHumanSize.
  const accepted: [string, bigint | { percent: number }, string][] = [
    ['256MB', 256_000_000n, 'MB is decimal'],
    ['256mb', 256_000_000n, 'units are case-insensitive'],
    ['256Mb', 256_000_000n, 'mixed case'],
    ['256M', 256_000_000n, 'the B is optional'],
    ['256m', 256_000_000n, 'm is mega, not milli'],
    ['256MiB', 268_435_456n, 'MiB is binary'],
    ['256mib', 268_435_456n, 'lower-case MiB'],
    ['1KB', 1000n, 'KB'],
    ['1KiB', 1024n, 'KiB'],
    ['32k', 32_000n, 'bare k'],
    ['1.5GB', 1_500_000_000n, 'decimals'],
    ['.5GB', 500_000_000n, 'a leading dot'],
    ['1.5GiB', 1_610_612_736n, 'binary decimals'],
    ['1TB', 1_000_000_000_000n, 'TB'],
    ['1TiB', 1_099_511_627_776n, 'TiB'],
    ['1PB', 1_000_000_000_000_000n, 'PB'],
    ['1PiB', 1_125_899_906_842_624n, 'PiB'],
    ['100', 100n, 'plain bytes'],
    ['100B', 100n, 'B'],
    ['100b', 100n, 'b'],
    ['0', 0n, 'zero'],
    ['0B', 0n, 'zero bytes'],
    ['0 ', 0n, 'a trailing space right after the number (go-units allows it)'],
    ['32.5 kB', 32_500n, 'one space before the unit'],
    ['32.5 B', 32n, 'fractions of a byte are truncated'],
    ['0.3 K', 300n, 'decimal kilo'],
    ['32.', 32n, 'a trailing dot'],
    ['-0', 0n, 'minus zero is not negative for Go'],
    ['4.35MB', 4_350_000n, 'exact decimal arithmetic'],
    ['256 MB', 256_000_000n, 'a space: accepted by the webhook (memStress then misreads it)'],
    ['1e3', 1000n, 'an exponent: accepted by the webhook (memStress then misreads it)'],
    ['1_000MB', 1_000_000_000n, 'Go ParseFloat allows digit underscores'],
    ['0x1p4', 16n, 'Go ParseFloat reads hex floats'],
    ['', 0n, 'empty means no size'],
    ['0%', { percent: 0 }, 'zero percent'],
    ['1%', { percent: 1 }, 'one percent'],
    ['25%', { percent: 25 }, 'a percentage'],
    ['100%', { percent: 100 }, 'the whole node'],
    ['+50%', { percent: 50 }, 'Atoi accepts a plus sign'],
    ['050%', { percent: 50 }, 'Atoi accepts leading zeros'],
  ];
  for (const [text, expected, why] of accepted) {
    test(`${JSON.stringify(text)} is accepted: ${why}`, () => {
      assert.deepEqual(parseStressSize(text), typeof expected === 'bigint' ? { bytes: expected } : expected);
      assert.equal(stressSizeWebhookDetail(text), undefined);
    });
  }
});

suite('parseStressSize: what the webhook rejects, with its exact detail and the spelling it wants', () => {
  const rejected: [string, string, string | undefined, string][] = [
    ['256Mi', "incorrect bytes format: invalid suffix: 'mi'", '256MiB', '256Mi is rejected: Chaos Mesh wants MiB'],
    ['1Gi', "incorrect bytes format: invalid suffix: 'gi'", '1GiB', 'Kubernetes Gi'],
    ['512Ki', "incorrect bytes format: invalid suffix: 'ki'", '512KiB', 'Kubernetes Ki'],
    ['1.5 Ti', "incorrect bytes format: invalid suffix: 'ti'", '1.5TiB', 'a space and a Kubernetes suffix'],
    ['2Ei', "incorrect bytes format: invalid suffix: 'ei'", '2048PiB', 'exbibytes are rewritten in pebibytes'],
    ['1EB', "incorrect bytes format: invalid suffix: 'eb'", '1000PB', 'exabytes are not a unit here'],
    ['1ZB', "incorrect bytes format: invalid suffix: 'zb'", undefined, 'zettabytes'],
    ['256Mibs', "incorrect bytes format: invalid suffix: 'Mibs'", undefined, 'a suffix over 3 letters is reported as written'],
    ['32bm', "incorrect bytes format: invalid suffix: 'bm'", undefined, 'nothing after b'],
    ['256MB ', 'incorrect bytes format: strconv.ParseFloat: parsing "256MB": invalid syntax', '256MB', 'a trailing space'],
    [' 256MB', 'incorrect bytes format: strconv.ParseFloat: parsing " 256": invalid syntax', '256MB', 'a leading space'],
    ['1,024MB', 'incorrect bytes format: strconv.ParseFloat: parsing "1,024": invalid syntax', '1024MB', 'a thousands separator'],
    ['32  b', 'incorrect bytes format: strconv.ParseFloat: parsing "32 ": invalid syntax', '32b', 'two spaces'],
    ['-1', "incorrect bytes format: invalid size: '-1'", undefined, 'negative'],
    ['-1Kb', "incorrect bytes format: invalid size: '-1Kb'", undefined, 'negative with a unit'],
    ['abc', "incorrect bytes format: invalid size: 'abc'", undefined, 'no number'],
    ['MB', "incorrect bytes format: invalid size: 'MB'", undefined, 'a unit alone'],
    ['1e400', 'incorrect bytes format: strconv.ParseFloat: parsing "1e400": value out of range', undefined, 'float64 overflow'],
    ['101%', 'incorrect bytes format: illegal proportion', undefined, 'over 100 percent'],
    ['-1%', 'incorrect bytes format: illegal proportion', undefined, 'a negative percentage'],
    ['x%', 'incorrect bytes format: strconv.Atoi: parsing "x": invalid syntax', undefined, 'not a number before %'],
    ['%', 'incorrect bytes format: strconv.Atoi: parsing "": invalid syntax', undefined, '% alone'],
    ['12.5%', 'incorrect bytes format: strconv.Atoi: parsing "12.5": invalid syntax', '13%', 'percentages are whole numbers'],
    ['50 %', 'incorrect bytes format: strconv.Atoi: parsing "50 ": invalid syntax', '50%', 'a space before %'],
    ['99999999999999999999%', 'incorrect bytes format: strconv.Atoi: parsing "99999999999999999999": value out of range', undefined, 'Atoi range'],
  ];
  for (const [text, detail, suggestion, why] of rejected) {
    test(`${JSON.stringify(text)} is rejected: ${why}`, () => {
      const err = rejection(text);
      assert.equal(err.webhookDetail, detail);
      assert.equal(stressSizeWebhookDetail(text), detail);
      assert.equal(err.suggestion, suggestion);
      assert.equal(err.input, text);
      if (suggestion) assert.ok(err.message.includes(`Chaos Mesh wants ${suggestion}.`), err.message);
      assert.ok(err.message.includes(detail), err.message);
    });
  }

  test('256Mi is rejected with a message that names the Kubernetes quantity and the accepted spelling', () => {
    assert.equal(
      rejection('256Mi').message,
      '"256Mi" is a Kubernetes quantity; Chaos Mesh does not read that unit (webhook: incorrect bytes format: invalid suffix: \'mi\'). ' +
        'Chaos Mesh wants 256MiB. A size is a number with an optional unit B, KB/KiB, MB/MiB, GB/GiB, TB/TiB or PB/PiB (any case), ' +
        "or a whole percentage of the node's memory such as 50%.",
    );
  });
});

suite('memStressReadSize: how memStress (go-humanize) reads a size the webhook let through', () => {
  const cases: [string, object, string][] = [
    ['256MB', { argument: '256MB', strayWords: [], bytes: 256_000_000n }, 'decimal MB'],
    ['256MiB', { argument: '256MiB', strayWords: [], bytes: 268_435_456n }, 'binary MiB'],
    ['10GB', { argument: '10GB', strayWords: [], bytes: 10_000_000_000n }, 'the cause-pod-oom example'],
    ['50MiB', { argument: '50MiB', strayWords: [], bytes: 52_428_800n }, 'the blog example'],
    ['256 MB', { argument: '256', strayWords: ['MB'], bytes: 256n }, 'chaos-daemon splits on spaces: memStress gets 256 bytes'],
    ['1e3', { argument: '1e3', strayWords: [], error: 'unhandled size name: e3' }, 'go-humanize has no exponents'],
    ['+5MB', { argument: '+5MB', strayWords: [], error: 'strconv.ParseFloat: parsing "": invalid syntax' }, 'no sign either'],
    ['1_000MB', { argument: '1_000MB', strayWords: [], error: 'unhandled size name: _000mb' }, 'nor underscores'],
    ['25%', { argument: '25%', strayWords: [], percent: 25 }, 'a percentage of the node'],
    ['42.5MiB', { argument: '42.5MiB', strayWords: [], bytes: 44_564_480n }, 'float64 arithmetic, exact here'],
    ['', { argument: '0KB', strayWords: [], bytes: 0n }, 'no size: memStress defaults to 0KB'],
  ];
  for (const [text, expected, why] of cases) {
    test(`${JSON.stringify(text)}: ${why}`, () => assert.deepEqual(memStressReadSize(text), expected));
  }
});

suite('perWorkerBytes and percentOfNodeMemory: memStress integer arithmetic', () => {
  test('256MB across 4 workers is 64000000 bytes each', () => assert.equal(perWorkerBytes(256_000_000n, 4), 64_000_000n));
  test('the remainder is dropped (unsigned integer division)', () => assert.equal(perWorkerBytes(10n, 3), 3n));
  test('fewer bytes than workers gives each worker nothing', () => assert.equal(perWorkerBytes(3n, 4), 0n));
  test('workers must be positive', () => {
    assert.throws(() => perWorkerBytes(100n, 0), /workers must be a positive integer, got 0/);
    assert.throws(() => perWorkerBytes(100n, -2), /workers must be a positive integer, got -2/);
  });
  test('50% of a 16 GiB node is 8 GiB', () => assert.equal(percentOfNodeMemory(17_179_869_184n, 50), 8_589_934_592n));
  test('the percentage goes through float64 and is truncated', () => assert.equal(percentOfNodeMemory(1_000_000_007n, 33), 330_000_002n));
});

suite('suggestStressSize: a spelling both the webhook and memStress read as meant', () => {
  const cases: [string, string | undefined][] = [
    ['256Mi', '256MiB'],
    ['256 MB', '256MB'],
    ['1e3', '1000'],
    ['1.5e3KB', '1500KB'],
    ['+5MB', '5MB'],
    ['1_000MB', '1000MB'],
    ['256MB', undefined],
    ['abc', undefined],
  ];
  for (const [text, expected] of cases) test(`${JSON.stringify(text)} → ${String(expected)}`, () => assert.equal(suggestStressSize(text), expected));
});

suite('Go strconv/strings pieces', () => {
  test('goParseFloat accepts Go float syntax and rejects the rest', () => {
    assert.equal((goParseFloat('1_000.5') as { float: number }).float, 1000.5);
    assert.equal((goParseFloat('0x1.8p1') as { float: number }).float, 3);
    assert.equal((goParseFloat('Inf') as { float: number }).float, Infinity);
    assert.deepEqual(goParseFloat('+nan'), { error: 'strconv.ParseFloat: parsing "+nan": invalid syntax' });
    assert.deepEqual(goParseFloat('1__0'), { error: 'strconv.ParseFloat: parsing "1__0": invalid syntax' });
    assert.deepEqual(goParseFloat('0x10'), { error: 'strconv.ParseFloat: parsing "0x10": invalid syntax' });
    assert.deepEqual(goParseFloat('1e'), { error: 'strconv.ParseFloat: parsing "1e": invalid syntax' });
  });
  test('goAtoi', () => {
    assert.deepEqual(goAtoi('-7'), { value: -7n });
    assert.deepEqual(goAtoi('+'), { error: 'strconv.Atoi: parsing "+": invalid syntax' });
    assert.deepEqual(goAtoi('1_0'), { error: 'strconv.Atoi: parsing "1_0": invalid syntax' });
    assert.deepEqual(goAtoi('9223372036854775808'), { error: 'strconv.Atoi: parsing "9223372036854775808": value out of range' });
  });
  test('goQuote escapes like strconv.Quote', () => {
    assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(goQuote('tab\there\n'), '"tab\\there\\n"');
    assert.equal(goQuote('\x01\x7f'), '"\\x01\\x7f"');
    assert.equal(goQuote('café µ'), '"café µ"');
    assert.equal(goQuote('\u00a0'), '"\\u00a0"');
  });
  test('goFields splits on runs of Unicode space', () => assert.deepEqual(goFields(' --size  256\tMB\u00a0x '), ['--size', '256', 'MB', 'x']));
});
