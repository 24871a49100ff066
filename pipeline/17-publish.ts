/**
 * Stage 17, publish: the only stage that writes files. Validates every row against its table's
 * JSON Schema, turns rows into typed columns, writes Parquet + CSV + datapackage.json + SHA256SUMS
 * into a staging folder, then moves the finished release into place: the staging folder is
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
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TableRow } from '../lib/document.js';
import type { PublishedDoc } from '../lib/cache.js';
import { describeAjvError } from '../lib/ajv.js';
import { descriptor } from '../lib/datapackage.js';
import { PipelineError } from '../lib/errors.js';
import { projectRoot } from '../lib/paths.js';
import { groupBy } from '../lib/group.js';
import { changelog, diffTables, readRelease } from '../lib/release-diff.js';
import { RawLines } from '../lib/raw-position.js';
import { tableSpecs, type TableSpec } from '../lib/table-schema.js';
import { typedColumns } from '../lib/typed-columns.js';
import { toCsv } from '../lib/write-csv.js';
import { writeParquet } from '../lib/write-parquet.js';
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

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

function lineOf(rawDir: string, file: string, byteOffset: number): number {
  if (!file.endsWith('.txt') || !existsSync(join(rawDir, file))) return 1;
  return new RawLines(readFileSync(join(rawDir, file)), 'utf-8').position(byteOffset).line;
}

function validateRows(spec: TableSpec, rows: Array<{ row: TableRow; file: string }>, rawDir: string): void {
  const seen = new Map<string, string>();
  for (const { row, file } of rows) {
    const key = spec.primaryKey.map((k) => `${k}=${String(row.values[k])}`).join(', ');
    if (!spec.validate(row.values)) {
      const e = spec.validate.errors![0]!;
      const { field, problem } = describeAjvError(e);
      const column = field.split('.')[0]!;
      const value = JSON.stringify(row.values[column]);
      throw new PipelineError(
        { file, byteOffset: row.rawStart, line: lineOf(rawDir, file, row.rawStart), field: `${spec.name}.${field}` },
        `row (${key}) of table ${spec.name} fails schemas/tables/${spec.name}.schema.json: ${field} ${problem} (value ${value})`,
        'Fix the source or its sidecar so the value is valid, or fix the stage that produced it.',
      );
    }
    const previous = seen.get(key);
    if (previous !== undefined) {
      throw new PipelineError(
        { file, field: `${spec.name}.${spec.primaryKey.join('+')}` },
        `two rows of table ${spec.name} share the key (${key}); the other comes from ${previous}`,
        'Keys are made unique by the stage that makes the rows: this is a bug, report it with the files named.',
      );
    }
    seen.set(key, file);
  }
}

function codeVersion(): string {
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** The table publish makes itself, against the previous release; every other table comes from the documents. */
const CHANGES = 'changes';
/** Tables also written as a hive-partitioned Parquet dataset by document year. */
const PARTITIONED = ['paragraphs', 'mentions', 'indicators'];

export async function publish(docs: PublishedDoc[], options: PublishOptions): Promise<PublishResult> {
  const step = options.onStep ?? (() => undefined);
  const specs = tableSpecs();
  const owners = new Map<string, string>();
  for (const doc of docs) {
    const id = doc.meta?.id ?? '';
    const other = owners.get(id);
    if (other !== undefined && other !== doc.file) {
      throw new PipelineError(
        { file: doc.file, field: 'documents.id' },
        `claims the document id "${id}", which ${other} already claims`,
        'Document ids must be unique across the raw folder: change one of them in its sidecar (or rename the file, for a source without one).',
      );
    }
    owners.set(id, doc.file);
  }
  const rowsByTable = new Map<string, Array<{ row: TableRow; file: string }>>(specs.map((s) => [s.name, []]));
  for (const doc of docs) {
    for (const [table, rows] of Object.entries(doc.rows ?? {})) {
      const target = rowsByTable.get(table);
      if (!target) throw new Error(`stage output names table ${table}, which has no schema in schemas/tables/`);
      for (const row of rows) target.push({ row, file: doc.file });
    }
  }
  for (const [table, rows] of Object.entries(releaseRows())) {
    for (const row of rows) rowsByTable.get(table)!.push({ row, file: 'schemas/catalog/indicators.json' });
  }
  for (const spec of specs) if (spec.name !== CHANGES) validateRows(spec, rowsByTable.get(spec.name)!, options.rawDir);
  step('validated');

  mkdirSync(join(options.outDir, 'releases'), { recursive: true });
  const staging = join(options.outDir, `.staging-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(staging);
  try {
    const written: Parameters<typeof descriptor>[0]['tables'] = [];
    const sums: Array<[string, string]> = [];
    const writeTable = async (spec: TableSpec, rows: Array<Record<string, unknown>>) => {
      const table = typedColumns(spec, rows);
      const csv = Buffer.from(toCsv(table), 'utf8');
      writeFileSync(join(staging, `${spec.name}.csv`), csv);
      step(`csv:${spec.name}`);
      const parquetPath = join(staging, `${spec.name}.parquet`);
      await writeParquet(table, parquetPath);
      step(`parquet:${spec.name}`);
      const parquetBytes = readFileSync(parquetPath);
      const entry = { spec, rows: rows.length, csvSha256: sha256(csv), parquetSha256: sha256(parquetBytes), csvBytes: csv.length, parquetBytes: parquetBytes.length };
      written.push(entry);
      sums.push([`${spec.name}.csv`, entry.csvSha256], [`${spec.name}.parquet`, entry.parquetSha256]);
    };
    const dataSpecs = specs.filter((s) => s.name !== CHANGES);
    for (const spec of dataSpecs) await writeTable(spec, rowsByTable.get(spec.name)!.map((r) => r.row.values));
    // The content hash covers the data only, so a rebuild of the same inputs is the same release.
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
      return { releaseDir: previousDir!, latestDir: latest, version: previous.version, tables: written.map((w) => ({ name: w.spec.name, rows: w.rows })), changes: 0, unchanged: true };
    }
    const version = `${options.releaseDate}+${contentHash}`;

    // Large tables also as a hive-partitioned dataset by document year, for readers that filter.
    const yearOf = new Map(rowsByTable.get('documents')!.map((r) => [r.row.values['doc_id'] as string, r.row.values['year'] as number | null]));
    const partitions: Record<string, string[]> = {};
    for (const spec of dataSpecs.filter((x) => PARTITIONED.includes(x.name))) {
      const groups = groupBy(rowsByTable.get(spec.name)!.map(({ row }) => row.values), (values) => `year=${yearOf.get(values['doc_id'] as string) ?? '__HIVE_DEFAULT_PARTITION__'}`);
      partitions[spec.name] = [];
      for (const part of [...groups.keys()].sort()) {
        const rel = `${spec.name}/${part}/part-0.parquet`;
        mkdirSync(join(staging, spec.name, part), { recursive: true });
        await writeParquet(typedColumns(spec, groups.get(part)!), join(staging, rel));
        sums.push([rel, sha256(readFileSync(join(staging, rel)))]);
        partitions[spec.name]!.push(rel);
      }
    }
    step('partitions');

    const names = dataSpecs.map((s) => s.name);
    // Against the previous release, both read back from their CSV files as users read them; a
    // first release has no previous one, so nothing to compare and an empty changes table.
    const previousRows = previousDir ? readRelease(previousDir, names) : null;
    const changes = previousRows ? diffTables(previousRows, readRelease(staging, names), names) : [];
    if (previousRows) {
      const before = previousRows.get('indicators')?.size ?? 0;
      const dropped = changes.filter((c) => c.table === 'indicators' && c.change === 'removed').length;
      if (before > 0 && dropped / before > options.maxDrop && !options.allowDrop) {
        throw new PipelineError(
          { file: join(options.outDir, 'latest') },
          `this build would drop ${dropped} of ${before} indicator rows (${((dropped / before) * 100).toFixed(1)}%, more than ${(options.maxDrop * 100).toFixed(0)}%) from release ${previous!.version}`,
          'Check the sources and the extractor; if the drop is intended, build again with --allow-drop.',
        );
      }
    }
    const changeSpec = specs.find((s) => s.name === CHANGES)!;
    const changeRows = changes.map((c) => ({
      key: `${c.table}:${c.rowKey}`, table_name: c.table, row_key: c.rowKey, change: c.change, columns: c.columns.length ? c.columns.join('|') : null,
      old_values: c.old ? JSON.stringify(c.old) : null, new_values: c.new ? JSON.stringify(c.new) : null,
    }));
    validateRows(changeSpec, changeRows.map((values) => ({ row: { values, rawStart: 0 }, file: 'out/latest' })), options.rawDir);
    await writeTable(changeSpec, changeRows);
    const changelogText = changelog(version, previous?.version ?? null, changes, names, Object.fromEntries(written.map((w) => [w.spec.name, w.rows])));
    writeFileSync(join(staging, 'CHANGELOG.md'), changelogText);
    sums.push(['CHANGELOG.md', sha256(changelogText)]);

    written.sort((a, b) => (a.spec.name < b.spec.name ? -1 : 1));
    const sources = [...groupBy(docs, (d) => d.file)].map(([file, inFile]) => ({
      file,
      sha256: inFile[0]!.rawSha256,
      title: inFile.map((x) => x.meta?.title ?? x.meta?.id).join(' / '),
    }));
    const dp = {
      ...descriptor({
        name: 'cn-gov-indicators',
        title: 'Indicators from Chinese government work reports and official texts',
        description: 'Indicator values, every number, clean paragraphs and the log of every change, from official Chinese texts, each row pointing back to the bytes of the source it came from.',
        version,
        codeVersion: codeVersion(),
        tables: written,
        sources,
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
    return { releaseDir, latestDir: latest, version, tables: written.map((w) => ({ name: w.spec.name, rows: w.rows })), changes: changeRows.length, unchanged: false };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      throw new PipelineError({ file: options.outDir }, `the disk is full (${code}) while writing the release; nothing was published`, 'Free disk space and build again; the previous release is untouched.');
    }
    throw err;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
