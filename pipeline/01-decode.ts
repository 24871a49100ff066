/**
 * Stage 1, decode: raw bytes to text, with an offset map from every UTF-16 unit to its bytes.
 * UTF-8 first; GB18030 when the bytes are not UTF-8 but decode cleanly as GB18030 (Chinese
 * sources often arrive that way); otherwise fail naming the first bad byte. The BOM is kept
 * here as U+FEFF so the next stage can log its removal.
 */
import { isUtf8 } from 'node:buffer';
import { endianness } from 'node:os';
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
 * Valid UTF-8 decoded in two passes that also make the offset map and count the code points: the
 * first counts the UTF-16 units so the map is written straight into arrays of the exact size, the
 * second writes the units and their byte ranges. Faster than TextDecoder followed by separate
 * passes for the map and the count. Nothing outside the V8 heap outlives the call but the map
 * itself and a text scratch buffer of at most TEXT_SCRATCH_UNITS units: keeping map-sized
 * buffers between files held up to 10 bytes per raw byte of the largest file seen, for the whole
 * build, in every worker.
 */
const TEXT_SCRATCH_UNITS = 512 << 10; // 1 MiB; a file with more units gets a buffer of its own
let textScratch = new Uint16Array(0);

/**
 * UTF-16 units of valid UTF-8: one per sequence plus one more for each 4-byte sequence, whose code
 * point needs a surrogate pair. Steps from lead byte to lead byte (the input is known valid), a
 * third of the reads of a byte-by-byte count on Chinese text.
 */
function utf16Length(raw: Uint8Array): number {
  let units = 0;
  for (let i = 0; i < raw.length; units++) {
    const c = raw[i]!;
    if (c < 0x80) i++;
    else if (c < 0xe0) i += 2;
    else if (c < 0xf0) i += 3;
    else (i += 4), units++;
  }
  return units;
}

/** The same memory as a Buffer, not a copy, for Buffer's native methods (memchr, latin1 and UTF-16 decoding). */
const bufferOf = (view: ArrayBufferView): Buffer => Buffer.from(view.buffer, view.byteOffset, view.byteLength);

// Buffer's 'utf16le' reads the units in little-endian order whatever the host; a Uint16Array holds
// them in the host's order, so on a big-endian host (Node 20 has builds for s390x and AIX on
// ppc64) the units are read with TextDecoder instead.
const LITTLE_ENDIAN = endianness() === 'LE';
// ignoreBOM: a leading U+FEFF is text here, kept for the next stage to log.
const utf16BE = LITTLE_ENDIAN ? null : new TextDecoder('utf-16be', { ignoreBOM: true });

function unitsToString(units: Uint16Array): string {
  if (utf16BE === null) return bufferOf(units).toString('utf16le');
  return utf16BE.decode(units);
}

function decodeUtf8(raw: Uint8Array): { text: string; map: OffsetMap; codePoints: number } {
  const length = utf16Length(raw);
  const rawStart = new Int32Array(length);
  const rawEnd = new Int32Array(length);
  // A sequence of 2, 3 or 4 bytes gives 1 or 2 units, fewer than its bytes, and a 1-byte sequence
  // gives one: as many units as bytes means every byte is a sequence of its own, an ASCII file,
  // whose latin1 reading is the text (a one-byte string, as TextDecoder makes).
  if (length === raw.length) {
    for (let i = 0; i < length; i++) (rawStart[i] = i), (rawEnd[i] = i + 1);
    const text = bufferOf(raw).toString('latin1');
    return { text, map: { rawStart, rawEnd, ordered: true }, codePoints: length };
  }
  if (length <= TEXT_SCRATCH_UNITS && textScratch.length < length) textScratch = new Uint16Array(Math.min(TEXT_SCRATCH_UNITS, Math.max(length, 2 * textScratch.length)));
  const units = length <= TEXT_SCRATCH_UNITS ? textScratch : new Uint16Array(length);
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
  return { text: unitsToString(units.subarray(0, length)), map: { rawStart, rawEnd, ordered: true }, codePoints };
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
    // Buffer's indexOf (memchr): a Uint8Array's own indexOf tests byte by byte in JavaScript's
    // builtin, about four times slower over the corpus (27 -> 7 ms).
    const nul = bufferOf(raw).indexOf(0);
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
