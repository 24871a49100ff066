/** The scratch buffer rule: kept between calls, grown by doubling, never kept above the limit. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Scratch, SCRATCH_LIMIT } from '../lib/scratch.js';

/** A scratch of plain bytes that records the size of every allocation. */
function recorded(): { scratch: Scratch<Uint8Array>; sizes: number[] } {
  const sizes: number[] = [];
  const scratch = new Scratch((size) => (sizes.push(size), new Uint8Array(size)));
  return { scratch, sizes };
}

test('the kept buffer serves every request it can hold; a larger one doubles it and is kept', () => {
  const { scratch, sizes } = recorded();
  const first = scratch.get(0);
  assert.equal(scratch.get(1 << 16), first);
  const second = scratch.get((1 << 16) + 1);
  assert.equal(second.length, 1 << 17);
  assert.equal(scratch.get(100), second);
  assert.equal(scratch.get(300_000).length, 300_000, 'a request past twice the kept size gets its own size');
  assert.deepEqual(sizes, [1 << 16, 1 << 17, 300_000]);
});

test('doubling stops at the limit while the request fits in it, so the buffer is still kept', () => {
  const { scratch } = recorded();
  scratch.get(3_000_000);
  const capped = scratch.get(3_500_000);
  assert.equal(capped.length, SCRATCH_LIMIT);
  assert.equal(scratch.get(SCRATCH_LIMIT), capped);
});

test('a request above the limit gets a buffer of exactly its size, not kept', () => {
  const { scratch } = recorded();
  const kept = scratch.get(100_000);
  const big = scratch.get(SCRATCH_LIMIT + 1);
  assert.equal(big.length, SCRATCH_LIMIT + 1);
  assert.equal(scratch.get(100_000), kept);
});

test('grow copies what was written, doubles past the limit (a large document is copied a few times only), and keeps only what fits', () => {
  const { scratch, sizes } = recorded();
  let buf = scratch.get(0);
  let used = 0;
  const total = 3 * SCRATCH_LIMIT;
  for (; used < total; used++) {
    if (used + 1 > buf.length) buf = scratch.grow(buf, used, used + 1);
    buf[used] = used % 251;
  }
  for (let k = 0; k < total; k += 4099) assert.equal(buf[k], k % 251);
  assert.deepEqual(sizes, [1 << 16, 1 << 17, 1 << 18, 1 << 19, 1 << 20, 1 << 21, 1 << 22, 1 << 23, 1 << 24]);
  assert.equal(scratch.get(0).length, SCRATCH_LIMIT, 'the last buffer within the limit is the one kept');
});
