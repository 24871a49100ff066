/** The ocr-check scan finds, match for match, what the three patterns find with matchAll. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CHECKS, ocrSuspects } from '../pipeline/13-ocr-check.js';

const byRegex = (text: string) => CHECKS.map((c) => [...text.matchAll(c.re)].map((m) => `${m.index}:${m[0]}`));
const byScan = (text: string) => ocrSuspects(text).map((found) => found.map((m) => `${m.index}:${m.text}`));

describe('ocr-check scan', () => {
  test('the scan finds exactly what the patterns find, on text made to repeat', () => {
    // A small alphabet repeats often: Han in and out of the BMP, CJK punctuation, controls,
    // U+FFFD, private use, an unassigned code point, lone surrogates, ASCII.
    const piece = fc.constantFrom('晋', '批', '示', '〇', '々', '𠀀', '𠀁', '，', '\u0001', '\r', '\n', '\uFFFD', '\uE000', '\u0378', '\uD800', '\uDC00', 'a', '晋晋晋', '批示批示', '𠀀𠀀𠀀', '𠀀晋𠀀晋');
    fc.assert(fc.property(fc.array(piece, { maxLength: 60 }), (parts) => {
      const text = parts.join('');
      assert.deepEqual(byScan(text), byRegex(text));
    }), { numRuns: 3000 });
  });

  test('arbitrary text: the same matches', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
      assert.deepEqual(byScan(text), byRegex(text));
    }), { numRuns: 2000 });
  });
});
