/**
 * Published tables, described once. Each `schemas/tables/NAME.schema.json` is a JSON Schema for
 * one row; from it alone come row validation (ajv), the Parquet column types, the CSV
 * columns and their order, and the data package's Table Schema. Column order is the order of
 * `properties`. Type rules:
 *   integer whose minimum/maximum fit in 32 bits -> INT32, other integers -> INT64,
 *   number -> DOUBLE, boolean -> BOOLEAN, string with format "date" -> DATE, string -> UTF8;
 *   a type list that includes "null" makes the column nullable.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import { projectAjv } from './ajv.js';
import { schemaPath } from './paths.js';

export type ColumnType = 'INT32' | 'INT64' | 'DOUBLE' | 'BOOLEAN' | 'DATE' | 'UTF8';

export interface Column {
  name: string;
  type: ColumnType;
  nullable: boolean;
  description: string;
  /** Allowed values, when the schema lists them. */
  enum?: unknown[];
}

export interface TableSpec {
  name: string;
  title: string;
  description: string;
  primaryKey: string[];
  columns: Column[];
  /** The row schema as parsed from its file: what the columns and the row checks are made from. */
  schema: Readonly<Record<string, unknown>>;
  /** The row schema compiled by ajv, on first use (see loadTable). */
  readonly validate: ValidateFunction;
}

interface PropertySchema {
  type?: string | string[];
  format?: string;
  minimum?: number;
  maximum?: number;
  description?: string;
  enum?: unknown[];
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function columnType(name: string, table: string, p: PropertySchema): ColumnType {
  const types = (Array.isArray(p.type) ? p.type : [p.type]).filter((t) => t !== 'null');
  if (types.length !== 1) throw new Error(`schemas/tables/${table}.schema.json: column ${name} must have exactly one non-null type`);
  switch (types[0]) {
    case 'integer':
      return p.minimum !== undefined && p.maximum !== undefined && p.minimum >= INT32_MIN && p.maximum <= INT32_MAX ? 'INT32' : 'INT64';
    case 'number':
      return 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    case 'string':
      return p.format === 'date' ? 'DATE' : 'UTF8';
    default:
      throw new Error(`schemas/tables/${table}.schema.json: column ${name} has unsupported type ${String(types[0])}`);
  }
}

function loadTable(file: string): TableSpec {
  const schema = JSON.parse(readFileSync(schemaPath(`tables/${file}`), 'utf8')) as {
    title: string; description: string; properties: Record<string, PropertySchema>; required?: string[]; 'x-primary-key': string[];
  };
  const name = file.replace(/\.schema\.json$/u, '');
  const columns = Object.entries(schema.properties).map(([col, p]) => {
    const nullable = Array.isArray(p.type) && p.type.includes('null');
    if (!nullable && !(schema.required ?? []).includes(col)) {
      throw new Error(`schemas/tables/${file}: column ${col} is not nullable, so it must be listed in "required"`);
    }
    return { name: col, type: columnType(col, name, p), nullable, description: p.description ?? '', ...(p.enum ? { enum: p.enum } : {}) };
  });
  // Compiling every table's schema took about 85 ms in each thread that loads the specs (each
  // worker), while the tables stage checks rows without ajv until one fails (validate-rows).
  let compiled: ValidateFunction | null = null;
  return {
    name,
    title: schema.title,
    description: schema.description,
    primaryKey: schema['x-primary-key'],
    columns,
    schema,
    get validate() {
      return (compiled ??= projectAjv().compile(schema));
    },
  };
}

let cache: TableSpec[] | null = null;

/** All published tables, in file-name order (which is the order they are written). */
export function tableSpecs(): TableSpec[] {
  cache ??= readdirSync(schemaPath('tables'))
    .filter((f) => f.endsWith('.schema.json'))
    .sort()
    .map(loadTable);
  return cache;
}

/** The table publish makes itself, against the previous release; every other table comes from the documents. */
export const CHANGES_TABLE = 'changes';

/** The tables made from the documents (all but changes): what a release's content hash and diff cover. */
export function dataTableSpecs(): TableSpec[] {
  return tableSpecs().filter((t) => t.name !== CHANGES_TABLE);
}

export function tableSpec(name: string): TableSpec {
  const spec = tableSpecs().find((t) => t.name === name);
  if (!spec) throw new Error(`no table schema schemas/tables/${name}.schema.json`);
  return spec;
}
