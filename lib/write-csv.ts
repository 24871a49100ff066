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
import type { TableSpec } from './table-schema.js';
import type { Cell } from './typed-row.js';

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
 */
export function csvBytes(spec: TableSpec, rows: Cell[][], firstRow = 0): Uint8Array {
  return encoder.encode(csvText(spec, rows, firstRow));
}

const encoder = new TextEncoder();

function csvText(spec: TableSpec, rows: Cell[][], firstRow: number): string {
  const text = spec.columns.map((c) => c.type === 'UTF8');
  // A column's previous value and its field: ids, file names, sections and classes repeat row
  // after row, and a repeat (usually the very same string) skips the NA lookup and the scan for
  // quoting. About a tenth of csvText's time on the 50 MB corpus.
  const lastValue: Array<string | null> = spec.columns.map(() => null);
  const lastField: string[] = spec.columns.map(() => '');
  let out = '';
  for (let j = 0; j < rows.length; j++) {
    const row = rows[j]!;
    for (let i = 0; i < row.length; i++) {
      const v = row[i]!;
      if (i > 0) out += ',';
      if (v === null) continue;
      if (typeof v === 'string') {
        // typedRow admits only ISO dates in a DATE column: nothing there to quote.
        if (!text[i]) out += v;
        else if (v === lastValue[i]) out += lastField[i]!;
        else {
          if (v.length <= NA_MAX_LENGTH && PANDAS_NA_STRINGS.has(v)) {
            throw new AmbiguousCsvValueError(`table ${spec.name}, row ${firstRow + j + 1}, column ${spec.columns[i]!.name}: the value "${v}" would read as missing in pandas`);
          }
          const field = csvField(v);
          lastValue[i] = v;
          lastField[i] = field;
          out += field;
        }
      } else if (typeof v === 'number') {
        // typedRow admits only finite numbers; String gives the shortest round-trip form.
        out += String(v);
      } else {
        out += v ? 'true' : 'false';
      }
    }
    out += '\r\n';
  }
  return out;
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
