/**
 * A packed document crosses threads with its CSV bytes and Parquet pieces' buffers transferred,
 * never a buffer another piece or module shares.
 */
import assert from 'node:assert/strict';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { test } from 'node:test';
import { fromWire, gatherBuffers, packDoc, toMessage, toWire, transferables, type PublishedDoc } from '../lib/cache.js';
import { tableSpec } from '../lib/table-schema.js';
import type { Cell } from '../lib/typed-row.js';

/** `n` paragraphs' rows and, with any, the document's own row: two tables, as a real document has more. */
function doc(n: number): PublishedDoc {
  return { file: 'f.txt', rawSha256: '0', meta: {} as PublishedDoc['meta'], rows: { paragraphs: rowsOf('paragraphs', n), documents: rowsOf('documents', Math.min(n, 1)) }, messages: [] };
}

function rowsOf(table: string, n: number): Cell[][] {
  const spec = tableSpec(table);
  const rows: Cell[][] = [];
  for (let j = 0; j < n; j++) {
    rows.push(spec.columns.map((c, i): Cell => {
      if (c.nullable && j % 3 === 0) return null;
      switch (c.type) {
        case 'UTF8': return `段落${j}-${i}`;
        case 'BOOLEAN': return j % 2 === 0;
        case 'DATE': return '2024-01-31';
        case 'DOUBLE': return j / 3;
        default: return j;
      }
    }));
  }
  return rows;
}

test('transfers the CSV bytes and the pieces\' own buffers from 4 KiB, each once, and the document arrives whole', () => {
  const packed = packDoc(doc(2000));
  const list = transferables([packed]);
  assert.equal(new Set(list).size, list.length);
  // Pieces big enough to be handed over are among them, not only the CSV.
  assert.ok(list.length > 1);
  assert.ok(list.includes(packed.tables['paragraphs']!.csv.buffer as ArrayBuffer));
  for (const [piece] of packed.tables['paragraphs']!.columns) {
    for (const view of [piece.values, piece.defs, piece.indexes]) {
      if (view && view.byteLength >= 4096) assert.ok(list.includes(view.buffer as ArrayBuffer));
    }
  }
  const expected = structuredClone(packed);
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(packed, list);
  const received = receiveMessageOnPort(port2)!.message;
  port1.close();
  assert.deepEqual(received, expected);
  // What stays behind is detached; the next document packs as before (no shared buffer was taken).
  assert.equal(packed.tables['paragraphs']!.csv.byteLength, 0);
  assert.deepEqual(packDoc(doc(2000)), expected);
});

test('a view into a larger buffer is not transferred', () => {
  const packed = packDoc(doc(5));
  const pool = new ArrayBuffer(1 << 16);
  packed.tables['paragraphs']!.csv = new Uint8Array(pool, 8, 1 << 13);
  assert.ok(!transferables([packed]).includes(pool));
});

test('gathered, the small views of each table cross as one buffer and the large ones as their own, and every document arrives whole', () => {
  const packed = [packDoc(doc(5)), packDoc(doc(2000)), packDoc(doc(1))];
  const pool = new ArrayBuffer(1 << 16);
  packed[1]!.tables['paragraphs']!.csv = new Uint8Array(pool, 8, 1 << 13).fill(65);
  const expected = structuredClone(packed);
  const list = gatherBuffers(packed);
  assert.equal(new Set(list).size, list.length);
  assert.ok(!list.includes(pool));
  // A table's small views now share one transferred buffer, each at an offset its element size
  // divides, and no other table's views are in it: publish keeps a table's pieces for a while,
  // and they must not keep the rest of the document with them.
  const owner = new Map<ArrayBufferLike, string>();
  let small = 0;
  packed.forEach((d, k) => {
    for (const [name, t] of Object.entries(d.tables)) {
      const views = [t.csv, ...t.columns.flatMap(([p]) => [p.values, p.defs, p.indexes])];
      const buffers = new Set<ArrayBufferLike>();
      for (const view of views) {
        if (!view || view.byteLength >= 4096 && view.byteOffset === 0 && view.buffer.byteLength === view.byteLength) continue;
        small++;
        buffers.add(view.buffer);
        assert.ok(list.includes(view.buffer as ArrayBuffer));
        assert.equal(view.byteOffset % view.BYTES_PER_ELEMENT, 0);
      }
      assert.ok(buffers.size <= 1, `${name} of document ${k}: its small views are in ${buffers.size} buffers`);
      for (const b of buffers) {
        assert.equal(owner.get(b), undefined, `${name} of document ${k} shares a buffer with ${owner.get(b)}`);
        owner.set(b, `${name} of document ${k}`);
      }
    }
  });
  assert.ok(small > 10);
  assert.ok(owner.size > 3);
  assert.deepEqual(packed, expected);
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(packed, list);
  const received = receiveMessageOnPort(port2)!.message;
  port1.close();
  assert.deepEqual(received, expected);
  assert.equal(new Uint8Array(pool, 8, 4)[0], 65);
});

test('gathering documents without rows transfers nothing', () => {
  assert.deepEqual(gatherBuffers([packDoc({ ...doc(0), rows: {} })]), []);
});

test('a packed document sent by position arrives as the same document, with pieces of one shape', () => {
  for (const n of [0, 1, 5, 2000]) {
    const packed = packDoc(n ? doc(n) : { ...doc(0), rows: {} });
    const expected = structuredClone(packed);
    const list = gatherBuffers([packed]);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage([toWire(packed)], list);
    const [received] = receiveMessageOnPort(port2)!.message.map(fromWire);
    port1.close();
    assert.deepEqual(received, expected);
    for (const t of Object.values(received.tables) as Array<{ columns: Array<[object]> }>) {
      for (const [piece] of t.columns) assert.deepEqual(Object.keys(piece), ['rows', 'nulls', 'defs', 'values', 'plainBytes', 'dict', 'indexes', 'min', 'max', 'nans']);
    }
  }
});

test('the message a worker sends carries the gathered views, not copies of the originals', () => {
  const packed = [packDoc(doc(5)), packDoc(doc(3))];
  const expected = structuredClone(packed);
  const { docs, transfer } = toMessage(packed);
  const gathered = transfer.at(-1)!;
  // Every typed array on the wire that is not transferred whole lies in the gathered buffer.
  const views = docs.flatMap((d) => d.tables.flat().filter((x): x is Uint8Array => ArrayBuffer.isView(x)));
  assert.ok(views.length > 10);
  for (const v of views) if (!transfer.includes(v.buffer as ArrayBuffer) || v.buffer === gathered) assert.equal(v.buffer, gathered);
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(docs, transfer);
  const received = receiveMessageOnPort(port2)!.message.map(fromWire);
  port1.close();
  assert.deepEqual(received, expected);
});
