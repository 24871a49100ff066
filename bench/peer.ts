/**
 * `npm run bench:peer` (a benchmark, not a test): our quantity recognizer against Microsoft's
 * Recognizers-Text (Chinese culture, number and percentage models) on the seeds.
 * - recall of the numbers in the gold set (test/gold): a gold number counts when the recognizer
 *   returns a match starting inside it with the same value (scale words applied: 2万亿元 = 2e12);
 * - throughput in MB/s over every paragraph of the seeds.
 * Microsoft's currency model is left out: it is superlinear in the input.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as Recognizers from '@microsoft/recognizers-text-suite';
import { SCALES } from '../lib/catalog.js';
import { projectRoot } from '../lib/paths.js';
import { getScanner } from '../pipeline/14-quantities.js';
import { listSources } from '../pipeline/00-sources.js';
import { processSource } from '../pipeline/runner.js';

const scaled = (value: number, unit: string | null) => {
  if (unit === '成') return value * 10; // 八成 is 80%
  for (const [w, f] of SCALES) if (unit?.startsWith(w)) return value * f;
  return value;
};
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

interface Found {
  start: number;
  end: number;
  value: number;
}

const ours = getScanner();
function oursFind(text: string): Found[] {
  return ours.scan(text).flatMap((q) => {
    const v = q.value ?? q.valueLow;
    if (v === null) return [];
    // The mention may start with a qualifier word; the number starts at the first digit.
    const lead = q.text.search(/[0-9零〇一二两三四五六七八九十百千万亿]/u);
    return [{ start: q.start + Math.max(0, lead), end: q.end, value: scaled(v, q.unit) }];
  });
}

function peerFind(text: string): Found[] {
  const out: Found[] = [];
  for (const r of [...Recognizers.recognizeNumber(text, Recognizers.Culture.Chinese), ...Recognizers.recognizePercentage(text, Recognizers.Culture.Chinese)]) {
    const v = Number(String(r.resolution['value'] ?? '').replace(/[%,]/gu, ''));
    if (Number.isFinite(v)) out.push({ start: r.start, end: r.end + 1, value: v });
  }
  return out;
}

interface GoldNumber {
  doc: string;
  text: string;
  at: number;
  value: number;
}

function goldNumbers(): { paragraphs: Map<string, string>; numbers: GoldNumber[]; bytes: number } {
  const docs = listSources(join(projectRoot, 'raw')).flatMap((s) => processSource(s));
  const paragraphs = new Map<string, string>();
  const numbers: GoldNumber[] = [];
  let bytes = 0;
  for (const d of docs) {
    const text = d.paragraphs!.map((p) => p.text).join('\n');
    paragraphs.set(d.meta!.id, text);
    bytes += Buffer.byteLength(text, 'utf8');
  }
  for (const f of readdirSync(join(projectRoot, 'test', 'gold')).filter((x) => x.endsWith('.jsonl'))) {
    const doc = f.replace('.jsonl', '');
    const text = paragraphs.get(doc)!;
    for (const line of readFileSync(join(projectRoot, 'test', 'gold', f), 'utf8').split('\n').filter(Boolean)) {
      const g = JSON.parse(line) as { number: string | null; quote: string; value: number | null; value_low: number | null; unit: string | null };
      const v = g.value ?? g.value_low;
      const quoteAt = text.indexOf(g.quote);
      if (g.number === null || v === null || quoteAt < 0) continue;
      numbers.push({ doc, text: g.number, at: quoteAt + g.quote.indexOf(g.number), value: scaled(Math.abs(v), g.unit) });
    }
  }
  return { paragraphs, numbers, bytes };
}

const hits = (found: Found[], n: GoldNumber) => found.some((f) => f.start >= n.at && f.start < n.at + n.text.length && close(Math.abs(f.value), n.value));

function recall(find: (t: string) => Found[], paragraphs: Map<string, string>, numbers: GoldNumber[]): number {
  const all = new Map([...paragraphs].map(([doc, t]) => [doc, find(t)]));
  return numbers.filter((n) => hits(all.get(n.doc)!, n)).length / numbers.length;
}

/** MB/s of the best pass over all paragraphs, passes repeated for at least two seconds (JIT warm). */
function throughput(find: (t: string) => Found[], texts: string[], bytes: number): number {
  const paragraphs = texts.flatMap((t) => t.split('\n'));
  let best = Infinity;
  const until = performance.now() + 2000;
  for (let round = 0; round < 3 || performance.now() < until; round++) {
    const start = performance.now();
    for (const p of paragraphs) find(p);
    best = Math.min(best, performance.now() - start);
  }
  return bytes / 1e6 / (best / 1000);
}

const { paragraphs, numbers, bytes } = goldNumbers();
const texts = [...paragraphs.values()];
const result = {
  gold_numbers: numbers.length,
  seed_bytes: bytes,
  ours: { recall: recall(oursFind, paragraphs, numbers), mb_per_s: throughput(oursFind, texts, bytes) },
  recognizers_text: { recall: recall(peerFind, paragraphs, numbers), mb_per_s: throughput(peerFind, texts, bytes) },
};
const speedup = result.ours.mb_per_s / result.recognizers_text.mb_per_s;
process.stdout.write(
  `gold numbers: ${result.gold_numbers}, text: ${(bytes / 1e3).toFixed(0)} kB\n` +
    `ours              recall ${result.ours.recall.toFixed(3)}  ${result.ours.mb_per_s.toFixed(2)} MB/s\n` +
    `recognizers-text  recall ${result.recognizers_text.recall.toFixed(3)}  ${result.recognizers_text.mb_per_s.toFixed(3)} MB/s\n` +
    `speed-up ${speedup.toFixed(0)}x\n` +
    JSON.stringify({ ...result, speedup }) + '\n',
);

if (process.argv.includes('--misses')) {
  for (const [name, find] of [['ours', oursFind], ['recognizers-text', peerFind]] as const) {
    const all = new Map([...paragraphs].map(([doc, t]) => [doc, find(t)]));
    for (const n of numbers.filter((x) => !hits(all.get(x.doc)!, x))) {
      const text = paragraphs.get(n.doc)!;
      process.stdout.write(`${name} misses ${n.text} (${n.value}) in «${text.slice(Math.max(0, n.at - 10), n.at + n.text.length + 6)}»\n`);
    }
  }
}
