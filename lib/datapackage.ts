/**
 * The Frictionless Data Package descriptor (datapackage.json), made from the table schemas: each
 * table is two tabular resources with one Table Schema, the CSV file and the Parquet file.
 */
import type { TableSpec, ColumnType } from './table-schema.js';

const FIELD_TYPE: Record<ColumnType, string> = {
  INT32: 'integer', INT64: 'integer', DOUBLE: 'number', BOOLEAN: 'boolean', DATE: 'date', UTF8: 'string',
};

export interface SourceFile {
  file: string;
  sha256: string;
  title: string;
}

export interface DescriptorInput {
  name: string;
  title: string;
  description: string;
  version: string;
  codeVersion: string;
  tables: Array<{ spec: TableSpec; rows: number; csvSha256: string; parquetSha256: string; csvBytes: number; parquetBytes: number }>;
  sources: SourceFile[];
}

export function tableSchema(spec: TableSpec): Record<string, unknown> {
  return {
    fields: spec.columns.map((c) => ({
      name: c.name,
      type: FIELD_TYPE[c.type],
      ...(c.type === 'DATE' ? { format: 'default' } : {}),
      description: c.description,
      constraints: {
        required: !c.nullable,
        ...(c.enum ? { enum: c.enum.filter((v) => v !== null) } : {}),
      },
    })),
    primaryKey: spec.primaryKey,
    missingValues: [''],
  };
}

export function descriptor(input: DescriptorInput): Record<string, unknown> {
  return {
    profile: 'tabular-data-package',
    name: input.name,
    title: input.title,
    description: input.description,
    version: input.version,
    'x-code-version': input.codeVersion,
    licenses: [
      {
        name: 'CC-BY-4.0',
        path: 'https://creativecommons.org/licenses/by/4.0/',
        title: 'Creative Commons Attribution 4.0 (the tables compiled here)',
      },
    ],
    'x-licence-note':
      'The compiled tables are released under CC BY 4.0. Government work reports and other official documents of a legislative or administrative nature are not protected by copyright in China (Copyright Law of the PRC, Article 5). News articles and signed articles remain their publishers\' and authors\' work; their text is included to cite the figures they state.',
    sources: input.sources.map((s) => ({ title: s.title, path: `raw/${s.file}`, 'x-sha256': s.sha256 })),
    resources: input.tables.flatMap(({ spec, rows, csvSha256, parquetSha256, csvBytes, parquetBytes }) => [
      {
        profile: 'tabular-data-resource',
        name: spec.name,
        title: spec.title,
        description: spec.description,
        path: `${spec.name}.csv`,
        format: 'csv',
        mediatype: 'text/csv',
        encoding: 'utf-8-sig',
        bytes: csvBytes,
        hash: `sha256:${csvSha256}`,
        'x-rows': rows,
        dialect: { delimiter: ',', lineTerminator: '\r\n', quoteChar: '"', doubleQuote: true, header: true },
        schema: tableSchema(spec),
      },
      {
        profile: 'tabular-data-resource',
        name: `${spec.name}-parquet`,
        title: `${spec.title} (Parquet)`,
        description: spec.description,
        path: `${spec.name}.parquet`,
        format: 'parquet',
        mediatype: 'application/vnd.apache.parquet',
        bytes: parquetBytes,
        hash: `sha256:${parquetSha256}`,
        'x-rows': rows,
        schema: tableSchema(spec),
      },
    ]),
  };
}
