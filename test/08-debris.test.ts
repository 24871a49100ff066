import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { doubledFragments } from '../lib/doubled.js';
import { doubledPunctuation } from '../pipeline/08-debris.js';

const regexMatches = (text: string) => [...text.matchAll(/(\p{Script=Han}{4,12})\1/gu)].map((m) => `${m.index}:${m[0]}`);
const fastMatches = (text: string) => doubledFragments(text).map((m) => `${m.index}:${m[0]}`);

describe('debris: doubled fragments', () => {
  test('the fast scan finds exactly what the regular expression finds, on text made to repeat', () => {
    // A small alphabet repeats often: Han characters (〇 and 々 low in the table, two outside the BMP), punctuation, ASCII.
    const piece = fc.constantFrom('发', '展', '经', '济', '哈', '〇', '々', '𠀀', '𠀁', '，', 'a', '1', '\n', '发展经济', '改革开放', '𠀀𠀁');
    fc.assert(fc.property(fc.array(piece, { maxLength: 80 }), (parts) => {
      const text = parts.join('');
      assert.deepEqual(fastMatches(text), regexMatches(text));
    }), { numRuns: 3000 });
  });

  test('known cases: the longest copy wins, a run of one character, after a surrogate pair, many calls in a row', () => {
    for (const text of ['发展经济发展经济', '改革开放改革开放改革开放', '哈哈哈哈哈哈哈哈哈', '𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀', 'a𠀀发展经济发展经济b', '一二三四五六七八九十一二三四五六七八九十', '']) {
      assert.deepEqual(fastMatches(text), regexMatches(text), text);
    }
    // The longest copy, 12 characters outside the BMP: 24 code units apart.
    const astral = [...Array(12).keys()].map((i) => String.fromCodePoint(0x20000 + i)).join('');
    for (const text of [`${astral}${astral}`, `x${astral}${astral}${astral}`, `${astral.slice(2)}${astral.slice(2)}`]) {
      assert.deepEqual(fastMatches(text), regexMatches(text), text);
    }
    assert.deepEqual(fastMatches('甲乙丙丁甲乙丙丁戊'), ['0:甲乙丙丁甲乙丙丁']);
  });
});

test('a call that throws part way leaves nothing the next call takes for its own', () => {
  // 发展经济 recurs at 0 in the aborted call: the same mark at 0 in the next call, if the tables
  // still held it as current, would use up the count of undecided starts before the real one at 1.
  const real = '发展经济发展经济' + 'x'.repeat(32);
  const aborting = { length: real.length, charCodeAt: (k: number) => { if (k >= 20) throw new Error('aborted'); return real.charCodeAt(k); } };
  assert.throws(() => doubledFragments(aborting as unknown as string), /aborted/u);
  const text = 'a甲乙丙丁甲乙丙丁' + 'b'.repeat(30);
  assert.deepEqual(fastMatches(text), regexMatches(text));
  assert.deepEqual(fastMatches(text), ['1:甲乙丙丁甲乙丙丁']);
});

describe('debris: doubled punctuation', () => {
  test('the literal search finds the runs the class with a backreference finds', () => {
    const piece = fc.constantFrom('，', '。', '、', '；', '！', '？', '：', ',', '发', '𠀀', '\n', '，，', '。。。');
    fc.assert(fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
      const text = parts.join('');
      const expected = [...text.matchAll(/([，。、；！？])\1+/gu)].map((m) => [m.index, m.index + m[0].length]);
      assert.deepEqual(doubledPunctuation(text), expected);
    }), { numRuns: 2000 });
  });
});
