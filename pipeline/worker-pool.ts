/** A fixed pool of worker threads running pipeline/worker.js, one source per task. */
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { fromWire, type PackedDoc, type PublishedDoc, type WireDoc } from '../lib/cache.js';
import { fromPlainError, PipelineError, type PlainError } from '../lib/errors.js';
import type { RawSource, Source } from './00-sources.js';
import type { SourceResult } from './runner.js';
import type { WorkerTask } from './worker.js';

interface Reply {
  id: number;
  docs?: Array<PublishedDoc | WireDoc>;
  /** The documents come packed, as the worker sends them (see toWire). */
  packed?: boolean;
  stageTimes?: Record<string, number>;
  reused?: boolean;
  corrupt?: string;
  error?: PlainError;
}

/**
 * Old-generation heap of each worker thread, in MB. Far more than one document needs (a national
 * report takes a few MB); with it V8 also keeps each thread's heap smaller (peak RSS of a
 * two-worker build falls from about 440 to 385 MB, for about 5% more time), and a source that
 * needs more fails with its name instead of swelling the machine.
 */
export const WORKER_HEAP_MB = 1024;

/**
 * V8's interrupt budget (bytecode executed before a function is considered for optimization),
 * four times its default (66 KB). Every isolate, so every worker thread, compiles its hot code
 * anew on V8's shared background threads, and with the default those compilations took about 3 s
 * of CPU per 50 MB build with two workers (a third of the build's CPU; measured with
 * --no-concurrent-recompilation). A larger budget leaves lukewarm functions in the interpreter
 * and baseline code and optimizes the hot ones: 0.7 to 1 s less CPU for the same build.
 */
export const INTERRUPT_BUDGET = 4 * 67584;

/**
 * Bytecode TurboFan may inline into one optimized function, in all: a quarter of its default
 * (920). Compile time grows with the inlined graph, and each isolate pays it again; our hot
 * functions are loops over text whose callees are small, and gain little from inlining whole
 * helper chains. Two-worker 50 MB builds (the bench's build() call, quiet machine): 4.62-4.79 s with the
 * default, 4.31-4.49 s at 230 (8.0-8.3 s of CPU against 8.6-9.0), 4.52-4.55 s at 120 (too little
 * inlining slows the loops), 4.59-4.75 s at 460.
 */
export const INLINED_BYTECODE_CUMULATIVE = 230;

/**
 * Whether V8 compiles optimized code on its own background threads while the code runs on
 * slower (the default), or in the thread that runs it, which then waits. A background thread
 * helps only if a core is free to run it; when the threads running JavaScript (the workers and
 * this one) are more than the cores, it competes with them and costs more in all (the queue,
 * the handles it copies). Measured, four alternated runs each of the bench's 50 MB build() on
 * two cores: two workers 3.89-4.01 s and 7.26-7.48 s of CPU compiling in place, 4.02-4.10 s and
 * 7.41-7.63 s in the background; one worker, where the second core is half free, 4.74-4.96 s
 * in the background and 5.06-5.19 s in place, so there it stays in the background.
 */
export function compileInPlace(workers: number, cores = availableParallelism()): boolean {
  return workers + 1 > cores;
}

let tuned = false;

/**
 * Set once, before the first worker starts, for the first pool's size: the flags are
 * process-wide and read as code warms up. The defaults named are those of the V8 in Node 20 and 22; another V8 may have others, or
 * ignore a flag, which changes only speed, never output. Node documents setting V8 flags after
 * start-up as unsupported: at worst a flag is not taken up and builds run at the old speed, as
 * the release's bytes are the same with and without them. They also apply to the main thread
 * from here on, so an in-process build (--workers 0) after a pool runs with them too.
 */
function tuneCompiler(workers: number): void {
  if (tuned) return;
  tuned = true;
  setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);
  setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${INLINED_BYTECODE_CUMULATIVE}`);
  // Read when an isolate starts: the workers' isolates take it, this thread's (already started) does not.
  if (compileInPlace(workers)) setFlagsFromString('--no-concurrent-recompilation');
}

export class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<(w: Worker) => void> = [];
  private readonly all: Worker[] = [];
  private next = 0;
  /** Milliseconds spent in each stage, summed over the workers. */
  readonly stageTimes: Record<string, number> = {};

  private readonly script = fileURLToPath(new URL('./worker.js', import.meta.url));

  constructor(size: number, private readonly heapMb = WORKER_HEAP_MB) {
    tuneCompiler(size);
    try {
      for (let i = 0; i < size; i++) this.idle.push(this.spawn());
    } catch (err) {
      // A thread that cannot start leaves none running: the caller never gets the pool to close.
      void this.close();
      throw err;
    }
  }

  private spawn(): Worker {
    const w = new Worker(this.script, { resourceLimits: { maxOldGenerationSizeMb: this.heapMb } });
    this.all.push(w);
    return w;
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

  /** Process one source whose raw bytes the caller has read; the bytes move to the worker, not copied. */
  async run(source: Source, read: RawSource): Promise<PublishedDoc[]> {
    return (await this.runCached(source, read, { pack: false })).docs as PublishedDoc[];
  }

  /**
   * Process one source, through the cache if `options.cache` names one; the worker reads the raw
   * bytes unless `read` gives them (then they move to it, not copied). With `options.pack`, the
   * documents come back packed for publish.
   */
  async runCached(source: Source, read: RawSource | null, options: Pick<WorkerTask, 'pack' | 'cache'>): Promise<SourceResult<PublishedDoc | PackedDoc>> {
    let w = await this.acquire();
    const id = this.next++;
    try {
      const reply = await new Promise<Reply>((resolve, reject) => {
        const done = () => {
          w.off('message', onMessage);
          w.off('error', onError);
          w.off('exit', onExit);
        };
        const onMessage = (m: Reply) => {
          if (m.id !== id) return;
          done();
          resolve(m);
        };
        // A worker that failed or exited is dead: it is replaced, never handed out again.
        const onError = (e: Error) => {
          done();
          w = this.spawn();
          if ((e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
            reject(new PipelineError({ file: source.file }, `needs more memory than a worker thread has (${this.heapMb} MB of heap)`, 'Build with --workers 0 to process it in the main thread, or split the file into its documents.'));
          } else reject(e);
        };
        const onExit = (code: number) => {
          done();
          w = this.spawn();
          reject(new Error(`a worker thread exited (code ${code}) while processing ${source.file}`));
        };
        w.on('message', onMessage);
        w.on('error', onError);
        w.on('exit', onExit);
        w.postMessage({ id, source, read, ...options } satisfies WorkerTask, read ? [read.raw.buffer as ArrayBuffer] : []);
      });
      if (reply.error) {
        throw fromPlainError(reply.error);
      }
      for (const [k, v] of Object.entries(reply.stageTimes ?? {})) this.stageTimes[k] = (this.stageTimes[k] ?? 0) + v;
      return { docs: reply.packed ? (reply.docs as WireDoc[]).map(fromWire) : (reply.docs as PublishedDoc[]), reused: reply.reused ?? false, ...(reply.corrupt ? { corrupt: reply.corrupt } : {}) };
    } finally {
      this.releaseWorker(w);
    }
  }

  private closing: Promise<void> | null = null;

  /**
   * Stop every thread. The same promise on every call, so the runner can start it as soon as the
   * last source is processed, without waiting for the threads to exit (about 25 ms, on the path
   * to a finished release), and await it once the release is written.
   */
  close(): Promise<void> {
    this.closing ??= Promise.all(this.all.map((w) => w.terminate())).then(() => undefined);
    return this.closing;
  }
}
