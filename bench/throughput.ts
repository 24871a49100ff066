/**
 * `npm run bench` (a benchmark, not a test): end-to-end build speed and memory on a deterministic
 * corpus made from the seeds and the 72 national reports of ../shared/corpora/national-gwr/
 * (reports repeated under distinct ids until the corpus reaches the size asked for).
 * Prints, for one worker and for two: MB/s end to end, documents/s, per-stage time, peak RSS;
 * the one-worker build again confined to one core (taskset), to see how the build scales to two;
 * the physical floor (read, decode and scan the same bytes with one regular expression); and peak
 * RSS at half the size, to see whether memory stays flat as the corpus doubles; from the half and
 * the whole corpus with two workers, the speed once a build is under way and the time each build
 * pays once. JSON at the end.
 * Usage: node dist/bench/throughput.js [--mb 50]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from '../pipeline/runner.js';
import { arg, makeCorpus } from './shared.js';


/** Read, decode and scan every source with one regular expression: the floor nothing beats. */
function floor(dir: string): number {
  const start = performance.now();
  let bytes = 0;
  let hits = 0;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.txt'))) {
    const raw = readFileSync(join(dir, f));
    bytes += raw.length;
    hits += (new TextDecoder('utf-8').decode(raw).match(/\d+(?:\.\d+)?%/gu) ?? []).length;
  }
  void hits;
  return bytes / 1e6 / ((performance.now() - start) / 1000);
}

interface Run {
  workers: number;
  mb: number;
  seconds: number;
  mb_per_s: number;
  docs_per_s: number;
  peak_rss_mb: number;
  /** CPU seconds of all threads: over `seconds`, the number of cores kept busy. */
  cpu_s: number;
  stages_ms: Record<string, number>;
}

async function child(dir: string, workers: number, mb: number): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'cgi-bench-out-'));
  const start = performance.now();
  const r = await build({ rawDir: dir, outDir: out, cache: false, workers, releaseDate: '2026.01.01' });
  const seconds = (performance.now() - start) / 1000;
  rmSync(out, { recursive: true, force: true });
  const run: Run = {
    workers, mb, seconds, mb_per_s: mb / seconds, docs_per_s: r.documents / seconds,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    cpu_s: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    stages_ms: Object.fromEntries(Object.entries(r.stageTimes).map(([k, v]) => [k, Math.round(v)])),
  };
  process.stdout.write(JSON.stringify(run) + '\n');
}

if (process.argv.includes('--child')) {
  await child(arg('--dir', ''), Number(arg('--workers', '0')), Number(arg('--size', '0')));
} else {
  const target = Number(arg('--mb', '50')) * 1e6;
  const base = mkdtempSync(join(tmpdir(), 'cgi-bench-'));
  const full = makeCorpus(join(base, 'full'), target);
  const half = makeCorpus(join(base, 'half'), target / 2);
  const self = fileURLToPath(import.meta.url);
  // `prefix` runs the child under another command (taskset, to confine it to one core).
  const measure = (dir: string, mb: number, workers: number, prefix: string[] = []): Run | null => {
    const command = [...prefix, process.execPath, self, '--child', '--dir', dir, '--workers', String(workers), '--size', String(mb)];
    const r = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.error && prefix.length && (r.error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if (r.status !== 0) throw new Error(r.stderr || String(r.error));
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Run;
  };
  const fullMb = full.bytes / 1e6;
  const one = measure(join(base, 'full'), fullMb, 1)!;
  const two = measure(join(base, 'full'), fullMb, 2)!;
  const halfRun = measure(join(base, 'half'), half.bytes / 1e6, 2)!;
  // The one-worker build keeps about 1.3 cores busy (the main thread publishes while the worker
  // processes), so two workers against it do not show how the build scales from one core to
  // two; the same one-worker build confined to one core does (null where taskset is missing).
  const oneCore = measure(join(base, 'full'), fullMb, 1, ['taskset', '-c', '0']);
  const floorMbs = floor(join(base, 'full'));
  rmSync(base, { recursive: true, force: true });
  // The second half of the corpus costs the difference of the two runs: the speed once the build
  // is under way, apart from what every build pays once (start-up, threads, V8 compiling the hot
  // code, finishing the release), which is the intercept.
  const marginal = (two.mb - halfRun.mb) / (two.seconds - halfRun.seconds);
  const summary = {
    corpus_mb: Number(fullMb.toFixed(1)), documents: full.files,
    one_worker: one, two_workers: two, speedup_two_workers: Number((two.mb_per_s / one.mb_per_s).toFixed(2)),
    one_worker_one_core: oneCore, speedup_two_workers_over_one_core: oneCore ? Number((two.mb_per_s / oneCore.mb_per_s).toFixed(2)) : null,
    half_corpus_peak_rss_mb: halfRun.peak_rss_mb, floor_mb_per_s: Number(floorMbs.toFixed(1)),
    two_workers_marginal_mb_per_s: Number(marginal.toFixed(2)),
    two_workers_fixed_s: Number((two.seconds - two.mb / marginal).toFixed(2)),
  };
  const line = (r: Run) => `${r.workers} worker(s): ${r.mb_per_s.toFixed(2)} MB/s, ${r.docs_per_s.toFixed(1)} documents/s, ${r.seconds.toFixed(1)} s, ${(r.cpu_s / r.seconds).toFixed(2)} cores busy, peak RSS ${r.peak_rss_mb.toFixed(0)} MB`;
  process.stdout.write(
    `corpus: ${summary.corpus_mb} MB in ${full.files} documents\n${line(one)}\n${line(two)}\n` +
      `two workers vs one: ${summary.speedup_two_workers}x\n` +
      (oneCore ? `one worker confined to one core (taskset -c 0): ${oneCore.mb_per_s.toFixed(2)} MB/s; two workers on two cores vs that: ${summary.speedup_two_workers_over_one_core}x\n` : 'one worker confined to one core: not measured (no taskset)\n') +
      `peak RSS at half the corpus (two workers): ${halfRun.peak_rss_mb.toFixed(0)} MB\n` +
      `two workers, from the half corpus to the whole: ${summary.two_workers_marginal_mb_per_s} MB/s for the second half; ${summary.two_workers_fixed_s} s paid once per build\n` +
      `floor (read + decode + one regex): ${summary.floor_mb_per_s} MB/s\n` +
      `stage time, two workers (ms, summed over workers): ${Object.entries(two.stages_ms).map(([k, v]) => `${k} ${v}`).join(', ')}\n` +
      JSON.stringify(summary) + '\n',
  );
}
