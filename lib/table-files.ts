/**
 * One table's files in a release's staging folder: its CSV, its Parquet file and, for a table
 * partitioned by year, one Parquet file per year (a hive-partitioned dataset). Rows come in
 * packed, a document or a chunk at a time, so no table is held whole.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PackedTable } from './cache.js';
import type { TableSpec } from './table-schema.js';
import type { Cell } from './typed-row.js';
import { csvBytes, CsvSink } from './write-csv.js';
import { ParquetSink, parquetColumns, ROW_GROUP_ROWS } from './write-parquet.js';

/**
 * Rows one table may hold buffered across its year partitions before all of them are written
 * out as row groups: sources in any year order keep memory bounded.
 */
const PARTITION_BUFFER_ROWS = 20_000;

export class TableFiles {
  readonly csv: CsvSink;
  readonly parquet: ParquetSink;
  readonly parts: Map<string, ParquetSink> | null;
  private partsDirMade = false;

  constructor(readonly spec: TableSpec, private readonly dir: string, partitioned = false) {
    this.csv = new CsvSink(spec, join(dir, `${spec.name}.csv`));
    try {
      this.parquet = new ParquetSink(spec, join(dir, `${spec.name}.parquet`));
    } catch (err) {
      this.csv.discard();
      throw err;
    }
    this.parts = partitioned ? new Map() : null;
  }

  /** Rows publish made itself (catalog, changes). */
  appendRows(rows: Cell[][], year: number | null): void {
    if (rows.length === 0) return;
    this.append({ rows: rows.length, csv: csvBytes(this.spec, rows, this.csv.rows), columns: parquetColumns(this.spec, rows) }, year);
  }

  append(table: PackedTable, year: number | null): void {
    this.csv.appendBytes(table.csv, table.rows);
    this.parquet.appendColumns(table.columns, table.rows);
    if (!this.parts || table.rows === 0) return;
    const part = `year=${year ?? '__HIVE_DEFAULT_PARTITION__'}`;
    let sink = this.parts.get(part);
    if (!sink) {
      this.makePartDir(part);
      sink = new ParquetSink(this.spec, join(this.dir, this.partPath(part)), ROW_GROUP_ROWS, 1 << 16);
      this.parts.set(part, sink);
    }
    sink.appendColumns(table.columns, table.rows);
    // Over the budget, the fullest partitions write a row group first: the others keep
    // gathering rows, so no year file fills up with tiny row groups.
    let buffered = 0;
    for (const s of this.parts.values()) buffered += s.buffered;
    while (buffered > PARTITION_BUFFER_ROWS) {
      let fullest: ParquetSink | null = null;
      for (const s of this.parts.values()) if (!fullest || s.buffered > fullest.buffered) fullest = s;
      buffered -= fullest!.buffered;
      fullest!.flush();
    }
  }

  /**
   * The table's folder once, then each year's folder on its own: a recursive mkdir stats every
   * level of the path first, and on the overlay file system that costs more than the mkdir.
   * The staging folder is new and ours, so neither folder exists beforehand.
   */
  private makePartDir(part: string): void {
    const tableDir = join(this.dir, this.spec.name);
    if (!this.partsDirMade) {
      mkdirSync(tableDir);
      this.partsDirMade = true;
    }
    mkdirSync(join(tableDir, part));
  }

  partPath(part: string): string {
    return `${this.spec.name}/${part}/part-0.parquet`;
  }

  discard(): void {
    this.csv.discard();
    this.parquet.discard();
    for (const s of this.parts?.values() ?? []) s.discard();
  }
}
