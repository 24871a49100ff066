/** lib/lines: the scan helpers stages 05, 08 and 11 share. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesOf } from '../lib/lines.js';

test('matchesOf finds every match, steps past empty ones by a code point, and refuses a pattern without g', () => {
  assert.deepEqual(matchesOf(/图\d/gu, '图1 和 图2', '图').map((m) => m.index), [0, 5]);
  // Text holding none of the needles is not scanned at all.
  assert.deepEqual(matchesOf(/\d/gu, '123', '图'), []);
  // An empty match before an astral character moves on by both of its units.
  assert.equal(matchesOf(/(?:)/gu, '𠀀a', '').length, 3);
  assert.throws(() => matchesOf(/图/u, '图', '图'), /needs a pattern with the g flag/u);
});
