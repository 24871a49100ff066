/**
 * Stage 6, width: fullwidth digits and Latin letters become ASCII (２０２１ → 2021, ＧＤＰ → GDP),
 * and so do a fullwidth point between digits and a fullwidth percent sign after a digit, so numbers
 * read as numbers. CJK punctuation stays CJK punctuation. Each run of changes is one correction.
 */
import type { Stage } from '../lib/document.js';
import { withEdits } from '../lib/edits.js';
import type { Edit } from '../lib/offset-map.js';

const FULLWIDTH_ALNUM = /[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/gu;
// After the letters and digits are ASCII: a fullwidth point or percent that belongs to a number.
// (Old typesetting puts spaces around the point: 2 ．5亿千瓦.)
export const NUMBER_PUNCT = /(?<=[0-9０-９][ \u3000]?)．(?=[ \u3000]?[0-9０-９])|(?<=[0-9０-９])％/gu;

const NUMBER_PUNCT_AT = new RegExp(NUMBER_PUNCT.source, 'uy');

/**
 * Where NUMBER_PUNCT matches, as matchAll finds it: it matches one unit, a fullwidth point or
 * percent sign, so only those are tried (found natively by indexOf), instead of running the
 * lookbehinds at every unit of the text.
 */
export function numberPunctuation(text: string): number[] {
  const at: number[] = [];
  for (const mark of ['．', '％']) {
    for (let i = text.indexOf(mark); i >= 0; i = text.indexOf(mark, i + 1)) {
      NUMBER_PUNCT_AT.lastIndex = i;
      if (NUMBER_PUNCT_AT.test(text)) at.push(i);
    }
  }
  return at.sort((a, b) => a - b);
}

const toAscii = (ch: string) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0);

export const width: Stage = {
  name: 'width',
  version: '1',
  run(doc) {
    const edits: Edit[] = [];
    for (const m of doc.text.matchAll(FULLWIDTH_ALNUM)) edits.push({ start: m.index, end: m.index + 1, text: toAscii(m[0]), reason: 'width/fullwidth' });
    for (const i of numberPunctuation(doc.text)) edits.push({ start: i, end: i + 1, text: toAscii(doc.text[i]!), reason: 'width/fullwidth' });
    return withEdits(doc, this, edits, { log: 'by-line' });
  },
};
