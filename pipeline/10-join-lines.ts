/**
 * Stage 10, join-lines: a page break (a blank line) can cut a sentence, or a number, in two:
 * `…延续稳定恢复` / `态势。…`, `…支出15.87` / `亿元。`. A line that does not end a sentence and
 * is not a heading is joined with the next line after the break. A heading never joins, and
 * nothing joins onto a numbered heading or a speaker marker.
 */
import type { Stage } from '../lib/document.js';
import { withStage } from '../lib/document.js';
import { endsSentence } from '../lib/chars.js';
import { looksLikeHeading, numberedLevel } from '../lib/headings.js';
import { correctionsFrom } from '../lib/messages.js';
import { applyEdits, type Edit } from '../lib/offset-map.js';

// A line, then a break holding at least one blank line, then the next line.
const BREAK = /[^\n]+(\n[^\S\n]*\n\s*)(?=[^\n])/gu;

export function shouldJoin(before: string, after: string): boolean {
  if (endsSentence(before) || looksLikeHeading(before)) return false;
  if (numberedLevel(after) !== null || /^[【[]/u.test(after) || /^https?:/u.test(after)) return false;
  return true;
}

export const joinLines: Stage = {
  name: 'join-lines',
  version: '1',
  run(doc) {
    const edits: Edit[] = [];
    const text = doc.text;
    BREAK.lastIndex = 0;
    for (let m = BREAK.exec(text); m; m = BREAK.exec(text)) {
      const gapStart = m.index + m[0].length - m[1]!.length;
      const gapEnd = m.index + m[0].length;
      const nextEnd = text.indexOf('\n', gapEnd);
      const next = text.slice(gapEnd, nextEnd < 0 ? text.length : nextEnd);
      const before = m[0].slice(0, m[0].length - m[1]!.length);
      if (shouldJoin(before, next)) edits.push({ start: gapStart, end: gapEnd, text: '', reason: 'layout/page-break-join' });
      BREAK.lastIndex = gapEnd; // the next line starts the next match
    }
    const result = applyEdits(text, doc.map, edits, doc.raw.length);
    return withStage(doc, this, { text: result.text, map: result.map, corrections: [...doc.corrections, ...correctionsFrom(this.name, result.applied)] });
  },
};
