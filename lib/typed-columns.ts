/**
 * A table's rows as typed columns, the one form both writers read, so the Parquet and CSV files
 * cannot disagree on a value. Types come from the table schema: integers and doubles as numbers,
 * dates as ISO `YYYY-MM-DD` strings, booleans, strings; null for missing.
 *
 * Why not an apache-arrow Table here: Arrow JS decodes Utf8 vectors with a TextDecoder that
 * drops a leading U+FEFF, so a value such as the byte-order mark recorded in `corrections.before`
 * would come back empty. Values go to the writers exactly as validated instead.
 */
import type { ColumnType, TableSpec } from './table-schema.js';

export type Cell = string | number | boolean | null;

export interface TypedTable {
  spec: TableSpec;
  numRows: number;
  columns: Map<string, Cell[]>;
}

function typed(t: ColumnType, v: unknown, where: string): Cell {
  if (v === null || v === undefined) return null;
  switch (t) {
    case 'INT32':
    case 'INT64':
      if (!Number.isSafeInteger(v)) throw new Error(`${where}: ${String(v)} is not an integer`);
      return v as number;
    case 'DOUBLE':
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${where}: ${String(v)} is not a finite number`);
      return v;
    case 'BOOLEAN':
      if (typeof v !== 'boolean') throw new Error(`${where}: ${String(v)} is not a boolean`);
      return v;
    case 'DATE':
      if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/u.test(v)) throw new Error(`${where}: ${String(v)} is not an ISO date`);
      return v;
    case 'UTF8':
      if (typeof v !== 'string') throw new Error(`${where}: ${String(v)} is not a string`);
      return v;
  }
}

export function typedColumns(spec: TableSpec, rows: Array<Record<string, unknown>>): TypedTable {
  const columns = new Map<string, Cell[]>(
    spec.columns.map((c) => [c.name, rows.map((r, i) => typed(c.type, r[c.name], `${spec.name} row ${i + 1} column ${c.name}`))]),
  );
  return { spec, numRows: rows.length, columns };
}
