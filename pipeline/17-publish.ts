/**
 * Stage 17, publish: the only stage that writes files. Documents stream in, in source order
 * (their rows already checked against the table schemas by the tables stage); each one's rows are
 * appended to the tables' CSV and Parquet files, and to the year partitions, in a staging folder,
 * so no table is ever held whole. When the last document is in, publish adds the catalog,
 * datapackage.json and SHA256SUMS, then moves the finished release into place: the staging folder is
 * renamed to out/releases/<content hash>/ and the out/latest link is swapped in one rename. A
 * failure at any point leaves the previous release and out/latest untouched.
 *
 * Versions: a release is `<dataset date>+<content hash>`; the content hash covers the data
 * tables only. A build whose data equals the newest release's writes nothing. Otherwise the
 * release carries `changes` and CHANGELOG.md against the previous one, by stable row keys, and a
 * build that would drop more than a set share of indicator rows fails unless allowed.
 *
 * Same input, same bytes: the only date is the dataset date given (SOURCE_DATE_EPOCH), and rows
 * are ordered by document.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { packDoc, type PackedDoc, type PublishedDoc } from '../lib/cache.js';
import { writeChangesTable, type ChangesTask, type ChangesWritten } from '../lib/changes-table.js';
import { descriptor, type DescriptorInput } from '../lib/datapackage.js';
import { fromPlainError, PipelineError, type PlainError } from '../lib/errors.js';
import type { Written } from '../lib/file-sink.js';
import { sha256Hex as sha256 } from '../lib/hash.js';
import { projectRoot } from '../lib/paths.js';
import { changelog } from '../lib/release-diff.js';
import { TableFiles } from '../lib/table-files.js';
import { CHANGES_TABLE, dataTableSpecs, tableSpec, type TableSpec } from '../lib/table-schema.js';
import { validateNamedRows } from '../lib/validate-rows.js';
import { releaseRows } from './16-tables.js';

export interface PublishOptions {
  outDir: string;
  rawDir: string;
  /** Dataset date of the version, YYYY.MM.DD (from SOURCE_DATE_EPOCH, so rebuilds agree). */
  releaseDate: string;
  /** Largest share of the previous release's indicator rows a build may drop. */
  maxDrop: number;
  allowDrop: boolean;
  /** Called between steps; tests throw from it to simulate a crash mid-publish. */
  onStep?: (step: string) => void;
}

export interface PublishResult {
  releaseDir: string;
  latestDir: string;
  version: string;
  tables: Array<{ name: string; rows: number }>;
  /** Rows added, removed or changed since the previous release. */
  changes: number;
  /** The data equals the newest release's: nothing was written. */
  unchanged: boolean;
}

function codeVersion(): string {
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** Tables also written as a hive-partitioned Parquet dataset by document year. */
const PARTITIONED = ['paragraphs', 'mentions', 'indicators'];
type TableWritten = DescriptorInput['tables'][number];

/**
 * A release being written: `open` makes the staging folder, `add` appends each document's rows
 * (in source order), `finish` completes and moves the release into place, `abort` removes the
 * staging folder. A failure anywhere leaves the previous release and out/latest untouched.
 */
export class ReleaseWriter {
  private readonly tables = new Map<string, TableFiles>();
  /** Which file claims each document id: ids must be unique across the raw folder. */
  private readonly owners = new Map<string, string>();
  private readonly sources: DescriptorInput['sources'] = [];
  private documents = 0;

  private constructor(private readonly options: PublishOptions, private readonly staging: string) {}

  static open(options: PublishOptions): ReleaseWriter {
    mkdirSync(join(options.outDir, 'releases'), { recursive: true });
    // The caller holds the build lock, so these are left by a build that was killed: remove them.
    for (const name of readdirSync(options.outDir)) {
      if (/^\.(?:staging|diff|latest)-/u.test(name)) rmSync(join(options.outDir, name), { recursive: true, force: true });
    }
    const staging = join(options.outDir, `.staging-${process.pid}-${randomBytes(4).toString('hex')}`);
    mkdirSync(staging);
    const release = new ReleaseWriter(options, staging);
    try {
      for (const spec of dataTableSpecs()) release.tables.set(spec.name, new TableFiles(spec, staging, PARTITIONED.includes(spec.name)));
      // The release's own rows (the catalog's) go in first: no document has rows of their table,
      // and checking and packing them reads the catalog and compiles code in this thread, about
      // 50 ms that finish used to spend while the worker threads, done, left a core idle.
      for (const [table, rows] of Object.entries(releaseRows())) {
        release.tables.get(table)!.appendRows(validateNamedRows(table, rows, { file: 'schemas/catalog/indicators.json' }), null);
      }
    } catch (err) {
      release.abort();
      throw diskFull(err, options.outDir);
    }
    return release;
  }

  get documentCount(): number {
    return this.documents;
  }

  /** Append one document's rows to every table (packed in a worker thread, or here). */
  add(doc: PublishedDoc | PackedDoc): void {
    const id = doc.meta?.id ?? '';
    const other = this.owners.get(id);
    if (other !== undefined) {
      throw new PipelineError(
        { file: doc.file, field: 'documents.id' },
        other === doc.file ? `declares the document id "${id}" twice` : `claims the document id "${id}", which ${other} already claims`,
        'Document ids must be unique across the raw folder: change one of them in its sidecar (or rename the file, for a source without one).',
      );
    }
    this.owners.set(id, doc.file);
    const last = this.sources.at(-1);
    const title = doc.meta?.title ?? doc.meta?.id ?? '';
    if (last?.file === doc.file) last.title += ` / ${title}`;
    else this.sources.push({ file: doc.file, sha256: doc.rawSha256, title });
    const year = doc.meta?.year ?? null;
    try {
      const packed = 'tables' in doc ? doc : packDoc(doc, (table) => this.tables.get(table)!.csv.rows);
      for (const [name, files] of this.tables) {
        const table = packed.tables[name];
        if (table?.rows) files.append(table, year);
      }
      this.options.onStep?.(`added:${doc.file}`);
    } catch (err) {
      throw diskFull(err, this.options.outDir);
    }
    this.documents++;
  }

  /** Complete the release and move it into place; or, if its data equals the newest release's, write nothing. */
  async finish(): Promise<PublishResult> {
    const { options, staging } = this;
    const step = options.onStep ?? (() => undefined);
    try {
      step('documents-in');
      const written: TableWritten[] = [];
      const sums: Array<[string, string]> = [];
      const record = (spec: TableSpec, rows: number, csv: Written, parquet: Written) => {
        written.push({ spec, rows, csvSha256: csv.sha256, parquetSha256: parquet.sha256, csvBytes: csv.bytes, parquetBytes: parquet.bytes });
        sums.push([`${spec.name}.csv`, csv.sha256], [`${spec.name}.parquet`, parquet.sha256]);
      };
      for (const files of this.tables.values()) {
        const rows = files.csv.rows;
        const csv = files.csv.close();
        step(`csv:${files.spec.name}`);
        const parquet = files.parquet.close();
        step(`parquet:${files.spec.name}`);
        record(files.spec, rows, csv, parquet);
      }
      // The content hash covers the data tables only, so a rebuild of the same inputs is the same release.
      const contentHash = sha256(sums.map(([f, h]) => `${h}  ${f}\n`).join('')).slice(0, 16);
      const latest = join(options.outDir, 'latest');
      if (existsSync(latest) && !lstatSync(latest).isSymbolicLink()) {
        throw new PipelineError({ file: latest }, 'exists and is not the link this build maintains', 'Move it away; out/latest is a symbolic link to the newest release.');
      }
      const previousDir = existsSync(latest) ? realpathSync(latest) : null;
      const previous = previousDir ? (JSON.parse(readFileSync(join(previousDir, 'datapackage.json'), 'utf8')) as { version: string; 'x-content-hash'?: string }) : null;
      if (previous && previous['x-content-hash'] === contentHash) {
        // Nothing changed: the newest release already is this one, byte for byte.
        step('unchanged');
        this.abort();
        return { releaseDir: previousDir!, latestDir: latest, version: previous.version, tables: written.map((w) => ({ name: w.spec.name, rows: w.rows })), changes: 0, unchanged: true };
      }
      const version = `${options.releaseDate}+${contentHash}`;

      const partitions: Record<string, string[]> = {};
      for (const files of this.tables.values()) {
        if (!files.parts) continue;
        partitions[files.spec.name] = [];
        for (const part of [...files.parts.keys()].sort()) {
          const rel = files.partPath(part);
          sums.push([rel, files.parts.get(part)!.close().sha256]);
          partitions[files.spec.name]!.push(rel);
        }
      }
      step('partitions');

      const names = [...this.tables.keys()];
      // Against the previous release, both read back from their CSV files as users read them; a
      // first release has no previous one, so nothing to compare and an empty changes table.
      // A first release has nothing to compare: its empty changes table is not worth a thread.
      const task: ChangesTask = { previousDir, staging, tables: names };
      const changes = previousDir ? await writeChangesInThread(task) : await writeChangesTable(task);
      const { diff } = changes;
      if (diff) {
        const before = diff.rowsBefore.get('indicators') ?? 0;
        const dropped = diff.counts.get('indicators')?.removed ?? 0;
        if (before > 0 && dropped / before > options.maxDrop && !options.allowDrop) {
          throw new PipelineError(
            { file: join(options.outDir, 'latest') },
            `this build would drop ${dropped} of ${before} indicator rows (${((dropped / before) * 100).toFixed(1)}%, more than ${(options.maxDrop * 100).toFixed(0)}%) from release ${previous!.version}`,
            'Check the sources and the extractor; if the drop is intended, build again with --allow-drop.',
          );
        }
      }
      record(tableSpec(CHANGES_TABLE), changes.rows, changes.csv, changes.parquet);
      const changelogText = changelog(version, previous?.version ?? null, diff?.counts ?? new Map(), names, changes.listed, Object.fromEntries(written.map((w) => [w.spec.name, w.rows])));
      writeFileSync(join(staging, 'CHANGELOG.md'), changelogText);
      sums.push(['CHANGELOG.md', sha256(changelogText)]);

      written.sort((a, b) => (a.spec.name < b.spec.name ? -1 : 1));
      const dp = {
        ...descriptor({
          name: 'cn-gov-indicators',
          title: 'Indicators from Chinese government work reports and official texts',
          description: 'Indicator values, every number, clean paragraphs and the log of every change, from official Chinese texts, each row pointing back to the bytes of the source it came from.',
          version,
          codeVersion: codeVersion(),
          tables: written,
          sources: this.sources,
        }),
        'x-content-hash': contentHash,
        'x-partitioned': Object.fromEntries(Object.entries(partitions).map(([t, files]) => [t, { by: 'year', files }])),
        'x-previous-version': previous?.version ?? null,
      };
      const dpJson = JSON.stringify(dp, null, 2) + '\n';
      writeFileSync(join(staging, 'datapackage.json'), dpJson);
      sums.push(['datapackage.json', sha256(dpJson)]);
      sums.sort((a, b) => (a[0] < b[0] ? -1 : 1));
      writeFileSync(join(staging, 'SHA256SUMS'), sums.map(([f, h]) => `${h}  ${f}\n`).join(''));
      step('staged');

      const releaseDir = join(options.outDir, 'releases', version);
      if (existsSync(releaseDir)) rmSync(releaseDir, { recursive: true, force: true });
      renameSync(staging, releaseDir);
      step('release-in-place');

      const link = join(options.outDir, `.latest-${process.pid}-${randomBytes(4).toString('hex')}`);
      symlinkSync(join('releases', version), link);
      renameSync(link, latest);
      step('latest-swapped');
      return { releaseDir, latestDir: latest, version, tables: written.map((w) => ({ name: w.spec.name, rows: w.rows })), changes: changes.rows, unchanged: false };
    } catch (err) {
      this.abort();
      throw diskFull(err, options.outDir);
    }
  }

  /** Remove the staging folder; the previous release is untouched. Never throws. */
  abort(): void {
    for (const files of this.tables.values()) files.discard();
    rmSync(this.staging, { recursive: true, force: true });
  }
}

/**
 * Old-generation heap of the thread that compares releases, in MB. In the main thread, whose
 * heap has no such limit, V8 let the garbage of a rebuild in which every document changed
 * (320,531 changed rows) swell the process past 500 MB; in this thread the same rebuild peaks at
 * 364-379 MB RSS in about 17 s. It runs with 48 MB too (one bucket pair of the diff and one chunk
 * of the changes table, lib/changes-table.ts); more leaves room for longer rows and less
 * collecting.
 */
export const CHANGES_HEAP_MB = 128;

/** What pipeline/changes-worker.ts sends back. */
type ChangesReply = { result?: ChangesWritten; error?: PlainError };

/** The changes table and the diff's summary, made in a thread of its own with a bounded heap. */
function writeChangesInThread(task: ChangesTask): Promise<ChangesWritten> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(new URL('./changes-worker.js', import.meta.url), { workerData: task, resourceLimits: { maxOldGenerationSizeMb: CHANGES_HEAP_MB } });
    let reply: ChangesReply | null = null;
    let failure: Error | null = null;
    thread.on('message', (m: ChangesReply) => (reply = m));
    thread.on('error', (e: Error & { code?: string }) => {
      failure = e.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? new PipelineError({ file: task.previousDir ?? task.staging }, `comparing this build with the previous release needs more than the ${CHANGES_HEAP_MB} MB of heap its thread has`, 'Report it with both releases (the diff is meant to hold one small bucket of rows at a time); to publish meanwhile, move out/latest aside and build again: the release will have no changes table against it.')
        : e;
    });
    // Settled when the thread has exited, so no file of the changes table is still open.
    thread.on('exit', (code) => {
      const r = reply as ChangesReply | null;
      if (failure) reject(failure);
      else if (r?.error) reject(fromPlainError(r.error));
      else if (r?.result) resolve(r.result);
      else reject(new Error(`the thread comparing releases exited (code ${code}) without a result`));
    });
  });
}

/** A full disk, said in words a person can act on; other errors pass through. */
function diskFull(err: unknown, outDir: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new PipelineError({ file: outDir }, `the disk is full (${code}) while writing the release; nothing was published`, 'Free disk space and build again; the previous release is untouched.');
  }
  return err;
}
