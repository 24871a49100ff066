import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { clauses, sentences } from '../lib/clauses.js';

// The regular expressions the loops replaced, as the reference.
const referenceSentences = (text: string) => [...text.matchAll(/[^。！？；!?;]+[。！？；!?;]*/gu)].map((m) => ({ start: m.index, end: m.index + m[0].length, text: m[0] }));
const referenceClauses = (start: number, text: string) => [...text.matchAll(/[^，：,:]+[，：,:]*/gu)].map((m) => ({ start: start + m.index, end: start + m.index + m[0].length }));

describe('sentences and clauses', () => {
  test('cut as the regular expressions cut, separators at the start included', () => {
    const text = fc.array(fc.constantFrom(...'。！？；!?;，：,:、增长6%地区😀 \n'), { maxLength: 40 }).map((a) => a.join(''));
    fc.assert(
      fc.property(text, (t) => {
        const got = sentences(t);
        assert.deepEqual(got, referenceSentences(t));
        for (const s of got) assert.deepEqual(clauses(s), referenceClauses(s.start, s.text));
      }),
      { numRuns: 5000 },
    );
  });
});
