import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { getScanner } from '../pipeline/14-quantities.js';
import { RAW, SEEDS, runText } from './helpers.js';
import { mayConvert, toSimplified } from '../lib/script.js';
import { NATIONAL_CORPUS, readNationalReports } from '../bench/shared.js';
import * as OpenCC from 'opencc-js';

const scanner = getScanner();
const read = (text: string) => scanner.scan(text).map((q) => [q.text, q.value ?? [q.valueLow, q.valueHigh], q.unit, q.qualifier]);

describe('quantity recognition', () => {
  test('Arabic and Chinese numerals, decimals, scale words kept with the unit', () => {
    assert.deepEqual(read('送戏下乡一万场，三百万户，两个，1.45万亿元，3,700人'), [
      ['一万场', 1, '万场', 'exact'], ['三百万户', 300, '万户', 'exact'], ['两个', 2, '个', 'exact'], ['1.45万亿元', 1.45, '万亿元', 'exact'], ['3,700人', 3700, '人', 'exact'],
    ]);
  });

  test('thousands grouped with a comma, also a fullwidth one in old typesetting', () => {
    assert.deepEqual(read('粮食产量34，250万吨，职工3,700人'), [['34，250万吨', 34250, '万吨', 'exact'], ['3,700人', 3700, '人', 'exact']]);
  });

  test('Chinese numerals with 零 gaps and positional digits', () => {
    assert.deepEqual(read('七千零六十二万吨，一百零三个，百分之一百零四点一，一千零一十九万人'), [
      ['七千零六十二万吨', 7062, '万吨', 'exact'], ['一百零三个', 103, '个', 'exact'], ['百分之一百零四点一', 104.1, '%', 'exact'], ['一千零一十九万人', 1019, '万人', 'exact'],
    ]);
  });

  test('percent, percentage points, times, and 百分之', () => {
    assert.deepEqual(read('增长6.5%，低于预期1.5个百分点，增长3.5倍，增长百分之六'), [
      ['6.5%', 6.5, '%', 'exact'], ['1.5个百分点', 1.5, '个百分点', 'exact'], ['3.5倍', 3.5, '倍', 'exact'], ['百分之六', 6, '%', 'exact'],
    ]);
  });

  test('ranges fill low and high', () => {
    assert.deepEqual(read('增长6-6.5%，重组2-3家，80—150个，2至3家'), [
      ['6-6.5%', [6, 6.5], '%', 'range'], ['2-3家', [2, 3], '家', 'range'], ['80—150个', [80, 150], '个', 'range'], ['2至3家', [2, 3], '家', 'range'],
    ]);
  });

  test('approximation words are qualifiers, never part of the unit', () => {
    assert.deepEqual(read('6%左右，约6%，8%以上，3%以内，4.2%以下，超过2.6万亿元，突破2万亿元，近2200亿元，3700多万，100余家'), [
      ['6%左右', 6, '%', 'approx'], ['约6%', 6, '%', 'approx'], ['8%以上', 8, '%', 'at_least'], ['3%以内', 3, '%', 'at_most'], ['4.2%以下', 4.2, '%', 'at_most'],
      ['超过2.6万亿元', 2.6, '万亿元', 'more_than'], ['突破2万亿元', 2, '万亿元', 'more_than'], ['近2200亿元', 2200, '亿元', 'nearly'], ['3700多万', 3700, '万', 'more_than'], ['100余家', 100, '家', 'more_than'],
    ]);
  });

  test('numbers that cannot be read are flagged, not valued', () => {
    const qs = scanner.scan('增长1..5%，一百万万人');
    assert.deepEqual(qs.map((q) => [q.text, q.value, q.problem]), [['1..5%', null, 'malformed number'], ['一百万万', null, 'scale word repeated']]);
  });
});

describe('mentions', () => {
  const run = (text: string) => runText(text, 'c.txt')[0]!;

  test('every number gets a class: indicator, date, ordinal, count, name or code, other', () => {
    const doc = run('2016年，地区生产总值增长4.5%，位次上升到第20位，开发区数量由26个增至88个（开发区 is catalogued），新建12个文化中心，强化“13710”督办，制定“46条”，挽回损失3000多亿元。\n');
    assert.deepEqual(doc.data.mentions!.map((m) => [m.text, m.cls]), [
      ['2016年', 'date'], ['4.5%', 'indicator'], ['20位', 'ordinal'], ['26个', 'indicator'], ['88个', 'indicator'], ['12个', 'count'], ['13710', 'name_or_code'], ['46条', 'name_or_code'], ['3000多亿元', 'other'],
    ]);
  });

  test('an unreadable number is a mention of class other with a warning, never a crash or a value', () => {
    const doc = run('全省地区生产总值增长1..5%，一百万万人。\n');
    assert.deepEqual(doc.data.mentions!.map((m) => [m.text, m.cls, m.problem]), [['1..5%', 'other', 'malformed number'], ['一百万万', 'other', 'scale word repeated']]);
    assert.deepEqual(doc.data.indicators, []);
    assert.equal(doc.messages.filter((m) => m.rule === 'quantity/unreadable').length, 2);
  });

  test('recognition and linking are linear on adversarial text (a 1 MB run of digits, 100k nested quotes)', () => {
    const time = (text: string) => {
      const t = performance.now();
      run(text);
      return performance.now() - t;
    };
    for (const make of [(n: number) => '增长' + '7'.repeat(n) + '%', (n: number) => '地区生产总值'.concat('“'.repeat(n / 2), '增长6%', '”'.repeat(n / 2))]) {
      const small = Math.min(time(make(250_000)), time(make(250_000)));
      const large = Math.min(time(make(1_000_000)), time(make(1_000_000)));
      assert.ok(large / Math.max(small, 5) < 10, `${large.toFixed(0)} ms for 1M vs ${small.toFixed(0)} ms for 250k`);
    }
  });
});

describe('reading traditional characters', () => {
  // The national reports are in ../shared, which CI always has beside the clone.
  const skip = !existsSync(NATIONAL_CORPUS) && !process.env['CI'] ? 'no ../shared beside this clone' : false;
  test('text the shortcut passes by is text the converter leaves as it is (every line of the seeds and the national reports)', { skip }, () => {
    const convert = OpenCC.Converter({ from: 't', to: 'cn' });
    const texts = [
      ...SEEDS.map((f) => readFileSync(join(RAW, f), 'utf8')),
      ...readNationalReports().map((r) => r.content),
      '經濟增長 國內生產總值 億元 乾隆 一目瞭然 台灣',
    ];
    let skipped = 0;
    let converted = 0;
    for (const line of texts.flatMap((t) => t.split('\n'))) {
      if (mayConvert(line)) converted++;
      else {
        skipped++;
        assert.equal(convert(line), line);
      }
    }
    assert.ok(skipped > 10_000 && converted > 0, `${skipped} skipped, ${converted} converted`);
    assert.equal(toSimplified('經濟增長6.1%，一目瞭然'), '经济增长6.1%，一目了然');
    // The converter first folds CJK compatibility ideographs (U+FA26 is 都): those count too.
    assert.equal(toSimplified('\uFA26市'), '都市');
  });
});
