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

/**
 * An error as plain data, to cross from a worker thread: a structured clone keeps only an
 * Error's message and name, and the main thread must rebuild it whole (a PipelineError with its
 * location and remedy; a file system error with its code, such as ENOSPC, and the thread's stack).
 */
export interface PlainError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
  location?: ErrorLocation;
  problem?: string;
  remedy?: string;
}

export function toPlainError(err: unknown): PlainError {
  // Anything may be thrown; what is not an object crosses as its text.
  if (typeof err !== 'object' || err === null) return { name: 'Error', message: String(err) };
  const e = err as Error & { code?: string; location?: ErrorLocation; problem?: string; remedy?: string };
  return { name: e.name ?? 'Error', message: e.message ?? String(err), code: e.code, stack: e.stack, location: e.location, problem: e.problem, remedy: e.remedy };
}

export function fromPlainError(e: PlainError): Error {
  if (e.name === 'PipelineError' && e.location && e.problem && e.remedy) return new PipelineError(e.location, e.problem, e.remedy);
  return Object.assign(new Error(e.message), e.code === undefined ? {} : { code: e.code }, e.stack === undefined ? {} : { stack: e.stack });
}
