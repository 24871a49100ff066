/**
 * The indicator catalog (schemas/catalog/indicators.json), checked against
 * schemas/catalog.schema.json once, with the lookups the extractor needs.
 */
import { readJsonData } from './json-data.js';
import { schemaPath } from './paths.js';

export type Measure = 'level' | 'growth' | 'pp_change' | 'share' | 'reduction' | 'count';

export interface Indicator {
  id: string;
  name_zh: string;
  aliases: string[];
  name_en: string;
  measure: Measure;
  unit_std: string;
  plausible: { min: number; max: number };
  description: string;
}

export interface Catalog {
  units: Record<string, { std: string; factor: number }>;
  indicators: Indicator[];
}

let cached: Catalog | null = null;

export function catalog(): Catalog {
  cached ??= readJsonData<Catalog>(schemaPath('catalog/indicators.json'), 'schemas/catalog/indicators.json', 'catalog.schema.json');
  return cached;
}

/** Scale words a unit as written may begin with, and their factors. */
export const SCALES: Array<[string, number]> = [['万亿', 1e12], ['千亿', 1e11], ['百亿', 1e10], ['亿', 1e8], ['千万', 1e7], ['百万', 1e6], ['万', 1e4]];

/** A unit as written (万亿元, 万人, %) in base units: { std: 'yuan', factor: 1e12 }, or null. */
export function standardUnit(unit: string | null, units = catalog().units): { std: string; factor: number } | null {
  if (unit === null) return null;
  const direct = units[unit];
  if (direct) return direct;
  for (const [scale, f] of SCALES) {
    if (unit.startsWith(scale) && unit.length > scale.length) {
      const base = units[unit.slice(scale.length)];
      if (base) return { std: base.std, factor: base.factor * f };
    }
  }
  return null;
}
