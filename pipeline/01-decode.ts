/**
 * Stage 1, decode: raw bytes to text, with an offset map from every UTF-16 unit to its bytes.
 * UTF-8 first; GB18030 when the bytes are not UTF-8 but decode cleanly as GB18030 (Chinese
 * sources often arrive that way); otherwise fail naming the first bad byte. The BOM is kept
 * here as U+FEFF so the next stage can log its removal.
 */
import { isUtf8 } from 'node:buffer';
import type { Stage } from '../lib/document.js';
import { withStage } from '../lib/document.js';
import { codePointLength } from '../lib/chars.js';
import { PipelineError } from '../lib/errors.js';
import { RawLines } from '../lib/raw-position.js';
import type { OffsetMap } from '../lib/offset-map.js';

/** Byte length of the UTF-8 sequence starting at i, or 0 when it is invalid. */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  let n: number;
  let min: number;
  if (c >= 0xc2 && c <= 0xdf) (n = 2), (min = 0x80);
  else if (c >= 0xe0 && c <= 0xef) (n = 3), (min = 0x800);
  else if (c >= 0xf0 && c <= 0xf4) (n = 4), (min = 0x10000);
  else return 0;
  if (i + n > b.length) return 0;
  let cp = c & (0xff >> (n + 1));
  for (let k = 1; k < n; k++) {
    const cc = b[i + k]!;
    if ((cc & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

/** Offset of the first byte that is not valid UTF-8, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const n = utf8SequenceLength(b, i);
    if (n === 0) return i;
    i += n;
  }
  return -1;
}

/** GB18030 sequence lengths as the WHATWG decoder reads them (input already known valid). */
function gb18030SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x81 || c === 0xff) return 1;
  const next = b[i + 1];
  return next !== undefined && next >= 0x30 && next <= 0x39 ? 4 : 2;
}

/**
 * Valid UTF-8 decoded in one pass that also makes the offset map and counts the code points:
 * each sequence's units are written to a scratch buffer kept between files, and the text is made
 * from them as UTF-16 (a copy). Faster than TextDecoder followed by separate passes for the map
 * and the count, and the scratch buffers mean nothing is allocated but the results.
 */
const buffers = (size: number) => ({ units: new Uint16Array(size), rawStart: new Int32Array(size), rawEnd: new Int32Array(size) });
let scratch = buffers(0);
// Files up to this many bytes share the scratch buffers (10 bytes per byte); a larger one gets its own.
const SCRATCH_LIMIT = 8 << 20;

function decodeUtf8(raw: Uint8Array): { text: string; map: OffsetMap; codePoints: number } {
  if (scratch.units.length < raw.length && raw.length <= SCRATCH_LIMIT) scratch = buffers(Math.min(SCRATCH_LIMIT, Math.max(raw.length, 2 * scratch.units.length)));
  const { units, rawStart, rawEnd } = raw.length <= SCRATCH_LIMIT ? scratch : buffers(raw.length);
  let unit = 0;
  let codePoints = 0;
  for (let byte = 0; byte < raw.length; codePoints++) {
    const c = raw[byte]!;
    if (c < 0x80) {
      units[unit] = c;
      rawStart[unit] = byte;
      rawEnd[unit++] = ++byte;
    } else if (c < 0xe0) {
      units[unit] = ((c & 0x1f) << 6) | (raw[byte + 1]! & 0x3f);
      rawStart[unit] = byte;
      rawEnd[unit++] = byte += 2;
    } else if (c < 0xf0) {
      units[unit] = ((c & 0x0f) << 12) | ((raw[byte + 1]! & 0x3f) << 6) | (raw[byte + 2]! & 0x3f);
      rawStart[unit] = byte;
      rawEnd[unit++] = byte += 3;
    } else {
      // Outside the BMP: a surrogate pair, both units pointing at the 4-byte sequence.
      const cp = ((c & 0x07) << 18) | ((raw[byte + 1]! & 0x3f) << 12) | ((raw[byte + 2]! & 0x3f) << 6) | (raw[byte + 3]! & 0x3f);
      units[unit] = 0xd800 + ((cp - 0x10000) >> 10);
      units[unit + 1] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
      rawStart[unit] = rawStart[unit + 1] = byte;
      rawEnd[unit] = rawEnd[unit + 1] = byte += 4;
      unit += 2;
    }
  }
  // An ASCII file makes a one-byte string, as TextDecoder would.
  const text = unit === raw.length ? Buffer.from(raw.buffer, raw.byteOffset, raw.length).toString('latin1') : Buffer.from(units.buffer, 0, unit * 2).toString('utf16le');
  return { text, map: { rawStart: rawStart.slice(0, unit), rawEnd: rawEnd.slice(0, unit), ordered: true }, codePoints };
}

function buildMap(text: string, raw: Uint8Array, seqLength: (b: Uint8Array, i: number) => number): OffsetMap {
  const rawStart = new Int32Array(text.length);
  const rawEnd = new Int32Array(text.length);
  let byte = 0;
  let unit = 0;
  // The decoders used here yield exactly one code point per byte sequence.
  for (const ch of text) {
    const n = seqLength(raw, byte);
    for (let k = 0; k < ch.length; k++) {
      rawStart[unit + k] = byte;
      rawEnd[unit + k] = byte + n;
    }
    unit += ch.length;
    byte += n;
  }
  if (byte !== raw.length || unit !== text.length) throw new Error(`offset map out of step: ${byte}/${raw.length} bytes`);
  return { rawStart, rawEnd, ordered: true };
}

/** Position of a byte offset as line/column; the bytes before it are valid UTF-8. */
const lineColumnAt = (raw: Uint8Array, offset: number) => new RawLines(raw, 'utf-8').position(offset);

export const decode: Stage = {
  name: 'decode',
  version: '1',
  run(doc) {
    const raw = doc.raw;
    const empty = () => new PipelineError({ file: doc.file }, 'is empty (no text at all)', 'Remove the file from the raw folder or put the source text in it.');
    if (raw.length === 0) throw empty();
    const nul = raw.indexOf(0);
    if (nul >= 0) {
      throw new PipelineError(
        { file: doc.file, byteOffset: nul, ...lineColumnAt(raw, nul) },
        'looks like a binary file (NUL byte), not text',
        'Only plain-text sources (.txt, UTF-8 or GB18030) belong in the raw folder; convert the file to text first.',
      );
    }
    // The native check decides; the byte-by-byte walk runs only to name the first bad byte.
    const bad = isUtf8(raw) ? -1 : firstInvalidUtf8(raw);
    if (bad < 0) {
      const { text, map, codePoints } = decodeUtf8(raw);
      if (/^[\s\uFEFF]*$/u.test(text)) throw empty();
      return withStage(doc, this, { text, encoding: 'utf-8', rawChars: codePoints, map });
    }
    let text: string | null = null;
    try {
      text = new TextDecoder('gb18030', { fatal: true }).decode(raw);
    } catch {
      text = null;
    }
    // A file that is mostly ASCII with one stray byte also "decodes" as GB18030 by luck:
    // demand that the result read as Chinese before believing it.
    if (text !== null && /\p{Script=Han}/u.test(text) && !/[\u0080-\u009f\ue000-\uf8ff]/u.test(text)) {
      return withStage(doc, this, { text, encoding: 'gb18030', rawChars: codePointLength(text), map: buildMap(text, raw, gb18030SequenceLength) });
    }
    throw new PipelineError(
      { file: doc.file, byteOffset: bad, ...lineColumnAt(raw, bad) },
      `is not valid UTF-8 (byte 0x${raw[bad]!.toString(16).padStart(2, '0')} starts an invalid sequence) and does not decode as GB18030 either`,
      'Re-save the file as UTF-8, or check that it was not truncated or corrupted in transfer.',
    );
  },
};
