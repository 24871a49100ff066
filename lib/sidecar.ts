/** Source sidecars (`NAME.meta.json`): read, check against schemas/source.schema.json, type. */
import { readFileSync } from 'node:fs';
import { projectAjv, describeAjvError } from './ajv.js';
import { PipelineError } from './errors.js';
import { schemaPath } from './paths.js';

export interface SidecarPart {
  from: string;
  to: string;
}

export interface SidecarDocument {
  id: string;
  title: string | null;
  kind: string | null;
  region: string | null;
  scope: string | null;
  date: string | null;
  year: number | null;
  speaker: string | null;
  speaker_role: string | null;
  event: string | null;
  dateline: string | null;
  source_url: string | null;
  notes?: string;
  parts?: SidecarPart[];
}

export interface Sidecar {
  file: string;
  origin: { publisher: string | null; url: string | null; retrieved: string | null; licence: string | null; notes?: string };
  documents: SidecarDocument[];
}

let validate: ReturnType<ReturnType<typeof projectAjv>['compile']> | null = null;

/** Parse and validate a sidecar; `name` is how errors refer to it. */
export function parseSidecar(json: string, name: string, textFile: string): Sidecar {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    const loc = at ? lineColumn(json, Number(at[1])) : {};
    throw new PipelineError({ file: name, ...loc }, `is not valid JSON (${message})`, 'Fix the JSON syntax; the sidecar must be one JSON object.');
  }
  validate ??= projectAjv().compile(JSON.parse(readFileSync(schemaPath('source.schema.json'), 'utf8')));
  if (!validate(data)) {
    const first = validate.errors![0]!;
    const { field, problem } = describeAjvError(first);
    throw new PipelineError(
      { file: name, field },
      `breaks schemas/source.schema.json: ${field} ${problem}`,
      'Correct the sidecar so it matches the schema (see the README section "Adding a source").',
    );
  }
  const sidecar = data as Sidecar;
  if (sidecar.file !== textFile) {
    throw new PipelineError({ file: name, field: 'file' }, `names "${sidecar.file}" but sits beside "${textFile}"`, `Set "file" to "${textFile}".`);
  }
  return sidecar;
}

function lineColumn(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  const column = [...before.slice(before.lastIndexOf('\n') + 1)].length + 1;
  return { line, column };
}
