/**
 * Constructed cases (test/fixtures/cases/<case>/): sources of kinds the seeds do not contain,
 * built without sidecars, against hand-written expected paragraphs and metadata.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { projectRoot } from '../lib/paths.js';
import { listSources } from '../pipeline/00-sources.js';
import { processSource } from '../pipeline/runner.js';
import { rawFolder } from './helpers.js';

const CASES = join(projectRoot, 'test', 'fixtures', 'cases');

describe('constructed cases', () => {
  const names = readdirSync(CASES).filter((n) => statSync(join(CASES, n)).isDirectory()).sort();
  test('there are cases', () => assert.ok(names.length >= 6));
  for (const name of names) {
    test(name, () => {
      const dir = rawFolder([], { [`${name}.txt`]: readFileSync(join(CASES, name, 'input.txt')) });
      const docs = processSource(listSources(dir)[0]!);
      assert.equal(docs.length, 1);
      const doc = docs[0]!;
      const expected = readFileSync(join(CASES, name, 'expected.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
      const actual = doc.paragraphs!.map((p) => ({ section: p.section ?? null, heading: (p.headingLevel ?? null) !== null, speaker: p.speaker ?? null, text: p.text }));
      assert.deepEqual(actual, expected);
      const meta = JSON.parse(readFileSync(join(CASES, name, 'expected-meta.json'), 'utf8')) as Record<string, unknown>;
      const m = doc.meta! as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(meta)) assert.equal(m[k], v, `meta ${k}`);
    });
  }
});
