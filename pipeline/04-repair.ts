/**
 * Stage 4, repair: the source's declarative repair file (raw/NAME.repair.json) removes what no
 * general rule can recognize, such as a web page's live-broadcast notice. Each step quotes the
 * exact text it expects; a quote that no longer matches fails the build.
 */
import type { Stage } from '../lib/document.js';
import { withEdits } from '../lib/edits.js';
import type { Edit } from '../lib/offset-map.js';
import { entriesFor, quoteOnce } from '../lib/quotes.js';

export const repair: Stage = {
  name: 'repair',
  version: '1',
  run(doc, ctx) {
    const { name, mine } = entriesFor(doc, ctx, 'repair', ctx.repair?.steps, 'steps');
    const edits: Edit[] = mine.map(([step, i]) => {
      const at = quoteOnce(doc.text, step.quote, { file: name, field: `steps.${i}.quote` }, `document ${step.doc}`, 'The raw file changed or the quote is wrong: quote the exact text (line endings as LF).');
      return { start: at, end: at + step.quote.length, text: '', reason: step.reason };
    });
    return withEdits(doc, this, edits);
  },
};
