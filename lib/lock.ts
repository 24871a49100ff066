/**
 * One build at a time per output folder: OUT/.build.lock holds the owner's pid. A second build
 * fails with a clear message; a lock whose process is gone (a killed build) is stale and removed.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PipelineError } from './errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireLock(outDir: string): { release: () => void; staleRemoved: number | null } {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, '.build.lock');
  let staleRemoved: number | null = null;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      return {
        staleRemoved,
        release: () => {
          try {
            if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path, { force: true });
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let text = '';
      try {
        text = readFileSync(path, 'utf8').trim();
      } catch {
        continue; // removed in between: try again
      }
      const owner = Number(text);
      // An empty lock is one being written this instant: it is held, not stale.
      if (text === '' || (Number.isInteger(owner) && owner > 0 && alive(owner))) {
        throw new PipelineError(
          { file: path },
          `another build (pid ${text === '' ? 'starting' : owner}) is writing to ${outDir}`,
          'Wait for it to finish and build again; if no build is running, delete the lock file.',
        );
      }
      staleRemoved = Number.isInteger(owner) ? owner : -1;
      rmSync(path, { force: true });
    }
  }
  throw new PipelineError({ file: path }, 'could not be created', 'Check that the output folder is writable.');
}
