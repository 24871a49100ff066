/**
 * A worker thread of the runner: processes one source at a time through every stage and sends
 * back what publish needs. The stages are pure, so a worker's result is the same as in-process.
 * Asked to, it also writes the source's cache entry and packs the documents for publish (CSV
 * bytes and Parquet columns), so the main thread, which publishes every source, only writes.
 */
import { parentPort } from 'node:worker_threads';
import { packDoc, published, transferables, writeCache, type PackedDoc, type PublishedDoc } from '../lib/cache.js';
import type { RawSource, Source } from './00-sources.js';
import { processSourceTimed } from './runner.js';

export interface WorkerTask {
  id: number;
  source: Source;
  read: RawSource;
  /** Send the documents packed for publish, not as rows (a shard writes rows). */
  pack: boolean;
  cache?: { dir: string; key: string };
}

parentPort!.on('message', (msg: WorkerTask) => {
  try {
    const stageTimes: Record<string, number> = {};
    const docs = processSourceTimed(msg.source, stageTimes, undefined, msg.read).map(published);
    if (msg.cache) writeCache(msg.cache.dir, msg.cache.key, docs);
    const packed = msg.pack ? packOrNull(docs) : null;
    if (packed) parentPort!.postMessage({ id: msg.id, docs: packed, stageTimes }, transferables(packed));
    else parentPort!.postMessage({ id: msg.id, docs, stageTimes });
  } catch (err) {
    const e = err as Error & { location?: unknown; problem?: string; remedy?: string };
    parentPort!.postMessage({ id: msg.id, error: { name: e.name, message: e.message, location: e.location, problem: e.problem, remedy: e.remedy } });
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
