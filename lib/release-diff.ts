/**
 * What changed between two releases, row by row, by each table's stable key. Tables are compared
 * as their CSV files read back (cells as written), so the comparison sees exactly what users get.
 *
 * Neither release is held whole: each table's two CSV files are split by a hash of the key into
 * buckets on disk, small enough to compare in memory one pair at a time. The changes come out
 * sorted by key, so the result is the same whatever the number of buckets.
 */
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PipelineError } from './errors.js';
import { readLines } from './jsonl.js';

export interface RowChange {
  table: string;
  rowKey: string;
  change: 'added' | 'removed' | 'changed';
  columns: string[];
  old: Record<string, string> | null;
  new: Record<string, string> | null;
}

export type ChangeKind = RowChange['change'];

export interface DiffSummary {
  /** Rows of each table in the earlier release. */
  rowsBefore: Map<string, number>;
  /** Changed rows of each table, by kind. */
  counts: Map<string, Record<ChangeKind, number>>;
}

/** CSV bytes (both releases together) per bucket: one comparison holds about 25 times this at worst (every row changed). */
export const BUCKET_BYTES = 8 << 20;
/** At most this many buckets (each an open file while a CSV is split): larger tables get larger buckets. */
const MAX_BUCKETS = 256;

/** FNV-1a over UTF-16 units: a cheap, stable spread of keys over buckets. */
function bucketOf(key: string, buckets: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % buckets;
}

/** Write lines to `count` files, buffered; `line(i, text)` appends to file i. */
function bucketWriter(prefix: string, count: number): { line: (i: number, text: string) => void; close: () => void } {
  const fds: number[] = [];
  const pending: string[] = Array.from({ length: count }, () => '');
  const close = () => {
    // Every file is closed even when a last write fails (a full disk): the error comes after.
    try {
      pending.forEach((text, b) => text && fds[b] !== undefined && writeSync(fds[b]!, text));
    } finally {
      pending.fill('');
      for (const fd of fds) closeSync(fd);
      fds.length = 0;
    }
  };
  try {
    for (let b = 0; b < count; b++) fds.push(openSync(`${prefix}.${b}`, 'w'));
  } catch (err) {
    for (const fd of fds) closeSync(fd);
    throw err;
  }
  return {
    line: (i, text) => {
      pending[i] += text + '\n';
      if (pending[i]!.length > 1 << 16) {
        writeSync(fds[i]!, pending[i]!);
        pending[i] = '';
      }
    },
    close,
  };
}

/**
 * The records of a CSV file as written, header first: split at line breaks outside quotes (a
 * quoted field may hold one), the BOM and the CRLF removed. Parsing waits until a record is
 * known to have changed: most records of a rebuild are byte for byte the same.
 */
function* rawRecords(path: string): Generator<string> {
  let record = '';
  let quotes = 0;
  let first = true;
  for (const line of readLines(path)) {
    record = record ? `${record}\n${line}` : line;
    for (let i = line.indexOf('"'); i >= 0; i = line.indexOf('"', i + 1)) quotes++;
    // An odd number of quotes so far: the line break is inside a quoted field.
    if (quotes % 2 === 1) continue;
    const text = clean(record, first);
    first = false;
    record = '';
    quotes = 0;
    if (text) yield text;
  }
  // An unterminated quote runs to the end of the file: the reader of the fields says so.
  if (record) yield clean(record, first);
}

/** A record without its line end, and the first one without the BOM. */
function clean(record: string, first: boolean): string {
  const text = record.endsWith('\r') ? record.slice(0, -1) : record;
  return first && text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/** The fields of one raw record (RFC 4180: quoted fields may hold commas, quotes doubled, line breaks). */
function fieldsOf(raw: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (raw[i] === '"') {
      let value = '';
      let from = i + 1;
      for (;;) {
        const q = raw.indexOf('"', from);
        if (q < 0) throw new Error(`unterminated quoted field in CSV record: ${raw.slice(0, 80)}`);
        value += raw.slice(from, q);
        if (raw[q + 1] === '"') {
          value += '"';
          from = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(value);
    } else {
      const comma = raw.indexOf(',', i);
      out.push(raw.slice(i, comma < 0 ? raw.length : comma));
      i = comma < 0 ? raw.length : comma;
    }
    if (i >= raw.length) return out;
    i++; // the comma
    if (i === raw.length) {
      out.push('');
      return out;
    }
  }
}

/** Every record of a CSV file as its fields, header first. */
export function* csvRecords(path: string): Generator<string[]> {
  for (const raw of rawRecords(path)) yield fieldsOf(raw);
}

/** The first field of a raw record: the key, every table's first column. */
function firstField(raw: string): string {
  if (!raw.startsWith('"')) {
    const comma = raw.indexOf(',');
    return comma < 0 ? raw : raw.slice(0, comma);
  }
  return fieldsOf(raw)[0]!;
}

/** Split one CSV into bucket files of [key, raw record] lines; returns its header and row count. */
function split(csv: string, prefix: string, buckets: number): { header: string[]; rows: number } {
  const out = bucketWriter(prefix, buckets);
  let header: string[] = [];
  let rows = 0;
  try {
    if (existsSync(csv)) {
      const records = rawRecords(csv);
      try {
        const first = records.next();
        header = first.done ? [] : fieldsOf(first.value);
        if (header.length && header[0] !== 'key') {
          throw new PipelineError({ file: csv }, `has "${header[0]}" as its first column, not "key"`, 'Releases compare by the key in the first column: compare two releases this pipeline made.');
        }
        for (const raw of records) {
          const key = firstField(raw);
          out.line(bucketOf(key, buckets), JSON.stringify([key, raw]));
          rows++;
        }
      } finally {
        records.return(undefined);
      }
    }
  } finally {
    out.close();
  }
  return { header, rows };
}

function* records<T>(path: string): Generator<T> {
  for (const line of readLines(path, 1 << 16)) if (line) yield JSON.parse(line) as T;
}

/** A raw record as column -> value under the file's header. */
function fields(raw: string, header: string[]): Record<string, string> {
  const values = fieldsOf(raw);
  return Object.fromEntries(header.map((c, i) => [c, values[i] ?? '']));
}

const byKey = (x: RowChange, y: RowChange) => (x.rowKey < y.rowKey ? -1 : x.rowKey > y.rowKey ? 1 : 0);

/**
 * Compare `tables` of two release folders. `onChange` receives every changed row, table by
 * table, in key order within a table. Memory holds one bucket pair and one change per bucket,
 * never a release or the list of changes. `bucketBytes` is for tests that force many buckets.
 */
export async function diffReleases(
  beforeDir: string,
  afterDir: string,
  tables: string[],
  scratchParent: string,
  onChange: (change: RowChange) => void,
  bucketBytes = BUCKET_BYTES,
): Promise<DiffSummary> {
  const scratch = mkdtempSync(join(scratchParent, '.diff-'));
  const rowsBefore = new Map<string, number>();
  const counts = new Map<string, Record<ChangeKind, number>>();
  try {
    for (const table of tables) {
      const a = join(beforeDir, `${table}.csv`);
      const b = join(afterDir, `${table}.csv`);
      const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);
      const buckets = Math.min(MAX_BUCKETS, Math.max(1, Math.ceil((size(a) + size(b)) / bucketBytes)));
      const before = split(a, join(scratch, `${table}.before`), buckets);
      const after = split(b, join(scratch, `${table}.after`), buckets);
      rowsBefore.set(table, before.rows);
      // The same raw record under the same header is the same row; only others are parsed.
      const sameHeader = before.header.join(',') === after.header.join(',');
      const count: Record<ChangeKind, number> = { added: 0, removed: 0, changed: 0 };
      counts.set(table, count);
      // Each bucket's changes, sorted by key, to a file of its own; then the files are merged.
      for (let i = 0; i < buckets; i++) {
        const found: RowChange[] = [];
        const old = new Map<string, string>();
        for (const [key, raw] of records<[string, string]>(join(scratch, `${table}.before.${i}`))) old.set(key, raw);
        for (const [key, raw] of records<[string, string]>(join(scratch, `${table}.after.${i}`))) {
          const wasRaw = old.get(key);
          if (wasRaw === undefined) found.push({ table, rowKey: key, change: 'added', columns: [], old: null, new: fields(raw, after.header) });
          else {
            old.delete(key);
            if (wasRaw === raw && sameHeader) continue;
            const row = fields(raw, after.header);
            const was = fields(wasRaw, before.header);
            const columns = Object.keys(row).filter((c) => row[c] !== was[c]);
            if (columns.length) found.push({ table, rowKey: key, change: 'changed', columns, old: pick(was, columns), new: pick(row, columns) });
          }
        }
        for (const [key, raw] of old) found.push({ table, rowKey: key, change: 'removed', columns: [], old: fields(raw, before.header), new: null });
        found.sort(byKey);
        const out = bucketWriter(join(scratch, `${table}.changes.${i}`), 1);
        try {
          for (const c of found) {
            count[c.change]++;
            out.line(0, JSON.stringify(c));
          }
        } finally {
          out.close();
        }
        rmSync(join(scratch, `${table}.before.${i}`));
        rmSync(join(scratch, `${table}.after.${i}`));
      }
      mergeSorted(Array.from({ length: buckets }, (_, i) => records<RowChange>(join(scratch, `${table}.changes.${i}.0`))), onChange);
      for (let i = 0; i < buckets; i++) rmSync(join(scratch, `${table}.changes.${i}.0`));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { rowsBefore, counts };
}

/** Merge sorted streams of changes into one sorted stream, with a binary heap of their heads. */
function mergeSorted(streams: Array<Generator<RowChange>>, onChange: (change: RowChange) => void): void {
  const heap: Array<{ head: RowChange; rest: Generator<RowChange> }> = [];
  const less = (i: number, j: number) => byKey(heap[i]!.head, heap[j]!.head) < 0;
  const swap = (i: number, j: number) => ([heap[i], heap[j]] = [heap[j]!, heap[i]!]);
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(l, m)) m = l;
      if (r < heap.length && less(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  try {
    for (const rest of streams) {
      const first = rest.next();
      if (!first.done) heap.push({ head: first.value, rest });
    }
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
    while (heap.length) {
      const top = heap[0]!;
      onChange(top.head);
      const next = top.rest.next();
      if (next.done) {
        heap[0] = heap.at(-1)!;
        heap.pop();
      } else top.head = next.value;
      if (heap.length) down(0);
    }
  } finally {
    for (const s of streams) s.return(undefined);
  }
}

function pick(row: Record<string, string>, columns: string[]): Record<string, string> {
  return Object.fromEntries(columns.map((c) => [c, row[c] ?? '']));
}

/**
 * CHANGELOG.md: counts per table, then every changed row of indicators and documents in full
 * (`listed`, which the caller keeps from the diff). A first release (no previous) counts its rows
 * as added: `rows` gives the count per table.
 */
export function changelog(
  version: string,
  previous: string | null,
  counts: DiffSummary['counts'],
  tables: string[],
  listed: RowChange[],
  rows: Record<string, number> = {},
): string {
  // `listed` holds at most LISTED_MAX changes a table (changeLister); the counts say how many there are.
  const lines = [`# Release ${version}`, '', previous ? `Changes since ${previous}.` : 'First release: every row is new.', ''];
  lines.push('| table | added | removed | changed |', '| --- | ---: | ---: | ---: |');
  for (const t of tables) {
    const c = counts.get(t) ?? { added: 0, removed: 0, changed: 0 };
    lines.push(`| ${t} | ${previous ? c.added : (rows[t] ?? 0)} | ${c.removed} | ${c.changed} |`);
  }
  if (previous) {
    for (const t of LISTED_TABLES) {
      const c = listed.filter((x) => x.table === t);
      if (c.length === 0) continue;
      const total = Object.values(counts.get(t) ?? {}).reduce((a, b) => a + b, 0);
      lines.push('', `## ${t}`, '');
      if (total > c.length) lines.push(`The first ${c.length} of ${total} changes, by key; the changes table has them all.`, '');
      for (const x of c) {
        const show = (r: Record<string, string> | null) => (r ? Object.entries(r).filter(([k]) => ['indicator_id', 'value', 'unit', 'period', 'status', 'title', 'doc_id'].includes(k) || x.change === 'changed').map(([k, v]) => `${k}=${v}`).join(', ') : '');
        lines.push(`- ${x.change} \`${x.rowKey}\`: ${x.change === 'removed' ? show(x.old) : x.change === 'added' ? show(x.new) : `${show(x.old)} → ${show(x.new)}`}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}

/** Tables whose changed rows CHANGELOG.md lists one by one, up to LISTED_MAX of each. */
export const LISTED_TABLES = ['documents', 'indicators'];
export const LISTED_MAX = 1000;

/** The changes CHANGELOG.md lists: of the listed tables, the first LISTED_MAX each, so memory stays bounded. */
export function changeLister(): { add: (c: RowChange) => void; listed: RowChange[] } {
  const listed: RowChange[] = [];
  const perTable = new Map<string, number>();
  return {
    listed,
    add: (c) => {
      if (!LISTED_TABLES.includes(c.table)) return;
      const n = perTable.get(c.table) ?? 0;
      if (n >= LISTED_MAX) return;
      perTable.set(c.table, n + 1);
      listed.push(c);
    },
  };
}
