/**
 * Offset map from every UTF-16 unit of the current text back to a raw byte range, and the one
 * way to change text: range edits, applied from the end backwards with overlaps refused
 * (textlint's fix model). Composing edits stage after stage keeps provenance exact.
 */

export interface OffsetMap {
  /** rawStart[i] is the first raw byte that produced text unit i. */
  rawStart: Int32Array;
  /** rawEnd[i] is one past the last raw byte that produced text unit i. */
  rawEnd: Int32Array;
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

/** Raw byte range covered by text units [start, end); a zero-width range maps to a point. */
export function rawRange(map: OffsetMap, start: number, end: number, rawLength: number): [number, number] {
  const n = map.rawStart.length;
  if (end > start) {
    let lo = Infinity;
    let hi = -Infinity;
    // Text may have been reordered (documents assembled from parts), so take min/max.
    for (let i = start; i < end; i++) {
      lo = Math.min(lo, map.rawStart[i]!);
      hi = Math.max(hi, map.rawEnd[i]!);
    }
    return [lo, hi];
  }
  const at = start < n ? map.rawStart[start]! : n > 0 ? map.rawEnd[n - 1]! : rawLength;
  return [at, at];
}

export class OverlappingEditsError extends Error {}

export interface AppliedEdits {
  text: string;
  map: OffsetMap;
  /** The edits that changed something, with the raw range they touched. */
  applied: Array<Edit & { rawStart: number; rawEnd: number; before: string }>;
}

/**
 * Apply non-overlapping edits. Replacement characters map to the whole raw range they replace
 * (a pure insertion maps to the raw point where it stands), so each output unit still points at
 * the raw bytes that explain it.
 */
export function applyEdits(text: string, map: OffsetMap, edits: Edit[], rawLength: number): AppliedEdits {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.start < prev.end) {
      throw new OverlappingEditsError(
        `edits overlap: [${prev.start},${prev.end}) ${prev.reason} and [${cur.start},${cur.end}) ${cur.reason}`,
      );
    }
  }
  const live = sorted.filter((e) => text.slice(e.start, e.end) !== e.text);
  if (live.length === 0) return { text, map, applied: [] };

  let newLength = text.length;
  for (const e of live) newLength += e.text.length - (e.end - e.start);
  const rawStart = new Int32Array(newLength);
  const rawEnd = new Int32Array(newLength);
  const pieces: string[] = [];
  const applied: AppliedEdits['applied'] = [];
  let src = 0;
  let dst = 0;
  const copy = (from: number, to: number) => {
    pieces.push(text.slice(from, to));
    rawStart.set(map.rawStart.subarray(from, to), dst);
    rawEnd.set(map.rawEnd.subarray(from, to), dst);
    dst += to - from;
  };
  for (const e of live) {
    copy(src, e.start);
    const [rs, re] = rawRange(map, e.start, e.end, rawLength);
    pieces.push(e.text);
    rawStart.fill(rs, dst, dst + e.text.length);
    rawEnd.fill(re, dst, dst + e.text.length);
    dst += e.text.length;
    applied.push({ ...e, rawStart: rs, rawEnd: re, before: text.slice(e.start, e.end) });
    src = e.end;
  }
  copy(src, text.length);
  return { text: pieces.join(''), map: { rawStart, rawEnd }, applied };
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
  slices.forEach(([s, e], i) => {
    if (i > 0) {
      // The separator is not in the raw file: it points at the start of the next slice.
      pieces.push(separator);
      rawStart.fill(map.rawStart[s] ?? 0, dst, dst + separator.length);
      rawEnd.fill(map.rawStart[s] ?? 0, dst, dst + separator.length);
      dst += separator.length;
    }
    pieces.push(text.slice(s, e));
    rawStart.set(map.rawStart.subarray(s, e), dst);
    rawEnd.set(map.rawEnd.subarray(s, e), dst);
    dst += e - s;
  });
  return { text: pieces.join(''), map: { rawStart, rawEnd } };
}
