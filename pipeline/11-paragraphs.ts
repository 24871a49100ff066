/**
 * Stage 11, paragraphs: each non-blank line is a paragraph (the sources put one paragraph on a
 * line; blank lines are layout). Leading and trailing whitespace, including ideographic-space
 * indentation, is trimmed; the raw range covers exactly the characters kept.
 */
import type { Paragraph, Stage } from '../lib/document.js';
import { withStage } from '../lib/document.js';
import { flatten, rawRange } from '../lib/offset-map.js';

const LINE = /[^\n]+/gu;
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
    for (const m of doc.text.matchAll(LINE)) {
      const line = m[0];
      const trimmed = line.replace(EDGE_SPACE, '');
      if (trimmed === '') continue;
      const start = m.index + line.search(/[^\s\uFEFF]/u);
      const end = start + trimmed.length;
      const [rawStart, rawEnd] = rawRange(map, start, end, doc.raw.length);
      out.push({ ordinal: out.length + 1, text: trimmed, rawStart, rawEnd, textStart: start });
    }
    return withStage(doc, this, { paragraphs: out, map });
  },
};
