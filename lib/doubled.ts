/**
 * A run of 4 to 12 Han characters written twice in a row (发展经济发展经济), found as
 * `text.matchAll(/(\p{Script=Han}{4,12})\1/gu)` finds it, match for match, but many times faster
 * on Chinese text, where the pattern alone costs a twentieth of a build.
 *
 * Why it is exact: a match at i of L code units puts the 4 units at i again at i + L, with
 * 4 <= L <= 24. Every 4-unit window is linked to the previous window with the same hash, so on
 * entering window j the windows of the last 24 units that hash alike are a walk down that chain;
 * each one whose units equal j's is marked as recurring. Once the scan is 24 units past a start,
 * every window that could repeat it has been entered, so the start is decided: only a marked one
 * (few in real text) is tried with the pattern itself, leftmost first and never before the end of
 * the previous match. Every code unit of a Han character is at least U+2E80 (the first radical;
 * astral characters are surrogates), so windows holding a lower unit are skipped: they cannot be
 * part of a match.
 */
import { HAN_FLOOR } from './chars.js';
import { warmUp } from './warm-up.js';

const PATTERN = /(\p{Script=Han}{4,12})\1/uy;
// Small enough to stay in the first-level cache: a miss per window cost more than the rare
// extra step down a chain that a shared slot brings.
const SLOTS = 1 << 12;
const MAX = 24;
const MIN = 4;
// Per-position state lives in rings of this many entries (more than MAX): a position's entries
// are read at most MAX units after it is entered, before the ring comes round to it again.
const RING = 32;

/**
 * The tables are shared by all calls (one per document; fresh ones per call would cost more than
 * the scan on the many short documents): each call stores positions offset by `base`, which moves
 * past everything earlier calls stored, so their entries never equal a position of a later call.
 */
const last = new Int32Array(SLOTS); // hash -> base + latest window with it
const previous = new Int32Array(RING); // window -> base + the window before it with its hash
// start -> base + start when its 4 units recur 4 to 24 units on (a stale entry holds another value)
const recurs = new Int32Array(RING);
const lags = new Int32Array(RING); // start -> bit L set when its 4 units recur L units on
let base = MAX + 1;

export function doubledFragments(text: string): RegExpExecArray[] {
  if (base + text.length + MAX > 2 ** 30) {
    // Starting `base` again would make old entries look current in `last` and `recurs`, which are
    // read as they stand, so they are cleared. `previous` and `lags` need not be: `previous[j]` is
    // written when window j is entered, before any chain (which starts at `last`) can reach it,
    // and `lags` is read only where `recurs` holds this call's base + start, and written whenever
    // that is set.
    last.fill(0);
    recurs.fill(0);
    base = MAX + 1;
  }
  try {
    return scan(text);
  } finally {
    // Moved even when the scan throws, so a later call never reads this one's entries as its own.
    base += text.length + MAX + 1;
  }
}

function scan(text: string): RegExpExecArray[] {
  // Module bindings are read through the module's context on every use, which the compiled loop
  // does not hoist (tryAt is a call): as locals the scan ran in 61 instead of 97 ms on the corpus.
  const at = base;
  const lastOf = last;
  const previousOf = previous;
  const recursAt = recurs;
  const lagsAt = lags;
  const floor = HAN_FLOOR;
  const found: RegExpExecArray[] = [];
  const n = text.length;
  let cursor = 0; // where the previous match ended
  let pending = 0; // marked starts not yet decided
  // The window text[j, j + 4) slides one unit at a time: a, b, c, d are its units (d at k) and
  // `run` counts how many units up to d are Han-possible, so each unit is read once.
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let run = 0;
  for (let k = 0; k < n; k++) {
    a = b;
    b = c;
    c = d;
    d = text.charCodeAt(k);
    if (d < floor) run = 0;
    else if (++run >= MIN) {
      // Enter window j: mark the windows of the last MAX units that it repeats.
      const j = k - MIN + 1;
      const h = (((a * 7 + b) * 7 + c) * 7 + d) & (SLOTS - 1);
      for (let p = lastOf[h]! - at; j - p <= MAX; p = previousOf[p & (RING - 1)]! - at) {
        if (j - p >= MIN && text.charCodeAt(p) === a && text.charCodeAt(p + 1) === b && text.charCodeAt(p + 2) === c && text.charCodeAt(p + 3) === d) {
          if (recursAt[p & (RING - 1)] === at + p) lagsAt[p & (RING - 1)] = lagsAt[p & (RING - 1)]! | (1 << (j - p));
          else {
            recursAt[p & (RING - 1)] = at + p;
            lagsAt[p & (RING - 1)] = 1 << (j - p);
            pending++;
          }
        }
      }
      previousOf[j & (RING - 1)] = lastOf[h]!;
      lastOf[h] = at + j;
    }
    // Decide the start MAX units before window j: every window that could repeat it is entered.
    if (pending > 0) {
      const start = k - MIN + 1 - MAX;
      if (start >= 0 && recursAt[start & (RING - 1)] === at + start) {
        pending--;
        if (start >= cursor) cursor = tryAt(text, start, found, cursor);
      }
    }
  }
  // The last starts: every window after them has been entered.
  for (let start = Math.max(0, n - MIN + 1 - MAX); pending > 0 && start < n; start++) {
    if (recursAt[start & (RING - 1)] !== at + start) continue;
    pending--;
    if (start >= cursor) cursor = tryAt(text, start, found, cursor);
  }
  return found;
}

/** Try the pattern at a recurring start; returns where the next match may start. */
function tryAt(text: string, i: number, found: RegExpExecArray[], cursor: number): number {
  // A match of L units repeats all L units L on, and its first 4 recur there: the pattern runs
  // only when one of the distances where they recur repeats the whole stretch (rare).
  if (!repeatsWhole(text, i, lags[i & (RING - 1)]!)) return cursor;
  // The u flag tries code point boundaries only: never the second half of a surrogate pair.
  const first = text.charCodeAt(i);
  if (first >= 0xdc00 && first <= 0xdfff && i > 0 && text.charCodeAt(i - 1) >= 0xd800 && text.charCodeAt(i - 1) <= 0xdbff) return cursor;
  PATTERN.lastIndex = i;
  const m = PATTERN.exec(text);
  if (!m) return cursor;
  found.push(m);
  return i + m[0].length;
}

/** Is text[i, i + L) == text[i + L, i + 2L) for one of the distances L set in `mask`? */
function repeatsWhole(text: string, i: number, mask: number): boolean {
  for (let L = MIN; L <= MAX; L++) {
    if ((mask & (1 << L)) === 0 || i + 2 * L > text.length) continue;
    let x = MIN; // the first 4 are known to repeat
    while (x < L && text.charCodeAt(i + x) === text.charCodeAt(i + L + x)) x++;
    if (x === L) return true;
  }
  return false;
}

// Every kind of step: a match, a run of one character, astral pairs, a break.
warmUp(10, () => doubledFragments('哈哈哈哈哈哈哈哈哈，发展经济发展经济a𠀀𠀁𠀂𠀃𠀀𠀁𠀂𠀃\n改革开放改革开放'));
