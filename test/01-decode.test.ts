import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { decode, firstInvalidUtf8 } from '../pipeline/01-decode.js';
import { unicode } from '../pipeline/02-unicode.js';
import { PipelineError } from '../lib/errors.js';
import type { Doc } from '../lib/document.js';
import { assertProvenance, runText } from './helpers.js';

/** The bytes decoded as the source `file`. */
const decoded = (bytes: Uint8Array, file = 'case.txt'): Doc => runText(bytes, file, [decode])[0]!;


describe('decode', () => {
  test('UTF-8 text with characters outside the BMP maps every unit to its bytes', () => {
    const d = decoded(Buffer.from('山西𠀀省 GDP增长6%\n', 'utf8'));
    assert.equal(d.encoding, 'utf-8');
    assert.equal(d.text, '山西𠀀省 GDP增长6%\n');
    assert.equal(d.rawChars, 13);
    assertProvenance(d);
    // The surrogate pair's two units both point at the 4-byte sequence.
    assert.deepEqual([d.map.rawStart[2], d.map.rawEnd[2], d.map.rawStart[3], d.map.rawEnd[3]], [6, 10, 6, 10]);
  });

  test('GB18030 bytes decode when they are not UTF-8, with byte-exact provenance', () => {
    const gb = Buffer.from('c9bdcef7caa1d5feb8aeb9a4d7f7b1a8b8e6a3ba323032', 'hex'); // 山西省政府工作报告：202
    const d = decoded(gb);
    assert.equal(d.encoding, 'gb18030');
    assert.equal(d.text, '山西省政府工作报告：202');
    assertProvenance(d);
    assert.equal(d.map.rawStart[9], 18); // '：' is the tenth character, two bytes each before it
  });

  test('bytes that are neither UTF-8 nor GB18030 fail, naming the file and the first bad byte', () => {
    const bad = Buffer.concat([Buffer.from('第一行\n第二行abc', 'utf8'), Buffer.from([0xff, 0xfe, 0x80])]);
    assert.equal(firstInvalidUtf8(bad), 22);
    assert.throws(() => decoded(bad, 'broken.txt'), (err: unknown) => {
      assert.ok(err instanceof PipelineError);
      assert.match(err.message, /^broken\.txt: line 2, column 7: byte 22: is not valid UTF-8 \(byte 0xff/u);
      assert.match(err.message, /Re-save the file as UTF-8/u);
      return true;
    });
  });

  test('Windows-1252 text is not taken for GB18030', () => {
    // "Café, naïve" as Windows-1252: 0xe9 followed by ',' is no GB18030 sequence.
    assert.throws(() => decoded(Buffer.from('436166e92c206e61ef7665', 'hex')), /line 1, column 4: byte 3: is not valid UTF-8/u);
  });

  test('an empty file fails with the file named', () => {
    assert.throws(() => decoded(new Uint8Array(0), 'empty.txt'), /^PipelineError: empty\.txt: is empty/u);
    assert.throws(() => decoded(Buffer.from('\uFEFF \n\n', 'utf8'), 'blank.txt'), /blank\.txt: is empty/u);
  });

  test('bytes that are a view into a larger buffer decode as the view alone', () => {
    // NUL bytes either side: read past the view and the file looks binary.
    const within = (text: string) => {
      const bytes = Buffer.from(text, 'utf8');
      const whole = new Uint8Array(bytes.length + 6);
      whole.set(bytes, 3);
      return whole.subarray(3, 3 + bytes.length);
    };
    for (const text of ['GDP 6%\n', '山西省GDP增长6%\n']) {
      const d = decoded(within(text));
      assert.equal(d.text, text);
      assertProvenance(d);
    }
  });

  test('a binary file fails naming the NUL byte', () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    assert.throws(() => decoded(png, 'image.txt'), /image\.txt: line 3, column 1: byte 8: looks like a binary file/u);
    assert.throws(() => decoded(Buffer.from('文本\u0000more', 'utf8'), 'nul.txt'), /nul\.txt: line 1, column 3: byte 6: looks like a binary file/u);
  });
});

describe('decode: UTF-8 in one pass', () => {
  test('text, map and code point count agree with TextDecoder and the bytes of each character', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 10 }), (a, b) => {
      // Buffer writes a lone surrogate as U+FFFD: the bytes are always valid UTF-8.
      const bytes = new Uint8Array(Buffer.from(a + b, 'utf8'));
      // Blank text and NUL bytes are refused, as other tests show.
      if (/^[\s\uFEFF]*$/u.test(new TextDecoder().decode(bytes)) || bytes.includes(0)) return;
      const d = decoded(bytes);
      assert.equal(d.text, new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes));
      assert.equal(d.rawChars, [...d.text].length);
      assert.equal(d.map.rawStart.length, d.text.length);
      assertProvenance(d);
    }), { numRuns: 500 });
  });

  test('an ASCII file and one after a larger file decode alike (the scratch buffers are reused)', () => {
    assert.equal(decoded(Buffer.from('山西'.repeat(1000), 'utf8')).text, '山西'.repeat(1000));
    const d = decoded(Buffer.from('GDP 6%\n', 'utf8'));
    assert.equal(d.text, 'GDP 6%\n');
    assert.deepEqual([...d.map.rawEnd], [1, 2, 3, 4, 5, 6, 7]);
  });

  test('a smaller non-ASCII file after a larger one reads none of the larger one left in the scratch buffer', () => {
    const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
    const large = new Uint8Array(Buffer.from('山西𠀀省政府工作报告\n'.repeat(5000), 'utf8'));
    const small = new Uint8Array(Buffer.from('地区生产总值增长6%\n', 'utf8'));
    for (const bytes of [large, small]) {
      const d = decoded(bytes);
      assert.equal(d.text, utf8.decode(bytes));
      assert.equal(d.map.rawStart.length, d.text.length);
      assertProvenance(d);
    }
  });

  test('a file with more units than the text scratch buffer holds decodes alike', () => {
    // 600,000 units, more than the 1 MiB (512 Ki units) scratch limit.
    const bytes = new Uint8Array(Buffer.from('山西𠀀省 GDP\n'.repeat(60000), 'utf8'));
    const d = decoded(bytes);
    assert.equal(d.text, new TextDecoder().decode(bytes));
    assert.equal(d.rawChars, 9 * 60000);
    assert.equal(d.map.rawEnd.at(-1), bytes.length);
    assert.deepEqual([d.map.rawStart[2], d.map.rawEnd[2], d.map.rawStart[3], d.map.rawEnd[3]], [6, 10, 6, 10]);
    // A small file after it still decodes right from the scratch buffer.
    assert.equal(decoded(Buffer.from('省', 'utf8')).text, '省');
  });
});

describe('unicode', () => {
  const normalize = (bytes: Uint8Array) => {
    return runText(bytes, 'case.txt', [decode, unicode])[0]!;
  };

  test('drops the BOM and logs it; CRLF and CR become LF with one summary message', () => {
    const d = normalize(Buffer.from('\uFEFF一\r\n二\r三\n', 'utf8'));
    assert.equal(d.text, '一\n二\n三\n');
    assert.deepEqual(d.corrections.map((c) => [c.reason, c.rawStart, c.rawEnd, c.before, c.after]), [['unicode/bom', 0, 3, '\uFEFF', '']]);
    assert.equal(d.messages.length, 1);
    assert.match(d.messages[0]!.reason, /^2 CRLF or CR line endings/u);
    // '二' still points at its own bytes after the edits before it.
    assert.equal(d.map.rawStart[2], 8);
  });

  test('composes to NFC, logging each change with its raw range', () => {
    // e + combining acute; CJK compatibility ideograph U+F900 (豈) composes to U+8C48.
    const d = normalize(Buffer.from('cafe\u0301 \uF900', 'utf8'));
    assert.equal(d.text, 'caf\u00e9 \u8c48');
    assert.deepEqual(d.corrections.map((c) => [c.reason, c.rawStart, c.rawEnd]), [['unicode/nfc', 3, 6], ['unicode/nfc', 7, 10]]);
  });
});
