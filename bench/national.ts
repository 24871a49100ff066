/**
 * `npm run bench:national` (not a test): the extractor on the 72 national government work reports
 * in ../shared/corpora/national-gwr/, text it was never tuned on. Prints, per report, how many
 * catalogued values it found and whether the headline GDP growth target is among them, and writes
 * a random sample of extracted values (fixed seed) for a person to check by reading.
 * Usage: node dist/bench/national.js [--sample N] [--sample-out FILE] [--seed S]
 */
import { writeFileSync } from 'node:fs';
import { newDoc, type IndicatorValue } from '../lib/document.js';
import { sha256Hex } from '../lib/hash.js';
import { runStages } from '../pipeline/runner.js';
import { arg, nationalReports, nationalSidecar } from './shared.js';

const reports = nationalReports().filter((r) => r.year !== null);

const rows: Array<{ year: number; values: IndicatorValue[]; gdpTarget: boolean; ms: number }> = [];
let bytes = 0;
const started = performance.now();
for (const r of reports) {
  const year = r.year!;
  const file = `national-${year}.txt`;
  const sidecar = nationalSidecar(file, `national-gwr-${year}`, r);
  const raw = Buffer.from(r.content, 'utf8');
  bytes += raw.length;
  const t = performance.now();
  const [doc] = runStages(newDoc(file, raw, sha256Hex(raw)), { file, sidecar, repair: null, errata: null });
  const values = doc!.data.indicators ?? [];
  rows.push({ year, values, gdpTarget: values.some((v) => v.indicatorId === 'gdp_growth' && v.status === 'target'), ms: performance.now() - t });
}
const seconds = (performance.now() - started) / 1000;

rows.sort((a, b) => a.year - b.year);
for (const r of rows) {
  const headline = ['gdp_growth', 'cpi_growth', 'new_urban_jobs', 'grain_output', 'budget_revenue'].filter((id) => r.values.some((v) => v.indicatorId === id));
  process.stdout.write(`${r.year}  values ${String(r.values.length).padStart(3)}  GDP growth target ${r.gdpTarget ? 'yes' : ' no'}  headline: ${headline.join(' ')}\n`);
}
const since1992 = rows.filter((r) => r.year >= 1992);
const summary = {
  reports: rows.length,
  values: rows.reduce((n, r) => n + r.values.length, 0),
  reports_with_values: rows.filter((r) => r.values.length > 0).length,
  gdp_growth_target_since_1992: `${since1992.filter((r) => r.gdpTarget).length}/${since1992.length}`,
  mb: bytes / 1e6,
  mb_per_s: bytes / 1e6 / seconds,
};
process.stdout.write(JSON.stringify(summary) + '\n');

// A reproducible sample for hand-checking: spread over reports, fixed seed.
const n = Number(arg('--sample', '40'));
let seed = Number(arg('--seed', '20261121'));
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pool = rows.filter((r) => r.year >= 1978).flatMap((r) => r.values.map((v) => ({ year: r.year, v })));
const sample: typeof pool = [];
while (sample.length < Math.min(n, pool.length)) {
  const pick = pool[Math.floor(rand() * pool.length)]!;
  if (!sample.includes(pick)) sample.push(pick);
}
const out = arg('--sample-out', '');
if (out) {
  writeFileSync(out, sample.map(({ year, v }) => JSON.stringify({ report: year, indicator_id: v.indicatorId, label: v.label, value: v.value, value_low: v.valueLow, value_high: v.valueHigh, unit: v.unit, qualifier: v.qualifier, status: v.status, period: v.period, region: v.region, sentence: v.sentence })).join('\n') + '\n');
  process.stdout.write(`sample of ${sample.length} values written to ${out}\n`);
}
