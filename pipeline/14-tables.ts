/**
 * Stage 14, tables: the rows each document contributes to the `documents`, `paragraphs`,
 * `corrections` and `warnings` tables. Column names here must match schemas/tables/*.schema.json; validation in publish
 * catches any drift.
 */
import type { Stage, TableRow } from '../lib/document.js';
import { withStage } from '../lib/document.js';

const codePoints = (s: string) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

export const tables: Stage = {
  name: 'tables',
  version: '1',
  run(doc) {
    const meta = doc.meta;
    const paragraphs = doc.paragraphs;
    if (!meta || !paragraphs) throw new Error('tables stage needs metadata and paragraphs: run split-documents and paragraphs first');
    const paragraphRows: TableRow[] = paragraphs.map((p) => ({
      rawStart: p.rawStart,
      values: {
        doc_id: meta.id, ordinal: p.ordinal, text: p.text, section: p.section ?? null, is_heading: (p.headingLevel ?? null) !== null,
        heading_level: p.headingLevel ?? null, speaker: p.speaker ?? null, char_count: codePoints(p.text),
        source_file: doc.file, raw_start: p.rawStart, raw_end: p.rawEnd,
      },
    }));
    let rawStart = paragraphs.length ? Infinity : 0;
    let rawEnd = 0;
    for (const p of paragraphs) {
      rawStart = Math.min(rawStart, p.rawStart);
      rawEnd = Math.max(rawEnd, p.rawEnd);
    }
    const correctionRows: TableRow[] = doc.corrections.map((c, i) => ({
      rawStart: c.rawStart,
      values: {
        doc_id: meta.id, seq: i + 1, stage: c.stage, reason: c.reason, source_file: doc.file,
        raw_start: c.rawStart, raw_end: c.rawEnd, before: c.before === '' ? null : c.before, after: c.after === '' ? null : c.after,
      },
    }));
    const documentRow: TableRow = {
      rawStart,
      values: {
        doc_id: meta.id, source_file: doc.file, title: meta.title, kind: meta.kind, region: meta.region, scope: meta.scope,
        date: meta.date, year: meta.year, speaker: meta.speaker, speaker_role: meta.speakerRole, event: meta.event,
        dateline: meta.dateline, source_url: meta.sourceUrl, metadata_source: meta.metaSource, encoding: doc.encoding,
        raw_sha256: doc.rawSha256, raw_bytes: doc.rawBytes, file_chars: doc.rawChars, raw_start: rawStart, raw_end: rawEnd,
        text_chars: paragraphs.reduce((n, p) => n + codePoints(p.text), 0), paragraph_count: paragraphs.length,
      },
    };
    const warningRows: TableRow[] = doc.messages.map((m, i) => ({
      rawStart: m.rawStart,
      values: {
        doc_id: meta.id, seq: i + 1, severity: m.severity, stage: m.stage, rule: m.rule, message: m.reason,
        found: m.found ? m.found : null, source_file: doc.file, raw_start: m.rawStart, raw_end: m.rawEnd, line: m.line, column: m.column,
      },
    }));
    return withStage(doc, this, { rows: { documents: [documentRow], paragraphs: paragraphRows, corrections: correctionRows, warnings: warningRows } });
  },
};
