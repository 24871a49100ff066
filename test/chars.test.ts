import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isSpaceUnit } from '../lib/chars.js';

describe('chars', () => {
  test('isSpaceUnit is /\\s/ for every code unit', () => {
    for (let c = 0; c < 0x10000; c++) assert.equal(isSpaceUnit(c), /\s/u.test(String.fromCharCode(c)), `U+${c.toString(16)}`);
    assert.equal(isSpaceUnit(NaN), false); // charCodeAt past the end
  });
});
