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
import { validateCellRows } from '../lib/validate-rows.js';
import type { Cell } from '../lib/typed-row.js';

/** A row's content hash: the fields joined by NUL (as String() writes them), 12 hex digits of SHA-256. */
const hash = (content: string) => sha256Hex(content).slice(0, 12);

/**
 * Keys made from content, numbered only among rows with the same content: stable when other rows
 * change. The caller joins the content's fields itself: one string per row, no argument arrays.
 */
function keyMaker(prefix: string): (content: string) => string {
  // Counted by digest (12 characters) rather than by the longer key built on it.
  const seen = new Map<string, number>();
  return (content) => {
    const digest = hash(content);
    const n = (seen.get(digest) ?? 0) + 1;
    seen.set(digest, n);
    return n === 1 ? `${prefix}:${digest}` : `${prefix}:${digest}:${n}`;
  };
}

// Text without surrogates has as many code points as UTF-16 units; the expression finds one
// faster than a loop counts them (no u flag: each half of a pair is a unit to find).
const SURROGATE = /[\uD800-\uDFFF]/;

// Each table's columns in schema order: the rows below are made as arrays in this order, which
// validateCellRows compares with the schema's before it checks a single row.
const COLUMNS = {
  documents: ['key', 'doc_id', 'source_file', 'title', 'kind', 'region', 'scope', 'date', 'year', 'speaker', 'speaker_role', 'event', 'dateline', 'source_url', 'metadata_source', 'encoding', 'raw_sha256', 'raw_bytes', 'file_chars', 'raw_start', 'raw_end', 'text_chars', 'paragraph_count'],
  paragraphs: ['key', 'doc_id', 'ordinal', 'text', 'section', 'is_heading', 'heading_level', 'speaker', 'char_count', 'source_file', 'raw_start', 'raw_end'],
  corrections: ['key', 'doc_id', 'seq', 'stage', 'reason', 'source_file', 'raw_start', 'raw_end', 'before', 'after'],
  warnings: ['key', 'doc_id', 'seq', 'severity', 'stage', 'rule', 'message', 'found', 'source_file', 'raw_start', 'raw_end', 'line', 'column'],
  mentions: ['key', 'doc_id', 'seq', 'paragraph', 'text', 'value', 'value_low', 'value_high', 'unit', 'qualifier', 'numeral', 'class', 'label', 'indicator_id', 'problem', 'raw_start', 'raw_end', 'source_file'],
  indicators: [
    'key', 'doc_id', 'seq', 'indicator_id', 'label', 'value', 'value_low', 'value_high', 'unit', 'value_std', 'value_std_low', 'value_std_high', 'unit_std',
    'qualifier', 'status', 'period', 'period_start', 'period_end', 'region', 'section', 'paragraph', 'sentence', 'raw_start', 'raw_end', 'source_file', 'note',
  ],
} as const;

// Every table's rows carry their raw start: errors name the line it is on.
const rawStartOf = (table: keyof typeof COLUMNS) => {
  const at = (COLUMNS[table] as readonly string[]).indexOf('raw_start');
  return (row: unknown[]) => row[at] as number;
};
const RAW_START = Object.fromEntries(Object.keys(COLUMNS).map((t) => [t, rawStartOf(t as keyof typeof COLUMNS)])) as Record<keyof typeof COLUMNS, (row: unknown[]) => number>;

export const tables: Stage = {
  name: 'tables',
  version: '2',
  run(doc, ctx) {
    const meta = doc.meta;
    const paragraphs = doc.paragraphs;
    if (!meta || !paragraphs) throw new Error('tables stage needs metadata and paragraphs: run split-documents and paragraphs first');
    const file = doc.file;
    const docId = meta.id;
    const paragraphKey = keyMaker(`${docId}:p`);
    // A mention's key builds on its paragraph's (a hash of the text), not on the text again.
    const paragraphKeys = new Map<number, string>();
    let textChars = 0;
    const paragraphRows = paragraphs.map((p) => {
      const key = paragraphKey(p.text);
      paragraphKeys.set(p.ordinal, key);
      const chars = SURROGATE.test(p.text) ? codePointLength(p.text) : p.text.length;
      textChars += chars;
      const level = p.headingLevel ?? null;
      return [key, docId, p.ordinal, p.text, p.section ?? null, level !== null, level, p.speaker ?? null, chars, file, p.rawStart, p.rawEnd];
    });
    let rawStart = paragraphs.length ? Infinity : 0;
    let rawEnd = 0;
    for (const p of paragraphs) {
      rawStart = Math.min(rawStart, p.rawStart);
      rawEnd = Math.max(rawEnd, p.rawEnd);
    }
    const correctionKey = keyMaker(`${docId}:c`);
    const correctionRows = doc.corrections.map((c, i) => [
      correctionKey(`${c.stage}\u0000${c.reason}\u0000${c.before}\u0000${c.after}`),
      docId, i + 1, c.stage, c.reason, file, c.rawStart, c.rawEnd, c.before === '' ? null : c.before, c.after === '' ? null : c.after,
    ]);
    const documentRow = [
      docId, docId, file, meta.title, meta.kind, meta.region, meta.scope, meta.date, meta.year, meta.speaker, meta.speakerRole, meta.event,
      meta.dateline, meta.sourceUrl, meta.metaSource, doc.encoding, doc.rawSha256, doc.rawBytes, doc.rawChars, rawStart, rawEnd, textChars, paragraphs.length,
    ];
    const warningKey = keyMaker(`${docId}:w`);
    const warningRows = doc.messages.map((m, i) => [
      warningKey(`${m.rule}\u0000${m.reason}\u0000${m.found ?? null}`),
      docId, i + 1, m.severity, m.stage, m.rule, m.reason, m.found ? m.found : null, file, m.rawStart, m.rawEnd, m.line, m.column,
    ]);
    const mentionKey = keyMaker(`${docId}:m`);
    const mentionRows = (doc.data.mentions ?? []).map((m, i) => {
      const [rawStart, rawEnd] = rawRange(doc.map, m.textStart + m.start, m.textStart + m.end, doc.raw.length);
      return [
        mentionKey(`${paragraphKeys.get(m.paragraph) ?? ''}\u0000${m.start}\u0000${m.text}`),
        docId, i + 1, m.paragraph, m.text, m.value, m.valueLow, m.valueHigh, m.unit, m.qualifier, m.numeral, m.cls, m.label, m.indicatorId, m.problem,
        rawStart, rawEnd, file,
      ];
    });
    const indicatorKey = keyMaker(`${docId}:i`);
    const indicatorRows = (doc.data.indicators ?? []).map((v, i) => [
      `${indicatorKey(`${v.indicatorId}\u0000${v.period}\u0000${v.status}\u0000${v.value}\u0000${v.valueLow}\u0000${v.valueHigh}\u0000${v.qualifier}\u0000${v.region}`)}:${v.indicatorId}:${v.period}:${v.status}`,
      docId, i + 1, v.indicatorId, v.label, v.value, v.valueLow, v.valueHigh, v.unit, v.valueStd, v.valueStdLow, v.valueStdHigh, v.unitStd,
      v.qualifier, v.status, v.period, v.periodStart, v.periodEnd, v.region, v.section, v.paragraph, v.sentence, v.rawStart, v.rawEnd, file, v.note,
    ]);
    const made = { documents: [documentRow], paragraphs: paragraphRows, corrections: correctionRows, warnings: warningRows, mentions: mentionRows, indicators: indicatorRows };
    const origin = { file, lines: ctx.lines, docId };
    const rows: Record<string, Cell[][]> = {};
    for (const table of Object.keys(made) as Array<keyof typeof made>) {
      rows[table] = validateCellRows(table, COLUMNS[table], made[table], RAW_START[table], origin);
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
