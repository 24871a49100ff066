/** A fixed pool of worker threads running pipeline/worker.js, one source per task. */
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { PublishedDoc } from '../lib/cache.js';
import { PipelineError, type ErrorLocation } from '../lib/errors.js';
import type { Source } from './00-sources.js';

interface Reply {
  id: number;
  docs?: PublishedDoc[];
  stageTimes?: Record<string, number>;
  error?: { name: string; message: string; location?: ErrorLocation; problem?: string; remedy?: string };
}

export class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<(w: Worker) => void> = [];
  private readonly all: Worker[] = [];
  private next = 0;
  /** Milliseconds spent in each stage, summed over the workers. */
  readonly stageTimes: Record<string, number> = {};

  constructor(size: number) {
    const script = fileURLToPath(new URL('./worker.js', import.meta.url));
    for (let i = 0; i < size; i++) {
      const w = new Worker(script);
      this.all.push(w);
      this.idle.push(w);
    }
  }

  private acquire(): Promise<Worker> {
    const w = this.idle.pop();
    return w ? Promise.resolve(w) : new Promise((resolve) => this.waiting.push(resolve));
  }

  private releaseWorker(w: Worker): void {
    const next = this.waiting.shift();
    if (next) next(w);
    else this.idle.push(w);
  }

  async run(source: Source): Promise<PublishedDoc[]> {
    const w = await this.acquire();
    const id = this.next++;
    try {
      const reply = await new Promise<Reply>((resolve, reject) => {
        const onMessage = (m: Reply) => {
          if (m.id !== id) return;
          w.off('message', onMessage);
          w.off('error', onError);
          resolve(m);
        };
        const onError = (e: Error) => {
          w.off('message', onMessage);
          reject(e);
        };
        w.on('message', onMessage);
        w.on('error', onError);
        w.postMessage({ id, source });
      });
      if (reply.error) {
        const e = reply.error;
        if (e.name === 'PipelineError' && e.location && e.problem && e.remedy) throw new PipelineError(e.location, e.problem, e.remedy);
        throw new Error(e.message);
      }
      for (const [k, v] of Object.entries(reply.stageTimes ?? {})) this.stageTimes[k] = (this.stageTimes[k] ?? 0) + v;
      return reply.docs!;
    } finally {
      this.releaseWorker(w);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}
