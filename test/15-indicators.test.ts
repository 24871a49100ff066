import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { catalog } from '../lib/catalog.js';
import type { IndicatorValue } from '../lib/document.js';
import { projectRoot } from '../lib/paths.js';
import { evaluate } from '../scripts/eval.js';
import { runText } from './helpers.js';

/** A 2017 provincial report with one section: `review` for 2016, `plan` for 2017. */
function extract(body: string, heading = '一、2016年工作回顾'): IndicatorValue[] {
  const text = `山西省2017年政府工作报告\n\n${heading}\n\n${body}\n`;
  const doc = runText(text, 'c.txt')[0]!;
  return doc.data.indicators!;
}
const brief = (vs: IndicatorValue[]) => vs.map((v) => [v.indicatorId, v.value ?? [v.valueLow, v.valueHigh], v.unit, v.qualifier, v.status, v.period]);

describe('catalog', () => {
  test('holds the headline indicators, at least 60 in all, each name used once', () => {
    const ids = catalog().indicators.map((i) => i.id);
    for (const id of ['gdp', 'gdp_growth', 'gdp_per_capita', 'fixed_asset_investment', 'fixed_asset_investment_growth', 'retail_sales', 'retail_sales_growth', 'budget_revenue', 'budget_revenue_growth', 'urban_income', 'urban_income_growth', 'rural_income', 'rural_income_growth', 'new_urban_jobs', 'registered_unemployment_rate', 'surveyed_unemployment_rate', 'cpi_growth', 'grain_output', 'import_export', 'import_export_growth', 'energy_intensity_reduction', 'good_air_days_ratio', 'urbanization_rate']) {
      assert.ok(ids.includes(id), id);
    }
    assert.ok(ids.length >= 60);
    const names = catalog().indicators.flatMap((i) => [i.name_zh, ...i.aliases]);
    assert.equal(new Set(names).size, names.length, 'a name stands for two indicators');
  });
});

describe('meaning', () => {
  test('a growth that fell is negative; a reduction indicator holds the size of the fall', () => {
    assert.deepEqual(brief(extract('进出口总额同比下降4.3%，万元地区生产总值能耗下降3.2%。')), [
      ['import_export_growth', -4.3, '%', 'exact', 'actual', '2016'], ['energy_intensity_reduction', 3.2, '%', 'exact', 'actual', '2016'],
    ]);
  });

  test('预计 makes the sentence an estimate; 分别 gives each subject its value; 城乡居民 is urban and rural', () => {
    assert.deepEqual(brief(extract('预计全省地区生产总值增长4.5%左右；城乡居民人均可支配收入分别增长6%左右、6%以上。')), [
      ['gdp_growth', 4.5, '%', 'approx', 'estimate', '2016'], ['urban_income_growth', 6, '%', 'approx', 'estimate', '2016'], ['rural_income_growth', 6, '%', 'at_least', 'estimate', '2016'],
    ]);
  });

  test('the coming year\'s plan is targets; a range fills low and high; a target without a number is a row with a note', () => {
    const vs = extract('主要预期目标是：地区生产总值增长6-6.5%，全社会固定资产投资增长目标根据新的统计口径设置，城镇登记失业率控制在4.2%以内。', '二、2017年工作安排');
    assert.deepEqual(brief(vs), [
      ['gdp_growth', [6, 6.5], '%', 'range', 'target', '2017'], ['registered_unemployment_rate', 4.2, '%', 'at_most', 'target', '2017'], ['fixed_asset_investment_growth', [null, null], null, 'exact', 'target', '2017'],
    ]);
    assert.match(vs[2]!.note!, /^target stated without a number: /u);
    assert.equal(vs[0]!.valueStdLow, 6);
  });

  test('从2017年的… gives the start level its own year; 突破 covers each item of a list; 五年来 is a span', () => {
    const vs = extract('五年来，地区生产总值从2017年的1.45万亿元接连突破2万亿元、2.5万亿元大关，年均增长约6%。', '一、过去五年工作回顾');
    assert.deepEqual(brief(vs), [
      ['gdp', 1.45, '万亿元', 'exact', 'actual', '2017'], ['gdp', 2, '万亿元', 'more_than', 'actual', '2012-2016'], ['gdp', 2.5, '万亿元', 'more_than', 'actual', '2012-2016'], ['gdp_growth', 6, '%', 'approx', 'actual', '2012-2016'],
    ]);
    assert.equal(vs[0]!.valueStd, 1.45e12);
    assert.equal(vs[0]!.unitStd, 'yuan');
  });

  test('a five-year plan\'s numbers are targets for its years', () => {
    assert.deepEqual(brief(extract('“七五”计划草案规定，五年内国民生产总值增长百分之三十八。', '三、关于第七个五年计划')), [
      ['gnp_growth', 38, '%', 'exact', 'target', '1986-1990'],
    ]);
  });

  test('pages with ASCII punctuation read the same', () => {
    assert.deepEqual(brief(extract('地区生产总值增长6.5%,城镇新增就业91万人,城镇登记失业率3.5%.')), [
      ['gdp_growth', 6.5, '%', 'exact', 'actual', '2016'], ['new_urban_jobs', 91, '万人', 'exact', 'actual', '2016'], ['registered_unemployment_rate', 3.5, '%', 'exact', 'actual', '2016'],
    ]);
  });

  test('traditional characters are recognized, and reported as written', () => {
    const vs = extract('全省地區生產總值增長3.6%，進出口總額達到1500億元。');
    assert.deepEqual(vs.map((v) => [v.indicatorId, v.label, v.value, v.unit, v.valueStd]), [['gdp_growth', '地區生產總值', 3.6, '%', 3.6], ['import_export', '進出口總額', 1500, '億元', 1.5e11]]);
  });

  test('an implausible value is kept out and logged; changes and part-year values are not indicator values', () => {
    assert.deepEqual(brief(extract('地区生产总值增长600%，城乡居民人均可支配收入分别增加8965元和4424元，一季度地区生产总值增长3%。')), []);
  });

  test('the same fact stated twice is one row citing its first statement', () => {
    const vs = extract('城镇新增就业46.46万人。全年城镇新增就业46.46万人。');
    assert.equal(vs.length, 1);
    assert.equal(vs[0]!.sentence, '城镇新增就业46.46万人。');
  });
});

describe('constructed cases (test/fixtures/indicators/cases.jsonl)', () => {
  const cases = readFileSync(join(projectRoot, 'test/fixtures/indicators/cases.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { name: string; title: string; heading: string; text: string; expected: unknown[] });
  for (const c of cases) {
    test(c.name, () => {
      const raw = `${c.title}\n\n${c.heading}\n\n${c.text}\n`;
      const doc = runText(raw, 'c.txt')[0]!;
      const got = doc.data.indicators!.map((v) => [v.indicatorId, v.value ?? [v.valueLow, v.valueHigh], v.unit, v.qualifier, v.status, v.period, v.region]);
      assert.deepEqual(got, c.expected);
    });
  }
});

describe('gold set', () => {
  test('every gold record quotes the normalized text exactly once and names a catalogued indicator', () => {
    const ids = new Set(catalog().indicators.map((i) => i.id));
    for (const id of ['2017-shanxi-government-work-report', '2021-shanxi-government-work-report', '2023-shanxi-government-work-report']) {
      const texts = readFileSync(join(projectRoot, 'test/fixtures/golden', `${id}.jsonl`), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { text: string }).text).join('\n');
      for (const line of readFileSync(join(projectRoot, 'test/gold', `${id}.jsonl`), 'utf8').trim().split('\n')) {
        const g = JSON.parse(line) as { indicator_id: string; quote: string; number: string | null };
        assert.ok(ids.has(g.indicator_id), g.indicator_id);
        assert.equal(texts.split(g.quote).length, 2, `${id}: quote not unique or missing: ${g.quote}`);
        if (g.number !== null) assert.ok(g.quote.includes(g.number), g.quote);
      }
    }
  });

  test('the extractor reaches the targets on the full record: precision >= 0.97, recall >= 0.95', () => {
    const { overall } = evaluate();
    assert.ok(overall.gold >= 200, `only ${overall.gold} gold records`);
    assert.ok(overall.precision >= 0.97, `precision ${overall.precision.toFixed(3)}`);
    assert.ok(overall.recall >= 0.95, `recall ${overall.recall.toFixed(3)}`);
  });
});

describe('catalogue names in a text', () => {
  test('found leftmost and longest first, as a regular expression alternation of the names finds them', async () => {
    const { default: fc } = await import('fast-check');
    const { catalogueNamesIn } = await import('../pipeline/15-indicators.js');
    // The catalogue's names and the compound subjects that name two indicators at once.
    const compound = ['城乡居民人均可支配收入', '城乡居民收入', '城乡居民人均收入'];
    const names = [...new Set([...catalog().indicators.flatMap((i) => [i.name_zh, ...i.aliases]), ...compound])].sort((a, b) => b.length - a.length);
    const alternation = new RegExp(names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')).join('|'), 'gu');
    const reference = (text: string) => [...text.matchAll(alternation)].map((m) => ({ name: m[0], start: m.index, end: m.index + m[0].length }));
    // Pieces of names (so that names overlap, nest and break off) among other characters.
    const piece = fc.oneof(fc.constantFrom(...names), fc.constantFrom(...names).chain((n) => fc.nat(n.length).map((k) => n.slice(0, k))), fc.constantFrom(...'，。的和增长6%😀'));
    fc.assert(fc.property(fc.array(piece, { maxLength: 12 }).map((a) => a.join('')), (text) => assert.deepEqual(catalogueNamesIn(text), reference(text))), { numRuns: 3000 });
  });
});
