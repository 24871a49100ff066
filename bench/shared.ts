/** What the benchmark scripts share: their flags and the national reports of ../shared. */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { companionName } from '../lib/companions.js';
import { projectRoot } from '../lib/paths.js';
import type { Sidecar } from '../lib/sidecar.js';

/** The value after `--name` on the command line, or the fallback. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

export interface NationalReport {
  title: string;
  /** The corpus writes years as strings; null for the congress resolutions. */
  year: number | null;
  content: string;
}

/** The sidecar of a national report written to `file` as document `id`: all the corpus states of it. */
export function nationalSidecar(file: string, id: string, report: NationalReport): Sidecar {
  return {
    file, origin: { publisher: null, url: null, retrieved: null, licence: null },
    documents: [{ id, title: report.title, kind: 'government_work_report', region: '全国', scope: 'national', date: null, year: report.year, speaker: null, speaker_role: null, event: null, dateline: null, source_url: null }],
  };
}

/** The national reports' corpus in ../shared (the benchmarks' and some tests' input). */
export const NATIONAL_CORPUS = join(projectRoot, '..', 'shared', 'corpora', 'national-gwr', 'government_work_reports.jsonl');

/** The 72 national government work reports, or exit with a message when ../shared is missing. */
export function nationalReports(): NationalReport[] {
  if (!existsSync(NATIONAL_CORPUS)) {
    process.stderr.write(`${NATIONAL_CORPUS} is missing: this benchmark needs ../shared beside the clone.\n`);
    process.exit(1);
  }
  return readNationalReports();
}

/** The reports of the corpus file, as read. */
export function readNationalReports(): NationalReport[] {
  return readFileSync(NATIONAL_CORPUS, 'utf8').split('\n').filter(Boolean).map((l) => {
    const r = JSON.parse(l) as { title: string; year: number | string | null; content: string };
    return { title: r.title, year: r.year === null ? null : Number(r.year), content: r.content };
  });
}

/** Write the corpus into `dir`: the seeds with their companions, then national reports, repeated. */
export function makeCorpus(dir: string, bytes: number): { files: number; bytes: number } {
  mkdirSync(dir, { recursive: true });
  let total = 0;
  let files = 0;
  const raw = join(projectRoot, 'raw');
  for (const f of readdirSync(raw)) {
    copyFileSync(join(raw, f), join(dir, f));
    if (f.endsWith('.txt')) {
      total += statSync(join(raw, f)).size;
      files++;
    }
  }
  const reports = nationalReports();
  for (let copy = 1; total < bytes; copy++) {
    for (const r of reports) {
      if (total >= bytes) break;
      const year = r.year;
      const name = `gwr-${year ?? 'resolution'}-${copy}-${files}.txt`;
      const id = name.replace('.txt', '').toLowerCase();
      writeFileSync(join(dir, name), r.content);
      writeFileSync(join(dir, companionName(name, 'sidecar')), JSON.stringify(nationalSidecar(name, id, r)));
      total += Buffer.byteLength(r.content, 'utf8');
      files++;
    }
  }
  return { files, bytes: total };
}

