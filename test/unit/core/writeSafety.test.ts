import { strict as assert } from 'node:assert';
import { DEFAULT_TYPED_CONFIRMATION_PATTERNS, typedConfirmationPattern, unboundedStressWarning, writeBlockedReason } from '../../../src/core/writeSafety';

suite('write safety: typed confirmation and blocked writes', () => {
  const table: [string, readonly unknown[], string | undefined][] = [
    ['gke_acme_europe-west1_prod-eu', ['prod'], 'prod'],
    ['PRODUCTION', ['prod'], 'prod'],
    ['staging', ['prod'], undefined],
    ['kind-sandbox', ['prod', '^kind-'], '^kind-'],
    ['a(b', ['a(b'], 'a(b'], // not a valid regex: matched as text
    ['anything', ['', '  ', 42, null], undefined], // blanks and non-strings are ignored
  ];
  for (const [context, patterns, expected] of table) {
    test(`${context} with ${JSON.stringify(patterns)} → ${expected ?? 'no typing'}`, () => {
      assert.equal(typedConfirmationPattern(context, patterns), expected);
    });
  }

  test('the default asks to type the name of any context with "prod" in it', () => {
    assert.deepEqual(DEFAULT_TYPED_CONFIRMATION_PATTERNS, ['prod']);
    assert.equal(typedConfirmationPattern('arn:aws:eks:us-east-1:1:cluster/shop-prod', DEFAULT_TYPED_CONFIRMATION_PATTERNS), 'prod');
  });

  test('untrusted comes first, then read-only, else nothing blocks', () => {
    assert.match(writeBlockedReason({ trusted: false, readOnly: true }) ?? '', /^This workspace is not trusted \(Restricted Mode\)/);
    assert.match(writeBlockedReason({ trusted: true, readOnly: true }) ?? '', /read-only \(setting podMemoryChaos\.readOnly\)/);
    assert.equal(writeBlockedReason({ trusted: true, readOnly: false }), undefined);
  });

  test('an Apply of a StressChaos without a duration warns that it runs until deleted; with one, nothing', () => {
    const memory = { stressors: { memory: { workers: 1, size: '100MiB' } }, mode: 'all' };
    for (const spec of [memory, { ...memory, duration: '' }, { ...memory, duration: '  ' }, { ...memory, duration: 30 }]) {
      assert.equal(unboundedStressWarning({ spec }), 'It has no duration: the stress runs until the StressChaos is deleted (Delete here, or Delete All StressChaos Made by Pod Memory Chaos).', JSON.stringify(spec));
    }
    assert.equal(unboundedStressWarning({}), 'It has no duration: the stress runs until the StressChaos is deleted (Delete here, or Delete All StressChaos Made by Pod Memory Chaos).');
    assert.equal(unboundedStressWarning({ spec: { ...memory, duration: '30s' } }), undefined);
  });
});
