import { PipelineError, type ErrorLocation } from './errors.js';

/** Where a quoted stretch of text stands; data files quote text instead of giving offsets. */
export function occurrences(text: string, quote: string): number[] {
  const found: number[] = [];
  if (quote === '') return found;
  for (let at = text.indexOf(quote); at >= 0; at = text.indexOf(quote, at + 1)) found.push(at);
  return found;
}

/**
 * Where a data file's quote stands, which must be exactly once in `text`; otherwise the build
 * fails naming the data file and the field, so a source that changed under its quotes is noticed.
 */
export function quoteOnce(text: string, quote: string, at: ErrorLocation, where: string, remedyMissing: string, from = 0): number {
  const found = occurrences(text, quote).filter((i) => i >= from);
  if (found.length === 1) return found[0]!;
  throw new PipelineError(
    at,
    found.length === 0 ? `quotes text that is not in ${where}: "${quote}"` : `quotes text that occurs ${found.length} times in ${where}: "${quote}"`,
    found.length === 0 ? remedyMissing : 'Quote more text so it is unique.',
  );
}

/** A step of a repair or errata file applies to a document the source holds. */
export function checkDocumentId(known: Set<string>, id: string, at: ErrorLocation, file: string): void {
  if (!known.has(id)) {
    throw new PipelineError(at, `names document "${id}", which ${file} does not hold`, `Use one of: ${[...known].join(', ')}.`);
  }
}
