/**
 * Build an Arrow table from validated rows with vector types taken from the table schema.
 * apache-arrow's inference would turn strings into dictionaries and integers into floats, so
 * every vector is made with an explicit type. The Arrow table is the one typed form of a table
 * that the Parquet and CSV writers both read, so the two files cannot disagree on a value.
 */
import { Bool, DateDay, Float64, Int32, Int64, Table, Utf8, vectorFromArray, type DataType } from 'apache-arrow';
import type { ColumnType, TableSpec } from './table-schema.js';

function arrowType(t: ColumnType): DataType {
  switch (t) {
    case 'INT32': return new Int32();
    case 'INT64': return new Int64();
    case 'DOUBLE': return new Float64();
    case 'BOOLEAN': return new Bool();
    case 'DATE': return new DateDay();
    case 'UTF8': return new Utf8();
  }
}

function toArrowValue(t: ColumnType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (t === 'INT64') return BigInt(v as number);
  if (t === 'DATE') return new Date(`${v as string}T00:00:00Z`);
  return v;
}

export function toArrowTable(spec: TableSpec, rows: Array<Record<string, unknown>>): Table {
  const vectors = Object.fromEntries(
    spec.columns.map((c) => [c.name, vectorFromArray(rows.map((r) => toArrowValue(c.type, r[c.name])), arrowType(c.type))]),
  );
  return new Table(vectors);
}

/** Plain values of one column, read back from Arrow: numbers, strings, booleans, ISO dates. */
export function columnValues(table: Table, name: string, t: ColumnType): Array<string | number | boolean | null> {
  const vector = table.getChild(name);
  if (!vector) throw new Error(`arrow table has no column ${name}`);
  const out: Array<string | number | boolean | null> = new Array(vector.length);
  for (let i = 0; i < vector.length; i++) {
    const v: unknown = vector.get(i);
    if (v === null || v === undefined) out[i] = null;
    else if (t === 'INT64') out[i] = Number(v as bigint);
    else if (t === 'DATE') out[i] = new Date(v as number).toISOString().slice(0, 10);
    else out[i] = v as string | number | boolean;
  }
  return out;
}
