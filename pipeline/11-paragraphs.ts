/**
 * Stage 11, paragraphs: each non-blank line is a paragraph (the sources put one paragraph on a
 * line; blank lines are layout). Leading and trailing whitespace, including ideographic-space
 * indentation, is trimmed; the raw range covers exactly the characters kept.
 */
import type { Paragraph, Stage } from '../lib/document.js';
import { withStage } from '../lib/document.js';
import { isSpaceUnit } from '../lib/chars.js';
import { flatten, rawRange } from '../lib/offset-map.js';
import { forEachLine } from '../lib/lines.js';

// \s covers U+3000 IDEOGRAPHIC SPACE and U+00A0; U+FEFF is not whitespace but is layout here.
const EDGE_SPACE = /^[\s\uFEFF]+|[\s\uFEFF]+$/gu;

export const paragraphs: Stage = {
  name: 'paragraphs',
  version: '1',
  run(doc) {
    const out: Paragraph[] = [];
    // The text is final from here on and every number in it will ask the map for its bytes: one
    // flat map instead of the layers of the editing stages.
    const map = flatten(doc.map);
    const text = doc.text;
    forEachLine(text, (lineStart, lineEnd) => {
      let start = lineStart;
      let trimmed: string;
      // Earlier stages leave most lines without edge space: the trim is then the line itself.
      if (!isSpaceUnit(text.charCodeAt(lineStart)) && !isSpaceUnit(text.charCodeAt(lineEnd - 1))) trimmed = text.slice(lineStart, lineEnd);
      else {
        const line = text.slice(lineStart, lineEnd);
        trimmed = line.replace(EDGE_SPACE, '');
        start = lineStart + line.search(/[^\s\uFEFF]/u);
      }
      if (trimmed !== '') {
        const end = start + trimmed.length;
        const [rawStart, rawEnd] = rawRange(map, start, end, doc.raw.length);
        out.push({ ordinal: out.length + 1, text: trimmed, rawStart, rawEnd, textStart: start });
      }
    });
    return withStage(doc, this, { paragraphs: out, map });
  },
};
