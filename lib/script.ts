/**
 * Traditional characters read as simplified for matching (億元 → 亿元, 總額 → 总额, 增長 → 增长),
 * character for character, so every offset in the converted text is an offset in the original:
 * the paragraphs keep the script as written, and what is reported is sliced from the original.
 */
import * as OpenCC from 'opencc-js';

let cached: ((s: string) => string) | null = null;

interface Tables {
  /**
   * Code units of the characters a conversion can change, one flag per BMP unit: ALWAYS where a
   * key of that one character changes it, IN_CONTEXT where only longer keys do (破坏 holds 坏,
   * which only 土坏 → 土坯 and the like change), HIGH_SURROGATE to ask `astral`; plus astral characters.
   */
  bmp: Uint8Array;
  /** For IN_CONTEXT characters, the pairs of adjacent units (pairKey) some changing key holds around them. */
  pairs: Set<number>;
  astral: Set<number>;
  /** 1 for BMP characters in no dictionary key at all: the converter passes them by, whatever surrounds them. */
  inert: Uint8Array;
}
let tables: Tables | null = null;

const ALWAYS = 1;
const IN_CONTEXT = 2;
const HIGH_SURROGATE = 3;
const pairKey = (a: number, b: number) => a * 0x10000 + b;

/**
 * Read the dictionaries of the converter's chain (OpenCC's t2s: a normalization of CJK
 * compatibility ideographs, then the traditional-to-simplified tables) once.
 */
function dictionaryTables(): Tables {
  if (tables) return tables;
  const bmp = new Uint8Array(0x10000);
  const pairs = new Set<number>();
  const astral = new Set<number>();
  const inert = new Uint8Array(0x10000).fill(1);
  type Config = { segmentation?: string | string[]; normalizationChain?: string[][]; conversionChain: string[][] };
  const config = (OpenCC.Locale as unknown as { configs: Record<string, Config> }).configs['t2s']!;
  const segmentation = config.segmentation === undefined ? [] : [config.segmentation].flat();
  for (const dict of [...segmentation, ...(config.normalizationChain ?? []).flat(), ...config.conversionChain.flat()]) {
    for (const entry of dict.split('|')) {
      const [key = '', value = ''] = entry.split(' ');
      const k = [...key];
      const v = [...value];
      k.forEach((c, i) => {
        const cp = c.codePointAt(0)!;
        if (cp < 0x10000) inert[cp] = 0;
        if (k.length === v.length && c === v[i]) return;
        if (cp >= 0x10000) astral.add(cp);
        else if (k.length === 1) bmp[cp] = ALWAYS;
        else {
          // The key matches only where the text holds it whole, so also this character with the
          // key's neighbour of it: one pair is a necessary witness of a match.
          const neighbour = i > 0 ? k[i - 1]! : k[i + 1]!;
          const n = neighbour.codePointAt(0)!;
          if (n >= 0x10000) bmp[cp] = ALWAYS;
          else {
            if (bmp[cp] !== ALWAYS) bmp[cp] = IN_CONTEXT;
            pairs.add(i > 0 ? pairKey(n, cp) : pairKey(cp, n));
          }
        }
      });
    }
  }
  // Surrogates stand for astral characters, which are never taken for inert. An ideographic
  // description operator makes the converter pass by the characters it describes, whatever
  // they are, so text holding one is converted whole (marked 2).
  inert.fill(0, 0xd800, 0xe000);
  // A high surrogate starts an astral character, which the set answers for.
  if (astral.size > 0) bmp.fill(HIGH_SURROGATE, 0xd800, 0xdc00);
  inert.fill(2, 0x2ff0, 0x3000);
  return (tables = { bmp, pairs, astral, inert });
}

/**
 * Whether a conversion could change `text`: only if it holds a character of a dictionary key that
 * differs from the value at the same place (every character of a key whose value has another
 * length), in any dictionary of the converter's chain, and for a character only longer keys
 * change, next to a character such a key has beside it. Text without one (nearly all of a
 * simplified-character corpus) converts to itself, so it is returned as it is without walking
 * the converter's tries, which would take most of this function's time. A table lookup per unit,
 * because a regex class of these 3,000-odd characters scans text twenty times slower than a small one.
 */
export function mayConvert(text: string): boolean {
  return mayConvertIn(text, 0, text.length);
}

function mayConvertIn(text: string, start: number, end: number): boolean {
  const { bmp, pairs, astral } = dictionaryTables();
  for (let i = start; i < end; i++) {
    const u = text.charCodeAt(i);
    const flag = bmp[u]!;
    // Nearly every unit: one lookup and one test.
    if (flag === 0) continue;
    if (flag === ALWAYS) return true;
    // Units outside [start, end) are inert or absent, so they complete no key's pair.
    if (flag === IN_CONTEXT && ((i > start && pairs.has(pairKey(text.charCodeAt(i - 1), u))) || (i + 1 < end && pairs.has(pairKey(u, text.charCodeAt(i + 1)))))) return true;
    if (flag === HIGH_SURROGATE && astral.has(text.codePointAt(i)!)) return true;
  }
  return false;
}

/**
 * The converter's result, asking it only about the stretches that may change. A character in no
 * dictionary key ends every match of every dictionary (the tries walk keys), so the converter
 * turns A x B into convert(A) x convert(B): the text is cut at such characters, and a stretch
 * without a changing character is its own conversion. Mostly simplified text with a few
 * traditional characters then costs a few short conversions instead of one of the whole text.
 */
function convertStretches(text: string, convert: (s: string) => string): string {
  const { inert } = dictionaryTables();
  let out = '';
  let copied = 0; // text before this is in `out`
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const kind = i < text.length ? inert[text.charCodeAt(i)]! : 1;
    if (kind === 2) return convert(text);
    if (kind === 0) continue;
    if (i > start && mayConvertIn(text, start, i)) {
      out += text.slice(copied, start) + convert(text.slice(start, i));
      copied = i;
    }
    start = i + 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

export function toSimplified(text: string): string {
  // Nothing to do for text with no CJK outside the simplified set: the common case stays cheap.
  if (!mayConvert(text)) return text;
  const convert = (cached ??= OpenCC.Converter({ from: 't', to: 'cn' }));
  const whole = convertStretches(text, convert);
  // A phrase conversion changed a length: fall back to one character at a time.
  return whole.length === text.length ? whole : byCharacter(text, convert);
}

/** Each character converted alone, kept as written where its conversion would change the length. */
export function byCharacter(text: string, convert: (s: string) => string): string {
  let out = '';
  for (const ch of text) {
    const c = convert(ch);
    out += c.length === ch.length ? c : ch;
  }
  return out;
}
