/**
 * Stage 16, tables: the rows each document contributes to the `documents`, `paragraphs`,
 * `corrections`, `warnings`, `mentions` and `indicators` tables; and the release's `catalog`.
 * Every row is checked here against schemas/tables/*.schema.json (lib/validate-rows), so drift
 * between this stage and a schema fails the document that shows it, with its file and line.
 */
import type { Stage, TableRow } from '../lib/document.js';
import { withStage } from '../lib/document.js';
import { sha256Hex } from '../lib/hash.js';
import { codePointLength } from '../lib/chars.js';
import { catalog } from '../lib/catalog.js';
import { rawRange } from '../lib/offset-map.js';
import { validateRows } from '../lib/validate-rows.js';
import { tableSpec } from '../lib/table-schema.js';
import { typedRow, type Cell } from '../lib/typed-row.js';

/** A row's content hash: the fields joined by NUL (as String() writes them), 12 hex digits of SHA-256. */
const hash = (content: string) => sha256Hex(content).slice(0, 12);

/**
 * Keys made from content, numbered only among rows with the same content: stable when other rows
 * change. The caller joins the content's fields itself: one string per row, no argument arrays.
 */
function keyMaker(prefix: string): (content: string) => string {
  const seen = new Map<string, number>();
  return (content) => {
    const base = `${prefix}:${hash(content)}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}:${n}`;
  };
}

export const tables: Stage = {
  name: 'tables',
  version: '2',
  run(doc, ctx) {
    const meta = doc.meta;
    const paragraphs = doc.paragraphs;
    if (!meta || !paragraphs) throw new Error('tables stage needs metadata and paragraphs: run split-documents and paragraphs first');
    const paragraphKey = keyMaker(`${meta.id}:p`);
    const paragraphRows: TableRow[] = paragraphs.map((p) => ({
      rawStart: p.rawStart,
      values: {
        key: paragraphKey(p.text),
        doc_id: meta.id, ordinal: p.ordinal, text: p.text, section: p.section ?? null, is_heading: (p.headingLevel ?? null) !== null,
        heading_level: p.headingLevel ?? null, speaker: p.speaker ?? null, char_count: codePointLength(p.text),
        source_file: doc.file, raw_start: p.rawStart, raw_end: p.rawEnd,
      },
    }));
    let rawStart = paragraphs.length ? Infinity : 0;
    let rawEnd = 0;
    for (const p of paragraphs) {
      rawStart = Math.min(rawStart, p.rawStart);
      rawEnd = Math.max(rawEnd, p.rawEnd);
    }
    const correctionKey = keyMaker(`${meta.id}:c`);
    const correctionRows: TableRow[] = doc.corrections.map((c, i) => ({
      rawStart: c.rawStart,
      values: {
        key: correctionKey(`${c.stage}\u0000${c.reason}\u0000${c.before}\u0000${c.after}`),
        doc_id: meta.id, seq: i + 1, stage: c.stage, reason: c.reason, source_file: doc.file,
        raw_start: c.rawStart, raw_end: c.rawEnd, before: c.before === '' ? null : c.before, after: c.after === '' ? null : c.after,
      },
    }));
    const documentRow: TableRow = {
      rawStart,
      values: {
        key: meta.id, doc_id: meta.id, source_file: doc.file, title: meta.title, kind: meta.kind, region: meta.region, scope: meta.scope,
        date: meta.date, year: meta.year, speaker: meta.speaker, speaker_role: meta.speakerRole, event: meta.event,
        dateline: meta.dateline, source_url: meta.sourceUrl, metadata_source: meta.metaSource, encoding: doc.encoding,
        raw_sha256: doc.rawSha256, raw_bytes: doc.rawBytes, file_chars: doc.rawChars, raw_start: rawStart, raw_end: rawEnd,
        text_chars: paragraphs.reduce((n, p) => n + codePointLength(p.text), 0), paragraph_count: paragraphs.length,
      },
    };
    const warningKey = keyMaker(`${meta.id}:w`);
    const warningRows: TableRow[] = doc.messages.map((m, i) => ({
      rawStart: m.rawStart,
      values: {
        key: warningKey(`${m.rule}\u0000${m.reason}\u0000${m.found ?? null}`),
        doc_id: meta.id, seq: i + 1, severity: m.severity, stage: m.stage, rule: m.rule, message: m.reason,
        found: m.found ? m.found : null, source_file: doc.file, raw_start: m.rawStart, raw_end: m.rawEnd, line: m.line, column: m.column,
      },
    }));
    const mentionKey = keyMaker(`${meta.id}:m`);
    // A mention's key builds on its paragraph's (a hash of the text), not on the text again.
    const paragraphKeys = new Map(paragraphRows.map((r) => [r.values['ordinal'] as number, r.values['key'] as string]));
    const mentionRows: TableRow[] = (doc.data.mentions ?? []).map((m, i) => {
      const [rawStart, rawEnd] = rawRange(doc.map, m.textStart + m.start, m.textStart + m.end, doc.raw.length);
      return {
        rawStart,
        values: {
          key: mentionKey(`${paragraphKeys.get(m.paragraph) ?? ''}\u0000${m.start}\u0000${m.text}`),
          doc_id: meta.id, seq: i + 1, paragraph: m.paragraph, text: m.text, value: m.value, value_low: m.valueLow, value_high: m.valueHigh,
          unit: m.unit, qualifier: m.qualifier, numeral: m.numeral, class: m.cls, label: m.label, indicator_id: m.indicatorId, problem: m.problem,
          raw_start: rawStart, raw_end: rawEnd, source_file: doc.file,
        },
      };
    });
    const indicatorKey = keyMaker(`${meta.id}:i`);
    const indicatorRows: TableRow[] = (doc.data.indicators ?? []).map((v, i) => ({
      rawStart: v.rawStart,
      values: {
        key: `${indicatorKey(`${v.indicatorId}\u0000${v.period}\u0000${v.status}\u0000${v.value}\u0000${v.valueLow}\u0000${v.valueHigh}\u0000${v.qualifier}\u0000${v.region}`)}:${v.indicatorId}:${v.period}:${v.status}`,
        doc_id: meta.id, seq: i + 1, indicator_id: v.indicatorId, label: v.label, value: v.value, value_low: v.valueLow, value_high: v.valueHigh,
        unit: v.unit, value_std: v.valueStd, value_std_low: v.valueStdLow, value_std_high: v.valueStdHigh, unit_std: v.unitStd,
        qualifier: v.qualifier, status: v.status, period: v.period, period_start: v.periodStart, period_end: v.periodEnd, region: v.region,
        section: v.section, paragraph: v.paragraph, sentence: v.sentence, raw_start: v.rawStart, raw_end: v.rawEnd, source_file: doc.file, note: v.note,
      },
    }));
    const made = { documents: [documentRow], paragraphs: paragraphRows, corrections: correctionRows, warnings: warningRows, mentions: mentionRows, indicators: indicatorRows };
    const rows: Record<string, Cell[][]> = {};
    for (const [table, tableRows] of Object.entries(made)) {
      validateRows(table, tableRows, { file: doc.file, lines: ctx.lines, docId: meta.id });
      const spec = tableSpec(table);
      rows[table] = tableRows.map((r) => typedRow(spec, r.values));
    }
    return withStage(doc, this, { rows });
  },
};

/** Rows that belong to the release rather than to a document: the catalog. */
export function releaseRows(): Record<string, TableRow[]> {
  return {
    catalog: catalog().indicators.map((i) => ({
      rawStart: 0,
      values: {
        key: i.id, indicator_id: i.id, name_zh: i.name_zh, aliases: i.aliases.length ? i.aliases.join('|') : null, name_en: i.name_en, measure: i.measure,
        unit_std: i.unit_std, plausible_min: i.plausible.min, plausible_max: i.plausible.max, description: i.description,
      },
    })),
  };
}
