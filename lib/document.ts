/**
 * The document object that travels through every stage (our form of a vfile).
 *
 * Units, said once for the whole code base:
 * - `text` offsets (`start`, `end` of edits, indexes into `text`) count UTF-16 code units,
 *   because that is how JavaScript strings index.
 * - `raw` offsets (`rawStart`, `rawEnd`, the published `raw_start`/`raw_end`) count bytes of
 *   the raw file as stored in `raw/`, so they address the source whatever its encoding.
 */
import type { Cell } from './typed-row.js';
import type { OffsetMap } from './offset-map.js';
import type { Qualifier, Quantity } from './quantities.js';

export type Severity = 'info' | 'warning' | 'error';

/** A message says where (one position form: raw byte range plus line/column), what rule, what. */
export interface Message {
  severity: Severity;
  /** Stage that raised it. */
  stage: string;
  /** Stable rule id, e.g. `markdown/heading-mark`. */
  rule: string;
  reason: string;
  file: string;
  docId: string | null;
  rawStart: number;
  rawEnd: number;
  /** 1-based line and column (column in code points) of rawStart in the raw file. */
  line: number;
  column: number;
  found?: string;
  expected?: string;
}

/** One change that removed, moved, joined or replaced text, kept so nothing is lost silently. */
export interface Correction {
  stage: string;
  reason: string;
  rawStart: number;
  rawEnd: number;
  before: string;
  after: string;
}

/** Metadata of one logical document, as the sidecar or the text itself states it. */
export interface DocMeta {
  id: string;
  title: string | null;
  kind: string | null;
  region: string | null;
  scope: string | null;
  date: string | null;
  year: number | null;
  speaker: string | null;
  speakerRole: string | null;
  event: string | null;
  dateline: string | null;
  sourceUrl: string | null;
  /** Where the metadata came from: the sidecar, or inferred from the text. */
  metaSource: 'sidecar' | 'inferred';
}

export interface Paragraph {
  ordinal: number;
  text: string;
  rawStart: number;
  rawEnd: number;
  /** Where the paragraph starts in the document's final text (UTF-16 units), for provenance checks. */
  textStart: number;
  /** Set by the structure stage. */
  section?: string | null;
  headingLevel?: number | null;
  speaker?: string | null;
}

export type MentionClass = 'indicator' | 'date' | 'ordinal' | 'count' | 'name_or_code' | 'other';

/** A number in a paragraph, as the quantity stage read it and the indicator stage classified it. */
export interface Mention extends Quantity {
  paragraph: number;
  /** Offset of the paragraph in the document text, so start/end map to raw bytes. */
  textStart: number;
  cls: MentionClass;
  label: string | null;
  indicatorId: string | null;
}

/** One indicator value: which indicator, which period, achieved or targeted, and where it is said. */
export interface IndicatorValue {
  indicatorId: string;
  label: string;
  value: number | null;
  valueLow: number | null;
  valueHigh: number | null;
  unit: string | null;
  valueStd: number | null;
  valueStdLow: number | null;
  valueStdHigh: number | null;
  unitStd: string;
  qualifier: Qualifier;
  status: 'actual' | 'estimate' | 'target';
  period: string;
  periodStart: string;
  periodEnd: string;
  region: string | null;
  paragraph: number;
  section: string | null;
  sentence: string;
  rawStart: number;
  rawEnd: number;
  note: string | null;
}

/**
 * Every field is always there, null until its stage sets it: a document's `data` then has one
 * shape whichever stages have run, so the stages that read or extend it (`{ ...doc.data, x }`)
 * stay compiled for that one shape instead of being compiled again for each mix of fields.
 */
export interface DocData {
  /** Each paragraph's text in simplified characters (quantities stage), by ordinal - 1. */
  readable: string[] | null;
  /** Every number in the paragraphs (quantities stage), classified (indicators stage). */
  mentions: Mention[] | null;
  /** Catalogued indicator values (indicators stage). */
  indicators: IndicatorValue[] | null;
  /** Raw byte offsets where a line marked up as a heading (markdown `#` or whole-line bold) starts. */
  markupHeadings: number[] | null;
  /** Raw byte ranges of the document's text in its file (its parts), for accounting tests. */
  rawSpans: Array<[number, number]> | null;
}

export interface StageRecord {
  name: string;
  version: string;
}

export interface Doc {
  /** File name inside the raw folder. */
  file: string;
  /** The raw file's bytes, exactly as stored. */
  raw: Uint8Array;
  /** SHA-256 of the raw file, hex. */
  rawSha256: string;
  rawBytes: number;
  /** Code points of the decoded raw file (before any normalization). */
  rawChars: number;
  encoding: string;
  text: string;
  map: OffsetMap;
  meta: DocMeta | null;
  messages: Message[];
  corrections: Correction[];
  history: StageRecord[];
  paragraphs: Paragraph[] | null;
  /** Facts one stage leaves for a later one (like vfile's `data`), e.g. which lines were headings. */
  data: DocData;
  /**
   * Rows this document contributes to each published table, by table name: checked against the
   * table's schema and typed in its column order (lib/typed-row), the form the writers take. Arrays
   * rather than objects, so handing a document to another thread does not copy every column name.
   */
  rows: Record<string, Cell[][]> | null;
}

/**
 * A stage is a named, versioned, side-effect-free function. A file-level stage may turn one
 * document into several (splitting a newspaper page into its articles).
 */
export interface Stage {
  readonly name: string;
  /** Bump when the output for the same input changes. */
  readonly version: string;
  run(doc: Doc, context: StageContext): Doc | Doc[];
}

export interface RepairStep {
  doc: string;
  op: 'remove';
  quote: string;
  reason: string;
  why: string;
}
export interface RepairFile {
  file: string;
  steps: RepairStep[];
}
export interface Erratum {
  doc: string;
  context: string;
  wrong: string;
  right: string;
  evidence: string;
}
export interface ErrataFile {
  file: string;
  errata: Erratum[];
}

/** What a stage may read besides the document: the source's declared metadata and data files. */
export interface StageContext {
  sidecar: import('./sidecar.js').Sidecar | null;
  repair: RepairFile | null;
  errata: ErrataFile | null;
  /** Line starts of the raw file, to turn raw byte offsets into line/column. */
  lines: import('./raw-position.js').RawLines;
}

export function withStage(doc: Doc, stage: Stage, changes: Partial<Doc>): Doc {
  return { ...doc, ...changes, history: [...doc.history, { name: stage.name, version: stage.version }] };
}

/** A document fresh from its raw bytes, before any stage. */
export function newDoc(file: string, raw: Uint8Array, rawSha256: string): Doc {
  return {
    file, raw, rawSha256, rawBytes: raw.length, rawChars: 0, encoding: 'unknown', text: '',
    map: { rawStart: new Int32Array(0), rawEnd: new Int32Array(0) },
    meta: null, messages: [], corrections: [], history: [], paragraphs: null,
    data: { readable: null, mentions: null, indicators: null, markupHeadings: null, rawSpans: null }, rows: null,
  };
}
