/**
 * The runner: sources -> stages -> publish, streaming. Sources go through p-queue with bounded
 * concurrency, in this thread (the stages are synchronous, so one after another) or in worker
 * threads (--workers, in parallel). Finished documents are handed to publish in source order as
 * soon as every earlier source is done, and no source starts more than a small window ahead of
 * the oldest unfinished one, so memory holds a few documents, never the corpus. The stages are
 * pure, so order of completion never shows in the output.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import PQueue from 'p-queue';
import { codeFingerprint, published, readCache, sourceKey, writeCache, type PackedDoc, type PublishedDoc } from '../lib/cache.js';
import type { Doc, Message, Stage, StageContext } from '../lib/document.js';
import { PipelineError } from '../lib/errors.js';
import { sha256Hex } from '../lib/hash.js';
import { readLines } from '../lib/jsonl.js';
import { acquireLock } from '../lib/lock.js';
import { RawLines } from '../lib/raw-position.js';
import { WorkerPool } from './worker-pool.js';
import { listSources, readRaw, readSource, type RawSource, type Source } from './00-sources.js';
import { decode } from './01-decode.js';
import { unicode } from './02-unicode.js';
import { splitDocuments } from './03-split-documents.js';
import { repair } from './04-repair.js';
import { markdown } from './05-markdown.js';
import { width } from './06-width.js';
import { spacing } from './07-spacing.js';
import { debris } from './08-debris.js';
import { errata } from './09-errata.js';
import { joinLines } from './10-join-lines.js';
import { paragraphs } from './11-paragraphs.js';
import { structure } from './12-structure.js';
import { ocrCheck } from './13-ocr-check.js';
import { quantities } from './14-quantities.js';
import { indicators } from './15-indicators.js';
import { tables } from './16-tables.js';
import { ReleaseWriter, type PublishResult } from './17-publish.js';

/** The stages in the order data flows through them. Frozen: a different pipeline is a new list. */
export const STAGES: readonly Stage[] = Object.freeze([
  decode, unicode, splitDocuments, repair, markdown, width, spacing, debris, errata, joinLines, paragraphs, structure, ocrCheck,
  quantities, indicators, tables,
]);

export interface Progress {
  done: number;
  total: number;
  file: string;
  stage: string;
}

export interface BuildOptions {
  rawDir: string;
  outDir: string;
  concurrency?: number;
  onProgress?: (p: Progress) => void;
  /** Test hook: called between publish steps. */
  onPublishStep?: (step: string) => void;
  /** Test hook: called before each stage runs, with its name. */
  onStage?: (stage: string, file: string) => void;
  /** Dataset date of the release version; default: SOURCE_DATE_EPOCH, else today (UTC). */
  releaseDate?: string;
  /** Reuse what earlier builds made of unchanged sources (OUT/.cache). Default true. */
  cache?: boolean;
  /** Worker threads to process sources in; 0 processes them in this thread. Default 0. */
  workers?: number;
  /** Largest share of indicator rows a build may drop from the previous release (default 0.1). */
  maxDrop?: number;
  allowDrop?: boolean;
  /** Each document's messages (warnings with positions), in source order, as documents are published. */
  onMessage?: (m: Message) => void;
}

/** YYYY.MM.DD of SOURCE_DATE_EPOCH (reproducible builds), else of today in UTC. */
export function releaseDateFromEnv(env = process.env): string {
  const epoch = env['SOURCE_DATE_EPOCH'];
  const date = epoch && /^\d+$/u.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
  return date.toISOString().slice(0, 10).replaceAll('-', '.');
}

export interface BuildResult extends PublishResult {
  documents: number;
  /** Sources whose results came from the cache. */
  reused: number;
  /** Milliseconds spent in each stage over all sources processed (cache hits excluded). */
  stageTimes: Record<string, number>;
  /** Messages of the build itself (a damaged cache entry); documents' messages go to onMessage. */
  messages: Message[];
}

/** Run every stage over one source (its raw bytes read here unless given). */
export function processSource(source: Source, stages: readonly Stage[] = STAGES, onStage?: (stage: string) => void, raw?: RawSource): Doc[] {
  return runStages(readSource(source, raw), source, stages, onStage);
}

/** processSource, adding the milliseconds each stage took to `times`. */
export function processSourceTimed(source: Source, times: Record<string, number>, onStage?: (stage: string) => void, raw?: RawSource): Doc[] {
  let current = '';
  let last = performance.now();
  const lap = () => {
    const now = performance.now();
    if (current) times[current] = (times[current] ?? 0) + now - last;
    last = now;
  };
  const docs = processSource(source, STAGES, (stage) => {
    lap();
    current = stage;
    onStage?.(stage);
  }, raw);
  lap();
  return docs;
}

/** What became of one source: its documents, whether they came from the cache, a damaged entry met. */
export interface SourceResult<D = PublishedDoc> {
  docs: D[];
  reused: boolean;
  corrupt?: string;
}

/**
 * One source through the cache (`cache` unset: no cache): its entry's documents if there is a
 * sound one, else those `make` makes from the raw bytes (read here unless given), which then
 * become the entry.
 */
export function processCached(source: Source, cache: { dir: string; rawDir: string } | undefined, make: (read: RawSource) => PublishedDoc[], read: RawSource = readRaw(source)): SourceResult {
  const key = cache ? sourceKey(cache.rawDir, source.file, read.sha256) : '';
  const cached = cache ? readCache(cache.dir, key) : null;
  if (cached && 'docs' in cached) return { docs: cached.docs, reused: true };
  const docs = make(read);
  if (cache) writeCache(cache.dir, key, docs);
  return { docs, reused: false, ...(cached && 'corrupt' in cached ? { corrupt: cached.corrupt } : {}) };
}

/** Run the stages over a document already read; `source` supplies its sidecar and data files. */
export function runStages(
  first: Doc,
  source: Pick<Source, 'file' | 'sidecar' | 'repair' | 'errata'>,
  stages: readonly Stage[] = STAGES,
  onStage?: (stage: string) => void,
): Doc[] {
  let docs: Doc[] = [first];
  const ctx: StageContext = { sidecar: source.sidecar, repair: source.repair, errata: source.errata, lines: new RawLines(first.raw, 'utf-8') };
  for (const stage of stages) {
    onStage?.(stage.name);
    const next: Doc[] = [];
    for (const doc of docs) {
      try {
        const out = stage.run(doc, ctx);
        next.push(...(Array.isArray(out) ? out : [out]));
      } catch (err) {
        if (err instanceof PipelineError) throw err;
        throw new PipelineError({ file: source.file }, `stage ${stage.name} failed: ${(err as Error).message}`, 'This is a bug in the pipeline, not in the source: report it with the file attached.');
      }
    }
    docs = next;
    if (stage === decode) ctx.lines = new RawLines(docs[0]!.raw, docs[0]!.encoding);
  }
  return docs;
}

/** The worker threads options.workers asks for, or null to process in this thread. */
const startPool = (options: BuildOptions): WorkerPool | null => (options.workers ? new WorkerPool(options.workers) : null);

export async function build(options: BuildOptions): Promise<BuildResult> {
  const lock = acquireLock(options.outDir);
  // The worker threads start while this thread lists the sources and opens the release: loading
  // the stages in each thread (about 100 ms) overlaps that instead of following it.
  let pool: WorkerPool | null = null;
  try {
    pool = startPool(options);
    const sources = listSources(options.rawDir);
    return await publishStream(options, (emit) => processSources(options, sources, emit, true, pool));
  } finally {
    // Closing since the sources were processed (or here, after a failure before that).
    await pool?.close();
    lock.release();
  }
}

interface Processed {
  reused: number;
  stageTimes: Record<string, number>;
  notes: Message[];
}

/** Open a release, feed it the documents `produce` emits (in source order), finish it. */
async function publishStream(options: BuildOptions, produce: (emit: (docs: Array<PublishedDoc | PackedDoc>) => void) => Promise<Processed>): Promise<BuildResult> {
  const release = ReleaseWriter.open({
    outDir: options.outDir,
    rawDir: options.rawDir,
    releaseDate: options.releaseDate ?? releaseDateFromEnv(),
    maxDrop: options.maxDrop ?? 0.1,
    allowDrop: options.allowDrop ?? false,
    ...(options.onPublishStep ? { onStep: options.onPublishStep } : {}),
  });
  let processed: Processed;
  let publishMs = 0;
  try {
    processed = await produce((docs) => {
      const start = performance.now();
      for (const doc of docs) {
        release.add(doc);
        if (options.onMessage) for (const m of doc.messages) options.onMessage(m);
      }
      publishMs += performance.now() - start;
    });
  } catch (err) {
    release.abort();
    throw err;
  }
  const start = performance.now();
  const published = await release.finish();
  processed.stageTimes['publish'] = publishMs + performance.now() - start;
  return { ...published, documents: release.documentCount, reused: processed.reused, stageTimes: processed.stageTimes, messages: processed.notes };
}

/**
 * Every stage over the given sources, through the cache, in threads if asked; `emit` receives
 * each source's documents in source order. A source starts only within WINDOW sources of the
 * oldest one not yet emitted, which bounds what waits in memory for a slow predecessor.
 * With `pack`, worker threads send their documents packed for publish; without, as rows.
 */
async function processSources(
  options: BuildOptions,
  sources: Source[],
  emit: (docs: Array<PublishedDoc | PackedDoc>) => void,
  pack: boolean,
  // Null processes in this thread. Its closing starts here as soon as the last source is
  // processed, so idle threads' heaps are not kept through publishing; the caller awaits it.
  pool: WorkerPool | null,
): Promise<Processed> {
  // With workers, two sources per worker are under way: one running, one handed over and
  // waiting, so a worker never idles while this thread publishes the previous result.
  const concurrency = pool ? options.workers! * 2 : (options.concurrency ?? Math.max(1, availableParallelism()));
  const queue = new PQueue({ concurrency });
  const window = Math.max(4, concurrency * 4);
  const cacheDir = join(options.outDir, '.cache');
  const useCache = options.cache !== false;
  // By source index: the build's messages come in source order, whichever thread finishes first.
  const corrupt = new Map<number, Message>();
  const stageTimes: Record<string, number> = {};
  const finished = new Map<number, Array<PublishedDoc | PackedDoc>>();
  let emitted = 0;
  let reused = 0;
  let failure: { error: unknown } | null = null;
  let wake: Array<() => void> = [];
  const wakeAll = () => {
    const w = wake;
    wake = [];
    for (const f of w) f();
  };
  const fail = (error: unknown) => {
    failure ??= { error };
    wakeAll();
  };
  const run = async (source: Source, i: number) => {
    // After a failure, sources not yet started are skipped: the build fails anyway.
    if (failure) return;
    const cache = useCache ? { dir: cacheDir, rawDir: options.rawDir } : undefined;
    // A worker reads the source and its cache entry itself, and writes the entry: its documents
    // may come back packed, without rows.
    const result: SourceResult<PublishedDoc | PackedDoc> = pool
      ? await pool.runCached(source, null, { pack, ...(cache ? { cache } : {}) })
      : processCached(source, cache, (read) =>
          // Keep only what publish needs: raw bytes, text and offset maps are not held until then.
          processSourceTimed(source, stageTimes, (stage) => {
            options.onStage?.(stage, source.file);
            options.onProgress?.({ done: emitted, total: sources.length, file: source.file, stage });
          }, read).map(published));
    if (result.reused) reused++;
    if (result.corrupt) {
      corrupt.set(i, { severity: 'warning', stage: 'cache', rule: 'cache/corrupt', reason: `discarded a damaged cache entry (${result.corrupt}); rebuilt`, file: source.file, docId: null, rawStart: 0, rawEnd: 0, line: 1, column: 1 });
    }
    const docs = result.docs;
    finished.set(i, docs);
    while (!failure && finished.has(emitted)) {
      const next = finished.get(emitted)!;
      finished.delete(emitted);
      emit(next);
      emitted++;
      options.onProgress?.({ done: emitted, total: sources.length, file: sources[emitted - 1]!.file, stage: 'done' });
    }
    wakeAll();
  };
  const tasks: Array<Promise<void>> = [];
  try {
    for (let i = 0; i < sources.length; i++) {
      while (!failure && i >= emitted + window) await new Promise<void>((resolve) => wake.push(resolve));
      if (failure) break;
      tasks.push(queue.add(() => run(sources[i]!, i)).catch(fail));
    }
    await Promise.all(tasks);
  } finally {
    if (pool) for (const [k, v] of Object.entries(pool.stageTimes)) stageTimes[k] = (stageTimes[k] ?? 0) + v;
    // Started, not awaited: the threads exit on the other core while this one finishes the
    // release; the caller awaits the same close.
    pool?.close().catch(() => undefined);
  }
  if (failure) throw (failure as { error: unknown }).error;
  const notes = [...corrupt.keys()].sort((a, b) => a - b).map((i) => corrupt.get(i)!);
  return { reused, stageTimes, notes };
}

/** Which of `count` shards (1-based) a source belongs to: a hash of its file name, so any machine agrees. */
export function shardOf(file: string, count: number): number {
  return (parseInt(sha256Hex(file).slice(0, 8), 16) % count) + 1;
}

export interface ShardManifest {
  index: number;
  count: number;
  code: string;
  files: string[];
}

/**
 * `--shard i/N`: process the sources of shard i of N and write what publish needs into the
 * shard folder (shard.json and docs.jsonl); `merge` makes the release from all N shard folders.
 */
export async function buildShard(options: BuildOptions, index: number, count: number): Promise<ShardManifest> {
  const sources = listSources(options.rawDir).filter((s) => shardOf(s.file, count) === index);
  mkdirSync(options.outDir, { recursive: true });
  // A folder holds a shard only once shard.json is written, last; a failed run leaves none.
  rmSync(join(options.outDir, 'shard.json'), { force: true });
  const docsPath = join(options.outDir, 'docs.jsonl');
  const fd = openSync(`${docsPath}.tmp`, 'w');
  const pool = startPool(options);
  try {
    await processSources({ ...options, cache: false }, sources, (docs) => {
      for (const d of docs) writeSync(fd, JSON.stringify(d) + '\n');
    }, false, pool);
  } finally {
    closeSync(fd);
    await pool?.close();
  }
  renameSync(`${docsPath}.tmp`, docsPath);
  const manifest: ShardManifest = { index, count, code: codeFingerprint(), files: sources.map((s) => s.file) };
  writeFileSync(join(options.outDir, 'shard.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/** Assemble shard folders into one release, identical to building all sources on one machine. */
export async function mergeShards(options: BuildOptions, shardDirs: string[]): Promise<BuildResult> {
  const shards = shardDirs.map((dir) => {
    const path = join(dir, 'shard.json');
    if (!existsSync(path)) throw new PipelineError({ file: dir }, 'is not a shard folder (no shard.json)', 'Pass the folders that `build --shard i/N` wrote.');
    return { dir, manifest: JSON.parse(readFileSync(path, 'utf8')) as ShardManifest };
  });
  const count = shards[0]?.manifest.count ?? 0;
  const indexes = shards.map((s) => s.manifest.index).sort((a, b) => a - b);
  if (shards.some((s) => s.manifest.count !== count) || indexes.join(',') !== Array.from({ length: count }, (_, i) => i + 1).join(',')) {
    throw new PipelineError({ file: shardDirs.join(', ') }, `do not form one complete set of shards (got ${indexes.join(', ')} of ${count})`, 'Pass every shard 1..N of the same run, once each.');
  }
  if (shards.some((s) => s.manifest.code !== codeFingerprint())) {
    throw new PipelineError({ file: shardDirs.join(', ') }, 'were made by a different version of the code than this merge', 'Build every shard and merge them with the same commit.');
  }
  const lock = acquireLock(options.outDir);
  try {
    // Source order, as a single build has it: each shard's documents are in source order, so a
    // merge by file name (the order listSources sorts by) streams them back into one sequence.
    for (const s of shards) {
      if (!existsSync(join(s.dir, 'docs.jsonl'))) throw new PipelineError({ file: join(s.dir, 'docs.jsonl') }, 'is missing beside its shard.json', 'Build this shard again.');
    }
    return await publishStream(options, async (emit) => {
      const heads: Array<{ shard: (typeof shards)[number]; lines: Generator<string>; seen: Set<string>; doc: PublishedDoc | null }> = [];
      try {
        for (const s of shards) {
          const lines = readLines(join(s.dir, 'docs.jsonl'));
          heads.push({ shard: s, lines, seen: new Set<string>(), doc: null });
          heads.at(-1)!.doc = nextDoc(lines);
        }
        for (;;) {
          let best: (typeof heads)[number] | null = null;
          for (const h of heads) if (h.doc && (!best || h.doc.file < best.doc!.file)) best = h;
          if (!best) break;
          const file = best.doc!.file;
          best.seen.add(file);
          const docs: PublishedDoc[] = [];
          while (best.doc && best.doc.file === file) {
            docs.push(best.doc);
            best.doc = nextDoc(best.lines);
          }
          emit(docs);
        }
        // A shard's documents must be those of every file its manifest lists, no more, no fewer.
        for (const h of heads) {
          const listed = h.shard.manifest.files;
          if (listed.length !== h.seen.size || listed.some((f) => !h.seen.has(f))) {
            throw new PipelineError({ file: join(h.shard.dir, 'docs.jsonl') }, `holds the documents of ${h.seen.size} files, but shard.json lists ${listed.length}`, 'Build this shard again; its docs.jsonl is incomplete or from another run.');
          }
        }
      } finally {
        for (const h of heads) h.lines.return(undefined);
      }
      return { reused: 0, stageTimes: {}, notes: [] };
    });
  } finally {
    lock.release();
  }
}

function nextDoc(lines: Iterator<string>): PublishedDoc | null {
  for (let r = lines.next(); !r.done; r = lines.next()) if (r.value) return JSON.parse(r.value) as PublishedDoc;
  return null;
}
