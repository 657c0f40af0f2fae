/**
 * Errors a user can cause (bad input, unknown names, invalid options) are values of one type,
 * {@link SeccompKitError}. The CLI prints them as one line (`file:line:col: error: message`) and
 * exits 2. Anything else that is thrown is a bug and keeps its stack trace.
 */

/** Where a value came from: a file (or label such as `<stdin>`), a position, and a field path. */
export interface SourceRef {
  /** File name or label as the user gave it. */
  file?: string;
  /** 1-based line. */
  line?: number;
  /** 1-based column. */
  column?: number;
  /** 0-based character offset into the text. */
  offset?: number;
  /** JSON pointer (`/syscalls/3/names/0`) or dotted field path. */
  pointer?: string;
  /** Index of a BPF instruction, for errors about a program. */
  instruction?: number;
}

/** Machine-readable error codes; stable across versions. */
export type ErrorCode =
  | 'usage'
  | 'io'
  | 'parse'
  | 'bpf-size'
  | 'bpf-opcode'
  | 'bpf-hex'
  | 'bpf-asm'
  | 'bpf-invalid'
  | 'unknown-arch'
  | 'unknown-syscall'
  | 'profile'
  | 'resolve'
  | 'compile'
  | 'kernel';

/** A mistake in the input or the options, reported to the user without a stack trace. */
export class SeccompKitError extends Error {
  readonly code: ErrorCode;
  readonly source?: SourceRef;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, options: { source?: SourceRef; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SeccompKitError';
    this.code = code;
    if (options.source) this.source = options.source;
    if (options.hint) this.hint = options.hint;
  }

  /** `file:line:col: ` or `file: instruction N: ` prefix, empty when nothing is known. */
  location(): string {
    return formatSource(this.source);
  }
}

/** Formats a {@link SourceRef} as the prefix of a compiler-style message. */
export function formatSource(src: SourceRef | undefined): string {
  if (!src) return '';
  let s = src.file ?? '';
  if (src.line !== undefined) s += `${s ? ':' : ''}${src.line}${src.column !== undefined ? `:${src.column}` : ''}`;
  if (src.instruction !== undefined) s += `${s ? ': ' : ''}instruction ${src.instruction}`;
  return s ? `${s}: ` : '';
}

/** True for errors that are the user's (printed as one line), false for bugs. */
export function isUserError(err: unknown): err is SeccompKitError {
  return err instanceof SeccompKitError;
}
