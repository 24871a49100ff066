/**
 * An output file written in pieces: appended bytes go to the descriptor and into a running
 * SHA-256, so a table of any size is written and checksummed without being held whole. With a
 * buffer, small pieces (a document's CSV records) are gathered first: one system call and one
 * hash update per buffer, not per piece.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';

export interface Written {
  bytes: number;
  sha256: string;
}

export class FileSink {
  private fd: number | null;
  private readonly hash: Hash = createHash('sha256');
  private readonly buffer: Uint8Array;
  private buffered = 0;
  bytes = 0;

  constructor(readonly path: string, bufferBytes = 0) {
    this.fd = openSync(path, 'w');
    this.buffer = new Uint8Array(bufferBytes);
  }

  write(chunk: Uint8Array): void {
    if (this.fd === null) throw new Error(`${this.path} is already closed`);
    this.bytes += chunk.length;
    if (this.buffered + chunk.length <= this.buffer.length) {
      this.buffer.set(chunk, this.buffered);
      this.buffered += chunk.length;
      return;
    }
    this.drain();
    if (chunk.length < this.buffer.length) {
      this.buffer.set(chunk, 0);
      this.buffered = chunk.length;
    } else this.put(chunk);
  }

  private drain(): void {
    if (this.buffered === 0) return;
    this.put(this.buffer.subarray(0, this.buffered));
    this.buffered = 0;
  }

  private put(chunk: Uint8Array): void {
    let done = 0;
    while (done < chunk.length) done += writeSync(this.fd!, chunk, done, chunk.length - done);
    this.hash.update(chunk);
  }

  close(): Written {
    if (this.fd !== null) {
      this.drain();
      closeSync(this.fd);
    }
    this.fd = null;
    return { bytes: this.bytes, sha256: this.hash.digest('hex') };
  }

  /** Close without a result, after a failure; never throws. */
  discard(): void {
    try {
      if (this.fd !== null) closeSync(this.fd);
    } catch {
      // the staging folder is removed anyway
    }
    this.fd = null;
  }
}
