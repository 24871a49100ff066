import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Doc } from '../lib/document.js';
import { PipelineError } from '../lib/errors.js';
import { listSources } from '../pipeline/00-sources.js';
import { processSource } from '../pipeline/runner.js';
import { RAW, rawFolder } from './helpers.js';

function docsOf(file: string, rawDir = RAW): Doc[] {
  const source = listSources(rawDir).find((s) => s.file === file)!;
  return processSource(source);
}
const texts = (d: Doc) => d.paragraphs!.map((p) => p.text);

describe('split-documents on the newspaper page 000 (speech + Xinhua feature)', () => {
  const [speech, feature] = docsOf('000_935736143d89c070.txt');

  test('gives the speech and the feature, each with its metadata', () => {
    assert.equal(speech!.meta!.id, '2021-national-lianzheng-speech-li-keqiang');
    assert.equal(speech!.meta!.speaker, '李克强');
    assert.equal(feature!.meta!.region, '山西省');
    assert.equal(feature!.meta!.dateline, '新华社太原5月9日电');
  });

  test('the speech runs from its opening to its close and holds none of the feature', () => {
    const t = texts(speech!);
    assert.ok(t[0]!.startsWith('加强廉洁政府建设，是落实全面从严治党要求的重要任务'));
    assert.ok(t.at(-1)!.startsWith('抓好政府系统党风廉政建设和反腐败工作，责'));
    assert.ok(!t.some((p) => /晋阳湖|表里山河|上接1版|一煤独大/u.test(p)));
    // Across the spliced-out feature, 医保 is followed by 养老金.
    const i = t.findIndex((p) => p.endsWith('医院“走后门”等违法违规行为要坚决整治。'));
    assert.ok(i > 0 && t[i + 1]!.startsWith('要确保养老金按时足额发放。'));
  });

  test('the feature reads in order: continued from page 1, spliced paragraphs back in place', () => {
    const t = texts(feature!);
    assert.equal(t[0], '披绿装补短板，表里山河重焕风采');
    // The spliced paragraphs are back in place and the sentences the splices cut are whole.
    assert.ok(t.some((p) => p.includes('汾河、桑干河等流域生态全面改善，晋阳湖、漳泽湖等省内主要湖泊')));
    assert.ok(t.some((p) => p.includes('不仅造成过度依赖煤炭的粗放发展方式，而且挤出了改革')));
    assert.ok(t.at(-1)!.endsWith('正朝着高质量发展的目标奋勇前行。'));
    assert.equal(feature!.meta!.dateline, '新华社太原5月9日电');
    assert.ok(!t.some((p) => /养老金|医保基金/u.test(p)));
  });
});

describe('split-documents on the 人民日报 page 004', () => {
  const [signed, reporter] = docsOf('004_0847de0676df852f.txt');

  test('the signed article ends where it ends; the reporter\'s article starts after it', () => {
    assert.ok(texts(signed!).at(-1)!.endsWith('以优异成绩庆祝建党100周年。'));
    assert.equal(texts(reporter!)[0], '5月的三晋大地，生机勃勃。从吕梁山到太行山，从雁门关到黄河畔，山西人民干事创业的热情已经点燃，奋进的山西步履铿锵。');
    // The headline and byline spliced into a sentence are gone, and the sentence is whole.
    assert.ok(texts(reporter!).some((p) => p.includes('成立华新燃气集团聚焦煤层气等新能源应用……“山西省将继续实施产业、创新、资本等六大赋能行动')));
    assert.deepEqual(reporter!.corrections.filter((c) => c.reason.startsWith('splice/')).map((c) => c.before), ['山西坚持“四为四高两同步”努力蹚出转型发展新路子', '本报记者乔栋']);
    assert.equal(texts(reporter!).at(-1)!.slice(-5), '三晋可期。');
  });

  test('captions and page credits outside both articles are logged, not lost', () => {
    const logged = reporter!.corrections.filter((c) => c.reason === 'layout/outside-documents');
    assert.equal(logged.length, 1);
    assert.ok(logged[0]!.before.startsWith('图①:消费者在吕梁市首家5G智能生活体验馆体验5G网络服务。'));
    assert.ok(logged[0]!.before.endsWith('版式设计:蔡华伟'));
    assert.equal(reporter!.messages.filter((m) => m.rule === 'layout/outside-documents')[0]!.line, 102);
  });
});

describe('split-documents rejects sidecars that do not fit the text', () => {
  const sidecar = JSON.parse(readFileSync(join(RAW, '000_935736143d89c070.meta.json'), 'utf8')) as { documents: Array<{ parts: Array<{ from: string; to: string }> }> };

  test('overlapping parts of two documents', () => {
    const s = structuredClone(sidecar);
    s.documents[1]!.parts[0]!.from = '要确保养老金按时足额发放。';
    const dir = rawFolder(['000_935736143d89c070.txt'], { '000_935736143d89c070.meta.json': JSON.stringify(s) });
    assert.throws(() => docsOf('000_935736143d89c070.txt', dir), (e: unknown) => e instanceof PipelineError && /field documents: the parts of documents .* overlap/u.test(e.message));
  });

  test('a start quote that occurs more than once', () => {
    const s = structuredClone(sidecar);
    s.documents[0]!.parts[1]!.from = '要';
    const dir = rawFolder(['000_935736143d89c070.txt'], { '000_935736143d89c070.meta.json': JSON.stringify(s).replace('"from":"要"', '"from":"要确"') });
    assert.throws(() => docsOf('000_935736143d89c070.txt', dir), /documents\.0\.parts\.1\.from: quotes text that occurs \d+ times/u);
  });
});
