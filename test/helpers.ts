/** Shared test helpers: fresh builds in temp folders, the CLI as a child process, readers. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { companionName, type CompanionKind } from '../lib/companions.js';
import { projectRoot } from '../lib/paths.js';
import { newDoc, type Doc, type Stage } from '../lib/document.js';
import { sha256Hex } from '../lib/hash.js';
import { build, runStages, STAGES, type BuildOptions, type BuildResult } from '../pipeline/runner.js';

export const RAW = join(projectRoot, 'raw');
export const SEEDS = readdirSync(RAW).filter((f) => f.endsWith('.txt')).sort();
export const CLI = join(projectRoot, 'dist', 'pipeline', 'cli.js');
/** Debian's python3 with python3-pandas (installed by .ci/run), not a pyenv python. */
export const PYTHON = process.env['PANDAS_PYTHON'] ?? '/usr/bin/python3';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `cgi-${prefix}-`));
}

/** Build the release of `rawDir` into a new temp out folder. */
export async function freshBuild(rawDir = RAW, extra: Partial<BuildOptions> = {}): Promise<BuildResult & { outDir: string }> {
  const outDir = join(tempDir('out'), 'out');
  const result = await build({ rawDir, outDir, ...extra });
  return { ...result, outDir };
}

/**
 * A raw folder holding copies of some seeds with their companions (sidecar, repair and errata
 * files, as raw/ has them; `companions` narrows that) plus extra files.
 */
export function rawFolder(seeds: string[], extra: Record<string, string | Uint8Array> = {}, companions: CompanionKind[] = ['sidecar', 'repair', 'errata']): string {
  const dir = join(tempDir('raw'), 'raw');
  mkdirSync(dir, { recursive: true });
  for (const s of seeds) {
    for (const name of [s, ...companions.map((k) => companionName(s, k))]) {
      if (existsSync(join(RAW, name))) cpSync(join(RAW, name), join(dir, name));
    }
  }
  for (const [name, content] of Object.entries(extra)) writeFileSync(join(dir, name), content);
  return dir;
}

export function runCli(args: string[], env: Record<string, string> = {}): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export async function duckdb(): Promise<{ all: (sql: string) => Promise<Array<Record<string, unknown>>>; close: () => void }> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  return {
    all: async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>,
    close: () => {
      c.closeSync();
      db.closeSync();
    },
  };
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

export { sha256Hex };

/** Every text unit of the document maps to raw bytes that decode (in its encoding) to that same character. */
export function assertProvenance(doc: Doc): void {
  const dec = new TextDecoder(doc.encoding);
  let i = 0;
  for (const ch of doc.text) {
    assert.equal(dec.decode(doc.raw.subarray(doc.map.rawStart[i]!, doc.map.rawEnd[i]!)), ch, `unit ${i} of ${JSON.stringify(doc.text.slice(0, 80))}`);
    i += ch.length;
  }
}

/** A text (or bytes) through the stages as the source `file`, with no sidecar or data files. */
export function runText(text: string | Uint8Array, file = 'case.txt', stages: readonly Stage[] = STAGES, onStage?: (stage: string) => void): Doc[] {
  const raw = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return runStages(newDoc(file, raw, sha256Hex(raw)), { file, sidecar: null, repair: null, errata: null }, stages, onStage);
}
