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
