/** One Ajv instance for the project's own schemas (draft-07), so each schema compiles once. */
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats ships CommonJS with a default export; under NodeNext it arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

let instance: Ajv | null = null;

/**
 * Schemas are not checked against the draft-07 meta-schema when they compile: that compiled the
 * meta-schema itself in every thread, about 25 ms of each worker's start and 50 of the main
 * thread's. They are the project's own files, and test/ajv.test.ts checks every one of them
 * against the meta-schema instead.
 */
const OWN_SCHEMAS = { validateSchema: false } as const;

export function projectAjv(): Ajv {
  if (instance) return instance;
  instance = new Ajv({ ...OWN_SCHEMAS, allErrors: true, strict: true });
  addFormats(instance);
  // Table schemas carry the table's key; it drives the data package descriptor.
  instance.addKeyword({ keyword: 'x-primary-key', schemaType: 'array' });
  return instance;
}

/** `/documents/0/date` + `must match format "date"` in words a person can act on. */
export function describeAjvError(e: ErrorObject): { field: string; problem: string } {
  const field = e.instancePath === '' ? '(top level)' : e.instancePath.slice(1).replaceAll('/', '.');
  let problem = e.message ?? e.keyword;
  if (e.keyword === 'additionalProperties') problem = `has unknown property "${String(e.params['additionalProperty'])}"`;
  if (e.keyword === 'required') problem = `is missing required property "${String(e.params['missingProperty'])}"`;
  if (e.keyword === 'enum') problem = `must be one of ${JSON.stringify(e.params['allowedValues'])}`;
  return { field, problem };
}

let rows: Ajv | null = null;

/**
 * The instance for table rows, whose string lengths are counted in UTF-16 units: ajv's default
 * walks every string to count code points, and a paragraph's text is long. Only schemas whose
 * length limits cannot tell the two counts apart are compiled here (see validate-rows).
 */
export function rowAjv(): Ajv {
  if (rows) return rows;
  // ajv 8 still honours `unicode` but logs it as deprecated once per instance: the logger is off
  // (strict mode still throws on a bad schema; there is nothing else it would say here).
  rows = new Ajv({ ...OWN_SCHEMAS, allErrors: false, strict: true, unicode: false, logger: false });
  addFormats(rows);
  return rows;
}
