/** Chinese numerals to numbers: 三百 → 300, 一千二百三十 → 1230, 一百零三 → 103, 两 → 2, 二点五 → 2.5, 二〇二一 → 2021. */
const DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** Value of a Chinese numeral without 万/亿 (those are scale words kept with the unit), or null. */
export function parseChineseNumeral(s: string): number | null {
  const [intPart, fracPart] = s.split('点');
  if (intPart === undefined || s.split('点').length > 2) return null;
  let total = 0;
  let current: number | null = null;
  let lastUnit = Infinity;
  // With units, 零 only marks a gap (一百零三 is 103, 七千零六十二 is 7062); without, 〇 is a digit.
  const withUnits = /[十百千]/u.test(intPart);
  for (const ch of intPart) {
    if (withUnits && (ch === '零' || ch === '〇')) continue;
    if (ch in DIGIT) {
      if (current !== null) {
        // Digits in a row read positionally only without units (二〇二一 → 2021).
        if (lastUnit !== Infinity) return null;
        current = current * 10 + DIGIT[ch]!;
      } else current = DIGIT[ch]!;
    } else if (ch in UNIT) {
      const u = UNIT[ch]!;
      if (u >= lastUnit) return null; // 百百, 十百: not a numeral
      total += (current ?? 1) * u;
      current = null;
      lastUnit = u;
    } else return null;
  }
  if (intPart.length === 0 && fracPart === undefined) return null;
  total += current ?? 0;
  if (fracPart !== undefined) {
    if (fracPart.length === 0 || [...fracPart].some((c) => !(c in DIGIT))) return null;
    total = Number(`${total}.${[...fracPart].map((c) => DIGIT[c]).join('')}`);
  }
  return total;
}
