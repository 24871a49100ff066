import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { QuantityScanner } from '../lib/quantities.js';
import { scannerUnits } from '../pipeline/14-quantities.js';
import { RAW, SEEDS } from './helpers.js';
import { NATIONAL_CORPUS, readNationalReports } from '../bench/shared.js';

/** The scanner without its pre-check: the expressions run at every Chinese numeral. */
class WithoutPrecheck extends QuantityScanner {
  protected override unitOrScaleAfterNumeral(): boolean {
    return true;
  }
}

// The pre-check that skips the expressions at a Chinese numeral must skip only where they read nothing.
describe('numeral pre-check', () => {
  const units = scannerUnits();
  const fast = new QuantityScanner(units);
  const reference = new WithoutPrecheck(units);

  test('agrees with the expressions on random text built from numbers, units, scale and qualifier words', () => {
    const piece = fc.oneof(
      fc.stringMatching(/^[0-9]{1,6}$/),
      fc.constantFrom(...units.slice(0, 200), '万', '亿', '万亿', '千', '百', '多', '余', '左右', '以上', '以下', '上下', '以内',
        '.', '..', ',', '，', '%', ' ', '\u3000', '\t', '-', '—', '–', '~', '～', '至', '到', '约', '超过', '百分之', '五', '的', '年', '一', '三千', '两', '十', '百', '点', '点五', '〇', '零', 'a', '个百分点'),
      fc.string({ maxLength: 3 }),
    );
    fc.assert(fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
      const text = parts.join('');
      assert.deepEqual(fast.scan(text), reference.scan(text));
    }), { numRuns: 3000 });
  });

  test('agrees with the expressions where a scale word follows a decimal, a 多 or a long numeral', () => {
    for (const text of ['二点五千万元', '二点五百万', '三千多万人', '一百余亿', '一是二点五', '三去一降一补', '十余个', '两万万人', '一点', '五点钟']) {
      assert.deepEqual(fast.scan(text), reference.scan(text), text);
    }
    assert.equal(fast.scan('二点五千万元')[0]?.text, '二点五千万元');
  });

  test('agrees with the expressions on runs of numerals, decimal points, 多 and 余 before units', () => {
    // The pre-check walks the numeral, a decimal point and its digits in one loop: texts dense in
    // exactly those characters (二点五点三, 三点多万, 十点) try every way that walk can end.
    const piece = fc.constantFrom(...'零〇一二两三四五六七八九十百千点多余万亿元个人%', '点五', '百分之', '万亿', 'x');
    fc.assert(fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
      const text = parts.join('');
      assert.deepEqual(fast.scan(text), reference.scan(text), text);
    }), { numRuns: 5000 });
  });

  test('agrees with the expressions on every seed and national report', () => {
    const texts = SEEDS.map((f) => readFileSync(join(RAW, f), 'utf8'));
    if (existsSync(NATIONAL_CORPUS)) texts.push(...readNationalReports().map((r) => r.content));
    let mentions = 0;
    for (const text of texts) {
      const found = fast.scan(text);
      assert.deepEqual(found, reference.scan(text));
      mentions += found.length;
    }
    assert.ok(mentions > 1000, `${mentions} mentions`);
  });
});
