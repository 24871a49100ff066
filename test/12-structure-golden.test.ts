/**
 * Golden output: every logical document's normalized paragraphs, with heading, section path and
 * speaker, against the reviewed fixtures in test/fixtures/golden/ (written by reading the raw
 * text; see the README there). A difference is printed paragraph by paragraph.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { projectRoot } from '../lib/paths.js';
import { listSources } from '../pipeline/00-sources.js';
import { processSource } from '../pipeline/runner.js';
import { RAW } from './helpers.js';

interface Expected {
  section: string | null;
  heading: boolean;
  speaker: string | null;
  text: string;
}

const GOLDEN = join(projectRoot, 'test', 'fixtures', 'golden');
const docs = listSources(RAW).flatMap((s) => processSource(s));

describe('golden normalized documents', () => {
  const files = readdirSync(GOLDEN).filter((f) => f.endsWith('.jsonl')).sort();

  test('there is a golden file for every logical document', () => {
    assert.deepEqual(files.map((f) => f.replace('.jsonl', '')), docs.map((d) => d.meta!.id).sort());
  });

  for (const file of files) {
    const id = file.replace('.jsonl', '');
    test(id, () => {
      const expected = readFileSync(join(GOLDEN, file), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Expected);
      const doc = docs.find((d) => d.meta!.id === id);
      assert.ok(doc, `no document ${id}`);
      const actual: Expected[] = doc.paragraphs!.map((p) => ({ section: p.section ?? null, heading: (p.headingLevel ?? null) !== null, speaker: p.speaker ?? null, text: p.text }));
      const problems: string[] = [];
      const n = Math.max(expected.length, actual.length);
      for (let i = 0; i < n && problems.length < 12; i++) {
        const e = expected[i];
        const a = actual[i];
        for (const k of ['text', 'heading', 'section', 'speaker'] as const) {
          if (e?.[k] !== a?.[k]) {
            problems.push(`paragraph ${i + 1} ${k}:\n  expected ${JSON.stringify(e?.[k])}\n  actual   ${JSON.stringify(a?.[k])}`);
            break;
          }
        }
      }
      assert.equal(problems.length, 0, `${id}: ${expected.length} expected, ${actual.length} actual paragraphs\n${problems.join('\n')}`);
    });
  }
});
