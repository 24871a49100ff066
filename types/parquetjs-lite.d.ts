// parquetjs-lite ships no type declarations; this covers the part we use.
declare module 'parquetjs-lite' {
  export class ParquetSchema {
    constructor(fields: Record<string, { type: string; optional?: boolean; compression?: string; statistics?: boolean }>);
  }
  export class ParquetWriter {
    static openFile(schema: ParquetSchema, path: string, opts?: { useDataPageV2?: boolean; pageSize?: number }): Promise<ParquetWriter>;
    appendRow(row: Record<string, unknown>): Promise<void>;
    setRowGroupSize(n: number): void;
    close(): Promise<void>;
  }
  const parquet: { ParquetSchema: typeof ParquetSchema; ParquetWriter: typeof ParquetWriter };
  export default parquet;
}
