import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { Ajv } from 'ajv';
import { projectAjv, rowAjv } from '../lib/ajv.js';
import { projectRoot } from '../lib/paths.js';

/** Every schema file under schemas/ (*.schema.json; the catalog's indicators.json is data, not a schema). */
function schemaFiles(dir = join(projectRoot, 'schemas')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return schemaFiles(path);
    return e.name.endsWith('.schema.json') ? [path] : [];
  });
}

/** Errors of `schema` against the draft-07 meta-schema, as ajv reports them when it checks schemas itself. */
function metaSchemaErrors(schema: unknown): string {
  const checker = new Ajv({ strict: false });
  return checker.validateSchema(schema as object) ? '' : checker.errorsText(checker.errors);
}

describe('ajv', () => {
  // The project's instances skip this check when they compile (see OWN_SCHEMAS in lib/ajv.ts), so
  // it is made here, over every schema the pipeline compiles.
  test('every schema in schemas/ is a valid draft-07 schema', () => {
    const files = schemaFiles();
    assert.ok(files.length >= 12, `found only ${files.length} schemas`);
    for (const file of files) {
      assert.equal(metaSchemaErrors(JSON.parse(readFileSync(file, 'utf8'))), '', relative(projectRoot, file));
    }
  });

  test('the check refuses a schema the meta-schema refuses', () => {
    assert.match(metaSchemaErrors({ type: 'object', properties: { year: { type: 'integer', minimum: 'none' } } }), /minimum/);
    assert.match(metaSchemaErrors({ type: 'strng' }), /type/);
  });

  test('the project instances do not compile the meta-schema but still refuse unknown keywords', () => {
    for (const ajv of [projectAjv(), rowAjv()]) {
      assert.equal(ajv.opts.validateSchema, false);
      assert.throws(() => ajv.compile({ type: 'string', maxLenght: 3 }), /strict mode: unknown keyword: "maxLenght"/);
    }
  });
});
