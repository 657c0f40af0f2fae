/**
 * Running a command under a filter: everything that can fail is checked before the filter is
 * installed (fail closed: if a step fails, the command never starts and the message names the
 * step), then no_new_privs, the filter and execve(2) happen in this very process, so the command
 * runs with exactly that filter and its exit status is ours.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { SeccompKitError } from '../core/errors.js';
import type { Program } from '../core/bpf/instruction.js';
import { seccompData } from '../core/bpf/instruction.js';
import { emulate } from '../core/bpf/emulate.js';
import { verifyProgram } from '../core/bpf/verify.js';
import { formatAction } from '../core/bpf/actions.js';
import { syscallNumber } from '../core/syscalls/index.js';
import { hostAbi } from './host.js';
import { execFiltered, setNoNewPrivs } from './kernel/install.js';

/** Exit codes for our own failures, as `docker run` uses them. */
export const EXIT_RUN_ERROR = 125;
export const EXIT_CANNOT_EXECUTE = 126;
export const EXIT_NOT_FOUND = 127;

/** A launch failure with the exit code it maps to. */
export class LaunchError extends SeccompKitError {
  readonly exitCode: number;
  constructor(exitCode: number, message: string, hint?: string) {
    super('kernel', message, hint ? { hint } : {});
    this.exitCode = exitCode;
  }
}

/** Finds the executable as execvp(3) would; throws a LaunchError (127 / 126) otherwise. */
export function resolveCommand(cmd: string, path = process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin'): string {
  const candidates = cmd.includes('/') ? [cmd] : path.split(delimiter).filter(Boolean).map((d) => join(d, cmd));
  let found: string | undefined;
  for (const c of candidates) {
    try {
      if (statSync(c).isFile()) {
        found = c;
        accessSync(c, constants.X_OK);
        return c;
      }
    } catch {
      // not here, or not executable: keep looking like execvp does
    }
  }
  if (found) throw new LaunchError(EXIT_CANNOT_EXECUTE, `${found}: permission denied (not executable)`);
  throw new LaunchError(EXIT_NOT_FOUND, `${cmd}: command not found${cmd.includes('/') ? '' : ' in PATH'}`);
}

/** Why this filter would stop the command from starting (it must let execve through), if it would. */
export function execveBlocked(p: Program): string | undefined {
  const abi = hostAbi();
  const nr = syscallNumber(abi, 'execve');
  if (nr === undefined) return undefined;
  const r = emulate(p, seccompData(abi.auditArch, nr), { endian: abi.endian });
  const kind = r.action.kind;
  return kind === 'ALLOW' || kind === 'LOG' || kind === 'TRACE' || kind === 'USER_NOTIF' ? undefined : `the filter answers execve with ${formatAction(r.ret)}, so the command could not even start`;
}

/** Options of {@link launchFiltered}. */
export interface LaunchOptions {
  flags?: number;
}

/**
 * Checks everything, then replaces this process with the command under the filter. Returns only
 * by throwing a LaunchError whose `exitCode` says what failed.
 */
export function launchFiltered(p: Program, argv: readonly string[], opts: LaunchOptions = {}): never {
  if (argv.length === 0) throw new LaunchError(EXIT_RUN_ERROR, 'no command given', 'put the command after --: seccomp-kit run --profile P -- CMD ARGS');
  const v = verifyProgram(p);
  if (!v.ok) throw new LaunchError(EXIT_RUN_ERROR, `the kernel would reject the filter: ${v.reason} (instruction ${v.index}, ${v.errno})`);
  const blocked = execveBlocked(p);
  if (blocked) throw new LaunchError(EXIT_RUN_ERROR, blocked, 'allow execve in the profile');
  const file = resolveCommand(argv[0]);
  try {
    setNoNewPrivs();
  } catch (err) {
    throw new LaunchError(EXIT_RUN_ERROR, `setting no_new_privs failed: ${(err as Error).message}`);
  }
  // execFiltered installs the filter and execs; its own errors say which step failed.
  try {
    return execFiltered(p, file, argv, { flags: opts.flags ?? 0, keepPrivileges: true });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    // A refused filter means nothing was installed; a failed execve happens under the filter.
    throw new LaunchError(msg.startsWith('execve') ? EXIT_CANNOT_EXECUTE : EXIT_RUN_ERROR, msg);
  }
}

