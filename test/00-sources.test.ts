/**
 * Bad input fails the whole build with a message naming the file, the position or field and what
 * to do, exits non-zero, and leaves the previous release exactly as it was.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { build } from '../pipeline/runner.js';
import type { CompanionKind } from '../lib/companions.js';
import { RAW, duckdb, rawFolder, runCli, tempDir } from './helpers.js';

const GOOD = '002_340e75cad1499542.txt';
const sidecarOf = (f: string) => JSON.parse(readFileSync(join(RAW, f.replace('.txt', '.meta.json')), 'utf8')) as Record<string, unknown> & { documents: Array<Record<string, unknown>> };

/** Snapshot of a release folder: file name -> bytes, plus where latest points. */
function snapshot(outDir: string): { link: string; files: Map<string, Buffer> } {
  const latest = realpathSync(join(outDir, 'latest'));
  const files = readdirSync(latest, { recursive: true }).map(String).filter((f) => f.includes('.')).sort();
  return { link: readlinkSync(join(outDir, 'latest')), files: new Map(files.map((f) => [f, readFileSync(join(latest, f))])) };
}

function assertUnchanged(outDir: string, before: ReturnType<typeof snapshot>): void {
  const now = snapshot(outDir);
  assert.equal(now.link, before.link, 'out/latest was switched');
  assert.deepEqual([...now.files.keys()], [...before.files.keys()]);
  for (const [f, bytes] of before.files) assert.ok(bytes.equals(now.files.get(f)!), `${f} changed`);
  assert.deepEqual(readdirSync(outDir).filter((f) => f.startsWith('.staging') || f.startsWith('.latest') || f === '.build.lock'), [], 'staging, link or lock left behind');
}

let outDir = '';
let good: ReturnType<typeof snapshot>;

before(() => {
  outDir = join(tempDir('bad'), 'out');
  const r = runCli(['build', '--raw', rawFolder([GOOD]), '--out', outDir]);
  assert.equal(r.status, 0, r.stderr);
  good = snapshot(outDir);
});

function failsWith(extra: Record<string, string | Uint8Array>, pattern: RegExp, seeds: string[] = [GOOD], companions?: CompanionKind[]): void {
  const r = runCli(['build', '--raw', rawFolder(seeds, extra, companions), '--out', outDir]);
  assert.equal(r.status, 1, `expected exit 1, got ${r.status}: ${r.stdout}${r.stderr}`);
  assert.match(r.stderr, pattern);
  assert.match(r.stderr, /The previous release, if any, is unchanged\./u);
  assertUnchanged(outDir, good);
}

describe('bad input fails the build and keeps the previous release', () => {
  test('a file that is neither UTF-8 nor GB18030: file and byte offset', () => {
    failsWith({ 'latin1.txt': Buffer.from('436166e92c206e61ef7665', 'hex') }, /error: latin1\.txt: line 1, column 4: byte 3: is not valid UTF-8/u);
  });

  test('an empty file', () => {
    failsWith({ 'empty.txt': '' }, /error: empty\.txt: is empty/u);
  });

  test('a binary file', () => {
    failsWith({ 'photo.txt': Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex') }, /error: photo\.txt: .*(looks like a binary file|is not valid UTF-8)/u);
  });

  test('a sidecar that is not valid JSON: sidecar named with line and column', () => {
    failsWith({ 'x.txt': '山西省政府工作报告\n', 'x.meta.json': '{\n  "file": "x.txt",\n  "origin": {,\n}' }, /error: x\.meta\.json: line 3, column 14: is not valid JSON/u);
  });

  test('a sidecar that breaks the schema: the field is named', () => {
    const s = sidecarOf(GOOD);
    s.documents[0]!['date'] = '2021-13-40';
    failsWith({ [GOOD.replace('.txt', '.meta.json')]: JSON.stringify(s) }, /error: 002_340e75cad1499542\.meta\.json: field documents\.0\.date: breaks schemas\/source\.schema\.json: documents\.0\.date must match format "date"/u);
    const t = sidecarOf(GOOD);
    delete t.documents[0]!['region'];
    failsWith({ [GOOD.replace('.txt', '.meta.json')]: JSON.stringify(t) }, /field documents\.0: .*missing required property "region"/u);
  });

  test('a sidecar with no text file', () => {
    failsWith({ 'orphan.meta.json': '{}' }, /error: orphan\.meta\.json: is a sidecar with no text file \(orphan\.txt is missing\)/u);
  });

  test('two files that claim the same document id: both files and the field', () => {
    const s = sidecarOf(GOOD);
    s['file'] = 'copy.txt';
    failsWith(
      { 'copy.txt': readFileSync(join(RAW, GOOD)), 'copy.meta.json': JSON.stringify(s) },
      /error: copy\.txt: field documents\.id: claims the document id "2021-shanxi-government-work-report", which 002_340e75cad1499542\.txt already claims/u,
    );
  });

  test('one sidecar that gives two of its documents the same id', () => {
    const s = sidecarOf('004_0847de0676df852f.txt');
    s.documents[1]!['id'] = s.documents[0]!['id'];
    failsWith(
      { '004_0847de0676df852f.meta.json': JSON.stringify(s) },
      new RegExp(`error: 004_0847de0676df852f\\.txt: field documents\\.id: declares the document id "${String(s.documents[0]!['id'])}" twice`, 'u'),
      ['004_0847de0676df852f.txt'],
      // Without its errata, which would fail first on the second document's text.
      ['sidecar'],
    );
  });

  test('a part quote that is not in the text: the sidecar field is named', () => {
    const s = sidecarOf('004_0847de0676df852f.txt');
    s.documents[1]!['parts'] = [{ from: '这句话不在原文里', to: '三晋可期。' }];
    failsWith(
      { '004_0847de0676df852f.meta.json': JSON.stringify(s) },
      /error: 004_0847de0676df852f\.meta\.json: field documents\.1\.parts\.0\.from: quotes text that is not in 004_0847de0676df852f\.txt/u,
      ['004_0847de0676df852f.txt'],
    );
  });

  test('a sidecar or errata file that is a link to nothing, or a folder: named, not skipped', () => {
    for (const kind of ['meta', 'errata']) {
      const raw = rawFolder([GOOD]);
      const name = GOOD.replace('.txt', `.${kind}.json`);
      rmSync(join(raw, name), { force: true });
      symlinkSync(join(raw, 'nowhere.json'), join(raw, name));
      const r = runCli(['build', '--raw', raw, '--out', outDir]);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`error: ${name.replaceAll('.', '\\.')}: cannot be read \\(ENOENT\\)`, 'u'));
      assertUnchanged(outDir, good);
    }
    const raw = rawFolder([GOOD]);
    const name = GOOD.replace('.txt', '.meta.json');
    rmSync(join(raw, name));
    mkdirSync(join(raw, name));
    const r = runCli(['build', '--raw', raw, '--out', outDir]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /cannot be read \(EISDIR\)/u);
    assertUnchanged(outDir, good);
  });

  test('a sidecar whose file field names another file', () => {
    const s = sidecarOf(GOOD);
    s['file'] = 'other.txt';
    failsWith({ [GOOD.replace('.txt', '.meta.json')]: JSON.stringify(s) }, /field file: names "other\.txt" but sits beside "002_340e75cad1499542\.txt"/u);
  });
});

describe('a crash anywhere leaves the previous release intact', () => {
  const raw = rawFolder([GOOD, '000_935736143d89c070.txt']);
  for (const step of ['documents-in', 'csv:documents', 'parquet:paragraphs', 'staged', 'release-in-place']) {
    test(`thrown in publish after "${step}"`, async () => {
      await assert.rejects(
        build({ rawDir: raw, outDir, onPublishStep: (s) => { if (s === step) throw new Error('simulated crash'); } }),
        /simulated crash/u,
      );
      assertUnchanged(outDir, good);
    });
  }
  for (const stage of ['decode', 'split-documents', 'paragraphs', 'tables']) {
    test(`thrown inside stage ${stage}`, async () => {
      await assert.rejects(build({ rawDir: raw, outDir, cache: false, onStage: (s) => { if (s === stage) throw new Error('simulated crash'); } }), /simulated crash/u);
      assertUnchanged(outDir, good);
    });
  }
});

describe('a full disk while publishing', () => {
  test('fails cleanly, says so, and leaves no partial release', async () => {
    const raw = rawFolder([GOOD, '000_935736143d89c070.txt']);
    const full = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const releasesBefore = readdirSync(join(outDir, 'releases')).sort();
    await assert.rejects(
      build({ rawDir: raw, outDir, onPublishStep: (s) => { if (s === 'parquet:mentions') throw full(); } }),
      /the disk is full \(ENOSPC\) while writing the release; nothing was published\. Free disk space/u,
    );
    assertUnchanged(outDir, good);
    assert.deepEqual(readdirSync(join(outDir, 'releases')).sort(), releasesBefore, 'no new release folder');
  });

  test('also while the documents stream in: same message, nothing half-written left', async () => {
    const raw = rawFolder([GOOD, '000_935736143d89c070.txt']);
    const full = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    await assert.rejects(
      build({ rawDir: raw, outDir, onPublishStep: (s) => { if (s === `added:${GOOD}`) throw full(); } }),
      /the disk is full \(ENOSPC\) while writing the release; nothing was published/u,
    );
    assertUnchanged(outDir, good);
    assert.deepEqual(readdirSync(outDir).filter((f) => f.startsWith('.staging')), [], 'no staging folder left');
  });
});

describe('sources in other encodings and without sidecars', () => {
  test('a GB18030 file with CRLF builds; its offsets address the GB18030 bytes', async () => {
    const text = '山西省2019年政府工作报告\r\n\r\n全省地区生产总值增长6.2%。\r\n';
    const gb = Buffer.from(
      'c9bdcef7caa132303139c4eab9a4d7f7b1a8b8e6'.replace('b9a4d7f7b1a8b8e6', 'd5feb8aeb9a4d7f7b1a8b8e6') + '0d0a0d0a' +
        'c8abcaa1b5d8c7f8c9fab2fad7dcd6b5d4f6b3a4362e3225a1a30d0a',
      'hex',
    );
    assert.equal(new TextDecoder('gb18030').decode(gb), text); // the fixture is what it claims to be
    const dir = rawFolder([], { 'shanxi-2019.txt': gb });
    const out = join(tempDir('gb'), 'out');
    const r = runCli(['build', '--raw', dir, '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /warning: shanxi-2019\.txt:1:1 \[source\/no-sidecar\]/u);
    const db = await duckdb();
    const docs = await db.all(`SELECT doc_id, title, year, region, kind, encoding, metadata_source, date, speaker FROM '${out}/latest/documents.parquet'`);
    assert.deepEqual(docs, [{
      doc_id: 'shanxi-2019', title: '山西省2019年政府工作报告', year: 2019, region: '山西省', kind: 'government_work_report',
      encoding: 'gb18030', metadata_source: 'inferred', date: null, speaker: null,
    }]);
    const paras = await db.all(`SELECT text, raw_start, raw_end FROM read_csv('${out}/latest/paragraphs.csv') ORDER BY ordinal`);
    db.close();
    // The title line is front matter: it is the document's title, not a paragraph.
    assert.deepEqual(paras.map((p) => p['text']), ['全省地区生产总值增长6.2%。']);
    const second = paras[0]!;
    assert.equal(new TextDecoder('gb18030').decode(gb.subarray(Number(second['raw_start']), Number(second['raw_end']))), '全省地区生产总值增长6.2%。');
  });

  test('a UTF-8 file with a BOM and a dated first line gets its date and year from the text', async () => {
    const dir = rawFolder([], { 'speech.txt': '\uFEFF在全省经济工作会议上的讲话\n（2019年12月20日）\n\n同志们：\n' });
    const out = join(tempDir('bom'), 'out');
    assert.equal(runCli(['build', '--raw', dir, '--out', out]).status, 0);
    const db = await duckdb();
    const docs = await db.all(`SELECT title, date::VARCHAR AS date, year, kind, region FROM '${out}/latest/documents.parquet'`);
    const first = await db.all(`SELECT text, raw_start FROM '${out}/latest/paragraphs.parquet' WHERE ordinal = 1`);
    const removed = await db.all(`SELECT reason FROM '${out}/latest/corrections.parquet' ORDER BY seq`);
    // The removed BOM is logged, and the log keeps the character itself in both formats. (Read
    // as hex: JavaScript's TextDecoder, which DuckDB's node binding uses, drops a leading U+FEFF.)
    const bom = await db.all(`SELECT reason, raw_start, raw_end, hex(before) AS before, after FROM '${out}/latest/corrections.parquet'`);
    const bomCsv = await db.all(`SELECT hex(before) AS before FROM read_csv('${out}/latest/corrections.csv')`);
    db.close();
    assert.deepEqual(bom.slice(0, 1), [{ reason: 'unicode/bom', raw_start: 0, raw_end: 3, before: 'EFBBBF', after: null }]);
    assert.deepEqual(bomCsv.slice(0, 1), [{ before: 'EFBBBF' }]);
    assert.deepEqual(docs, [{ title: '在全省经济工作会议上的讲话', date: '2019-12-20', year: 2019, kind: 'speech', region: null }]);
    // Title and date line are front matter; the first paragraph is the salutation.
    assert.deepEqual(first, [{ text: '同志们：', raw_start: 3 + 39 + 1 + 23 + 2 }]);
    assert.deepEqual(removed.map((r) => r['reason']), ['unicode/bom', 'front-matter/title', 'front-matter/date']);
  });
});

describe('raw/', () => {
  const seeds = join(RAW, '..', '..', 'shared', 'seeds');
  const present = existsSync(seeds);
  test('holds the seed sources byte for byte, each with a sidecar that names it', { skip: !present && !process.env['CI'] ? 'no ../shared/seeds beside this clone' : false }, () => {
    const names = readdirSync(seeds).filter((f) => f.endsWith('.txt')).sort();
    assert.equal(names.length, 5);
    for (const n of names) {
      assert.ok(readFileSync(join(seeds, n)).equals(readFileSync(join(RAW, n))), `raw/${n} differs from the seed`);
      assert.equal(sidecarOf(n)['file'], n);
    }
  });
});

describe('CLI', () => {
  test('--help documents every command and flag', () => {
    const r = runCli(['--help']);
    assert.equal(r.status, 0);
    for (const word of ['build', '--raw', '--out', '--concurrency', '--quiet', '--help']) assert.ok(r.stdout.includes(word), word);
  });

  test('an unknown command or flag is a usage error (exit 2)', () => {
    assert.equal(runCli(['publish']).status, 2);
    assert.equal(runCli(['build', '--frobnicate']).status, 2);
    assert.equal(runCli(['build', '--concurrency', 'zero']).status, 2);
  });

  test('without a terminal, progress is one plain line per document', () => {
    const out = join(tempDir('cli'), 'out');
    const r = runCli(['build', '--raw', RAW, '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stderr.split('\n').filter((l) => /^\[\d+\/5\]/u.test(l));
    assert.equal(lines.length, 5);
    assert.ok(!r.stderr.includes('\r'), 'no carriage-return redraws in CI logs');
    assert.match(r.stdout, /^Release \d{4}\.\d{2}\.\d{2}\+[0-9a-f]{16}: 7 documents; .*documents 7, .*paragraphs \d+/u);
  });

  test('a build into an empty out folder creates releases/ and the latest link', () => {
    const out = join(tempDir('fresh'), 'out');
    assert.equal(runCli(['build', '--raw', rawFolder([GOOD]), '--out', out]).status, 0);
    assert.match(readlinkSync(join(out, 'latest')), /^releases\/\d{4}\.\d{2}\.\d{2}\+[0-9a-f]{16}$/u);
  });
});
