/** Character classes the normalization rules share. */

/** Han ideographs, kana, hangul, and the punctuation Chinese text sets among them. */
export const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303F\uFF00-\uFFEF\uFE30-\uFE4F\u2014\u2015\u2018\u2019\u201C\u201D\u2026\u00B7\u2022\u2460-\u24FF\u3200-\u32FF]/u;

/** Sentence-closing punctuation, CJK and ASCII (pages typed with ASCII punctuation end in '.'). */
export const TERMINAL = /[。！？；：…!?;:.]$/u;

/** Closing quotes and brackets that may follow terminal punctuation. */
export const CLOSERS = /[”’」』）)》〉】\]"']+$/u;

const TERMINAL_MARKS = '。！？；：…!?;:.';
const CLOSER_MARKS = '”’」』）)》〉】]"\'';

/**
 * Does the line end a sentence (terminal punctuation, possibly inside closing quotes)? That is
 * TERMINAL.test(line.replace(CLOSERS, '')), read backwards from the end: every mark is one BMP
 * unit, and the pattern with its `$` would be tried at every position of the line.
 */
export function endsSentence(line: string): boolean {
  let end = line.length;
  while (end > 0 && CLOSER_MARKS.includes(line[end - 1]!)) end--;
  return end > 0 && TERMINAL_MARKS.includes(line[end - 1]!);
}

/**
 * Code points in `s`, counted as string iteration counts them ([...s].length): a surrogate pair is
 * one, and so is a lone surrogate of either kind.
 */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i + 1 < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) n--, i++;
    }
  }
  return n;
}

/**
 * Every code unit of a Han character is at least U+2E80, the first radical (astral characters are
 * surrogates, above it too): a lower unit cannot be part of a Han run.
 */
export const HAN_FLOOR = 0x2e80;

/**
 * Is the code unit one that `\s` matches (all of them are in the BMP)? A comparison instead of a
 * regular expression call, for the tests run on every line.
 */
export function isSpaceUnit(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
