/**
 * Stage 15, indicators: which numbers are catalogued indicators, and what each one means.
 * For every quantity, the subject is the nearest catalogue name before it in the same sentence
 * (the same clause first); the words between subject and number say the measure (增长 6% is a
 * growth rate, 达到 62% a share, 下降 4.3% a negative growth or, for a reduction indicator, a
 * positive size of fall); `分别` pairs a list of subjects with a list of numbers. Status: 预计 makes
 * the sentence an estimate; 目标, 预期, 力争, 控制在 and the coming year's plan make targets.
 * Period and region come from the sentence, else the section, else the document.
 */
import type { Doc, IndicatorValue, Mention, Message, Paragraph, Stage, StageContext } from '../lib/document.js';
import { withStage } from '../lib/document.js';
import { catalog, standardUnit, type Indicator } from '../lib/catalog.js';
import { clauses, sentences, type Range, type Span } from '../lib/clauses.js';
import { message } from '../lib/messages.js';
import { rawRange } from '../lib/offset-map.js';
import { groupBy } from '../lib/group.js';
import { periodIn, yearPeriod, type Period } from '../lib/periods.js';
import { toSimplified } from '../lib/script.js';

const GROWTH_VERB = /增长|增速|增幅|提高|上升|上涨|涨幅|增加|回升|下降|减少|降低|回落|下滑|降幅|同比|年均|缩小|扩大/u;
const FALL_VERB = /下降|减少|降低|回落|下滑|降幅|缩小/u;
const TO_LEVEL = /(?:到|至|为|达|达到|是|占|共|实现|完成)$/u;
const TARGET_WORDS = /预期目标|主要目标|目标是|目标为|力争|控制在|预期|确保|目标|拟安排|拟发行|拟|计划安排|预算安排|计划(?:草案)?(?:规定|要求|提出)|计划(?:增长|达到|完成)|规划(?:提出|要求)/u;
// A paragraph's opening clause that is only a time (五年来, 特别是刚刚过去的2022年, “十三五”时期).
const TIME_LEAD = /^(?:特别是|其中|回顾)?(?:刚刚过去的|过去的)?(?:(?:19|20)\d{2}年|[一二三四五六七八九十]年来|过去[一二三四五]年|近[一二三四五]年|去年|今年|上年|一年来|“?十[一二三四五]五”?(?:时期|期间)?)(?:以来|来|里)?$/u;
const SUB_YEAR = /一季度|二季度|三季度|四季度|上半年|下半年|前三季度|前两季度|\d{1,2}[-—至]\d{1,2}月|\d{1,2}月份/u;
const NAME_ENDS = /^(?:$|[，。、；：！？,.;:]|全部|全面|均|已|有序|实现|摘帽|退出|出列|脱贫|达到|完成|搬迁|建设|和|及|与|的)/u;
const TIME_START = /^(?:特别是)?(?:刚刚)?(?:过去一年|过去五年|五年来|一年来|去年)/u;
const PREDICATE_CLAUSE = /^(?:年产量|产量|总量|规模|数量|总额|里程|年均|同比|比上年|分别|均|累计|全年)?(?:实际|名义)?(?:好于|低于|高于)?(?:增长|下降|提高|增加|减少|降低|回落|上涨|达到|达|突破|超过|控制在|保持在|稳定在)?(?:到|至)?(?:预期|目标)?(?:约|近|超过)?$/u;
const PLAN_SECTION = /工作安排|重点工作|总体要求|主要预期目标|目标任务|今后五年|总体安排|主要任务|工作任务|总体部署|工作部署/u;

interface Family {
  /** Entries sharing a subject, by measure. */
  byMeasure: Map<string, Indicator>;
}

/**
 * Catalogue names as a trie of UTF-16 units whose edges live in one open-addressed table of
 * typed arrays (node, unit → child): a step is integer arithmetic and a probe or two, where a
 * Map per node costs a hash lookup on an object.
 */
class NameTrie {
  private readonly from: Int32Array;
  private readonly unit: Int32Array;
  private readonly to: Int32Array;
  private readonly mask: number;
  /** The name that ends at each node, if one does; node 0 is the root. */
  private readonly ending: Array<string | null> = [null];

  constructor(names: readonly string[]) {
    const units = names.reduce((n, name) => n + name.length, 0);
    let size = 16;
    while (size < units * 4) size *= 2;
    this.from = new Int32Array(size).fill(-1);
    this.unit = new Int32Array(size);
    this.to = new Int32Array(size);
    this.mask = size - 1;
    for (const name of names) {
      let node = 0;
      for (let i = 0; i < name.length; i++) {
        const c = name.charCodeAt(i);
        let child = this.step(node, c);
        if (child < 0) {
          child = this.ending.length;
          this.ending.push(null);
          let slot = this.slot(node, c);
          while (this.from[slot] !== -1) slot = (slot + 1) & this.mask;
          this.from[slot] = node;
          this.unit[slot] = c;
          this.to[slot] = child;
        }
        node = child;
      }
      this.ending[node] = name;
    }
  }

  private slot(node: number, c: number): number {
    // Knuth's multiplicative hash: 0x9e3779b1 (2654435761) is the prime nearest 2^32 divided by
    // the golden ratio, so consecutive node numbers (a name's nodes are made one after another)
    // land far apart in the table rather than in one run that linear probing would crawl.
    return (Math.imul(node, 0x9e3779b1) ^ c) & this.mask;
  }

  /** The child of `node` by unit `c`, or -1. */
  step(node: number, c: number): number {
    for (let slot = this.slot(node, c); ; slot = (slot + 1) & this.mask) {
      const f = this.from[slot]!;
      if (f === -1) return -1;
      if (f === node && this.unit[slot] === c) return this.to[slot]!;
    }
  }

  /** The longest name at `at` in `text`, or null. */
  longestAt(text: string, at: number): string | null {
    let name: string | null = null;
    let node = 0;
    for (let j = at; j < text.length; j++) {
      node = this.step(node, text.charCodeAt(j));
      if (node < 0) break;
      name = this.ending[node] ?? name;
    }
    return name;
  }
}

interface Lexicon {
  names: NameTrie;
  /** A bit for the first two UTF-16 units of every name (pairSlot): most positions are passed over with one lookup. */
  pairs: Int32Array;
  families: Map<string, Family>;
}

// A hashed set of the names' opening pairs of characters: a slot shared by two pairs only costs
// a trie walk that finds nothing. 65,536 bits (8 KB) stay in the fastest cache, and the names'
// few hundred pairs set about 1% of them.
const PAIR_SLOTS = 1 << 16;
// 40503 is 2^16 divided by the golden ratio (Knuth's multiplicative hash for 16 bits): it spreads
// neighbouring first characters (CJK code points close together) across the slots, and being odd
// it maps the 65,536 UTF-16 units one to one, so two pairs with the same second unit never share a slot.
const pairSlot = (a: number, b: number) => (Math.imul(a, 40503) + b) & (PAIR_SLOTS - 1);
const hasPair = (pairs: Int32Array, slot: number) => (pairs[slot >>> 5]! & (1 << (slot & 31))) !== 0;

/** Every catalogue name in `text`, leftmost and longest first, not overlapping (like a regex alternation). */
function findNames(lex: Lexicon, text: string, offset = 0): Array<{ name: string; start: number; end: number }> {
  const out: Array<{ name: string; start: number; end: number }> = [];
  const pairs = lex.pairs;
  const n = text.length;
  // Each unit is read once and carried as the first of the next pair (twice as fast as two reads).
  let first = n > 0 ? text.charCodeAt(0) : 0;
  for (let i = 0; i + 1 < n; ) {
    const second = text.charCodeAt(i + 1);
    if (hasPair(pairs, pairSlot(first, second))) {
      const name = lex.names.longestAt(text, i);
      if (name !== null) {
        out.push({ name, start: offset + i, end: offset + i + name.length });
        i += name.length;
        first = i < n ? text.charCodeAt(i) : 0;
        continue;
      }
    }
    first = second;
    i++;
  }
  return out;
}

// A compound subject names two indicators at once; 分别 then gives one value to each.
const COMPOUND: Record<string, string[]> = {
  城乡居民人均可支配收入: ['urban_income', 'rural_income'],
  城乡居民收入: ['urban_income', 'rural_income'],
  城乡居民人均收入: ['urban_income', 'rural_income'],
};

let lexicon: Lexicon | null = null;
let byIdCache: Map<string, Indicator> | null = null;

function indicatorsById(): Map<string, Indicator> {
  byIdCache ??= new Map(catalog().indicators.map((i) => [i.id, i]));
  return byIdCache;
}

/** Catalogue names → families of indicators (gdp and gdp_growth share 地区生产总值). */
function getLexicon(): Lexicon {
  if (lexicon) return lexicon;
  const families = new Map<string, Family>();
  const byId = new Map(catalog().indicators.map((i) => [i.id, i]));
  const familyOf = (i: Indicator) => {
    const base = i.id.replace(/_(growth|reduction|share|ratio)$/u, '');
    return byId.get(base) ?? i;
  };
  // Each family's members in catalogue order, found once: every thread that extracts builds this.
  const members = new Map<Indicator, Indicator[]>();
  for (const ind of catalog().indicators) {
    const family = familyOf(ind);
    members.set(family, [...(members.get(family) ?? []), ind]);
  }
  for (const ind of catalog().indicators) {
    const siblings = members.get(familyOf(ind))!;
    for (const name of [ind.name_zh, ...ind.aliases]) {
      const fam = families.get(name) ?? { byMeasure: new Map() };
      fam.byMeasure.set(ind.measure, fam.byMeasure.get(ind.measure) ?? ind);
      // A level and its growth rate answer to each other's names.
      for (const sibling of siblings) {
        if (sibling !== ind && !fam.byMeasure.has(sibling.measure)) fam.byMeasure.set(sibling.measure, sibling);
      }
      families.set(name, fam);
    }
  }
  for (const [name, ids] of Object.entries(COMPOUND)) {
    if (ids.every((id) => byId.has(id))) families.set(name, { byMeasure: new Map() });
  }
  const names = new NameTrie([...families.keys()]);
  const pairs = new Int32Array(PAIR_SLOTS / 32);
  for (const name of families.keys()) {
    if (name.length < 2) throw new Error(`catalogue name ${name}: a name has at least two characters`);
    const slot = pairSlot(name.charCodeAt(0), name.charCodeAt(1));
    pairs[slot >>> 5]! |= 1 << (slot & 31);
  }
  lexicon = { names, pairs, families };
  return lexicon;
}

/** The catalogue names in a text as the stage finds them (exported for tests). */
export function catalogueNamesIn(text: string): Array<{ name: string; start: number; end: number }> {
  return findNames(getLexicon(), text);
}

interface Subject {
  name: string;
  start: number;
  end: number;
}

/** What the rules read of a paragraph: its text in simplified characters, and where it is. */
type ReadParagraph = Pick<Paragraph, 'ordinal' | 'textStart' | 'section'> & { text: string };

const asRead = (written: Paragraph, text: string): ReadParagraph => ({ ordinal: written.ordinal, textStart: written.textStart, section: written.section ?? null, text });

/** The paragraph in simplified characters, as the quantities stage read it. */
function readableOf(doc: Doc, p: Paragraph): string {
  return doc.data.readable?.[p.ordinal - 1] ?? toSimplified(p.text);
}

const BARE_SCALE = /^(?:万亿|亿|万)$/u;
const LEVEL_MEASURES: ReadonlySet<string> = new Set(['level', 'count']);

// A document writes few units, many times: each is read in simplified characters once.
const writtenUnits = new Map<string, { std: string; factor: number } | null>();

function writtenUnit(unit: string): { std: string; factor: number } | null {
  let std = writtenUnits.get(unit);
  if (std === undefined) writtenUnits.set(unit, (std = standardUnit(toSimplified(unit))));
  return std;
}

/** Units of a mention for an indicator: 329万贫困人口 has only a scale word; the noun gives the unit. */
function unitFor(m: Mention, ind: Indicator | null): { std: string; factor: number } | null {
  // A bare number first, so the comparisons below only ever see strings (a null reaching code
  // compiled for strings deoptimizes it); and the measure is tested (by a set: a rare 'count'
  // after `=== 'level' ||` was a comparison without feedback) before the rarely-true scale word,
  // so it has type feedback before the rare case reaches compiled code.
  const unit = m.unit;
  if (unit === null) return null;
  // 增长3.5倍 is a growth of 350 percent.
  if (unit === '倍' && ind?.unit_std === 'percent' && ind.measure === 'growth') return { std: 'percent', factor: 100 };
  const std = writtenUnit(unit);
  if (std) return std;
  if (ind && unit && LEVEL_MEASURES.has(ind.measure) && BARE_SCALE.test(unit)) {
    return { std: ind.unit_std, factor: unit === '万亿' ? 1e12 : unit === '亿' ? 1e8 : 1e4 };
  }
  return null;
}

function pickIndicator(fam: Family, m: Mention, predicate: string, name: string): Indicator | null {
  const level0 = fam.byMeasure.get('level') ?? fam.byMeasure.get('count');
  const std = unitFor(m, level0 ?? null);
  if (!std) return null;
  // 居民消费价格涨幅控制在3%: the name itself says it is a rate of change.
  const changes = /(?:涨幅|增速|增幅|增长率|增长|增长速度)(?:预期)?(?:目标)?$/u.test(name) || (GROWTH_VERB.test(predicate) && !TO_LEVEL.test(predicate));
  if (std.std === 'percent') {
    if (changes) return fam.byMeasure.get('reduction') ?? fam.byMeasure.get('growth') ?? null;
    return fam.byMeasure.get('share') ?? null;
  }
  if (std.std === 'times') return changes ? (fam.byMeasure.get('growth') ?? null) : null;
  if (std.std === 'percentage_point') return null;
  if (changes && !TO_LEVEL.test(predicate)) return null; // 增加8965元: a change in level, not a level
  const level = fam.byMeasure.get('level') ?? fam.byMeasure.get('count');
  return level && level.unit_std === std.std ? level : null;
}

/**
 * 预计 covers the whole sentence (up to 。); a target word counts when it comes before the number
 * (实现今年就业目标难度不小 after a number does not make it a target), or right after it
 * (好于下降7%的预期); and the plan sections of a report are targets throughout.
 */
function statusOf(fullSentence: string, before: string, after: string, section: string | null): IndicatorValue['status'] {
  if (/^的?(?:预期|目标)/u.test(after)) return 'target';
  // 控制在预期4.2%以内: the number is the target even inside a 预计 sentence.
  if (/(?:控制在|达到|实现)?(?:预期|目标)(?:为|是)?$/u.test(before) && !/(?:低于|高于|好于|超过|完成)(?:预期|目标)$/u.test(before)) return 'target';
  if (/预计/u.test(fullSentence)) return 'estimate';
  if (/将[^，。；]{0,6}$/u.test(before)) return 'target';
  if (TARGET_WORDS.test(before.replace(/(?:低于|高于|好于|超过|完成|超额完成|实现)(?:了)?(?:预期|目标)/gu, ''))) return 'target';
  if (section && PLAN_SECTION.test(section)) return 'target';
  return 'actual';
}

// One flag per UTF-16 unit: the walk to the sentence's ends tests every unit of it.
const FULL_STOP = new Uint8Array(65536);
for (const c of '。！？!?') FULL_STOP[c.charCodeAt(0)] = 1;

/** The sentence up to 。！？ around a position (the ；-separated items share it). */
function fullSentenceAt(text: string, at: number): { start: number; text: string } {
  let start = at;
  while (start > 0 && FULL_STOP[text.charCodeAt(start - 1)] === 0) start--;
  let end = at;
  while (end < text.length && FULL_STOP[text.charCodeAt(end)] === 0) end++;
  return { start, text: text.slice(start, end + 1) };
}

export const indicators: Stage = {
  name: 'indicators',
  version: '1',
  run(doc, ctx) {
    const mentions = (doc.data.mentions ?? []).map((m) => ({ ...m }));
    const values: IndicatorValue[] = [];
    const messages: Message[] = [];
    const paragraphs = doc.paragraphs ?? [];
    const carried = carriedPeriods(doc, paragraphs);
    const byParagraph = groupBy(mentions, (m) => m.paragraph);
    for (const written of paragraphs) {
      const own = byParagraph.get(written.ordinal) ?? [];
      if (own.length > 0) paragraphValues(doc, ctx, this.name, written, own, carried, values, messages);
    }
    values.push(...targetsWithoutNumber(doc, carried, byParagraph));
    return withStage(doc, this, { data: { ...doc.data, mentions, indicators: dedupe(values) }, messages: [...doc.messages, ...messages] });
  },
};

// The stage is cut into functions (carriedPeriods, paragraphValues, one per mention) rather than
// one `run`: each worker isolate compiles the hot ones again, and a deoptimization recompiles
// only the function it happens in, not everything inlined into one large one.

/** The period each paragraph is carried into by an earlier one, by ordinal. */
function carriedPeriods(doc: Doc, paragraphs: readonly Paragraph[]): Map<number, Period | null> {
  const meta = doc.meta!;
  // A paragraph that opens with a time (一年来，… / 特别是刚刚过去的2022年，…) dates the paragraphs
  // after it until the next heading.
  const carried = new Map<number, Period | null>();
  let context: Period | null = null;
  for (const p of paragraphs) {
    const ordinal = p.ordinal;
    if ((p.headingLevel ?? null) !== null) context = null;
    else {
      const text = readableOf(doc, p);
      const lead = text.slice(0, Math.max(0, text.search(/[，,]/u)));
      const start = TIME_START.exec(text)?.[0];
      const opened = TIME_LEAD.test(lead) ? periodIn(lead, meta.year, meta.kind === 'government_work_report') : start ? periodIn(start, meta.year, meta.kind === 'government_work_report') : null;
      if (opened) context = opened;
    }
    carried.set(ordinal, context);
  }
  return carried;
}

/** The indicator values of one paragraph's mentions (`own`, at least one), into `values` and `messages`. */
function paragraphValues(doc: Doc, ctx: StageContext, stageName: string, written: Paragraph, own: Mention[], carried: Map<number, Period | null>, values: IndicatorValue[], messages: Message[]): void {
  const lex = getLexicon();
  const byId = indicatorsById();
  const ordinal = written.ordinal;
  // Matched in simplified characters, reported as written (the offsets are the same).
  const p = asRead(written, readableOf(doc, written));
  const inSentences = mentionsBySentence(own, sentences(p.text));
  for (const [s, inSentence] of inSentences) {
    const subjects: Subject[] = [];
    subjects.push(...findNames(lex, s.text, s.start));
    const sentenceClauses = clauses(s);
    const scope: Scope = { p, s, inSentence, subjects, clauseOf: (i: number) => sentenceClauses.find((c) => i >= c.start && i < c.end)!, respectively: s.text.indexOf('分别') };
    for (const m of inSentence) {
      const reading = mentionValue(doc, scope, m, byId, lex, carried.get(ordinal) ?? null, written.text);
      if (reading === null) continue;
      const { ind, value } = reading;
      const { min: lo, max: hi } = ind.plausible;
      const stdValues = [value.valueStd, value.valueStdLow, value.valueStdHigh].filter((v): v is number => v !== null);
      if (stdValues.some((v) => v < lo || v > hi)) {
        messages.push(implausible(doc, ctx, stageName, p, m, ind, stdValues));
        continue;
      }
      m.cls = 'indicator';
      m.indicatorId = ind.id;
      values.push(value);
    }
  }
}

// What the rules about one mention read of its sentence. The rules are cut into functions of
// a few steps each (subject, predicate, indicator, value): one function with all of them took
// TurboFan about 100 ms to compile, again in every worker and again after each deoptimization.
interface Scope {
  p: ReadParagraph;
  s: Span;
  /** The sentence's candidate numbers, in order. */
  inSentence: Mention[];
  /** The catalogue names in the sentence, in order. */
  subjects: Subject[];
  clauseOf: (i: number) => Range;
  /** Where 分别 is in the sentence, or -1. */
  respectively: number;
}

/** The value a mention states and its indicator, or null; sets its label (and may take a listed qualifier) on the way. */
function mentionValue(doc: Doc, scope: Scope, m: Mention, byId: Map<string, Indicator>, lex: Lexicon, carried: Period | null, written: string): { ind: Indicator; value: IndicatorValue } | null {
  const { p, s } = scope;
  // 分别: the i-th number after 分别 belongs to the i-th subject before it.
  const listed = scope.respectively >= 0 && m.start > s.start + scope.respectively ? listSubject(scope, m) : null;
  const targetId = listed?.targetId ?? null;
  const subject = listed?.subject ?? subjectOf(scope, m);
  if (!subject) return null;
  // 一季度、上半年、前三季度…: values for part of a year are not the indicator's.
  if (SUB_YEAR.test(p.text.slice(Math.max(s.start, Math.min(subject.start, scope.clauseOf(m.start).start)), m.start))) return null;
  // 一个贫困村 in 决不落下一个贫困村: a one written in words is a manner of speaking.
  if (m.numeral === 'chinese' && m.value === 1) return null;
  const predicate = listed?.predicate ?? predicateOf(scope, m, subject);
  let ind = targetId ? compoundIndicator(byId, targetId, m, predicate) : indicatorOf(lex, subject, m, predicate);
  m.label = written.slice(subject.start, subject.end);
  // 单位国内生产总值能源消耗: a quantity per unit of GDP is not GDP.
  if (/单位$|每万元$|万元$/u.test(p.text.slice(Math.max(s.start, subject.start - 3), subject.start))) return null;
  // 329万贫困人口全部脱贫: a stock of poor people that left poverty is a poverty reduction.
  if (ind?.id === 'poor_population' && /^[^，。；]{0,6}(?:脱贫|摆脱贫困|实现脱贫)/u.test(p.text.slice(Math.max(subject.end, m.end)))) ind = byId.get('poverty_reduction') ?? ind;
  if (!ind) return null;
  // 新增财政支出15.87亿元: an increment of a level is not the level.
  if (LEVEL_MEASURES.has(ind.measure) && !ind.id.startsWith('new_') && /(?:新增|净增|增加|追加|减少|压减)$/u.test(p.text.slice(Math.max(s.start, subject.start - 2), subject.start))) return null;
  // 突破2万亿元、2.5万亿元: the word before the first item qualifies each item.
  const prev = scope.inSentence[scope.inSentence.indexOf(m) - 1];
  if (m.qualifier === 'exact' && prev && /^、$/u.test(p.text.slice(prev.end, m.start)) && /^(?:约|近|超过|突破|逾)/u.test(prev.text)) m.qualifier = prev.qualifier;
  return { ind, value: makeValue(doc, ind, m, p, s, subject, predicate, carried, written) };
}

/**
 * A number after 分别: the subject at its place in the list before 分别 (or, for a compound
 * subject, the indicator it names at that place), and the predicate said once for all.
 */
function listSubject(scope: Scope, m: Mention): { subject: Subject | undefined; targetId: string | null; predicate: string | null } {
  const { p, s, respectively } = scope;
  let subject: Subject | undefined;
  let targetId: string | null = null;
  let predicate: string | null = null;
  const listClause = scope.clauseOf(s.start + respectively);
  const listSubjects = scope.subjects.filter((x) => x.end <= s.start + respectively && x.start >= listClause.start);
  const numbers = scope.inSentence.filter((x) => x.start > s.start + respectively && x.start < listClause.end);
  const k = numbers.indexOf(m);
  const lastSubject = listSubjects.at(-1);
  // Every number of the list takes the predicate said once for all (…分别增长11.6%、11.7%).
  if (k >= 0 && lastSubject && numbers[0]) predicate = p.text.slice(lastSubject.end, numbers[0].start);
  const compound = listSubjects.length === 1 ? COMPOUND[listSubjects[0]!.name] : undefined;
  if (compound && k >= 0 && k < compound.length) {
    subject = listSubjects[0];
    targetId = compound[k]!;
  } else if (k >= 0 && k < listSubjects.length && listSubjects.length === numbers.length) subject = listSubjects[k];
  return { subject, targetId, predicate };
}

/** The subject of a number not placed by a 分别 list: a name right after it, else the nearest before. */
function subjectOf(scope: Scope, m: Mention): Subject | undefined {
  // 58个贫困县, 329万贫困人口: a catalogue name right after the number is its subject.
  return subjectAfter(scope, m) ?? subjectBefore(scope, m);
}

function subjectAfter(scope: Scope, m: Mention): Subject | undefined {
  const { p, subjects } = scope;
  let subject = subjects.find((x) => x.start >= m.end && x.start <= m.end + 8 && /^[\p{Script=Han}]*$/u.test(p.text.slice(m.end, x.start)));
  // 10万贫困人口实施易地扶贫搬迁: a second name right after says what the people did.
  const next = subject && subjects.find((x) => x.start > subject!.end && x.start <= subject!.end + 6 && !/[，。；、]/u.test(p.text.slice(subject!.end, x.start)));
  if (next) subject = next;
  // The counted thing must end at the name: 36个贫困县建档立卡贫困家庭 counts families.
  if (subject && subject.start >= m.end && !NAME_ENDS.test(p.text.slice(subject.end, subject.end + 4))) subject = undefined;
  return subject;
}

function subjectBefore(scope: Scope, m: Mention): Subject | undefined {
  const clause = scope.clauseOf(m.start);
  const before = scope.subjects.filter((x) => x.end <= m.start);
  const subject = before.filter((x) => x.start >= clause.start).at(-1) ?? before.at(-1);
  // A subject reaches into a later clause only when that clause is a bare predicate
  // (…大关，年均增长约6%; …3.52%，控制在4.2%以内); a clause with words of its own has its own subject.
  const predicateOnly = PREDICATE_CLAUSE.test(scope.p.text.slice(clause.start, m.start));
  return subject && subject.start < clause.start && !predicateOnly ? undefined : subject;
}

/**
 * The words that say what the number is: after the subject, or after the last number between
 * them (…的2.4%提高到2019年底的23.18%), without a year that dates the number; the items of a
 * list (提高177元、209元) share the words said before the first.
 */
function predicateOf(scope: Scope, m: Mention, subject: Subject): string {
  const { p, inSentence } = scope;
  if (subject.start >= m.end) return '';
  let between = inSentence.filter((o) => o !== m && o.start >= subject.end && o.end <= m.start).at(-1);
  while (between && /^[、和及与]$/u.test(p.text.slice(between.end, (inSentence[inSentence.indexOf(between) + 1] ?? m).start))) {
    const earlier = inSentence[inSentence.indexOf(between) - 1];
    if (!earlier || earlier.start < subject.end) {
      between = undefined;
      break;
    }
    between = earlier;
  }
  return p.text.slice(between ? between.end : subject.end, m.start).replace(/(?:19|20)\d{2}年(?:底|末|初)?的$/u, '');
}

/** One indicator of a compound subject (城乡居民收入: urban_income, rural_income), level or growth. */
function compoundIndicator(byId: Map<string, Indicator>, targetId: string, m: Mention, predicate: string): Indicator | null {
  const base = byId.get(targetId)!;
  const growth = byId.get(`${targetId}_growth`);
  const std = unitFor(m, base);
  return std?.std === 'percent' ? (growth ?? null) : std?.std === base.unit_std && (!GROWTH_VERB.test(predicate) || TO_LEVEL.test(predicate)) ? base : null;
}

function indicatorOf(lex: Lexicon, subject: Subject, m: Mention, predicate: string): Indicator | null {
  const fam = lex.families.get(subject.name);
  return fam ? pickIndicator(fam, m, predicate, subject.name) : null;
}

function implausible(doc: Doc, ctx: StageContext, stageName: string, p: ReadParagraph, m: Mention, ind: Indicator, stdValues: number[]): Message {
  const { min: lo, max: hi } = ind.plausible;
  const [rawStart, rawEnd] = rawRange(doc.map, p.textStart + m.start, p.textStart + m.end, doc.raw.length);
  return message(doc, ctx, { severity: 'warning', stage: stageName, rule: 'indicator/implausible', reason: `${ind.id} ${stdValues.join('–')} ${ind.unit_std} is outside its plausible range ${lo}–${hi}; not published`, rawStart, rawEnd, found: m.text });
}

/**
 * The sentences that hold candidate numbers (count or other, readable) wholly inside them, each
 * with those numbers in paragraph order. The scanner reports a paragraph's numbers in order, so
 * one pass over both lists does; numbers out of order are filtered per sentence.
 */
function mentionsBySentence(own: Mention[], spans: Span[]): Array<[Span, Mention[]]> {
  const out: Array<[Span, Mention[]]> = [];
  const candidate = (m: Mention) => (m.cls === 'count' || m.cls === 'other') && !m.problem;
  const ordered = own.every((m, i) => i === 0 || own[i - 1]!.start <= m.start);
  let next = 0;
  for (const s of spans) {
    let inSentence: Mention[];
    if (ordered) {
      while (next < own.length && own[next]!.start < s.start) next++;
      inSentence = [];
      for (; next < own.length && own[next]!.start < s.end; next++) {
        const m = own[next]!;
        if (m.end <= s.end && candidate(m)) inSentence.push(m);
      }
    } else inSentence = own.filter((m) => m.start >= s.start && m.end <= s.end && candidate(m));
    if (inSentence.length > 0) out.push([s, inSentence]);
  }
  return out;
}

function makeValue(doc: Doc, ind: Indicator, m: Mention, p: ReadParagraph, s: Span, subject: Subject, predicate: string, carried: Period | null, written: string): IndicatorValue {
  const meta = doc.meta!;
  const std = unitFor(m, ind)!;
  const falls = FALL_VERB.test(predicate) && ind.measure !== 'reduction';
  const sign = falls ? -1 : 1;
  const after = p.text.slice(m.end, s.end);
  const full = fullSentenceAt(p.text, m.start);
  const status = statusOf(full.text, p.text.slice(full.start, m.start), after, p.section ?? null);
  const period = resolvePeriod(doc, p, s, m, status, carried);
  const scale = (v: number | null) => (v === null ? null : roundStd(v * std.factor));
  const value = m.value === null ? null : sign * m.value;
  const [lo, hi] = m.valueLow === null ? [null, null] : falls ? [-m.valueHigh!, -m.valueLow] : [m.valueLow, m.valueHigh];
  const [rawStart, rawEnd] = rawRange(doc.map, p.textStart + m.start, p.textStart + m.end, doc.raw.length);
  const region = /全国|全社会/u.test(p.text.slice(Math.max(s.start, subject.start - 3), subject.start)) && meta.scope !== 'provincial' ? '全国' : /全国/u.test(p.text.slice(Math.max(s.start, subject.start - 2), subject.start)) ? '全国' : meta.region;
  return {
    indicatorId: ind.id, label: written.slice(subject.start, subject.end), value, valueLow: lo, valueHigh: hi, unit: m.unit,
    valueStd: scale(value), valueStdLow: scale(lo), valueStdHigh: scale(hi), unitStd: ind.unit_std, qualifier: m.qualifier, status,
    period: period.label, periodStart: `${period.start}-01-01`, periodEnd: `${period.end}-12-31`, region, paragraph: p.ordinal,
    section: p.section ?? null, sentence: written.slice(s.start, s.end), rawStart, rawEnd, note: null,
  };
}

function roundStd(v: number): number {
  // An integer of up to 12 digits is already what 12 significant digits give (0 for -0, as the
  // string round trip gives).
  if (Number.isInteger(v) && Math.abs(v) < 1e12) return v + 0;
  return Number(v.toPrecision(12));
}

function resolvePeriod(doc: Doc, p: ReadParagraph, s: Span, m: Mention, status: IndicatorValue['status'], carried: Period | null): Period {
  const base = basePeriod(doc, p, s, m, status, carried);
  const before = p.text.slice(Math.max(s.start, m.start - 6), m.start);
  const after = p.text.slice(m.end, m.end + 4);
  // 由26个增至88个: the first number is the level before the period began.
  if (/(?:由|从)$/u.test(before) && /^(?:增至|增加到|增长到|提高到|上升到|降至|下降到|减少到|减至)/u.test(after)) return yearPeriod(base.start - 1);
  // 年均增长5.5%: an average over years, never one year.
  if (/年均/u.test(p.text.slice(Math.max(s.start, m.start - 8), m.start)) && base.start === base.end) {
    const report = doc.meta!.kind === 'government_work_report';
    const wider = [carried, ...(p.section ?? '').split(' > ').reverse().map((part) => periodIn(part, doc.meta!.year, report))].find((x) => x && x.start < x.end);
    return wider ?? { label: `${base.end - 4}-${base.end}`, start: base.end - 4, end: base.end };
  }
  return base;
}

function basePeriod(doc: Doc, p: ReadParagraph, s: Span, m: Mention, status: IndicatorValue['status'], carried: Period | null): Period {
  const meta = doc.meta!;
  const year = meta.year;
  const report = meta.kind === 'government_work_report';
  // 从2017年的1.45万亿元: a year right before the number, joined by 的, is that number's own.
  const lead = p.text.slice(Math.max(s.start, m.start - 14), m.start);
  const own = /((?:19|20)\d{2})年(?:底|末|初)?的$/u.exec(lead);
  if (own) return yearPeriod(Number(own[1]));
  // 20世纪50年代初期的2.4%: a decade.
  const decade = /(?:(\d{2})世纪)?(\d)0年代(?:初期|中期|末期|初|末)?的$/u.exec(lead);
  if (decade) {
    const first = (decade[1] ? (Number(decade[1]) - 1) * 100 : 1900) + Number(decade[2]) * 10;
    return { label: `${first}-${first + 9}`, start: first, end: first + 9 };
  }
  // Years that belong to one number (从2017年的) or are a comparison base (比2015年) do not date the sentence.
  const strip = (t: string) => t.replace(/(?:从|由)?(?:19|20)\d{2}年(?:底|末|初)?的|比(?:19|20)\d{2}年(?:底|末)?/gu, '');
  const inSentence = periodIn(strip(p.text.slice(s.start, m.start)), year, report) ?? periodIn(strip(s.text), year, report);
  if (inSentence) return inSentence;
  // The time a paragraph opens with (五年来，…), or the one carried from an earlier paragraph; a
  // year named in passing in an earlier sentence (成功应对2021年…秋汛) does not date it.
  if (carried) return carried;
  if (p.section) {
    // The innermost heading that names a period decides.
    for (const part of p.section.split(' > ').reverse()) {
      const fromSection = periodIn(part, year, report);
      if (fromSection) return fromSection;
    }
  }
  if (year === null) return { label: 'unknown', start: 1900, end: 1900 };
  return yearPeriod(status === 'target' || !report ? year : year - 1);
}

/** The same fact stated twice in a document is one row, citing its first statement. */
function dedupe(values: IndicatorValue[]): IndicatorValue[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = `${v.indicatorId}|${v.period}|${v.status}|${v.value ?? ''}|${v.valueLow ?? ''}|${v.valueHigh ?? ''}|${v.qualifier}|${v.region ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Targets set without a number are rows with a null value and a note, so "not stated" differs
 * from "not found": 全社会固定资产投资增长目标根据新的统计口径设置, 增速与经济增长基本同步, and in a plan
 * 环境质量方面，包括A，B，…减排幅度，完成国家下达任务 (one row per indicator named).
 */
function targetsWithoutNumber(doc: Doc, carried: Map<number, Period | null>, byParagraph: Map<number, Mention[]>): IndicatorValue[] {
  const out: IndicatorValue[] = [];
  for (const written of doc.paragraphs ?? []) {
    const text = readableOf(doc, written);
    // Neither pattern crosses a sentence end, so a paragraph without them has no such target.
    if (NUMBERLESS_KEYWORD.test(text) || ASSIGNED_TASK.test(text)) numberlessTargetsIn(doc, written, text, carried, byParagraph, out);
  }
  return out;
}

/**
 * The targets without a number in one paragraph that has the words of one, into `out`. Apart
 * from the loop that looks for those words: the loop is hot and compiled in every worker, this
 * is reached for few paragraphs and, inlined there, made each compile of it several times larger.
 */
function numberlessTargetsIn(doc: Doc, written: Paragraph, text: string, carried: Map<number, Period | null>, byParagraph: Map<number, Mention[]>, out: IndicatorValue[]): void {
  const lex = getLexicon();
  const p = asRead(written, text);
  const amounts = (byParagraph.get(p.ordinal) ?? []).filter((m) => m.unit !== null && (m.cls === 'other' || m.cls === 'count' || m.cls === 'indicator'));
  const row = (ind: Indicator, s: Span, start: number, length: number, note: string): IndicatorValue => {
    const [rawStart, rawEnd] = rawRange(doc.map, p.textStart + start, p.textStart + start + length, doc.raw.length);
    const period = resolvePeriod(doc, p, s, { start, end: start } as Mention, 'target', carried.get(p.ordinal) ?? null);
    return {
      indicatorId: ind.id, label: written.text.slice(start, start + length), value: null, valueLow: null, valueHigh: null, unit: null,
      valueStd: null, valueStdLow: null, valueStdHigh: null, unitStd: ind.unit_std, qualifier: 'exact', status: 'target',
      period: period.label, periodStart: `${period.start}-01-01`, periodEnd: `${period.end}-12-31`, region: doc.meta!.region,
      paragraph: p.ordinal, section: p.section ?? null, sentence: written.text.slice(s.start, s.end), rawStart, rawEnd,
      note: `target stated without a number: ${note}`,
    };
  };
  for (const s of sentences(p.text)) {
    for (const m of NUMBERLESS_KEYWORD.test(s.text) ? s.text.matchAll(NUMBERLESS_TARGET) : []) {
      // Each alternative begins with the words naming the indicator.
      const what = m.groups!['what'] ?? m.groups!['what2'] ?? m.groups!['what3'] ?? m.groups!['what4'] ?? '';
      const found = findNames(lex, what).at(-1);
      const fam = found && lex.families.get(found.name);
      if (!found || !fam) continue;
      const ind = m.groups!['growth'] || m.groups!['growth2'] || m.groups!['growth3']
        ? fam.byMeasure.get('growth')
        : m.groups!['what4'] !== undefined ? (fam.byMeasure.get('share') ?? fam.byMeasure.get('level')) : fam.byMeasure.get('level');
      const start = s.start + m.index;
      if (ind) out.push(row(ind, s, start + found.start, found.name.length, written.text.slice(start, start + m[0].length)));
    }
    const done = ASSIGNED_TASK.exec(s.text);
    if (!done || amounts.some((m) => m.start >= s.start && m.end <= s.start + done.index)) continue;
    const planned = !/预计/u.test(s.text) && ((p.section && PLAN_SECTION.test(p.section)) || /约束性指标是|预期目标|主要目标/u.test(p.text));
    if (!planned) continue;
    const listed = s.text.slice(0, done.index);
    for (const a of findNames(lex, listed)) {
      const fam = lex.families.get(a.name);
      if (!fam) continue;
      // The words after the name (or after the last name of a 、 list) say what is measured.
      const rest = listed.slice(a.end);
      const tail = rest.replace(/^(?:[、和及与][^，,、]{1,12})*/u, '').split(/[，,]/u)[0] ?? '';
      const measureWords = rest.split(/[，,]/u)[0] + tail;
      const ind = /下降|减排|降低/u.test(measureWords) ? fam.byMeasure.get('reduction') : /比例|率/u.test(a.name + measureWords) ? fam.byMeasure.get('share') : undefined;
      if (ind) out.push(row(ind, s, s.start + a.start, a.name.length, done[0].replace(/^[，,]/u, '')));
    }
  }
}

const ASSIGNED_TASK = /[，,]?完成(?:国家|上级)?下达(?:的)?(?:任务|目标)/u;

// The words every alternative of NUMBERLESS_TARGET must contain: a sentence without them is
// skipped, since the lazy subject before them makes the full pattern slow to fail.
const NUMBERLESS_KEYWORD = /目标(?:根据|视|按照)|经济增长(?:基本)?同步|高于经济增长|由负转[正平]|力争达到/u;
// Targets set in words: 增长目标根据新的统计口径设置; 增速与经济增长基本同步; 增速高于经济增长.
const NUMBERLESS_TARGET =
  /(?<what>[^，。；、]{2,30}?)(?<growth>增长|增速)?目标(?:根据|视|按照)[^，。；]{2,40}(?:设置|确定|另行)|(?<what2>[^，。；、]{2,30}?)(?<growth2>增速|增长)(?:与|和|同)经济增长(?:基本)?同步|(?<what3>[^，。；、]{2,30}?)(?<growth3>增速|增长)(?:高于经济增长|由负转[正平])|(?<what4>[^，。；、]{2,30}?)力争达到(?:或高于)?全国(?:平均|中游)水平/gu;
