/**
 * Installing seccomp filters in the calling thread through koffi: `prctl(PR_SET_NO_NEW_PRIVS)`,
 * `seccomp(SECCOMP_SET_MODE_FILTER, flags, &prog)`, strict mode, and install-then-exec (what
 * `seccomp-kit run` needs). x86_64 only for now (the seccomp syscall number is x86_64's).
 *
 * Threads: without SECCOMP_FILTER_FLAG_TSYNC a filter (and no_new_privs) applies to the calling
 * thread only, and to threads and processes it creates later. Node runs helper threads (libuv,
 * V8) that stay unfiltered; pass TSYNC to filter them too.
 */
import { SeccompKitError } from '../../core/errors.js';
import { encodeProgram } from '../../core/bpf/codec.js';
import type { Program } from '../../core/bpf/instruction.js';
import {
  BPF_MAXINSNS,
  FILTER_FLAG_NAMES,
  SECCOMP_FILTER_FLAG_LOG,
  SECCOMP_FILTER_FLAG_NEW_LISTENER,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW,
  SECCOMP_FILTER_FLAG_TSYNC,
  SECCOMP_FILTER_FLAG_TSYNC_ESRCH,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
  SECCOMP_GET_ACTION_AVAIL,
  SECCOMP_SET_MODE_FILTER,
  SECCOMP_SET_MODE_STRICT,
} from '../../core/bpf/opcodes.js';
import { errnoName, errnoText, F_GETFD, F_SETFD, FD_CLOEXEC, libc, NR_SECCOMP_X86_64, PR_GET_NO_NEW_PRIVS, PR_SET_NO_NEW_PRIVS } from './libc.js';

export { FILTER_FLAG_NAMES };

/** `TSYNC|LOG`, or `bit 20` for bits linux/seccomp.h does not name. */
export function formatFilterFlags(flags: number): string {
  const parts: string[] = [];
  for (let bit = 0; bit < 32; bit++) {
    const v = (1 << bit) >>> 0;
    if (((flags >>> 0) & v) === 0) continue;
    parts.push(FILTER_FLAG_NAMES.find(([f]) => f === v)?.[1] ?? `bit ${bit}`);
  }
  return parts.length ? parts.join('|') : '0';
}

let fprogType: unknown;

/** The `struct sock_fprog` argument koffi passes by pointer; the filter bytes stay alive for the call. */
function sockFprog(p: Program): { arg: unknown; bytes: Uint8Array } {
  const { koffi } = libc();
  // Anonymous, so loading this module twice (test isolation) cannot clash on a type name.
  fprogType ??= koffi.pointer(koffi.struct({ len: 'uint16_t', filter: 'const uint8_t *' }));
  const bytes = encodeProgram(p, 'little'); // x86_64 is little-endian
  return { arg: koffi.as({ len: p.length & 0xffff, filter: bytes }, fprogType as Parameters<typeof koffi.as>[1]), bytes };
}

function seccompCall(op: number, flags: number, arg: unknown): { rc: number; errno: number } {
  const c = libc();
  // The fixed prototype takes `const void *`; koffi accepts the typed struct pointer or null.
  const rc = Number(c.syscall3p(NR_SECCOMP_X86_64, op, flags >>> 0, arg as Uint8Array | null));
  return { rc, errno: rc < 0 ? c.errno() : 0 };
}

function assertX86_64(what: string): void {
  if (process.arch !== 'x64' || process.platform !== 'linux') {
    throw new SeccompKitError('kernel', `${what} needs Linux on x86_64 (this is ${process.platform}/${process.arch})`);
  }
}

/**
 * Sets no_new_privs on the calling thread (`prctl(PR_SET_NO_NEW_PRIVS, 1)`): required before an
 * unprivileged thread may install a filter, and irreversible. Throws a `kernel` error on failure.
 */
export function setNoNewPrivs(): void {
  const c = libc();
  if (c.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) !== 0) {
    const e = c.errno();
    throw new SeccompKitError('kernel', `prctl(PR_SET_NO_NEW_PRIVS) failed: ${errnoName(e)} (${errnoText(e)})`);
  }
}

/** Whether no_new_privs is set on the calling thread. */
export function noNewPrivs(): boolean {
  return libc().prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) === 1;
}

/**
 * Whether the running kernel knows a filter flag: seccomp(SET_MODE_FILTER, flag, NULL) fails with
 * EFAULT once the flags have been accepted and EINVAL when they are not (the check happens first).
 */
export function filterFlagSupported(flag: number): boolean {
  assertX86_64('probing seccomp flags');
  const r = seccompCall(SECCOMP_SET_MODE_FILTER, flag, null);
  return r.rc < 0 && r.errno !== 22 /* EINVAL */;
}

/** Whether the kernel supports an action value (`SECCOMP_GET_ACTION_AVAIL`, Linux 4.14). */
export function actionAvailable(action: number): boolean {
  assertX86_64('probing seccomp actions');
  const buf = new Uint8Array(4);
  new DataView(buf.buffer).setUint32(0, action >>> 0, true);
  return seccompCall(SECCOMP_GET_ACTION_AVAIL, 0, buf).rc === 0;
}

/** Why EINVAL: an unknown flag or a refused combination, else the program itself (linux/seccomp.h, kernel/seccomp.c). */
function explainEinval(flags: number): string {
  const unknown: string[] = [];
  for (let bit = 0; bit < 32; bit++) {
    const v = (1 << bit) >>> 0;
    if (((flags >>> 0) & v) !== 0 && !filterFlagSupported(v)) unknown.push(formatFilterFlags(v));
  }
  if (unknown.length) return `the kernel rejected flag ${unknown.join(', ')} (unknown to this kernel)`;
  const has = (f: number): boolean => ((flags >>> 0) & f) !== 0;
  if (has(SECCOMP_FILTER_FLAG_TSYNC) && has(SECCOMP_FILTER_FLAG_NEW_LISTENER) && !has(SECCOMP_FILTER_FLAG_TSYNC_ESRCH)) {
    return 'the kernel rejected flags TSYNC|NEW_LISTENER: they need TSYNC_ESRCH as well';
  }
  if (has(SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) && !has(SECCOMP_FILTER_FLAG_NEW_LISTENER)) {
    return 'the kernel rejected flag WAIT_KILLABLE_RECV: it needs NEW_LISTENER';
  }
  return 'the kernel rejected the program (run `seccomp-kit verify` on it to see which check fails)';
}

function installError(e: number, flags: number, p: Program): SeccompKitError {
  const name = errnoName(e);
  let why: string;
  let hint: string | undefined;
  switch (name) {
    case 'EINVAL':
      why = p.length === 0 || p.length > BPF_MAXINSNS ? `the kernel rejected the program: ${p.length} instructions (1..${BPF_MAXINSNS} allowed)` : explainEinval(flags);
      break;
    case 'EACCES':
      why = 'the thread has neither no_new_privs nor CAP_SYS_ADMIN';
      hint = 'call setNoNewPrivs() first';
      break;
    case 'ENOMEM':
      why = 'the filters attached to this thread would exceed 32768 instructions in total (or the kernel is out of memory)';
      break;
    case 'EBUSY':
      why = 'a filter of this thread already has a user-notification listener (NEW_LISTENER allows only one)';
      break;
    case 'ESRCH':
      why = 'another thread could not be synchronized (TSYNC with TSYNC_ESRCH)';
      break;
    case 'ENOSYS':
      why = 'this kernel has no seccomp() system call';
      break;
    case 'EFAULT':
      why = 'the kernel could not read the program';
      break;
    default:
      why = errnoText(e);
  }
  return new SeccompKitError('kernel', `seccomp(SECCOMP_SET_MODE_FILTER, ${formatFilterFlags(flags)}) failed with ${name}: ${why}`, hint ? { hint } : {});
}

/**
 * Installs a filter in the calling thread (`seccomp(SECCOMP_SET_MODE_FILTER, flags, &prog)`).
 * The thread needs no_new_privs ({@link setNoNewPrivs}) or CAP_SYS_ADMIN. Returns the syscall's
 * non-negative result (a listener fd with NEW_LISTENER, else 0). Throws a `kernel` error naming
 * the errno and what it means here. A program that denies what Node needs breaks this thread:
 * use it right before {@link execFiltered}-style exec, or in a throwaway process.
 */
export function installFilter(p: Program, flags = 0): number {
  assertX86_64('installing a seccomp filter');
  if (p.length > 0xffff) {
    throw new SeccompKitError('kernel', `a program of ${p.length} instructions does not fit struct sock_fprog (len is 16 bits)`);
  }
  const { arg } = sockFprog(p);
  const r = seccompCall(SECCOMP_SET_MODE_FILTER, flags, arg);
  if (r.rc < 0) throw installError(r.errno, flags, p);
  if (r.rc > 0 && (flags & SECCOMP_FILTER_FLAG_TSYNC) !== 0 && (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) === 0) {
    // TSYNC without TSYNC_ESRCH reports the thread that could not be synchronized as the result.
    throw new SeccompKitError('kernel', `seccomp(SECCOMP_SET_MODE_FILTER, ${formatFilterFlags(flags)}) failed: thread ${r.rc} could not be synchronized`);
  }
  return r.rc;
}

/**
 * Enters strict mode (`seccomp(SECCOMP_SET_MODE_STRICT)`) on the calling thread: afterwards it
 * may only call read, write, exit (of the thread, not exit_group) and rt_sigreturn; anything
 * else ends the thread as if by SIGKILL. In Node that leaves nothing but koffi calls to those
 * four, and a killed main thread leaves the process hanging on Node's helper threads: only for
 * throwaway processes that someone else reaps.
 */
export function seccompModeStrict(): void {
  assertX86_64('entering seccomp strict mode');
  const r = seccompCall(SECCOMP_SET_MODE_STRICT, 0, null);
  if (r.rc < 0) {
    throw new SeccompKitError('kernel', `seccomp(SECCOMP_SET_MODE_STRICT) failed with ${errnoName(r.errno)}: ${errnoText(r.errno)}`);
  }
}

/** Options of {@link execFiltered}. */
export interface ExecFilteredOptions {
  /** SECCOMP_FILTER_FLAG_* bits (default 0). */
  flags?: number;
  /** Environment as `NAME=value` strings (default: this process's environment). */
  env?: readonly string[];
  /** Skip prctl(PR_SET_NO_NEW_PRIVS); then the caller needs CAP_SYS_ADMIN. Default false. */
  keepPrivileges?: boolean;
}

/**
 * Replaces this process with `file argv...` running under the filter: sets no_new_privs,
 * installs the filter on the calling (main) thread, then execve(2). Exec discards the other
 * threads, so the new program runs entirely filtered. Standard input, output and error are
 * passed on (their close-on-exec flag is cleared); other descriptors keep their flags. Returns only by throwing: a `kernel`
 * error when the filter is refused or execve fails (for example because the filter itself
 * denies execve).
 */
export function execFiltered(p: Program, file: string, argv: readonly string[], opts: ExecFilteredOptions = {}): never {
  const env = opts.env ?? Object.entries(process.env).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`);
  if (!opts.keepPrivileges) setNoNewPrivs();
  const c = libc();
  // Node may mark its standard streams close-on-exec; the new program should inherit them.
  for (const fd of [0, 1, 2]) {
    const fl = c.fcntl(fd, F_GETFD, 0);
    if (fl >= 0 && (fl & FD_CLOEXEC) !== 0) c.fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC);
  }
  installFilter(p, opts.flags ?? 0);
  c.execve(file, [...argv, null], [...env, null]);
  const e = c.errno();
  throw new SeccompKitError('kernel', `execve(${file}) failed with ${errnoName(e)}: ${errnoText(e)}`, {
    hint: e === 1 || e === 13 || e === 38 ? 'the filter may deny execve itself, or the file is not executable' : undefined,
  });
}
