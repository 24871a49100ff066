/**
 * Stage 10, join-lines: a page break (a blank line) can cut a sentence, or a number, in two:
 * `…延续稳定恢复` / `态势。…`, `…支出15.87` / `亿元。`. A line that does not end a sentence and
 * is not a heading is joined with the next line after the break. A heading never joins, and
 * nothing joins onto a numbered heading or a speaker marker.
 */
import type { Stage } from '../lib/document.js';
import { withEdits } from '../lib/edits.js';
import { endsSentence, isSpaceUnit } from '../lib/chars.js';
import { looksLikeHeading, numberedLevel } from '../lib/headings.js';
import type { Edit } from '../lib/offset-map.js';

// A break holding at least one blank line. Lines are walked by hand: a regular expression that
// matched "line, break, line" would rescan a long line from every position (quadratic).
const BREAK = /\n[^\S\n]*\n\s*/uy;

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
    let lineStart = 0;
    while (lineStart < text.length) {
      const lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd < 0) break;
      // A break needs whitespace right after the line feed: most lines are followed by text.
      const gap = isSpaceUnit(text.charCodeAt(lineEnd + 1)) ? ((BREAK.lastIndex = lineEnd), BREAK.exec(text)) : null;
      if (!gap) {
        lineStart = lineEnd + 1;
        continue;
      }
      const gapEnd = lineEnd + gap[0].length;
      if (gapEnd >= text.length) break;
      const nextEnd = text.indexOf('\n', gapEnd);
      const before = text.slice(lineStart, lineEnd);
      const next = text.slice(gapEnd, nextEnd < 0 ? text.length : nextEnd);
      if (before.trim() !== '' && shouldJoin(before, next)) edits.push({ start: lineEnd, end: gapEnd, text: '', reason: 'layout/page-break-join' });
      lineStart = gapEnd;
    }
    return withEdits(doc, this, edits);
  },
};
