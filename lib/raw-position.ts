/** Turn raw byte offsets into 1-based line and column (column counted in code points). */
export class RawLines {
  private readonly starts: number[] = [0];

  constructor(
    private readonly raw: Uint8Array,
    private readonly encoding: string,
  ) {
    for (let i = 0; i < raw.length; i++) if (raw[i] === 0x0a) this.starts.push(i + 1);
  }

  position(byteOffset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= byteOffset) lo = mid;
      else hi = mid - 1;
    }
    const lineStart = this.starts[lo]!;
    const prefix = new TextDecoder(this.encoding).decode(this.raw.subarray(lineStart, byteOffset));
    return { line: lo + 1, column: [...prefix].length + 1 };
  }
}
