/**
 * Paragraph provenance on every seed: the raw bytes a paragraph points at, less the changes the
 * corrections log records inside that range, are exactly the paragraph's text.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Doc } from '../lib/document.js';
import { listSources } from '../pipeline/00-sources.js';
import { processSource } from '../pipeline/runner.js';
import { RAW } from './helpers.js';

function rebuild(doc: Doc, start: number, end: number): string {
  const inside = doc.corrections.filter((c) => c.rawStart >= start && c.rawEnd <= end && c.rawEnd > c.rawStart).sort((a, b) => a.rawStart - b.rawStart);
  const dec = new TextDecoder(doc.encoding);
  let out = '';
  let at = start;
  for (const c of inside) {
    out += dec.decode(doc.raw.subarray(at, c.rawStart)) + c.after;
    at = c.rawEnd;
  }
  return out + dec.decode(doc.raw.subarray(at, end));
}

describe('paragraphs', () => {
  const docs = listSources(RAW).flatMap((s) => processSource(s));

  test('seven documents, every one with paragraphs', () => {
    assert.equal(docs.length, 7);
    for (const d of docs) assert.ok(d.paragraphs!.length > 5, d.meta!.id);
  });

  test('every paragraph of every seed maps back to its raw bytes', () => {
    let checked = 0;
    for (const doc of docs) {
      for (const p of doc.paragraphs!) {
        assert.equal(rebuild(doc, p.rawStart, p.rawEnd), p.text, `${doc.meta!.id} paragraph ${p.ordinal}`);
        checked++;
      }
    }
    assert.ok(checked > 500);
  });

  test('ideographic-space indentation is trimmed (002) and the first paragraph starts at byte 0', () => {
    const doc = docs.find((d) => d.file.startsWith('002_'))!;
    assert.equal(doc.paragraphs![0]!.text, '各位代表：');
    assert.equal(doc.paragraphs![0]!.rawStart, 0);
    assert.equal(doc.paragraphs![1]!.text.slice(0, 6), '现在，我代表');
    assert.ok(doc.paragraphs!.every((p) => !/^[\s\u3000]|[\s\u3000]$/u.test(p.text)));
  });

  test('ordinals run 1..n in reading order', () => {
    for (const doc of docs) assert.deepEqual(doc.paragraphs!.map((p) => p.ordinal), doc.paragraphs!.map((_, i) => i + 1));
  });
});
