/**
 * The `changes` table of a release: every row added, removed or changed since the previous
 * release, by stable key, streamed from the diff into the table's files a chunk at a time; and
 * what CHANGELOG.md needs (the counts and the first changes of each listed table).
 */
import { changeLister, diffReleases, type DiffSummary, type RowChange } from './release-diff.js';
import type { Written } from './file-sink.js';
import { TableFiles } from './table-files.js';
import { CHANGES_TABLE, tableSpec } from './table-schema.js';
import { validateNamedRows } from './validate-rows.js';

/**
 * Rows appended at a time. Each chunk is one piece of the Parquet file, whose pages end at piece
 * boundaries, so the chunk size is part of the file's bytes: it stays at a row count.
 */
const CHUNK_ROWS = 10_000;

export interface ChangesWritten {
  /** Null for a first release: nothing to compare with, and an empty changes table. */
  diff: DiffSummary | null;
  listed: RowChange[];
  rows: number;
  csv: Written;
  parquet: Written;
}

/** What to compare: the staged release's `tables` against `previousDir` (null for a first release). */
export interface ChangesTask {
  previousDir: string | null;
  staging: string;
  tables: string[];
}

/**
 * Compare the staged release with the previous one and write the changes table into the staging
 * folder; the diff's scratch files go there too, so a failure that removes the folder removes them.
 */
export async function writeChangesTable({ previousDir, staging, tables }: ChangesTask): Promise<ChangesWritten> {
  const files = new TableFiles(tableSpec(CHANGES_TABLE), staging);
  try {
    const lister = changeLister();
    let chunk: Array<Record<string, unknown>> = [];
    let rows = 0;
    const flush = () => {
      files.appendRows(validateNamedRows(CHANGES_TABLE, chunk, { file: 'out/latest' }), null);
      rows += chunk.length;
      chunk = [];
    };
    const diff = previousDir
      ? await diffReleases(previousDir, staging, tables, staging, (c) => {
          lister.add(c);
          chunk.push({
            key: `${c.table}:${c.rowKey}`, table_name: c.table, row_key: c.rowKey, change: c.change, columns: c.columns.length ? c.columns.join('|') : null,
            old_values: c.old ? JSON.stringify(c.old) : null, new_values: c.new ? JSON.stringify(c.new) : null,
          });
          if (chunk.length >= CHUNK_ROWS) flush();
        })
      : null;
    flush();
    return { diff, listed: lister.listed, rows, csv: files.csv.close(), parquet: files.parquet.close() };
  } catch (err) {
    files.discard();
    throw err;
  }
}
