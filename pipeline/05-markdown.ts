/**
 * Stage 5, markdown: remove markdown markup that web copies of the texts carry (heading marks,
 * bold/italic markers, link syntax, backslash escapes, horizontal rules), keeping the words.
 * Every removal is a logged correction. Heading levels are not trusted (they are inconsistent in
 * real sources); structure comes from the numbering in a later stage.
 */
import type { Stage } from '../lib/document.js';
import { withEdits } from '../lib/edits.js';
import { rawStartAt, type Edit } from '../lib/offset-map.js';
import { matchesOf } from '../lib/lines.js';

const HEADING_MARK = /^[ \t]{0,3}(#{1,6})[ \t]+/gmu;
const RULE_LINE = /^[ \t]*(?:-[ \t]*){3,}$|^[ \t]*(?:\*[ \t]*){3,}$|^[ \t]*(?:_[ \t]*){3,}$/gmu;
// Emphasis markers must pair up on one line around non-blank text.
const EMPHASIS = /(\*\*|__)(?=\S)([^\n]*?\S)\1|(?<![*\w\\])\*(?=[^\s*])([^\n*]*?[^\s*])\*(?!\*)/gu;
const LINK = /\[([^\]\n]*)\]\(([^)\s]+)(?:\s+"[^"\n]*")?\)/gu;
const ESCAPE = /\\+([!-/:-@[-`{-~])/gu;

const unescape = (s: string) => s.replace(ESCAPE, '$1');

export const markdown: Stage = {
  name: 'markdown',
  version: '1',
  run(doc) {
    const text = doc.text;
    const edits: Edit[] = [];
    // Earlier rules win where markup overlaps (a link's label may hold escapes); a mask keeps
    // the check linear in the text length.
    // Made on the first edit: most texts hold no markdown at all.
    let mask: Uint8Array | null = null;
    const taken = () => (mask ??= new Uint8Array(text.length));
    const free = (s: number, e: number) => mask === null || mask.subarray(s, e).every((t) => t === 0);
    const add = (edit: Edit) => {
      if (!free(edit.start, edit.end)) return;
      edits.push(edit);
      taken().fill(1, edit.start, edit.end);
    };
    // Whether the text holds a needle, asked once per needle (several rules share one) and not at
    // all for a doubled mark when the single one is missing: each question scans the whole text.
    const holds = new Map<string, boolean>();
    const has = (needle: string): boolean => {
      let found = holds.get(needle);
      if (found === undefined) {
        found = needle.length === 2 && needle[0] === needle[1] && !has(needle[0]!) ? false : text.includes(needle);
        holds.set(needle, found);
      }
      return found;
    };
    // The needles are asked here, through `has`, not by matchesOf again.
    const matches = (re: RegExp, ...needles: string[]) => (needles.some(has) ? matchesOf(re, text) : []);

    for (const m of matches(LINK, '](')) {
      const label = unescape(m[1]!);
      const start = m.index;
      const end = start + m[0].length;
      if (!free(start, end)) continue;
      const targetStart = start + m[1]!.length + 3; // after "[label]("
      const targetEnd = targetStart + m[2]!.length;
      // Keep the words in place so they map to their own bytes: the label, or the address when
      // the label is only the address again (escaped or not) or empty.
      const keepTarget = label === '' || /^https?:\/\//u.test(label);
      const keep: [number, number] = keepTarget ? [targetStart, targetEnd] : [start + 1, start + 1 + m[1]!.length];
      edits.push({ start, end: keep[0], text: '', reason: 'markdown/link' });
      edits.push({ start: keep[1], end, text: '', reason: 'markdown/link' });
      taken().fill(1, start, keep[0]);
      taken().fill(1, keep[1], end);
      // An escape inside a kept label is still removed below; inside a dropped part it is gone.
    }
    for (const m of matches(HEADING_MARK, '#')) {
      add({ start: m.index, end: m.index + m[0].length, text: '', reason: 'markdown/heading-mark' });
    }
    for (const m of matches(RULE_LINE, '-', '*', '_')) {
      if (m[0].length > 0) add({ start: m.index, end: m.index + m[0].length, text: '', reason: 'markdown/rule' });
    }
    // Escapes before emphasis: an escaped asterisk is a character, not a marker.
    for (const m of matches(ESCAPE, '\\')) {
      add({ start: m.index, end: m.index + m[0].length, text: m[1]!, reason: 'markdown/escape' });
    }
    for (const m of matches(EMPHASIS, '*', '__')) {
      const marker = m[1] ?? '*';
      const start = m.index;
      const end = start + m[0].length;
      if (!free(start, end)) continue;
      add({ start, end: start + marker.length, text: '', reason: 'markdown/emphasis' });
      add({ start: end - marker.length, end, text: '', reason: 'markdown/emphasis' });
    }
    // Lines marked up as headings tell the structure stage where unnumbered headings are.
    const headings: number[] = [];
    for (const m of matches(HEADING_MARK, '#')) headings.push(rawStartAt(doc.map, m.index + m[0].length, 0));
    for (const m of matches(/^[ \t]*(\*\*|__)(?=\S)[^\n]*\S\1[ \t]*$/gmu, '**', '__')) {
      headings.push(rawStartAt(doc.map, m.index + m[0].search(/\S/u) + m[1]!.length, 0));
    }
    return withEdits(doc, this, edits, { changes: { data: { ...doc.data, markupHeadings: headings.sort((a, b) => a - b) } } });
  },
};
