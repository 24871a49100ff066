/**
 * Stage 2, unicode: drop the byte-order mark, turn CRLF and lone CR into LF, and compose to NFC.
 * Each change is a range edit; the BOM and every NFC change are logged as corrections, line
 * endings as one summary message (one row per line ending would bury the real corrections).
 */
import type { Stage } from '../lib/document.js';
import { withEdits } from '../lib/edits.js';
import { message } from '../lib/messages.js';
import type { Edit } from '../lib/offset-map.js';

// A starter followed by its combining marks: the smallest span NFC can change on its own.
const CLUSTER = /\P{M}\p{M}*|\p{M}+/gsu;

export const unicode: Stage = {
  name: 'unicode',
  version: '1',
  run(doc, ctx) {
    const edits: Edit[] = [];
    const text = doc.text;
    if (text.startsWith('\uFEFF')) edits.push({ start: 0, end: 1, text: '', reason: 'unicode/bom' });
    let lineEndings = 0;
    for (const m of text.includes('\r') ? text.matchAll(/\r\n?/g) : []) {
      edits.push({ start: m.index, end: m.index + m[0].length, text: '\n', reason: 'unicode/line-ending' });
      lineEndings++;
    }
    if (text.normalize('NFC') !== text) {
      for (const m of text.matchAll(CLUSTER)) {
        if (m[0].includes('\r')) continue;
        const nfc = m[0].normalize('NFC');
        if (nfc !== m[0]) edits.push({ start: m.index, end: m.index + m[0].length, text: nfc, reason: 'unicode/nfc' });
      }
    }
    const messages = [...doc.messages];
    if (lineEndings > 0) {
      messages.push(
        message(doc, ctx, { severity: 'info', stage: this.name, rule: 'unicode/line-ending', reason: `${lineEndings} CRLF or CR line endings turned into LF`, rawStart: 0, rawEnd: 0 }),
      );
    }
    // Line endings are summed up in one message; every other change is a correction.
    return withEdits(doc, this, edits, { logged: (a) => a.reason !== 'unicode/line-ending', changes: { messages } });
  },
};
