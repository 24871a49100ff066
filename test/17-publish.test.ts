/**
 * The release as users read it: DuckDB, parquet-wasm (Rust arrow) and pandas open every file of a
 * fresh build; formats agree; the descriptor is a valid Data Package; builds are reproducible.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import ajvDraft04 from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
// ajv-draft-04 is CommonJS; under NodeNext its class is the namespace's default.
const AjvDraft4 = ajvDraft04.default;
type AjvDraft4 = InstanceType<typeof AjvDraft4>;
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { projectRoot } from '../lib/paths.js';
import { tableSpec, tableSpecs, type ColumnType } from '../lib/table-schema.js';
import { typedRow } from '../lib/typed-row.js';
import { ParquetSink, writeParquet } from '../lib/write-parquet.js';
import { CsvSink } from '../lib/write-csv.js';
import { csvRecords } from '../lib/release-diff.js';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { duckdb, freshBuild, PYTHON, sha256Hex, tempDir } from './helpers.js';

let outDir = '';
let latest = '';
let db: Awaited<ReturnType<typeof duckdb>>;

before(async () => {
  const result = await freshBuild();
  outDir = result.outDir;
  latest = realpathSync(join(outDir, 'latest'));
  db = await duckdb();
});
after(() => db.close());

const PARQUET_SQL_TYPE: Record<ColumnType, string> = { INT32: 'INTEGER', INT64: 'BIGINT', DOUBLE: 'DOUBLE', BOOLEAN: 'BOOLEAN', DATE: 'DATE', UTF8: 'VARCHAR' };
// What DuckDB's CSV sniffer makes of our CSV: integers widen to BIGINT, the rest stays.
const CSV_SQL_TYPE: Record<ColumnType, string> = { ...PARQUET_SQL_TYPE, INT32: 'BIGINT' };

describe('release files', () => {
  test('the release holds Parquet and CSV for every table, datapackage.json and SHA256SUMS', () => {
    const expected = tableSpecs().flatMap((t) => [`${t.name}.csv`, `${t.name}.parquet`]).concat(['CHANGELOG.md', 'SHA256SUMS', 'datapackage.json', 'indicators', 'mentions', 'paragraphs']).sort();
    assert.deepEqual(readdirSync(latest).sort(), expected);
  });

  test('SHA256SUMS lists every other file with its true hash', () => {
    const lines = readFileSync(join(latest, 'SHA256SUMS'), 'utf8').trim().split('\n');
    const listed = new Map(lines.map((l) => l.split('  ').reverse() as [string, string]));
    const files = readdirSync(latest, { recursive: true }).map(String).filter((x) => x !== 'SHA256SUMS' && x.includes('.'));
    for (const f of files) assert.equal(listed.get(f), sha256Hex(readFileSync(join(latest, f))), f);
    assert.equal(listed.size, files.length);
  });
});

describe('DuckDB reads every file', () => {
  test('Parquet columns have the schema types, in schema order', async () => {
    for (const spec of tableSpecs()) {
      const cols = await db.all(`DESCRIBE SELECT * FROM '${join(latest, spec.name)}.parquet'`);
      assert.deepEqual(cols.map((c) => [c['column_name'], c['column_type']]), spec.columns.map((c) => [c.name, PARQUET_SQL_TYPE[c.type]]), spec.name);
    }
  });

  test('CSV columns sniff to the expected types, in the same order as Parquet', async () => {
    for (const spec of tableSpecs()) {
      const cols = await db.all(`DESCRIBE SELECT * FROM read_csv('${join(latest, spec.name)}.csv')`);
      // A DOUBLE column whose values all happen to be whole numbers sniffs as BIGINT.
      const sniffed = cols.map((c, i) => [c['column_name'], spec.columns[i]?.type === 'DOUBLE' && c['column_type'] === 'BIGINT' ? 'DOUBLE' : c['column_type']]);
      assert.deepEqual(sniffed, spec.columns.map((c) => [c.name, CSV_SQL_TYPE[c.type]]), spec.name);
    }
  });

  test('known columns have the types a user relies on', async () => {
    const d = await db.all(`SELECT typeof(date) AS t, typeof(year) AS y, typeof(raw_bytes) AS b FROM '${latest}/documents.parquet' LIMIT 1`);
    assert.deepEqual(d[0], { t: 'DATE', y: 'INTEGER', b: 'INTEGER' });
  });

  test('row counts: seven documents, and paragraphs match each document\'s paragraph_count', async () => {
    const docs = await db.all(`SELECT count(*)::INTEGER AS n FROM '${latest}/documents.parquet'`);
    assert.equal(docs[0]!['n'], 7);
    const mismatch = await db.all(`
      SELECT d.doc_id FROM '${latest}/documents.parquet' d
      LEFT JOIN (SELECT doc_id, count(*) AS n FROM '${latest}/paragraphs.parquet' GROUP BY doc_id) p USING (doc_id)
      WHERE coalesce(p.n, 0) <> d.paragraph_count OR d.paragraph_count = 0`);
    assert.deepEqual(mismatch, []);
    for (const spec of tableSpecs()) {
      const [p, c] = await Promise.all([
        db.all(`SELECT count(*)::INTEGER AS n FROM '${latest}/${spec.name}.parquet'`),
        db.all(`SELECT count(*)::INTEGER AS n FROM read_csv('${latest}/${spec.name}.csv')`),
      ]);
      assert.equal(p[0]!['n'], c[0]!['n'], spec.name);
    }
  });

  test('Parquet and CSV agree row for row', async () => {
    for (const spec of tableSpecs()) {
      const types = spec.columns.map((c) => `'${c.name}': '${PARQUET_SQL_TYPE[c.type]}'`).join(', ');
      const csv = `read_csv('${latest}/${spec.name}.csv', header = true, columns = {${types}})`;
      const pq = `'${latest}/${spec.name}.parquet'`;
      for (const [a, b] of [[pq, csv], [csv, pq]]) {
        const diff = await db.all(`SELECT count(*)::INTEGER AS n FROM (SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b})`);
        assert.equal(diff[0]!['n'], 0, `${spec.name}: rows of ${a} missing from ${b}`);
      }
    }
  });

  test('every Parquet column is SNAPPY-compressed, with statistics', async () => {
    for (const spec of tableSpecs()) {
      const meta = await db.all(`SELECT path_in_schema, compression, stats_null_count FROM parquet_metadata('${latest}/${spec.name}.parquet')`);
      if (meta.length === 0) continue; // an empty table (changes of a first release) has no row group
      assert.ok(meta.length >= spec.columns.length);
      for (const m of meta) {
        assert.equal(m['compression'], 'SNAPPY', `${spec.name}.${String(m['path_in_schema'])}`);
        assert.notEqual(m['stats_null_count'], null, `${spec.name}.${String(m['path_in_schema'])} has no statistics`);
      }
    }
  });

  test('text survives: the Chinese of the first paragraph reads back exactly', async () => {
    const rows = await db.all(`SELECT text, section, is_heading, heading_level FROM '${latest}/paragraphs.parquet' WHERE doc_id = '2021-national-lianzheng-speech-li-keqiang' AND is_heading ORDER BY ordinal LIMIT 1`);
    assert.deepEqual(rows[0], {
      text: '一、持续加强政府系统党风廉政建设和反腐败工作，为统筹推进疫情防控和经济社会发展提供有力保障',
      section: '一、持续加强政府系统党风廉政建设和反腐败工作，为统筹推进疫情防控和经济社会发展提供有力保障',
      is_heading: true,
      heading_level: 1,
    });
  });
});

describe('hive-partitioned Parquet', () => {
  test('DuckDB reads the large tables by year with hive_partitioning, every row once, years as the documents say', async () => {
    for (const t of ['paragraphs', 'mentions', 'indicators']) {
      const parted = await db.all(`SELECT count(*)::INTEGER AS n, count(DISTINCT year)::INTEGER AS years FROM read_parquet('${latest}/${t}/*/*.parquet', hive_partitioning = true)`);
      const whole = await db.all(`SELECT count(*)::INTEGER AS n, count(DISTINCT d.year)::INTEGER AS years FROM '${latest}/${t}.parquet' JOIN '${latest}/documents.parquet' d USING (doc_id)`);
      assert.deepEqual(parted, whole, t);
    }
    const wrong = await db.all(`SELECT count(*)::INTEGER AS n FROM read_parquet('${latest}/paragraphs/*/*.parquet', hive_partitioning = true) p JOIN '${latest}/documents.parquet' d USING (doc_id) WHERE p.year::INTEGER <> d.year`);
    assert.equal(wrong[0]!['n'], 0);
  });
});

describe('Parquet written in row groups as rows stream in', () => {
  test('a table cut into many row groups reads back row for row, every type and null intact, in DuckDB and parquet-wasm', async () => {
    const spec = tableSpec('documents');
    // 23 documents, every third with nulls where the schema allows them; row groups of 5 rows.
    const rows = Array.from({ length: 23 }, (_, i) => {
      const gap = i % 3 === 0;
      return {
        key: `doc-${i}`, doc_id: `doc-${i}`, source_file: `f${i}.txt`, title: gap ? null : `第${i}号 政府工作报告 𠀀`, kind: 'government_work_report',
        region: '全国', scope: 'national', date: gap ? null : `20${String(10 + i).padStart(2, '0')}-03-0${(i % 9) + 1}`, year: gap ? null : 2010 + i,
        speaker: null, speaker_role: null, event: null, dateline: null, source_url: null, metadata_source: 'sidecar', encoding: 'utf-8',
        raw_sha256: sha256Hex(String(i)), raw_bytes: 2_000_000_000 + i, file_chars: 1000 + i,
        raw_start: 0, raw_end: 10 + i, text_chars: 900 + i, paragraph_count: i,
      };
    });
    for (const r of rows) assert.ok(spec.validate(r), JSON.stringify(spec.validate.errors));
    const path = join(tempDir('groups'), 'documents.parquet');
    const sink = new ParquetSink(spec, path, 5);
    // Appended in uneven batches, as documents arrive.
    for (const [from, to] of [[0, 1], [1, 9], [9, 9], [9, 23]] as const) sink.append(rows.slice(from, to).map((r) => typedRow(spec, r)));
    sink.close();
    const groups = await db.all(`SELECT count(DISTINCT row_group_id)::INTEGER AS n FROM parquet_metadata('${path}')`);
    assert.equal(groups[0]!['n'], 5);
    const back = await db.all(`SELECT key, title, date::VARCHAR AS date, year, raw_bytes::VARCHAR AS raw_bytes, paragraph_count FROM '${path}'`);
    assert.deepEqual(back, rows.map((r) => ({ key: r.key, title: r.title, date: r.date, year: r.year, raw_bytes: String(r.raw_bytes), paragraph_count: r.paragraph_count })));
    const arrow = tableFromIPC(readParquet(readFileSync(path)).intoIPCStream());
    assert.equal(arrow.numRows, 23);
    assert.deepEqual(arrow.getChild('title')!.toArray(), rows.map((r) => r.title));
  });

  test('INT64 columns (no schema has one yet) hold integers beyond 32 bits', async () => {
    const spec = { ...tableSpec('documents'), name: 'wide', columns: [{ name: 'n', type: 'INT64' as ColumnType, nullable: true, description: '' }] };
    const path = join(tempDir('int64'), 'wide.parquet');
    const values = [5_000_000_000, null, -(2 ** 53) + 1, 7];
    const sink = new ParquetSink(spec, path, 3);
    sink.append(values.map((n) => typedRow(spec, { n })));
    sink.close();
    const back = await db.all(`SELECT n::VARCHAR AS n FROM '${path}'`);
    assert.deepEqual(back.map((r) => r['n']), values.map((v) => (v === null ? null : String(v))));
  });
});

describe('CSV fields', () => {
  // The warnings table with every column text, so any value may go in any column.
  const spec = tableSpec('warnings');
  const allText = { ...spec, columns: spec.columns.map((c) => ({ ...c, type: 'UTF8' as ColumnType })) };
  test('read back by the release diff\'s reader exactly as csv-parse reads them', () => {
    const dir = tempDir('csvread');
    const piece = fc.constantFrom('"', ',', '\r', '\n', '\r\n', ' ', '\u3000', '\uFEFF', '增长6%', 'a', '𠀀', '""', '",');
    const cell = fc.oneof(fc.constant(null), fc.integer(), fc.array(piece, { minLength: 1, maxLength: 8 }).map((a) => `x${a.join('')}`));
    const rowsArb = fc.array(fc.array(cell, { minLength: spec.columns.length, maxLength: spec.columns.length }), { minLength: 0, maxLength: 5 });
    let n = 0;
    fc.assert(
      fc.property(rowsArb, (rows) => {
        const path = join(dir, `r${n++}.csv`);
        const sink = new CsvSink(allText, path);
        sink.append(rows);
        sink.close();
        assert.deepEqual([...csvRecords(path)], parseCsv(readFileSync(path), { bom: true }));
      }),
      { numRuns: 500 },
    );
  });

  test('are written byte for byte as csv-stringify writes them with the options the release used to give it', () => {
    const dir = tempDir('csvprop');
    const piece = fc.constantFrom('"', ',', '\r', '\n', '\r\n', ' ', '\t', '\u3000', '\uFEFF', '增长6%', 'a', '𠀀', "'", '=', ';');
    const cell = fc.oneof(fc.constant(null), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.array(piece, { minLength: 1, maxLength: 8 }).map((a) => a.join('')), fc.string({ minLength: 1, maxLength: 10 }));
    const rowsArb = fc.array(fc.array(cell, { minLength: spec.columns.length, maxLength: spec.columns.length }), { minLength: 1, maxLength: 5 });
    let n = 0;
    fc.assert(
      fc.property(rowsArb, (rows) => {
        const cells = rows.map((r) => r.map((v) => (typeof v === 'string' && ['', 'NA', 'null', 'nan', 'None', 'NULL', 'NaN', 'n/a', 'N/A', 'na'].includes(v.trim()) ? `x${v}` : v)));
        const path = join(dir, `t${n++}.csv`);
        const sink = new CsvSink(allText, path);
        sink.append(cells);
        sink.close();
        const expected = stringify(cells.map((r) => r.map((v) => (v === null ? null : typeof v === 'number' ? String(v) : typeof v === 'boolean' ? (v ? 'true' : 'false') : v))), {
          bom: true, header: true, columns: spec.columns.map((c) => c.name), record_delimiter: 'windows', quoted_match: [/[\r\n]/u, /^\s|\s$/u],
        });
        assert.equal(readFileSync(path, 'utf8'), expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('Parquet statistics never mislead a reader', () => {
  test('text with characters outside the BMP is still found by a filter', async () => {
    const spec = tableSpec('paragraphs');
    const rows = ['，', '𠀀', '中'].map((text, i) => ({ key: `k${i}`, doc_id: 'x-doc', ordinal: i + 1, text, section: null, is_heading: false, heading_level: null, speaker: null, char_count: 1, source_file: 'a.txt', raw_start: 0, raw_end: 1 }));
    const path = join(tempDir('stats'), 't.parquet');
    writeParquet(spec, rows.map((r) => typedRow(spec, r)), path);
    for (const t of ['，', '𠀀', '中']) {
      const r = await db.all(`SELECT count(*)::INTEGER AS n FROM '${path}' WHERE text = '${t}'`);
      assert.equal(r[0]!['n'], 1, t);
    }
  });

  test('on the release, each text column\'s min/max statistics bound the values in byte order', async () => {
    let checked = 0;
    for (const spec of tableSpecs()) {
      const pq = `'${latest}/${spec.name}.parquet'`;
      // The seed tables are one row group each, so the file's values are the row group's: the
      // writer may truncate a long min/max, but a bound that cuts off a value misleads a filter.
      const groups = await db.all(`SELECT count(DISTINCT row_group_id)::INTEGER AS n FROM parquet_metadata(${pq})`);
      assert.ok(Number(groups[0]!['n']) <= 1, `${spec.name}: one row group`);
      for (const c of spec.columns.filter((x) => x.type === 'UTF8')) {
        const bad = await db.all(
          `SELECT m.stats_min_value AS lo, m.stats_max_value AS hi FROM parquet_metadata(${pq}) m
           WHERE m.path_in_schema = '${c.name}' AND m.stats_min_value IS NOT NULL
             AND (m.stats_min_value > (SELECT min("${c.name}") FROM ${pq}) OR m.stats_max_value < (SELECT max("${c.name}") FROM ${pq}))`,
        );
        assert.deepEqual(bad, [], `${spec.name}.${c.name}`);
        checked++;
      }
    }
    assert.ok(checked > 20);
  });
});

describe('a second, independent Parquet reader (parquet-wasm, Rust arrow)', () => {
  test('reads every Parquet file with the same values DuckDB reads from the CSV', async () => {
    for (const spec of tableSpecs()) {
      const arrow = tableFromIPC(readParquet(readFileSync(join(latest, `${spec.name}.parquet`))).intoIPCStream());
      const csvRows = await db.all(`SELECT * FROM read_csv('${latest}/${spec.name}.csv', header = true, all_varchar = true)`);
      assert.equal(arrow.numRows, csvRows.length, spec.name);
      assert.deepEqual(arrow.schema.fields.map((f) => f.name), spec.columns.map((c) => c.name));
      for (let i = 0; i < arrow.numRows; i++) {
        const row = arrow.get(i)!.toJSON() as Record<string, unknown>;
        for (const c of spec.columns) {
          let v = row[c.name];
          if (v !== null && v !== undefined) {
            if (c.type === 'DATE') v = new Date(Number(v)).toISOString().slice(0, 10);
            else v = String(v);
          } else v = null;
          assert.equal(v, csvRows[i]![c.name] ?? null, `${spec.name} row ${i + 1} column ${c.name}`);
        }
      }
    }
  });
});

describe('pandas reads every CSV', () => {
  test('with the expected dtypes and the Chinese text intact', async () => {
    const script = `
import json, sys
import pandas as pd
out = {}
for name in sys.argv[2:]:
    df = pd.read_csv(f"{sys.argv[1]}/{name}.csv")
    out[name] = {"columns": list(df.columns), "dtypes": {c: str(t) for c, t in df.dtypes.items()}, "rows": len(df),
                 "first_text": df["text"].tolist() if "text" in df.columns else None,
                 "nulls": {c: int(df[c].isna().sum()) for c in df.columns}}
print(json.dumps(out, ensure_ascii=False))`;
    const names = tableSpecs().map((t) => t.name);
    const r = spawnSync(PYTHON, ['-c', script, latest, ...names], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(r.status, 0, `pandas failed (is python3-pandas installed?): ${r.stderr}`);
    const got = JSON.parse(r.stdout) as Record<string, { columns: string[]; dtypes: Record<string, string>; rows: number; first_text: string[] | null; nulls: Record<string, number> }>;
    for (const spec of tableSpecs()) {
      const g = got[spec.name]!;
      assert.deepEqual(g.columns, spec.columns.map((c) => c.name), `${spec.name}: columns (a BOM would show in the first name)`);
      for (const c of spec.columns) {
        if (g.rows === 0) break; // an empty table has no values to type
        const nullable = g.nulls[c.name]! > 0;
        // pandas' own rules: integers with a gap become float64, and so does a column with no values at all.
        const empty = g.nulls[c.name] === g.rows;
        const expected = empty || c.type === 'DOUBLE' ? 'float64' : c.type === 'INT32' || c.type === 'INT64' ? (nullable ? 'float64' : 'int64') : c.type === 'BOOLEAN' ? 'bool' : 'object';
        assert.equal(g.dtypes[c.name], expected, `${spec.name}.${c.name}`);
        if (!c.nullable) assert.equal(g.nulls[c.name], 0, `${spec.name}.${c.name} must have no missing values`);
      }
      const n = await db.all(`SELECT count(*)::INTEGER AS n FROM '${latest}/${spec.name}.parquet'`);
      assert.equal(g.rows, n[0]!['n']);
    }
    const texts = await db.all(`SELECT text FROM '${latest}/paragraphs.parquet'`);
    assert.deepEqual(got['paragraphs']!.first_text, texts.map((t) => t['text']));
  });
});

describe('datapackage.json', () => {
  const addFormats = addFormatsModule as unknown as (ajv: AjvDraft4) => AjvDraft4;
  const profile = (name: string) => JSON.parse(readFileSync(join(projectRoot, 'node_modules/datapackage/lib/profiles', `${name}.json`), 'utf8')) as object;

  test('is a valid Tabular Data Package (Frictionless profiles, draft-04, via ajv)', () => {
    const ajv = new AjvDraft4({ allErrors: true, strict: false });
    addFormats(ajv);
    ajv.addFormat('textarea', true); // a UI hint in the Frictionless profiles, not a constraint
    const dp = JSON.parse(readFileSync(join(latest, 'datapackage.json'), 'utf8')) as { resources: unknown[] };
    const validatePackage = ajv.compile(profile('tabular-data-package'));
    assert.ok(validatePackage(dp), JSON.stringify(validatePackage.errors, null, 2));
    const validateResource = ajv.compile(profile('tabular-data-resource'));
    for (const r of dp.resources) assert.ok(validateResource(r), JSON.stringify(validateResource.errors, null, 2));
  });

  test('describes each table with the schema\'s columns, the files\' hashes, the sources and a version', () => {
    const dp = JSON.parse(readFileSync(join(latest, 'datapackage.json'), 'utf8')) as {
      version: string; licenses: unknown[]; sources: Array<{ path: string; 'x-sha256': string }>;
      resources: Array<{ name: string; path: string; hash: string; schema: { fields: Array<{ name: string; type: string; description: string }> } }>;
    };
    assert.match(dp.version, /^\d+\.\d+\.\d+\+[0-9a-f]{16}$/u);
    assert.ok(dp.licenses.length > 0);
    for (const s of dp.sources) {
      assert.equal(s['x-sha256'], sha256Hex(readFileSync(join(projectRoot, s.path))));
    }
    assert.equal(dp.sources.length, 5);
    for (const spec of tableSpecs()) {
      for (const name of [spec.name, `${spec.name}-parquet`]) {
        const r = dp.resources.find((x) => x.name === name)!;
        assert.ok(r, name);
        assert.deepEqual(r.schema.fields.map((f) => f.name), spec.columns.map((c) => c.name));
        assert.ok(r.schema.fields.every((f) => f.description.length > 0), `${name}: every field is described`);
        assert.equal(r.hash, `sha256:${sha256Hex(readFileSync(join(latest, r.path)))}`);
      }
    }
  });
});

describe('reproducible', () => {
  test('two builds of the same raw folder are byte-identical', async () => {
    const second = await freshBuild(undefined, { concurrency: 1 });
    const other = realpathSync(join(second.outDir, 'latest'));
    const list = (d: string) => readdirSync(d, { recursive: true }).map(String).filter((f) => f.includes('.')).sort();
    const files = list(latest);
    assert.deepEqual(list(other), files);
    for (const f of files) assert.ok(readFileSync(join(latest, f)).equals(readFileSync(join(other, f))), `${f} differs`);
  });
});

describe('README snippets', () => {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  const snippet = (tag: string) => {
    const m = new RegExp(`<!-- snippet:${tag} -->\\s*\`\`\`\\w+\\n([\\s\\S]*?)\`\`\``, 'u').exec(readme);
    assert.ok(m, `README has no ${tag} snippet`);
    return m[1]!;
  };

  test('the DuckDB snippet runs against a fresh release and finds GDP paragraphs', async () => {
    const sql = snippet('duckdb').replaceAll("'out/latest/", `'${outDir}/latest/`);
    const rows = await db.all(sql);
    assert.ok(rows.length >= 3, `only ${rows.length} rows`);
    assert.ok(rows.every((r) => String(r['text']).includes('地区生产总值')));
  });

  test('the pandas snippet runs against a fresh release', () => {
    const r = spawnSync(PYTHON, ['-c', snippet('pandas')], { encoding: 'utf8', cwd: join(outDir, '..') });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /2017\s+\d+/u);
    assert.match(r.stdout, /2023\s+\d+/u);
  });
});
