/**
 * Metadata a text states about itself, for sources that arrive without a sidecar. Only what the
 * text says: anything it does not state is null (the runner warns that the sidecar is missing).
 */
import type { DocMeta } from './document.js';

const PROVINCES = [
  '北京市', '天津市', '上海市', '重庆市', '河北省', '山西省', '辽宁省', '吉林省', '黑龙江省', '江苏省', '浙江省',
  '安徽省', '福建省', '江西省', '山东省', '河南省', '湖北省', '湖南省', '广东省', '海南省', '四川省', '贵州省',
  '云南省', '陕西省', '甘肃省', '青海省', '台湾省', '内蒙古自治区', '广西壮族自治区', '西藏自治区',
  '宁夏回族自治区', '新疆维吾尔自治区', '香港特别行政区', '澳门特别行政区',
];

// Simplified and traditional forms alike: the metadata of 政府工作報告 is read the same way.
const KINDS: Array<[RegExp, string]> = [
  [/政府工作[报報]告/u, 'government_work_report'],
  [/讲话|講話|致辞|致辭/u, 'speech'],
];

// Lines above a title that are not it: web breadcrumbs, page markers, speaker markers.
const NOT_TITLE = /^[（(【\[]|[>＞»]/u;

/**
 * The title the text states: a markdown heading among the first lines, else the first line that
 * is not page furniture, when it is short and holds no punctuation at all (a sentence is no title).
 */
export function inferTitle(text: string): string | null {
  const lines = text.slice(0, 4000).split('\n').map((l) => l.trim()).filter((l) => l.length > 0).slice(0, 5);
  const heading = lines.find((l) => /^#{1,6}\s+\S/u.test(l));
  if (heading) return heading.replace(/^#{1,6}\s+/u, '').replace(/\*\*/gu, '').trim();
  const first = lines.find((l) => !NOT_TITLE.test(l));
  if (first && [...first].length <= 40 && !/[。！？；：，、.!?;:,]/u.test(first) && /\p{Script=Han}/u.test(first)) return first;
  return null;
}

const DATE = /((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/u;
const YEAR_OF_REPORT = /((?:19|20)\d{2})\s*年\s*政府工作[报報]告/u;

export function inferMeta(id: string, text: string): DocMeta {
  const head = text.slice(0, 600);
  const title = inferTitle(text);
  const date = DATE.exec(head);
  let isoDate: string | null = null;
  let year: number | null = null;
  if (date) {
    const [y, m, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const probe = new Date(Date.UTC(y, m - 1, d));
    if (probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d) {
      isoDate = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
      year = y;
    }
  }
  const reportYear = YEAR_OF_REPORT.exec(head);
  if (year === null && reportYear) year = Number(reportYear[1]);
  const region = PROVINCES.find((p) => head.includes(p)) ?? null;
  const kind = KINDS.find(([re]) => re.test(title ?? head))?.[1] ?? null;
  return {
    id, title, kind, region, scope: region ? 'provincial' : null, date: isoDate, year,
    speaker: null, speakerRole: null, event: null, dateline: null, sourceUrl: null, metaSource: 'inferred',
  };
}

/** A document id from a file name: lower case, runs of other characters become one hyphen. */
export function idFromFileName(file: string): string {
  return file.replace(/\.txt$/u, '').toLowerCase().replace(/[^a-z0-9]+/gu, '-').replace(/^-|-$/gu, '') || 'document';
}
