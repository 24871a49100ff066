/** Declarative data files (repair, errata) fail loudly when the text no longer matches them. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { PipelineError } from '../lib/errors.js';
import { listSources } from '../pipeline/00-sources.js';
import { processSource } from '../pipeline/runner.js';
import { RAW, rawFolder } from './helpers.js';

const F001 = '001_fded38c25ca3aa33.txt';
const F004 = '004_0847de0676df852f.txt';
const json = (name: string) => JSON.parse(readFileSync(join(RAW, name), 'utf8')) as Record<string, Array<Record<string, string>>>;
/** Process one seed with its repair and errata files, some of them replaced. */
function run(file: string, replaced: Record<string, string>) {
  const dir = rawFolder([file], replaced);
  return processSource(listSources(dir).find((s) => s.file === file)!);
}

describe('errata', () => {
  test('each erratum is a logged replacement with the raw position of the misreading', () => {
    const [signed] = processSource(listSources(RAW).find((s) => s.file === F004)!);
    const fixed = signed!.corrections.filter((c) => c.reason === 'ocr/erratum');
    assert.deepEqual(fixed.map((c) => [c.before, c.after]), [['晋晋晋', '晋强晋'], ['人', '入'], ['58个贫困村、7993个贫困户', '58个贫困县、7993个贫困村'], ['批示批示', '指示批示']]);
    const raw = readFileSync(join(RAW, F004));
    for (const c of fixed) assert.equal(raw.subarray(c.rawStart, c.rawEnd).toString('utf8'), c.before);
    assert.ok(signed!.paragraphs!.some((p) => p.text.includes('深化治晋兴晋强晋之策')));
  });

  test('a context that is no longer in the text fails, naming the file and the field', () => {
    const e = json(F004.replace('.txt', '.errata.json'));
    e['errata']![1]!['context'] = '山西实现转型人轨';
    assert.throws(() => run(F004, { [F004.replace('.txt', '.errata.json')]: JSON.stringify(e) }), (err: unknown) =>
      err instanceof PipelineError && /^004_0847de0676df852f\.errata\.json: field errata\.1\.context: context "山西实现转型人轨" is not in document/u.test(err.message));
  });

  test('an erratum whose wrong text is not in its context fails', () => {
    const e = json(F004.replace('.txt', '.errata.json'));
    e['errata']![0]!['wrong'] = '秦';
    assert.throws(() => run(F004, { [F004.replace('.txt', '.errata.json')]: JSON.stringify(e) }), /field errata\.0\.wrong: "秦" occurs 0 times in its context/u);
  });

  test('an errata file that breaks its schema fails with the field named', () => {
    const e = json(F004.replace('.txt', '.errata.json'));
    delete e['errata']![0]!['evidence'];
    assert.throws(() => run(F004, { [F004.replace('.txt', '.errata.json')]: JSON.stringify(e) }), /errata\.json: field errata\.0: breaks schemas\/errata\.schema\.json: .*missing required property "evidence"/u);
  });
});

describe('repair', () => {
  test('the web notice and the page heading of 001 are removed and logged with their reasons', () => {
    const [doc] = processSource(listSources(RAW).find((s) => s.file === F001)!);
    assert.deepEqual(doc!.corrections.filter((c) => c.stage === 'repair').map((c) => c.reason), ['debris/web-notice', 'debris/web-heading']);
    assert.ok(!doc!.paragraphs!.some((p) => p.text.includes('敬请关注') || p.text === '文字实录'));
  });

  test('a quote that is no longer in the text fails, naming the file and the step', () => {
    const r = json(F001.replace('.txt', '.repair.json'));
    r['steps']![1]!['quote'] = '## 图文直播';
    assert.throws(() => run(F001, { [F001.replace('.txt', '.repair.json')]: JSON.stringify(r) }), /001_fded38c25ca3aa33\.repair\.json: field steps\.1\.quote: quotes text that is not in document 2023-shanxi-government-work-report: "## 图文直播"/u);
  });

  test('a step for a document the file does not hold fails', () => {
    const r = json(F001.replace('.txt', '.repair.json'));
    r['steps']![0]!['doc'] = 'no-such-document';
    assert.throws(() => run(F001, { [F001.replace('.txt', '.repair.json')]: JSON.stringify(r) }), /field steps\.0\.doc: names document "no-such-document"/u);
  });
});
