/** Build messages and corrections with their raw position filled in. */
import type { Correction, Doc, Message, Severity, StageContext } from './document.js';
import type { AppliedEdits } from './offset-map.js';

export function message(
  doc: Doc,
  ctx: StageContext,
  m: { severity: Severity; stage: string; rule: string; reason: string; rawStart: number; rawEnd: number; found?: string; expected?: string },
): Message {
  const { line, column } = ctx.lines.position(m.rawStart);
  return { ...m, file: doc.file, docId: doc.meta?.id ?? null, line, column };
}

/** Every applied edit becomes one row of the corrections log. */
export function correctionsFrom(stage: string, applied: AppliedEdits['applied']): Correction[] {
  return applied.map((e) => ({ stage, reason: e.reason, rawStart: e.rawStart, rawEnd: e.rawEnd, before: e.before, after: e.text }));
}

/**
 * Edits of one reason that fall on the same line become one correction (the line's stretch
 * before and after), so removing the spaces of a word-segmented line is one row, not fifty.
 */
export function correctionsByLine(stage: string, original: string, applied: AppliedEdits['applied']): Correction[] {
  const out: Correction[] = [];
  let group: AppliedEdits['applied'] = [];
  const flush = () => {
    if (group.length === 0) return;
    const first = group[0]!;
    const last = group[group.length - 1]!;
    let after = '';
    let at = first.start;
    // The raw bounds in the same walk: no array of them to spread per group.
    let rawStart = first.rawStart;
    let rawEnd = first.rawEnd;
    for (const e of group) {
      after += original.slice(at, e.start) + e.text;
      at = e.end;
      if (e.rawStart < rawStart) rawStart = e.rawStart;
      if (e.rawEnd > rawEnd) rawEnd = e.rawEnd;
    }
    out.push({ stage, reason: first.reason, rawStart, rawEnd, before: original.slice(first.start, last.end), after });
    group = [];
  };
  // The first line feed at or after the previous edit's end, found once per line rather than by
  // slicing the stretch between every two edits (applied edits come in text order; found again
  // should one not).
  let newline = -1;
  let searchedFrom = 0;
  for (const e of applied) {
    const prev = group[group.length - 1];
    if (prev) {
      if (newline < prev.end || prev.end < searchedFrom) {
        searchedFrom = prev.end;
        newline = original.indexOf('\n', prev.end);
        if (newline < 0) newline = original.length;
      }
      if (prev.reason !== e.reason || newline < e.start || group.length >= 500) flush();
    }
    group.push(e);
  }
  flush();
  return out;
}
