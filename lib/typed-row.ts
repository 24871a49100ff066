/**
 * A row's values in the table's column order, typed by its schema: the one form both writers
 * read, so the Parquet and CSV files cannot disagree on a value. Integers and doubles as numbers,
 * dates as ISO `YYYY-MM-DD` strings, booleans, strings; null for missing.
 */
import type { ColumnType, TableSpec } from './table-schema.js';

export type Cell = string | number | boolean | null;

function typed(t: ColumnType, v: unknown, where: () => string): Cell {
  if (v === null || v === undefined) return null;
  switch (t) {
    case 'INT32':
    case 'INT64':
      if (!Number.isSafeInteger(v)) throw new Error(`${where()}: ${String(v)} is not an integer`);
      return v as number;
    case 'DOUBLE':
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${where()}: ${String(v)} is not a finite number`);
      return v;
    case 'BOOLEAN':
      if (typeof v !== 'boolean') throw new Error(`${where()}: ${String(v)} is not a boolean`);
      return v;
    case 'DATE':
      if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/u.test(v)) throw new Error(`${where()}: ${String(v)} is not an ISO date`);
      return v;
    case 'UTF8':
      if (typeof v !== 'string') throw new Error(`${where()}: ${String(v)} is not a string`);
      return v;
  }
}

/** Named values as cells, type by type: what tests build rows with, and the reference for stage 16's cells. */
export function typedRow(spec: TableSpec, values: Record<string, unknown>): Cell[] {
  const cols = spec.columns;
  const out: Cell[] = new Array(cols.length);
  let column = '';
  const where = () => `${spec.name} row ${String(values['key'])} column ${column}`;
  for (let i = 0; i < cols.length; i++) {
    column = cols[i]!.name;
    out[i] = typed(cols[i]!.type, values[column], where);
  }
  return out;
}
