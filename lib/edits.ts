/**
 * The one way a stage changes text: apply its range edits, carry the offset map along, and log
 * what changed in the corrections, edit by edit or merged per line.
 */
import type { Doc, Stage } from './document.js';
import { withStage } from './document.js';
import { correctionsByLine, correctionsFrom } from './messages.js';
import { applyEdits, type AppliedEdits, type Edit } from './offset-map.js';

export interface EditOptions {
  /** `each`: one correction per edit; `by-line`: edits of one reason on one line merged. */
  log?: 'each' | 'by-line';
  /** Which applied edits to log (all by default). */
  logged?: (applied: AppliedEdits['applied'][number]) => boolean;
  /** Other fields the stage changes at the same time (metadata, messages, data). */
  changes?: Partial<Doc>;
}

export function withEdits(doc: Doc, stage: Stage, edits: Edit[], options: EditOptions = {}): Doc {
  const result = applyEdits(doc.text, doc.map, edits, doc.raw.length);
  const applied = options.logged ? result.applied.filter(options.logged) : result.applied;
  const corrections = options.log === 'by-line' ? correctionsByLine(stage.name, doc.text, applied) : correctionsFrom(stage.name, applied);
  return withStage(doc, stage, { ...options.changes, text: result.text, map: result.map, corrections: corrections.length > 0 ? doc.corrections.concat(corrections) : doc.corrections });
}
