/**
 * Traditional characters read as simplified for matching (億元 → 亿元, 總額 → 总额, 增長 → 增长),
 * character for character, so every offset in the converted text is an offset in the original:
 * the paragraphs keep the script as written, and what is reported is sliced from the original.
 */
import * as OpenCC from 'opencc-js';

let cached: ((s: string) => string) | null = null;

export function toSimplified(text: string): string {
  const convert = (cached ??= OpenCC.Converter({ from: 't', to: 'cn' }));
  // Nothing to do for text with no CJK outside the simplified set: the common case stays cheap.
  const whole = convert(text);
  if (whole.length === text.length) return whole;
  // A phrase conversion changed a length: fall back to one character at a time.
  let out = '';
  for (const ch of text) {
    const c = convert(ch);
    out += c.length === ch.length ? c : ch;
  }
  return out;
}
