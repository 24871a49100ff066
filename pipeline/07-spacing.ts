/**
 * Stage 7, spacing: Chinese is written without spaces, so whitespace that touches a CJK character
 * or CJK punctuation is layout or word segmentation, not text: `2016 年` → `2016年`,
 * `“ 一个 指引 ”` → `“一个指引”`, `— —` → `——`, `（ PPP ）` → `（PPP）`. Indentation (ideographic
 * spaces) and trailing whitespace go too. Whitespace between two Latin words or numbers is text
 * and stays, as one space; around symbols between numbers (`2 - 3`, `1 + 1`) it goes. Changes
 * are logged one correction per line.
 */
import type { Stage } from '../lib/document.js';
import { withEdits } from '../lib/edits.js';
import { CJK } from '../lib/chars.js';
import type { Edit } from '../lib/offset-map.js';
import { warmUp } from '../lib/warm-up.js';
import { matchesOf } from '../lib/lines.js';

// Whitespace other than line breaks; \s covers U+3000 and U+00A0. U+FEFF counts as space here.
const SPACE_RUN = /[^\S\n]+|\uFEFF+/gu;
const LATIN = /^\p{Script=Latin}$/u;
const ALNUM = /^[\p{Script=Latin}0-9]$/u;
const SENTENCE_PUNCT = /^[,.;:!?)\]'"]$/u;

/**
 * Between two non-CJK characters a space is text only where Latin writing puts one: between two
 * words, or a word and a number (`GDP growth`, `Article 5`), or after a sentence mark before a word
 * (`said, The`). Elsewhere it is segmentation: `2 - 3`, `1 + 1`, `3 : 53`, `6.5 %`.
 */
function spaceIsText(left: string, right: string): boolean {
  // Digits on both sides are one number cut by segmentation (12345 as 123 45), not two numbers.
  if (/[0-9]/u.test(left) && /[0-9]/u.test(right)) return false;
  if (ALNUM.test(left) && ALNUM.test(right)) return true;
  return SENTENCE_PUNCT.test(left) && LATIN.test(right);
}

function charBefore(text: string, i: number): string {
  if (i <= 0) return '';
  const c = text.charCodeAt(i - 1);
  return c >= 0xdc00 && c <= 0xdfff && i >= 2 ? text.slice(i - 2, i) : text[i - 1]!;
}

function charAfter(text: string, i: number): string {
  const cp = text.codePointAt(i);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

export function spacingEdits(text: string): Edit[] {
  const edits: Edit[] = [];
  for (const m of matchesOf(SPACE_RUN, text)) {
    const start = m.index;
    const end = start + m[0].length;
    // Line starts and ends are decided on the units, before making the characters around the run.
    if (start === 0 || text.charCodeAt(start - 1) === 0x0a) edits.push({ start, end, text: '', reason: 'spacing/indent' });
    else if (end === text.length || text.charCodeAt(end) === 0x0a) edits.push({ start, end, text: '', reason: 'spacing/trailing' });
    else {
      const left = charBefore(text, start);
      const right = charAfter(text, end);
      if (CJK.test(left) || CJK.test(right)) edits.push({ start, end, text: '', reason: 'spacing/cjk' });
      else if (!spaceIsText(left, right)) edits.push({ start, end, text: '', reason: 'spacing/symbol' });
      else if (m[0] !== ' ') edits.push({ start, end, text: ' ', reason: 'spacing/collapse' });
    }
  }
  return edits;
}

// Every rule, the rare ones included.
warmUp(3, () => spacingEdits(' 缩进\n行尾 \n中 文\n2 - 3\nGDP  growth\nsaid, The\na b\n\uFEFF中\n12 34\n𠀀 x'));

export const spacing: Stage = {
  name: 'spacing',
  version: '1',
  run(doc) {
    return withEdits(doc, this, spacingEdits(doc.text), { log: 'by-line' });
  },
};
