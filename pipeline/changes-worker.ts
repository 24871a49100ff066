/**
 * Publish's comparison with the previous release, in a thread of its own (see
 * `writeChangesInThread` in 17-publish.ts): it reads both releases' CSV files back and writes the
 * changes table into the staging folder, then sends what CHANGELOG.md and datapackage.json need.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { writeChangesTable, type ChangesTask } from '../lib/changes-table.js';
import { toPlainError } from '../lib/errors.js';

try {
  parentPort!.postMessage({ result: await writeChangesTable(workerData as ChangesTask) });
} catch (err) {
  parentPort!.postMessage({ error: toPlainError(err) });
}
