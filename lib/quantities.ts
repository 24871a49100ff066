/**
 * Quantity recognition: numbers as the texts write them, with their unit, scale and qualifier.
 * - Arabic (1.45, 3,700) and Chinese numerals (三百, 两, 二点五) — Chinese only with a unit or
 *   scale after them, since 一 and 三 also begin words (一是, 三去一降一补);
 * - scale words 万, 亿, 万亿 kept with the unit as written (1.45万亿元: value 1.45, unit 万亿元);
 * - %, 百分之六, 个百分点, 倍; ranges (6-6.5%, 2-3家, 80—150个, 2至3家);
 * - qualifiers, which never become part of the unit: 左右 约 (approx), 以上 不低于 (at_least),
 *   以内 以下 不超过 (at_most), 超过 突破 逾 多 余 (more_than), 近 (nearly).
 * The scanner is linear: each regular expression is anchored (sticky) at a candidate position and
 * the scan resumes after what it consumed.
 */
import { parseChineseNumeral } from './numerals.js';

export type Qualifier = 'exact' | 'approx' | 'at_least' | 'at_most' | 'nearly' | 'more_than' | 'range';

export interface Quantity {
  /** Range of the whole mention (qualifiers included) in the paragraph text, UTF-16 units. */
  start: number;
  end: number;
  text: string;
  value: number | null;
  valueLow: number | null;
  valueHigh: number | null;
  /** Unit as written, with its scale word (万人, 亿元, %, 个百分点); null for a bare number. */
  unit: string | null;
  qualifier: Qualifier;
  numeral: 'arabic' | 'chinese';
  /** Why the number cannot be read, when it cannot. */
  problem: string | null;
}

const PRE_QUALIFIER: Record<string, Qualifier> = {
  约: 'approx', 大约: 'approx', 近: 'nearly', 将近: 'nearly', 接近: 'nearly', 超过: 'more_than', 突破: 'more_than', 逾: 'more_than', 超: 'more_than',
  不低于: 'at_least', 不少于: 'at_least', 至少: 'at_least', 不超过: 'at_most', 不高于: 'at_most', 控制在: 'exact',
};
const POST_QUALIFIER: Record<string, Qualifier> = { 左右: 'approx', 上下: 'approx', 以上: 'at_least', 以内: 'at_most', 以下: 'at_most' };

// Thousands may be grouped with a comma, ASCII or (in old typesetting) fullwidth: 34，250万吨.
const ARABIC = '\\d{1,3}(?:[,，]\\d{3})+(?!\\d)(?:\\.\\d+)?|\\d+(?:\\.\\d+)?';
const CHINESE = '[零〇一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?';
const SCALE = '(?:万亿|千亿|百亿|亿|千万|百万|万)';
const MALFORMED = /\d+(?:\.{2,}\d+|(?:\.\d+){2,})%?/y;

// What a character can start: a digit, a Chinese numeral, or a word that leads to a number
// (约, 近, 超过, 不低于, 控制在, 百分之, 突破, 达到).
const DIGIT = 1;
const NUMERAL = 2;
const LEAD_WORD = 3;
const START = new Uint8Array(65536);
for (let c = 0x30; c <= 0x39; c++) START[c] = DIGIT;
for (const ch of '零〇一二两三四五六七八九十百千') START[ch.charCodeAt(0)] = NUMERAL;
for (const ch of '约近将接超突逾不至控大迈跨达') START[ch.charCodeAt(0)] ||= LEAD_WORD;
const SOON = new Uint8Array(65536);
for (let c = 0x30; c <= 0x39; c++) SOON[c] = 1;
for (const ch of '零〇一二两三四五六七八九十万亿') SOON[ch.charCodeAt(0)] = 1;

const isAsciiDigitOrPoint = (c: number) => (c >= 0x30 && c <= 0x39) || c === 0x2e;
const isAsciiDigit = (c: number) => c >= 0x30 && c <= 0x39;
const WAN = '万'.charCodeAt(0);
const YI = '亿'.charCodeAt(0);
const isScaleWord = (c: number) => c === WAN || c === YI;

/** An Arabic number (thousands separators dropped) or a Chinese numeral. */
const parseNumber = (s: string) => (isAsciiDigit(s.charCodeAt(0)) ? Number(s.replace(/[,，]/gu, '')) : parseChineseNumeral(s));

function numberWithin(text: string, from: number, span: number): boolean {
  const end = Math.min(text.length, from + span);
  for (let i = from; i < end; i++) if (SOON[text.charCodeAt(i)]) return true;
  return false;
}

/** After the digits (and a scale word or %) at `at`, does a range separator and a digit follow? */
function rangeAhead(text: string, at: number): boolean {
  let i = at;
  while (i < text.length && (isAsciiDigitOrPoint(text.charCodeAt(i)) || text.charCodeAt(i) === 0x2c)) i++;
  const rest = text.slice(i, i + 6);
  return /^(?:%|万亿|亿|万)?\s*[-—–~～至到]\s*[0-9]/u.test(rest);
}

const CHINESE_DIGIT = new Uint8Array(65536);
for (const ch of '零〇一二两三四五六七八九十百千') CHINESE_DIGIT[ch.charCodeAt(0)] = 1;
const CHINESE_DECIMAL = new Uint8Array(65536);
for (const ch of '零〇一二三四五六七八九') CHINESE_DECIMAL[ch.charCodeAt(0)] = 1;
const DIAN = '点'.charCodeAt(0);
const DUO = '多'.charCodeAt(0);
const YU = '余'.charCodeAt(0);

/** Where each named part is among an expression's captures; 0 where the expression has no such part. */
interface Parts {
  pre: number;
  num: number;
  lo: number;
  lounit: number;
  hi: number;
  more: number;
  scale: number;
  unit: number;
  post: number;
}

interface Numbered {
  re: RegExp;
  parts: Parts;
}

/**
 * An expression written with named groups, compiled with plain ones. V8 gives every match of an
 * expression with named groups a `groups` object in dictionary mode, allocated and then read by
 * hashed lookups: at every number the scanner reads, that cost more than the match.
 */
function numbered(source: string, flags: string): Numbered {
  const parts: Parts = { pre: 0, num: 0, lo: 0, lounit: 0, hi: 0, more: 0, scale: 0, unit: 0, post: 0 };
  let index = 0;
  const plain = source.replace(/\(\?<([a-z]+)>/gu, (_, name: string) => {
    if (!(name in parts)) throw new Error(`quantity expression: unknown part ${name}`);
    parts[name as keyof Parts] = ++index;
    return '(';
  });
  // Every capture must be a named part (the others are (?:...)), or the indices would be off.
  const captures = new RegExp(`${plain}|`, 'u').exec('')!.length - 1;
  if (captures !== index) throw new Error(`quantity expression: ${captures} captures, ${index} named`);
  return { re: new RegExp(plain, flags), parts };
}

const AT_DIGIT_WITH_RANGE = 0;
const AT_DIGIT = 1;
const AT_PERCENT_WORD = 2;
const AT_LEAD_WORD = 3;

const part = (r: RegExpExecArray, i: number): string | undefined => (i === 0 ? undefined : r[i]);

export class QuantityScanner {
  private readonly single: Numbered;
  private readonly range: Numbered;
  private readonly zhPercent: Numbered;
  private readonly wordAmount: Numbered;
  // The expressions tried at each kind of start, in order (built once: readAt runs at every
  // candidate), by list number: chosen by number, not by field, so that a rare start (a range,
  // 百分之) reads no property compiled code has no feedback for, which deoptimized the scanner.
  private readonly candidateLists: Numbered[][];
  // First UTF-16 units of the units and scale words: what may follow a Chinese numeral that reads.
  private readonly unitOrScaleStart = new Uint8Array(65536);

  /** `units`: every unit word the scanner knows, without scale words (元, 人, 吨, 个, %...). */
  constructor(units: string[]) {
    // 千 and 百 too: after a decimal (二点五千万) a scale word may begin with them.
    for (const w of [...units, '万', '亿', '千', '百']) if (w.length > 0) this.unitOrScaleStart[w.charCodeAt(0)] = 1;
    const alternatives = [...new Set(units)].sort((a, b) => b.length - a.length).map(escape).join('|');
    const pre = `(?<pre>${Object.keys(PRE_QUALIFIER).sort((a, b) => b.length - a.length).join('|')})?`;
    const post = `(?<post>${Object.keys(POST_QUALIFIER).join('|')})?`;
    const unit = `(?<unit>${alternatives})`;
    this.single = numbered(`${pre}(?<num>${ARABIC}|${CHINESE})(?<more>多|余)?(?<scale>${SCALE})?${unit}?${post}`, 'uy');
    this.range = numbered(
      `${pre}(?<lo>${ARABIC})(?<lounit>%|${SCALE})?\\s*[-—–~～至到]\\s*(?<hi>${ARABIC})(?<more>多|余)?(?<scale>${SCALE})?${unit}${post}`,
      'uy',
    );
    this.zhPercent = numbered(`${pre}百分之(?<num>${CHINESE}|${ARABIC})${post}`, 'uy');
    // 突破万亿元: a scale word alone after a verb of reaching is one of it.
    this.wordAmount = numbered(`(?<pre>突破|超过|迈上|跨上|达到)(?<num>)(?<scale>万亿|千亿|亿)(?<unit>元|美元)${post}`, 'uy');
    this.candidateLists = [];
    this.candidateLists[AT_DIGIT_WITH_RANGE] = [this.range, this.single];
    this.candidateLists[AT_DIGIT] = [this.single];
    this.candidateLists[AT_PERCENT_WORD] = [this.zhPercent, this.single];
    this.candidateLists[AT_LEAD_WORD] = [this.zhPercent, this.single, this.wordAmount];
  }

  scan(text: string): Quantity[] {
    const out: Quantity[] = [];
    const n = text.length;
    // A character-code table decides in one lookup whether a position can start a quantity;
    // the regular expressions run only there, and the scan resumes after what they consumed.
    for (let i = 0; i < n; i++) {
      const kind = START[text.charCodeAt(i)]!;
      if (kind === 0) continue;
      if (kind === DIGIT && i > 0 && isAsciiDigitOrPoint(text.charCodeAt(i - 1))) continue;
      if (kind === LEAD_WORD && !numberWithin(text, i + 1, 4)) continue;
      const q = this.readAt(text, i, kind);
      if (q) {
        out.push(q);
        i = q.end - 1;
      } else if (kind === DIGIT) {
        // Skip the rest of a digit run that did not read, so a long run is looked at once.
        while (i + 1 < n && isAsciiDigitOrPoint(text.charCodeAt(i + 1))) i++;
      }
    }
    return out;
  }

  private readAt(text: string, at: number, kind: number): Quantity | null {
    const digit = kind === DIGIT;
    if (digit) {
      // Malformed Arabic numbers (1..5%) are mentions that cannot be read.
      MALFORMED.lastIndex = at;
      const badMatch = MALFORMED.exec(text);
      if (badMatch) return this.unreadable(text, at, at + badMatch[0].length, 'malformed number');
    }

    // A range needs a separator after its first number; most numbers have none. At a Chinese
    // numeral (一 starts many words) only 百分之 and a numeral can start: the qualifier words
    // before a percent and the verbs of wordAmount begin with other characters.
    let list: number;
    if (digit) list = rangeAhead(text, at) ? AT_DIGIT_WITH_RANGE : AT_DIGIT;
    else if (kind === NUMERAL) {
      if (text.startsWith('百分之', at)) list = AT_PERCENT_WORD;
      else if (!this.unitOrScaleAfterNumeral(text, at)) return null;
      else list = AT_DIGIT;
    } else list = AT_LEAD_WORD;
    for (const expression of this.candidateLists[list]!) {
      expression.re.lastIndex = at;
      const r = expression.re.exec(text);
      if (!r || r[0].length === 0) continue;
      const q = this.fromMatch(text, at, expression, r);
      if (q !== null) return q;
    }
    return null;
  }

  /**
   * The quantity an expression's match at `at` reads, or null to try the next expression. Apart
   * from readAt: compiled on its own, a deoptimization in one (a range of decimals, a rare
   * numeral) recompiles it alone rather than both.
   */
  private fromMatch(text: string, at: number, expression: Numbered, r: RegExpExecArray): Quantity | null {
    const parts = expression.parts;
    const end = at + r[0].length;
    const pre = part(r, parts.pre);
    const more = part(r, parts.more);
    const scale = part(r, parts.scale);
    const unitWord = part(r, parts.unit);
    const post = part(r, parts.post);
    const numText = part(r, parts.num) ?? part(r, parts.lo) ?? '';
    if (expression === this.wordAmount) {
      const qualifier = POST_QUALIFIER[post ?? ''] ?? (/^(?:突破|超过)$/u.test(pre!) ? 'more_than' : 'exact');
      return { start: at, end, text: r[0], value: 1, valueLow: null, valueHigh: null, unit: `${scale}${unitWord}`, qualifier, numeral: 'chinese', problem: null };
    }
    if (numText === '') return null;
    const chinese = !isAsciiDigit(numText.charCodeAt(0));
    // A Chinese numeral is a quantity only with a unit or a scale after it, and only with a digit
    // in it: 千亿产业 and 百万 are names and manners of speaking, not amounts.
    if (expression === this.single && chinese && !unitWord && !scale) return null;
    if (chinese && !/[零〇一二两三四五六七八九十]/u.test(numText)) return null;
    // A qualifier word with no number after it is just a word.
    if (pre && numText === '') return null;
    // 万万, 亿亿: a scale word twice cannot be read (also when the second begins a unit, 万万人);
    // bounded, since a read past the end (NaN) deoptimizes the compiled scanner.
    if ((end < text.length && isScaleWord(text.charCodeAt(end))) || (scale && unitWord !== undefined && isScaleWord(unitWord.charCodeAt(0)))) {
      return this.unreadable(text, at, at + numText.length + (pre?.length ?? 0) + (more?.length ?? 0) + (scale?.length ?? 0) + 1, 'scale word repeated');
    }
    let qualifier: Qualifier = 'exact';
    if (pre) qualifier = PRE_QUALIFIER[pre]!;
    if (more) qualifier = 'more_than';
    if (post) qualifier = POST_QUALIFIER[post]!;
    let unit = `${scale ?? ''}${unitWord ?? ''}` || null;
    if (expression === this.zhPercent) unit = '%';
    if (expression === this.range) {
      const lo = parseNumber(part(r, parts.lo)!);
      const hi = parseNumber(part(r, parts.hi)!);
      if (lo === null || hi === null || !(lo < hi)) return this.unreadable(text, at, end, 'range that does not rise');
      return { start: at, end, text: r[0], value: null, valueLow: lo, valueHigh: hi, unit, qualifier: 'range', numeral: 'arabic', problem: null };
    }
    const value = parseNumber(numText);
    if (value === null || !Number.isFinite(value)) return this.unreadable(text, at, end, 'numeral that cannot be read');
    return { start: at, end, text: r[0], value, valueLow: null, valueHigh: null, unit, qualifier, numeral: chinese ? 'chinese' : 'arabic', problem: null };
  }

  /**
   * Most Chinese numerals start words (一是, 三去一降一补), and `single` reads one only with a unit or
   * a scale word after it: after the numeral run (greedy, so 千 and 百 are in it), a decimal 点五
   * and 多/余, the next character must start a unit or a scale word, else the expression cannot read
   * anything, and the expression need not run. Protected, not private: the tests override it to
   * run the expressions at every numeral, the reference this must agree with.
   */
  protected unitOrScaleAfterNumeral(text: string, at: number): boolean {
    const n = text.length;
    // The numeral run, then once a decimal point and its digits, in one loop with one increment,
    // every test made at every numeral: a decimal or a 多 (rare) then reaches no code compiled
    // without type feedback, which deoptimized readAt (this is inlined there).
    let digits = CHINESE_DIGIT;
    let i = at;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (digits[c]) continue;
      const decimalNext = i + 1 < n && CHINESE_DECIMAL[text.charCodeAt(i + 1)] === 1;
      if (digits === CHINESE_DECIMAL || c !== DIAN || !decimalNext) break;
      digits = CHINESE_DECIMAL;
    }
    if (i < n) {
      const c = text.charCodeAt(i);
      i += c === DUO || c === YU ? 1 : 0;
    }
    return i < n && this.unitOrScaleStart[text.charCodeAt(i)] === 1;
  }

  private unreadable(text: string, start: number, end: number, problem: string): Quantity {
    return { start, end, text: text.slice(start, end), value: null, valueLow: null, valueHigh: null, unit: null, qualifier: 'exact', numeral: 'arabic', problem };
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/gu, '\\$&');
}
