/** The scheduled release workflow is valid, and the script it calls really builds reproducibly. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { projectRoot } from '../lib/paths.js';
import { rawFolder, tempDir } from './helpers.js';

const WORKFLOW = join(projectRoot, '.github', 'workflows', 'release.yml');

describe('release workflow', () => {
  test('validates with action-validator', () => {
    const r = spawnSync(process.execPath, [join(projectRoot, 'node_modules', '@action-validator', 'cli', 'cli.mjs'), WORKFLOW], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  test('runs weekly off the hour, by hand and on pushes to main, in a concurrency group, with npm caching on the lock file', () => {
    const y = readFileSync(WORKFLOW, 'utf8');
    const cron = /cron: "(\d+) (\d+) \* \* \d"/u.exec(y);
    assert.ok(cron && Number(cron[1]) !== 0, 'a cron minute off the hour');
    for (const needle of ['workflow_dispatch:', 'branches: [main]', 'concurrency:', 'cache: npm', 'cache-dependency-path: package-lock.json', 'SOURCE_DATE_EPOCH', 'npm ci && npm test', 'npm ci && npm run build', 'scripts/reproducible-build.sh']) {
      assert.ok(y.includes(needle), needle);
    }
  });

  test('scripts/reproducible-build.sh builds twice, finds the same SHA256SUMS and prints the version', () => {
    const out = join(tempDir('wf'), 'out');
    const r = spawnSync('bash', [join(projectRoot, 'scripts', 'reproducible-build.sh'), rawFolder(['002_340e75cad1499542.txt']), out], {
      encoding: 'utf8', env: { ...process.env, SOURCE_DATE_EPOCH: '1763683200' },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout.trim(), /^2025\.11\.21\+[0-9a-f]{16}$/u);
  });
});
