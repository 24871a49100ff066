/**
 * The tables stage makes rows as cells in schema column order and checks them as cells: these
 * tests hold that to ajv's checks of the same rows as objects against the table's own schema,
 * and to typedRow.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Doc, StageContext } from '../lib/document.js';
import { describeAjvError } from '../lib/ajv.js';
import { PipelineError } from '../lib/errors.js';
import { rawRange } from '../lib/offset-map.js';
import { RawLines } from '../lib/raw-position.js';
import { tableSpec } from '../lib/table-schema.js';
import { typedRow } from '../lib/typed-row.js';
import { cellCheck, cellCheckFor, validateNamedRows } from '../lib/validate-rows.js';
import { listSources } from '../pipeline/00-sources.js';
import { processSource, STAGES } from '../pipeline/runner.js';
import { tables } from '../pipeline/16-tables.js';
import { RAW } from './helpers.js';

const sources = listSources(RAW);
const beforeTables = STAGES.filter((s) => s !== tables);
const asObject = (columns: readonly string[], cells: readonly unknown[]) => Object.fromEntries(columns.map((c, i) => [c, cells[i]]));

/** A seed document run up to the tables stage, with the context the stage needs. */
function seedBeforeTables(): { doc: Doc; ctx: StageContext } {
  const source = sources.find((s) => s.sidecar)!;
  const doc = processSource(source, beforeTables)[0]!;
  return { doc, ctx: { sidecar: source.sidecar, repair: source.repair, errata: source.errata, lines: new RawLines(doc.raw, doc.encoding) } };
}

function thrown(run: () => unknown): PipelineError | null {
  try {
    run();
    return null;
  } catch (err) {
    assert.ok(err instanceof PipelineError, String(err));
    return err;
  }
}

const failure = (run: () => unknown): string | null => thrown(run)?.message ?? null;

/** A failure's field and problem, without its position. */
function problemOf(run: () => unknown): string | null {
  const err = thrown(run);
  return err && `${err.location.field}: ${err.problem}`;
}

/**
 * What ajv says of a row as an object against its table's own schema, and of its key, worded as
 * the build words a failure (field and problem): the reference the checks of cells are held to.
 */
function objectRowProblem(table: string, values: Record<string, unknown>, docId: string): string | null {
  const spec = tableSpec(table);
  const key = String(values['key']);
  if (!spec.validate(values)) {
    const { field, problem } = describeAjvError(spec.validate.errors![0]!);
    const value = JSON.stringify(values[field.split('.')[0]!]);
    return `${table}.${field}: row (key=${key}) of table ${table} fails schemas/tables/${table}.schema.json: ${field} ${problem} (value ${value})`;
  }
  if (key !== docId && !key.startsWith(`${docId}:`)) return `${table}.key: row (key=${key}) of table ${table} has a key that does not start with its document id "${docId}"`;
  return null;
}

describe('tables stage rows', () => {
  test('every seed row is what the object rows gave: valid, and the same typed cells', () => {
    for (const source of sources) {
      for (const doc of processSource(source)) {
        for (const [table, rows] of Object.entries(doc.rows!)) {
          const spec = tableSpec(table);
          const columns = spec.columns.map((c) => c.name);
          const objects = rows.map((cells) => asObject(columns, cells));
          objects.forEach((o, i) => {
            assert.equal(objectRowProblem(table, o, doc.meta!.id), null, `${doc.file} ${table} row ${i + 1}`);
            assert.deepEqual(typedRow(spec, o), rows[i], `${doc.file} ${table} row ${i + 1}`);
          });
          assert.equal(new Set(objects.map((o) => o['key'])).size, objects.length, `${doc.file} ${table}: two rows share a key`);
        }
      }
    }
  });

  test('every seed row agrees with facts known apart from the stage (a swap of two like columns fails)', () => {
    let ranges = 0;
    for (const source of sources) {
      const bytes = readFileSync(join(RAW, source.file));
      for (const doc of processSource(source)) {
        const rows = Object.fromEntries(Object.entries(doc.rows!).map(([table, cells]) => [table, cells.map((c) => asObject(tableSpec(table).columns.map((x) => x.name), c))]));
        const where = (table: string, row: Record<string, unknown>) => `${doc.file} ${table} ${String(row['key'])}`;
        const document = rows['documents']![0]!;
        assert.equal(document['raw_bytes'], bytes.length, where('documents', document));
        assert.equal(document['file_chars'], [...new TextDecoder(String(document['encoding'])).decode(bytes)].length, where('documents', document));
        assert.ok((document['raw_start'] as number) < (document['raw_end'] as number), where('documents', document));
        const paragraphText = new Map(rows['paragraphs']!.map((p) => [p['ordinal'], p['text'] as string]));
        for (const p of rows['paragraphs']!) {
          assert.equal(p['char_count'], [...(p['text'] as string)].length, where('paragraphs', p));
          assert.equal(p['is_heading'], p['heading_level'] !== null, where('paragraphs', p));
        }
        for (const table of ['paragraphs', 'mentions', 'indicators']) {
          for (const row of rows[table]!) {
            assert.ok((row['raw_start'] as number) < (row['raw_end'] as number) && (row['raw_end'] as number) <= bytes.length, where(table, row));
            assert.ok(row['source_file'] === doc.file && row['doc_id'] === doc.meta!.id, where(table, row));
          }
        }
        for (const m of rows['mentions']!) {
          assert.ok(paragraphText.get(m['paragraph'])!.includes(m['text'] as string), where('mentions', m));
        }
        for (const table of ['mentions', 'indicators']) {
          for (const row of rows[table]!) {
            for (const [low, high] of [['value_low', 'value_high'], ['value_std_low', 'value_std_high']] as const) {
              if (row[low] === null || row[low] === undefined || row[high] === null) continue;
              assert.ok((row[low] as number) <= (row[high] as number), `${where(table, row)} ${low} > ${high}`);
              if ((row[low] as number) < (row[high] as number)) ranges++;
            }
          }
        }
        for (const w of rows['warnings']!) {
          if (w['raw_start'] === null) continue;
          const newlines = bytes.subarray(0, w['raw_start'] as number).filter((b) => b === 0x0a).length;
          assert.equal(w['line'], newlines + 1, where('warnings', w));
        }
        for (const c of rows['corrections']!) assert.ok((c['raw_start'] as number) <= (c['raw_end'] as number), where('corrections', c));
      }
    }
    assert.ok(ranges > 0, 'no seed row has a range, so value_low and value_high are not told apart');
  });

  test('a bad value fails the document with its file, line and field', () => {
    const { doc, ctx } = seedBeforeTables();
    const mentions = doc.data.mentions!;
    const bad: Doc = { ...doc, data: { ...doc.data, mentions: mentions.map((m, i) => (i === 5 ? { ...m, unit: 5 as unknown as string } : m)) } };
    const m = mentions[5]!;
    const line = ctx.lines!.position(rawRange(doc.map, m.textStart + m.start, m.textStart + m.end, doc.raw.length)[0]).line;
    assert.throws(() => tables.run(bad, ctx), (err: unknown) => {
      assert.ok(err instanceof PipelineError);
      assert.equal(err.location.file, doc.file);
      assert.equal(err.location.field, 'mentions.unit');
      assert.equal(err.location.line, line);
      assert.match(err.message, /row \(key=[^)]+\) of table mentions fails schemas\/tables\/mentions\.schema\.json: unit must be string,null \(value 5\)/u);
      return true;
    });
  });

  test('a missing value is a missing required property, as in an object row', () => {
    const { doc, ctx } = seedBeforeTables();
    const meta = { ...doc.meta!, dateline: undefined as unknown as string };
    assert.match(failure(() => tables.run({ ...doc, meta }, ctx))!, /of table documents fails schemas\/tables\/documents\.schema\.json: \(top level\) is missing required property "dateline"/u);
  });

  test('a column the schema lacks fails, one it requires and the row lacks is missing; cells come in schema order', () => {
    const { doc, ctx } = seedBeforeTables();
    const made = (tables.run(doc, ctx) as Doc).rows!;
    const columns = tableSpec('documents').columns.map((c) => c.name);
    const named = asObject(columns, made['documents']![0]!);
    const origin = { file: doc.file, docId: doc.meta!.id };
    // Names given in reverse order still become cells in the schema's order.
    const reversed = Object.fromEntries(Object.entries(named).reverse());
    assert.deepEqual(validateNamedRows('documents', [reversed], origin), made['documents']);
    assert.match(failure(() => validateNamedRows('documents', [{ ...named, pages: 3 }], origin))!, /rows of table documents have the columns pages, which schemas\/tables\/documents\.schema\.json lacks/u);
    const { dateline: _, ...without } = named;
    assert.match(failure(() => validateNamedRows('documents', [without], origin))!, /\(top level\) is missing required property "dateline"/u);
  });

  test('any bad cell is refused with the message the object row gets', () => {
    const { doc, ctx } = seedBeforeTables();
    const made = (tables.run(doc, ctx) as Doc).rows!;
    const odd = [undefined, null, 1.5, -1, 0, '', 'x', '2024-02-30', true, {}, [], Number.NaN, Infinity, 2 ** 40];
    let refused = 0;
    for (const [table, rows] of Object.entries(made)) {
      if (rows.length === 0) continue;
      const spec = tableSpec(table);
      const columns = spec.columns.map((c) => c.name);
      const origin = { file: doc.file, docId: doc.meta!.id };
      for (let c = 0; c < columns.length; c++) {
        for (const value of odd) {
          const cells: unknown[] = [...rows[0]!];
          cells[c] = value;
          const asCells = problemOf(() => validateNamedRows(table, [asObject(columns, cells)], origin));
          const asObjects = objectRowProblem(table, asObject(columns, cells), origin.docId);
          assert.equal(asCells, asObjects, `${table}.${columns[c]} = ${String(value)}`);
          if (asCells) refused++;
        }
      }
    }
    assert.ok(refused > 500, `only ${refused} bad cells refused`);
  });

  test('cell checks refuse a table whose primary key is not the key column alone', () => {
    const spec = tableSpec('warnings');
    assert.throws(() => cellCheckFor({ ...spec, primaryKey: ['doc_id', 'seq'] }), /schemas\/tables\/warnings\.schema\.json: rows checked as cells are told apart by their key column alone, not by doc_id \+ seq/u);
    assert.throws(() => cellCheckFor({ ...spec, primaryKey: ['seq'] }), /key column alone, not by seq/u);
    assert.equal(cellCheckFor(spec).spec, spec);
  });

  test('a table spec compiles its schema once, on first use, from the schema it carries', () => {
    const spec = tableSpec('mentions');
    assert.equal(spec.validate, spec.validate);
    assert.equal(spec.validate.schema, spec.schema);
  });

  test('the quick cell checks pass every row the tables stage makes, without ajv', () => {
    const { doc, ctx } = seedBeforeTables();
    const made = (tables.run(doc, ctx) as Doc).rows!;
    for (const [table, rows] of Object.entries(made)) {
      const check = cellCheck(table);
      for (const row of rows) assert.ok(check.accepts(row), `${table} row ${String(row[0])}`);
    }
  });

  test('a row the quick cell checks pass is one ajv passes (property)', () => {
    const { doc, ctx } = seedBeforeTables();
    const made = (tables.run(doc, ctx) as Doc).rows!;
    const strings = fc.oneof(
      fc.string(),
      fc.constantFrom('', ' ', 'a', 'x-1', 'A', '-a', 'a/b', 'ocr/doubled-word', 'Ocr/x', '2024-02-29', '2023-02-29', '2024-13-01', '2024-1-01', '２０２４-01-01', 'exact', 'EXACT', 'range ', 'gdp_growth', '1gdp', 'utf-8', 'sidecar', '0'.repeat(64), 'g'.repeat(64), '\uD800', '国'),
    );
    const values = fc.oneof(
      strings,
      fc.integer({ min: -5, max: 3000 }),
      fc.constantFrom(0, -0, 1, 9, 10, 1899, 1900, 2100, 2101, 2147483647, 2147483648, 2 ** 53, 1.5, -1, Number.NaN, Infinity, -Infinity),
      fc.double(),
      fc.boolean(),
      fc.constantFrom(null, undefined, {}, [], [1]),
    );
    const tablesWithRows = Object.entries(made).filter(([, rows]) => rows.length > 0);
    fc.assert(
      fc.property(fc.constantFrom(...tablesWithRows), fc.nat(), fc.array(fc.tuple(fc.nat(), values), { minLength: 1, maxLength: 3 }), fc.integer({ min: -1, max: 1 }), ([table, rows], pick, changes, resize) => {
        const row: unknown[] = [...rows[pick % rows.length]!];
        for (const [at, value] of changes) row[at % row.length] = value;
        if (resize < 0) row.pop();
        if (resize > 0) row.push(null);
        const check = cellCheck(table);
        if (check.accepts(row)) assert.ok(check.validate()(row), `${table}: ${JSON.stringify(row)}`);
      }),
      { numRuns: 20000 },
    );
  });
});
