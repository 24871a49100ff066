/**
 * Rows checked against their table's JSON Schema (ajv) and for unique keys, one document at a
 * time: the tables stage runs this where the raw file is at hand, so an error names its line,
 * and in parallel, in whichever thread made the rows.
 *
 * Keys are unique across the release without a release-wide set: every key a document makes
 * starts with its document id (`<doc_id>` or `<doc_id>:...`), so rows of two documents cannot
 * collide once document ids are unique, which publish checks.
 */
import type { Ajv, ValidateFunction } from 'ajv';
import { describeAjvError, projectAjv, rowAjv } from './ajv.js';
import { PipelineError } from './errors.js';
import type { RawLines } from './raw-position.js';
import { tableSpec, type TableSpec } from './table-schema.js';
import type { Cell } from './typed-row.js';

export interface RowOrigin {
  file: string;
  /** Raw file positions, for line numbers in errors; none for rows that do not come from a file. */
  lines?: RawLines;
  /** The document whose id every key must start with, if the rows belong to one. */
  docId?: string;
}

type Where = { file: string; byteOffset: number; line: number };

/** The errors a row check raises: `named` is the row's primary key as `key=value`. */
const rowErrors = {
  invalid: (spec: TableSpec, where: Where, named: string, field: string, problem: string, value: string | undefined) =>
    new PipelineError(
      { ...where, field: `${spec.name}.${field}` },
      `row (${named}) of table ${spec.name} fails schemas/tables/${spec.name}.schema.json: ${field} ${problem} (value ${value})`,
      'Fix the source or its sidecar so the value is valid, or fix the stage that produced it.',
    ),
  foreignKey: (spec: TableSpec, where: Where, named: string, docId: string) =>
    new PipelineError(
      { ...where, field: `${spec.name}.key` },
      `row (${named}) of table ${spec.name} has a key that does not start with its document id "${docId}"`,
      'Keys are made by the tables stage from the document id: this is a bug, report it with the file named.',
    ),
  duplicate: (spec: TableSpec, file: string, named: string) =>
    new PipelineError(
      { file, field: `${spec.name}.${spec.primaryKey.join('+')}` },
      `two rows of table ${spec.name} share the key (${named})`,
      'Keys are made unique by the stage that makes the rows: this is a bug, report it with the file named.',
    ),
};

interface PropertySchema {
  type?: string | string[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  format?: string;
  description?: string;
}

interface RowSchema {
  required?: string[];
  properties: Record<string, PropertySchema>;
}

/** A table's row schema as the same checks on the row's cells, in column order. */
export interface CellCheck {
  spec: TableSpec;
  /** Accepts only rows the schema accepts (maybe not all of them): a row it passes needs no ajv. */
  accepts: (row: unknown[]) => boolean;
  /** The schema compiled by ajv, on the first row `accepts` does not pass: it decides, and words the error. */
  validate: () => ValidateFunction;
  key: number;
  /** A row made with named values, as cells in the schema's column order (a name the schema lacks is left out: see validateNamedRows). */
  cells: (values: Record<string, unknown>) => unknown[];
  /** INT64 columns: the schema says integer, Parquet needs it exact in a double. */
  wide: number[];
  /** The schema's column names in order, and as a set. */
  names: string[];
  columnNames: Set<string>;
  /** The raw_start column, or -1: where an error's line comes from. */
  rawStart: number;
}

// What a row schema may say at its top level: anything else (a rule across columns) has no
// counterpart in the form checked here, and must fail loudly rather than be skipped.
const TOP_LEVEL = new Set(['$schema', '$id', 'title', 'description', 'x-primary-key', 'type', 'additionalProperties', 'required', 'properties']);

const cellChecks = new Map<string, CellCheck>();

/** A table's cell checks, made once per thread. */
export function cellCheck(table: string): CellCheck {
  let check = cellChecks.get(table);
  if (!check) cellChecks.set(table, (check = cellCheckFor(tableSpec(table))));
  return check;
}

/** The cell checks for a table spec, or an error if its schema says what they cannot check. */
export function cellCheckFor(spec: TableSpec): CellCheck {
  const schema = spec.schema as unknown as RowSchema & Record<string, unknown>;
  const file = `schemas/tables/${spec.name}.schema.json`;
  const extra = Object.keys(schema).filter((k) => !TOP_LEVEL.has(k));
  if (extra.length || schema['type'] !== 'object' || schema['additionalProperties'] !== false) {
    throw new Error(`${file}: rows are checked column by column, which cannot express ${extra.join(', ') || 'an open object'}: extend lib/validate-rows.ts`);
  }
  if (spec.primaryKey.length !== 1 || spec.primaryKey[0] !== 'key') {
    throw new Error(`${file}: rows checked as cells are told apart by their key column alone, not by ${spec.primaryKey.join(' + ')}: extend lib/validate-rows.ts`);
  }
  const names = spec.columns.map((c) => c.name);
  const required = new Set(schema.required ?? []);
  const optional = names.filter((n) => !required.has(n));
  if (optional.length) throw new Error(`${file}: ${optional.join(', ')} must be required: a row holds every column (null when missing)`);
  const items = names.map((n) => schema.properties[n]!);
  // A non-empty string is at least one UTF-16 unit and one code point alike; other limits need code points.
  const unitsSuffice = items.every((p) => (p.minLength ?? 0) <= 1 && p.maxLength === undefined);
  const ajv = unitsSuffice ? rowAjv() : projectAjv();
  let compiled: ValidateFunction | null = null;
  return {
    spec,
    // Lengths in code points (projectAjv) are left to ajv: the quick checks count UTF-16 units.
    accepts: unitsSuffice ? rowAccepts(ajv, items) : () => false,
    validate: () => (compiled ??= ajv.compile({ type: 'array', items, minItems: items.length, additionalItems: false })),
    key: names.indexOf('key'),
    cells: cellsOf(names),
    wide: spec.columns.flatMap((c, i) => (c.type === 'INT64' ? [i] : [])),
    names,
    columnNames: new Set(names),
    rawStart: names.indexOf('raw_start'),
  };
}

/**
 * Named values to cells, the one place a row's column order comes from: the schema's. Made as
 * source (one array literal of property reads) so a row costs one array, as cells made by hand did.
 */
function cellsOf(names: readonly string[]): (values: Record<string, unknown>) => unknown[] {
  return new Function('values', `return [${names.map((n) => `values[${JSON.stringify(n)}]`).join(', ')}];`) as (values: Record<string, unknown>) => unknown[];
}

/**
 * The row schema's checks as one plain function, for the keywords the table schemas use; a
 * keyword not handled here makes every row fail it, so ajv decides. Compiling a row schema with
 * ajv took about 60 ms in every thread that makes rows (each worker thread), and its result is
 * only needed for a row that fails. Sound by construction and by a property test: a row this
 * accepts is one ajv accepts; a row it refuses goes to ajv, which accepts it or words why not.
 * Made as source, like ajv's own, so each cell's checks run inline rather than through closures.
 */
function rowAccepts(ajv: Ajv, items: PropertySchema[]): (row: unknown[]) => boolean {
  const refs: unknown[] = [];
  const ref = (value: unknown) => `refs[${refs.push(value) - 1}]`;
  const cells = items.map((p, i) => cellCondition(ajv, p, `row[${i}]`, ref));
  if (cells.some((c) => c === null)) return () => false;
  const body = `return (row) => row.length === ${items.length}${cells.map((c) => ` && ${c}`).join('')};`;
  return new Function('refs', body)(refs) as (row: unknown[]) => boolean;
}

const HANDLED = new Set(['type', 'minLength', 'pattern', 'enum', 'minimum', 'maximum', 'format', 'description']);

const TYPE_CONDITIONS: Record<string, (v: string) => string> = {
  string: (v) => `typeof ${v} === "string"`,
  // ajv in strict mode refuses NaN and the infinities as numbers too.
  number: (v) => `(typeof ${v} === "number" && Number.isFinite(${v}))`,
  integer: (v) => `Number.isInteger(${v})`,
  boolean: (v) => `typeof ${v} === "boolean"`,
  null: (v) => `${v} === null`,
};

/** One cell's checks as an expression over `v`, or null when a keyword is not handled here. */
function cellCondition(ajv: Ajv, p: PropertySchema, v: string, ref: (value: unknown) => string): string | null {
  if (Object.keys(p).some((k) => !HANDLED.has(k))) return null;
  const parts: string[] = [];
  if (p.type !== undefined) {
    const types = (Array.isArray(p.type) ? p.type : [p.type]).map((t) => TYPE_CONDITIONS[t]);
    if (types.some((t) => t === undefined)) return null;
    parts.push(`(${types.map((t) => t!(v)).join(' || ')})`);
  }
  if (p.enum) parts.push(`${ref(p.enum)}.includes(${v})`);
  // Like ajv's, each keyword tests only values of its own type.
  if (p.minimum !== undefined || p.maximum !== undefined) {
    parts.push(`(typeof ${v} !== "number" || (${v} >= ${ref(p.minimum ?? -Infinity)} && ${v} <= ${ref(p.maximum ?? Infinity)}))`);
  }
  // String lengths in UTF-16 units (see cellCheck).
  const minLength = p.minLength ?? 0;
  if (p.pattern !== undefined || p.format !== undefined) {
    const string = stringAccepts(ajv, p, minLength);
    if (string === null) return null;
    parts.push(`(typeof ${v} !== "string" || ${ref(string)}(${v}))`);
  } else if (minLength > 0) parts.push(`(typeof ${v} !== "string" || ${v}.length >= ${minLength})`);
  return parts.length ? parts.join(' && ') : 'true';
}

/** minLength, pattern and format together, or null for a format ajv has not. */
function stringAccepts(ajv: Ajv, p: PropertySchema, minLength: number): ((v: string) => boolean) | null {
  // The expression ajv itself would make (its RegExp engine, its flags).
  const pattern = p.pattern === undefined ? null : ajv.opts.code.regExp!(p.pattern, ajv.opts.unicodeRegExp ? 'u' : '');
  const format = p.format === undefined ? () => true : formatTest(ajv.formats[p.format] as unknown);
  if (!format) return null;
  // A column holds one document's id in every row: the last value that passed needs no test again.
  let last: string | null = null;
  return (v) => {
    if (v === last) return true;
    if (v.length < minLength || (pattern && !pattern.test(v)) || !format(v)) return false;
    last = v;
    return true;
  };
}

/** A format as ajv applies it to a string (a RegExp, a function, or a synchronous string format's validate), else null. */
function formatTest(f: unknown): ((v: string) => boolean) | null {
  if (f instanceof RegExp) return (v) => f.test(v);
  if (typeof f === 'function') return (v) => Boolean((f as (v: string) => unknown)(v));
  const def = f as { validate?: unknown; async?: boolean; type?: string } | undefined;
  if (def && typeof def === 'object' && typeof def.validate === 'function' && !def.async && (def.type ?? 'string') === 'string') {
    const validate = def.validate as (v: string) => unknown;
    return (v) => Boolean(validate(v));
  }
  return null;
}

/**
 * Rows made with named values (every row of a table with the same names), checked as an object
 * row is checked against the table's JSON Schema, and returned as cells in the schema's column
 * order, the form publish writes. A name the schema lacks fails here; one it requires and the row
 * lacks is a missing required property.
 */
export function validateNamedRows(table: string, rows: readonly Record<string, unknown>[], origin: RowOrigin): Cell[][] {
  const check = cellCheck(table);
  if (rows.length > 0) refuseUnknownNames(check, rows[0]!, origin);
  const cells: unknown[][] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) cells[i] = check.cells(rows[i]!);
  return validateCells(check, cells, origin);
}

/**
 * Cells made by `check.cells`, so in the schema's column order: the same keywords on the same
 * values as for an object row, the same errors, named by column; and the key rules.
 */
function validateCells(check: CellCheck, rows: unknown[][], origin: RowOrigin): Cell[][] {
  const { spec, accepts, key, names, wide } = check;
  const where = (row: unknown[]) => {
    const byteOffset = check.rawStart < 0 ? 0 : (row[check.rawStart] as number);
    return { file: origin.file, byteOffset, line: origin.lines?.position(byteOffset).line ?? 1 };
  };
  // The key column alone is the primary key (cellCheckFor refuses a schema that says otherwise).
  const named = (row: unknown[]) => `key=${String(row[key])}`;
  const seen = new Set<unknown>();
  const prefix = origin.docId === undefined ? null : `${origin.docId}:`;
  // Indexed loops: a for-of over arrays of another elements kind (an empty list is one) deoptimizes.
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    if (!accepts(row) && !check.validate()(row)) {
      const { field, problem, value } = describeCellError(row, names, check.validate());
      throw rowErrors.invalid(spec, where(row), named(row), field, problem, value);
    }
    for (let w = 0; w < wide.length; w++) {
      const i = wide[w]!;
      if (row[i] !== null && !Number.isSafeInteger(row[i])) throw new Error(`${spec.name} row ${String(row[key])} column ${names[i]}: ${String(row[i])} is not an integer`);
    }
    const own = row[key] as string;
    if (prefix !== null && own !== origin.docId && !own.startsWith(prefix)) throw rowErrors.foreignKey(spec, where(row), named(row), origin.docId!);
    // A key already there leaves the set as it was: one hashed lookup per row, not two.
    const size = seen.size;
    seen.add(own);
    if (seen.size === size) throw rowErrors.duplicate(spec, origin.file, named(row));
  }
  return rows as Cell[][];
}

/** A name the schema lacks fails the rows (every row of a table has the same names as the first). */
function refuseUnknownNames(check: CellCheck, first: Record<string, unknown>, origin: RowOrigin): void {
  const unknown: string[] = [];
  const names = Object.keys(first);
  for (let i = 0; i < names.length; i++) if (!check.columnNames.has(names[i]!)) unknown.push(names[i]!);
  if (unknown.length) {
    throw new PipelineError(
      { file: origin.file, field: `${check.spec.name}.${unknown[0]}` },
      `the rows of table ${check.spec.name} have the columns ${unknown.join(', ')}, which schemas/tables/${check.spec.name}.schema.json lacks`,
      'Fix the stage that produced the rows, or the schema.',
    );
  }
}

/** The first error as ajv words it for an object row: a cell's index becomes its column. */
function describeCellError(row: unknown[], columns: readonly string[], validate: ValidateFunction): { field: string; problem: string; value: string | undefined } {
  // A missing value (undefined) is what an object row reports as a missing required property.
  const missing = row.findIndex((v) => v === undefined);
  if (missing >= 0) return { field: '(top level)', problem: `is missing required property "${columns[missing]}"`, value: undefined };
  const e = validate.errors![0]!;
  const index = /^\/(\d+)/u.exec(e.instancePath);
  const column = index ? columns[Number(index[1])]! : null;
  const named = { ...e, instancePath: column === null ? e.instancePath : `/${column}${e.instancePath.slice(index![0].length)}` };
  const { field, problem } = describeAjvError(named);
  return { field, problem, value: JSON.stringify(column === null ? undefined : row[Number(index![1])]) };
}
