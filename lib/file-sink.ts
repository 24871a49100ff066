/**
 * An output file written in pieces: appended bytes go straight to the descriptor and into a
 * running SHA-256, so a table of any size is written and checksummed without being held whole.
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
  bytes = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  write(chunk: Uint8Array): void {
    if (this.fd === null) throw new Error(`${this.path} is already closed`);
    let done = 0;
    while (done < chunk.length) done += writeSync(this.fd, chunk, done, chunk.length - done);
    this.hash.update(chunk);
    this.bytes += chunk.length;
  }

  close(): Written {
    if (this.fd !== null) closeSync(this.fd);
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
