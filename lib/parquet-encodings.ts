/**
 * The Parquet encodings our column encoder (lib/write-parquet.ts) writes by hand, each a pure
 * function of its input: the RLE/bit-packing hybrid (dictionary indexes, definition levels),
 * DELTA_BINARY_PACKED (integers and dates), and the two Snappy operations the encoder needs
 * besides compression (lib/snappy-compress.ts): a literal element, and expanding a piece to cut it
 * (through hyparquet's decoder).
 */
import { snappyUncompress } from 'hyparquet';
import { literal, literalSize } from './snappy-compress.js';

/** No bytes, one shared instance: never moved between threads, as lib/cache.ts transfers only buffers of 4 KiB or more. */
export const EMPTY = new Uint8Array(0);

/** A growable byte buffer for the small things made here: levels, dictionary indexes, varints. */
export class Bytes {
  buf = new Uint8Array(256);
  length = 0;

  ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.length++] = b;
  }

  varint(n: number): void {
    for (; n >= 0x80; n = Math.floor(n / 128)) this.byte((n % 128) | 0x80);
    this.byte(n);
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/**
 * The RLE / bit-packing hybrid of Parquet (levels, dictionary indexes): a run of 8 or more equal
 * values as one repeated value, the rest bit-packed in groups of 8 (the last one padded).
 */
export function rleHybrid(out: Bytes, values: Uint32Array, bitWidth: number): void {
  const n = values.length;
  const valueBytes = (bitWidth + 7) >> 3;
  for (let i = 0; i < n; ) {
    const v = values[i]!;
    let j = i + 1;
    while (j < n && values[j] === v) j++;
    if (j - i >= 8) {
      out.varint((j - i) * 2);
      for (let b = 0, x = v; b < valueBytes; b++, x = Math.floor(x / 256)) out.byte(x & 0xff);
      i = j;
      continue;
    }
    // Groups of 8 until one starts a run of 8 equal values, or fewer than 8 are left (padded).
    const start = i;
    for (i += 8; i + 8 <= n; i += 8) {
      const w = values[i]!;
      let k = i + 1;
      while (k < i + 8 && values[k] === w) k++;
      if (k === i + 8) break;
    }
    // Fewer than 8 left: they end the span, in a group padded with zeros.
    if (i + 8 > n) i = n;
    out.varint(((i - start + 7) >> 3) * 2 + 1);
    // Whole groups end on a byte, so the padded one is packed apart with the same bytes.
    const whole = i - ((i - start) & 7);
    packBits(out, values, bitWidth, start, whole);
    if (whole < i) packBits(out, paddedGroup(values, whole, i), bitWidth);
  }
}

const lastGroup = new Uint32Array(8);

/** Values `from` to `to` (fewer than 8), then zeros to make a group of 8. */
function paddedGroup(values: Uint32Array, from: number, to: number): Uint32Array {
  lastGroup.fill(0);
  for (let k = from; k < to; k++) lastGroup[k - from] = values[k]!;
  return lastGroup;
}

/**
 * Snappy-decompress a piece's elements (to cut a document at a row group's end) with hyparquet's
 * decoder, given them as a whole stream (the length first, which it skips): a third faster than
 * the decoder we had, which copied each literal through a subarray.
 */
export function snappyExpand(elements: Uint8Array, length: number): Uint8Array {
  const head = new Bytes();
  head.varint(length);
  const stream = new Uint8Array(head.length + elements.length);
  stream.set(head.bytes());
  stream.set(elements, head.length);
  const out = new Uint8Array(length);
  snappyUncompress(stream, out);
  return out;
}

/** Bytes as one Snappy literal element (to store a cut document's part as it is, see slicePiece). */
export function snappyLiteral(bytes: Uint8Array): Uint8Array {
  if (bytes.length === 0) return EMPTY;
  const out = new Uint8Array(literalSize(bytes.length));
  literal(bytes, 0, bytes.length, out, 0);
  return out;
}

const DELTA_BLOCK = 128;
const DELTA_MINIBLOCKS = 4;
const DELTA_MINIBLOCK = DELTA_BLOCK / DELTA_MINIBLOCKS;

const zigzag = (n: number) => (n >= 0 ? n * 2 : -n * 2 - 1);

/**
 * DELTA_BINARY_PACKED: block size, miniblocks per block, count, first value; then per block of 128
 * differences, the least one, the bit width of each miniblock of 32, and each miniblock's
 * differences less the least one, bit-packed. Null when two neighbours differ by 2^31 or more,
 * which some readers would have to wrap around.
 */
export function deltaBinaryPacked(values: Int32Array): Uint8Array | null {
  const out = new Bytes();
  out.varint(DELTA_BLOCK);
  out.varint(DELTA_MINIBLOCKS);
  out.varint(values.length);
  out.varint(zigzag(values[0] ?? 0));
  const deltas = new Float64Array(DELTA_BLOCK);
  // Filled with zeros past the last difference, which pad the last miniblock.
  const packed = new Uint32Array(DELTA_MINIBLOCK);
  for (let start = 1; start < values.length; start += DELTA_BLOCK) {
    const n = Math.min(DELTA_BLOCK, values.length - start);
    let min = Infinity;
    for (let k = 0; k < n; k++) {
      const d = values[start + k]! - values[start + k - 1]!;
      if (d >= 2 ** 31 || d < -(2 ** 31)) return null;
      deltas[k] = d;
      if (d < min) min = d;
    }
    out.varint(zigzag(min));
    const widthsAt = out.length;
    out.ensure(DELTA_MINIBLOCKS);
    out.length += DELTA_MINIBLOCKS;
    for (let m = 0; m < DELTA_MINIBLOCKS; m++) {
      const from = m * DELTA_MINIBLOCK;
      if (from >= n) {
        out.buf[widthsAt + m] = 0;
        continue;
      }
      const to = Math.min(n, from + DELTA_MINIBLOCK);
      // Each difference less the least one is below 2^32: an unsigned 32-bit value, OR-ed for the width.
      let bitsUsed = 0;
      for (let k = from; k < to; k++) {
        const v = deltas[k]! - min;
        packed[k - from] = v;
        bitsUsed |= v;
      }
      if (to - from < DELTA_MINIBLOCK) packed.fill(0, to - from);
      const width = 32 - Math.clz32(bitsUsed);
      out.buf[widthsAt + m] = width;
      packBits(out, packed, width);
    }
  }
  return out.bytes().slice();
}

/** Values `from` to `to` (a multiple of 8 of them) bit-packed at `width` bits each, least significant bit first. */
export function packBits(out: Bytes, values: Uint32Array, width: number, from = 0, to = values.length): void {
  out.ensure(((to - from) * width) / 8);
  const buf = out.buf;
  let o = out.length;
  if (width <= 24) {
    // Fewer than 8 bits wait in the accumulator, so a value of up to 24 bits shifted past them fits in 32.
    let acc = 0;
    let bits = 0;
    for (let k = from; k < to; k++) {
      acc |= values[k]! << bits;
      for (bits += width; bits >= 8; bits -= 8, acc >>>= 8) buf[o++] = acc & 0xff;
    }
  } else {
    let acc = 0;
    let bits = 0;
    for (let k = from; k < to; k++) {
      acc += values[k]! * 2 ** bits;
      for (bits += width; bits >= 8; bits -= 8, acc = Math.floor(acc / 256)) buf[o++] = acc % 256;
    }
  }
  out.length = o;
}
