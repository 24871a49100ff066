/**
 * Traditional characters read as simplified for matching (億元 → 亿元, 總額 → 总额, 增長 → 增长),
 * character for character, so every offset in the converted text is an offset in the original:
 * the paragraphs keep the script as written, and what is reported is sliced from the original.
 */
import * as OpenCC from 'opencc-js';

let cached: ((s: string) => string) | null = null;
let convertible: RegExp | null = null;

/**
 * Any character that starts an entry of the dictionaries the converter uses: text without one
 * (nearly all of a simplified-character corpus) is returned as it is, without walking the
 * converter's trie, which would take most of the time of this function.
 */
function mayConvert(text: string): boolean {
  convertible ??= (() => {
    const firsts = new Set<string>();
    const dictionaries = (OpenCC.Locale.to.cn as unknown as string[][]).flat();
    for (const dict of dictionaries) for (const entry of dict.split('|')) firsts.add(String.fromCodePoint(entry.codePointAt(0)!));
    return new RegExp(`[${[...firsts].map((c) => (/[\]\\^-]/u.test(c) ? `\\${c}` : c)).join('')}]`, 'u');
  })();
  return convertible.test(text);
}

export function toSimplified(text: string): string {
  if (!mayConvert(text)) return text;
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
