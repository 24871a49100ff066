/**
 * A buffer kept between calls, for code that builds bytes in it and copies them out at once (the
 * CSV records of a document, a text piece's PLAIN bytes before Snappy, Snappy's output): one
 * allocation per size the thread meets rather than one per call. It grows by doubling, but a
 * buffer above SCRATCH_LIMIT is not kept, so one huge document does not pin its size for the rest
 * of the build (a thread's pieces are usually far smaller).
 */

/** The largest buffer kept between calls. */
export const SCRATCH_LIMIT = 1 << 22;

export class Scratch<T extends Uint8Array> {
  private kept: T;

  /** `allocate` gives each caller its kind of buffer (a Buffer for its UTF-8 writer, or zeroed bytes). */
  constructor(private readonly allocate: (size: number) => T) {
    this.kept = allocate(1 << 16);
  }

  /** A buffer of at least `size` bytes whose contents do not matter: the kept one if it is large enough. */
  get(size: number): T {
    if (size <= this.kept.length) return this.kept;
    // Nothing is kept past the limit, so there is no reason to round up.
    return size > SCRATCH_LIMIT ? this.allocate(size) : this.replace(this.kept, size);
  }

  /** `current`'s first `used` bytes in a buffer of at least `size` bytes. */
  grow(current: T, used: number, size: number): T {
    const next = this.replace(current, size);
    next.set(current.subarray(0, used));
    return next;
  }

  /**
   * At least twice `current`'s length, so a buffer filled a little at a time is copied only a
   * few times; no more than the limit when `size` fits in it, so the result can be kept.
   */
  private replace(current: T, size: number): T {
    const doubled = Math.max(size, current.length * 2);
    const next = this.allocate(size <= SCRATCH_LIMIT ? Math.min(doubled, SCRATCH_LIMIT) : doubled);
    if (next.length <= SCRATCH_LIMIT) this.kept = next;
    return next;
  }
}

/**
 * Buffer's native UTF-8 writer, which `buf.write(text, at, 'utf8')` calls after normalising its
 * arguments in JavaScript: called directly, without that per-value overhead. Node does not
 * document it, so the types do not list it.
 */
export type Utf8Buffer = Buffer & { utf8Write(text: string, offset: number): number };

/** A scratch buffer for text written with utf8Write, left uninitialised (every byte used is written first). */
export function utf8Scratch(): Scratch<Utf8Buffer> {
  return new Scratch((size) => Buffer.allocUnsafeSlow(size) as Utf8Buffer);
}
