/** Heading tests decide code point limits without spreading the line: the same answer as the spread. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { codePointsAtMost, NUMBERED, numberedLevel } from '../lib/headings.js';

describe('headings: code point limits', () => {
  test('codePointsAtMost(s, n) is [...s].length <= n, lone surrogates included', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.nat(40), (s, n) => {
      assert.equal(codePointsAtMost(s, n), [...s].length <= n);
    }), { numRuns: 3000 });
  });

  test('numberedLevel, which looks at the first character first, agrees with the patterns alone', () => {
    const reference = (text: string) => NUMBERED.find(([re]) => re.test(text))?.[1] ?? null;
    const piece = fc.constantFrom('一', '十', '两', '第', '部分', '章', '、', '（', '(', '）', ')', '1', '12', '.', '．', '发展', ' ', '　', '𠀀', '');
    fc.assert(fc.property(fc.array(piece, { maxLength: 6 }), (parts) => {
      const text = parts.join('');
      assert.equal(numberedLevel(text), reference(text), JSON.stringify(text));
    }), { numRuns: 3000 });
  });
});
