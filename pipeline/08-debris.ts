/**
 * Stage 8, debris: what is on the page but is not the document's text. Each kind is a rule about
 * a kind of text, not about one source:
 * - front matter at the start (title, event line, page banner, byline, date line) and the
 *   document's own headline and byline wherever they stand (a headline spliced into a sentence);
 * - news datelines (新华社太原5月9日电) alone or glued to a paragraph;
 * - page markers (（上接1版）), photo captions and credits, page credits;
 * - lists of bare links (kept as the source URL), and web page furniture (breadcrumbs, share
 *   and print bars, previous/next links, source and date lines of the page);
 * - duplicated fragments (环境质量方面环境质量方面，，) and doubled punctuation.
 * Everything removed is a correction; what it says about the document fills empty metadata, and
 * a contradiction with the sidecar is a warning.
 */
import type { DocMeta, Message, Stage } from '../lib/document.js';
import { withEdits } from '../lib/edits.js';
import { message } from '../lib/messages.js';
import { rawRange, type Edit } from '../lib/offset-map.js';
import { doubledFragments } from '../lib/doubled.js';
import { isSpaceUnit } from '../lib/chars.js';
import { forEachLine, matchesOf } from '../lib/lines.js';

const ROLE = '(?:书记|副?省长|代省长|副?市长|副?县长|区长|主席|总理|部长|主任|记者|通讯员|特约评论员|评论员)';
const BYLINE = new RegExp(`^(?<role>[\\p{Script=Han}]{0,12}?${ROLE})?(?<name>\\p{Script=Han}{2,4})$`, 'u');
const DATE_LINE = /^(?:[（(](?<y>\d{4})年(?<m>\d{1,2})月(?<d>\d{1,2})日[）)]|——(?<y2>\d{4})年(?<m2>\d{1,2})月(?<d2>\d{1,2})日(?:在(?<event>.{2,60})上)?)$/u;
const DATELINE = /(?:新华社|中新社|人民日报|本报|央视网|人民网|中国新闻网)\p{Script=Han}{0,8}\d{1,2}月\d{1,2}日(?:电|讯)(?:[（(]记者[^）)\n]{1,40}[）)])?/gu;
const PAGE_MARKER = /[（(](?:上接|下转|接上|转下|接|转)第?\d{1,2}版[）)]/gu;
const CAPTION = /^图[①-⑳\d一二三四五六七八九十]?[:：]|摄[（(][^）)\n]{1,12}[）)]|(?:记者|通讯员)\p{Script=Han}{2,4}摄$/u;
const CREDIT = /^(?:本期统筹|责任编辑|版式设计|美术编辑|图片编辑|本版编辑|校对|制图)[:：]/u;
const LINKS = /^(?:https?:\/\/\S+\s*)+$/u;
// Web page furniture around an article: breadcrumbs, share and print bars, paging, source lines.
const WEB_CHROME = /^(?:首页\s*[>＞»]|当前位置[:：]|您的位置[:：]|分享到[:：]?|(?:【[^】\n]{1,8}】\s*){2,}$|(?:\[?(?:上一篇|下一篇)\]?[:：]?)|字号[:：]|扫一扫|返回顶部|打印本页|关闭窗口|来源[:：]\S{1,20}$|(?:发布时间|发布日期)[:：])/u;
const CREDIT_INLINE = /[（(](?:责任编辑|编辑)[:：][^）)\n]{1,20}[）)]$/gu;

/**
 * The runs /([，。、；！？])\1+/gu matches, [start, end), as matchAll finds them. The marks are
 * BMP characters, so the pairs can be searched as literals without the u flag, which lets the
 * engine skip ahead instead of testing every character against a class with a backreference.
 */
const DOUBLED_MARK = /，，|。。|、、|；；|！！|？？/g;

export function doubledPunctuation(text: string): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  DOUBLED_MARK.lastIndex = 0;
  for (let m = DOUBLED_MARK.exec(text); m; m = DOUBLED_MARK.exec(text)) {
    const mark = text.charCodeAt(m.index);
    let end = m.index + 2;
    while (text.charCodeAt(end) === mark) end++;
    runs.push([m.index, end]);
    DOUBLED_MARK.lastIndex = end;
  }
  return runs;
}

const squash = (s: string | null) => (s ?? '').replace(/\s+/gu, '');

/**
 * Could `line` squash to `key` (non-empty, squashed)? Only if its first unit that is not space is
 * the key's first: most lines fail here, without squashing them.
 */
function startsLike(line: string, key: string): boolean {
  let k = 0;
  while (k < line.length && isSpaceUnit(line.charCodeAt(k))) k++;
  return line.charCodeAt(k) === key.charCodeAt(0);
}

// A byline is at most 12 + 5 + 4 Han characters (role, role word, name), two units each at most.
const BYLINE_MAX_UNITS = 2 * (12 + 5 + 4);
const iso = (y: string, m: string, d: string) => `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;

/**
 * Does a line hold `needle`? Asked of every line in order: the next occurrence in the whole text
 * is found once with indexOf and serves every line before it, instead of an includes() per line
 * (needles hold no line feed, so an occurrence is inside one line or none).
 */
class NeedleCursor {
  private next = -1;
  constructor(
    private readonly text: string,
    private readonly needle: string,
  ) {}

  inLine(start: number, end: number): boolean {
    // Lines are asked in increasing order, skipping some: an occurrence before this line is spent.
    if (this.next < start) {
      this.next = this.text.indexOf(this.needle, start);
      if (this.next < 0) this.next = this.text.length;
    }
    return this.next >= start && this.next + this.needle.length <= end;
  }
}

interface Line {
  start: number;
  end: number;
  text: string;
}

/** The non-empty runs between line feeds (what /[^\n]+/gu finds), found with indexOf. */
function linesOf(text: string): Line[] {
  const out: Line[] = [];
  forEachLine(text, (start, end) => out.push({ start, end, text: text.slice(start, end) }));
  return out;
}

export const debris: Stage = {
  name: 'debris',
  version: '1',
  run(doc, ctx) {
    if (!doc.meta) throw new Error('debris needs document metadata');
    const meta: DocMeta = { ...doc.meta };
    const fromSidecar = meta.metaSource === 'sidecar';
    const messages: Message[] = [];
    const edits: Edit[] = [];
    const removed = new Set<Line>();
    const lines = linesOf(doc.text);

    const warn = (rule: string, reason: string, at: Line) => {
      const [rawStart, rawEnd] = rawRange(doc.map, at.start, at.end, doc.raw.length);
      messages.push(message({ ...doc, meta }, ctx, { severity: 'warning', stage: this.name, rule, reason, rawStart, rawEnd, found: at.text }));
    };
    const drop = (line: Line, reason: string) => {
      edits.push({ start: line.start, end: line.end, text: '', reason });
      removed.add(line);
    };
    // A fact the page states: fills an empty field, and contradicts a sidecar only with a warning.
    const learn = (field: 'title' | 'speaker' | 'speakerRole' | 'date' | 'dateline' | 'sourceUrl' | 'event', value: string, line: Line) => {
      const current = meta[field];
      if (current === null) meta[field] = value;
      else if (squash(current) !== squash(value)) warn('debris/metadata-mismatch', `the text says ${field} "${value}" but the metadata says "${current}"`, line);
    };

    // Front matter: leading lines that are the title, event, banner, byline or date line.
    const titleKey = squash(meta.title);
    const isTitle = (l: Line) => titleKey !== '' && startsLike(l.text, titleKey) && squash(l.text) === titleKey;
    const titleIndex = lines.slice(0, 4).findIndex(isTitle);
    let i = 0;
    for (; i < Math.min(lines.length, 6); i++) {
      const line = lines[i]!;
      const byline = BYLINE.exec(line.text);
      const date = DATE_LINE.exec(line.text);
      if (WEB_CHROME.test(line.text)) drop(line, 'debris/web-chrome');
      else if (isTitle(line)) drop(line, 'front-matter/title');
      else if (i < titleIndex && [...line.text].length <= 20 && !/[，。！？；：、]/u.test(line.text)) drop(line, 'front-matter/banner');
      else if (meta.event !== null && squash(line.text) === squash(meta.event)) drop(line, 'front-matter/event');
      else if (byline && (byline.groups!['role'] || (meta.speaker !== null && byline.groups!['name'] === meta.speaker) || (!fromSidecar && i > 0))) {
        drop(line, 'front-matter/byline');
        learn('speaker', byline.groups!['name']!, line);
        if (byline.groups!['role']) learn('speakerRole', byline.groups!['role'], line);
      } else if (date) {
        const g = date.groups!;
        drop(line, 'front-matter/date');
        learn('date', iso((g['y'] ?? g['y2'])!, (g['m'] ?? g['m2'])!, (g['d'] ?? g['d2'])!), line);
        if (g['event']) learn('event', g['event'], line);
      } else break;
    }

    // The document's own headline and byline standing anywhere else: spliced into the text.
    let afterCredit = false;
    let linkSeen = false;
    for (const line of lines.slice(i)) {
      const byline = line.text.length <= BYLINE_MAX_UNITS ? BYLINE.exec(line.text) : null;
      if (isTitle(line)) drop(line, 'splice/headline');
      else if (byline?.groups!['role'] && meta.speaker !== null && byline.groups!['name'] === meta.speaker) drop(line, 'splice/byline');
      else if (CREDIT.test(line.text)) drop(line, 'layout/credit');
      else if (afterCredit && /^\p{Script=Han}{2,12}$/u.test(line.text)) drop(line, 'layout/credit');
      else if ((line.text.startsWith('图') || line.text.includes('摄')) && CAPTION.test(line.text)) drop(line, 'layout/caption');
      else if (WEB_CHROME.test(line.text)) drop(line, 'debris/web-chrome');
      else if (LINKS.test(line.text)) {
        drop(line, 'debris/link-list');
        // The first link of a list is taken as the source; the others are only logged.
        if (!linkSeen) learn('sourceUrl', line.text.split(/\s+/u)[0]!, line);
        linkSeen = true;
      }
      afterCredit = removed.has(line) && edits.at(-1)!.reason === 'layout/credit';
    }

    // Within the lines that stay: datelines, page markers, duplicated fragments.
    // Doubled fragments and punctuation never cross a line break, so one scan of the whole text
    // finds what a scan of each line would (the scans cost more per call than per character).
    const fragments = doubledFragments(doc.text);
    const punctuation = doubledPunctuation(doc.text);
    let f = 0;
    let q = 0;
    const dateElectric = new NeedleCursor(doc.text, '日电');
    const dateReport = new NeedleCursor(doc.text, '日讯');
    const editor = new NeedleCursor(doc.text, '编辑');
    const page = new NeedleCursor(doc.text, '版');
    for (const line of lines) {
      while (f < fragments.length && fragments[f]!.index < line.start) f++;
      while (q < punctuation.length && punctuation[q]![0] < line.start) q++;
      if (removed.has(line)) continue;
      const inline: Edit[] = [];
      if (dateElectric.inLine(line.start, line.end) || dateReport.inLine(line.start, line.end)) {
        for (const m of matchesOf(DATELINE, line.text)) {
          inline.push({ start: line.start + m.index, end: line.start + m.index + m[0].length, text: '', reason: 'debris/dateline' });
          learn('dateline', m[0], line);
        }
      }
      if (editor.inLine(line.start, line.end)) for (const m of matchesOf(CREDIT_INLINE, line.text)) inline.push({ start: line.start + m.index, end: line.start + m.index + m[0].length, text: '', reason: 'layout/credit' });
      if (page.inLine(line.start, line.end)) for (const m of matchesOf(PAGE_MARKER, line.text)) inline.push({ start: line.start + m.index, end: line.start + m.index + m[0].length, text: '', reason: 'layout/page-marker' });
      for (; f < fragments.length && fragments[f]!.index < line.end; f++) {
        const m = fragments[f]!;
        const s = m.index + m[1]!.length;
        inline.push({ start: s, end: s + m[1]!.length, text: '', reason: 'debris/duplicated-fragment' });
      }
      for (; q < punctuation.length && punctuation[q]![0] < line.end; q++) {
        const [s, e] = punctuation[q]!;
        inline.push({ start: s + 1, end: e, text: '', reason: 'debris/doubled-punctuation' });
      }
      // Keep the first of overlapping matches; the rules rarely meet, and never need to.
      if (inline.length > 1) inline.sort((a, b) => a.start - b.start);
      let last = -1;
      for (const e of inline) if (e.start >= last) { edits.push(e); last = e.end; }
    }

    return withEdits(doc, this, edits, { changes: { meta, messages: [...doc.messages, ...messages] } });
  },
};
