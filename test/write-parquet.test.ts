/**
 * The Parquet writer encodes columns itself (documents into pieces, pieces into pages): whatever
 * the values and however documents fall across row groups, DuckDB and parquet-wasm (Rust arrow)
 * read back exactly the rows written, and each row group's statistics bound its values.
 */
import { parquetHeader } from 'hyparquet/src/column.js';
import { readOffsetIndex } from 'hyparquet/src/indexes.js';
import { parquetMetadata } from 'hyparquet/src/metadata.js';
import { snappyUncompress } from 'hyparquet';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import fc from 'fast-check';
import { readParquet } from 'parquet-wasm';
import type { ColumnType, TableSpec } from '../lib/table-schema.js';
import type { Cell } from '../lib/typed-row.js';
import { Bytes, rleHybrid } from '../lib/parquet-encodings.js';
import { compareCodePoints, parquetColumns, ParquetSink, plainText, plainTextBounds, ROW_GROUP_PIECES, usesDictionary, valueBounds } from '../lib/write-parquet.js';
import { duckdb, tempDir } from './helpers.js';

const column = (name: string, type: ColumnType, nullable: boolean, values?: string[]) => ({ name, type, nullable, description: '', ...(values ? { enum: values } : {}) });
// Every column type, nullable and not, PLAIN and with a dictionary: what the writer may meet in any table.
const spec = {
  name: 't',
  columns: [
    column('key', 'UTF8', false), column('doc_id', 'UTF8', false), column('text', 'UTF8', true), column('kind', 'UTF8', true, ['a', 'b', '中']),
    column('section', 'UTF8', true), column('n', 'INT32', true), column('big', 'INT64', true), column('x', 'DOUBLE', true),
    column('flag', 'BOOLEAN', true), column('day', 'DATE', true), column('m', 'INT32', false),
  ],
} as unknown as TableSpec;

let db: Awaited<ReturnType<typeof duckdb>>;
before(async () => {
  db = await duckdb();
});
after(() => db.close());

// Surrogate pairs, lone surrogates and U+E000..U+FFFF are where UTF-16 and UTF-8 orders differ.
const piece = fc.constantFrom('a', 'b', '中', '，', '\uE000', '\uFFFF', '\uFFFD', '𠀀', '😀', '\uD800', '\uDC00', '\uDBFF', ' ', '');
const text = fc.array(piece, { maxLength: 6 }).map((a) => a.join(''));
// A few values, so dictionary columns repeat and runs form.
const few = fc.constantFrom('x', 'y', '', '𠀀', '中文');
const row = fc.tuple(
  text, few, fc.option(text), fc.option(fc.constantFrom('a', 'b', '中')), fc.option(few), fc.option(fc.integer()),
  fc.option(fc.oneof(fc.maxSafeInteger(), fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 40, -(2 ** 33)))),
  fc.option(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(-0, 0, 1e308, -5e-324))),
  fc.option(fc.boolean()), fc.option(fc.date({ min: new Date('1000-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))),
  fc.integer({ min: -3, max: 3 }),
).map((r) => r as Cell[]);

/** The rows as a reader should see them: text as UTF-8 has it (a lone surrogate is U+FFFD), the rest as written. */
const expected = (rows: Cell[][]) => rows.map((r) => r.map((v, i) => (typeof v === 'string' && spec.columns[i]!.type === 'UTF8' ? Buffer.from(v).toString() : v)));

/** A value as arrow JS gives it, in the form `expected` has: INT64 as a number, a DATE (ms since 1970) as an ISO date. */
function fromArrow(type: string, v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (type === 'INT64') return Number(v as bigint);
  if (type === 'DATE') return new Date(v as number).toISOString().slice(0, 10);
  return v as Cell;
}

/**
 * Every offset index (written for chunks of more than one page; readers use it to skip pages,
 * and DuckDB does not read it when it scans) against the pages themselves: each location holds a data page header of that
 * compressed size, the pages follow one another to the chunk's end, and each first row index is
 * the rows of the pages before it.
 */
function assertOffsetIndexes(file: Buffer): void {
  const bytes = Uint8Array.from(file).buffer;
  const view = new DataView(bytes);
  const meta = parquetMetadata(bytes);
  let pages = 0;
  for (const group of meta.row_groups) {
    for (const chunk of group.columns) {
      const m = chunk.meta_data!;
      // A chunk of one page has no index (there is no page to skip to).
      if (chunk.offset_index_offset === undefined) continue;
      const index = readOffsetIndex({ view, offset: Number(chunk.offset_index_offset) });
      const start = Number(m.dictionary_page_offset ?? m.data_page_offset);
      const end = start + Number(m.total_compressed_size);
      let at = Number(m.data_page_offset);
      let rows = 0;
      for (const loc of index.page_locations) {
        assert.equal(Number(loc.offset), at, `${m.path_in_schema.join('.')}: a page where the previous one ends`);
        assert.equal(Number(loc.first_row_index), rows);
        const reader = { view, offset: at };
        const header = parquetHeader(reader);
        assert.equal(header.type, 'DATA_PAGE_V2');
        assert.equal(reader.offset - at + header.compressed_page_size, loc.compressed_page_size);
        rows += header.data_page_header_v2!.num_rows;
        at += loc.compressed_page_size;
        pages++;
      }
      assert.equal(at, end, 'the last page ends the chunk');
      assert.equal(rows, Number(group.num_rows));
    }
  }
  assert.ok(pages > 0, 'some chunk has more than one page, and an offset index');
}

/** What DuckDB reads, in the same form (INT64 as numbers, dates as ISO strings). */
async function duckRows(path: string): Promise<Cell[][]> {
  const rows = await db.all(`SELECT key, doc_id, text, kind, section, n, big::VARCHAR AS big, x, flag, day::VARCHAR AS day, m FROM '${path}'`);
  return rows.map((r) => spec.columns.map((c) => (c.name === 'big' && r['big'] !== null ? Number(r['big']) : r[c.name]) as Cell));
}

describe('Parquet writer', () => {
  test('the spec has PLAIN and dictionary text columns', () => {
    assert.deepEqual(spec.columns.filter(usesDictionary).map((c) => c.name), ['doc_id', 'kind', 'section']);
  });

  test('DuckDB and parquet-wasm read back every value written, documents split across row groups anywhere', async () => {
    const dir = tempDir('pq-roundtrip');
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(row, { maxLength: 9 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 12 }), async (docs, rowGroupRows) => {
        const rows = docs.flat();
        const path = join(dir, `t${n++}.parquet`);
        const sink = new ParquetSink(spec, path, rowGroupRows);
        for (const doc of docs) sink.appendColumns(parquetColumns(spec, doc), doc.length);
        sink.close();
        const want = expected(rows);
        const got = await duckRows(path);
        // -0 reads back as -0: compared with Object.is, as deepEqual does.
        assert.deepEqual(got, want);
        if (rows.length) {
          const groups = await db.all(`SELECT count(DISTINCT row_group_id)::INTEGER AS n FROM parquet_metadata('${path}')`);
          assert.equal(groups[0]!['n'], Math.ceil(rows.length / rowGroupRows));
        }
        const arrow = tableFromIPC(readParquet(readFileSync(path)).intoIPCStream());
        assert.equal(arrow.numRows, rows.length);
        // Every column, so arrow-rs reads the delta-encoded, boolean and dictionary pages too.
        spec.columns.forEach((c, i) => {
          const vector = arrow.getChild(c.name)!;
          const got = Array.from({ length: rows.length }, (_, k) => fromArrow(c.type, vector.get(k)));
          assert.deepEqual(got, want.map((r) => r[i]), c.name);
        });
      }),
      { numRuns: 150 },
    );
  });

  test('row groups far larger than the default (250,000 rows) take whole documents and a document cut across them', async () => {
    // Values once went into the row group by push(...values), one argument each: a RangeError
    // past about 100,000. Pieces are pushed one per document now; this keeps it so.
    const dir = tempDir('pq-large');
    const big = (from: number, n: number): Cell[][] => Array.from({ length: n }, (_, j) => [
      `k${from + j}`, 'd', j % 5 === 0 ? null : `文${j % 97}`, j % 2 === 0 ? 'a' : 'b', 's', j, null, j / 4, j % 3 === 0, '2024-01-31', from + j,
    ]);
    const docs = [big(0, 180_000), big(180_000, 170_000)];
    const path = join(dir, 'large.parquet');
    const sink = new ParquetSink(spec, path, 250_000);
    for (const doc of docs) sink.appendColumns(parquetColumns(spec, doc), doc.length);
    sink.close();
    const got = await db.all(`SELECT count(*)::INTEGER AS n, sum(m)::DOUBLE AS s, count(DISTINCT text)::INTEGER AS t FROM '${path}'`);
    assert.deepEqual(got[0], { n: 350_000, s: (349_999 * 350_000) / 2, t: 97 });
    const groups = await db.all(`SELECT row_group_id, max(row_group_num_rows)::INTEGER AS n FROM parquet_metadata('${path}') GROUP BY 1 ORDER BY 1`);
    assert.deepEqual(groups.map((g) => g['n']), [250_000, 100_000]);
    assertOffsetIndexes(readFileSync(path));
  });

  test('a row group takes at most ROW_GROUP_PIECES documents, however few rows they have', async () => {
    // One row per document, as the documents table has: 10,000 rows to a row group would buffer
    // 10,000 documents' pieces.
    const dir = tempDir('pq-pieces');
    const n = 2 * ROW_GROUP_PIECES + 500;
    const path = join(dir, 'one-row-documents.parquet');
    const sink = new ParquetSink(spec, path);
    const rows: Cell[][] = [];
    for (let j = 0; j < n; j++) {
      const doc: Cell[][] = [[`k${j}`, `d${j}`, `文${j}`, 'a', 's', j, null, j / 4, j % 3 === 0, '2024-01-31', j]];
      rows.push(...doc);
      sink.appendColumns(parquetColumns(spec, doc), 1);
    }
    sink.close();
    const groups = await db.all(`SELECT row_group_id, max(row_group_num_rows)::INTEGER AS n FROM parquet_metadata('${path}') GROUP BY 1 ORDER BY 1`);
    assert.deepEqual(groups.map((g) => g['n']), [ROW_GROUP_PIECES, ROW_GROUP_PIECES, 500]);
    assert.deepEqual(await duckRows(path), expected(rows));
  });

  test('a document cut at a row group\'s end gives each row group a dictionary of only the values it uses', async () => {
    const dir = tempDir('pq-cut-dict');
    // 20 distinct values in one document, in an order unlike their sorted one, so first use and
    // sorting differ; 10 rows per row group cut the document in two.
    const rows: Cell[][] = Array.from({ length: 20 }, (_, j) => [
      `k${j}`, 'd', null, j % 2 === 0 ? 'a' : 'b', `节${(j * 7) % 20}`, j, null, j / 4, j % 3 === 0, '2024-01-31', j,
    ]);
    const path = join(dir, 'cut.parquet');
    const sink = new ParquetSink(spec, path, 10);
    sink.appendColumns(parquetColumns(spec, rows), rows.length);
    sink.close();
    assert.deepEqual(await duckRows(path), expected(rows));
    const file = readFileSync(path);
    const meta = parquetMetadata(Uint8Array.from(file).buffer);
    assert.equal(meta.row_groups.length, 2);
    meta.row_groups.forEach((group, g) => {
      const chunk = group.columns.find((c) => c.meta_data!.path_in_schema[0] === 'section')!.meta_data!;
      const used = rows.slice(g * 10, g * 10 + 10).map((r) => r[4]);
      assert.deepEqual(dictionaryPage(file, Number(chunk.dictionary_page_offset)), used, `row group ${g}: the values it uses, in first-use order`);
      assert.deepEqual([chunk.statistics!.min_value, chunk.statistics!.max_value], [[...used].sort()[0], [...used].sort().at(-1)]);
    });
    const back = await db.all(`SELECT section FROM '${path}'`);
    assert.deepEqual(back.map((r) => r['section']), rows.map((r) => r[4]));
  });

  test('a chunk lists RLE among its encodings when the column has definition levels, and encoding stats only for pages', () => {
    const dir = tempDir('pq-encodings');
    const rows: Cell[][] = Array.from({ length: 30 }, (_, j) => [
      `k${j}`, 'd', j % 4 ? `t${j}` : null, 'a', j % 5 ? 's' : null, j, null, j / 4, j % 3 === 0, '2024-01-31', j,
    ]);
    const path = join(dir, 'enc.parquet');
    const sink = new ParquetSink(spec, path, 10);
    sink.appendColumns(parquetColumns(spec, rows), rows.length);
    sink.close();
    const meta = parquetMetadata(Uint8Array.from(readFileSync(path)).buffer);
    for (const group of meta.row_groups) {
      for (const chunk of group.columns) {
        const m = chunk.meta_data!;
        const c = spec.columns.find((c) => c.name === m.path_in_schema[0])!;
        assert.equal(m.encodings.includes('RLE'), c.nullable, `${c.name}: RLE listed for definition levels`);
        assert.deepEqual(m.encodings, [...m.encodings].sort(), `${c.name}: a stable order`);
        // Every page's encoding is listed, and the list holds nothing else but RLE for the levels.
        const pageEncodings = new Set(m.encoding_stats!.map((e) => e.encoding));
        assert.ok(!pageEncodings.has('RLE'), `${c.name}: RLE is no page's encoding`);
        assert.deepEqual(m.encodings.filter((e) => e !== 'RLE'), [...pageEncodings].sort(), c.name);
      }
    }
  });

  test('each row group\'s statistics bound its values in UTF-8 byte order, with its null count', async () => {
    const dir = tempDir('pq-stats');
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(row, { minLength: 1, maxLength: 9 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 12 }), async (docs, rowGroupRows) => {
        const path = join(dir, `t${n++}.parquet`);
        const sink = new ParquetSink(spec, path, rowGroupRows);
        for (const doc of docs) sink.appendColumns(parquetColumns(spec, doc), doc.length);
        sink.close();
        const rows = expected(docs.flat());
        const meta = await db.all(`SELECT row_group_id::INTEGER AS g, path_in_schema AS c, stats_null_count::INTEGER AS nulls, stats_min_value AS lo, stats_max_value AS hi FROM parquet_metadata('${path}')`);
        for (const m of meta) {
          const i = spec.columns.findIndex((c) => c.name === m['c']);
          const values = rows.slice((m['g'] as number) * rowGroupRows, ((m['g'] as number) + 1) * rowGroupRows).map((r) => r[i]);
          assert.equal(m['nulls'], values.filter((v) => v === null).length, `${String(m['c'])} nulls`);
          const present = values.filter((v) => v !== null);
          if (spec.columns[i]!.type !== 'UTF8' || present.length === 0) continue;
          const sorted = (present as string[]).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
          // A bound cut to 16 bytes still bounds: min a prefix of the least, max above the greatest.
          assert.ok(Buffer.compare(Buffer.from(m['lo'] as string), Buffer.from(sorted[0]!)) <= 0, `${String(m['c'])} min`);
          assert.ok(Buffer.compare(Buffer.from(m['hi'] as string), Buffer.from(sorted.at(-1)!)) >= 0 || (sorted.at(-1)!.length > 16 && Buffer.from(sorted.at(-1)!).subarray(0, Buffer.from(m['hi'] as string).length).equals(Buffer.from(m['hi'] as string))), `${String(m['c'])} max`);
        }
      }),
      { numRuns: 100 },
    );
  });

  test('each row group\'s statistics of numbers and booleans are its least and greatest values (DOUBLE: a zero min as -0, a zero max as +0)', () => {
    const dir = tempDir('pq-stats-numbers');
    let n = 0;
    fc.assert(
      fc.property(fc.array(fc.array(row, { minLength: 1, maxLength: 9 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 12 }), (docs, rowGroupRows) => {
        const path = join(dir, `t${n++}.parquet`);
        const sink = new ParquetSink(spec, path, rowGroupRows);
        for (const doc of docs) sink.appendColumns(parquetColumns(spec, doc), doc.length);
        sink.close();
        const rows = docs.flat();
        const meta = parquetMetadata(Uint8Array.from(readFileSync(path)).buffer);
        meta.row_groups.forEach((group, g) => {
          for (const chunk of group.columns) {
            const i = spec.columns.findIndex((c) => c.name === chunk.meta_data!.path_in_schema[0]);
            const type = spec.columns[i]!.type;
            if (type !== 'INT32' && type !== 'INT64' && type !== 'DOUBLE' && type !== 'BOOLEAN') continue;
            const present = rows.slice(g * rowGroupRows, (g + 1) * rowGroupRows).map((r) => r[i]).filter((v) => v !== null) as Array<number | boolean>;
            const stats = chunk.meta_data!.statistics!;
            const value = (v: unknown) => (type === 'INT64' && v !== undefined ? Number(v as bigint) : v);
            const order = (a: number | boolean, b: number | boolean) => Number(a) - Number(b);
            const sorted = [...present].sort(order);
            const signedZero = (v: unknown, zero: number) => (v === 0 && type === 'DOUBLE' ? zero : v);
            // Object.is (through deepEqual) tells -0 from +0.
            assert.deepEqual(value(stats.min_value), present.length ? signedZero(sorted[0], -0) : undefined, `${spec.columns[i]!.name} min`);
            assert.deepEqual(value(stats.max_value), present.length ? signedZero(sorted.at(-1), 0) : undefined, `${spec.columns[i]!.name} max`);
          }
        });
      }),
      { numRuns: 200 },
    );
  });

  test('integers in long columns (delta-encoded blocks of 128) read back, jumps of any size included', async () => {
    const ints = { name: 'ints', columns: [column('n', 'INT32', true), column('m', 'INT32', false), column('day', 'DATE', false)] } as unknown as TableSpec;
    const dir = tempDir('pq-delta');
    let k = 0;
    const step = fc.oneof(fc.integer({ min: -3, max: 40 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constant(0));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(step, fc.boolean()), { minLength: 1, maxLength: 700 }), fc.integer({ min: 50, max: 400 }), async (steps, rowGroupRows) => {
        let v = 0;
        const rows: Cell[][] = steps.map(([d, gap], i) => {
          v = Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, v + d));
          return [gap ? null : v, i % 2 || v === -(2 ** 31) ? v : 0 - v, new Date(Date.UTC(2000, 0, 1 + (i % 37) * 11)).toISOString().slice(0, 10)];
        });
        const path = join(dir, `d${k++}.parquet`);
        const sink = new ParquetSink(ints, path, rowGroupRows);
        for (let i = 0; i < rows.length; i += 97) sink.append(rows.slice(i, i + 97));
        sink.close();
        const back = await db.all(`SELECT n, m, day::VARCHAR AS day FROM '${path}'`);
        assert.deepEqual(back.map((r) => [r['n'], r['m'], r['day']]), rows);
        const arrow = tableFromIPC(readParquet(readFileSync(path)).intoIPCStream());
        assert.deepEqual([...arrow.getChild('m')!.toArray()], rows.map((r) => r[1]));
      }),
      { numRuns: 60 },
    );
  });

  test('RLE / bit-packing hybrid: every bit width, runs and noise, decodes to the values', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 32 }), fc.array(fc.tuple(fc.nat(40), fc.nat()), { maxLength: 30 }), (bitWidth, parts) => {
        const max = bitWidth === 0 ? 0 : 2 ** bitWidth - 1;
        const values = parts.flatMap(([len, v]) => (len % 3 === 0 ? Array.from({ length: len }, () => v % (max + 1)) : Array.from({ length: len % 9 }, (_, k) => (v + k * 7919) % (max + 1))));
        const out = new Bytes();
        rleHybrid(out, Uint32Array.from(values), bitWidth);
        assert.deepEqual(decodeHybrid(out.bytes(), bitWidth, values.length), values);
      }),
      { numRuns: 2000 },
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

/** The values of the dictionary page at `offset`: Snappy-compressed PLAIN text. */
function dictionaryPage(file: Buffer, offset: number): string[] {
  const bytes = Uint8Array.from(file);
  const reader = { view: new DataView(bytes.buffer), offset };
  const header = parquetHeader(reader);
  assert.equal(header.type, 'DICTIONARY_PAGE');
  const plain = new Uint8Array(header.uncompressed_page_size);
  snappyUncompress(bytes.subarray(reader.offset, reader.offset + header.compressed_page_size), plain);
  const view = new DataView(plain.buffer);
  const values: string[] = [];
  for (let at = 0; at < plain.length; at += 4 + view.getUint32(at, true)) values.push(Buffer.from(plain.subarray(at + 4, at + 4 + view.getUint32(at, true))).toString());
  assert.equal(values.length, header.dictionary_page_header!.num_values);
  return values;
}

/** The reference reading of the hybrid encoding, straight from the format's description. */
function decodeHybrid(bytes: Uint8Array, bitWidth: number, count: number): number[] {
  const out: number[] = [];
  let i = 0;
  const varint = () => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[i++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return v;
    }
  };
  while (out.length < count) {
    const header = varint();
    if (header % 2 === 0) {
      let v = 0;
      for (let b = 0; b < Math.ceil(bitWidth / 8); b++) v += bytes[i++]! * 2 ** (8 * b);
      for (let k = 0; k < header / 2; k++) out.push(v);
    } else {
      const n = ((header - 1) / 2) * 8;
      let bit = 0;
      for (let k = 0; k < n; k++) {
        let v = 0;
        for (let b = 0; b < bitWidth; b++, bit++) v += ((bytes[i + (bit >> 3)]! >> (bit & 7)) & 1) * 2 ** b;
        out.push(v);
      }
      i += (n * bitWidth) / 8;
    }
  }
  assert.equal(i, bytes.length, 'every byte read');
  return out.slice(0, count);
}

test('the bounds of PLAIN text compared as bytes are the statistics of the strings (lone surrogates, astral and private-use characters included)', () => {
  const unit = fc.constantFrom('a', 'b', 'z', ' ', '中', '文', '\uE000', '\uFFFD', '\uFFFF', '\uD83D\uDE00', '\uD800', '\uDFFF', '\u00E9', '');
  const text = fc.array(unit, { maxLength: 6 }).map((u) => u.join(''));
  fc.assert(
    fc.property(fc.array(text, { maxLength: 30 }), (values) => {
      const expected = valueBounds(values, 'UTF8');
      const got = plainTextBounds(plainText(values));
      // A lone surrogate is written as U+FFFD: the strings' bounds compare as what is written.
      const written = (v: unknown) => (v === undefined ? undefined : new TextDecoder().decode(new TextEncoder().encode(v as string)));
      assert.equal(got.min, written(expected.min));
      assert.equal(got.max, written(expected.max));
    }),
    { numRuns: 500 },
  );
});

