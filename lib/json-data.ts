/** Read a project JSON data file (repair, errata) and check it against its schema, failing clearly. */
import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import { describeAjvError, projectAjv } from './ajv.js';
import { PipelineError } from './errors.js';
import { schemaPath } from './paths.js';

const compiled = new Map<string, ValidateFunction>();

export function parseJsonData<T>(json: string, name: string, schemaFile: string): T {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/u.exec(message);
    let loc = {};
    if (at) {
      const before = json.slice(0, Number(at[1]));
      loc = { line: before.split('\n').length, column: [...before.slice(before.lastIndexOf('\n') + 1)].length + 1 };
    }
    throw new PipelineError({ file: name, ...loc }, `is not valid JSON (${message})`, 'Fix the JSON syntax.');
  }
  let validate = compiled.get(schemaFile);
  if (!validate) {
    validate = projectAjv().compile(JSON.parse(readFileSync(schemaPath(schemaFile), 'utf8')));
    compiled.set(schemaFile, validate);
  }
  if (!validate(data)) {
    const { field, problem } = describeAjvError(validate.errors![0]!);
    throw new PipelineError({ file: name, field }, `breaks schemas/${schemaFile}: ${field} ${problem}`, `Correct the file so it matches schemas/${schemaFile}.`);
  }
  return data as T;
}

export function readJsonData<T>(path: string, name: string, schemaFile: string): T {
  return parseJsonData<T>(readFileSync(path, 'utf8'), name, schemaFile);
}
