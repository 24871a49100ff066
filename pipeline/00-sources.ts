/**
 * Stage 0, sources: find the raw files and their sidecars and make the initial document of each.
 * Reading is the only input side effect in the pipeline; nothing here writes.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { newDoc, type Doc } from '../lib/document.js';
import { COMPANION_SUFFIXES, checkNamesItsFile, companionName, type CompanionKind } from '../lib/companions.js';
import { PipelineError } from '../lib/errors.js';
import { sha256Hex } from '../lib/hash.js';
import { parseJsonData } from '../lib/json-data.js';
import { parseSidecar, type Sidecar } from '../lib/sidecar.js';
import type { ErrataFile, RepairFile } from '../lib/document.js';

export interface Source {
  file: string;
  path: string;
  sidecarName: string;
  sidecar: Sidecar | null;
  repair: RepairFile | null;
  errata: ErrataFile | null;
}

/** The raw folder's text files (name order) with their sidecars; a sidecar alone is an error. */
export function listSources(rawDir: string): Source[] {
  if (!existsSync(rawDir) || !statSync(rawDir).isDirectory()) {
    throw new PipelineError({ file: rawDir }, 'is not a folder', 'Pass the folder that holds the .txt sources with --raw.');
  }
  const names = readdirSync(rawDir).sort();
  // The folder's names, listed once: asking the file system whether each companion exists took
  // three calls per source.
  const present = new Set(names);
  const texts = names.filter((n) => n.endsWith('.txt'));
  const textSet = new Set(texts);
  for (const n of names) {
    const suffix = Object.values(COMPANION_SUFFIXES).find((c) => n.endsWith(c));
    if (!suffix) continue;
    const text = n.slice(0, -suffix.length) + '.txt';
    if (!textSet.has(text)) {
      throw new PipelineError({ file: n }, `is a sidecar with no text file (${text} is missing)`, `Add ${text} or remove the sidecar.`);
    }
  }
  if (texts.length === 0) {
    throw new PipelineError({ file: rawDir }, 'holds no .txt sources', 'Put the source texts (NAME.txt, with NAME.meta.json beside each) in the folder.');
  }
  return texts.map((file) => {
    const sidecarName = companionName(file, 'sidecar');
    const sidecarPath = join(rawDir, sidecarName);
    const sidecar = present.has(sidecarName) ? parseSidecar(readCompanion(sidecarPath, sidecarName), sidecarName, file) : null;
    const companion = <T extends { file: string }>(kind: CompanionKind, schema: string): T | null => {
      const name = companionName(file, kind);
      if (!present.has(name)) return null;
      const data = parseJsonData<T>(readCompanion(join(rawDir, name), name), name, schema);
      checkNamesItsFile(data.file, name, file);
      return data;
    };
    return {
      file, path: join(rawDir, file), sidecarName, sidecar,
      repair: companion<RepairFile>('repair', 'repair.schema.json'),
      errata: companion<ErrataFile>('errata', 'errata.schema.json'),
    };
  });
}

/**
 * A companion the folder lists, as text. Listed but unreadable (a link that points nowhere, a
 * folder with a companion's name) fails naming it, rather than with the file system's words or,
 * as when companions were looked up one by one, by building the source without it.
 */
function readCompanion(path: string, name: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new PipelineError({ file: name }, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'Put the file itself in the raw folder, or remove the name.');
  }
}

/** The raw bytes of a source with their SHA-256, read once: the cache key and the document share them. */
export interface RawSource {
  raw: Uint8Array;
  sha256: string;
}

export function readRaw(source: Pick<Source, 'path'>): RawSource {
  const raw = new Uint8Array(readFileSync(source.path));
  return { raw, sha256: sha256Hex(raw) };
}

export function readSource(source: Source, read: RawSource = readRaw(source)): Doc {
  return newDoc(source.file, read.raw, read.sha256);
}
