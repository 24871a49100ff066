/**
 * Traditional characters read as simplified for matching (億元 → 亿元, 總額 → 总额, 增長 → 增长),
 * character for character, so every offset in the converted text is an offset in the original:
 * the paragraphs keep the script as written, and what is reported is sliced from the original.
 */
import * as OpenCC from 'opencc-js';

let cached: ((s: string) => string) | null = null;
/** Code units of the characters a conversion can change: one flag per BMP unit, plus astral characters. */
let changing: { bmp: Uint8Array; astral: Set<number> } | null = null;

/**
 * Whether a conversion could change `text`: only if it holds a character of a dictionary key that
 * differs from the value at the same place (every character of a key whose value has another
 * length), in any dictionary of the converter's chain (OpenCC's t2s: a normalization of CJK
 * compatibility ideographs, then the traditional-to-simplified tables). Text without one (nearly
 * all of a simplified-character corpus) converts to itself, so it is returned as it is without
 * walking the converter's tries, which would take most of this function's time. A table lookup
 * per unit, because a regex class of these 3,000-odd characters scans text twenty times slower
 * than a small one.
 */
export function mayConvert(text: string): boolean {
  changing ??= (() => {
    const bmp = new Uint8Array(0x10000);
    const astral = new Set<number>();
    const config = (OpenCC.Locale as unknown as { configs: Record<string, { normalizationChain?: string[][]; conversionChain: string[][] }> }).configs['t2s']!;
    for (const dict of [...(config.normalizationChain ?? []), ...config.conversionChain].flat()) {
      for (const entry of dict.split('|')) {
        const [key = '', value = ''] = entry.split(' ');
        const k = [...key];
        const v = [...value];
        k.forEach((c, i) => {
          if (k.length === v.length && c === v[i]) return;
          const cp = c.codePointAt(0)!;
          if (cp < 0x10000) bmp[cp] = 1;
          else astral.add(cp);
        });
      }
    }
    return { bmp, astral };
  })();
  const { bmp, astral } = changing;
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    if (bmp[u]) return true;
    if (u >= 0xd800 && u <= 0xdbff && astral.size > 0 && astral.has(text.codePointAt(i)!)) return true;
  }
  return false;
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
