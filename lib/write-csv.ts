/**
 * CSV written for the readers people use: UTF-8 with a BOM (Excel shows Chinese correctly only
 * then; pandas and DuckDB skip it), RFC 4180 quoting and CRLF records, a header row, empty field
 * for null, booleans as true/false, ISO dates, numbers in shortest round-trip form without
 * thousands separators. Rows are appended in batches as documents arrive, so no table is held whole.
 *
 * The fields are formatted here rather than by csv-stringify, which did this before: its
 * per-field option handling took a tenth of a build's CPU time. The rules are csv-stringify's
 * with the options we gave it, and a property test checks that both write the same bytes.
 */
import { FileSink, type Written } from './file-sink.js';
import { utf8Scratch, type Utf8Buffer } from './scratch.js';
import { tableSpecs, type TableSpec } from './table-schema.js';
import type { Cell } from './typed-row.js';
import { warmUp } from './warm-up.js';

/**
 * Strings pandas' read_csv turns into NaN by default. A text value equal to one of them would
 * silently become missing, so it is refused instead.
 */
export const PANDAS_NA_STRINGS = new Set([
  '', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN',
  '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null',
]);

/** The longest of them: a longer value needs no lookup (which would hash all of it). */
const NA_MAX_LENGTH = Math.max(...[...PANDAS_NA_STRINGS].map((v) => v.length));

export class AmbiguousCsvValueError extends Error {}

/**
 * A field must be quoted when it holds the delimiter, the quote or a line break (a bare LF or CR
 * too, which every reader takes as the end of a record), or starts or ends with white space (so
 * no reader trims it).
 */
// One regex is as fast as a test for [",\r\n] plus a look at the first and last unit (measured
// on the 50 MB corpus): the scan of the whole value is the cost, and the anchors add nothing.
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

export function csvField(v: string): string {
  return NEEDS_QUOTES.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/**
 * The CSV records of `rows` as UTF-8 bytes in a buffer of their own (so a worker thread can
 * transfer it instead of copying): formatting is per row, so a document's bytes can be made apart
 * from the file they end up in. `firstRow` (rows already in the table) only numbers the rows in
 * an error.
 *
 * The bytes are written field by field into a buffer kept between calls, not joined into a string
 * and encoded: that string (a rope of a node per field, flattened, then encoded) was most of
 * packing's garbage. Numbers and repeated fields are written without a string.
 */
export function csvBytes(spec: TableSpec, rows: Cell[][], firstRow = 0): Uint8Array {
  if (!warm) warmUpWriter();
  return records(spec, rows, firstRow);
}

function records(spec: TableSpec, rows: Cell[][], firstRow: number): Uint8Array {
  const w = new RecordWriter(spec.columns.length);
  const text = spec.columns.map((c) => c.type === 'UTF8');
  for (let j = 0; j < rows.length; j++) {
    const row = rows[j]!;
    for (let i = 0; i < row.length; i++) {
      const v = row[i]!;
      if (i > 0) w.byte(0x2c);
      if (v === null) continue;
      if (typeof v === 'string') {
        // The table checks (validateNamedRows) admit only ISO dates in a DATE column: nothing to quote.
        if (!text[i]) w.ascii(v);
        else if (!w.repeat(i, v)) {
          if (v.length <= NA_MAX_LENGTH && PANDAS_NA_STRINGS.has(v)) {
            throw new AmbiguousCsvValueError(`table ${spec.name}, row ${firstRow + j + 1}, column ${spec.columns[i]!.name}: the value "${v}" would read as missing in pandas`);
          }
          w.field(i, v);
        }
      } else if (typeof v === 'number') {
        // The table checks admit only finite numbers; String gives the shortest round-trip form.
        if ((v | 0) === v) w.integer(v);
        else w.ascii(String(v));
      } else {
        w.ascii(v ? 'true' : 'false');
      }
    }
    w.byte(0x0d);
    w.byte(0x0a);
  }
  return w.result();
}

let warm = false;

/**
 * Before the first real records (see lib/warm-up.ts), a few of every table with every kind of
 * value (a negative number, a quote) and both kinds of array the stages make rows in (packed and
 * holey): the writer was compiled 7 times per thread on the 50 MB corpus, 3 or 4 with this. On
 * the first call rather than at load, when the table schemas are wanted anyway.
 */
function warmUpWriter(): void {
  warm = true;
  const texts = ['中文', '中文', ' a "b,c"\r\n', 'é\uD83D\uDE00\uD800\uDC00'];
  const value = (type: string, j: number): Cell => {
    if (j % 5 === 4) return null;
    switch (type) {
      case 'UTF8': return texts[j % texts.length]!;
      case 'INT32': case 'INT64': return [7, -12, 2147483647, 0][j % 4]!;
      case 'DOUBLE': return [0.5, -1e21, 3, -2][j % 4]!;
      case 'BOOLEAN': return j % 2 === 0;
      default: return '2024-01-31';
    }
  };
  for (const spec of tableSpecs()) {
    const packed: Cell[][] = [];
    const holey: Cell[][] = new Array<Cell[]>(8);
    for (let j = 0; j < 8; j++) {
      const row = spec.columns.map((c) => value(c.type, j));
      const holeyRow = new Array<Cell>(row.length);
      for (let i = 0; i < row.length; i++) holeyRow[i] = row[i]!;
      packed.push(row);
      holey[j] = holeyRow;
    }
    warmUp(12, () => (records(spec, packed, 0), records(spec, holey, 0)));
  }
}

/** Where records are written before they are copied into a buffer of their own. */
const scratch = utf8Scratch();

/** A document's records as bytes, and where each column's previous text field was written. */
class RecordWriter {
  buf: Utf8Buffer = scratch.get(0);
  at = 0;
  /**
   * A column's previous value and its field's bytes: ids, file names, sections and classes repeat
   * row after row, and a repeat (usually the very same string) is copied, skipping the NA lookup,
   * the encoding and the scan for quoting.
   */
  private readonly lastValue: Array<string | null>;
  private readonly lastStart: number[];
  private readonly lastEnd: number[];

  constructor(columns: number) {
    this.lastValue = new Array<string | null>(columns).fill(null);
    this.lastStart = new Array<number>(columns).fill(0);
    this.lastEnd = new Array<number>(columns).fill(0);
  }

  private ensure(n: number): void {
    if (this.at + n > this.buf.length) this.buf = scratch.grow(this.buf, this.at, this.at + n);
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.at++] = b;
  }

  /** Text known to be ASCII: numbers' and dates' forms, true and false. */
  ascii(v: string): void {
    this.ensure(v.length);
    const buf = this.buf;
    let at = this.at;
    for (let k = 0; k < v.length; k++) buf[at++] = v.charCodeAt(k);
    this.at = at;
  }

  /** An integer of at most 32 bits in decimal, as String writes it (and -0 as 0). */
  integer(v: number): void {
    this.ensure(11);
    const buf = this.buf;
    if (v < 0) buf[this.at++] = 0x2d;
    let x = v < 0 ? -v : v;
    const digits = x < 10 ? 1 : x < 100 ? 2 : x < 1e3 ? 3 : x < 1e4 ? 4 : x < 1e5 ? 5 : x < 1e6 ? 6 : x < 1e7 ? 7 : x < 1e8 ? 8 : x < 1e9 ? 9 : 10;
    let at = this.at + digits;
    this.at = at;
    do {
      // x is below 2^32 (|-2^31| included), so the unsigned shift truncates the quotient exactly.
      const q = (x / 10) >>> 0;
      buf[--at] = 0x30 + x - q * 10;
      x = q;
    } while (x > 0);
  }

  /** Column `i`'s previous field again, if `v` is its previous value. */
  repeat(i: number, v: string): boolean {
    if (v !== this.lastValue[i]) return false;
    const start = this.lastStart[i]!;
    const end = this.lastEnd[i]!;
    this.ensure(end - start);
    const buf = this.buf;
    let at = this.at;
    this.lastStart[i] = at;
    // Most repeated fields are short ids and names: a loop costs less than calling copyWithin.
    if (end - start < 32) for (let k = start; k < end; k++) buf[at++] = buf[k]!;
    else (buf.copyWithin(at, start, end), (at += end - start));
    this.at = at;
    this.lastEnd[i] = at;
    return true;
  }

  /**
   * A text field of column `i`, as csvField writes it, encoded by Buffer's native UTF-8 writer. A
   * loop of charCodeAt in JavaScript was faster on JSON-parsed rows but slower than the old
   * rope-and-TextEncoder in the 50 MB build's workers, whose values are slices and concatenations
   * of larger texts (a loop reads those through an indirection per unit; the native writer
   * flattens them once).
   */
  field(i: number, v: string): void {
    const start = this.at;
    // Quoted, every unit may take 3 bytes (a quote doubled, 2), plus the two quotes.
    this.ensure(v.length * 3 + 2);
    this.at += this.buf.utf8Write(csvField(v), start);
    this.lastValue[i] = v;
    this.lastStart[i] = start;
    this.lastEnd[i] = this.at;
  }

  /** The bytes in a Uint8Array over an ArrayBuffer of exactly their size, left uninitialised before the copy. */
  result(): Uint8Array {
    const out = new Uint8Array(Buffer.allocUnsafeSlow(this.at).buffer, 0, this.at);
    out.set(this.buf.subarray(0, this.at));
    return out;
  }
}

/** Bytes gathered before a write: documents' records are a few kilobytes each. */
const CSV_BUFFER_BYTES = 1 << 18;

export class CsvSink {
  private readonly file: FileSink;
  rows = 0;

  constructor(private readonly spec: TableSpec, path: string) {
    this.file = new FileSink(path, CSV_BUFFER_BYTES);
    this.file.write(Buffer.from(`\uFEFF${spec.columns.map((c) => csvField(c.name)).join(',')}\r\n`, 'utf8'));
  }

  append(rows: Cell[][]): void {
    if (rows.length === 0) return;
    this.appendBytes(csvBytes(this.spec, rows, this.rows), rows.length);
  }

  /** Records made by csvBytes (maybe in another thread), holding `rows` rows. */
  appendBytes(bytes: Uint8Array, rows: number): void {
    this.file.write(bytes);
    this.rows += rows;
  }

  close(): Written {
    return this.file.close();
  }

  discard(): void {
    this.file.discard();
  }
}
