/**
 * What changed between two releases, row by row, by each table's stable key. Tables are compared
 * as their CSV files read back (cells as written), so the comparison sees exactly what users get.
 *
 * Neither release is held whole: each table's two CSV files are split by a hash of the key into
 * buckets on disk, small enough to compare in memory one pair at a time. The changes come out
 * sorted by key, so the result is the same whatever the number of buckets.
 */
import { createReadStream, closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { readLines } from './jsonl.js';

export interface RowChange {
  table: string;
  rowKey: string;
  change: 'added' | 'removed' | 'changed';
  columns: string[];
  old: Record<string, string> | null;
  new: Record<string, string> | null;
}

export interface ReleaseDiff {
  changes: RowChange[];
  /** Rows of each table in the earlier release. */
  rowsBefore: Map<string, number>;
}

/** CSV bytes (both releases together) per bucket: what one comparison holds in memory, roughly. */
export const BUCKET_BYTES = 32 << 20;

/** FNV-1a over UTF-16 units: a cheap, stable spread of keys over buckets. */
function bucketOf(key: string, buckets: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % buckets;
}

/** At most this many buckets (each an open file while a CSV is split): larger tables get larger buckets. */
const MAX_BUCKETS = 256;

/** Split one CSV into bucket files of JSON lines; returns its row count. */
async function split(csv: string, prefix: string, buckets: number): Promise<number> {
  const fds: number[] = [];
  const pending: string[] = Array.from({ length: buckets }, () => '');
  let rows = 0;
  try {
    for (let b = 0; b < buckets; b++) fds.push(openSync(`${prefix}.${b}`, 'w'));
    if (existsSync(csv)) {
      for await (const record of createReadStream(csv).pipe(parse({ bom: true, columns: true, skip_empty_lines: true })) as AsyncIterable<Record<string, string>>) {
        const b = bucketOf(record['key']!, buckets);
        pending[b] += JSON.stringify(record) + '\n';
        if (pending[b]!.length > 1 << 16) {
          writeSync(fds[b]!, pending[b]!);
          pending[b] = '';
        }
        rows++;
      }
    }
    pending.forEach((text, b) => text && writeSync(fds[b]!, text));
  } finally {
    for (const fd of fds) closeSync(fd);
  }
  return rows;
}

function* records(path: string): Generator<Record<string, string>> {
  for (const line of readLines(path)) if (line) yield JSON.parse(line) as Record<string, string>;
}

/** Compare `tables` of two release folders; `bucketBytes` is for tests that force many buckets. */
export async function diffReleases(beforeDir: string, afterDir: string, tables: string[], scratchParent: string, bucketBytes = BUCKET_BYTES): Promise<ReleaseDiff> {
  const scratch = mkdtempSync(join(scratchParent, '.diff-'));
  const changes: RowChange[] = [];
  const rowsBefore = new Map<string, number>();
  try {
    for (const table of tables) {
      const a = join(beforeDir, `${table}.csv`);
      const b = join(afterDir, `${table}.csv`);
      const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);
      const buckets = Math.min(MAX_BUCKETS, Math.max(1, Math.ceil((size(a) + size(b)) / bucketBytes)));
      rowsBefore.set(table, await split(a, join(scratch, `${table}.before`), buckets));
      await split(b, join(scratch, `${table}.after`), buckets);
      const found: RowChange[] = [];
      for (let i = 0; i < buckets; i++) {
        const old = new Map<string, Record<string, string>>();
        for (const r of records(join(scratch, `${table}.before.${i}`))) old.set(r['key']!, r);
        for (const row of records(join(scratch, `${table}.after.${i}`))) {
          const key = row['key']!;
          const was = old.get(key);
          if (!was) found.push({ table, rowKey: key, change: 'added', columns: [], old: null, new: row });
          else {
            old.delete(key);
            const columns = Object.keys(row).filter((c) => row[c] !== was[c]);
            if (columns.length) found.push({ table, rowKey: key, change: 'changed', columns, old: pick(was, columns), new: pick(row, columns) });
          }
        }
        for (const [key, row] of old) found.push({ table, rowKey: key, change: 'removed', columns: [], old: row, new: null });
        rmSync(join(scratch, `${table}.before.${i}`));
        rmSync(join(scratch, `${table}.after.${i}`));
      }
      found.sort((x, y) => (x.rowKey < y.rowKey ? -1 : x.rowKey > y.rowKey ? 1 : 0));
      changes.push(...found);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { changes, rowsBefore };
}

function pick(row: Record<string, string>, columns: string[]): Record<string, string> {
  return Object.fromEntries(columns.map((c) => [c, row[c] ?? '']));
}

/**
 * CHANGELOG.md: counts per table, then every changed row of indicators and documents in full.
 * A first release (no previous) counts its rows as added: `rows` gives the count per table.
 */
export function changelog(version: string, previous: string | null, changes: RowChange[], tables: string[], rows: Record<string, number> = {}): string {
  const lines = [`# Release ${version}`, '', previous ? `Changes since ${previous}.` : 'First release: every row is new.', ''];
  lines.push('| table | added | removed | changed |', '| --- | ---: | ---: | ---: |');
  const count = (t: string, kind: RowChange['change']) => changes.filter((x) => x.table === t && x.change === kind).length;
  for (const t of tables) {
    const added = previous ? count(t, 'added') : (rows[t] ?? 0);
    lines.push(`| ${t} | ${added} | ${count(t, 'removed')} | ${count(t, 'changed')} |`);
  }
  if (previous) {
    for (const t of ['documents', 'indicators']) {
      const c = changes.filter((x) => x.table === t);
      if (c.length === 0) continue;
      lines.push('', `## ${t}`, '');
      for (const x of c) {
        const show = (r: Record<string, string> | null) => (r ? Object.entries(r).filter(([k]) => ['indicator_id', 'value', 'unit', 'period', 'status', 'title', 'doc_id'].includes(k) || x.change === 'changed').map(([k, v]) => `${k}=${v}`).join(', ') : '');
        lines.push(`- ${x.change} \`${x.rowKey}\`: ${x.change === 'removed' ? show(x.old) : x.change === 'added' ? show(x.new) : `${show(x.old)} → ${show(x.new)}`}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}
