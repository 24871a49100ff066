/** Files that may sit beside a source NAME.txt: its sidecar, its repair file, its errata file. */
import { PipelineError } from './errors.js';

export const COMPANION_SUFFIXES = { sidecar: '.meta.json', repair: '.repair.json', errata: '.errata.json' } as const;

export type CompanionKind = keyof typeof COMPANION_SUFFIXES;

export const companionName = (file: string, kind: CompanionKind): string => file.replace(/\.txt$/u, COMPANION_SUFFIXES[kind]);

/** A companion names the text file it describes; it must be the one it sits beside. */
export function checkNamesItsFile(named: string, companion: string, file: string): void {
  if (named !== file) {
    throw new PipelineError({ file: companion, field: 'file' }, `names "${named}" but sits beside "${file}"`, `Set "file" to "${file}".`);
  }
}
