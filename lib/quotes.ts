import type { Doc, StageContext } from './document.js';
import { companionName } from './companions.js';
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

/**
 * The entries of a source's data file (repair steps, errata) that apply to this document, with
 * their index, and the file's name for errors; none without the file. An entry naming a document
 * the source does not hold fails the build.
 */
export function entriesFor<T extends { doc: string }>(
  doc: Doc,
  ctx: StageContext,
  kind: 'repair' | 'errata',
  entries: T[] | undefined,
  list: string,
): { name: string; mine: Array<[T, number]> } {
  const name = companionName(doc.file, kind);
  const mine: Array<[T, number]> = [];
  if (!entries?.length || !doc.meta) return { name, mine };
  const known = new Set(ctx.sidecar?.documents.map((d) => d.id) ?? [doc.meta.id]);
  entries.forEach((entry, i) => {
    if (!known.has(entry.doc)) {
      throw new PipelineError({ file: name, field: `${list}.${i}.doc` }, `names document "${entry.doc}", which ${doc.file} does not hold`, `Use one of: ${[...known].join(', ')}.`);
    }
    if (entry.doc === doc.meta!.id) mine.push([entry, i]);
  });
  return { name, mine };
}
