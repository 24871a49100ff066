/**
 * Stage 16, tables: the rows each document contributes to the `documents`, `paragraphs`,
 * `corrections`, `warnings`, `mentions` and `indicators` tables; and the release's `catalog`.
 * Every row is checked here against schemas/tables/*.schema.json (lib/validate-rows), so drift
 * between this stage and a schema fails the document that shows it, with its file and line.
 * Rows are made with named values; their column order comes from the schema alone.
 */
import type { Doc, Stage } from '../lib/document.js';
import { withStage } from '../lib/document.js';
import { sha256Hex } from '../lib/hash.js';
import { codePointLength } from '../lib/chars.js';
import { catalog } from '../lib/catalog.js';
import { rawRange } from '../lib/offset-map.js';
import { validateNamedRows, type RowOrigin } from '../lib/validate-rows.js';
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

type Made = Record<string, Array<Record<string, unknown>>>;

/**
 * One small function per table, not one big `run`: each worker isolate compiles these hot
 * functions again, and a deoptimization (a new shape of row, an empty list) recompiles only the
 * function it happens in rather than everything inlined into one.
 */
export const tables: Stage = {
  name: 'tables',
  version: '2',
  run(doc, ctx) {
    const meta = doc.meta;
    const paragraphs = doc.paragraphs;
    if (!meta || !paragraphs) throw new Error('tables stage needs metadata and paragraphs: run split-documents and paragraphs first');
    const docId = meta.id;
    // A mention's key builds on its paragraph's (a hash of the text), not on the text again.
    const paragraphKeys: string[] = [];
    const paragraphRows = paragraphTable(doc, docId, paragraphKeys);
    const made: Made = {
      documents: [documentRow(doc, docId, paragraphRows)],
      paragraphs: paragraphRows,
      corrections: correctionTable(doc, docId),
      warnings: warningTable(doc, docId),
      mentions: mentionTable(doc, docId, paragraphKeys),
      indicators: indicatorTable(doc, docId),
    };
    return withStage(doc, this, { rows: validated(made, { file: doc.file, lines: ctx.lines, docId }) });
  },
};

function validated(made: Made, origin: RowOrigin): Record<string, Cell[][]> {
  const rows: Record<string, Cell[][]> = {};
  for (const table of Object.keys(made)) rows[table] = validateNamedRows(table, made[table]!, origin);
  return rows;
}

/** The paragraphs' rows; their keys by ordinal go into `keys` (ordinal 1 at index 1). */
function paragraphTable(doc: Doc, docId: string, keys: string[]): Array<Record<string, unknown>> {
  const paragraphKey = keyMaker(`${docId}:p`);
  const file = doc.file;
  const paragraphs = doc.paragraphs!;
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < paragraphs.length; i++) {
    const p = paragraphs[i]!;
    const key = paragraphKey(p.text);
    keys[p.ordinal] = key;
    const chars = SURROGATE.test(p.text) ? codePointLength(p.text) : p.text.length;
    const level = p.headingLevel ?? null;
    out.push({
      key, doc_id: docId, ordinal: p.ordinal, text: p.text, section: p.section ?? null, is_heading: level !== null, heading_level: level,
      speaker: p.speaker ?? null, char_count: chars, source_file: file, raw_start: p.rawStart, raw_end: p.rawEnd,
    });
  }
  return out;
}

function documentRow(doc: Doc, docId: string, paragraphRows: Array<Record<string, unknown>>): Record<string, unknown> {
  const meta = doc.meta!;
  const paragraphs = doc.paragraphs!;
  let rawStart = paragraphs.length ? Infinity : 0;
  let rawEnd = 0;
  let textChars = 0;
  for (let i = 0; i < paragraphs.length; i++) {
    rawStart = Math.min(rawStart, paragraphs[i]!.rawStart);
    rawEnd = Math.max(rawEnd, paragraphs[i]!.rawEnd);
    textChars += paragraphRows[i]!['char_count'] as number;
  }
  return {
    key: docId, doc_id: docId, source_file: doc.file, title: meta.title, kind: meta.kind, region: meta.region, scope: meta.scope, date: meta.date, year: meta.year,
    speaker: meta.speaker, speaker_role: meta.speakerRole, event: meta.event, dateline: meta.dateline, source_url: meta.sourceUrl, metadata_source: meta.metaSource,
    encoding: doc.encoding, raw_sha256: doc.rawSha256, raw_bytes: doc.rawBytes, file_chars: doc.rawChars, raw_start: rawStart, raw_end: rawEnd,
    text_chars: textChars, paragraph_count: paragraphs.length,
  };
}

function correctionTable(doc: Doc, docId: string): Array<Record<string, unknown>> {
  const correctionKey = keyMaker(`${docId}:c`);
  const file = doc.file;
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < doc.corrections.length; i++) {
    const c = doc.corrections[i]!;
    out.push({
      key: correctionKey(`${c.stage}\u0000${c.reason}\u0000${c.before}\u0000${c.after}`),
      doc_id: docId, seq: i + 1, stage: c.stage, reason: c.reason, source_file: file, raw_start: c.rawStart, raw_end: c.rawEnd,
      before: c.before === '' ? null : c.before, after: c.after === '' ? null : c.after,
    });
  }
  return out;
}

function warningTable(doc: Doc, docId: string): Array<Record<string, unknown>> {
  const warningKey = keyMaker(`${docId}:w`);
  const file = doc.file;
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < doc.messages.length; i++) {
    const m = doc.messages[i]!;
    out.push({
      key: warningKey(`${m.rule}\u0000${m.reason}\u0000${m.found ?? null}`),
      doc_id: docId, seq: i + 1, severity: m.severity, stage: m.stage, rule: m.rule, message: m.reason, found: m.found ? m.found : null, source_file: file,
      raw_start: m.rawStart, raw_end: m.rawEnd, line: m.line, column: m.column,
    });
  }
  return out;
}

function mentionTable(doc: Doc, docId: string, paragraphKeys: readonly string[]): Array<Record<string, unknown>> {
  const mentionKey = keyMaker(`${docId}:m`);
  const file = doc.file;
  const mentions = doc.data.mentions ?? [];
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < mentions.length; i++) {
    const m = mentions[i]!;
    const [rawStart, rawEnd] = rawRange(doc.map, m.textStart + m.start, m.textStart + m.end, doc.raw.length);
    out.push({
      key: mentionKey(`${paragraphKeys[m.paragraph] ?? ''}\u0000${m.start}\u0000${m.text}`),
      doc_id: docId, seq: i + 1, paragraph: m.paragraph, text: m.text, value: m.value, value_low: m.valueLow, value_high: m.valueHigh, unit: m.unit,
      qualifier: m.qualifier, numeral: m.numeral, class: m.cls, label: m.label, indicator_id: m.indicatorId, problem: m.problem,
      raw_start: rawStart, raw_end: rawEnd, source_file: file,
    });
  }
  return out;
}

function indicatorTable(doc: Doc, docId: string): Array<Record<string, unknown>> {
  const indicatorKey = keyMaker(`${docId}:i`);
  const file = doc.file;
  const values = doc.data.indicators ?? [];
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out.push({
      key: `${indicatorKey(`${v.indicatorId}\u0000${v.period}\u0000${v.status}\u0000${v.value}\u0000${v.valueLow}\u0000${v.valueHigh}\u0000${v.qualifier}\u0000${v.region}`)}:${v.indicatorId}:${v.period}:${v.status}`,
      doc_id: docId, seq: i + 1, indicator_id: v.indicatorId, label: v.label, value: v.value, value_low: v.valueLow, value_high: v.valueHigh, unit: v.unit,
      value_std: v.valueStd, value_std_low: v.valueStdLow, value_std_high: v.valueStdHigh, unit_std: v.unitStd, qualifier: v.qualifier, status: v.status,
      period: v.period, period_start: v.periodStart, period_end: v.periodEnd, region: v.region, section: v.section, paragraph: v.paragraph, sentence: v.sentence,
      raw_start: v.rawStart, raw_end: v.rawEnd, source_file: file, note: v.note,
    });
  }
  return out;
}

/** Rows that belong to the release rather than to a document: the catalog, as named values. */
export function releaseRows(): Record<string, Array<Record<string, unknown>>> {
  return {
    catalog: catalog().indicators.map((i) => ({
      key: i.id, indicator_id: i.id, name_zh: i.name_zh, aliases: i.aliases.length ? i.aliases.join('|') : null, name_en: i.name_en, measure: i.measure,
      unit_std: i.unit_std, plausible_min: i.plausible.min, plausible_max: i.plausible.max, description: i.description,
    })),
  };
}
