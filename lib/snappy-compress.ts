/**
 * Snappy compression, byte for byte what hyparquet-writer's `snappyCompress` writes (its match
 * search: a hash table of up to 2^14 four-byte keys sized to the input, one table for the whole
 * input rather than 64 KiB blocks, offsets below 2^16, the same skipping over incompressible runs
 * and the same copy lengths), so files stay identical, but several times faster: the workers
 * compress every PLAIN text piece, and hyparquet-writer's version pays a bounds-checked
 * `appendUint8` per output byte, four byte reads per key, and two copies of the result.
 *
 * Here the hash table and the output buffer are kept between calls (a worker compresses one piece
 * at a time, synchronously), keys are read as one 32-bit load, matches are extended four bytes at
 * a time, and the output is written straight into a buffer of the worst-case size and copied once.
 */

import { Scratch } from './scratch.js';
import { warmUp } from './warm-up.js';

const MAX_TABLE_BITS = 14;
const MAX_OFFSET = 0xffff;
/** hyparquet-writer stops looking for matches this close to the end (the rest is one literal). */
const INPUT_MARGIN = 15;
/** Literals shorter than this are copied byte by byte: cheaper than a subarray and `set`. */
const SHORT_LITERAL = 32;

const table = new Int32Array(1 << MAX_TABLE_BITS);
const scratch = new Scratch((size) => new Uint8Array(size));

/** The Snappy stream of `input`: its length as a varint, then the elements. */
export function snappyCompress(input: Uint8Array): Uint8Array {
  return compress(input, true);
}

/** The Snappy elements of `input` without the leading length, so pieces can be joined and given one. */
export function snappyElements(input: Uint8Array): Uint8Array {
  return compress(input, false);
}

function compress(input: Uint8Array, withLength: boolean): Uint8Array {
  const n = input.length;
  // Worst case: every byte a literal, a literal tag of up to 5 bytes per 2^32, and the varint.
  const worst = 32 + n + Math.ceil(n / 6);
  const out = scratch.get(worst);
  let o = 0;
  if (withLength) {
    for (let v = n; ; v = Math.floor(v / 128)) {
      if (v < 128) {
        out[o++] = v;
        break;
      }
      out[o++] = (v % 128) | 0x80;
    }
  }
  o = compressInto(input, out, o);
  return copyOut(out, o);
}

/**
 * The first `length` bytes of `out` in a plain Uint8Array over an ArrayBuffer of exactly that size
 * (so a worker can transfer it), left uninitialised before the copy: `slice` zero-fills it first,
 * which took a tenth of compression time.
 */
function copyOut(out: Uint8Array, length: number): Uint8Array {
  const result = new Uint8Array(Buffer.allocUnsafeSlow(length).buffer, 0, length);
  result.set(out.subarray(0, length));
  return result;
}

/** The largest table size (in bits) that is at most the input length, as hyparquet-writer sizes it. */
function tableBits(n: number): number {
  let bits = 1;
  while (1 << bits <= n && bits <= MAX_TABLE_BITS) bits++;
  return bits - 1;
}

function compressInto(input: Uint8Array, out: Uint8Array, o: number): number {
  const n = input.length;
  let nextEmit = 0;
  if (n >= INPUT_MARGIN) {
    const view = new DataView(input.buffer, input.byteOffset, n);
    const bits = tableBits(n);
    const shift = 32 - bits;
    table.fill(0, 0, 1 << bits);
    const ipLimit = n - INPUT_MARGIN;
    let ip = 1;
    let nextKey = view.getInt32(ip, true);
    scan: for (;;) {
      // Look for a four-byte match, stepping further the longer none is found.
      let skip = 32;
      let nextIp = ip;
      let candidate: number;
      for (;;) {
        ip = nextIp;
        const key = nextKey;
        nextIp = ip + (skip >>> 5);
        skip++;
        if (ip > ipLimit) break scan;
        // hyparquet-writer hashes the next key before the bound is checked; past the end it would
        // hash garbage that is never used, so only a key inside the input is read.
        if (nextIp + 4 <= n) nextKey = view.getInt32(nextIp, true);
        const h = Math.imul(key, 0x1e35a7bd) >>> shift;
        candidate = table[h]!;
        table[h] = ip;
        if (ip - candidate <= MAX_OFFSET && view.getInt32(candidate, true) === key) break;
      }
      o = literal(input, nextEmit, ip - nextEmit, out, o);
      // Copy the match, and again while the position after it matches at once.
      for (;;) {
        const base = ip;
        const matched = matchLength(view, input, ip, candidate, n);
        ip += matched;
        o = copy(base - candidate, matched, out, o);
        nextEmit = ip;
        if (ip >= ipLimit) break scan;
        table[Math.imul(view.getInt32(ip - 1, true), 0x1e35a7bd) >>> shift] = ip - 1;
        const key = view.getInt32(ip, true);
        const h = Math.imul(key, 0x1e35a7bd) >>> shift;
        candidate = table[h]!;
        table[h] = ip;
        if (!(ip - candidate <= MAX_OFFSET && view.getInt32(candidate, true) === key)) break;
      }
      ip++;
      nextKey = view.getInt32(ip, true);
    }
  }
  if (nextEmit < n) o = literal(input, nextEmit, n - nextEmit, out, o);
  return o;
}

/**
 * How far the bytes at `ip` equal those at `candidate` (which precedes it), the first four known
 * to: four bytes at a time, and where four differ, the equal low bytes of their XOR (the data is
 * little-endian) instead of a byte loop; byte by byte only in the last three bytes of the input.
 */
function matchLength(view: DataView, input: Uint8Array, ip: number, candidate: number, n: number): number {
  let matched = 4;
  while (ip + matched + 4 <= n) {
    const diff = view.getInt32(ip + matched, true) ^ view.getInt32(candidate + matched, true);
    if (diff !== 0) return matched + ((31 - Math.clz32(diff & -diff)) >> 3);
    matched += 4;
  }
  while (ip + matched < n && input[ip + matched] === input[candidate + matched]) matched++;
  return matched;
}

/** Bytes a literal element of `len` bytes takes: its tag, 0 to 4 bytes of length, the bytes. */
export function literalSize(len: number): number {
  const value = len - 1;
  return 1 + (len <= 60 ? 0 : value < 0x100 ? 1 : value < 0x10000 ? 2 : value < 0x1000000 ? 3 : 4) + len;
}

/** A literal element: the length less one in the tag (past 60, in 1 to 4 bytes after it), then the bytes. */
export function literal(input: Uint8Array, from: number, len: number, out: Uint8Array, o: number): number {
  if (len <= 60) {
    out[o++] = (len - 1) << 2;
  } else {
    const value = len - 1;
    const extra = value < 0x100 ? 1 : value < 0x10000 ? 2 : value < 0x1000000 ? 3 : 4;
    out[o++] = (59 + extra) << 2;
    for (let b = 0; b < extra; b++) out[o++] = (value >>> (8 * b)) & 0xff;
  }
  if (len < SHORT_LITERAL) {
    for (let k = 0; k < len; k++) out[o++] = input[from + k]!;
  } else {
    out.set(input.subarray(from, from + len), o);
    o += len;
  }
  return o;
}

/** Copy elements for a match: 64 bytes at a time, then one of 60 if 64 would leave fewer than 4, then the rest. */
function copy(offset: number, len: number, out: Uint8Array, o: number): number {
  for (; len >= 68; len -= 64) o = shortCopy(offset, 64, out, o);
  if (len > 64) {
    o = shortCopy(offset, 60, out, o);
    len -= 60;
  }
  return shortCopy(offset, len, out, o);
}

/** One copy element: 4 to 11 bytes at an offset below 2048 in two bytes, else up to 64 bytes in three. */
function shortCopy(offset: number, len: number, out: Uint8Array, o: number): number {
  if (len < 12 && offset < 2048) {
    out[o++] = 1 + ((len - 4) << 2) + ((offset >>> 8) << 5);
    out[o++] = offset & 0xff;
  } else {
    out[o++] = 2 + ((len - 1) << 2);
    out[o++] = offset & 0xff;
    out[o++] = offset >>> 8;
  }
  return o;
}

/**
 * Bytes that take every branch of the compressor (see lib/warm-up.ts; without it compressInto
 * was compiled 7 times per thread on the 50 MB corpus): fresh runs of each literal size, repeats
 * near and far, short and long, and the end of the input.
 */
function warmUpBytes(): Uint8Array {
  const bytes: number[] = [];
  let seed = 0x2545f491;
  const fresh = (len: number) => {
    for (let k = 0; k < len; k++) bytes.push((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24);
  };
  const repeat = (back: number, len: number) => {
    const from = bytes.length - back;
    for (let k = 0; k < len; k++) bytes.push(bytes[from + k]!);
  };
  fresh(20);
  repeat(20, 8);
  fresh(45);
  repeat(60, 30);
  fresh(100);
  repeat(150, 66);
  fresh(300);
  repeat(400, 140);
  fresh(2100);
  repeat(2200, 40);
  fresh(3);
  repeat(3000, 200);
  fresh(7);
  repeat(100, 23);
  return Uint8Array.from(bytes);
}

const sample = warmUpBytes();
warmUp(12, () => (snappyCompress(sample), snappyElements(sample.subarray(0, 10))));

