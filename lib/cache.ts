/**
 * Incremental builds: what the stages made of one source (its documents' rows and messages) is
 * kept in OUT/.cache/, keyed by the hash of everything it was made from: the raw bytes, the
 * sidecar, repair and errata files, and the code and schemas that process them. An unchanged
 * source is not processed again; a changed one, or any change to the code, is. Each entry holds
 * the SHA-256 of its payload, so a truncated or altered entry is detected, discarded and rebuilt.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Doc } from './document.js';
import { sha256Hex as sha256 } from './hash.js';
import { COMPANION_SUFFIXES, companionName, type CompanionKind } from './companions.js';
import { projectRoot } from './paths.js';
import { PipelineError } from './errors.js';
import { dataTableSpecs } from './table-schema.js';
import { csvBytes } from './write-csv.js';
import { parquetColumns, type PackedColumns } from './write-parquet.js';

/** What publish needs of a processed document. */
export type PublishedDoc = Pick<Doc, 'file' | 'rawSha256' | 'meta' | 'rows' | 'messages'>;

/** Only what publish needs, so a document can go to the cache, another thread or a shard. */
export const published = (d: PublishedDoc): PublishedDoc => ({ file: d.file, rawSha256: d.rawSha256, meta: d.meta, rows: d.rows, messages: d.messages });

/**
 * One document's rows of one table as the writers take them: the CSV records as bytes and the
 * Parquet columns. Made in the worker thread that processed the document, so the main thread only
 * writes; the bytes cross threads by transfer, not copy.
 */
export interface PackedTable {
  rows: number;
  csv: Uint8Array;
  columns: PackedColumns;
}

/** A document ready to publish: PublishedDoc with its rows packed, table by table. */
export type PackedDoc = Omit<PublishedDoc, 'rows'> & { tables: Record<string, PackedTable> };

/**
 * Pack a document's rows. `firstRows` gives the rows each table already holds, to number rows in
 * an error; a worker, which does not know them, falls back to sending the rows unpacked when
 * packing fails, so the main thread packs them again and reports the error as it always did.
 */
export function packDoc(d: PublishedDoc, firstRows: (table: string) => number = () => 0): PackedDoc {
  const tables: Record<string, PackedTable> = {};
  const rows = d.rows ?? {};
  const specs = new Map(dataTableSpecs().map((s) => [s.name, s]));
  for (const [table, tableRows] of Object.entries(rows)) {
    const spec = specs.get(table);
    if (!spec) throw new Error(`stage output names table ${table}, which has no schema in schemas/tables/`);
    // Rows are positional: a row made for another version of the schema must not be published.
    if (tableRows.some((r) => r.length !== spec.columns.length)) {
      throw new PipelineError({ file: d.file, field: table }, `has rows of table ${table} that do not have the schema's ${spec.columns.length} columns`, 'Rows made by another version of the code cannot be published: build again (and build every shard with the same commit as the merge).');
    }
  }
  for (const spec of specs.values()) {
    const tableRows = rows[spec.name];
    if (!tableRows?.length) continue;
    tables[spec.name] = { rows: tableRows.length, csv: csvBytes(spec, tableRows, firstRows(spec.name)), columns: parquetColumns(spec, tableRows) };
  }
  return { file: d.file, rawSha256: d.rawSha256, meta: d.meta, messages: d.messages, tables };
}

/**
 * The buffers a packed document can hand over to another thread: the CSV bytes and the Parquet
 * pieces' values, definition levels and dictionary indexes, from 4 KiB up. Only a buffer a view
 * covers whole is handed over: a view into a larger buffer may share it with others (Node's pool
 * for small Buffers, a module's empty constant), and transferring it would detach theirs too.
 * Smaller ones are copied: copying a few bytes is cheaper than a transfer, and asking a small
 * typed array for its buffer makes V8 move it off the heap. Measured on the 50 MB corpus (two
 * profiled builds each, CPU of all threads): transferring every buffer 12.0-12.7 s, only the CSV
 * 12.1-12.3 s, from 4 KiB 11.8-12.2 s.
 */
const TRANSFER_MIN_BYTES = 4096;

export function transferables(docs: PackedDoc[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const [, , view] of packedViews(docs)) if (transferableWhole(view)) buffers.add(view.buffer as ArrayBuffer);
  return [...buffers];
}

/**
 * The buffers to transfer with packed documents. A buffer of 4 KiB or more that a view covers
 * whole goes as it is (see transferables); the smaller views of each table of each document are
 * copied into one ArrayBuffer, the table's views pointed at it, and that buffer transferred too.
 * Serialising a message costs per typed array: a document of a few dozen tables has hundreds of
 * small ones, each copied on its own and received as its own backing store; gathered, they cross
 * as offsets into a few buffers. One buffer per table, not per document: publish keeps a table's
 * pieces until their row group is written, and a documents-table piece (one row) kept a whole
 * document's gathered buffer alive with it, about 27 KB each; a 100 MB corpus pinned 70 MB so
 * by the end of the build.
 */
export function gatherBuffers(docs: PackedDoc[]): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  for (const d of docs) {
    for (const t of Object.values(d.tables)) {
      const small: ViewSlot[] = [];
      for (const slot of tableViews(t)) {
        const view = slot[2];
        if (transferableWhole(view)) buffers.push(view.buffer as ArrayBuffer);
        else small.push(slot);
      }
      const gathered = gather(small);
      if (gathered) buffers.push(gathered);
    }
  }
  return [...new Set(buffers)];
}

/** The views of `small` copied into one new buffer, each pointed at its copy; null if there are none. */
function gather(small: ViewSlot[]): ArrayBuffer | null {
  let total = 0;
  for (const [, , view] of small) total = align8(total) + view.byteLength;
  if (total === 0) return null;
  const gathered = new ArrayBuffer(total);
  let at = 0;
  for (const [owner, key, view] of small) {
    at = align8(at);
    // Copied through typed views, never through view.buffer: asking a small typed array for its
    // buffer makes V8 move it off the heap. Uint32Array indexes need an offset divisible by 4,
    // so every view starts 8-aligned.
    const copy = view instanceof Uint32Array ? new Uint32Array(gathered, at, view.length) : new Uint8Array(gathered, at, view.byteLength);
    copy.set(view);
    owner[key] = copy;
    at += view.byteLength;
  }
  return gathered;
}

const transferableWhole = (view: ArrayBufferView) => view.byteLength >= TRANSFER_MIN_BYTES && view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && view.buffer instanceof ArrayBuffer;

const align8 = (n: number) => (n + 7) & ~7;

type ViewSlot = [owner: Record<string, unknown>, key: string, view: Uint8Array | Uint32Array];

function packedViews(docs: PackedDoc[]): ViewSlot[] {
  return docs.flatMap((d) => Object.values(d.tables).flatMap(tableViews));
}

function tableViews(t: PackedTable): ViewSlot[] {
  const slots: ViewSlot[] = [];
  const add = (owner: object, key: string, view: Uint8Array | Uint32Array | null) => {
    if (view) slots.push([owner as Record<string, unknown>, key, view]);
  };
  add(t, 'csv', t.csv);
  for (const [piece] of t.columns) (add(piece, 'values', piece.values), add(piece, 'defs', piece.defs), add(piece, 'indexes', piece.indexes));
  return slots;
}

/**
 * A packed document as it crosses threads: each table one flat array (name, rows, CSV bytes, then
 * ten fields per column piece) instead of a record of objects. Structured cloning writes every
 * object's keys as strings and the receiver looks each one up again; pieces are a few hundred
 * small objects per document, so their fields go by position and the objects are made again on
 * the receiving side.
 */
export type WireDoc = Omit<PackedDoc, 'tables'> & { tables: unknown[][] };

/**
 * Packed documents as a worker sends them: gathered first (which points their small views at the
 * gathered buffer), then laid out by position, so the wire arrays hold the gathered views.
 * In the other order the wire would hold the original views, each cloned on its own, and the
 * gathered buffer would cross unused.
 */
export function toMessage(docs: PackedDoc[]): { docs: WireDoc[]; transfer: ArrayBuffer[] } {
  const transfer = gatherBuffers(docs);
  return { docs: docs.map(toWire), transfer };
}

const PIECE_FIELDS = 10;

export function toWire(d: PackedDoc): WireDoc {
  const tables: unknown[][] = [];
  for (const [name, t] of Object.entries(d.tables)) {
    const flat: unknown[] = [name, t.rows, t.csv];
    for (const [p] of t.columns) flat.push(p.rows, p.nulls, p.defs, p.values, p.plainBytes, p.dict, p.indexes, p.min, p.max, p.nans);
    tables.push(flat);
  }
  return { file: d.file, rawSha256: d.rawSha256, meta: d.meta, messages: d.messages, tables };
}

export function fromWire(w: WireDoc): PackedDoc {
  const tables: Record<string, PackedTable> = {};
  for (const flat of w.tables) {
    const columns: PackedColumns = [];
    for (let k = 3; k < flat.length; k += PIECE_FIELDS) {
      const f = flat as never[];
      // Keys in the order parquetColumns makes them, so the pieces share one hidden class.
      columns.push([{ rows: f[k]!, nulls: f[k + 1]!, defs: f[k + 2]!, values: f[k + 3]!, plainBytes: f[k + 4]!, dict: f[k + 5]!, indexes: f[k + 6]!, min: f[k + 7]!, max: f[k + 8]!, nans: f[k + 9]! }]);
    }
    tables[flat[0] as string] = { rows: flat[1] as number, csv: flat[2] as Uint8Array, columns };
  }
  return { file: w.file, rawSha256: w.rawSha256, meta: w.meta, messages: w.messages, tables };
}

let fingerprint: string | null = null;

/** Hash of the code and data that turn sources into rows: compiled stages and libraries, schemas. */
export function codeFingerprint(): string {
  if (fingerprint) return fingerprint;
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(js|json)$/u.test(name)) h.update(path.slice(projectRoot.length)).update(readFileSync(path));
    }
  };
  for (const dir of ['dist/lib', 'dist/pipeline', 'schemas']) if (existsSync(join(projectRoot, dir))) walk(join(projectRoot, dir));
  fingerprint = h.digest('hex');
  return fingerprint;
}

/** The cache key of a source: its raw bytes' hash (read once, by the caller), its companions, the code. */
export function sourceKey(rawDir: string, file: string, rawSha256: string): string {
  const parts = [codeFingerprint(), file, rawSha256];
  for (const name of (Object.keys(COMPANION_SUFFIXES) as CompanionKind[]).map((k) => companionName(file, k))) {
    const path = join(rawDir, name);
    parts.push(existsSync(path) ? sha256(readFileSync(path)) : '-');
  }
  return sha256(parts.join('\n'));
}

export type CacheRead = { docs: PublishedDoc[] } | { corrupt: string } | null;

export function readCache(cacheDir: string, key: string): CacheRead {
  const path = join(cacheDir, `${key}.json`);
  if (!existsSync(path)) return null;
  try {
    const entry = JSON.parse(readFileSync(path, 'utf8')) as { sha256: string; payload: string };
    if (typeof entry.payload !== 'string' || sha256(entry.payload) !== entry.sha256) throw new Error('checksum does not match');
    return { docs: JSON.parse(entry.payload) as PublishedDoc[] };
  } catch (err) {
    rmSync(path, { force: true });
    return { corrupt: `${path}: ${(err as Error).message}` };
  }
}

export function writeCache(cacheDir: string, key: string, docs: PublishedDoc[]): void {
  mkdirSync(cacheDir, { recursive: true });
  const payload = JSON.stringify(docs);
  const tmp = join(cacheDir, `.${key}.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify({ sha256: sha256(payload), payload }));
  renameSync(tmp, join(cacheDir, `${key}.json`));
}
