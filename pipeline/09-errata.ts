/**
 * Stage 9, errata: curated misreadings (raw/NAME.errata.json), each shown wrong by its context
 * and carrying its evidence, replaced and logged. A context that is not found exactly once fails
 * the build: the text changed, and the erratum must be looked at again.
 */
import type { Stage } from '../lib/document.js';
import { withEdits } from '../lib/edits.js';
import { PipelineError } from '../lib/errors.js';
import type { Edit } from '../lib/offset-map.js';
import { entriesFor, occurrences } from '../lib/quotes.js';

export const errata: Stage = {
  name: 'errata',
  version: '1',
  run(doc, ctx) {
    const { name, mine } = entriesFor(doc, ctx, 'errata', ctx.errata?.errata, 'errata');
    const edits: Edit[] = [];
    for (const [e, i] of mine) {
      const at = occurrences(doc.text, e.context);
      const inner = occurrences(e.context, e.wrong);
      if (inner.length !== 1) {
        throw new PipelineError({ file: name, field: `errata.${i}.wrong` }, `"${e.wrong}" occurs ${inner.length} times in its context "${e.context}"`, 'Give a context in which the misreading occurs exactly once.');
      }
      if (at.length !== 1) {
        throw new PipelineError(
          { file: name, field: `errata.${i}.context` },
          at.length === 0 ? `context "${e.context}" is not in document ${e.doc} (as normalized)` : `context "${e.context}" occurs ${at.length} times in document ${e.doc}`,
          'Quote the normalized text (no spaces next to Chinese) around the misreading, unique in the document.',
        );
      }
      const start = at[0]! + inner[0]!;
      edits.push({ start, end: start + e.wrong.length, text: e.right, reason: 'ocr/erratum' });
    }
    return withEdits(doc, this, edits);
  },
};
