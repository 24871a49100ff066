/**
 * The CSV writer against csv-stringify, field by field: white space at either edge of a value
 * (every unit JavaScript's \s matches, and the ones it does not), the quoting characters, and
 * values that repeat down a column (the writer copies a column's previous field).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import type { ColumnType, TableSpec } from '../lib/table-schema.js';
import type { Cell } from '../lib/typed-row.js';
import { csvBytes, csvField } from '../lib/write-csv.js';

const column = (name: string, type: ColumnType) => ({ name, type, nullable: true, description: '' });
const spec = { name: 't', columns: [column('a', 'UTF8'), column('b', 'UTF8'), column('n', 'INT32'), column('d', 'DATE'), column('f', 'BOOLEAN')] } as unknown as TableSpec;

/** What csv-stringify writes for these rows with the options the release used to give it, without BOM and header. */
function reference(rows: Cell[][]): string {
  return stringify(rows.map((r) => r.map((v) => (v === null ? null : typeof v === 'number' ? String(v) : typeof v === 'boolean' ? (v ? 'true' : 'false') : v))), {
    record_delimiter: 'windows', quoted_match: [/[\r\n]/u, /^\s|\s$/u],
  });
}

const decode = (bytes: Uint8Array) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);

// Every unit \s matches, and neighbours it does not (U+180E left \s in Unicode 6.3, U+200B is no space).
const SPACES = ['\t', '\n', '\v', '\f', '\r', ' ', '\u00A0', '\u1680', '\u2000', '\u2005', '\u200A', '\u2028', '\u2029', '\u202F', '\u205F', '\u3000', '\uFEFF'];
const NOT_SPACES = ['\u180E', '\u200B', '\u0085', '\u00AD', '\u001F', '\u2060', '\u3001', 'x', '中', '"', ','];

describe('CSV fields against csv-stringify', () => {
  test('every UTF-16 unit alone, first, last and inside a value', () => {
    for (let c = 0; c < 0x10000; c++) {
      const u = String.fromCharCode(c);
      for (const v of [u, `${u}中`, `中${u}`, `中${u}中`]) {
        const expected = stringify([[v]], { record_delimiter: 'windows', quoted_match: [/[\r\n]/u, /^\s|\s$/u] }).slice(0, -2);
        assert.equal(csvField(v), expected, `U+${c.toString(16).padStart(4, '0')} in ${JSON.stringify(v)}`);
      }
    }
  });

  test('white space at the edges of values, repeated down a column or not, as csv-stringify writes it', () => {
    const unit = fc.constantFrom(...SPACES, ...NOT_SPACES, '增长6%', '""', '𠀀', '\r\n');
    const text = fc.array(unit, { minLength: 1, maxLength: 5 }).map((a) => a.join(''));
    // Few distinct values, so a column often repeats its previous one.
    const repeated = fc.constantFrom(' x', 'x ', '\u3000中', '中\uFEFF', 'a,b', '中');
    const cell = fc.oneof(fc.constant(null), text, repeated);
    const rowArb = fc.tuple(cell, cell, fc.oneof(fc.constant(null), fc.integer()), fc.constantFrom(null, '2024-01-31'), fc.constantFrom(null, true, false));
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 1, maxLength: 8 }), (rows) => {
        assert.equal(decode(csvBytes(spec, rows as Cell[][])), reference(rows as Cell[][]));
      }),
      { numRuns: 2000 },
    );
  });

  test('the bytes are TextEncoder\'s of csv-stringify\'s text: lone surrogates, astral characters, every kind of number', () => {
    const unit = fc.constantFrom(...SPACES, ...NOT_SPACES, '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D\uDE00', '\u0080', '\u07FF', '\u0800', '\uFFFF', 'é', '"');
    const text = fc.oneof(fc.array(unit, { minLength: 1, maxLength: 6 }), fc.array(unit, { minLength: 40, maxLength: 60 })).map((a) => a.join(''));
    const numberSpec = { name: 't', columns: [column('a', 'UTF8'), column('n', 'INT32'), column('x', 'DOUBLE')] } as unknown as TableSpec;
    const int = fc.oneof(fc.integer(), fc.constantFrom(0, -0, 9, 10, -10, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 53));
    const double = fc.double({ noNaN: true, noDefaultInfinity: true });
    const rowArb = fc.tuple(fc.oneof(fc.constant(null), text), fc.oneof(fc.constant(null), int), fc.oneof(fc.constant(null), double, int));
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 1, maxLength: 8 }), (rows) => {
        assert.deepEqual(csvBytes(numberSpec, rows as Cell[][]), new TextEncoder().encode(reference(rows as Cell[][])));
      }),
      { numRuns: 2000 },
    );
  });

  test('every UTF-16 unit alone, first and last in a value of a record, as csv-stringify quotes it and TextEncoder encodes it', () => {
    const one = { name: 't', columns: [column('a', 'UTF8')] } as unknown as TableSpec;
    for (let c = 0; c < 0x10000; c++) {
      const u = String.fromCharCode(c);
      const long = '中'.repeat(50);
      const rows = [[`${u}中`], [`中${u}`], [`中${u}中`], [`${u}${long}`], [`${long}${u}`], [`${long}${u}${long}`]];
      if (c !== 0) rows.push([u]);
      // A value that is one of pandas' NA strings is refused; none is a single unit but ''.
      assert.deepEqual(csvBytes(one, rows), new TextEncoder().encode(reference(rows)), `U+${c.toString(16).padStart(4, '0')}`);
    }
  });

  test('a value equal to its column\'s previous one, as a distinct string, is written the same', () => {
    const a = ' 中';
    const b = [' ', '中'].join('');
    assert.equal(decode(csvBytes(spec, [[a, null, 1, null, null], [b, null, 2, null, null]])), reference([[a, null, 1, null, null], [b, null, 2, null, null]]));
  });
});
