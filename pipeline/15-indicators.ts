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
import { clauses, sentences, type Span } from '../lib/clauses.js';
import { message } from '../lib/messages.js';
import { rawRange } from '../lib/offset-map.js';
import { periodIn, yearPeriod, type Period } from '../lib/periods.js';

const GROWTH_VERB = /增长|增速|增幅|提高|上升|上涨|涨幅|增加|回升|下降|减少|降低|回落|下滑|降幅|同比|年均|缩小|扩大/u;
const FALL_VERB = /下降|减少|降低|回落|下滑|降幅|缩小/u;
const TO_LEVEL = /(?:到|至|为|达|达到|是|占|共|实现|完成)$/u;
const TARGET_WORDS = /预期目标|主要目标|目标是|目标为|力争|控制在|预期|确保|目标/u;
const PLAN_SECTION = /工作安排|重点工作|总体要求|主要预期目标|目标任务|今后五年|总体安排/u;

interface Family {
  /** Entries sharing a subject, by measure. */
  byMeasure: Map<string, Indicator>;
}

interface Lexicon {
  pattern: RegExp;
  families: Map<string, Family>;
}

// A compound subject names two indicators at once; 分别 then gives one value to each.
const COMPOUND: Record<string, string[]> = {
  城乡居民人均可支配收入: ['urban_income', 'rural_income'],
  城乡居民收入: ['urban_income', 'rural_income'],
  城乡居民人均收入: ['urban_income', 'rural_income'],
};

let lexicon: Lexicon | null = null;

/** Catalogue names → families of indicators (gdp and gdp_growth share 地区生产总值). */
function getLexicon(): Lexicon {
  if (lexicon) return lexicon;
  const families = new Map<string, Family>();
  const byId = new Map(catalog().indicators.map((i) => [i.id, i]));
  const familyOf = (i: Indicator) => {
    const base = i.id.replace(/_(growth|reduction|share|ratio)$/u, '');
    return byId.get(base) ?? i;
  };
  for (const ind of catalog().indicators) {
    for (const name of [ind.name_zh, ...ind.aliases]) {
      const fam = families.get(name) ?? { byMeasure: new Map() };
      fam.byMeasure.set(ind.measure, fam.byMeasure.get(ind.measure) ?? ind);
      // A level and its growth rate answer to each other's names.
      for (const sibling of catalog().indicators) {
        if (sibling !== ind && familyOf(sibling) === familyOf(ind) && !fam.byMeasure.has(sibling.measure)) fam.byMeasure.set(sibling.measure, sibling);
      }
      families.set(name, fam);
    }
  }
  for (const [name, ids] of Object.entries(COMPOUND)) {
    if (ids.every((id) => byId.has(id))) families.set(name, { byMeasure: new Map() });
  }
  const names = [...families.keys()].sort((a, b) => b.length - a.length).map((n) => n.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&'));
  lexicon = { pattern: new RegExp(names.join('|'), 'gu'), families };
  return lexicon;
}

interface Subject {
  name: string;
  start: number;
  end: number;
}

function pickIndicator(fam: Family, m: Mention, predicate: string): Indicator | null {
  const std = standardUnit(m.unit);
  if (!std) return null;
  const changes = GROWTH_VERB.test(predicate) && !TO_LEVEL.test(predicate);
  if (std.std === 'percent') {
    if (changes) return fam.byMeasure.get('reduction') ?? fam.byMeasure.get('growth') ?? null;
    return fam.byMeasure.get('share') ?? null;
  }
  if (std.std === 'percentage_point') return null;
  if (changes && !TO_LEVEL.test(predicate)) return null; // 增加8965元: a change in level, not a level
  const level = fam.byMeasure.get('level') ?? fam.byMeasure.get('count');
  return level && level.unit_std === std.std ? level : null;
}

function statusOf(sentence: string, after: string, section: string | null): IndicatorValue['status'] {
  if (/^的?(?:预期|目标)/u.test(after)) return 'target';
  if (/预计/u.test(sentence)) return 'estimate';
  if (TARGET_WORDS.test(sentence.replace(/(?:低于|高于|好于|超过|完成|超额完成)预期/gu, ''))) return 'target';
  if (section && PLAN_SECTION.test(section)) return 'target';
  return 'actual';
}

export const indicators: Stage = {
  name: 'indicators',
  version: '1',
  run(doc, ctx) {
    const meta = doc.meta!;
    const lex = getLexicon();
    const byId = new Map(catalog().indicators.map((i) => [i.id, i]));
    const mentions = (doc.data.mentions ?? []).map((m) => ({ ...m }));
    const values: IndicatorValue[] = [];
    const messages: Message[] = [];
    const paragraphs = new Map((doc.paragraphs ?? []).map((p) => [p.ordinal, p]));

    for (const [ordinal, p] of paragraphs) {
      const own = mentions.filter((m) => m.paragraph === ordinal);
      if (own.length === 0) continue;
      for (const s of sentences(p.text)) {
        const inSentence = own.filter((m) => m.start >= s.start && m.end <= s.end && (m.cls === 'count' || m.cls === 'other') && !m.problem);
        if (inSentence.length === 0) continue;
        const subjects: Subject[] = [];
        lex.pattern.lastIndex = 0;
        for (const a of s.text.matchAll(lex.pattern)) subjects.push({ name: a[0], start: s.start + a.index, end: s.start + a.index + a[0].length });
        const sentenceClauses = clauses(s);
        const clauseOf = (i: number) => sentenceClauses.find((c) => i >= c.start && i < c.end)!;
        const respectively = s.text.indexOf('分别');

        inSentence.forEach((m) => {
          // 分别: the i-th number after 分别 belongs to the i-th subject before it.
          let subject: Subject | undefined;
          let targetId: string | null = null;
          if (respectively >= 0 && m.start > s.start + respectively) {
            const listClause = clauseOf(s.start + respectively);
            const listSubjects = subjects.filter((x) => x.end <= s.start + respectively && x.start >= listClause.start);
            const numbers = inSentence.filter((x) => x.start > s.start + respectively && x.start < listClause.end);
            const k = numbers.indexOf(m);
            const compound = listSubjects.length === 1 ? COMPOUND[listSubjects[0]!.name] : undefined;
            if (compound && k >= 0 && k < compound.length) {
              subject = listSubjects[0];
              targetId = compound[k]!;
            } else if (k >= 0 && k < listSubjects.length && listSubjects.length === numbers.length) subject = listSubjects[k];
          }
          if (!subject) {
            const clause = clauseOf(m.start);
            const before = subjects.filter((x) => x.end <= m.start);
            subject = before.filter((x) => x.start >= clause.start).at(-1) ?? before.at(-1);
            // Another number between subject and this one took the subject, unless they are a list.
            if (subject && subject.start < clause.start && inSentence.some((o) => o !== m && o.start > subject!.end && o.end <= m.start && !/^[、和及与]/u.test(p.text.slice(o.end, m.start)))) subject = undefined;
          }
          if (!subject) return;
          const predicate = p.text.slice(subject.end, m.start);
          let ind: Indicator | null = null;
          if (targetId) {
            const base = byId.get(targetId)!;
            const growth = byId.get(`${targetId}_growth`);
            const std = standardUnit(m.unit);
            ind = std?.std === 'percent' ? (growth ?? null) : std?.std === base.unit_std && (!GROWTH_VERB.test(predicate) || TO_LEVEL.test(predicate)) ? base : null;
          } else {
            const fam = lex.families.get(subject.name);
            if (fam) ind = pickIndicator(fam, m, predicate);
          }
          m.label = p.text.slice(subject.start, subject.end);
          if (!ind) return;
          const value = makeValue(doc, ind, m, p, s, subject, predicate);
          if (!value) return;
          const { lo, hi } = { lo: ind.plausible.min, hi: ind.plausible.max };
          const stdValues = [value.valueStd, value.valueStdLow, value.valueStdHigh].filter((v): v is number => v !== null);
          if (stdValues.some((v) => v < lo || v > hi)) {
            const [rawStart, rawEnd] = rawRange(doc.map, p.textStart + m.start, p.textStart + m.end, doc.raw.length);
            messages.push(message(doc, ctx, { severity: 'warning', stage: this.name, rule: 'indicator/implausible', reason: `${ind.id} ${stdValues.join('–')} ${ind.unit_std} is outside its plausible range ${lo}–${hi}; not published`, rawStart, rawEnd, found: m.text }));
            return;
          }
          m.cls = 'indicator';
          m.indicatorId = ind.id;
          values.push(value);
        });
      }
    }
    values.push(...targetsWithoutNumber(doc, ctx));
    return withStage(doc, this, { data: { ...doc.data, mentions, indicators: dedupe(values) }, messages: [...doc.messages, ...messages] });
  },
};

function makeValue(doc: Doc, ind: Indicator, m: Mention, p: Paragraph, s: Span, subject: Subject, predicate: string): IndicatorValue | null {
  const meta = doc.meta!;
  const std = standardUnit(m.unit)!;
  const falls = FALL_VERB.test(predicate) && ind.measure !== 'reduction';
  const sign = falls ? -1 : 1;
  const after = p.text.slice(m.end, s.end);
  const status = statusOf(s.text, after, p.section ?? null);
  const period = resolvePeriod(doc, p, s, m, status);
  const scale = (v: number | null) => (v === null ? null : roundStd(v * std.factor));
  const value = m.value === null ? null : sign * m.value;
  const [lo, hi] = m.valueLow === null ? [null, null] : falls ? [-m.valueHigh!, -m.valueLow] : [m.valueLow, m.valueHigh];
  const [rawStart, rawEnd] = rawRange(doc.map, p.textStart + m.start, p.textStart + m.end, doc.raw.length);
  const region = /全国|全社会/u.test(p.text.slice(Math.max(s.start, subject.start - 3), subject.start)) && meta.scope !== 'provincial' ? '全国' : /全国/u.test(p.text.slice(Math.max(s.start, subject.start - 2), subject.start)) ? '全国' : meta.region;
  return {
    indicatorId: ind.id, label: p.text.slice(subject.start, subject.end), value, valueLow: lo, valueHigh: hi, unit: m.unit,
    valueStd: scale(value), valueStdLow: scale(lo), valueStdHigh: scale(hi), unitStd: ind.unit_std, qualifier: m.qualifier, status,
    period: period.label, periodStart: `${period.start}-01-01`, periodEnd: `${period.end}-12-31`, region, paragraph: p.ordinal,
    section: p.section ?? null, sentence: s.text, rawStart, rawEnd, note: null,
  };
}

function roundStd(v: number): number {
  return Number(v.toPrecision(12));
}

function resolvePeriod(doc: Doc, p: Paragraph, s: Span, m: Mention, status: IndicatorValue['status']): Period {
  const meta = doc.meta!;
  const year = meta.year;
  // 从2017年的1.45万亿元: a year right before the number, joined by 的, is that number's own.
  const own = /((?:19|20)\d{2})年(?:的|底|末)$/u.exec(p.text.slice(Math.max(s.start, m.start - 8), m.start));
  if (own) return yearPeriod(Number(own[1]));
  const inSentence = periodIn(p.text.slice(s.start, m.start), year) ?? periodIn(s.text, year);
  if (inSentence) return inSentence;
  if (p.section) {
    // The innermost heading that names a period decides.
    for (const part of p.section.split(' > ').reverse()) {
      const fromSection = periodIn(part, year);
      if (fromSection) return fromSection;
    }
  }
  if (year === null) return { label: 'unknown', start: 1900, end: 1900 };
  const report = meta.kind === 'government_work_report';
  return yearPeriod(status === 'target' || !report ? year : year - 1);
}

/** The same fact stated twice in a document is one row, citing its first statement. */
function dedupe(values: IndicatorValue[]): IndicatorValue[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = [v.indicatorId, v.period, v.status, v.value, v.valueLow, v.valueHigh, v.qualifier, v.region].join('|');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** 全社会固定资产投资增长目标根据新的统计口径设置: a target set without a number is a row with a note. */
function targetsWithoutNumber(doc: Doc, ctx: StageContext): IndicatorValue[] {
  const lex = getLexicon();
  const out: IndicatorValue[] = [];
  for (const p of doc.paragraphs ?? []) {
    for (const s of sentences(p.text)) {
      const m = /(?<what>[^，。；]{2,30}?)(?<growth>增长|增速)?目标(?:根据|视|按照)(?<how>[^，。；]{2,40})(?:设置|确定|另行)/u.exec(s.text);
      if (!m) continue;
      lex.pattern.lastIndex = 0;
      const subject = [...m.groups!['what']!.matchAll(lex.pattern)].at(-1);
      if (!subject) continue;
      const fam = lex.families.get(subject[0]);
      const ind = m.groups!['growth'] ? fam?.byMeasure.get('growth') : fam?.byMeasure.get('level');
      if (!ind) continue;
      const start = s.start + m.index;
      const [rawStart, rawEnd] = rawRange(doc.map, p.textStart + start, p.textStart + start + m[0].length, doc.raw.length);
      const year = doc.meta!.year ?? 1900;
      out.push({
        indicatorId: ind.id, label: subject[0], value: null, valueLow: null, valueHigh: null, unit: null, valueStd: null, valueStdLow: null, valueStdHigh: null,
        unitStd: ind.unit_std, qualifier: 'exact', status: 'target', period: String(year), periodStart: `${year}-01-01`, periodEnd: `${year}-12-31`,
        region: doc.meta!.region, paragraph: p.ordinal, section: p.section ?? null, sentence: s.text, rawStart, rawEnd,
        note: `target stated without a number: ${m[0]}`,
      });
      void ctx;
    }
  }
  return out;
}
