/**
 * The numbering Chinese official documents use for their structure (GB/T 9704): 一、 is level 1,
 * （一） level 2, 1. or 1、 level 3, （1） level 4; item markers (一是, 二要, ——) lead a paragraph
 * without opening a section.
 */
import { codePointLength } from './chars.js';

const NUMERAL = '[一二三四五六七八九十百零〇两]{1,4}';
export const NUMBERED: Array<[RegExp, number]> = [
  [new RegExp(`^${NUMERAL}、`, 'u'), 1],
  [/^第[一二三四五六七八九十]{1,3}(?:部分|章|篇)/u, 1],
  [new RegExp(`^[（(]${NUMERAL}[）)]`, 'u'), 2],
  [/^\d{1,2}(?:[.．](?!\d)|、)/u, 3],
  [/^[（(]\d{1,2}[）)]/u, 4],
];
export const ITEM = new RegExp(`^(?:${NUMERAL}(?:是|要)|——)`, 'u');

// Every numbering above starts with one of these: a numeral, 第, an opening parenthesis, a digit.
const NUMBERING_STARTS = new Set('一二三四五六七八九十百零〇两第（(0123456789');

/** Level of the numbering a paragraph starts with, or null. */
export function numberedLevel(text: string): number | null {
  // Most paragraphs start otherwise: one lookup instead of five patterns.
  if (!NUMBERING_STARTS.has(text.charAt(0))) return null;
  for (const [re, level] of NUMBERED) if (re.test(text)) return level;
  return null;
}

/**
 * A standalone line that titles what follows, without numbering: newspaper subheads are short,
 * at most two balanced clauses (煤基产业添绿色，“六新”布局发新芽), and hold no sentence or list
 * punctuation. A line cut by a page break (…风光发电装机容量位) usually fails one of these.
 */
export function looksLikeSubheading(line: string): boolean {
  return (
    codePointsAtMost(line, 24) &&
    !/[。！？；：:、…!?;]/u.test(line) &&
    (line.match(/[，,]/gu) ?? []).length <= 1 &&
    !/[，,.]$/u.test(line) &&
    !/^https?:/u.test(line)
  );
}

/** A line that may be a heading of either kind: numbered and short, or a subhead. */
export function looksLikeHeading(line: string): boolean {
  if (codePointsAtMost(line, 50) && numberedLevel(line) !== null) return true;
  return looksLikeSubheading(line);
}

/**
 * Whether `s` holds at most `max` code points, without spreading it: most paragraphs are far
 * longer than a heading, and a code point is one or two units, so the length often decides.
 */
export function codePointsAtMost(s: string, max: number): boolean {
  if (s.length <= max) return true;
  return s.length <= 2 * max && codePointLength(s) <= max;
}
