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

const isAsciiOrFullwidthDigit = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0xff10 && c <= 0xff19);
const isGap = (c: number) => c === 0x20 || c === 0x3000;

/**
 * Where NUMBER_PUNCT matches, as matchAll finds it: it matches one unit, a fullwidth point or
 * percent sign, so only those are looked at (found natively by indexOf), and its lookarounds
 * are a few comparisons of the units beside them.
 */
export function numberPunctuation(text: string): number[] {
  const at: number[] = [];
  const unit = (i: number) => (i >= 0 ? text.charCodeAt(i) : NaN);
  for (let i = text.indexOf('．'); i >= 0; i = text.indexOf('．', i + 1)) {
    const digitBefore = isAsciiOrFullwidthDigit(unit(i - 1)) || (isGap(unit(i - 1)) && isAsciiOrFullwidthDigit(unit(i - 2)));
    const digitAfter = isAsciiOrFullwidthDigit(unit(i + 1)) || (isGap(unit(i + 1)) && isAsciiOrFullwidthDigit(unit(i + 2)));
    if (digitBefore && digitAfter) at.push(i);
  }
  for (let i = text.indexOf('％'); i >= 0; i = text.indexOf('％', i + 1)) if (isAsciiOrFullwidthDigit(unit(i - 1))) at.push(i);
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
