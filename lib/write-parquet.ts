/**
 * Parquet written by our own column encoder, in two halves. `parquetColumns` encodes one
 * document's rows, column by column, into pieces (in the worker thread that made them): PLAIN
 * values already Snappy-compressed, integers and dates as raw 32-bit values (delta-encoded per
 * page), dictionary columns as the document's distinct values and an index per row, definition
 * levels, statistics. `ParquetSink` (in the main thread) only joins
 * pieces into pages: the compressed bytes of a column's pieces are concatenated into one Snappy
 * stream (a Snappy stream is a sequence of literals and back-references within what it has
 * output, so a piece that refers only to itself stays valid after another), dictionary indexes are
 * renumbered into the row group's dictionary, and hyparquet-writer writes the page headers,
 * page indexes and footer.
 *
 * Why: before, the main thread received every value as a JavaScript string or number (cloned
 * between threads one by one), and hyparquet-writer tried a dictionary, encoded and compressed
 * every page, once for the whole table and again for its year partition. Now text, the bulk of
 * the bytes, is encoded and compressed once, in a worker, whatever files it goes to: a year
 * file's row groups differ from the whole table's, but pages end where documents end, so both
 * files take the same compressed bytes. What the main thread still does value by value, per file,
 * is cheap: renumbering dictionary indexes into the row group's dictionary and bit-packing them,
 * delta-encoding integers and dates, bit-packing booleans and definition levels, compressing
 * dictionary pages; and a document cut at a row group's end is expanded and stored as a literal
 * (a dictionary column's part keeps only the values its rows use).
 *
 * Which columns get a dictionary is decided from what they hold (see DICTIONARY_COLUMNS), not by
 * a trial per row group. Pages are DataPage V2, SNAPPY (dictionary indexes, booleans and delta-
 * encoded integers, compact already, go uncompressed, as V2 allows page by page), about
 * PAGE_BYTES each at most; statistics
 * are on, text min/max in UTF-8 byte order and truncated to 16 bytes by hyparquet-writer's footer.
 */
import { endianness } from 'node:os';
import type { ColumnChunk, ColumnMetaData, OffsetIndex, RowGroup, SchemaElement } from 'hyparquet';
import type { PageEncodingStats } from 'hyparquet/src/types.js';
import { ByteWriter } from 'hyparquet-writer';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { writeIndexes } from 'hyparquet-writer/src/indexes.js';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { FileSink, type Written } from './file-sink.js';
import { Bytes, deltaBinaryPacked, EMPTY, rleHybrid, snappyExpand, snappyLiteral } from './parquet-encodings.js';
import { utf8Scratch } from './scratch.js';
import { snappyCompress, snappyElements } from './snappy-compress.js';
import type { Column, ColumnType, TableSpec } from './table-schema.js';
import type { Cell } from './typed-row.js';

/** Rows per row group: large enough for readers to scan fast, small enough to buffer. */
export const ROW_GROUP_ROWS = 10_000;

/**
 * Appends (documents, mostly) per row group, at most. A row group is buffered as each append's
 * pieces, a few hundred bytes of objects each whatever the rows they hold, and a table with a
 * row or less per document (documents, warnings) reached 10,000 rows only after 10,000
 * documents: a 200 MB corpus (4,374 documents) ended its build holding 100,000 documents-table
 * pieces, most of the main thread's 97 MB of heap.
 */
export const ROW_GROUP_PIECES = 1000;

const PHYSICAL: Record<ColumnType, { type: 'INT32' | 'INT64' | 'DOUBLE' | 'BOOLEAN' | 'BYTE_ARRAY'; converted_type?: 'UTF8' | 'DATE' }> = {
  INT32: { type: 'INT32' },
  INT64: { type: 'INT64' },
  DOUBLE: { type: 'DOUBLE' },
  BOOLEAN: { type: 'BOOLEAN' },
  DATE: { type: 'INT32', converted_type: 'DATE' },
  UTF8: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
};

const DAY_MS = 86_400_000;
const CREATED_BY = 'cn-gov-indicators (own column encoder, hyparquet-writer footer)';

/** The Parquet schema of a table: one flat column per schema property. */
function parquetSchema(spec: TableSpec): SchemaElement[] {
  return [
    { name: 'root', num_children: spec.columns.length },
    ...spec.columns.map((c) => ({ name: c.name, ...PHYSICAL[c.type], repetition_type: c.nullable ? ('OPTIONAL' as const) : ('REQUIRED' as const) })),
  ];
}

/** hyparquet-writer's byte writer, emptied into the file after each row group. */
class FlushingWriter extends ByteWriter {
  constructor(
    private readonly file: FileSink,
    private readonly keep: number,
  ) {
    super(1 << 16);
  }

  flush(): void {
    // Written synchronously, so the buffer can be reused at once.
    this.file.write(new Uint8Array(this.buffer, 0, this.index));
    this.index = 0;
    // A row group grew the buffer past what this sink keeps between row groups: give it back.
    if (this.buffer.byteLength > this.keep) {
      this.buffer = new ArrayBuffer(1 << 16);
      this.view = new DataView(this.buffer);
    }
  }

  /**
   * A page's values (data or dictionary): large ones go to the file as they are, after what is
   * buffered, rather than being copied into the buffer; the rest are gathered, a megabyte at a time.
   */
  appendValues(bytes: Uint8Array): void {
    if (bytes.length < 1 << 18) {
      this.appendBytes(bytes);
      if (this.index >= 1 << 20) this.flush();
      return;
    }
    this.flush();
    this.file.write(bytes);
    this.offset += bytes.length;
  }

  override finish(): void {
    this.flush();
  }
}

/**
 * Text columns whose values repeat, so a dictionary page and an index per row beat the values
 * themselves: ids and file names (one per document), units, stages and rules, periods, regions,
 * section paths (one per stretch of paragraphs), subject labels, the sentence an indicator comes
 * from (a sentence often states several), and the text a correction removes or puts (mostly a
 * space, a line break or a punctuation mark). Columns with an enum in their schema get one too.
 * The rest (keys, paragraph and number text, messages, hashes) hold values that seldom repeat,
 * and are written PLAIN.
 */
const DICTIONARY_COLUMNS = new Set([
  'doc_id', 'source_file', 'indicator_id', 'unit', 'unit_std', 'period', 'region', 'section', 'speaker', 'speaker_role', 'label',
  'sentence', 'stage', 'reason', 'rule', 'problem', 'note', 'before', 'after', 'table_name', 'columns', 'measure',
]);

export function usesDictionary(c: Column): boolean {
  return c.type === 'UTF8' && (c.enum !== undefined || DICTIONARY_COLUMNS.has(c.name));
}

/** Values per page, in PLAIN bytes before compression: pages end where documents end, past this size. */
const PAGE_BYTES = 1 << 20;

/** One document's rows of one column, encoded (see the module comment). */
export interface ColumnPiece {
  rows: number;
  nulls: number;
  /** Per row, 1 where a value is present; null when none is missing. */
  defs: Uint8Array | null;
  /** PLAIN columns: the present values' PLAIN bytes, Snappy-compressed without the length prefix (BOOLEAN: one byte per value; INT32 and DATE: uncompressed, delta-encoded when the page is made). */
  values: Uint8Array;
  /** Length of `values` uncompressed. */
  plainBytes: number;
  /** Dictionary columns: the distinct values, and each present value's position among them. */
  dict: string[] | null;
  indexes: Uint32Array | null;
  min: unknown;
  max: unknown;
  nans: number;
}

/**
 * A table's rows as column pieces, one per column (each wrapped in a one-element array, the shape
 * of the packed document that carries them between threads).
 */
export type PackedColumns = Array<[ColumnPiece]>;

if (endianness() !== 'LE') throw new Error('the Parquet writer writes numbers through typed arrays, which needs a little-endian machine');

/** Rows as column pieces: made once per document, maybe in a worker thread, and shared by every file the rows go to. */
export function parquetColumns(spec: TableSpec, rows: Cell[][]): PackedColumns {
  return spec.columns.map((c, i) => {
    const values = genericArray();
    for (let j = 0; j < rows.length; j++) values.push(rows[j]![i]);
    return [columnPiece(c, values)];
  });
}

/**
 * An empty array whose elements are of the generic kind from the start, whatever it will hold. An
 * array's map follows what was put in it (small integers, doubles, anything; holey if made by
 * `new Array(n)`), and the code that reads columns' values, having seen one kind when TurboFan
 * compiled it, bailed out (wrong map) at the next and was compiled again, in every thread: all
 * these arrays now share one map.
 */
function genericArray(): unknown[] {
  const a: unknown[] = [null];
  a.pop();
  return a;
}

function columnPiece(c: Column, cells: unknown[]): ColumnPiece {
  const rows = cells.length;
  let nulls = 0;
  for (let j = 0; j < rows; j++) if (cells[j] === null) nulls++;
  let defs: Uint8Array | null = null;
  let present = cells;
  if (nulls) {
    defs = new Uint8Array(rows);
    present = genericArray();
    for (let j = 0; j < rows; j++) if (cells[j] !== null) (defs[j] = 1, present.push(cells[j]));
  }
  return usesDictionary(c) ? dictionaryPiece(rows, nulls, defs, present as string[]) : plainPiece(c.type, rows, nulls, defs, present);
}

/** A dictionary column's piece: the distinct values in first-seen order, an index per present value. */
function dictionaryPiece(rows: number, nulls: number, defs: Uint8Array | null, present: string[]): ColumnPiece {
  const seen = new Map<string, number>();
  const dict = genericArray() as string[];
  const indexes = new Uint32Array(present.length);
  for (let j = 0; j < present.length; j++) {
    const v = present[j]!;
    let k = seen.get(v);
    if (k === undefined) seen.set(v, (k = dict.push(v) - 1));
    indexes[j] = k;
  }
  const s = textBounds(dict);
  return { rows, nulls, defs, values: EMPTY, plainBytes: 0, dict, indexes, min: s.min, max: s.max, nans: 0 };
}

/** A PLAIN column's piece: text Snappy-compressed, numbers and booleans raw. */
function plainPiece(type: ColumnType, rows: number, nulls: number, defs: Uint8Array | null, present: unknown[]): ColumnPiece {
  const typed = type === 'INT64' || type === 'DATE' ? physicalValues(type, present) : present;
  const s = valueBounds(typed, type);
  // Text is encoded into a buffer kept between calls: only its compressed form is kept.
  const plain = type === 'UTF8' ? plainTextScratch(typed as string[]) : plainBytes(type, typed);
  const values = type === 'BOOLEAN' || deltaEncoded(type) ? plain : snappyElements(plain);
  return { rows, nulls, defs, values, plainBytes: plain.length, dict: null, indexes: null, min: s.min, max: s.max, nans: s.nans };
}

/** INT64 values as bigints, dates as days since 1970. */
function physicalValues(type: 'INT64' | 'DATE', values: unknown[]): unknown[] {
  const out = genericArray();
  if (type === 'INT64') for (let j = 0; j < values.length; j++) out.push(BigInt(values[j] as number));
  else for (let j = 0; j < values.length; j++) out.push(Date.parse(`${values[j] as string}T00:00:00Z`) / DAY_MS);
  return out;
}

/** PLAIN bytes of present values (BOOLEAN: a byte each, bit-packed when the page is made). */
function plainBytes(type: Exclude<ColumnType, 'UTF8'>, values: unknown[]): Uint8Array {
  // Typed arrays filled by a loop: TypedArray.from iterates, several times slower on plain arrays.
  const n = values.length;
  switch (type) {
    case 'INT32':
    case 'DATE': {
      const out = new Int32Array(n);
      for (let j = 0; j < n; j++) out[j] = values[j] as number;
      return new Uint8Array(out.buffer);
    }
    case 'INT64': {
      const out = new BigInt64Array(n);
      for (let j = 0; j < n; j++) out[j] = values[j] as bigint;
      return new Uint8Array(out.buffer);
    }
    case 'DOUBLE': {
      const out = new Float64Array(n);
      for (let j = 0; j < n; j++) out[j] = values[j] as number;
      return new Uint8Array(out.buffer);
    }
    case 'BOOLEAN': {
      const out = new Uint8Array(n);
      for (let j = 0; j < n; j++) out[j] = values[j] ? 1 : 0;
      return out;
    }
  }
}

/** Strings as PLAIN BYTE_ARRAY: each one's UTF-8 length (4 bytes, little-endian), then its UTF-8 (a lone surrogate as U+FFFD). */
export function plainText(values: string[]): Uint8Array {
  return plainTextScratch(values).slice();
}

const textScratch = utf8Scratch();

/**
 * plainText's bytes in a buffer kept between calls, valid until the next call: for bytes that are
 * compressed (copied) at once, which saves allocating a buffer of the worst-case size and copying
 * the result out of it.
 */
function plainTextScratch(values: string[]): Uint8Array {
  let bound = 0;
  for (let j = 0; j < values.length; j++) bound += 4 + values[j]!.length * 3;
  const buf = textScratch.get(bound);
  let at = 0;
  for (let j = 0; j < values.length; j++) {
    const n = buf.utf8Write(values[j]!, at + 4);
    buf[at] = n;
    buf[at + 1] = n >>> 8;
    buf[at + 2] = n >>> 16;
    buf[at + 3] = n >>> 24;
    at += 4 + n;
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, at);
}

/** Code points from U+10000 on: in UTF-16 they sort before U+E000..U+FFFF, in UTF-8 after. */
const SURROGATE = /[\uD800-\uDFFF]/;

/** A piece's statistics: chunkStatistics turns its pieces' into the chunk's. */
interface Bounds<T> {
  min: T | undefined;
  max: T | undefined;
  nulls: number;
  nans: number;
}

/**
 * The bounds of a column's values as hyparquet-writer computes them (text ordered by UTF-8 bytes,
 * NaN left out of the bounds and counted), but with one loop for text and one for numbers,
 * bigints and booleans instead of its checks for every kind of value on each one, which cost a
 * tenth of publishing.
 */
export function valueBounds(values: unknown[], type: ColumnType): Bounds<unknown> {
  return type === 'UTF8' ? textBounds(values as Array<string | null>) : orderedBounds(values as Array<number | bigint | boolean | null>);
}

/**
 * JavaScript's string order (UTF-16 code units) is UTF-8 byte order unless a surrogate pair meets a
 * character from U+E000 on, so it decides unless the column holds a surrogate.
 */
function textBounds(values: Array<string | null>): Bounds<string> {
  let min: string | undefined;
  let max: string | undefined;
  let nulls = 0;
  let surrogates = false;
  for (const v of values) {
    if (v === null) {
      nulls++;
      continue;
    }
    if (!surrogates) surrogates = SURROGATE.test(v);
    if (min === undefined || max === undefined) min = max = v;
    else if (v < min) min = v;
    else if (v > max) max = v;
  }
  if (surrogates) {
    min = max = undefined;
    for (const v of values) {
      if (v === null) continue;
      if (min === undefined || max === undefined) min = max = v;
      else if (compareCodePoints(v, min) < 0) min = v;
      else if (compareCodePoints(v, max) > 0) max = v;
    }
  }
  return { min, max, nulls, nans: 0 };
}

/**
 * Bounds of numbers, INT64 bigints and booleans: all order with < (false before true); only
 * numbers can be NaN, which is left out of the bounds and counted.
 */
function orderedBounds<T extends number | bigint | boolean>(values: Array<T | null>): Bounds<T> {
  let min: T | undefined;
  let max: T | undefined;
  let nulls = 0;
  let nans = 0;
  for (const v of values) {
    if (v === null) nulls++;
    else if (typeof v === 'number' && Number.isNaN(v)) nans++;
    else if (min === undefined || max === undefined) min = max = v;
    else if (v < min) min = v;
    else if (v > max) max = v;
  }
  return { min, max, nulls, nans };
}

/** Order of strings by code point, a lone surrogate counting as U+FFFD (as TextEncoder writes it). */
export function compareCodePoints(a: string, b: string): number {
  for (let i = 0; i < a.length && i < b.length; ) {
    const x = codePoint(a, i);
    const y = codePoint(b, i);
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}

function codePoint(s: string, i: number): number {
  const c = s.codePointAt(i)!;
  return c >= 0xd800 && c <= 0xdfff ? 0xfffd : c;
}

/** Snappy stream of joined pieces: the total length as a varint, then each piece's elements. */
function snappyJoin(pieces: ColumnPiece[], plainLength: number): Uint8Array[] {
  const head = new Bytes();
  head.varint(plainLength);
  return [head.bytes(), ...pieces.map((p) => p.values)];
}

/** Rows [from, to) of a piece: a document cut where a row group ends. */
function slicePiece(c: Column, p: ColumnPiece, from: number, to: number): ColumnPiece {
  let vFrom = from;
  let vTo = to;
  if (p.defs) {
    vFrom = 0;
    for (let j = 0; j < from; j++) vFrom += p.defs[j]!;
    vTo = vFrom;
    for (let j = from; j < to; j++) vTo += p.defs[j]!;
  }
  const defs = p.defs ? p.defs.slice(from, to) : null;
  const nulls = to - from - (vTo - vFrom);
  if (p.dict) {
    // Only the values the slice uses, renumbered in first-use order (as columnPiece numbers them):
    // the whole dictionary would put the other part's values into this row group's dictionary too.
    const dict = p.dict;
    const renumber = new Map<number, number>();
    const used: string[] = [];
    const indexes = p.indexes!.slice(vFrom, vTo);
    for (let j = 0; j < indexes.length; j++) {
      let k = renumber.get(indexes[j]!);
      if (k === undefined) renumber.set(indexes[j]!, (k = used.push(dict[indexes[j]!]!) - 1));
      indexes[j] = k;
    }
    const s = textBounds(used);
    return { ...p, rows: to - from, nulls, defs, dict: used, indexes, min: s.min, max: s.max };
  }
  const raw = c.type === 'BOOLEAN' || deltaEncoded(c.type);
  const plain = raw ? p.values : snappyExpand(p.values, p.plainBytes);
  let bFrom: number;
  let bTo: number;
  if (c.type === 'UTF8') {
    const view = new DataView(plain.buffer, plain.byteOffset, plain.length);
    let at = 0;
    for (let k = 0; k < vFrom; k++) at += 4 + view.getUint32(at, true);
    bFrom = at;
    for (let k = vFrom; k < vTo; k++) at += 4 + view.getUint32(at, true);
    bTo = at;
  } else {
    const width = c.type === 'BOOLEAN' ? 1 : c.type === 'INT32' || c.type === 'DATE' ? 4 : 8;
    bFrom = vFrom * width;
    bTo = vTo * width;
  }
  const part = plain.slice(bFrom, bTo);
  const s = c.type === 'UTF8' ? plainTextBounds(part) : valueBounds(plainValues(c.type, part), c.type);
  // The two parts go as Snappy literals, uncompressed: a cut is rare (once per row group), and
  // compressing again would cost the main thread more than the few bytes are worth.
  return { ...p, rows: to - from, nulls, defs, values: raw ? part : snappyLiteral(part), plainBytes: part.length, min: s.min, max: s.max, nans: s.nans };
}

/**
 * The bounds of PLAIN text compared as UTF-8 bytes, whose order is code point order (the order
 * valueBounds gives the decoded strings, a lone surrogate being U+FFFD in both): only the two
 * bounds are decoded, not every value of a cut document's part.
 */
export function plainTextBounds(plain: Uint8Array): Bounds<string> {
  const view = new DataView(plain.buffer, plain.byteOffset, plain.length);
  let minAt = -1;
  let minLength = 0;
  let maxAt = -1;
  let maxLength = 0;
  for (let at = 0; at < plain.length; ) {
    const length = view.getUint32(at, true);
    const v = at + 4;
    if (minAt < 0) (minAt = maxAt = v, minLength = maxLength = length);
    else if (compareBytes(plain, v, length, minAt, minLength) < 0) (minAt = v, minLength = length);
    else if (compareBytes(plain, v, length, maxAt, maxLength) > 0) (maxAt = v, maxLength = length);
    at = v + length;
  }
  const text = (from: number, length: number) => (from < 0 ? undefined : utf8Decoder.decode(plain.subarray(from, from + length)));
  return { min: text(minAt, minLength), max: text(maxAt, maxLength), nulls: 0, nans: 0 };
}

function compareBytes(bytes: Uint8Array, a: number, aLength: number, b: number, bLength: number): number {
  const n = Math.min(aLength, bLength);
  for (let k = 0; k < n; k++) if (bytes[a + k] !== bytes[b + k]) return bytes[a + k]! - bytes[b + k]!;
  return aLength - bLength;
}

const utf8Decoder = new TextDecoder();

/** PLAIN bytes of numbers or booleans back to values, as parquetColumns gave them to the statistics (text has plainTextBounds). */
function plainValues(type: Exclude<ColumnType, 'UTF8'>, plain: Uint8Array): unknown[] {
  const copy = () => plain.slice().buffer;
  switch (type) {
    case 'INT32':
    case 'DATE':
      return [...new Int32Array(copy())];
    case 'INT64':
      return [...new BigInt64Array(copy())];
    case 'DOUBLE':
      return [...new Float64Array(copy())];
    case 'BOOLEAN':
      return [...plain].map((b) => b === 1);
  }
}

/** Order of two statistics values of a column's type (text by code point, as UTF-8 orders it). */
function compareStat(type: ColumnType, a: unknown, b: unknown): number {
  if (type === 'UTF8') return compareCodePoints(a as string, b as string);
  if (type === 'BOOLEAN') return Number(a) - Number(b);
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/**
 * The statistics of a column chunk from its pieces', as the writer's metadata takes them: counts
 * as bigints, the NaN count in DOUBLE columns only, and a zero bound as -0 below and +0 above, as
 * the format asks.
 */
function chunkStatistics(c: Column, pieces: ColumnPiece[]): ColumnMetaData['statistics'] {
  let min: unknown;
  let max: unknown;
  let nulls = 0;
  let nans = 0;
  for (const p of pieces) {
    nulls += p.nulls;
    nans += p.nans;
    if (p.min !== undefined && (min === undefined || compareStat(c.type, p.min, min) < 0)) min = p.min;
    if (p.max !== undefined && (max === undefined || compareStat(c.type, p.max, max) > 0)) max = p.max;
  }
  if (min === 0) min = -0;
  if (max === 0) max = 0;
  return { min_value: min, max_value: max, null_count: BigInt(nulls), ...(c.type === 'DOUBLE' ? { nan_count: BigInt(nans) } : {}) } as ColumnMetaData['statistics'];
}

type PageEncoding = 'PLAIN' | 'RLE_DICTIONARY' | 'DELTA_BINARY_PACKED';

/** The pages of one column chunk as they are written: their offsets and encodings, and the chunk's uncompressed size. */
class ChunkPages {
  uncompressed = 0;
  readonly pageOffsets: Array<{ offset: bigint; compressed_page_size: number; first_row_index: bigint }> = [];
  readonly pageEncodings = new Map<PageEncoding, number>();

  constructor(private readonly out: FlushingWriter, private readonly nullable: boolean) {}

  /** The dictionary page: the values PLAIN, Snappy-compressed. */
  dictionaryPage(dictionary: string[]): void {
    const out = this.out;
    const plain = plainTextScratch(dictionary);
    const packed = snappyCompress(plain);
    const headerStart = out.offset;
    writePageHeader(out, { type: 'DICTIONARY_PAGE', uncompressed_page_size: plain.length, compressed_page_size: packed.length, dictionary_page_header: { num_values: dictionary.length, encoding: 'PLAIN' } });
    this.uncompressed += out.offset - headerStart + plain.length;
    out.appendValues(packed);
  }

  /** A data page of the rows of `group`, starting at row `firstRow` of the chunk. */
  page(group: ColumnPiece[], firstRow: number, encoding: PageEncoding, values: Uint8Array[], plainLength: number, compressed: boolean): void {
    const out = this.out;
    const offset = out.offset;
    let rowsIn = 0;
    let nulls = 0;
    for (const p of group) (rowsIn += p.rows, nulls += p.nulls);
    const levels = this.nullable ? definitionLevels(group, rowsIn) : EMPTY;
    let valuesLength = 0;
    for (const v of values) valuesLength += v.length;
    writePageHeader(out, {
      type: 'DATA_PAGE_V2',
      uncompressed_page_size: levels.length + plainLength,
      compressed_page_size: levels.length + valuesLength,
      data_page_header_v2: {
        num_values: rowsIn, num_nulls: nulls, num_rows: rowsIn, encoding,
        definition_levels_byte_length: levels.length, repetition_levels_byte_length: 0, is_compressed: compressed,
      },
    });
    this.uncompressed += out.offset - offset + levels.length + plainLength;
    out.appendBytes(levels);
    for (const v of values) out.appendValues(v);
    this.pageOffsets.push({ offset: BigInt(offset), compressed_page_size: out.offset - offset, first_row_index: BigInt(firstRow) });
    this.pageEncodings.set(encoding, (this.pageEncodings.get(encoding) ?? 0) + 1);
  }
}

/** Dictionary indexes as a data page's values: the bit width, then the indexes RLE/bit-packed (uncompressed: V2 allows it page by page, and they are small already). */
function dictionaryIndexes(indexes: Uint32Array): Uint8Array {
  let max = 0;
  for (let k = 0; k < indexes.length; k++) if (indexes[k]! > max) max = indexes[k]!;
  const bitWidth = max === 0 ? 0 : 32 - Math.clz32(max);
  const data = new Bytes();
  data.byte(bitWidth);
  rleHybrid(data, indexes, bitWidth);
  return data.bytes();
}

/** The raw 32-bit values of a page's pieces, in one array. */
function joinInts(group: ColumnPiece[], plainLength: number): Int32Array {
  const ints = new Int32Array(plainLength / 4);
  let at = 0;
  for (const p of group) (ints.set(new Int32Array(p.values.buffer, p.values.byteOffset, p.values.length / 4), at), (at += p.values.length / 4));
  return ints;
}

export class ParquetSink {
  private readonly file: FileSink;
  private readonly out: FlushingWriter;
  private readonly schema: SchemaElement[];
  private pieces: ColumnPiece[][];
  private readonly rowGroups: RowGroup[] = [];
  private readonly indexes: Array<{ chunk: ColumnChunk; offsetIndex: OffsetIndex | undefined }> = [];
  buffered = 0;
  rows = 0;

  /**
   * `keepBytes`: the buffer for page headers and small pages kept between row groups (a table's
   * values go to the file without it).
   */
  constructor(private readonly spec: TableSpec, path: string, private readonly rowGroupRows = ROW_GROUP_ROWS, keepBytes = 1 << 22) {
    this.file = new FileSink(path);
    this.out = new FlushingWriter(this.file, keepBytes);
    this.schema = parquetSchema(spec);
    this.pieces = spec.columns.map(() => []);
    this.out.appendUint32(0x31524150); // PAR1
  }

  append(rows: Cell[][]): void {
    this.appendColumns(parquetColumns(this.spec, rows), rows.length);
  }

  /** `rows` rows in the form parquetColumns gives; read, not changed. */
  appendColumns(packed: PackedColumns, rows: number): void {
    for (let done = 0; done < rows; ) {
      const end = Math.min(rows, done + this.rowGroupRows - this.buffered);
      for (let i = 0; i < packed.length; i++) {
        const piece = packed[i]![0];
        this.pieces[i]!.push(done === 0 && end === rows ? piece : slicePiece(this.spec.columns[i]!, piece, done, end));
      }
      this.buffered += end - done;
      done = end;
      if (this.buffered >= this.rowGroupRows || this.pieces[0]!.length >= ROW_GROUP_PIECES) this.flush();
    }
  }

  /** Write what is buffered as one row group. */
  flush(): void {
    const n = this.buffered;
    if (n === 0) return;
    const start = this.out.offset;
    const columns: ColumnChunk[] = [];
    let uncompressed = 0;
    this.spec.columns.forEach((c, i) => {
      const { chunk, offsetIndex } = this.writeChunk(c, this.schema[i + 1]!, this.pieces[i]!, n);
      columns.push(chunk);
      uncompressed += Number(chunk.meta_data!.total_uncompressed_size);
      this.indexes.push({ chunk, offsetIndex });
    });
    this.rowGroups.push({ columns, total_byte_size: BigInt(uncompressed), num_rows: BigInt(n), total_compressed_size: BigInt(this.out.offset - start) });
    this.out.flush();
    this.rows += n;
    this.buffered = 0;
    this.pieces = this.spec.columns.map(() => []);
  }

  private writeChunk(c: Column, element: SchemaElement, pieces: ColumnPiece[], rows: number): { chunk: ColumnChunk; offsetIndex: OffsetIndex | undefined } {
    const out = this.out;
    const chunkStart = out.offset;
    const pages = new ChunkPages(out, c.nullable);
    let dictionaryOffset: bigint | undefined;
    const merged = usesDictionary(c) ? mergeDictionaries(pieces) : null;
    // A chunk of nulls only has no dictionary: its one page is PLAIN, with no values.
    if (merged && merged.indexes.length > 0) {
      dictionaryOffset = BigInt(out.offset);
      pages.dictionaryPage(merged.dictionary);
      const bytes = dictionaryIndexes(merged.indexes);
      pages.page(pieces, 0, 'RLE_DICTIONARY', [bytes], bytes.length, false);
    } else if (deltaEncoded(c.type)) {
      for (const { group, firstRow, plainLength } of pagesOf(pieces)) {
        const delta = deltaBinaryPacked(joinInts(group, plainLength));
        // Values whose differences do not fit in 32 bits stay PLAIN (no column of ours has them).
        if (delta) pages.page(group, firstRow, 'DELTA_BINARY_PACKED', [delta], delta.length, false);
        else pages.page(group, firstRow, 'PLAIN', group.map((p) => p.values), plainLength, false);
      }
    } else if (c.type === 'BOOLEAN') {
      const bits = booleanBits(pieces);
      pages.page(pieces, 0, 'PLAIN', [bits], bits.length, false);
    } else {
      for (const { group, firstRow, plainLength } of pagesOf(pieces)) pages.page(group, firstRow, 'PLAIN', snappyJoin(group, plainLength), plainLength, true);
    }
    const { pageOffsets, pageEncodings, uncompressed } = pages;
    // Pushed one by one rather than spread from arrays: a spread's iteration over arrays of
    // different kinds made writeChunk's optimized code bail out (wrong map) and compile again.
    const encodingStats: PageEncodingStats[] = [];
    if (dictionaryOffset !== undefined) encodingStats.push({ page_type: 'DICTIONARY_PAGE', encoding: 'PLAIN', count: 1 });
    for (const [e, count] of pageEncodings) encodingStats.push({ page_type: 'DATA_PAGE_V2', encoding: e, count });
    const chunk: ColumnChunk = {
      file_offset: BigInt(chunkStart),
      meta_data: {
        type: element.type!,
        encodings: chunkEncodings(c, dictionaryOffset !== undefined, pageEncodings.keys()),
        path_in_schema: [c.name],
        codec: 'SNAPPY',
        num_values: BigInt(rows),
        total_compressed_size: BigInt(out.offset - chunkStart),
        total_uncompressed_size: BigInt(uncompressed),
        data_page_offset: pageOffsets[0]!.offset,
        ...(dictionaryOffset !== undefined ? { dictionary_page_offset: dictionaryOffset } : {}),
        statistics: chunkStatistics(c, pieces),
        encoding_stats: encodingStats,
      },
    };
    return { chunk, offsetIndex: pageOffsets.length > 1 ? { page_locations: pageOffsets } : undefined };
  }

  close(): Written {
    this.flush();
    if (this.rows === 0) {
      // hyparquet-writer 0.17 encodes the empty row-group list with element type 0, which the
      // Thrift compact protocol does not allow and arrow-rs (parquet-wasm, Polars) refuses; an
      // empty table gets a footer written here instead, after the PAR1.
      this.out.flush();
      this.file.write(emptyFooter(this.spec));
    } else {
      writeIndexes(this.out, this.indexes);
      const metadata = { version: 2, created_by: CREATED_BY, schema: this.schema, num_rows: BigInt(this.rows), row_groups: this.rowGroups };
      writeMetadata(this.out, metadata as never);
      this.out.appendUint32(0x31524150); // PAR1
      this.out.finish();
    }
    return this.file.close();
  }

  discard(): void {
    this.file.discard();
  }
}

/**
 * Integers and dates are delta-encoded: offsets into a file, sequence numbers and years change
 * little from row to row, so the differences take a few bits each where PLAIN takes four bytes
 * (and Snappy finds nothing to shorten in a document's few hundred of them).
 */
function deltaEncoded(type: ColumnType): boolean {
  return type === 'INT32' || type === 'DATE';
}

/** A column chunk's pieces cut into pages of whole pieces, each at most about PAGE_BYTES of PLAIN values. */
function* pagesOf(pieces: ColumnPiece[]): Generator<{ group: ColumnPiece[]; firstRow: number; plainLength: number }> {
  let first = 0;
  let firstRow = 0;
  let plainLength = 0;
  let rows = 0;
  for (let k = 0; k <= pieces.length; k++) {
    if (k === pieces.length || (k > first && plainLength + pieces[k]!.plainBytes > PAGE_BYTES)) {
      yield { group: pieces.slice(first, k), firstRow, plainLength };
      firstRow += rows;
      first = k;
      plainLength = 0;
      rows = 0;
    }
    if (k < pieces.length) {
      plainLength += pieces[k]!.plainBytes;
      rows += pieces[k]!.rows;
    }
  }
}

/** Definition levels of a page's rows (1 present, 0 null), RLE/bit-packed with the 4-byte length V2 leaves out. */
function definitionLevels(pieces: ColumnPiece[], rows: number): Uint8Array {
  const out = new Bytes();
  if (pieces.every((p) => p.nulls === 0)) {
    // No nulls: one run of ones.
    if (rows > 0) (out.varint(rows * 2), out.byte(1));
    return out.bytes();
  }
  const levels = new Uint32Array(rows);
  let at = 0;
  for (const p of pieces) {
    if (p.defs) levels.set(p.defs, at);
    else levels.fill(1, at, at + p.rows);
    at += p.rows;
  }
  rleHybrid(out, levels, 1);
  return out.bytes();
}

/**
 * The chunk's encodings as parquet-mr and arrow-rs list them: the dictionary page's PLAIN, the data
 * pages' encodings, and RLE when the column has definition levels (RLE/bit-packed). Sorted, so the
 * list does not depend on which page came first.
 */
function chunkEncodings(c: Column, dictionary: boolean, pages: Iterable<string>): ColumnMetaData['encodings'] {
  const all = new Set<string>(pages);
  if (dictionary) all.add('PLAIN');
  if (c.nullable) all.add('RLE');
  return [...all].sort() as ColumnMetaData['encodings'];
}

/** The row group's dictionary (values in first-seen order) and every present value's index in it. */
function mergeDictionaries(pieces: ColumnPiece[]): { dictionary: string[]; indexes: Uint32Array } {
  // One piece's values are already distinct and in first-seen order: they are the dictionary
  // (nothing downstream changes it or the indexes).
  if (pieces.length === 1) return { dictionary: pieces[0]!.dict!, indexes: pieces[0]!.indexes! };
  const ids = new Map<string, number>();
  const dictionary: string[] = [];
  let count = 0;
  for (const p of pieces) count += p.indexes!.length;
  const indexes = new Uint32Array(count);
  let at = 0;
  for (const p of pieces) {
    const dict = p.dict!;
    const remap = remapScratch(dict.length);
    for (let j = 0; j < dict.length; j++) {
      const v = dict[j]!;
      let k = ids.get(v);
      if (k === undefined) ids.set(v, (k = dictionary.push(v) - 1));
      remap[j] = k;
    }
    const local = p.indexes!;
    for (let j = 0; j < local.length; j++) indexes[at++] = remap[local[j]!]!;
  }
  return { dictionary, indexes };
}

/** Reused across pieces and chunks: a fresh array per piece was a fair share of publish's garbage. */
let remapBuffer = new Uint32Array(1024);

function remapScratch(n: number): Uint32Array {
  if (remapBuffer.length < n) remapBuffer = new Uint32Array(Math.max(n, remapBuffer.length * 2));
  return remapBuffer;
}

/** PLAIN booleans: bit-packed, least significant bit first. */
function booleanBits(pieces: ColumnPiece[]): Uint8Array {
  let n = 0;
  for (const p of pieces) n += p.values.length;
  const bits = new Uint8Array(Math.ceil(n / 8));
  let k = 0;
  for (const p of pieces) {
    const values = p.values;
    for (let j = 0; j < values.length; j++, k++) bits[k >> 3]! |= values[j]! << (k & 7);
  }
  return bits;
}

/**
 * The rest of a Parquet file with no rows, after the PAR1 the writer has written: FileMetaData in
 * the Thrift compact protocol (version, schema, num_rows 0, an empty list of row groups typed as
 * structs, created_by), its length, PAR1.
 */
function emptyFooter(spec: TableSpec): Uint8Array {
  const out: number[] = [];
  const varint = (n: number) => {
    for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n % 128) | 0x80);
    out.push(n);
  };
  const zigzag = (n: number) => varint(n >= 0 ? n * 2 : -n * 2 - 1);
  let last = 0;
  // A field header: the id as a delta from the previous field's (all deltas here are 1..15), then the type.
  const field = (id: number, type: number) => {
    out.push(((id - last) << 4) | type);
    last = id;
  };
  const I32 = 5, I64 = 6, BINARY = 8, LIST = 9, STRUCT = 12;
  const i32 = (id: number, v: number) => (field(id, I32), zigzag(v));
  const str = (id: number, v: string) => {
    const bytes = Buffer.from(v, 'utf8');
    field(id, BINARY);
    varint(bytes.length);
    out.push(...bytes);
  };
  const list = (id: number, size: number) => {
    field(id, LIST);
    if (size < 15) out.push((size << 4) | STRUCT);
    else (out.push(0xf0 | STRUCT), varint(size));
  };
  const TYPE_CODE = { BOOLEAN: 0, INT32: 1, INT64: 2, DOUBLE: 5, BYTE_ARRAY: 6 } as const;
  const CONVERTED = { UTF8: 0, DATE: 6 } as const;
  i32(1, 2);
  list(2, spec.columns.length + 1);
  const element = (write: () => void) => {
    const outer = last;
    last = 0;
    write();
    out.push(0); // end of struct
    last = outer;
  };
  element(() => (str(4, 'root'), i32(5, spec.columns.length)));
  for (const c of spec.columns) {
    const p = PHYSICAL[c.type];
    element(() => {
      i32(1, TYPE_CODE[p.type]);
      i32(3, c.nullable ? 1 : 0);
      str(4, c.name);
      if (p.converted_type) i32(6, CONVERTED[p.converted_type]);
    });
  }
  field(3, I64);
  zigzag(0);
  list(4, 0);
  str(6, CREATED_BY);
  out.push(0); // end of FileMetaData
  const length = out.length;
  out.push(length & 0xff, (length >> 8) & 0xff, (length >> 16) & 0xff, length >>> 24, 0x50, 0x41, 0x52, 0x31);
  return Uint8Array.from(out);
}

/** A whole table into one file. */
export function writeParquet(spec: TableSpec, rows: Cell[][], path: string): Written {
  const sink = new ParquetSink(spec, path);
  try {
    sink.append(rows);
    return sink.close();
  } catch (err) {
    sink.discard();
    throw err;
  }
}
