/**
 * Offset map from every UTF-16 unit of the current text back to a raw byte range, and the one
 * way to change text: range edits, applied from the end backwards with overlaps refused
 * (textlint's fix model). Composing edits stage after stage keeps provenance exact.
 *
 * A map is flat (two arrays, one entry per unit) or an edited map: the map before a stage's edits
 * plus those edits, answering for a unit by looking through them. A flat copy of the whole map per
 * editing stage was most of what the stages allocated; now the stages before the paragraphs add a
 * layer each, and one flat map is made from all of them at once when the paragraphs need it (or
 * when anyone reads `rawStart`/`rawEnd`).
 */

export interface OffsetMap {
  /** rawStart[i] is the first raw byte that produced text unit i. */
  rawStart: Int32Array;
  /** rawEnd[i] is one past the last raw byte that produced text unit i. */
  rawEnd: Int32Array;
  /**
   * Neither array ever decreases (decoded text; replacements and deletions keep it so): the
   * bytes of a range are then its first unit's start and its last unit's end, found without
   * walking the range.
   */
  ordered?: boolean;
}

export interface Edit {
  /** Range in the current text, UTF-16 units, end exclusive. */
  start: number;
  end: number;
  /** Replacement text ('' deletes). */
  text: string;
  /** Reason code recorded in the corrections log, e.g. `markdown/emphasis`. */
  reason: string;
}

/**
 * A map as edits made it from the map before them. Edit k (in text order) put its replacement of
 * `size[k]` units at `at[k]` of the new text, in place of units [oldStart[k], oldEnd[k]) of the
 * parent, every replacement unit mapping to the raw range [rs[k], re[k]).
 */
class EditedMap implements OffsetMap {
  private flat: OffsetMap | null = null;
  constructor(
    readonly parent: OffsetMap,
    readonly length: number,
    readonly at: Int32Array,
    readonly size: Int32Array,
    readonly oldEnd: Int32Array,
    readonly rs: Int32Array,
    readonly re: Int32Array,
    readonly ordered: boolean,
  ) {}

  get rawStart(): Int32Array {
    return this.flatten().rawStart;
  }

  get rawEnd(): Int32Array {
    return this.flatten().rawEnd;
  }

  flatten(): OffsetMap {
    if (!this.flat) {
      const rawStart = new Int32Array(this.length);
      const rawEnd = new Int32Array(this.length);
      copyInto(this, 0, this.length, rawStart, rawEnd, 0);
      this.flat = { rawStart, rawEnd, ordered: this.ordered };
    }
    return this.flat;
  }

  /** The map as arrays if made already, else null. */
  get flattened(): OffsetMap | null {
    return this.flat;
  }

  /** The last edit placed at or before unit i of the new text, or -1. */
  editBefore(i: number): number {
    let lo = -1;
    let hi = this.at.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.at[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Units of the new text after edit k (or from the start, k = -1) are parent units this far back. */
  shiftAfter(k: number): number {
    return k < 0 ? 0 : this.at[k]! + this.size[k]! - this.oldEnd[k]!;
  }
}

/** The map's arrays when it has them: flat, or edited and made flat already. */
function arraysOf(map: OffsetMap): OffsetMap | null {
  return map instanceof EditedMap ? map.flattened : map;
}

/** Number of text units the map covers. */
export function mapLength(map: OffsetMap): number {
  return map instanceof EditedMap ? map.length : map.rawStart.length;
}

/** The map with one entry per unit in two arrays (made once for an edited map). */
export function flatten(map: OffsetMap): OffsetMap {
  return map instanceof EditedMap ? map.flatten() : map;
}

/** rawStart (end = false) or rawEnd (end = true) of unit i, which must exist. */
function unitRaw(map: OffsetMap, i: number, end: boolean): number {
  for (;;) {
    const flat = arraysOf(map);
    if (flat) return end ? flat.rawEnd[i]! : flat.rawStart[i]!;
    const m = map as EditedMap;
    const k = m.editBefore(i);
    if (k >= 0 && i < m.at[k]! + m.size[k]!) return end ? m.re[k]! : m.rs[k]!;
    i -= m.shiftAfter(k);
    map = m.parent;
  }
}

/** rawStart of unit i, or `otherwise` past the end (as `map.rawStart[i] ?? otherwise`). */
export function rawStartAt(map: OffsetMap, i: number, otherwise: number): number {
  return i >= 0 && i < mapLength(map) ? unitRaw(map, i, false) : otherwise;
}

/**
 * What a walk over units [start, end) of a map meets, in order: stretches of a flat map's
 * entries, and the units of edits (all of an edit's units share one raw range).
 */
interface UnitVisitor {
  flat(rawStart: Int32Array, rawEnd: Int32Array, start: number, end: number): void;
  edit(rs: number, re: number, units: number): void;
}

/** Walk units [start, end) down a stack of edited maps, to edits and to the flat map beneath. */
function walk(map: OffsetMap, start: number, end: number, visit: UnitVisitor): void {
  const flat = arraysOf(map);
  if (flat) {
    visit.flat(flat.rawStart, flat.rawEnd, start, end);
    return;
  }
  const m = map as EditedMap;
  const count = m.at.length;
  let k = m.editBefore(start);
  for (let pos = start; pos < end; ) {
    if (k >= 0 && pos < m.at[k]! + m.size[k]!) {
      const stop = Math.min(end, m.at[k]! + m.size[k]!);
      visit.edit(m.rs[k]!, m.re[k]!, stop - pos);
      pos = stop;
    } else {
      const stop = Math.min(end, k + 1 < count ? m.at[k + 1]! : m.length);
      const shift = m.shiftAfter(k);
      walk(m.parent, pos - shift, stop - shift, visit);
      pos = stop;
    }
    while (k + 1 < count && m.at[k + 1]! <= pos) k++;
  }
}

/** The smallest rawStart and largest rawEnd of the units walked: one object, so a walk allocates nothing. */
const widest = {
  low: Infinity,
  high: -Infinity,
  flat(rawStart: Int32Array, rawEnd: Int32Array, start: number, end: number): void {
    for (let i = start; i < end; i++) {
      if (rawStart[i]! < this.low) this.low = rawStart[i]!;
      if (rawEnd[i]! > this.high) this.high = rawEnd[i]!;
    }
  },
  edit(rs: number, re: number): void {
    if (rs < this.low) this.low = rs;
    if (re > this.high) this.high = re;
  },
};

/** Writes the entries of the units walked into two arrays, from index `to` on. */
class EntryCopier implements UnitVisitor {
  constructor(private readonly rawStart: Int32Array, private readonly rawEnd: Int32Array, public to: number) {}

  flat(rawStart: Int32Array, rawEnd: Int32Array, start: number, end: number): void {
    if (end - start < 16) {
      for (let i = start; i < end; i++, this.to++) {
        this.rawStart[this.to] = rawStart[i]!;
        this.rawEnd[this.to] = rawEnd[i]!;
      }
    } else {
      this.rawStart.set(rawStart.subarray(start, end), this.to);
      this.rawEnd.set(rawEnd.subarray(start, end), this.to);
      this.to += end - start;
    }
  }

  edit(rs: number, re: number, units: number): void {
    this.rawStart.fill(rs, this.to, this.to + units);
    this.rawEnd.fill(re, this.to, this.to + units);
    this.to += units;
  }
}

/** Write the entries of units [start, end) into the two arrays from index `to` on. */
function copyInto(map: OffsetMap, start: number, end: number, rawStart: Int32Array, rawEnd: Int32Array, to: number): void {
  walk(map, start, end, new EntryCopier(rawStart, rawEnd, to));
}

/** Raw byte range covered by text units [start, end); a zero-width range maps to a point. */
export function rawRange(map: OffsetMap, start: number, end: number, rawLength: number): [number, number] {
  const n = mapLength(map);
  if (end > start) {
    if (map.ordered) return [unitRaw(map, start, false), unitRaw(map, end - 1, true)];
    // Text may have been reordered (documents assembled from parts), so take min/max.
    widest.low = Infinity;
    widest.high = -Infinity;
    walk(map, start, end, widest);
    return [widest.low, widest.high];
  }
  const at = start < n ? unitRaw(map, start, false) : n > 0 ? unitRaw(map, n - 1, true) : rawLength;
  return [at, at];
}

export class OverlappingEditsError extends Error {}

export interface AppliedEdits {
  text: string;
  map: OffsetMap;
  /** The edits that changed something, with the raw range they touched. */
  applied: Array<Edit & { rawStart: number; rawEnd: number; before: string }>;
}

/** Edits in text order: as given when they already are (the common case), else sorted. */
function inOrder(edits: Edit[]): Edit[] {
  for (let i = 1; i < edits.length; i++) {
    const a = edits[i - 1]!;
    const b = edits[i]!;
    if (b.start < a.start || (b.start === a.start && b.end < a.end)) return [...edits].sort((x, y) => x.start - y.start || x.end - y.end);
  }
  return edits;
}

/** Does the edit leave the text as it is? */
function changesNothing(text: string, e: Edit): boolean {
  return e.end - e.start === e.text.length && e.end <= text.length ? text.startsWith(e.text, e.start) : text.slice(e.start, e.end) === e.text;
}

/**
 * Apply non-overlapping edits. Replacement characters map to the whole raw range they replace
 * (a pure insertion maps to the raw point where it stands), so each output unit still points at
 * the raw bytes that explain it.
 */
export function applyEdits(text: string, map: OffsetMap, edits: Edit[], rawLength: number): AppliedEdits {
  const sorted = inOrder(edits);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.start < prev.end) {
      throw new OverlappingEditsError(
        `edits overlap: [${prev.start},${prev.end}) ${prev.reason} and [${cur.start},${cur.end}) ${cur.reason}`,
      );
    }
  }
  const applied: AppliedEdits['applied'] = [];
  const pieces: string[] = [];
  // The edits the map must remember: a one-unit replacement of one unit maps to that unit's
  // own range, so it leaves the map as it was (every width change is one).
  const layer: number[] = [];
  // An insertion maps to a point that can lie before the end of the unit ahead of it.
  let ordered = map.ordered === true;
  let src = 0;
  let dst = 0;
  for (const e of sorted) {
    if (changesNothing(text, e)) continue;
    const [rs, re] = rawRange(map, e.start, e.end, rawLength);
    if (e.start > src) pieces.push(text.slice(src, e.start));
    pieces.push(e.text);
    const before = text.slice(e.start, e.end);
    applied.push({ start: e.start, end: e.end, text: e.text, reason: e.reason, rawStart: rs, rawEnd: re, before });
    dst += e.start - src;
    if (!(e.end - e.start === 1 && e.text.length === 1)) layer.push(dst, e.text.length, e.end, rs, re);
    if (e.end === e.start) ordered = false;
    dst += e.text.length;
    src = e.end;
  }
  if (applied.length === 0) return { text, map, applied };
  pieces.push(text.slice(src));
  const newLength = dst + text.length - src;
  return { text: pieces.join(''), map: layer.length === 0 ? map : editedMap(map, newLength, layer, ordered), applied };
}

/** An edited map from the flat list of (at, size, oldEnd, rs, re) per remembered edit. */
function editedMap(parent: OffsetMap, length: number, layer: number[], ordered: boolean): EditedMap {
  const count = layer.length / 5;
  const column = (c: number) => {
    const out = new Int32Array(count);
    for (let k = 0; k < count; k++) out[k] = layer[k * 5 + c]!;
    return out;
  };
  return new EditedMap(parent, length, column(0), column(1), column(2), column(3), column(4), ordered);
}

/** Concatenate slices of a text (with their maps) in the given order, joined by a separator. */
export function assemble(
  text: string,
  map: OffsetMap,
  slices: Array<[number, number]>,
  separator: string,
): { text: string; map: OffsetMap } {
  // The whole text, as one slice: nothing to copy (maps are never changed in place).
  if (slices.length === 1 && slices[0]![0] === 0 && slices[0]![1] === text.length) return { text, map };
  let total = 0;
  slices.forEach(([s, e], i) => (total += e - s + (i > 0 ? separator.length : 0)));
  const rawStart = new Int32Array(total);
  const rawEnd = new Int32Array(total);
  const pieces: string[] = [];
  let dst = 0;
  // Ordered stays true while the slices ascend and every separator's point is no earlier than the
  // end of the unit before it (units of one replacement share a range, so that can fail).
  let ordered = map.ordered === true;
  let lastEnd = -1; // rawEnd of the last unit written
  let lastStop = 0; // end of the previous slice in the text
  slices.forEach(([s, e], i) => {
    if (s < lastStop) ordered = false;
    lastStop = e;
    if (i > 0) {
      // The separator is not in the raw file: it points at the start of the next slice.
      const point = rawStartAt(map, s, 0);
      pieces.push(separator);
      rawStart.fill(point, dst, dst + separator.length);
      rawEnd.fill(point, dst, dst + separator.length);
      dst += separator.length;
      if (separator.length > 0) {
        if (point < lastEnd) ordered = false;
        lastEnd = point;
      }
    }
    pieces.push(text.slice(s, e));
    copyInto(map, s, e, rawStart, rawEnd, dst);
    dst += e - s;
    if (e > s) lastEnd = rawEnd[dst - 1]!;
  });
  return { text: pieces.join(''), map: ordered ? { rawStart, rawEnd, ordered } : { rawStart, rawEnd } };
}
