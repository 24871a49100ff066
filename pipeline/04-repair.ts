/**
 * Stage 4, repair: the source's declarative repair file (raw/NAME.repair.json) removes what no
 * general rule can recognize, such as a web page's live-broadcast notice. Each step quotes the
 * exact text it expects; a quote that no longer matches fails the build.
 */
import type { Stage } from '../lib/document.js';
import { withStage } from '../lib/document.js';
import { withEdits } from '../lib/edits.js';
import { PipelineError } from '../lib/errors.js';

import type { Edit } from '../lib/offset-map.js';
import { occurrences } from '../lib/quotes.js';

export const repair: Stage = {
  name: 'repair',
  version: '1',
  run(doc, ctx) {
    const steps = ctx.repair?.steps ?? [];
    if (steps.length === 0 || !doc.meta) return withStage(doc, this, {});
    const name = doc.file.replace(/\.txt$/u, '.repair.json');
    const known = new Set(ctx.sidecar?.documents.map((d) => d.id) ?? [doc.meta.id]);
    const edits: Edit[] = [];
    steps.forEach((step, i) => {
      if (!known.has(step.doc)) {
        throw new PipelineError({ file: name, field: `steps.${i}.doc` }, `names document "${step.doc}", which ${doc.file} does not hold`, `Use one of: ${[...known].join(', ')}.`);
      }
      if (step.doc !== doc.meta!.id) return;
      const found = occurrences(doc.text, step.quote);
      if (found.length !== 1) {
        throw new PipelineError(
          { file: name, field: `steps.${i}.quote` },
          found.length === 0 ? `quotes text that is not in document ${step.doc}: "${step.quote}"` : `quotes text that occurs ${found.length} times in document ${step.doc}`,
          found.length === 0 ? 'The raw file changed or the quote is wrong: quote the exact text (line endings as LF).' : 'Quote more text so it is unique.',
        );
      }
      edits.push({ start: found[0]!, end: found[0]! + step.quote.length, text: '', reason: step.reason });
    });
    return withEdits(doc, this, edits);
  },
};
