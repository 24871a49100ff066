/** Turn raw byte offsets into 1-based line and column (column counted in code points). */
import { codePointLength } from './chars.js';

export class RawLines {
  // Line starts are found on the first question, so a RawLines nobody asks costs nothing.
  private startsCache: number[] | null = null;
  // Messages come mostly in increasing order: counting on from the last position keeps a long
  // line with many messages linear instead of recounting from the line start each time.
  private last = { line: -1, offset: 0, column: 1 };
  // One decoder for all questions: making one per message cost more than the decoding.
  private decoder: TextDecoder | null = null;

  constructor(
    private readonly raw: Uint8Array,
    private readonly encoding: string,
  ) {}

  private get starts(): number[] {
    if (!this.startsCache) {
      this.startsCache = [0];
      // Buffer's indexOf (memchr) finds each line feed natively, far faster than testing every
      // byte here or a Uint8Array's own indexOf; the view shares the bytes.
      const bytes = Buffer.from(this.raw.buffer, this.raw.byteOffset, this.raw.length);
      for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) this.startsCache.push(i + 1);
    }
    return this.startsCache;
  }

  position(byteOffset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= byteOffset) lo = mid;
      else hi = mid - 1;
    }
    let from = this.starts[lo]!;
    let column = 1;
    if (this.last.line === lo && this.last.offset <= byteOffset) {
      from = this.last.offset;
      column = this.last.column;
    }
    column += this.countChars(from, byteOffset);
    this.last = { line: lo, offset: byteOffset, column };
    return { line: lo + 1, column };
  }

  private countChars(from: number, to: number): number {
    if (this.encoding === 'utf-8') {
      let n = 0;
      for (let i = from; i < to; i++) if ((this.raw[i]! & 0xc0) !== 0x80) n++;
      return n;
    }
    this.decoder ??= new TextDecoder(this.encoding);
    return codePointLength(this.decoder.decode(this.raw.subarray(from, to)));
  }
}
