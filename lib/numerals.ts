/** Chinese numerals to numbers: 三百 → 300, 一千二百三十 → 1230, 一百零三 → 103, 两 → 2, 二点五 → 2.5, 二〇二一 → 2021. */

// Values by character code (-1: not a digit; 0: not a unit): the scanner parses every Chinese
// numeral it finds, so lookups are array reads rather than property lookups on Chinese keys.
const DIGIT = new Int8Array(65536).fill(-1);
for (const [ch, v] of [['零', 0], ['〇', 0], ['一', 1], ['二', 2], ['两', 2], ['三', 3], ['四', 4], ['五', 5], ['六', 6], ['七', 7], ['八', 8], ['九', 9]] as const) DIGIT[ch.charCodeAt(0)] = v;
const UNIT = new Uint16Array(65536);
for (const [ch, v] of [['十', 10], ['百', 100], ['千', 1000]] as const) UNIT[ch.charCodeAt(0)] = v;
const ZERO = '零'.charCodeAt(0);
const CIRCLE_ZERO = '〇'.charCodeAt(0);

/** Value of a Chinese numeral without 万/亿 (those are scale words kept with the unit), or null. */
export function parseChineseNumeral(s: string): number | null {
  const point = s.indexOf('点');
  if (point >= 0 && s.indexOf('点', point + 1) >= 0) return null;
  const intEnd = point < 0 ? s.length : point;
  if (intEnd === 0 && point < 0) return null;
  // With units, 零 only marks a gap (一百零三 is 103, 七千零六十二 is 7062); without, 〇 is a digit.
  let withUnits = false;
  for (let i = 0; i < intEnd; i++) if (UNIT[s.charCodeAt(i)]! > 0) withUnits = true;
  let total = 0;
  let current = -1; // no digit pending
  let lastUnit = Infinity;
  for (let i = 0; i < intEnd; i++) {
    const c = s.charCodeAt(i);
    if (withUnits && (c === ZERO || c === CIRCLE_ZERO)) continue;
    const d = DIGIT[c]!;
    if (d >= 0) {
      if (current >= 0) {
        // Digits in a row read positionally only without units (二〇二一 → 2021).
        if (lastUnit !== Infinity) return null;
        current = current * 10 + d;
      } else current = d;
      continue;
    }
    const u = UNIT[c]!;
    if (u === 0) return null;
    if (u >= lastUnit) return null; // 百百, 十百: not a numeral
    total += (current >= 0 ? current : 1) * u;
    current = -1;
    lastUnit = u;
  }
  if (current >= 0) total += current;
  if (point < 0) return total;
  if (point === s.length - 1) return null;
  let digits = '';
  for (let i = point + 1; i < s.length; i++) {
    const d = DIGIT[s.charCodeAt(i)]!;
    if (d < 0) return null;
    digits += d;
  }
  return Number(`${total}.${digits}`);
}
