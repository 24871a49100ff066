/**
 * CSV through csv-stringify, written for the readers people use: UTF-8 with a BOM (Excel shows
 * Chinese correctly only then; pandas and DuckDB skip it), RFC 4180 quoting and CRLF records,
 * a header row, empty field for null, booleans as true/false (the default writes false as an
 * empty field), ISO dates, numbers in shortest round-trip form without thousands separators.
 */
import { stringify } from 'csv-stringify/sync';
import type { TypedTable } from './typed-columns.js';

/**
 * Strings pandas' read_csv turns into NaN by default. A text value equal to one of them would
 * silently become missing, so it is refused instead.
 */
export const PANDAS_NA_STRINGS = new Set([
  '', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN',
  '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null',
]);

export class AmbiguousCsvValueError extends Error {}

export function toCsv(table: TypedTable): string {
  const spec = table.spec;
  const columns = spec.columns.map((c) => ({ c, values: table.columns.get(c.name)! }));
  const records: Array<Array<string | null>> = [];
  for (let i = 0; i < table.numRows; i++) {
    records.push(
      columns.map(({ c, values }) => {
        const v = values[i];
        if (v === null || v === undefined) return null;
        if (typeof v === 'string' && c.type === 'UTF8' && PANDAS_NA_STRINGS.has(v)) {
          throw new AmbiguousCsvValueError(`table ${spec.name}, row ${i + 1}, column ${c.name}: the value "${v}" would read as missing in pandas`);
        }
        // typedColumns admits only finite numbers; String gives the shortest round-trip form.
        if (typeof v === 'number') return String(v);
        if (typeof v === 'boolean') return v ? 'true' : 'false';
        return v;
      }),
    );
  }
  return stringify(records, {
    bom: true,
    header: true,
    columns: spec.columns.map((c) => c.name),
    record_delimiter: 'windows',
    // csv-stringify quotes a field holding the record delimiter (CRLF) but not a bare LF or CR,
    // which every reader would take as the end of a record; leading/trailing spaces are quoted
    // so no reader trims them.
    quoted_match: [/[\r\n]/u, /^\s|\s$/u],
  });
}
