/**
 * Release engineering: versions, unchanged rebuilds, changes by stable key, the drop guard, the
 * diff command, and the build lock.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { build } from '../pipeline/runner.js';
import { listSources, readRaw } from '../pipeline/00-sources.js';
import { compileInPlace, WorkerPool } from '../pipeline/worker-pool.js';
import { changeLister, changelog, diffReleases, type RowChange } from '../lib/release-diff.js';
import { tableSpecs } from '../lib/table-schema.js';
import { RAW, rawFolder, runCli, tempDir } from './helpers.js';

const A = '002_340e75cad1499542.txt';
const B = '003_2fcb1c529d413e5a.txt';
const csv = (dir: string, table: string) => parse(readFileSync(join(dir, `${table}.csv`)), { bom: true, columns: true }) as Array<Record<string, string>>;
const sums = (out: string) => readFileSync(join(out, 'latest', 'SHA256SUMS'), 'utf8');

describe('versions and rebuilds', () => {
  test('a second build of the same inputs writes nothing and keeps the same SHA256SUMS', async () => {
    const raw = rawFolder([A]);
    const out = join(tempDir('rel'), 'out');
    const first = await build({ rawDir: raw, outDir: out, releaseDate: '2026.11.21' });
    const second = await build({ rawDir: raw, outDir: out, releaseDate: '2026.11.28' });
    assert.equal(first.unchanged, false);
    assert.equal(second.unchanged, true);
    assert.equal(second.version, first.version);
    assert.match(first.version, /^2026\.11\.21\+[0-9a-f]{16}$/u);
    assert.deepEqual(readdirSync(join(out, 'releases')), [first.version]);
    const dp = JSON.parse(readFileSync(join(out, 'latest', 'datapackage.json'), 'utf8')) as { version: string; 'x-code-version': string };
    assert.equal(dp.version, first.version);
    assert.equal(dp['x-code-version'], '0.1.0');
    assert.equal(csv(join(out, 'latest'), 'changes').length, 0, 'a first release lists no changes');
  });

  test('a change to one source shows up as exactly the rows it changed; keys of other rows stay', async () => {
    const out = join(tempDir('rel'), 'out');
    await build({ rawDir: rawFolder([A, B]), outDir: out, releaseDate: '2026.11.21' });
    const before = realpathSync(join(out, 'latest'));
    // One number in one paragraph of A changes: 退出煤炭过剩产能1.57亿吨 becomes 1.58亿吨.
    const text = readFileSync(join(RAW, A), 'utf8');
    assert.equal(text.split('退出煤炭过剩产能1.57亿吨').length, 2);
    const edited = rawFolder([A, B], { [A]: text.replace('退出煤炭过剩产能1.57亿吨', '退出煤炭过剩产能1.58亿吨') });
    const result = await build({ rawDir: edited, outDir: out, releaseDate: '2026.11.22' });
    const after = realpathSync(join(out, 'latest'));
    assert.notEqual(after, before);
    const changes = csv(after, 'changes');
    const byTable = (t: string) => changes.filter((c) => c['table_name'] === t).map((c) => c['change']).sort();
    // The paragraph (new text, new key) and its mentions.
    assert.deepEqual(byTable('paragraphs'), ['added', 'removed']);
    // The value itself (new value, new key), and the other value of the same sentence, whose quoted sentence changed.
    assert.deepEqual(byTable('indicators'), ['added', 'changed', 'removed']);
    assert.deepEqual(byTable('mentions').filter((c) => c !== 'changed').length > 0, true);
    assert.deepEqual(byTable('documents'), ['changed']); // raw_sha256 of A
    assert.ok(changes.every((c) => c['row_key']!.startsWith('2021-shanxi-government-work-report') || c['table_name'] === 'documents'), 'only rows of the edited document changed');
    const added = changes.find((c) => c['table_name'] === 'indicators' && c['change'] === 'added')!;
    assert.equal((JSON.parse(added['new_values']!) as Record<string, string>)['value'], '1.58');
    const changelogText = readFileSync(join(after, 'CHANGELOG.md'), 'utf8');
    assert.match(changelogText, new RegExp(`^# Release ${result.version.replace('+', '\\+')}\\n\\nChanges since 2026\\.11\\.21\\+`, 'u'));
    assert.match(changelogText, /\| indicators \| 1 \| 1 \| 1 \|/u);
    // Paragraph keys of the untouched document are the same in both releases.
    const keys = (dir: string) => new Set(csv(dir, 'paragraphs').filter((r) => r['doc_id']!.startsWith('2017')).map((r) => r['key']));
    assert.deepEqual(keys(after), keys(before));
    // The diff command prints the same comparison for any two releases.
    const r = runCli(['diff', before, after]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\| indicators \| 1 \| 1 \| 1 \|/u);
    // Split into hundreds of buckets on disk, the comparison finds exactly the same changes.
    const names = tableSpecs().map((t) => t.name).filter((t) => t !== 'changes');
    const run = async (bucketBytes?: number) => {
      const seen: RowChange[] = [];
      const summary = await diffReleases(before, after, names, tempDir('diff'), (c) => seen.push(c), bucketBytes);
      return { seen, summary };
    };
    const whole = await run();
    const split = await run(2_000);
    assert.deepEqual(split, whole);
    assert.equal(whole.seen.length, changes.length);
    // Table by table, in key order within each table.
    const order = whole.seen.map((c) => `${names.indexOf(c.table)}`.padStart(2, '0') + c.rowKey);
    assert.deepEqual(order, [...order].sort());
  });

  test('CHANGELOG.md lists at most a thousand changed rows a table, and says how many there are', () => {
    const lister = changeLister();
    for (let i = 0; i < 1500; i++) lister.add({ table: 'indicators', rowKey: `k${String(i).padStart(4, '0')}`, change: 'added', columns: [], old: null, new: { value: String(i) } });
    lister.add({ table: 'paragraphs', rowKey: 'p', change: 'added', columns: [], old: null, new: {} });
    assert.equal(lister.listed.length, 1000, 'paragraphs are not listed; indicators stop at 1000');
    const text = changelog('v2', 'v1', new Map([['indicators', { added: 1500, removed: 0, changed: 0 }]]), ['indicators'], lister.listed);
    assert.match(text, /\| indicators \| 1500 \| 0 \| 0 \|/u);
    assert.match(text, /The first 1000 of 1500 changes, by key; the changes table has them all\./u);
    assert.equal(text.split('\n- added').length - 1, 1000);
  });

  test('a rebuild that drops more than the set share of indicator rows fails unless allowed', async () => {
    const out = join(tempDir('rel'), 'out');
    await build({ rawDir: rawFolder([A, B]), outDir: out, releaseDate: '2026.11.21' });
    const kept = realpathSync(join(out, 'latest'));
    await assert.rejects(build({ rawDir: rawFolder([A]), outDir: out, releaseDate: '2026.11.22' }), /would drop \d+ of \d+ indicator rows .* more than 10%.*--allow-drop/u);
    assert.equal(realpathSync(join(out, 'latest')), kept);
    const r = runCli(['build', '--raw', rawFolder([A]), '--out', out, '--allow-drop']);
    assert.equal(r.status, 0, r.stderr);
    assert.notEqual(realpathSync(join(out, 'latest')), kept);
  });

  test('a previous release the comparison cannot read fails the build with its file and what to do; nothing is left behind', async () => {
    const out = join(tempDir('rel'), 'out');
    await build({ rawDir: rawFolder([A]), outDir: out, releaseDate: '2026.11.21' });
    const kept = realpathSync(join(out, 'latest'));
    // The comparison runs in a thread of its own: its PipelineError must cross whole.
    const damaged = join(kept, 'warnings.csv');
    writeFileSync(damaged, readFileSync(damaged, 'utf8').replace(/^\uFEFF?key,/u, 'id,'));
    await assert.rejects(
      build({ rawDir: rawFolder([A, B]), outDir: out, releaseDate: '2026.11.22' }),
      (err: Error) => err.name === 'PipelineError' && err.message.startsWith(`${damaged}: has "id" as its first column, not "key". Releases compare by the key`),
    );
    assert.equal(realpathSync(join(out, 'latest')), kept);
    assert.deepEqual(readdirSync(out).filter((f) => /^\.(?:staging|diff)-/u.test(f)), [], 'no staging folder or diff scratch left');
  });
});

describe('build lock', () => {
  test('a second build while one holds the lock fails with a clear message', () => {
    const out = join(tempDir('lock'), 'out');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, '.build.lock'), `${process.pid}\n`); // a live process holds it
    const r = runCli(['build', '--raw', rawFolder([A]), '--out', out]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`another build \\(pid ${process.pid}\\) is writing to .*Wait for it to finish`, 'u'));
  });

  test('a stale lock (its process is gone) is removed and the build goes on', () => {
    const out = join(tempDir('lock'), 'out');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, '.build.lock'), '2147483646\n');
    // What a killed build leaves besides its lock: a half-written staging folder and a diff scratch folder.
    for (const dir of ['.staging-2147483646-0badf00d', '.diff-XyZ123']) {
      mkdirSync(join(out, dir));
      writeFileSync(join(out, dir, 'paragraphs.csv'), 'half');
    }
    const r = runCli(['build', '--raw', rawFolder([A, B]), '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!existsSync(join(out, '.build.lock')), 'the lock is released after the build');
    assert.deepEqual(readdirSync(out).filter((f) => f.startsWith('.staging') || f.startsWith('.diff')), [], 'the leftovers are gone');
  });
});

describe('incremental builds', () => {
  const decodes = (files: string[]) => (stage: string, file: string) => {
    if (stage === 'decode') files.push(file);
  };

  test('nothing changed reuses everything; one changed source is the only one processed; output identical to --no-cache', async () => {
    const out = join(tempDir('cache'), 'out');
    const raw = rawFolder([A, B]);
    const first: string[] = [];
    await build({ rawDir: raw, outDir: out, releaseDate: '2026.11.21', onStage: decodes(first) });
    assert.deepEqual(first.sort(), [A, B]);
    const again: string[] = [];
    const r2 = await build({ rawDir: raw, outDir: out, releaseDate: '2026.11.21', onStage: decodes(again) });
    assert.deepEqual(again, []);
    assert.equal(r2.reused, 2);
    // Change B only.
    writeFileSync(join(raw, B), readFileSync(join(raw, B), 'utf8').replace('4.5% 左右', '4.6% 左右'));
    const third: string[] = [];
    await build({ rawDir: raw, outDir: out, releaseDate: '2026.11.21', onStage: decodes(third) });
    assert.deepEqual(third, [B]);
    // The same inputs without the cache give the same bytes.
    const fresh = join(tempDir('cache'), 'out');
    await build({ rawDir: raw, outDir: fresh, releaseDate: '2026.11.21', cache: false });
    for (const f of readdirSync(join(fresh, 'latest'), { recursive: true }).map(String).filter((x) => x.includes('.') && x !== 'CHANGELOG.md' && !x.startsWith('changes') && x !== 'datapackage.json' && x !== 'SHA256SUMS')) {
      assert.ok(readFileSync(join(fresh, 'latest', f)).equals(readFileSync(join(out, 'latest', f))), `${f} differs between cached and uncached builds`);
    }
  });

  test('a damaged cache entry is detected, discarded and rebuilt', async () => {
    const out = join(tempDir('cache'), 'out');
    const raw = rawFolder([A]);
    await build({ rawDir: raw, outDir: out, releaseDate: '2026.11.21' });
    const dir = join(out, '.cache');
    const entry = readdirSync(dir).find((f) => f.endsWith('.json'))!;
    const text = readFileSync(join(dir, entry), 'utf8');
    writeFileSync(join(dir, entry), text.slice(0, Math.floor(text.length / 2))); // truncated
    const seen: string[] = [];
    const r = await build({ rawDir: raw, outDir: out, releaseDate: '2026.11.21', onStage: decodes(seen) });
    assert.deepEqual(seen, [A]);
    assert.ok(r.messages.some((m) => m.rule === 'cache/corrupt'));
    assert.equal(r.unchanged, true, 'the rebuilt data equals the release');
    // An entry whose payload was altered but still parses is caught by its checksum.
    const parsed = JSON.parse(readFileSync(join(dir, entry), 'utf8')) as { sha256: string; payload: string };
    const altered = parsed.payload.replace(/"rawSha256":"([0-9a-f])/u, (_, c: string) => `"rawSha256":"${c === '0' ? '1' : '0'}`);
    assert.notEqual(altered, parsed.payload);
    writeFileSync(join(dir, entry), JSON.stringify({ ...parsed, payload: altered }));
    const r2 = await build({ rawDir: raw, outDir: out, releaseDate: '2026.11.21' });
    assert.ok(r2.messages.some((m) => m.rule === 'cache/corrupt'));
    assert.equal(r2.unchanged, true);
  });
});

describe('worker threads', () => {
  test('two worker threads give byte-identical output to the in-process build', async () => {
    const raw = rawFolder([A, B, '000_935736143d89c070.txt']);
    const a = join(tempDir('wk'), 'out');
    const b = join(tempDir('wk'), 'out');
    await build({ rawDir: raw, outDir: a, releaseDate: '2026.11.21', cache: false });
    await build({ rawDir: raw, outDir: b, releaseDate: '2026.11.21', cache: false, workers: 2 });
    assert.equal(sums(a), sums(b));
  });

  test('a value CSV cannot hold fails a worker build as it fails in-process, numbering the row in its table', async () => {
    // Workers pack documents for publish; one that cannot be packed goes unpacked, and publish
    // reports it as it always did, counting the rows of the documents before it.
    const raw = rawFolder(['000_935736143d89c070.txt'], { 'zz-2020.txt': '山西省2020年政府工作报告\n\n今年经济增长6%。\n\nNA\n\n明年继续努力。\n' });
    const message = /table paragraphs, row \d+, column text: the value "NA" would read as missing in pandas/u;
    const errors: string[] = [];
    for (const workers of [0, 1]) {
      await assert.rejects(build({ rawDir: raw, outDir: join(tempDir('wk'), 'out'), releaseDate: '2026.11.21', cache: false, workers }), (e: Error) => {
        assert.match(e.message, message);
        errors.push(e.message);
        return true;
      });
    }
    assert.equal(errors[0], errors[1]);
    assert.doesNotMatch(errors[0]!, /row 1,/u);
  });

  test('the cache a worker thread writes serves a build in this thread, with the same release', async () => {
    const raw = rawFolder([A, B]);
    const out = join(tempDir('wk'), 'out');
    const fresh = join(tempDir('wk'), 'out');
    await build({ rawDir: raw, outDir: out, releaseDate: '2026.11.21', workers: 1 });
    const again = await build({ rawDir: raw, outDir: out, releaseDate: '2026.11.21' });
    assert.equal(again.reused, 2);
    await build({ rawDir: raw, outDir: fresh, releaseDate: '2026.11.21', cache: false });
    assert.equal(sums(out), sums(fresh));
  });

  test('a source too large for a worker thread fails with its name and what to do; the pool goes on', async () => {
    // 100 copies of a report: 7 MB of text, more than a 48 MB worker heap holds (one copy fits).
    const big = readFileSync(join(RAW, B), 'utf8').repeat(100);
    const raw = rawFolder([], { 'huge-2017.txt': big, 'small-2017.txt': readFileSync(join(RAW, B)) });
    const [huge, small] = listSources(raw);
    const pool = new WorkerPool(1, 48);
    try {
      await assert.rejects(pool.run(huge!, readRaw(huge!)), /huge-2017\.txt: needs more memory than a worker thread has \(48 MB of heap\)\. Build with --workers 0/u);
      // The dead worker was replaced: the next source is processed.
      const docs = await pool.run(small!, readRaw(small!));
      assert.equal(docs.length, 1);
    } finally {
      await pool.close();
    }
  });

  test('optimized code is compiled in place only when the threads running JavaScript outnumber the cores', () => {
    assert.equal(compileInPlace(2, 2), true);
    assert.equal(compileInPlace(1, 2), false);
    assert.equal(compileInPlace(1, 1), true);
    assert.equal(compileInPlace(4, 8), false);
    assert.equal(compileInPlace(8, 8), true);
  });

  test('a pool closing is one promise: the runner starts it, build awaits the same', async () => {
    const pool = new WorkerPool(2);
    const first = pool.close();
    assert.equal(pool.close(), first);
    await first;
  });

  test('a file system error in a worker thread arrives with its code and the worker\'s stack', async () => {
    const raw = rawFolder([], { 'gone-2017.txt': readFileSync(join(RAW, B)) });
    const [gone] = listSources(raw);
    rmSync(gone!.path);
    const pool = new WorkerPool(1);
    try {
      // The worker reads the raw bytes itself (read: null), so the ENOENT is thrown there.
      await assert.rejects(pool.runCached(gone!, null, { pack: true }), (e: NodeJS.ErrnoException) => {
        assert.equal(e.code, 'ENOENT');
        assert.match(e.message, /gone-2017\.txt/u);
        assert.match(e.stack ?? '', /00-sources\.js/u);
        return true;
      });
    } finally {
      await pool.close();
    }
  });
});

describe('shards', () => {
  test('N shards merged give the same release as one machine; an incomplete set is refused', async () => {
    const raw = rawFolder([A, B, '000_935736143d89c070.txt', '004_0847de0676df852f.txt']);
    const base = tempDir('shard');
    const env = { SOURCE_DATE_EPOCH: '1763683200' };
    const shards = [1, 2, 3].map((i) => {
      const dir = join(base, `s${i}`);
      const r = runCli(['build', '--raw', raw, '--out', dir, '--shard', `${i}/3`], env);
      assert.equal(r.status, 0, r.stderr);
      return dir;
    });
    const files = shards.flatMap((d) => (JSON.parse(readFileSync(join(d, 'shard.json'), 'utf8')) as { files: string[] }).files).sort();
    assert.deepEqual(files, [A, B, '000_935736143d89c070.txt', '004_0847de0676df852f.txt'].sort(), 'every source in exactly one shard');
    const merged = join(base, 'merged');
    assert.equal(runCli(['merge', ...shards, '--out', merged], env).status, 0);
    const single = join(base, 'single');
    assert.equal(runCli(['build', '--raw', raw, '--out', single], env).status, 0);
    assert.equal(sums(merged), sums(single));
    const partial = runCli(['merge', shards[0]!, shards[2]!, '--out', join(base, 'partial')], env);
    assert.equal(partial.status, 1);
    assert.match(partial.stderr, /do not form one complete set of shards \(got 1, 3 of 3\)/u);
    // A docs.jsonl that lost documents (a rerun killed halfway, a copy cut short) is refused.
    const withFiles = shards.find((d) => (JSON.parse(readFileSync(join(d, 'shard.json'), 'utf8')) as { files: string[] }).files.length >= 2)!;
    const docs = readFileSync(join(withFiles, 'docs.jsonl'), 'utf8').split('\n').filter(Boolean);
    writeFileSync(join(withFiles, 'docs.jsonl'), docs.slice(0, 1).join('\n') + '\n');
    const cut = runCli(['merge', ...shards, '--out', join(base, 'cut')], env);
    assert.equal(cut.status, 1);
    assert.match(cut.stderr, /docs\.jsonl: holds the documents of 1 files, but shard\.json lists \d+/u);
    assert.ok(!existsSync(join(base, 'cut', 'latest')), 'nothing published');
    // A shard made by other code (its fingerprint differs) is refused.
    const manifest = JSON.parse(readFileSync(join(shards[1]!, 'shard.json'), 'utf8')) as { code: string };
    writeFileSync(join(shards[1]!, 'shard.json'), JSON.stringify({ ...manifest, code: '0'.repeat(64) }));
    const other = runCli(['merge', ...shards, '--out', join(base, 'other')], env);
    assert.equal(other.status, 1);
    assert.match(other.stderr, /were made by a different version of the code than this merge/u);
  });
});
