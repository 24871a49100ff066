/**
 * Provenance, nothing lost, idempotence: on every paragraph of every seed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listSources } from '../pipeline/00-sources.js';
import { processSource } from '../pipeline/runner.js';
import { RAW } from './helpers.js';

const docs = listSources(RAW).flatMap((s) => processSource(s));

/** Han characters and CJK punctuation, counted: what "nothing lost" is measured on. */
const CJK_CHAR = /[\p{Script=Han}\u3000-\u303F\uFF00-\uFFEF\u2014\u2018\u2019\u201C\u201D\u2026]/gu;
function count(into: Map<string, number>, text: string, sign: number): void {
  for (const m of text.matchAll(CJK_CHAR)) into.set(m[0], (into.get(m[0]) ?? 0) + sign);
}

describe('paragraphs', () => {
  test('seven documents, every one with paragraphs, ordinals 1..n', () => {
    assert.equal(docs.length, 7);
    for (const d of docs) {
      assert.ok(d.paragraphs!.length > 5, d.meta!.id);
      assert.deepEqual(d.paragraphs!.map((p) => p.ordinal), d.paragraphs!.map((_, i) => i + 1));
    }
  });

  test('provenance: every character of every paragraph maps to raw bytes holding it (or its width variant)', () => {
    let checked = 0;
    for (const doc of docs) {
      const dec = new TextDecoder(doc.encoding);
      const errata = doc.corrections.filter((c) => c.reason === 'ocr/erratum');
      for (const p of doc.paragraphs!) {
        assert.equal(doc.text.slice(p.textStart, p.textStart + p.text.length), p.text);
        let i = 0;
        for (const ch of p.text) {
          const at = p.textStart + i;
          const [s, e] = [doc.map.rawStart[at]!, doc.map.rawEnd[at]!];
          const raw = dec.decode(doc.raw.subarray(s, e));
          const ok = raw === ch || raw.normalize('NFKC') === ch.normalize('NFKC') || errata.some((c) => c.rawStart <= s && e <= c.rawEnd);
          assert.ok(ok, `${doc.meta!.id} paragraph ${p.ordinal} char ${i} ${JSON.stringify(ch)} maps to ${JSON.stringify(raw)} at ${s}`);
          assert.ok(s >= p.rawStart && e <= p.rawEnd, `${doc.meta!.id} paragraph ${p.ordinal}: char outside its raw range`);
          i += ch.length;
          checked++;
        }
      }
    }
    assert.ok(checked > 70_000, `only ${checked} characters checked`);
  });

  test('nothing lost: CJK characters of each document = output + removed - added (as multisets)', () => {
    for (const doc of docs) {
      const balance = new Map<string, number>();
      const dec = new TextDecoder(doc.encoding);
      const spans = [...doc.data.rawSpans!, ...doc.corrections.filter((c) => c.reason === 'layout/outside-documents').map((c) => [c.rawStart, c.rawEnd] as [number, number])];
      for (const [s, e] of spans) count(balance, dec.decode(doc.raw.subarray(s, e)), +1);
      for (const p of doc.paragraphs!) count(balance, p.text, -1);
      for (const c of doc.corrections) {
        count(balance, c.before, -1);
        count(balance, c.after, +1);
      }
      const off = [...balance].filter(([, n]) => n !== 0);
      assert.deepEqual(off, [], `${doc.meta!.id}: characters unaccounted for (positive: lost; negative: appeared)`);
    }
  });

  test('ideographic-space indentation is gone (002); the first paragraph points at byte 0', () => {
    const doc = docs.find((d) => d.file.startsWith('002_'))!;
    assert.equal(doc.paragraphs![0]!.text, '各位代表：');
    assert.equal(doc.paragraphs![0]!.rawStart, 0);
    assert.ok(doc.paragraphs!.every((p) => !/^[\s\u3000]|[\s\u3000]$/u.test(p.text)));
  });
});

describe('idempotent', () => {
  test('normalizing the normalized text of every document changes nothing', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'cgi-idem-'));
    for (const doc of docs) {
      const file = `${doc.meta!.id}.txt`;
      writeFileSync(join(dir, file), doc.paragraphs!.map((p) => p.text).join('\n\n') + '\n');
      const m = doc.meta!;
      // The same metadata as the original, so the same title and byline are recognized.
      const sidecar = {
        file, origin: { publisher: null, url: null, retrieved: null, licence: null },
        documents: [{ id: m.id, title: m.title, kind: m.kind, region: m.region, scope: m.scope, date: m.date, year: m.year, speaker: m.speaker, speaker_role: m.speakerRole, event: m.event, dateline: m.dateline, source_url: m.sourceUrl }],
      };
      const again = processSource({ file, path: join(dir, file), sidecarName: '', sidecar, repair: null, errata: null })[0]!;
      assert.deepEqual(again.paragraphs!.map((p) => p.text), doc.paragraphs!.map((p) => p.text), m.id);
      assert.deepEqual(again.paragraphs!.map((p) => p.section), doc.paragraphs!.map((p) => p.section), m.id);
      assert.deepEqual(again.corrections.map((c) => c.reason), [], `${m.id}: normalized text was changed again`);
    }
  });
});
