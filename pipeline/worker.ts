/**
 * A worker thread of the runner: processes one source at a time through every stage and sends
 * back what publish needs. The stages are pure, so a worker's result is the same as in-process.
 */
import { parentPort } from 'node:worker_threads';
import type { PublishedDoc } from '../lib/cache.js';
import type { Source } from './00-sources.js';
import { processSource } from './runner.js';

parentPort!.on('message', (msg: { id: number; source: Source }) => {
  try {
    const stageTimes: Record<string, number> = {};
    let last = performance.now();
    let current = '';
    const docs = processSource(msg.source, undefined, (stage) => {
      const now = performance.now();
      if (current) stageTimes[current] = (stageTimes[current] ?? 0) + now - last;
      current = stage;
      last = now;
    });
    if (current) stageTimes[current] = (stageTimes[current] ?? 0) + performance.now() - last;
    const out: PublishedDoc[] = docs.map((d) => ({ file: d.file, rawSha256: d.rawSha256, meta: d.meta, rows: d.rows, messages: d.messages }));
    parentPort!.postMessage({ id: msg.id, docs: out, stageTimes });
  } catch (err) {
    const e = err as Error & { location?: unknown; problem?: string; remedy?: string };
    parentPort!.postMessage({ id: msg.id, error: { name: e.name, message: e.message, location: e.location, problem: e.problem, remedy: e.remedy } });
  }
});
