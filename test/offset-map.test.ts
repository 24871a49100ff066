/**
 * The offset map's edited layers against the flat copy they replace: after any sequence of edits,
 * every unit maps where a flat map rebuilt at each step would map it, and every range query agrees.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { applyEdits, assemble, flatten, rawRange, rawStartAt, type Edit, type OffsetMap } from '../lib/offset-map.js';

const RAW_LENGTH = 999;

/** The flat reference: a new pair of arrays per application, as the maps were first built. */
function flatApply(text: string, map: OffsetMap, edits: Edit[]): { text: string; map: OffsetMap } {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const live = sorted.filter((e) => text.slice(e.start, e.end) !== e.text);
  let out = '';
  const rawStart: number[] = [];
  const rawEnd: number[] = [];
  let src = 0;
  const range = (s: number, e: number): [number, number] => {
    if (e > s) return [Math.min(...map.rawStart.subarray(s, e)), Math.max(...map.rawEnd.subarray(s, e))];
    const n = map.rawStart.length;
    const at = s < n ? map.rawStart[s]! : n > 0 ? map.rawEnd[n - 1]! : RAW_LENGTH;
    return [at, at];
  };
  for (const e of live) {
    out += text.slice(src, e.start) + e.text;
    for (let i = src; i < e.start; i++) rawStart.push(map.rawStart[i]!), rawEnd.push(map.rawEnd[i]!);
    const [rs, re] = range(e.start, e.end);
    for (let i = 0; i < e.text.length; i++) rawStart.push(rs), rawEnd.push(re);
    src = e.end;
  }
  out += text.slice(src);
  for (let i = src; i < text.length; i++) rawStart.push(map.rawStart[i]!), rawEnd.push(map.rawEnd[i]!);
  return { text: out, map: { rawStart: Int32Array.from(rawStart), rawEnd: Int32Array.from(rawEnd) } };
}

/**
 * Non-overlapping edits of a text of length n, from a list of (gap, length, replacement, same
 * point): after an insertion, `same point` with no gap puts the next edit at the insertion's point
 * (two insertions at one point, or an insertion followed by an edit with the same start).
 */
const editsArb = (n: number) =>
  fc.array(fc.tuple(fc.nat(4), fc.nat(3), fc.constantFrom('', 'x', 'yz', '　', 'a', '\n'), fc.boolean()), { maxLength: 8 }).map((specs) => {
    const edits: Edit[] = [];
    let at = 0;
    for (const [gap, len, text, samePoint] of specs) {
      const start = at + gap;
      const end = Math.min(n, start + len);
      if (start > n) break;
      edits.push({ start, end, text, reason: 'test' });
      at = end + (end === start && !samePoint ? 1 : 0);
    }
    // Given out of order sometimes: applyEdits sorts them.
    return edits.reverse();
  });

describe('offset map layers', () => {
  test('any sequence of edits maps every unit and range as flat maps rebuilt at each step do', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 30 }), fc.array(fc.integer({ min: 0, max: 1 << 20 }), { maxLength: 6 }), (start, seeds) => {
        let text = start;
        // Raw offsets as decode makes them (ordered), or backwards (reordered text, as assemble makes).
        const order = (i: number) => (text.length % 2 === 1 ? text.length - 1 - i : i);
        let map: OffsetMap = { rawStart: Int32Array.from(text, (_, i) => 3 * order(i)), rawEnd: Int32Array.from(text, (_, i) => 3 * order(i) + 3), ordered: text.length % 2 === 0 };
        let flat = { text, map };
        for (const seed of seeds) {
          const edits = fc.sample(editsArb(text.length), { seed, numRuns: 1 })[0]!;
          const applied = applyEdits(text, map, edits, RAW_LENGTH);
          const reference = flatApply(flat.text, flat.map, edits);
          assert.equal(applied.text, reference.text);
          text = applied.text;
          map = applied.map;
          flat = reference;
          for (let s = 0; s <= text.length; s++) {
            assert.equal(rawStartAt(map, s, -1), s < text.length ? reference.map.rawStart[s] : -1);
            for (let e = s; e <= Math.min(text.length, s + 5); e++) assert.deepEqual(rawRange(map, s, e, RAW_LENGTH), rawRange(reference.map, s, e, RAW_LENGTH));
          }
        }
        // A map said to be ordered is.
        if (map.ordered) for (let i = 1; i < text.length; i++) assert.ok(flat.map.rawStart[i - 1]! <= flat.map.rawStart[i]! && flat.map.rawEnd[i - 1]! <= flat.map.rawEnd[i]!);
        assert.deepEqual(flatten(map).rawStart, flat.map.rawStart);
        assert.deepEqual(flatten(map).rawEnd, flat.map.rawEnd);
        if (text.length >= 2) {
          const half = text.length >> 1;
          const joined = assemble(text, map, [[half, text.length], [0, half]], '|');
          const expected = assemble(flat.text, flat.map, [[half, text.length], [0, half]], '|');
          assert.deepEqual(joined, expected);
        }
      }),
      { numRuns: 400 },
    );
  });

  test('a one-unit replacement of one unit keeps the map; an edit that changes nothing is not applied', () => {
    const map = { rawStart: Int32Array.of(0, 3, 6), rawEnd: Int32Array.of(3, 6, 9) };
    const width = applyEdits('１２３', map, [{ start: 1, end: 2, text: '2', reason: 'width' }], 9);
    assert.equal(width.text, '１2３');
    assert.equal(width.map, map);
    const none = applyEdits('abc', map, [{ start: 0, end: 2, text: 'ab', reason: 'noop' }], 9);
    assert.deepEqual([none.text, none.map, none.applied], ['abc', map, []]);
  });

  test('assemble says a map is ordered only when it is, and ranges read through it as through an unordered copy', () => {
    // Ordered maps with units sharing a range (one replacement) and ends past the next start.
    const mapArb = fc.array(fc.tuple(fc.nat(3), fc.nat(3)), { minLength: 1, maxLength: 30 }).map((steps) => {
      const rawStart = new Int32Array(steps.length);
      const rawEnd = new Int32Array(steps.length);
      let start = 0;
      let end = 0;
      steps.forEach(([advance, width], i) => {
        start += advance;
        end = Math.max(end, start + width);
        rawStart[i] = start;
        rawEnd[i] = end;
      });
      return { rawStart, rawEnd, ordered: true } as OffsetMap;
    });
    fc.assert(
      fc.property(mapArb, fc.array(fc.nat(40), { maxLength: 8 }), fc.constantFrom('', '\n\n', '|'), fc.boolean(), (map, cuts, separator, reversed) => {
        const n = map.rawStart.length;
        const text = 'x'.repeat(n);
        const points = cuts.map((c) => c % (n + 1)).sort((a, b) => a - b);
        const slices: Array<[number, number]> = [];
        for (let i = 0; i + 1 < points.length; i += 2) slices.push([points[i]!, points[i + 1]!]);
        if (slices.length === 0) return;
        if (reversed) slices.reverse();
        const joined = assemble(text, map, slices, separator);
        const plain = assemble(text, { rawStart: map.rawStart, rawEnd: map.rawEnd }, slices, separator);
        assert.deepEqual([joined.text, joined.map.rawStart, joined.map.rawEnd], [plain.text, plain.map.rawStart, plain.map.rawEnd]);
        const { rawStart, rawEnd } = joined.map;
        if (joined.map.ordered) for (let i = 1; i < rawStart.length; i++) assert.ok(rawStart[i - 1]! <= rawStart[i]! && rawEnd[i - 1]! <= rawEnd[i]!, `unit ${i}`);
        for (let s = 0; s <= joined.text.length; s++) {
          for (let e = s; e <= joined.text.length; e++) assert.deepEqual(rawRange(joined.map, s, e, RAW_LENGTH), rawRange(plain.map, s, e, RAW_LENGTH));
        }
      }),
      { numRuns: 1000 },
    );
    // Ascending slices of decoded text keep the fast path.
    const decoded: OffsetMap = { rawStart: Int32Array.of(0, 3, 6, 9), rawEnd: Int32Array.of(3, 6, 9, 12), ordered: true };
    assert.equal(assemble('甲乙丙丁', decoded, [[0, 1], [2, 4]], '\n\n').map.ordered, true);
    assert.notEqual(assemble('甲乙丙丁', decoded, [[2, 4], [0, 1]], '\n\n').map.ordered, true);
  });
});
