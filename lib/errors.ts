/**
 * The one error type a build fails with. It always names the file; where it can, the position
 * (raw byte offset, line, column) and the field; and it says what to do about it.
 */
export interface ErrorLocation {
  file: string;
  byteOffset?: number;
  line?: number;
  column?: number;
  field?: string;
}

export class PipelineError extends Error {
  constructor(
    readonly location: ErrorLocation,
    readonly problem: string,
    readonly remedy: string,
  ) {
    super(PipelineError.format(location, problem, remedy));
    this.name = 'PipelineError';
  }

  static format(loc: ErrorLocation, problem: string, remedy: string): string {
    const where = [loc.file];
    if (loc.line !== undefined) where.push(`line ${loc.line}${loc.column !== undefined ? `, column ${loc.column}` : ''}`);
    if (loc.byteOffset !== undefined) where.push(`byte ${loc.byteOffset}`);
    if (loc.field !== undefined) where.push(`field ${loc.field}`);
    return `${where.join(': ')}: ${problem}. ${remedy}`;
  }
}
