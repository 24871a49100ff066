/**
 * Parquet through parquetjs-lite, with the settings our readers need. Its defaults are wrong for
 * us: it writes DataPage V2 unless told otherwise (pyarrow-based readers have returned such files
 * as empty tables) and compresses nothing unless each column asks. So: DataPage V1, SNAPPY on
 * every column, statistics on.
 */
import parquet from 'parquetjs-lite';
import type { Table } from 'apache-arrow';
import { columnValues } from './arrow-table.js';
import type { TableSpec } from './table-schema.js';

export async function writeParquet(spec: TableSpec, table: Table, path: string): Promise<void> {
  const fields = Object.fromEntries(
    spec.columns.map((c) => [c.name, { type: c.type, optional: c.nullable, compression: 'SNAPPY' }]),
  );
  const schema = new parquet.ParquetSchema(fields);
  const writer = await parquet.ParquetWriter.openFile(schema, path, { useDataPageV2: false });
  const columns = spec.columns.map((c) => ({ c, values: columnValues(table, c.name, c.type) }));
  try {
    for (let i = 0; i < table.numRows; i++) {
      const row: Record<string, unknown> = {};
      for (const { c, values } of columns) {
        const v = values[i];
        if (v === null || v === undefined) continue;
        row[c.name] = c.type === 'DATE' ? new Date(`${v as string}T00:00:00Z`) : v;
      }
      await writer.appendRow(row);
    }
  } finally {
    await writer.close();
  }
}
