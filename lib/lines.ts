/** Walking a text by lines and by the matches of a pattern, as the normalization stages do. */

/**
 * Calls `visit` with the bounds of every non-empty line (the runs between line feeds, what
 * /[^\n]+/gu finds), found with indexOf, which is native and fast, and without slicing: most
 * callers look at a line's ends before they need its text.
 */
export function forEachLine(text: string, visit: (start: number, end: number) => void): void {
  for (let start = 0; start < text.length; ) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    if (end > start) visit(start, end);
    start = end + 1;
  }
}

/**
 * Every match of the global pattern `re` in `text`, as text.matchAll(re) finds them; given needles,
 * none when the text holds none of them (every match holds one, and includes() is far cheaper than
 * running the pattern over text that cannot match). Runs the pattern itself:
 * matchAll clones it on every call, and debris asks three patterns of every line. `re` must have
 * the g and u flags (an empty match is stepped past by a whole code point).
 */
export function matchesOf(re: RegExp, text: string, ...needles: string[]): RegExpExecArray[] {
  // Without g, exec always matches from the start and this loop would never end.
  if (!re.global) throw new Error(`matchesOf needs a pattern with the g flag: ${re}`);
  const found: RegExpExecArray[] = [];
  if (needles.length > 0 && !needles.some((n) => text.includes(n))) return found;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    found.push(m);
    if (m[0].length === 0) re.lastIndex += (text.codePointAt(re.lastIndex) ?? 0) > 0xffff ? 2 : 1;
  }
  return found;
}
