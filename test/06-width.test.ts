/** The width stage's search for number punctuation against the pattern it stands for. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { NUMBER_PUNCT, numberPunctuation } from '../pipeline/06-width.js';

describe('width: number punctuation', () => {
  test('tried only at fullwidth points and percent signs, it finds what matchAll finds', () => {
    const piece = fc.constantFrom('．', '％', '2', '２', ' ', '\u3000', '亿', '.', '%', '．５', '2 ．5');
    fc.assert(fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
      const text = parts.join('');
      assert.deepEqual(numberPunctuation(text), [...text.matchAll(NUMBER_PUNCT)].map((m) => m.index));
    }), { numRuns: 2000 });
  });
});
