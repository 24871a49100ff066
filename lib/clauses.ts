/** Sentences and clauses of a paragraph, with offsets: the scopes an indicator's subject lives in. */
export interface Range {
  start: number;
  end: number;
}

export interface Span extends Range {
  text: string;
}

const codeTable = (chars: string) => {
  const table = new Uint8Array(65536);
  for (const c of chars) table[c.charCodeAt(0)] = 1;
  return table;
};
const SENTENCE_END = codeTable('。！？；!?;');
const CLAUSE_END = codeTable('，：,:');

/**
 * Runs of text each followed by its run of separators, as the global regular expression
 * `[^S]+[S]*` would match them (separators before the first run belong to no range); a loop over
 * character codes, since the indicators stage cuts every paragraph this way.
 */
function runs(text: string, ends: Uint8Array, offset: number): Range[] {
  const out: Range[] = [];
  const n = text.length;
  let i = 0;
  while (i < n && ends[text.charCodeAt(i)] === 1) i++;
  while (i < n) {
    const start = i;
    while (i < n && ends[text.charCodeAt(i)] === 0) i++;
    while (i < n && ends[text.charCodeAt(i)] === 1) i++;
    out.push({ start: offset + start, end: offset + i });
  }
  return out;
}

/** Sentences end at 。！？ and at ；, which separates the items of a list of results. */
export function sentences(text: string): Span[] {
  return runs(text, SENTENCE_END, 0).map((r) => ({ start: r.start, end: r.end, text: text.slice(r.start, r.end) }));
}

/** Clauses end at ， and ：; the 、 of a list stays inside its clause. Offsets only: their text is the sentence's to slice. */
export function clauses(sentence: Span): Range[] {
  return runs(sentence.text, CLAUSE_END, sentence.start);
}
