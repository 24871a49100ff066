/**
 * Rows checked against their table's JSON Schema (ajv) and for unique keys, one document at a
 * time: the tables stage runs this where the raw file is at hand, so an error names its line,
 * and in parallel, in whichever thread made the rows.
 *
 * Keys are unique across the release without a release-wide set: every key a document makes
 * starts with its document id (`<doc_id>` or `<doc_id>:...`), so rows of two documents cannot
 * collide once document ids are unique, which publish checks.
 */
import type { ValidateFunction } from 'ajv';
import type { TableRow } from './document.js';
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

export function validateRows(table: string, rows: readonly TableRow[], origin: RowOrigin): void {
  const spec = tableSpec(table);
  const seen = new Set<string>();
  const prefix = origin.docId === undefined ? null : `${origin.docId}:`;
  // The primary key as a set member (its value, or its values joined, for a composite key);
  // the named form is built only for an error message.
  const single = spec.primaryKey.length === 1 ? spec.primaryKey[0]! : null;
  const named = (row: TableRow) => spec.primaryKey.map((k) => `${k}=${String(row.values[k])}`).join(', ');
  const where = (row: TableRow) => ({ file: origin.file, byteOffset: row.rawStart, line: origin.lines?.position(row.rawStart).line ?? 1 });
  for (const row of rows) {
    const member = single !== null ? String(row.values[single]) : spec.primaryKey.map((k) => String(row.values[k])).join('\u0000');
    if (!spec.validate(row.values)) {
      const { field, problem } = describeAjvError(spec.validate.errors![0]!);
      const value = JSON.stringify(row.values[field.split('.')[0]!]);
      throw new PipelineError(
        { ...where(row), field: `${spec.name}.${field}` },
        `row (${named(row)}) of table ${spec.name} fails schemas/tables/${spec.name}.schema.json: ${field} ${problem} (value ${value})`,
        'Fix the source or its sidecar so the value is valid, or fix the stage that produced it.',
      );
    }
    const own = String(row.values['key']);
    if (prefix !== null && own !== origin.docId && !own.startsWith(prefix)) {
      throw new PipelineError(
        { ...where(row), field: `${spec.name}.key` },
        `row (${named(row)}) of table ${spec.name} has a key that does not start with its document id "${origin.docId}"`,
        'Keys are made by the tables stage from the document id: this is a bug, report it with the file named.',
      );
    }
    if (seen.has(member)) {
      throw new PipelineError(
        { file: origin.file, field: `${spec.name}.${spec.primaryKey.join('+')}` },
        `two rows of table ${spec.name} share the key (${named(row)})`,
        'Keys are made unique by the stage that makes the rows: this is a bug, report it with the file named.',
      );
    }
    seen.add(member);
  }
}

interface PropertySchema {
  type?: string | string[];
  minLength?: number;
  maxLength?: number;
}

interface RowSchema {
  required?: string[];
  properties: Record<string, PropertySchema>;
}

/** A table's row schema as the same checks on the row's cells, in column order. */
interface CellCheck {
  spec: TableSpec;
  validate: ValidateFunction;
  key: number;
  /** INT64 columns: the schema says integer, Parquet needs it exact in a double. */
  wide: number[];
}

// What a row schema may say at its top level: anything else (a rule across columns) has no
// counterpart in the form checked here, and must fail loudly rather than be skipped.
const TOP_LEVEL = new Set(['$schema', '$id', 'title', 'description', 'x-primary-key', 'type', 'additionalProperties', 'required', 'properties']);

const cellChecks = new Map<string, CellCheck>();

function cellCheck(table: string): CellCheck {
  const known = cellChecks.get(table);
  if (known) return known;
  const spec = tableSpec(table);
  const schema = spec.validate.schema as RowSchema & Record<string, unknown>;
  const file = `schemas/tables/${spec.name}.schema.json`;
  const extra = Object.keys(schema).filter((k) => !TOP_LEVEL.has(k));
  if (extra.length || schema['type'] !== 'object' || schema['additionalProperties'] !== false) {
    throw new Error(`${file}: rows are checked column by column, which cannot express ${extra.join(', ') || 'an open object'}: extend lib/validate-rows.ts`);
  }
  const names = spec.columns.map((c) => c.name);
  const required = new Set(schema.required ?? []);
  const optional = names.filter((n) => !required.has(n));
  if (optional.length) throw new Error(`${file}: ${optional.join(', ')} must be required: a row holds every column (null when missing)`);
  const items = names.map((n) => schema.properties[n]!);
  // A non-empty string is at least one UTF-16 unit and one code point alike; other limits need code points.
  const unitsSuffice = items.every((p) => (p.minLength ?? 0) <= 1 && p.maxLength === undefined);
  const ajv = unitsSuffice ? rowAjv() : projectAjv();
  const check: CellCheck = {
    spec,
    validate: ajv.compile({ type: 'array', items, minItems: items.length, additionalItems: false }),
    key: names.indexOf('key'),
    wide: spec.columns.flatMap((c, i) => (c.type === 'INT64' ? [i] : [])),
  };
  cellChecks.set(table, check);
  return check;
}

/**
 * Rows made directly as cells in the order of `columns` (which must be the schema's), checked
 * against the table's JSON Schema as validateRows checks an object row: the same keywords on
 * the same values, the same errors, named by column; and for the same key rules. Returns the
 * rows as typed cells, the form publish writes.
 */
export function validateCellRows(table: string, columns: readonly string[], rows: unknown[][], rawStartOf: (row: unknown[]) => number, origin: RowOrigin): Cell[][] {
  const check = cellCheck(table);
  const { spec, validate, key } = check;
  const where = (row: unknown[]) => ({ file: origin.file, byteOffset: rawStartOf(row), line: origin.lines?.position(rawStartOf(row)).line ?? 1 });
  const named = (row: unknown[]) => spec.primaryKey.map((k) => `${k}=${String(row[spec.columns.findIndex((c) => c.name === k)])}`).join(', ');
  if (columns.length !== spec.columns.length || columns.some((c, i) => c !== spec.columns[i]!.name)) {
    throw new PipelineError(
      { ...(rows[0] ? where(rows[0]) : { file: origin.file }), field: `${spec.name}` },
      `the rows of table ${spec.name} have the columns ${columns.join(', ')}, but schemas/tables/${spec.name}.schema.json has ${spec.columns.map((c) => c.name).join(', ')}`,
      'Fix the stage that produced the rows, or the schema.',
    );
  }
  const seen = new Set<unknown>();
  const prefix = origin.docId === undefined ? null : `${origin.docId}:`;
  for (const row of rows) {
    if (!validate(row)) {
      const { field, problem, value } = describeCellError(row, columns, validate);
      throw new PipelineError(
        { ...where(row), field: `${spec.name}.${field}` },
        `row (${named(row)}) of table ${spec.name} fails schemas/tables/${spec.name}.schema.json: ${field} ${problem} (value ${value})`,
        'Fix the source or its sidecar so the value is valid, or fix the stage that produced it.',
      );
    }
    for (const i of check.wide) {
      if (row[i] !== null && !Number.isSafeInteger(row[i])) throw new Error(`${spec.name} row ${String(row[key])} column ${columns[i]}: ${String(row[i])} is not an integer`);
    }
    const own = row[key] as string;
    if (prefix !== null && own !== origin.docId && !own.startsWith(prefix)) {
      throw new PipelineError(
        { ...where(row), field: `${spec.name}.key` },
        `row (${named(row)}) of table ${spec.name} has a key that does not start with its document id "${origin.docId}"`,
        'Keys are made by the tables stage from the document id: this is a bug, report it with the file named.',
      );
    }
    if (seen.has(own)) {
      throw new PipelineError(
        { file: origin.file, field: `${spec.name}.${spec.primaryKey.join('+')}` },
        `two rows of table ${spec.name} share the key (${named(row)})`,
        'Keys are made unique by the stage that makes the rows: this is a bug, report it with the file named.',
      );
    }
    seen.add(own);
  }
  return rows as Cell[][];
}

/** The first error as validateRows words it for an object row: a cell's index becomes its column. */
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
