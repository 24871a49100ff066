/** What the benchmark scripts share: their flags and the national reports of ../shared. */
import { existsSync, readFileSync } from 'node:fs';
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
