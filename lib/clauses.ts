/** Sentences and clauses of a paragraph, with offsets: the scopes an indicator's subject lives in. */
export interface Span {
  start: number;
  end: number;
  text: string;
}

/** Sentences end at 。！？ and at ；, which separates the items of a list of results. */
export function sentences(text: string): Span[] {
  const out: Span[] = [];
  for (const m of text.matchAll(/[^。！？；!?;]+[。！？；!?;]*/gu)) out.push({ start: m.index, end: m.index + m[0].length, text: m[0] });
  return out;
}

/** Clauses end at ， and ：; the 、 of a list stays inside its clause. */
export function clauses(sentence: Span): Span[] {
  const out: Span[] = [];
  for (const m of sentence.text.matchAll(/[^，：,:]+[，：,:]*/gu)) out.push({ start: sentence.start + m.index, end: sentence.start + m.index + m[0].length, text: m[0] });
  return out;
}
