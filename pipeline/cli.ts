#!/usr/bin/env node
/** Command line: `pipeline build --raw DIR --out DIR`. See `--help`. */
import { parseArgs } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { changeLister, changelog, diffReleases } from '../lib/release-diff.js';
import { dataTableSpecs } from '../lib/table-schema.js';
import { PipelineError } from '../lib/errors.js';
import { build, buildShard, mergeShards, type Progress } from './runner.js';
import type { Message } from '../lib/document.js';

const HELP = `Usage: npm run pipeline -- <command> [flags]

Commands:
  build            Build a release from a folder of .txt sources into an output folder.
                   The release is written to OUT/releases/<version>/ (version: dataset date
                   from SOURCE_DATE_EPOCH, else today, plus the content hash) and OUT/latest
                   is switched to it in one rename; a failed build leaves both untouched. A
                   build whose data equals the newest release's writes nothing.
  diff A B         Compare two release folders row by row (stable keys): prints the changelog.
  merge SHARD...   Make the release in --out from the folders of every shard of a sharded
                   build; identical to building all sources on one machine.

Flags for build:
  --raw DIR        Folder of sources: NAME.txt, each with an optional NAME.meta.json
                   sidecar (schemas/source.schema.json). Default: raw
  --out DIR        Output folder. Default: out
  --concurrency N  Sources in flight at once in this thread (they still run one after
                   another: the stages are synchronous); use --workers for parallel work.
  --quiet          Print only warnings, errors and the summary.
  --max-drop F     Fail when the build would drop more than this share of the previous
                   release's indicator rows. Default: 0.1
  --allow-drop     Publish even when more indicator rows are dropped than --max-drop allows.
  --no-cache       Process every source again instead of reusing OUT/.cache (same output).
  --workers N      Process sources in N worker threads (same output). Default: in this thread.
  --shard I/N      Process only shard I of N (a hash of each file name decides) and write the
                   shard's results to --out instead of a release; then merge the N folders.

General:
  -h, --help       Show this help.

On a terminal, build shows progress on one line (documents done of total, current
stage); without a terminal (CI) it prints one plain line per document.
Exit status: 0 on success, 1 when the build fails (the message names the file,
the position and what to do), 2 on a usage error.`;

function usage(problem: string): never {
  process.stderr.write(`${problem}\n\n${HELP}\n`);
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        raw: { type: 'string', default: 'raw' },
        out: { type: 'string', default: 'out' },
        concurrency: { type: 'string' },
        quiet: { type: 'boolean', default: false },
        'max-drop': { type: 'string' },
        'allow-drop': { type: 'boolean', default: false },
        'no-cache': { type: 'boolean', default: false },
        workers: { type: 'string' },
        shard: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    usage((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    process.stdout.write(HELP + '\n');
    return;
  }
  const [command, ...rest] = positionals;
  let workers: number | undefined;
  if (values.workers !== undefined) {
    workers = Number(values.workers);
    if (!Number.isInteger(workers) || workers < 0) usage('--workers must be a whole number.');
  }
  let maxDrop: number | undefined;
  if (values['max-drop'] !== undefined) {
    maxDrop = Number(values['max-drop']);
    if (!(maxDrop >= 0 && maxDrop <= 1)) usage('--max-drop must be a share between 0 and 1.');
  }
  let concurrency: number | undefined;
  if (values.concurrency !== undefined) {
    concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) usage('--concurrency must be a whole number of at least 1.');
  }

  // The same options for build, shard and merge, so no flag is silently ignored by one of them.
  const common = {
    rawDir: resolve(values.raw!),
    outDir: resolve(values.out!),
    ...(concurrency ? { concurrency } : {}),
    ...(maxDrop !== undefined ? { maxDrop } : {}),
    ...(workers !== undefined ? { workers } : {}),
    allowDrop: values['allow-drop'] === true,
    cache: values['no-cache'] !== true,
  };
  if (command === 'diff') {
    if (rest.length !== 2) usage('diff takes two release folders: diff A B');
    const tables = dataTableSpecs().map((t) => t.name);
    const [a, b] = rest.map((d) => resolve(d!)) as [string, string];
    for (const d of [a, b]) {
      if (!existsSync(join(d, 'datapackage.json'))) throw new PipelineError({ file: d }, 'is not a release folder (no datapackage.json)', 'Pass two folders under OUT/releases/ (or OUT/latest).');
    }
    const version = (d: string) => (JSON.parse(readFileSync(join(d, 'datapackage.json'), 'utf8')) as { version: string }).version;
    const lister = changeLister();
    const diff = await diffReleases(a, b, tables, tmpdir(), lister.add);
    process.stdout.write(changelog(version(b), version(a), diff.counts, tables, lister.listed));
    return;
  }
  if (command === 'merge') {
    if (rest.length === 0) usage('merge takes the shard folders: merge SHARD... --out OUT');
    const result = await mergeShards(common, rest.map((d) => resolve(d)));
    process.stdout.write(`Release ${result.version}: ${result.documents} documents from ${rest.length} shards\n  ${result.releaseDir}\n`);
    return;
  }
  if (command !== 'build') usage(`Unknown command "${command}".`);
  if (rest.length > 0) usage(`Unexpected argument "${rest[0]}".`);
  if (values.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/u.exec(values.shard);
    if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) usage('--shard takes I/N with 1 <= I <= N, e.g. 2/4.');
    const manifest = await buildShard(common, Number(m[1]), Number(m[2]));
    process.stdout.write(`Shard ${manifest.index}/${manifest.count}: ${manifest.files.length} sources written to ${resolve(values.out!)}\n`);
    return;
  }
  const tty = process.stderr.isTTY === true;
  const onProgress = (p: Progress) => {
    if (values.quiet) return;
    if (tty) process.stderr.write(`\r\x1b[K[${p.done}/${p.total}] ${p.file} ${p.stage}`);
    else if (p.stage === 'done') process.stderr.write(`[${p.done}/${p.total}] ${p.file} done\n`);
  };
  const onMessage = (m: Message) => {
    if (m.severity === 'info' && values.quiet) return;
    if (tty && !values.quiet) process.stderr.write('\r\x1b[K');
    process.stderr.write(`${m.severity}: ${m.file}:${m.line}:${m.column} [${m.rule}] ${m.reason}${m.found ? `: "${m.found.slice(0, 60)}"` : ''}\n`);
  };
  const result = await build({ ...common, onProgress, onMessage });
  if (tty && !values.quiet) process.stderr.write('\r\x1b[K');
  for (const m of result.messages) onMessage(m);
  const counts = result.tables.map((t) => `${t.name} ${t.rows}`).join(', ');
  if (!values.quiet && result.reused > 0) process.stderr.write(`${result.reused} unchanged source(s) reused from the cache (--no-cache processes them again)\n`);
  const what = result.unchanged ? 'unchanged, the newest release already holds this data' : `${result.changes} rows changed since the previous release`;
  process.stdout.write(`Release ${result.version}: ${result.documents} documents; ${counts}; ${what}\n  ${result.releaseDir}\n  ${result.latestDir} -> releases/${result.releaseDir.split('/').pop()}\n`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof PipelineError) {
    process.stderr.write(`error: ${err.message}\nThe previous release, if any, is unchanged.\n`);
  } else {
    process.stderr.write(`error: ${(err as Error).stack ?? String(err)}\n`);
  }
  process.exit(1);
});
