/**
 * Stage 17, publish: the only stage that writes files. Validates every row against its table's
 * JSON Schema, turns rows into typed columns, writes Parquet + CSV + datapackage.json + SHA256SUMS
 * into a staging folder, then moves the finished release into place: the staging folder is
 * renamed to out/releases/<content hash>/ and the out/latest link is swapped in one rename. A
 * failure at any point leaves the previous release and out/latest untouched.
 *
 * Same input, same bytes: nothing here reads a clock, and rows are ordered by document.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Doc, TableRow } from '../lib/document.js';
import { describeAjvError } from '../lib/ajv.js';
import { descriptor } from '../lib/datapackage.js';
import { PipelineError } from '../lib/errors.js';
import { projectRoot } from '../lib/paths.js';
import { tableSpecs, type TableSpec } from '../lib/table-schema.js';
import { typedColumns } from '../lib/typed-columns.js';
import { toCsv } from '../lib/write-csv.js';
import { writeParquet } from '../lib/write-parquet.js';
import { releaseRows } from './16-tables.js';

export const PUBLISH_VERSION = '1';

export interface PublishOptions {
  outDir: string;
  rawDir: string;
  /** Called between steps; tests throw from it to simulate a crash mid-publish. */
  onStep?: (step: string) => void;
}

export interface PublishResult {
  releaseDir: string;
  latestDir: string;
  version: string;
  tables: Array<{ name: string; rows: number }>;
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

function lineOf(rawDir: string, file: string, byteOffset: number): number {
  if (!file.endsWith('.txt')) return 1;
  const raw = readFileSync(join(rawDir, file));
  let line = 1;
  for (let i = 0; i < byteOffset && i < raw.length; i++) if (raw[i] === 0x0a) line++;
  return line;
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
        'Document ids must be unique across the raw folder: rename one of them in its sidecar.',
      );
    }
    seen.set(key, file);
  }
}

function codeVersion(): string {
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export async function publish(docs: Doc[], options: PublishOptions): Promise<PublishResult> {
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
  for (const spec of specs) validateRows(spec, rowsByTable.get(spec.name)!, options.rawDir);
  step('validated');

  mkdirSync(join(options.outDir, 'releases'), { recursive: true });
  const staging = join(options.outDir, `.staging-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(staging);
  try {
    const written: Parameters<typeof descriptor>[0]['tables'] = [];
    const sums: Array<[string, string]> = [];
    for (const spec of specs) {
      const rows = rowsByTable.get(spec.name)!.map((r) => r.row.values);
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
    }
    const dataHash = sha256(sums.map(([f, h]) => `${h}  ${f}\n`).join('')).slice(0, 16);
    const version = `${codeVersion()}+${dataHash}`;
    const sources = [...new Map(docs.map((d) => [d.file, d])).values()].map((d) => ({
      file: d.file,
      sha256: d.rawSha256,
      title: docs.filter((x) => x.file === d.file).map((x) => x.meta?.title ?? x.meta?.id).join(' / '),
    }));
    const dp = descriptor({
      name: 'cn-gov-indicators',
      title: 'Indicators from Chinese government work reports and official texts',
      description: 'Clean paragraphs and document metadata from official Chinese texts, each row pointing back to the bytes of the source it came from.',
      version,
      codeVersion: codeVersion(),
      tables: written,
      sources,
    });
    const dpJson = JSON.stringify(dp, null, 2) + '\n';
    writeFileSync(join(staging, 'datapackage.json'), dpJson);
    sums.push(['datapackage.json', sha256(dpJson)]);
    sums.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    writeFileSync(join(staging, 'SHA256SUMS'), sums.map(([f, h]) => `${h}  ${f}\n`).join(''));
    step('staged');

    const releaseDir = join(options.outDir, 'releases', dataHash);
    if (existsSync(releaseDir)) rmSync(staging, { recursive: true, force: true });
    else renameSync(staging, releaseDir);
    step('release-in-place');

    const latest = join(options.outDir, 'latest');
    if (existsSync(latest) && !lstatSync(latest).isSymbolicLink()) {
      throw new PipelineError({ file: latest }, 'exists and is not the link this build maintains', 'Move it away; out/latest is a symbolic link to the newest release.');
    }
    const link = join(options.outDir, `.latest-${process.pid}-${randomBytes(4).toString('hex')}`);
    symlinkSync(join('releases', dataHash), link);
    renameSync(link, latest);
    step('latest-swapped');
    return { releaseDir, latestDir: latest, version, tables: written.map((w) => ({ name: w.spec.name, rows: w.rows })) };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
