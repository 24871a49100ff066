/**
 * Parquet through hyparquet-writer, fed column by column: rows are buffered per column and
 * written as a row group every ROW_GROUP_ROWS rows, so a table of any size streams to disk.
 *
 * Why hyparquet-writer (it replaced parquetjs-lite): it takes columns, not records, so there is no
 * per-row shredding (parquetjs-lite spent most of a build there); it writes row groups one at a
 * time; and it orders string statistics by UTF-8 bytes as readers do (parquetjs-lite ordered
 * them by UTF-16 code units, so DuckDB skipped rows holding characters outside the BMP).
 * Pages are DataPage V2 with SNAPPY; statistics are on, text min/max truncated to 16 bytes
 * (a truncated min/max still bounds the values, which is all a reader's filter needs).
 */
import type { ColumnMetaData, SchemaElement } from 'hyparquet';
import type { PageEncodingStats } from 'hyparquet/src/types.js';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { FileSink, type Written } from './file-sink.js';
import type { ColumnType, TableSpec } from './table-schema.js';
import type { Cell } from './typed-row.js';

/** Rows per row group: large enough for readers to scan fast, small enough to buffer. */
export const ROW_GROUP_ROWS = 10_000;

const PHYSICAL: Record<ColumnType, { type: 'INT32' | 'INT64' | 'DOUBLE' | 'BOOLEAN' | 'BYTE_ARRAY'; converted_type?: 'UTF8' | 'DATE' }> = {
  INT32: { type: 'INT32' },
  INT64: { type: 'INT64' },
  DOUBLE: { type: 'DOUBLE' },
  BOOLEAN: { type: 'BOOLEAN' },
  DATE: { type: 'INT32', converted_type: 'DATE' },
  UTF8: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
};

const DAY_MS = 86_400_000;
export const CREATED_BY = 'cn-gov-indicators (hyparquet-writer)';

/** The Parquet schema of a table: one flat column per schema property. */
export function parquetSchema(spec: TableSpec): SchemaElement[] {
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

  override finish(): void {
    this.flush();
  }
}

/**
 * Rows as the writer's columns, values in their physical form (INT64 as bigint, DATE as days
 * since 1970): made once per document, maybe in a worker thread, and shared by every file the
 * rows go to.
 */
export function parquetColumns(spec: TableSpec, rows: Cell[][]): unknown[][] {
  return spec.columns.map((c, i) => {
    const out: unknown[] = [];
    for (let j = 0; j < rows.length; j++) out.push(rows[j]![i]);
    if (c.type === 'INT64') for (let j = 0; j < out.length; j++) out[j] = out[j] === null ? null : BigInt(out[j] as number);
    else if (c.type === 'DATE') for (let j = 0; j < out.length; j++) out[j] = out[j] === null ? null : Date.parse(`${out[j] as string}T00:00:00Z`) / DAY_MS;
    return out;
  });
}

/** A column chunk's statistics as the writer's metadata takes them. */
interface Statistics {
  min_value?: unknown;
  max_value?: unknown;
  null_count: bigint;
  nan_count?: bigint;
}

/** Code points from U+10000 on: in UTF-16 they sort before U+E000..U+FFFF, in UTF-8 after. */
const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * A column's statistics exactly as hyparquet-writer computes them (text ordered by UTF-8 bytes,
 * NaN left out of the bounds and counted in DOUBLE columns, a zero bound as -0 below and +0
 * above), but with a loop per type instead of its checks for every kind of value on each one,
 * which cost a tenth of publishing.
 */
export function columnStatistics(values: unknown[], type: ColumnType): Statistics {
  const s = type === 'UTF8' ? textBounds(values as Array<string | null>) : type === 'INT64' ? bigintBounds(values as Array<bigint | null>) : type === 'BOOLEAN' ? booleanBounds(values as Array<boolean | null>) : numberBounds(values as Array<number | null>);
  if (s.min === 0) s.min = -0;
  if (s.max === 0) s.max = 0;
  return { min_value: s.min, max_value: s.max, null_count: BigInt(s.nulls), ...(type === 'DOUBLE' ? { nan_count: BigInt(s.nans) } : {}) };
}

interface Bounds<T> {
  min: T | undefined;
  max: T | undefined;
  nulls: number;
  nans: number;
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

function numberBounds(values: Array<number | null>): Bounds<number> {
  let min: number | undefined;
  let max: number | undefined;
  let nulls = 0;
  let nans = 0;
  for (const v of values) {
    if (v === null) nulls++;
    else if (Number.isNaN(v)) nans++;
    else if (min === undefined || max === undefined) min = max = v;
    else if (v < min) min = v;
    else if (v > max) max = v;
  }
  return { min, max, nulls, nans };
}

function bigintBounds(values: Array<bigint | null>): Bounds<bigint> {
  let min: bigint | undefined;
  let max: bigint | undefined;
  let nulls = 0;
  for (const v of values) {
    if (v === null) nulls++;
    else if (min === undefined || max === undefined) min = max = v;
    else if (v < min) min = v;
    else if (v > max) max = v;
  }
  return { min, max, nulls, nans: 0 };
}

function booleanBounds(values: Array<boolean | null>): Bounds<boolean> {
  let min: boolean | undefined;
  let max: boolean | undefined;
  let nulls = 0;
  for (const v of values) {
    if (v === null) nulls++;
    else {
      if (min === undefined || (min && !v)) min = v;
      if (max === undefined || (!max && v)) max = v;
    }
  }
  return { min, max, nulls, nans: 0 };
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

/** The page encodings of a column chunk, as the writer records them when it makes the statistics. */
function encodingStats(meta: ColumnMetaData, dataPages: number): PageEncodingStats[] {
  return [
    ...(meta.dictionary_page_offset !== undefined ? [{ page_type: 'DICTIONARY_PAGE' as const, encoding: 'PLAIN' as const, count: 1 }] : []),
    { page_type: 'DATA_PAGE_V2' as const, encoding: meta.encodings.at(-1)!, count: dataPages },
  ];
}

const utf8 = new TextEncoder();

/**
 * A text column the writer would write PLAIN (its sample rules out a dictionary, as for keys), when
 * all of it is ASCII: its values as UTF-8 slices of one encoded string, so the writer does not
 * encode each value into a buffer of its own (a native call and a buffer for the garbage
 * collector per value). Null otherwise, and the writer decides and encodes as usual. The bytes
 * written are the same: PLAIN is what the writer picks, and for ASCII a value's byte length,
 * which the writer then sizes pages by, is its string length.
 */
export function plainAsciiBytes(values: string[]): Uint8Array[] | null {
  if (!dictionaryRejected(values)) return null;
  const joined = values.join('');
  const bytes = utf8.encode(joined);
  // Every character outside ASCII takes more than one byte.
  if (bytes.length !== joined.length) return null;
  let at = 0;
  return values.map((v) => bytes.subarray(at, (at += v.length)));
}

/**
 * hyparquet-writer's first test for a dictionary (useDictionary): on 1000 values spread over the
 * column, distinct values (4-byte length prefix included) making up more than 90% of the bytes.
 */
function dictionaryRejected(values: string[]): boolean {
  const sample = Math.min(values.length, 1000);
  const seen = new Set<string>();
  let distinct = 0;
  let total = 0;
  for (let i = 0; i < sample; i++) {
    const v = values[sample === 1 ? 0 : Math.floor((i * (values.length - 1)) / (sample - 1))]!;
    const size = v.length + 4;
    if (!seen.has(v)) {
      seen.add(v);
      distinct += size;
    }
    total += size;
  }
  return !total || distinct / total > 0.9;
}

export class ParquetSink {
  private readonly file: FileSink;
  private readonly writer: ParquetWriter;
  private readonly out: FlushingWriter;
  private columns: unknown[][];
  /** Columns worth trying plainAsciiBytes on: text without nulls, until a row group says no. */
  private readonly plainTried: boolean[];
  rows = 0;

  /**
   * `keepBytes`: the encoding buffer kept between row groups. A whole table writes row group after
   * row group and keeps it (growing it again each time costs a copy per doubling); the many year
   * partitions, which may wait the whole build for their next rows, keep little.
   */
  constructor(private readonly spec: TableSpec, path: string, private readonly rowGroupRows = ROW_GROUP_ROWS, keepBytes = 1 << 23) {
    this.file = new FileSink(path);
    this.out = new FlushingWriter(this.file, keepBytes);
    this.writer = new ParquetWriter({
      writer: this.out,
      schema: parquetSchema(spec),
      createdBy: CREATED_BY,
    });
    this.columns = spec.columns.map(() => []);
    this.plainTried = spec.columns.map((c) => c.type === 'UTF8' && !c.nullable);
  }

  /** Rows buffered, not yet in a row group. */
  get buffered(): number {
    return this.columns[0]!.length;
  }

  append(rows: Cell[][]): void {
    this.appendColumns(parquetColumns(this.spec, rows), rows.length);
  }

  /** `rows` rows in the form parquetColumns gives; the columns are read, not kept. */
  appendColumns(columns: unknown[][], rows: number): void {
    for (let done = 0; done < rows; ) {
      const end = Math.min(rows, done + this.rowGroupRows - this.buffered);
      for (let i = 0; i < columns.length; i++) {
        const from = columns[i]!;
        const to = this.columns[i]!;
        // A whole document's column (at most a row group) in one push: the engine copies it in bulk.
        if (done === 0 && end === from.length) to.push(...from);
        else for (let j = done; j < end; j++) to.push(from[j]);
      }
      done = end;
      if (this.buffered >= this.rowGroupRows) this.flush();
    }
  }

  /** Write what is buffered as one row group. */
  flush(): void {
    const n = this.buffered;
    if (n === 0) return;
    // The writer's statistics, made here (see columnStatistics); the writer only encodes.
    void this.writer.write({
      columnData: this.spec.columns.map((c, i) => {
        const bytes = this.plainTried[i] ? plainAsciiBytes(this.columns[i] as string[]) : null;
        // A column that once kept its dictionary or held other than ASCII is left to the writer.
        if (!bytes) this.plainTried[i] = false;
        return bytes ? { name: c.name, data: bytes as never, statistics: false, encoding: 'PLAIN' as const } : { name: c.name, data: this.columns[i]! as never, statistics: false };
      }),
      rowGroupSize: n,
    });
    const chunks = this.writer.row_groups.at(-1)!.columns;
    const indexes = this.writer.pendingIndexes.slice(-chunks.length);
    this.spec.columns.forEach((c, i) => {
      const meta = chunks[i]!.meta_data!;
      meta.statistics = columnStatistics(this.columns[i]!, c.type) as ColumnMetaData['statistics'];
      meta.encoding_stats = encodingStats(meta, indexes[i]!.offsetIndex?.page_locations.length ?? 1);
    });
    this.rows += n;
    this.columns = this.spec.columns.map(() => []);
  }

  close(): Written {
    this.flush();
    if (this.rows === 0) {
      // hyparquet-writer 0.17 encodes the empty row-group list with element type 0, which the
      // Thrift compact protocol does not allow and arrow-rs (parquet-wasm, Polars) refuses; an
      // empty table gets a footer written here instead, after the PAR1 the writer holds.
      this.out.flush();
      this.file.write(emptyFooter(this.spec));
    } else {
      void this.writer.finish();
    }
    return this.file.close();
  }

  discard(): void {
    this.file.discard();
  }
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
