/**
 * periodIn skips the plan-period and five-year expressions in text without 五 and keeps only the
 * last year it reads: the same answers as testing every expression and collecting every year.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { periodIn, yearPeriod, type Period } from '../lib/periods.js';

const PLANS: Array<[RegExp, number]> = (
  [['六五', 1981], ['七五', 1986], ['八五', 1991], ['九五', 1996], ['“十五', 2001], ['十一五', 2006], ['十二五', 2011], ['十三五', 2016], ['十四五', 2021], ['十五五', 2026]] as const
).map(([name, first]) => [new RegExp(`${name}”?(?:时期|期间|以来|末|规划期|的五年|计划|规划|$)`, 'u'), first]);

/** periodIn as first written. */
function reference(text: string, docYear: number | null, report: boolean): Period | null {
  const span = (a: number, b: number): Period => ({ label: `${a}-${b}`, start: a, end: b });
  for (const [re, first] of PLANS) if (re.test(text)) return span(first, first + 4);
  if (docYear !== null) {
    if (/五年来|过去五年|近五年|这五年/u.test(text)) return span(docYear - 5, docYear - 1);
    if (/今后五年|未来五年/u.test(text)) return span(docYear, docYear + 4);
    if (/去年|上年|过去一年|刚刚过去的一年/u.test(text)) return yearPeriod(docYear - 1);
    if (/一年来/u.test(text)) return yearPeriod(report ? docYear - 1 : docYear);
    if (/今年|本年|目前|当前|现在|眼下/u.test(text)) return yearPeriod(docYear);
    if (/明年/u.test(text)) return yearPeriod(docYear + 1);
  }
  const years = [...text.matchAll(/((?:19|20)\d{2})年(?!代|均|以来|前后|底前|前)/gu)];
  const last = years.at(-1);
  return last ? yearPeriod(Number(last[1])) : null;
}

describe('periodIn', () => {
  test('answers as testing every expression does', () => {
    const piece = fc.constantFrom('十三五', '“十五”', '十五五', '时期', '期间', '以来', '规划', '五年来', '过去五年', '今后', '五年', '去年', '一年来', '今年', '明年',
      '2021年', '2022年', '1998年', '年代', '年均', '前', '底前', '20', '21年', '经济', '，', '五', '”', '');
    fc.assert(fc.property(fc.array(piece, { maxLength: 12 }), fc.option(fc.integer({ min: 1990, max: 2030 })), fc.boolean(), (parts, year, report) => {
      const text = parts.join('');
      assert.deepEqual(periodIn(text, year, report), reference(text, year, report));
    }), { numRuns: 5000 });
  });

  test('the last year named wins, and a plan period beats it', () => {
    assert.deepEqual(periodIn('在2021年的基础上，2022年煤炭日均产量', 2023), yearPeriod(2022));
    assert.deepEqual(periodIn('2019年，“十三五”时期', 2020), { label: '2016-2020', start: 2016, end: 2020 });
    assert.equal(periodIn('经济发展', null), null);
  });
});
