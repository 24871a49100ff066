/**
 * A worker thread of the runner: processes one source at a time through every stage and sends
 * back what publish needs. The stages are pure, so a worker's result is the same as in-process.
 * It reads the source and goes through the cache itself, and, asked to, packs the documents for
 * publish (CSV bytes and Parquet columns), so the main thread, which publishes every source, only
 * writes.
 */
import { parentPort } from 'node:worker_threads';
import { packDoc, published, toMessage, type PackedDoc, type PublishedDoc } from '../lib/cache.js';
import type { RawSource, Source } from './00-sources.js';
import { toPlainError } from '../lib/errors.js';
import { processCached, processSourceTimed } from './runner.js';

export interface WorkerTask {
  id: number;
  source: Source;
  /** The raw bytes, if the caller has read them; else the worker reads them. */
  read: RawSource | null;
  /** Send the documents packed for publish, not as rows (a shard writes rows). */
  pack: boolean;
  /** Look the source up in this cache, and write its entry if there is none. */
  cache?: { dir: string; rawDir: string };
}

parentPort!.on('message', (msg: WorkerTask) => {
  try {
    const stageTimes: Record<string, number> = {};
    const { docs, reused, corrupt } = processCached(msg.source, msg.cache, (read) => processSourceTimed(msg.source, stageTimes, undefined, read).map(published), msg.read ?? undefined);
    const packed = msg.pack ? packOrNull(docs) : null;
    const reply = { id: msg.id, stageTimes, reused, ...(corrupt ? { corrupt } : {}) };
    if (packed) {
      const message = toMessage(packed);
      parentPort!.postMessage({ ...reply, docs: message.docs, packed: true }, message.transfer);
    }
    else parentPort!.postMessage({ ...reply, docs });
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, error: toPlainError(err) });
  }
});

/**
 * Rows that cannot be packed (a value CSV cannot hold, rows not of the schema) go as they are:
 * publish packs them itself and fails with the message it always gave, naming the table's row.
 */
function packOrNull(docs: PublishedDoc[]): PackedDoc[] | null {
  try {
    return docs.map((d) => packDoc(d));
  } catch {
    return null;
  }
}
