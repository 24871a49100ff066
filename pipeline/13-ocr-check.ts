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

const CHECKS: Array<{ rule: string; re: RegExp; reason: string }> = [
  { rule: 'ocr/tripled-character', re: /(\p{Script=Han})\1\1+/gu, reason: 'a character three or more times in a row' },
  { rule: 'ocr/doubled-word', re: /(\p{Script=Han}{2})\1/gu, reason: 'a two-character word twice in a row' },
  // \p{Cc} without the line feed, which ends every paragraph: no match per line to throw away.
  { rule: 'ocr/implausible-character', re: /[\uFFFD\p{Co}\p{Cn}\0-\x09\x0B-\x1F\x7F-\x9F]/gu, reason: 'a character that does not belong in clean text' },
];

export const ocrCheck: Stage = {
  name: 'ocr-check',
  version: '1',
  run(doc, ctx) {
    const messages: Message[] = [];
    // The paragraphs are the trimmed lines of the text, so checking the text with its offset map
    // gives exact raw positions.
    for (const check of CHECKS) {
      for (const m of doc.text.matchAll(check.re)) {
        const [rawStart, rawEnd] = rawRange(doc.map, m.index, m.index + m[0].length, doc.raw.length);
        messages.push(message(doc, ctx, { severity: 'warning', stage: this.name, rule: check.rule, reason: check.reason, rawStart, rawEnd, found: m[0] }));
      }
    }
    return withStage(doc, this, { messages: [...doc.messages, ...messages] });
  },
};
