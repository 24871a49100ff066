/**
 * Stage 14, quantities: every number in every paragraph, with unit, scale and qualifier (see
 * lib/quantities.ts), and a first class: date, ordinal, name or code, count of things, or other.
 * The indicators stage then turns some into indicator values. A number that cannot be read is a
 * mention of class `other` with a warning, never a crash and never a value.
 */
import type { Doc, Mention, MentionClass, Message, Paragraph, Stage, StageContext } from '../lib/document.js';
import { withStage } from '../lib/document.js';
import { catalog, standardUnit } from '../lib/catalog.js';
import { message } from '../lib/messages.js';
import { rawRange } from '../lib/offset-map.js';
import { QuantityScanner, type Quantity } from '../lib/quantities.js';
import { toSimplified } from '../lib/script.js';

// Words that count things without being measures: they make a number a count, not an amount.
export const CLASSIFIERS = ['个', '家', '户', '所', '项', '座', '套', '条', '次', '场', '名', '位', '种', '台', '辆', '件', '处', '批', '张', '只', '部', '支', '对', '颗', '片', '间', '届', '岁', '人次', '家次', '亿人次', '万人次'];
const TIME_UNITS = ['年', '月', '日', '天', '周', '小时', '分钟'];

let scanner: QuantityScanner | null = null;
/** Every unit word the scanner reads after a number. */
export function scannerUnits(): string[] {
  return [...Object.keys(catalog().units), ...CLASSIFIERS, ...TIME_UNITS];
}

/** The scanner the stage uses (exported so the peer benchmark measures the same one). */
export function getScanner(): QuantityScanner {
  scanner ??= new QuantityScanner(scannerUnits());
  return scanner;
}

const OPENING_QUOTES = new Set(['“', '"', '「', '『']);
const CLOSING_OR_PLUS = new Set(['”', '"', '」', '』', '+', '＋', '-']);
const LETTER_OR_PLUS = /[A-Za-z+＋]/u;

function classify(q: Quantity, text: string): MentionClass {
  if (q.problem) return 'other';
  const before = q.start > 0 ? text[q.start - 1]! : '';
  const after = q.end < text.length ? text[q.end]! : '';
  if (before === '第') return 'ordinal';
  if (q.unit === '年' && q.value !== null && q.value >= 1900 && q.value <= 2100 && Number.isInteger(q.value) && q.numeral === 'arabic') return 'date';
  if ((q.unit === '月' && q.value !== null && q.value <= 12) || (q.unit === '日' && q.value !== null && q.value <= 31)) return 'date';
  if (OPENING_QUOTES.has(before) && CLOSING_OR_PLUS.has(after)) return 'name_or_code';
  // PM2.5, 1+N: digits glued to letters or to a plus sign are part of a name.
  const digitFirst = q.text.charCodeAt(0) >= 0x30 && q.text.charCodeAt(0) <= 0x39;
  if ((digitFirst && LETTER_OR_PLUS.test(before)) || after === '+' || after === '＋') return 'name_or_code';
  return q.unit !== null && countsThings(q.unit) ? 'count' : 'other';
}

// A document repeats few units many times: whether one counts things is decided once.
const countingUnits = new Map<string, boolean>();

function countsThings(unit: string): boolean {
  let counts = countingUnits.get(unit);
  if (counts === undefined) {
    const std = standardUnit(unit);
    counts = CLASSIFIERS.some((c) => unit.endsWith(c)) || std?.std === 'count' || std?.std === 'household' || std?.std === 'enterprise';
    countingUnits.set(unit, counts);
  }
  return counts;
}

export const quantities: Stage = {
  name: 'quantities',
  version: '1',
  run(doc, ctx) {
    const mentions: Mention[] = [];
    const messages: Message[] = [];
    const readableTexts: string[] = [];
    for (const p of doc.paragraphs ?? []) {
      // Read in simplified characters (億元 is 亿元), report as written: offsets are the same.
      const readable = toSimplified(p.text);
      readableTexts[p.ordinal - 1] = readable;
      paragraphMentions(doc, ctx, this.name, p, readable, mentions, messages);
    }
    return withStage(doc, this, { data: { ...doc.data, mentions, readable: readableTexts }, messages: [...doc.messages, ...messages] });
  },
};

/**
 * One paragraph's quantities as mentions, into `mentions` and `messages`. Apart from `run`, which
 * deoptimizes on documents of new shapes: each worker compiles this hot loop again, and a small
 * `run` recompiles cheaply.
 */
function paragraphMentions(doc: Doc, ctx: StageContext, stageName: string, p: Paragraph, readable: string, mentions: Mention[], messages: Message[]): void {
  // Reported as written: the same offsets in the paragraph as it stands.
  const written = readable === p.text;
  for (const found of getScanner().scan(readable)) {
    const text = written ? found.text : p.text.slice(found.start, found.end);
    const unitAt = found.unit === null || written ? -1 : found.text.lastIndexOf(found.unit);
    const unit = unitAt < 0 ? found.unit : text.slice(unitAt, unitAt + found.unit!.length);
    const mention: Mention = {
      start: found.start, end: found.end, text, value: found.value, valueLow: found.valueLow, valueHigh: found.valueHigh, unit,
      qualifier: found.qualifier, numeral: found.numeral, problem: found.problem,
      paragraph: p.ordinal, textStart: p.textStart, cls: classify(found, readable), label: null, indicatorId: null,
    };
    mentions.push(mention);
    if (mention.problem) {
      const [rawStart, rawEnd] = rawRange(doc.map, p.textStart + mention.start, p.textStart + mention.end, doc.raw.length);
      messages.push(message(doc, ctx, { severity: 'warning', stage: stageName, rule: 'quantity/unreadable', reason: `a number that cannot be read (${mention.problem})`, rawStart, rawEnd, found: mention.text }));
    }
  }
}
