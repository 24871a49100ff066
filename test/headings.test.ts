/** Heading tests decide code point limits without spreading the line: the same answer as the spread. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { codePointsAtMost } from '../lib/headings.js';

describe('headings: code point limits', () => {
  test('codePointsAtMost(s, n) is [...s].length <= n, lone surrogates included', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.nat(40), (s, n) => {
      assert.equal(codePointsAtMost(s, n), [...s].length <= n);
    }), { numRuns: 3000 });
  });
});
