/**
 * Parquet through parquetjs-lite, with the settings our readers need. Its defaults are wrong for
 * us: it writes DataPage V2 unless told otherwise (pyarrow-based readers have returned such files
 * as empty tables) and compresses nothing unless each column asks. So: DataPage V1, SNAPPY on
 * every column, statistics on.
 *
 * One exception to statistics: parquetjs-lite orders strings by UTF-16 code units while Parquet
 * readers order them by UTF-8 bytes. The two orders differ only when a column holds characters
 * outside the BMP (CJK Extension B names such as 𠀀) together with U+E000–U+FFFF (fullwidth
 * punctuation such as ，, in nearly every Chinese text). Then its min/max would be wrong and
 * DuckDB would skip row groups that match a filter, so such a text column is written without
 * statistics.
 */
import parquet from 'parquetjs-lite';
import type { TypedTable } from './typed-columns.js';

const outsideBmp = (v: unknown) => typeof v === 'string' && /[\u{10000}-\u{10FFFF}]/u.test(v);

export async function writeParquet(table: TypedTable, path: string): Promise<void> {
  const columns = table.spec.columns.map((c) => ({ c, values: table.columns.get(c.name)! }));
  const fields = Object.fromEntries(
    columns.map(({ c, values }) => [
      c.name,
      { type: c.type, optional: c.nullable, compression: 'SNAPPY', statistics: !(c.type === 'UTF8' && values.some(outsideBmp)) },
    ]),
  );
  const schema = new parquet.ParquetSchema(fields);
  const writer = await parquet.ParquetWriter.openFile(schema, path, { useDataPageV2: false });
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
