import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listSources } from '../pipeline/00-sources.js';
import { spacingEdits } from '../pipeline/07-spacing.js';
import { processSource } from '../pipeline/runner.js';
import { RAW } from './helpers.js';

/** Apply the spacing stage's edits to a plain string. */
function respace(text: string): string {
  let out = '';
  let at = 0;
  for (const e of spacingEdits(text)) {
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

describe('spacing', () => {
  test('whitespace touching CJK characters or CJK punctuation goes (the cases of 003)', () => {
    const cases: Array<[string, string]> = [
      ['2016 年 ， 是 充满 挑战 的 一年', '2016年，是充满挑战的一年'],
      ['按照 “ 一个 指引 、 两手硬 ” 重大 思路', '按照“一个指引、两手硬”重大思路'],
      ['— — 坚定 推进 煤炭 钢铁 去 产能 。', '——坚定推进煤炭钢铁去产能。'],
      ['增长 4.5% 左右 ， 低于 预期 1.5 个 百分点', '增长4.5%左右，低于预期1.5个百分点'],
      ['政府 和 社会资本 合作 （ PPP ） 项目', '政府和社会资本合作（PPP）项目'],
      ['　　现在，我代表省人民政府', '现在，我代表省人民政府'],
      ['细 颗粒物 （ PM2.5 ） 平均 浓度', '细颗粒物（PM2.5）平均浓度'],
    ];
    for (const [input, expected] of cases) assert.equal(respace(input), expected, input);
  });

  test('whitespace between Latin words, or a word and a number, stays as one space; segmentation around symbols and digits goes', () => {
    assert.equal(respace('the Government Work Report  2021 国务院 GDP growth'), 'the Government Work Report 2021国务院GDP growth');
    assert.equal(respace('热线 123 45 和 7 × 24 小时'), '热线12345和7×24小时');
    assert.equal(respace('增长 6.5 % 左右'), '增长6.5%左右');
    assert.equal(respace('Li Keqiang said “ 稳中求进 ”.'), 'Li Keqiang said“稳中求进”.');
    assert.equal(respace('He said, The plan  works: 3 : 53 and 2 - 3 and “1 + N”'), 'He said, The plan works:3:53 and 2-3 and“1+N”');
  });

  test('de-segmentation is general: Intl.Segmenter words of the unsegmented sources, spaced, come back exactly', () => {
    const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
    const unsegmented = listSources(RAW).filter((s) => !s.file.startsWith('003_')).flatMap((s) => processSource(s));
    const failures: string[] = [];
    let total = 0;
    for (const doc of unsegmented) {
      for (const p of doc.paragraphs!) {
        total++;
        const spaced = [...segmenter.segment(p.text)].map((s) => s.segment).join(' ');
        const back = respace(spaced);
        if (back !== p.text) failures.push(`${doc.meta!.id} #${p.ordinal}: ${JSON.stringify(spaced.slice(0, 80))} -> ${JSON.stringify(back.slice(0, 80))}`);
      }
    }
    const rate = 1 - failures.length / total;
    if (failures.length) console.log(`de-segmentation failures (${failures.length} of ${total}):\n${failures.join('\n')}`);
    assert.ok(total > 400, `only ${total} paragraphs`);
    assert.ok(rate >= 0.995, `only ${(rate * 100).toFixed(2)}% of ${total} paragraphs come back exactly:\n${failures.join('\n')}`);
  });
});
