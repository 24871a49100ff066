import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Doc } from '../lib/document.js';
import { RawLines } from '../lib/raw-position.js';
import { markdown } from '../pipeline/05-markdown.js';
import { decode } from '../pipeline/01-decode.js';

function run(text: string): Doc {
  const raw = Buffer.from(text, 'utf8');
  const blank: Doc = {
    file: 'case.txt', raw, rawSha256: '', rawBytes: raw.length, rawChars: 0, encoding: '', text: '',
    map: { rawStart: new Int32Array(0), rawEnd: new Int32Array(0) }, meta: null, messages: [], corrections: [], history: [], paragraphs: null, data: {}, rows: null,
  };
  const ctx = { sidecar: null, repair: null, errata: null, lines: new RawLines(raw, 'utf-8') };
  return markdown.run(decode.run(blank, ctx) as Doc, ctx) as Doc;
}

/** Every output unit points at raw bytes holding that same character. */
function assertSelfMapped(d: Doc): void {
  let i = 0;
  for (const ch of d.text) {
    assert.equal(Buffer.from(d.raw.subarray(d.map.rawStart[i]!, d.map.rawEnd[i]!)).toString('utf8'), ch, `unit ${i} of ${JSON.stringify(d.text)}`);
    i += ch.length;
  }
}

describe('markdown', () => {
  test('heading marks of any level are removed, the heading text kept', () => {
    const d = run('# 山西省第十四届人民代表大会\n\n#### 四、全面加强政府自身建设\n正文 #不是标题\n');
    assert.equal(d.text, '山西省第十四届人民代表大会\n\n四、全面加强政府自身建设\n正文 #不是标题\n');
    assert.deepEqual(d.corrections.map((c) => [c.reason, c.before, c.rawStart]), [['markdown/heading-mark', '# ', 0], ['markdown/heading-mark', '#### ', 43]]);
    assertSelfMapped(d);
  });

  test('bold and italic markers are removed in pairs on one line; a lone asterisk stays', () => {
    const d = run('**一、持续加强廉洁政府建设**\n增长*约*6% 和 5*3 以及 __强调__\n');
    assert.equal(d.text, '一、持续加强廉洁政府建设\n增长约6% 和 5*3 以及 强调\n');
    assert.equal(d.corrections.filter((c) => c.reason === 'markdown/emphasis').length, 6);
    assertSelfMapped(d);
  });

  test('a link keeps its label, or its clean address when the label is the (escaped) address', () => {
    const d = run('[来源](https://example.org/a_b)\n[https://www.sxgov.cn/node\\\\_319604.htm](https://www.sxgov.cn/node_319604.htm)\n');
    assert.equal(d.text, '来源\nhttps://www.sxgov.cn/node_319604.htm\n');
    assertSelfMapped(d);
    assert.deepEqual(d.corrections.map((c) => c.before), ['[', '](https://example.org/a_b)', '[https://www.sxgov.cn/node\\\\_319604.htm](', ')']);
  });

  test('backslash escapes lose the backslash; horizontal rules go', () => {
    const d = run('第1\\. 条\\*重点\\*\n---\n下一段\n');
    assert.equal(d.text, '第1. 条*重点*\n\n下一段\n');
    assert.deepEqual(d.corrections.map((c) => c.reason), ['markdown/escape', 'markdown/escape', 'markdown/escape', 'markdown/rule']);
  });

  test('plain Chinese text passes through untouched', () => {
    const text = '各位代表：\n　　现在，我代表省人民政府向大会报告工作。\n';
    const d = run(text);
    assert.equal(d.text, text);
    assert.equal(d.corrections.length, 0);
  });
});
