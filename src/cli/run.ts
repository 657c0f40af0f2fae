/**
 * The one place where a command's outcome becomes an exit status:
 * 0 = success, 1 = a negative answer (invalid, denied, findings, differences),
 * 2 = usage or input error (one line, no stack trace), 3 = internal error (a bug; `--debug` shows the trace).
 */
import { isUserError } from '../core/errors.js';
import { colorErr, eprintln } from './output.js';

export const EXIT_OK = 0;
export const EXIT_NEGATIVE = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 3;

/** Global state set from the top-level options before any command runs. */
export const globals = { debug: false };

/** Prints an error the way every command does, and returns the exit code for it. */
export function reportError(err: unknown): number {
  if (isUserError(err)) {
    eprintln(`${colorErr.bold('seccomp-kit:')} ${err.location()}${colorErr.red('error:')} ${err.message}`);
    if (err.hint) eprintln(`  ${colorErr.dim('hint:')} ${err.hint}`);
    if (globals.debug && err.stack) eprintln(err.stack);
    return EXIT_USAGE;
  }
  const msg = err instanceof Error ? err.message : String(err);
  eprintln(`${colorErr.bold('seccomp-kit:')} ${colorErr.red('internal error:')} ${msg}`);
  if (globals.debug && err instanceof Error && err.stack) eprintln(err.stack);
  else eprintln('  this is a bug in seccomp-kit; run again with --debug for the trace and please report it');
  return EXIT_INTERNAL;
}

/**
 * Wraps a command action: its resolved value (or undefined) is the exit code; a thrown error is
 * reported by {@link reportError}.
 */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void> | number | void) {
  return async (...args: A): Promise<void> => {
    let code: number;
    try {
      code = (await fn(...args)) ?? EXIT_OK;
    } catch (err) {
      code = reportError(err);
    }
    process.exitCode = code;
  };
}
