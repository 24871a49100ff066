import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { codePointLength } from '../lib/chars.js';
import { RawLines } from '../lib/raw-position.js';

test('codePointLength (what RawLines counts GB18030 columns with) counts as [...s].length does, lone and paired surrogates alike', () => {
  const unit = fc.oneof(fc.constantFrom(0xd800, 0xdbff, 0xdc00, 0xdfff, 0x41, 0x4e2d, 0x0a), fc.integer({ min: 0, max: 0xffff }));
  fc.assert(
    fc.property(fc.array(unit, { maxLength: 40 }), (units) => {
      const s = String.fromCharCode(...units);
      assert.equal(codePointLength(s), [...s].length);
    }),
    { numRuns: 2000 },
  );
});

test('RawLines counts GB18030 columns in code points, asked in any order', () => {
  const text = '第一行\n中文𠀀字abc中\n';
  const raw = new Uint8Array([0xb5, 0xda, 0xd2, 0xbb, 0xd0, 0xd0, 0x0a, 0xd6, 0xd0, 0xce, 0xc4, 0x95, 0x32, 0x82, 0x36, 0xd7, 0xd6, 0x61, 0x62, 0x63, 0xd6, 0xd0, 0x0a]);
  assert.equal(new TextDecoder('gb18030').decode(raw), text);
  const lines = new RawLines(raw, 'gb18030');
  assert.deepEqual(lines.position(15), { line: 2, column: 4 });
  assert.deepEqual(lines.position(19), { line: 2, column: 7 });
  assert.deepEqual(lines.position(11), { line: 2, column: 3 });
  assert.deepEqual(lines.position(2), { line: 1, column: 2 });
});
