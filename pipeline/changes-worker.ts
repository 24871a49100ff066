/**
 * Publish's comparison with the previous release, in a thread of its own (see
 * `writeChangesInThread` in 17-publish.ts): it reads both releases' CSV files back and writes the
 * changes table into the staging folder, then sends what CHANGELOG.md and datapackage.json need.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { writeChangesTable } from '../lib/changes-table.js';
import { toPlainError } from '../lib/errors.js';

export interface ChangesTask {
  previousDir: string | null;
  staging: string;
  tables: string[];
  scratchParent: string;
}

const task = workerData as ChangesTask;
try {
  parentPort!.postMessage({ result: await writeChangesTable(task.previousDir, task.staging, task.tables, task.scratchParent) });
} catch (err) {
  parentPort!.postMessage({ error: toPlainError(err) });
}
