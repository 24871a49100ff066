import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CLOSERS, codePointLength, endsSentence, isSpaceUnit, TERMINAL } from '../lib/chars.js';
import { codePointsAtMost } from '../lib/headings.js';

describe('chars', () => {
  test('isSpaceUnit is /\\s/ for every code unit', () => {
    for (let c = 0; c < 0x10000; c++) assert.equal(isSpaceUnit(c), /\s/u.test(String.fromCharCode(c)), `U+${c.toString(16)}`);
    assert.equal(isSpaceUnit(NaN), false); // charCodeAt past the end
  });

  test('endsSentence reads the end as the closer and terminal patterns do', () => {
    const piece = fc.constantFrom('。', '！', '…', '.', ':', '”', '’', '）', ')', ']', '"', "'", '】', '发展', 'a', '𠀀', '\uD800', ' ', '。”', '”。');
    fc.assert(fc.property(fc.array(piece, { maxLength: 8 }), (parts) => {
      const line = parts.join('');
      assert.equal(endsSentence(line), TERMINAL.test(line.replace(CLOSERS, '')), JSON.stringify(line));
    }), { numRuns: 3000 });
  });

  test('codePointLength and codePointsAtMost count code points as string iteration does, lone surrogates included', () => {
    const piece = fc.constantFrom('发', 'a', '𠀀', '\uD800', '\uDC00', '\uDBFF\uDFFF', '\uDC00\uD800');
    fc.assert(fc.property(fc.array(piece, { maxLength: 30 }), fc.integer({ min: 0, max: 40 }), (parts, max) => {
      const s = parts.join('');
      assert.equal(codePointLength(s), [...s].length, JSON.stringify(s));
      assert.equal(codePointsAtMost(s, max), [...s].length <= max, JSON.stringify(s));
    }), { numRuns: 3000 });
    // A lone low surrogate is one code point (it counted as none before).
    assert.equal(codePointLength('a\uDC00'), 2);
  });
});
