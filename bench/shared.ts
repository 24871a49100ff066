/** What the benchmark scripts share: their flags and the national reports of ../shared. */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../lib/paths.js';

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

/** The 72 national government work reports, or exit with a message when ../shared is missing. */
export function nationalReports(): NationalReport[] {
  const corpus = join(projectRoot, '..', 'shared', 'corpora', 'national-gwr', 'government_work_reports.jsonl');
  if (!existsSync(corpus)) {
    process.stderr.write(`${corpus} is missing: this benchmark needs ../shared beside the clone.\n`);
    process.exit(1);
  }
  return readFileSync(corpus, 'utf8').split('\n').filter(Boolean).map((l) => {
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
      writeFileSync(join(dir, name.replace('.txt', '.meta.json')), JSON.stringify({
        file: name, origin: { publisher: null, url: null, retrieved: null, licence: null },
        documents: [{ id, title: r.title, kind: 'government_work_report', region: '全国', scope: 'national', date: null, year, speaker: null, speaker_role: null, event: null, dateline: null, source_url: null }],
      }));
      total += Buffer.byteLength(r.content, 'utf8');
      files++;
    }
  }
  return { files, bytes: total };
}

