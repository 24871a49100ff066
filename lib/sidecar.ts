/** Source sidecars (`NAME.meta.json`): read, check against schemas/source.schema.json, type. */
import { checkNamesItsFile } from './companions.js';
import { parseJsonData } from './json-data.js';

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

/** Parse and validate a sidecar; `name` is how errors refer to it. */
export function parseSidecar(json: string, name: string, textFile: string): Sidecar {
  const sidecar = parseJsonData<Sidecar>(json, name, 'source.schema.json');
  checkNamesItsFile(sidecar.file, name, textFile);
  return sidecar;
}
