/**
 * Stage 12, structure: a section path for every paragraph from the numbering the text uses
 * (一、 > （一） > 1. > （1）), never from markdown heading levels, which real sources get wrong;
 * unnumbered subheadings (marked-up heading lines, or short standalone lines without a sentence)
 * sit one level below the numbered heading around them; items (一是, 二要, ——) name their own
 * paragraph only. In transcripts, speaker markers (【金湘军】：) become each paragraph's speaker.
 */
import type { Correction, Paragraph, Stage } from '../lib/document.js';
import { withStage } from '../lib/document.js';
import { codePointsAtMost, ITEM, looksLikeSubheading, numberedLevel } from '../lib/headings.js';

const SPEAKER_MARKER = /^【([^】]{1,12})】[:：]?$/u;
const SECTION_SEPARATOR = ' > ';

interface Open {
  level: number;
  label: string;
  numbered: boolean;
}

const withoutFinalStop = (s: string) => s.replace(/[。．.]$/u, '');
// Where a sentence ends: CJK marks, or an ASCII point that is not a decimal point.
const SENTENCE_END = /[。！？!?]|(?<!\d)\.(?!\d)/u;

/** A paragraph that is one short sentence at most: a heading when it carries numbering. */
function isHeadingText(text: string): boolean {
  const body = withoutFinalStop(text);
  return codePointsAtMost(body, 50) && !/[。！？；;]/u.test(body) && !SENTENCE_END.test(body.replace(/^\d{1,2}\./u, ''));
}

/** The first sentence, without its stop (a 1. numbering point is not a stop). */
function leadSentence(text: string): string {
  const numbering = /^\d{1,2}\./u.exec(text)?.[0].length ?? 0;
  const end = text.slice(numbering).search(SENTENCE_END);
  return end < 0 ? text : text.slice(0, numbering + end);
}

export const structure: Stage = {
  name: 'structure',
  version: '1',
  run(doc) {
    const markup = new Set(doc.data.markupHeadings ?? []);
    const corrections: Correction[] = [];
    const out: Paragraph[] = [];
    const open: Open[] = [];
    let speaker: string | null = null;
    // The path changes only when a heading is entered: joined once per heading, not per paragraph.
    let joined: string | null | undefined;
    const path = () => (joined !== undefined ? joined : (joined = open.length ? open.map((o) => o.label).join(SECTION_SEPARATOR) : null));
    const enter = (o: Open) => {
      while (open.length && open[open.length - 1]!.level >= o.level) open.pop();
      open.push(o);
      joined = undefined;
    };

    for (const p of doc.paragraphs ?? []) {
      const marker = SPEAKER_MARKER.exec(p.text);
      if (marker) {
        speaker = marker[1]!;
        corrections.push({ stage: this.name, reason: 'structure/speaker-marker', rawStart: p.rawStart, rawEnd: p.rawEnd, before: p.text, after: '' });
        continue;
      }
      let headingLevel: number | null = null;
      let section: string | null;
      const level = numberedLevel(p.text);
      if (level !== null) {
        const heading = isHeadingText(p.text);
        // A numbered lead sentence opens its section even when a body paragraph follows it.
        const label = heading ? withoutFinalStop(p.text) : leadSentence(p.text);
        enter({ level, label, numbered: true });
        if (heading) headingLevel = level;
        section = path();
      } else if (markup.has(p.rawStart) || looksLikeSubheading(p.text)) {
        const numberedDepth = Math.max(0, ...open.filter((o) => o.numbered).map((o) => o.level));
        headingLevel = numberedDepth + 1;
        enter({ level: headingLevel, label: withoutFinalStop(p.text), numbered: false });
        section = path();
      } else {
        section = path();
        if (ITEM.test(p.text)) {
          const lead = p.text.slice(0, p.text.search(/[，。；：]|$/u));
          section = section === null ? lead : section + SECTION_SEPARATOR + lead;
        }
      }
      // Spelled out: spreading the paragraph and adding fields took most of this stage's time.
      out.push({ ordinal: out.length + 1, text: p.text, rawStart: p.rawStart, rawEnd: p.rawEnd, textStart: p.textStart, section, headingLevel, speaker });
    }
    return withStage(doc, this, { paragraphs: out, corrections: [...doc.corrections, ...corrections] });
  },
};
