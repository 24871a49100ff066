/**
 * Rows checked against their table's JSON Schema (ajv) and for unique keys, one document at a
 * time: the tables stage runs this where the raw file is at hand, so an error names its line,
 * and in parallel, in whichever thread made the rows.
 *
 * Keys are unique across the release without a release-wide set: every key a document makes
 * starts with its document id (`<doc_id>` or `<doc_id>:...`), so rows of two documents cannot
 * collide once document ids are unique, which publish checks.
 */
import type { TableRow } from './document.js';
import { describeAjvError } from './ajv.js';
import { PipelineError } from './errors.js';
import type { RawLines } from './raw-position.js';
import { tableSpec } from './table-schema.js';

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
