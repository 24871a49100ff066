import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Doc } from '../lib/document.js';
import { markdown } from '../pipeline/05-markdown.js';
import { decode } from '../pipeline/01-decode.js';
import { assertProvenance, runText } from './helpers.js';

const run = (text: string): Doc => runText(text, 'case.txt', [decode, markdown])[0]!;

describe('markdown', () => {
  test('heading marks of any level are removed, the heading text kept', () => {
    const d = run('# 山西省第十四届人民代表大会\n\n#### 四、全面加强政府自身建设\n正文 #不是标题\n');
    assert.equal(d.text, '山西省第十四届人民代表大会\n\n四、全面加强政府自身建设\n正文 #不是标题\n');
    assert.deepEqual(d.corrections.map((c) => [c.reason, c.before, c.rawStart]), [['markdown/heading-mark', '# ', 0], ['markdown/heading-mark', '#### ', 43]]);
    assertProvenance(d);
  });

  test('bold and italic markers are removed in pairs on one line; a lone asterisk stays', () => {
    const d = run('**一、持续加强廉洁政府建设**\n增长*约*6% 和 5*3 以及 __强调__\n');
    assert.equal(d.text, '一、持续加强廉洁政府建设\n增长约6% 和 5*3 以及 强调\n');
    assert.equal(d.corrections.filter((c) => c.reason === 'markdown/emphasis').length, 6);
    assertProvenance(d);
  });

  test('a link keeps its label, or its clean address when the label is the (escaped) address', () => {
    const d = run('[来源](https://example.org/a_b)\n[https://www.sxgov.cn/node\\\\_319604.htm](https://www.sxgov.cn/node_319604.htm)\n');
    assert.equal(d.text, '来源\nhttps://www.sxgov.cn/node_319604.htm\n');
    assertProvenance(d);
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
