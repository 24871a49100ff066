/**
 * `npm run eval`: the extractor against the gold set in test/gold/ (written by reading the
 * sources). Prints precision, recall and F1 on the full record (every field right), per document
 * and per field, and lists every miss and every false value. `--json` prints the figures as JSON.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IndicatorValue } from '../lib/document.js';
import { projectRoot } from '../lib/paths.js';
import { listSources } from '../pipeline/00-sources.js';
import { processSource } from '../pipeline/runner.js';

export interface GoldRecord {
  indicator_id: string;
  value: number | null;
  value_low: number | null;
  value_high: number | null;
  unit: string | null;
  qualifier: string;
  status: string;
  period: string;
  number: string | null;
  quote: string;
}

const FIELDS = ['indicator_id', 'value', 'unit', 'period', 'status', 'qualifier'] as const;

/** A prediction is a gold-shaped record (its number: the mention's text, no quote) plus its sentence. */
interface Predicted extends GoldRecord {
  sentence: string;
}

function toRecord(v: IndicatorValue, mentionText: string): Predicted {
  return {
    indicator_id: v.indicatorId, value: v.value, value_low: v.valueLow, value_high: v.valueHigh, unit: v.unit, qualifier: v.qualifier,
    status: v.status, period: v.period, number: mentionText, quote: '', sentence: v.sentence,
  };
}

const same = (a: GoldRecord, b: GoldRecord) =>
  a.indicator_id === b.indicator_id && a.value === b.value && a.value_low === b.value_low && a.value_high === b.value_high &&
  a.unit === b.unit && a.qualifier === b.qualifier && a.status === b.status && a.period === b.period;

const fieldValue = (r: GoldRecord, f: (typeof FIELDS)[number]) => (f === 'value' ? JSON.stringify([r.value, r.value_low, r.value_high]) : r[f]);

/** Gold and prediction are about the same statement: the gold quote is in the sentence and the number is the mention's. */
const aligned = (g: GoldRecord, p: Predicted) =>
  p.sentence.includes(g.quote) || g.quote.includes(p.sentence)
    ? g.number === null ? p.number === '' : p.number!.includes(g.number) || g.number.includes(p.number!)
    : false;

const f1 = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
const pct = (x: number) => x.toFixed(3);

export function evaluate(): { overall: { precision: number; recall: number; f1: number; gold: number; predicted: number }; lines: string[]; perField: Record<string, number> } {
  const goldDir = join(projectRoot, 'test', 'gold');
  const docs = listSources(join(projectRoot, 'raw')).flatMap((s) => processSource(s));
  const lines: string[] = [];
  let tp = 0;
  let nGold = 0;
  let nPred = 0;
  const fieldHits = Object.fromEntries(FIELDS.map((f) => [f, 0])) as Record<string, number>;
  let pairs = 0;
  const details: string[] = [];
  for (const doc of docs) {
    const id = doc.meta!.id;
    const goldFile = join(goldDir, `${id}.jsonl`);
    if (!existsSync(goldFile)) {
      lines.push(`${id}: no gold file`);
      continue;
    }
    const text = readFileSync(goldFile, 'utf8').trim();
    const gold = text === '' ? [] : text.split('\n').map((l) => JSON.parse(l) as GoldRecord);
    const mentions = doc.data.mentions ?? [];
    const pred = (doc.data.indicators ?? []).map((v) => {
      const m = mentions.find((x) => x.indicatorId === v.indicatorId && x.paragraph === v.paragraph && doc.map.rawStart[x.textStart + x.start] === v.rawStart);
      return toRecord(v, m?.text ?? '');
    });
    const usedPred = new Set<number>();
    let docTp = 0;
    for (const g of gold) {
      const i = pred.findIndex((p, k) => !usedPred.has(k) && same(g, p));
      if (i >= 0) {
        usedPred.add(i);
        docTp++;
      }
      const a = pred.find((p) => aligned(g, p));
      if (a) {
        pairs++;
        for (const f of FIELDS) if (fieldValue(a, f) === fieldValue(g, f)) fieldHits[f]!++;
      }
      if (i < 0) details.push(`  miss  ${id}: ${g.indicator_id} ${g.value ?? `${g.value_low}-${g.value_high}`} ${g.unit} ${g.qualifier} ${g.status} ${g.period} «${g.quote}»${a ? `\n        got  ${a.indicator_id} ${a.value ?? `${a.value_low}-${a.value_high}`} ${a.unit} ${a.qualifier} ${a.status} ${a.period}` : ''}`);
    }
    pred.forEach((p, k) => {
      if (!usedPred.has(k) && !gold.some((g) => aligned(g, p))) details.push(`  extra ${id}: ${p.indicator_id} ${p.value ?? `${p.value_low}-${p.value_high}`} ${p.unit} ${p.qualifier} ${p.status} ${p.period} «${p.sentence.slice(0, 60)}»`);
    });
    tp += docTp;
    nGold += gold.length;
    nPred += pred.length;
    const P = pred.length ? docTp / pred.length : 1;
    const R = gold.length ? docTp / gold.length : 1;
    lines.push(`${id.padEnd(44)} gold ${String(gold.length).padStart(3)}  predicted ${String(pred.length).padStart(3)}  P ${pct(P)}  R ${pct(R)}  F1 ${pct(f1(P, R))}`);
  }
  const precision = nPred ? tp / nPred : 1;
  const recall = nGold ? tp / nGold : 1;
  const perField = Object.fromEntries(FIELDS.map((f) => [f, pairs ? fieldHits[f]! / pairs : 0]));
  lines.unshift(`overall (full record)                         gold ${nGold}  predicted ${nPred}  P ${pct(precision)}  R ${pct(recall)}  F1 ${pct(f1(precision, recall))}`);
  lines.push(`per field, over ${pairs} gold records matched to a prediction by quote and number:`);
  for (const f of FIELDS) lines.push(`  ${f.padEnd(14)} ${pct(perField[f]!)}`);
  lines.push('differences:', ...details);
  return { overall: { precision, recall, f1: f1(precision, recall), gold: nGold, predicted: nPred }, lines, perField };
}

if (process.argv[1]?.endsWith('eval.js')) {
  const result = evaluate();
  if (process.argv.includes('--json')) process.stdout.write(JSON.stringify({ overall: result.overall, perField: result.perField }, null, 2) + '\n');
  else process.stdout.write(result.lines.join('\n') + '\n');
}
