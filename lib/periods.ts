/**
 * The period a value is about, resolved against the document's year. A government work report
 * delivered in year Y reviews Y-1 (and the five years before it) and sets targets for Y.
 */
export interface Period {
  label: string;
  start: number;
  end: number;
}

// A plan period dates a text only as a period (“十三五”时期, 十三五期间, “十三五”以来), not as an
// adjective (“十三五”脱贫攻坚首战首胜 is about its first year).
const PLAN_PERIODS: Array<[RegExp, number]> = (
  [['六五', 1981], ['七五', 1986], ['八五', 1991], ['九五', 1996], ['“十五', 2001], ['十一五', 2006], ['十二五', 2011], ['十三五', 2016], ['十四五', 2021], ['十五五', 2026]] as const
).map(([name, first]) => [new RegExp(`${name}”?(?:时期|期间|以来|末|规划期|的五年|计划|规划|$)`, 'u'), first]);

export const yearPeriod = (y: number): Period => ({ label: String(y), start: y, end: y });
const span = (a: number, b: number): Period => ({ label: `${a}-${b}`, start: a, end: b });

/**
 * A period named in a piece of text (sentence, paragraph lead or section heading), or null; the
 * last one named wins (在2021年…的基础上，2022年煤炭日均产量…: 2022). `report`: the text is a
 * government work report, whose 一年来 is the year before its delivery.
 */
export function periodIn(text: string, docYear: number | null, report = true): Period | null {
  // Every plan period's name, and every span of five years, holds 五; most texts have none, and
  // then twelve scans for them are skipped.
  const five = text.includes('五');
  if (five) for (const [re, first] of PLAN_PERIODS) if (re.test(text)) return span(first, first + 4);
  if (docYear !== null) {
    if (five && /五年来|过去五年|近五年|这五年/u.test(text)) return span(docYear - 5, docYear - 1);
    if (five && /今后五年|未来五年/u.test(text)) return span(docYear, docYear + 4);
    if (/去年|上年|过去一年|刚刚过去的一年/u.test(text)) return yearPeriod(docYear - 1);
    if (/一年来/u.test(text)) return yearPeriod(report ? docYear - 1 : docYear);
    if (/今年|本年|目前|当前|现在|眼下/u.test(text)) return yearPeriod(docYear);
    if (/明年/u.test(text)) return yearPeriod(docYear + 1);
  }
  // The last year named: matches are read in order, none kept but the latest.
  YEAR.lastIndex = 0;
  let last: RegExpExecArray | null = null;
  for (let m = YEAR.exec(text); m !== null; m = YEAR.exec(text)) last = m;
  if (last) return yearPeriod(Number(last[1]));
  return null;
}

const YEAR = /((?:19|20)\d{2})年(?!代|均|以来|前后|底前|前)/gu;
