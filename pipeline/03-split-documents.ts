/**
 * Stage 3, split-documents: one raw file becomes its logical documents. A newspaper page can
 * hold several pieces, interleaved; the sidecar's `parts` say where each piece's text runs,
 * quoting the exact text at both ends so the build fails if the raw file changes under it.
 * Text that no document claims is logged, never dropped silently.
 */
import type { Correction, Doc, DocMeta, Message, Stage, StageContext } from '../lib/document.js';
import { withStage } from '../lib/document.js';
import { PipelineError } from '../lib/errors.js';
import { idFromFileName, inferMeta } from '../lib/infer-meta.js';
import { message } from '../lib/messages.js';
import { assemble, rawRange } from '../lib/offset-map.js';
import { companionName } from '../lib/companions.js';
import { quoteOnce } from '../lib/quotes.js';
import type { SidecarDocument } from '../lib/sidecar.js';

type Span = [number, number];

function metaFromSidecar(d: SidecarDocument): DocMeta {
  return {
    id: d.id, title: d.title, kind: d.kind, region: d.region, scope: d.scope, date: d.date, year: d.year,
    speaker: d.speaker, speakerRole: d.speaker_role, event: d.event, dateline: d.dateline, sourceUrl: d.source_url,
    metaSource: 'sidecar',
  };
}

function locateParts(doc: Doc, ctx: StageContext, d: SidecarDocument, index: number): Span[] {
  const sidecarName = companionName(doc.file, 'sidecar');
  return (d.parts ?? []).map((part, p) => {
    const field = `documents.${index}.parts.${p}`;
    const start = quoteOnce(doc.text, part.from, { file: sidecarName, field: `${field}.from` }, doc.file, 'The raw file changed or the quote is wrong: quote the exact text where this part begins.');
    const toAt = doc.text.indexOf(part.to, start);
    if (toAt < 0) {
      const [rs] = rawRange(doc.map, start, start + 1, doc.raw.length);
      const { line } = ctx.lines.position(rs);
      throw new PipelineError(
        { file: sidecarName, field: `${field}.to` },
        `quotes text not found after the part's start (line ${line} of ${doc.file}): "${part.to}"`,
        'Quote the exact text where this part ends.',
      );
    }
    return [start, toAt + part.to.length] as Span;
  });
}

export const splitDocuments: Stage = {
  name: 'split-documents',
  version: '1',
  run(doc, ctx) {
    if (!ctx.sidecar) {
      const meta = inferMeta(idFromFileName(doc.file), doc.text);
      const warning = message({ ...doc, meta }, ctx, {
        severity: 'warning', stage: this.name, rule: 'source/no-sidecar',
        reason: `no sidecar ${companionName(doc.file, 'sidecar')}: metadata taken from the text (title, year, region where stated), null elsewhere`,
        rawStart: 0, rawEnd: 0,
      });
      return withStage(doc, this, { meta, messages: [...doc.messages, warning], data: { ...doc.data, rawSpans: [[0, doc.raw.length]] } });
    }
    const declared = ctx.sidecar.documents;
    const spans = declared.map((d, i) => (d.parts ? locateParts(doc, ctx, d, i) : [[0, doc.text.length] as Span]));
    const all = spans.flatMap((s, i) => s.map((span) => ({ span, doc: i }))).sort((a, b) => a.span[0] - b.span[0]);
    for (let i = 1; i < all.length; i++) {
      if (all[i]!.span[0] < all[i - 1]!.span[1]) {
        throw new PipelineError(
          { file: companionName(doc.file, 'sidecar'), field: 'documents' },
          `the parts of documents "${declared[all[i - 1]!.doc]!.id}" and "${declared[all[i]!.doc]!.id}" overlap`,
          'Each stretch of text belongs to one document: adjust the parts\' quotes.',
        );
      }
    }
    // Stretches no document claims (page furniture, captions) become messages and corrections
    // of the document just before them, so the log says where they went.
    const orphanMessages: Message[][] = declared.map(() => []);
    const orphanCorrections: Correction[][] = declared.map(() => []);
    let cursor = 0;
    let owner = all[0]?.doc ?? 0;
    const flush = (from: number, to: number) => {
      const gap = doc.text.slice(from, to);
      if (gap.trim() === '') return;
      const lead = gap.length - gap.trimStart().length;
      const s = from + lead;
      const e = from + gap.trimEnd().length;
      const [rawStart, rawEnd] = rawRange(doc.map, s, e, doc.raw.length);
      const meta = metaFromSidecar(declared[owner]!);
      orphanMessages[owner]!.push(
        message({ ...doc, meta }, ctx, {
          severity: 'warning', stage: this.name, rule: 'layout/outside-documents',
          reason: 'text outside every document the sidecar declares (page furniture?)', rawStart, rawEnd, found: doc.text.slice(s, e),
        }),
      );
      orphanCorrections[owner]!.push({ stage: this.name, reason: 'layout/outside-documents', rawStart, rawEnd, before: doc.text.slice(s, e), after: '' });
    };
    for (const { span, doc: i } of all) {
      flush(cursor, span[0]);
      cursor = span[1];
      owner = i;
    }
    flush(cursor, doc.text.length);

    return declared.map((d, i) => {
      const piece = assemble(doc.text, doc.map, spans[i]!, '\n\n');
      const meta = metaFromSidecar(d);
      return withStage(doc, this, {
        ...piece,
        meta,
        data: { ...doc.data, rawSpans: spans[i]!.map(([s, e]) => rawRange(doc.map, s, e, doc.raw.length)) },
        // What earlier stages logged for the whole file goes with the first document only,
        // so a correction is never counted twice.
        messages: [...(i === 0 ? doc.messages.map((m) => ({ ...m, docId: meta.id })) : []), ...orphanMessages[i]!],
        corrections: [...(i === 0 ? doc.corrections : []), ...orphanCorrections[i]!],
      });
    });
  },
};
