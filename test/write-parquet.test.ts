/**
 * The Parquet writer makes the column statistics itself (hyparquet-writer only encodes) and takes
 * rows packed as columns, possibly split across row groups anywhere: its files must be byte for
 * byte what hyparquet-writer writes with its own statistics from the same rows.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { ColumnType, TableSpec } from '../lib/table-schema.js';
import type { Cell } from '../lib/typed-row.js';
import { compareCodePoints, CREATED_BY, parquetColumns, parquetSchema, ParquetSink } from '../lib/write-parquet.js';
import { tempDir } from './helpers.js';

const column = (name: string, type: ColumnType, nullable: boolean) => ({ name, type, nullable, description: '' });
// Every column type, nullable and not: what the writer may meet in any table.
const spec = {
  name: 't',
  columns: [
    column('key', 'UTF8', false), column('text', 'UTF8', true), column('n', 'INT32', true), column('big', 'INT64', true),
    column('x', 'DOUBLE', true), column('flag', 'BOOLEAN', true), column('day', 'DATE', true), column('m', 'INT32', false),
  ],
} as unknown as TableSpec;

/** hyparquet-writer on its own: its statistics, the same row groups. */
function reference(rows: Cell[][], rowGroupRows: number): Uint8Array {
  const out = new ByteWriter();
  const writer = new ParquetWriter({ writer: out, schema: parquetSchema(spec), createdBy: CREATED_BY });
  const columns = parquetColumns(spec, rows);
  for (let i = 0; i < rows.length; i += rowGroupRows) {
    void writer.write({ columnData: spec.columns.map((c, j) => ({ name: c.name, data: columns[j]!.slice(i, i + rowGroupRows) as never })), rowGroupSize: rowGroupRows });
  }
  void writer.finish();
  return new Uint8Array(out.getBuffer());
}

// Surrogate pairs, lone surrogates and U+E000..U+FFFF are where UTF-16 and UTF-8 orders differ.
const piece = fc.constantFrom('a', 'b', '中', '，', '\uE000', '\uFFFF', '\uFFFD', '𠀀', '😀', '\uD800', '\uDC00', '\uDBFF', ' ', '');
const text = fc.array(piece, { maxLength: 6 }).map((a) => a.join(''));
const row = fc.tuple(
  text, fc.option(text), fc.option(fc.integer()), fc.option(fc.maxSafeInteger()), fc.option(fc.double({ noNaN: true, noDefaultInfinity: true })),
  fc.option(fc.boolean()), fc.option(fc.date({ min: new Date('1000-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))), fc.integer({ min: -3, max: 3 }),
).map((r) => r as Cell[]);

describe('Parquet writer', () => {
  test('writes the bytes hyparquet-writer writes with its own statistics, documents split across row groups anywhere', () => {
    const dir = tempDir('pq-stats');
    let n = 0;
    fc.assert(
      fc.property(fc.array(fc.array(row, { maxLength: 7 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 9 }), (docs, rowGroupRows) => {
        const rows = docs.flat();
        fc.pre(rows.length > 0);
        const path = join(dir, `t${n++}.parquet`);
        const sink = new ParquetSink(spec, path, rowGroupRows);
        for (const doc of docs) sink.appendColumns(parquetColumns(spec, doc), doc.length);
        sink.close();
        assert.deepEqual(readFileSync(path), Buffer.from(reference(rows, rowGroupRows)));
      }),
      { numRuns: 300 },
    );
  });

  test('keys in ASCII, distinct or repeated, are written as the writer writes them itself', () => {
    // The writer's PLAIN text gets its UTF-8 from us when all of it is ASCII: same bytes either way.
    const dir = tempDir('pq-ascii');
    const ascii = fc.string({ unit: fc.constantFrom('a', 'b', 'k', ':', '-', '0', '1', '9'), maxLength: 12 });
    const key = fc.oneof(ascii, fc.constantFrom('same', 'other'), fc.constant('中'));
    let n = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(key, row), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 40 }), (pairs, rowGroupRows) => {
        const rows = pairs.map(([k, r]) => [k, ...r.slice(1)]);
        const path = join(dir, `t${n++}.parquet`);
        const sink = new ParquetSink(spec, path, rowGroupRows);
        sink.append(rows);
        sink.close();
        assert.deepEqual(readFileSync(path), Buffer.from(reference(rows, rowGroupRows)));
      }),
      { numRuns: 300 },
    );
  });

  test('orders text by code point, as UTF-8 bytes order it', () => {
    const wellFormed = fc.array(fc.constantFrom('a', '中', '，', '\uE000', '\uFFFF', '𠀀', '😀', ''), { maxLength: 5 }).map((a) => a.join(''));
    fc.assert(
      fc.property(wellFormed, wellFormed, (a, b) => {
        assert.equal(Math.sign(compareCodePoints(a, b)), Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
      { numRuns: 2000 },
    );
  });
});
