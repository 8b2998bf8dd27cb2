import { strict as assert } from 'node:assert';
suite('harness', () => { test('runs', () => assert.equal(1 + 1, 2)); });
