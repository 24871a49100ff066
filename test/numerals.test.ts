import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseChineseNumeral } from '../lib/numerals.js';

/** The first implementation (by characters and property lookups), kept as the reference. */
function reference(s: string): number | null {
  const DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
  const UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
  const [intPart, fracPart] = s.split('点');
  if (intPart === undefined || s.split('点').length > 2) return null;
  let total = 0;
  let current: number | null = null;
  let lastUnit = Infinity;
  const withUnits = /[十百千]/u.test(intPart);
  for (const ch of intPart) {
    if (withUnits && (ch === '零' || ch === '〇')) continue;
    if (ch in DIGIT) {
      if (current !== null) {
        if (lastUnit !== Infinity) return null;
        current = current * 10 + DIGIT[ch]!;
      } else current = DIGIT[ch]!;
    } else if (ch in UNIT) {
      const u = UNIT[ch]!;
      if (u >= lastUnit) return null;
      total += (current ?? 1) * u;
      current = null;
      lastUnit = u;
    } else return null;
  }
  if (intPart.length === 0 && fracPart === undefined) return null;
  total += current ?? 0;
  if (fracPart !== undefined) {
    if (fracPart.length === 0 || [...fracPart].some((c) => !(c in DIGIT))) return null;
    total = Number(`${total}.${[...fracPart].map((c) => DIGIT[c]).join('')}`);
  }
  return total;
}

describe('parseChineseNumeral', () => {
  test('reads the forms the texts use', () => {
    for (const [s, v] of [['三百', 300], ['一千二百三十', 1230], ['一百零三', 103], ['七千零六十二', 7062], ['两', 2], ['二点五', 2.5], ['二〇二一', 2021], ['十', 10], ['点五', 0.5]] as const) {
      assert.equal(parseChineseNumeral(s), v, s);
    }
    for (const s of ['', '百百', '十百', '一点', '一点二点三', '三x', '一百二三']) assert.equal(parseChineseNumeral(s), null, s);
  });

  test('agrees with the reference implementation on any string of numeral characters', () => {
    const ch = fc.constantFrom(...'零〇一二两三四五六七八九十百千点万a😀');
    fc.assert(fc.property(fc.array(ch, { maxLength: 12 }).map((a) => a.join('')), (s) => Object.is(parseChineseNumeral(s), reference(s))), { numRuns: 20000 });
  });
});
