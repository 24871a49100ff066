/**
 * Stage 13, ocr-check: flags what looks like a misreading without changing the text: a character
 * three times in a row (晋晋晋), a two-character word doubled (批示批示), and characters that do
 * not belong in clean text (U+FFFD, private use, controls, unassigned code points). Warnings go to
 * the log with their position; a person decides, and a shown misreading goes to the errata file.
 */
import type { Message, Stage } from '../lib/document.js';
import { withStage } from '../lib/document.js';
import { message } from '../lib/messages.js';
import { rawRange } from '../lib/offset-map.js';
import { HAN_FLOOR } from '../lib/chars.js';
import { warmUp } from '../lib/warm-up.js';

export const CHECKS: Array<{ rule: string; re: RegExp; reason: string }> = [
  { rule: 'ocr/tripled-character', re: /(\p{Script=Han})\1\1+/gu, reason: 'a character three or more times in a row' },
  { rule: 'ocr/doubled-word', re: /(\p{Script=Han}{2})\1/gu, reason: 'a two-character word twice in a row' },
  // \p{Cc} without the line feed, which ends every paragraph: no match per line to throw away.
  { rule: 'ocr/implausible-character', re: /[\uFFFD\p{Co}\p{Cn}\0-\x09\x0B-\x1F\x7F-\x9F]/gu, reason: 'a character that does not belong in clean text' },
];
const [TRIPLED, DOUBLED, IMPLAUSIBLE] = CHECKS.map((c) => new RegExp(c.re.source, 'uy')) as [RegExp, RegExp, RegExp];

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isSurrogate = (c: number) => c >= 0xd800 && c <= 0xdfff;

/** One flag per BMP unit outside the surrogates: is that character implausible on its own? */
let implausibleBmp: Uint8Array | null = null;
function implausibleTable(): Uint8Array {
  if (implausibleBmp) return implausibleBmp;
  const whole = new RegExp(`^${IMPLAUSIBLE.source}$`, 'u');
  const table = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) if (!isSurrogate(c) && whole.test(String.fromCharCode(c))) table[c] = 1;
  // The scan skips the table for the CJK Unified Ideographs block: it must hold no flag.
  if (table.subarray(0x4e00, 0xa000).some((f) => f === 1)) throw new Error('an implausible character among the unified ideographs: the ocr-check scan must look them up');
  return (implausibleBmp = table);
}

export interface Suspect {
  index: number;
  text: string;
}

/**
 * Each check's matches, as `text.matchAll(check.re)` finds them, match for match, in one pass
 * instead of three regular expression scans (which cost a twentieth of a build). A pattern is
 * tried, anchored, only where a test of a few code units says it could start; the test holds
 * wherever the pattern matches, so nothing is missed, and the pattern decides, so nothing is added.
 */
export function ocrSuspects(text: string): Suspect[][] {
  const implausible = implausibleTable();
  // A local, not the imported binding, which the compiled loop would read from the module on
  // every unit.
  const floor = HAN_FLOOR;
  const found: Suspect[][] = [[], [], []];
  // Where each check's previous match ended: matchAll starts the next one no earlier.
  let tripledFrom = 0;
  let doubledFrom = 0;
  let implausibleFrom = 0;
  const n = text.length;
  // c0..c3 are the units at i..i+3 (-1 past the end, as small integers keep the loop fast), read
  // once each as the window slides.
  let c1 = n > 0 ? text.charCodeAt(0) : -1;
  let c2 = n > 1 ? text.charCodeAt(1) : -1;
  let c3 = n > 2 ? text.charCodeAt(2) : -1;
  for (let i = 0; i < n; i++) {
    const c0 = c1;
    c1 = c2;
    c2 = c3;
    c3 = i + 3 < n ? text.charCodeAt(i + 3) : -1;
    if (c0 >= floor) {
      if (c0 >= 0xd800 && c0 <= 0xdfff) {
        // With the u flag a match starts at a code point boundary, never inside a pair.
        if (c0 >= 0xdc00 && i > 0 && isHigh(text.charCodeAt(i - 1))) continue;
      } else if (c1 !== c0 && !isSurrogate(c1) && (c2 !== c0 || c3 !== c1)) {
        // Two BMP characters that do not repeat at once (nearly every position): neither
        // pattern starts here. The ideographs' block holds no implausible character.
        if ((c0 < 0x4e00 || c0 > 0x9fff) && i >= implausibleFrom && implausible[c0] === 1) implausibleFrom = tryAt(found[2]!, IMPLAUSIBLE, text, i, implausibleFrom);
        continue;
      }
      // Tripled: a BMP unit three times, or an astral pair whose high half recurs at i+2, i+4.
      if (i >= tripledFrom && ((c1 === c0 && c2 === c0) || (isHigh(c0) && c2 === c0 && i + 4 < n && text.charCodeAt(i + 4) === c0))) tripledFrom = tryAt(found[0]!, TRIPLED, text, i, tripledFrom);
      // Doubled word: two BMP characters repeat two units on; with a surrogate the pattern decides.
      if (i >= doubledFrom && (isSurrogate(c0) || isSurrogate(c1) || (c2 === c0 && c3 === c1))) doubledFrom = tryAt(found[1]!, DOUBLED, text, i, doubledFrom);
    }
    if (i >= implausibleFrom && (isSurrogate(c0) || implausible[c0] === 1)) implausibleFrom = tryAt(found[2]!, IMPLAUSIBLE, text, i, implausibleFrom);
  }
  return found;
}

/** Try the anchored pattern at i; returns where the next match may start. */
function tryAt(found: Suspect[], re: RegExp, text: string, i: number, from: number): number {
  re.lastIndex = i;
  const m = re.exec(text);
  if (!m) return from;
  found.push({ index: i, text: m[0] });
  return i + m[0].length;
}

export const ocrCheck: Stage = {
  name: 'ocr-check',
  version: '1',
  run(doc, ctx) {
    const messages: Message[] = [];
    // The paragraphs are the trimmed lines of the text, so checking the text with its offset map
    // gives exact raw positions.
    ocrSuspects(doc.text).forEach((matches, k) => {
      const check = CHECKS[k]!;
      for (const m of matches) {
        const [rawStart, rawEnd] = rawRange(doc.map, m.index, m.index + m.text.length, doc.raw.length);
        messages.push(message(doc, ctx, { severity: 'warning', stage: this.name, rule: check.rule, reason: check.reason, rawStart, rawEnd, found: m.text }));
      }
    });
    return withStage(doc, this, { messages: [...doc.messages, ...messages] });
  },
};

// Every kind of suspect.
warmUp(3, () => ocrSuspects('晋晋晋批示批示\uFFFD\x01𠀀𠀀𠀀𠀀𠀁𠀀𠀁中文abc\ue000\n'));
