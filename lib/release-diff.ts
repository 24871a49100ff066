/**
 * What changed between two releases, row by row, by each table's stable key. Tables are compared
 * as their CSV files read back (cells as written), so the comparison sees exactly what users get.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

export interface RowChange {
  table: string;
  rowKey: string;
  change: 'added' | 'removed' | 'changed';
  columns: string[];
  old: Record<string, string> | null;
  new: Record<string, string> | null;
}

export type TableRows = Map<string, Record<string, string>>;

/** Rows of one CSV (with BOM) by their `key` column. */
export function rowsByKey(csv: string | Buffer): TableRows {
  const records = parse(csv, { bom: true, columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  return new Map(records.map((r) => [r['key']!, r]));
}

export function readRelease(dir: string, tables: string[]): Map<string, TableRows> {
  const out = new Map<string, TableRows>();
  for (const t of tables) {
    const file = join(dir, `${t}.csv`);
    if (existsSync(file)) out.set(t, rowsByKey(readFileSync(file)));
  }
  return out;
}

export function diffTables(before: Map<string, TableRows>, after: Map<string, TableRows>, tables: string[]): RowChange[] {
  const changes: RowChange[] = [];
  for (const table of tables) {
    const a = before.get(table) ?? new Map<string, Record<string, string>>();
    const b = after.get(table) ?? new Map<string, Record<string, string>>();
    for (const [key, row] of b) {
      const old = a.get(key);
      if (!old) changes.push({ table, rowKey: key, change: 'added', columns: [], old: null, new: row });
      else {
        const columns = Object.keys(row).filter((c) => row[c] !== old[c]);
        if (columns.length) {
          changes.push({ table, rowKey: key, change: 'changed', columns, old: pick(old, columns), new: pick(row, columns) });
        }
      }
    }
    for (const [key, row] of a) if (!b.has(key)) changes.push({ table, rowKey: key, change: 'removed', columns: [], old: row, new: null });
  }
  return changes;
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
