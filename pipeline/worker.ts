/**
 * A worker thread of the runner: processes one source at a time through every stage and sends
 * back what publish needs. The stages are pure, so a worker's result is the same as in-process.
 */
import { parentPort } from 'node:worker_threads';
import { published } from '../lib/cache.js';
import type { RawSource, Source } from './00-sources.js';
import { processSourceTimed } from './runner.js';

parentPort!.on('message', (msg: { id: number; source: Source; read: RawSource }) => {
  try {
    const stageTimes: Record<string, number> = {};
    const docs = processSourceTimed(msg.source, stageTimes, undefined, msg.read).map(published);
    parentPort!.postMessage({ id: msg.id, docs, stageTimes });
  } catch (err) {
    const e = err as Error & { location?: unknown; problem?: string; remedy?: string };
    parentPort!.postMessage({ id: msg.id, error: { name: e.name, message: e.message, location: e.location, problem: e.problem, remedy: e.remedy } });
  }
});
