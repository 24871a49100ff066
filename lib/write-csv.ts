/**
 * CSV through csv-stringify, written for the readers people use: UTF-8 with a BOM (Excel shows
 * Chinese correctly only then; pandas and DuckDB skip it), RFC 4180 quoting and CRLF records,
 * a header row, empty field for null, booleans as true/false (the default writes false as an
 * empty field), ISO dates, numbers in shortest round-trip form without thousands separators.
 * Rows are appended in batches as documents arrive, so no table is held whole.
 */
import { stringify, type Options } from 'csv-stringify/sync';
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

export class AmbiguousCsvValueError extends Error {}

const OPTIONS: Options = {
  record_delimiter: 'windows',
  // csv-stringify quotes a field holding the record delimiter (CRLF) but not a bare LF or CR,
  // which every reader would take as the end of a record; leading/trailing spaces are quoted
  // so no reader trims them.
  quoted_match: [/[\r\n]/u, /^\s|\s$/u],
};

export class CsvSink {
  private readonly file: FileSink;
  private readonly textColumns: boolean[];
  rows = 0;

  constructor(private readonly spec: TableSpec, path: string) {
    this.file = new FileSink(path);
    this.textColumns = spec.columns.map((c) => c.type === 'UTF8');
    this.file.write(Buffer.from(stringify([], { ...OPTIONS, bom: true, header: true, columns: spec.columns.map((c) => c.name) }), 'utf8'));
  }

  append(rows: Cell[][]): void {
    if (rows.length === 0) return;
    const records = rows.map((row, j) =>
      row.map((v, i) => {
        if (v === null) return null;
        if (typeof v === 'string') {
          if (this.textColumns[i] && PANDAS_NA_STRINGS.has(v)) {
            throw new AmbiguousCsvValueError(`table ${this.spec.name}, row ${this.rows + j + 1}, column ${this.spec.columns[i]!.name}: the value "${v}" would read as missing in pandas`);
          }
          return v;
        }
        // typedRow admits only finite numbers; String gives the shortest round-trip form.
        if (typeof v === 'number') return String(v);
        return v ? 'true' : 'false';
      }),
    );
    this.file.write(Buffer.from(stringify(records, OPTIONS), 'utf8'));
    this.rows += rows.length;
  }

  close(): Written {
    return this.file.close();
  }

  discard(): void {
    this.file.discard();
  }
}
