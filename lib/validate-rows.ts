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
  for (const row of rows) {
    const key = spec.primaryKey.map((k) => `${k}=${String(row.values[k])}`).join(', ');
    const where = () => ({ file: origin.file, byteOffset: row.rawStart, line: origin.lines?.position(row.rawStart).line ?? 1 });
    if (!spec.validate(row.values)) {
      const { field, problem } = describeAjvError(spec.validate.errors![0]!);
      const value = JSON.stringify(row.values[field.split('.')[0]!]);
      throw new PipelineError(
        { ...where(), field: `${spec.name}.${field}` },
        `row (${key}) of table ${spec.name} fails schemas/tables/${spec.name}.schema.json: ${field} ${problem} (value ${value})`,
        'Fix the source or its sidecar so the value is valid, or fix the stage that produced it.',
      );
    }
    const own = String(row.values['key']);
    if (origin.docId !== undefined && own !== origin.docId && !own.startsWith(`${origin.docId}:`)) {
      throw new PipelineError(
        { ...where(), field: `${spec.name}.key` },
        `row (${key}) of table ${spec.name} has a key that does not start with its document id "${origin.docId}"`,
        'Keys are made by the tables stage from the document id: this is a bug, report it with the file named.',
      );
    }
    if (seen.has(key)) {
      throw new PipelineError(
        { file: origin.file, field: `${spec.name}.${spec.primaryKey.join('+')}` },
        `two rows of table ${spec.name} share the key (${key})`,
        'Keys are made unique by the stage that makes the rows: this is a bug, report it with the file named.',
      );
    }
    seen.add(key);
  }
}
