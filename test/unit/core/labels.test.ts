// Label keys and values as apimachinery's util/validation judges them: the good and bad tables of its
// TestIsQualifiedName / TestIsValidLabelValue / TestIsDNS1123Subdomain, and its exact messages.
import { strict as assert } from 'node:assert';
import { dns1123SubdomainErrors, labelValueErrors, qualifiedNameErrors } from '../../../src/core';

const NAME_REGEX = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const SUBDOMAIN_REGEX =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const VALUE_REGEX =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

suite('core labels: qualified names (label keys)', () => {
  const good = [
    'simple', 'now-with-dashes', '1-starts-with-num', '1234', 'simple/simple', 'now-with-dashes/simple', 'now-with-dashes/now-with-dashes',
    'now.with.dots/now-with-dashes', 'now-with.dashes-and.dots/now-with-dashes', '1-num.2-num/3-num', '1234/5678', '1.2.3.4/5678',
    'Uppercase_Is_OK_123', 'example.com/Uppercase_Is_OK_123', 'requests.storage-foo', 'a'.repeat(63), `${'a'.repeat(253)}/${'b'.repeat(63)}`,
  ];
  for (const key of good) test(`valid: ${key.length > 40 ? `${key.slice(0, 20)}… (${key.length} chars)` : key}`, () => assert.deepEqual(qualifiedNameErrors(key), []));

  const bad = ['nospecialchars%^=@', 'cantendwithadash-', '-cantstartwithadash-', 'only/one/slash', 'Example.com/abc', 'example_com/abc', 'example.com/', '/simple', 'a'.repeat(64), `${'a'.repeat(254)}/abc`];
  for (const key of bad) test(`invalid: ${key.length > 40 ? `${key.slice(0, 20)}… (${key.length} chars)` : key}`, () => assert.notDeepEqual(qualifiedNameErrors(key), []));

  test('the messages are apimachinery\'s, each part judged on its own', () => {
    assert.deepEqual(qualifiedNameErrors('app name'), [`name part ${NAME_REGEX}`]);
    assert.deepEqual(qualifiedNameErrors('/simple'), ['prefix part must be non-empty']);
    assert.deepEqual(qualifiedNameErrors('example.com/'), ['name part must be non-empty', `name part ${NAME_REGEX}`]);
    assert.deepEqual(qualifiedNameErrors('Example.com/abc'), [`prefix part ${SUBDOMAIN_REGEX}`]);
    assert.deepEqual(qualifiedNameErrors('a'.repeat(64)), ['name part must be no more than 63 characters']);
    assert.deepEqual(qualifiedNameErrors('only/one/slash'), [
      `a qualified name ${NAME_REGEX} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ]);
  });
});

suite('core labels: label values', () => {
  const good = ['simple', 'now-with-dashes', '1-starts-with-num', 'end-with-num-1', '1234', 'a'.repeat(63), '', 'A', 'AB', 'AbC', 'aBc', 'aBC', 'Uppercase_Is_OK_123'];
  for (const value of good) test(`valid: ${JSON.stringify(value.length > 40 ? `${value.slice(0, 20)}…` : value)}`, () => assert.deepEqual(labelValueErrors(value), []));

  const bad = ['nospecialchars%^=@', 'Tama-nui-te-rā.is.Māori.sun', '\\backslashes\\are\\bad', '-starts-with-dash', 'ends-with-dash-', '.starts.with.dot', 'ends.with.dot.', 'a'.repeat(64), 'hello world'];
  for (const value of bad) test(`invalid: ${JSON.stringify(value.length > 40 ? `${value.slice(0, 20)}…` : value)}`, () => assert.notDeepEqual(labelValueErrors(value), []));

  test('the messages are apimachinery\'s; length is Go\'s len(), in UTF-8 bytes', () => {
    assert.deepEqual(labelValueErrors('hello world'), [VALUE_REGEX]);
    assert.deepEqual(labelValueErrors('a'.repeat(64)), ['must be no more than 63 characters']);
    // 40 characters, 80 bytes: too long for Go, as well as not matching
    assert.deepEqual(labelValueErrors('é'.repeat(40)), ['must be no more than 63 characters', VALUE_REGEX]);
  });
});

suite('core labels: DNS-1123 subdomains (object names, key prefixes)', () => {
  for (const name of ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', 'a.a', 'ab.a', 'a.b.c', '1.2.3.4', 'a'.repeat(253)]) {
    test(`valid: ${name.length > 40 ? `${name.slice(0, 20)}… (${name.length} chars)` : name}`, () => assert.deepEqual(dns1123SubdomainErrors(name), []));
  }
  for (const name of ['', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '.', 'a.', '.a', 'a..b', 'a@b', 'a,b', 'a b', 'a'.repeat(254)]) {
    test(`invalid: ${JSON.stringify(name.length > 40 ? `${name.slice(0, 20)}…` : name)}`, () => assert.notDeepEqual(dns1123SubdomainErrors(name), []));
  }
  test('too long and malformed: both messages, length first', () => {
    assert.deepEqual(dns1123SubdomainErrors(`${'a'.repeat(253)}-`), ['must be no more than 253 characters', SUBDOMAIN_REGEX]);
  });
});
