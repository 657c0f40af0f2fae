/**
 * Reading the seccomp filters of a running process: its mode and filter count from
 * /proc/PID/status, and each filter's classic BPF through ptrace(PTRACE_SECCOMP_GET_FILTER).
 *
 * What the kernel demands (kernel/seccomp.c, seccomp_get_filter; kernel/ptrace.c): the caller
 * has CAP_SYS_ADMIN and is itself not under seccomp (else EACCES), the target is ptrace-stopped
 * by the calling thread, and the kernel was built with CONFIG_CHECKPOINT_RESTORE (otherwise the
 * request is unknown: EIO). We attach with PTRACE_SEIZE, stop the target with PTRACE_INTERRUPT,
 * read, and detach: it continues as if nothing happened (an interrupted sleep is restarted).
 *
 * Order: the kernel's index 0 is the OLDEST filter, the one installed first, and the highest
 * index the newest (seen on Linux 6.18; ptrace(2) says the opposite). test/cli/dump.test.ts
 * checks this on the running kernel with two stacked filters.
 *
 * Filters belong to threads; a PID names the thread-group leader, so these are its filters.
 */
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { SeccompKitError } from '../core/errors.js';
import { decodeProgram, SOCK_FILTER_SIZE } from '../core/bpf/codec.js';
import type { Program } from '../core/bpf/instruction.js';
import { errnoName, errnoText } from './kernel/libc.js';
import { PTRACE_DETACH, PTRACE_INTERRUPT, PTRACE_SECCOMP_GET_FILTER, PTRACE_SEIZE, ptraceCalls, WALL } from './kernel/ptrace.js';

/** Seccomp mode as /proc/PID/status reports it (0, 1, 2). */
export type SeccompMode = 'disabled' | 'strict' | 'filter';

/** What {@link readProcessSeccomp} found. */
export interface ProcessSeccomp {
  pid: number;
  /** The command name (/proc/PID/comm), if readable. */
  comm?: string;
  mode: SeccompMode;
  /** Number of filters attached (as read through ptrace; 0 unless mode is `filter`). */
  count: number;
  /** The filters in the kernel's order: index 0 was installed first, the last one is the newest. Empty unless mode is `filter`. */
  filters: Program[];
}

/** Mode and filter count from the text of /proc/PID/status (`Seccomp_filters` appeared in Linux 5.9). */
export function parseSeccompStatus(text: string): { mode: SeccompMode; count?: number } {
  const m = /^Seccomp:\s*(\d+)\s*$/m.exec(text);
  if (!m) throw new SeccompKitError('kernel', 'this kernel does not report a Seccomp: line in /proc/PID/status (built without CONFIG_SECCOMP?)');
  const modes: SeccompMode[] = ['disabled', 'strict', 'filter'];
  const mode = modes[Number(m[1])];
  if (!mode) throw new SeccompKitError('kernel', `unknown seccomp mode ${m[1]} in /proc/PID/status`);
  const c = /^Seccomp_filters:\s*(\d+)\s*$/m.exec(text);
  return c ? { mode, count: Number(c[1]) } : { mode };
}

function readProc(pid: number, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') throw new SeccompKitError('kernel', `no such process: ${pid}`);
    throw new SeccompKitError('kernel', `cannot read /proc/${pid}/${file}: ${(err as Error).message}`);
  }
}

function attachError(pid: number, e: number): SeccompKitError {
  switch (errnoName(e)) {
    case 'ESRCH':
      return new SeccompKitError('kernel', `no such process: ${pid}`);
    case 'EPERM':
      return new SeccompKitError('kernel', `cannot attach to process ${pid} with ptrace (EPERM): it is already traced (a debugger, strace), or we lack CAP_SYS_PTRACE over it`, {
        hint: 'run as root, and stop any tracer first; /proc/sys/kernel/yama/ptrace_scope 3 forbids attaching altogether',
      });
    default:
      return new SeccompKitError('kernel', `ptrace(PTRACE_SEIZE, ${pid}) failed with ${errnoName(e)}: ${errnoText(e)}`);
  }
}

function getFilterError(pid: number, index: number, e: number): SeccompKitError {
  const what = `ptrace(PTRACE_SECCOMP_GET_FILTER, ${pid}, ${index}) failed with ${errnoName(e)}`;
  switch (errnoName(e)) {
    case 'EACCES':
      return new SeccompKitError('kernel', `${what}: reading filters needs CAP_SYS_ADMIN, and seccomp-kit itself must not run under seccomp`, {
        hint: 'run as root outside any container filter (a default Docker container has a filter and no CAP_SYS_ADMIN)',
      });
    case 'EPERM':
      return new SeccompKitError('kernel', `${what}: permission denied (need CAP_SYS_ADMIN)`);
    case 'EIO':
      return new SeccompKitError('kernel', `${what}: this kernel does not know the request (built without CONFIG_CHECKPOINT_RESTORE, or older than 4.4)`);
    case 'EINVAL':
      return new SeccompKitError('kernel', `${what}: process ${pid} is not in seccomp filter mode`);
    case 'EMEDIUMTYPE':
      return new SeccompKitError('kernel', `${what}: filter ${index} is not classic BPF, so the kernel cannot give it back`);
    case 'ESRCH':
      return new SeccompKitError('kernel', `${what}: process ${pid} exited or is no longer stopped`);
    default:
      return new SeccompKitError('kernel', `${what}: ${errnoText(e)}`);
  }
}

/** Waits for the tracee to stop; returns false when it ended instead. */
function waitStopped(pid: number): boolean {
  const pt = ptraceCalls();
  const status = new Int32Array(1);
  for (;;) {
    const r = pt.waitpid(pid, status, WALL);
    if (r < 0) {
      const e = pt.errno();
      if (errnoName(e) === 'EINTR') continue;
      throw new SeccompKitError('kernel', `waitpid(${pid}) failed with ${errnoName(e)}: ${errnoText(e)}`);
    }
    const s = status[0] ?? 0;
    if ((s & 0xff) === 0x7f) return true; // WIFSTOPPED
    return false; // exited or killed
  }
}

/** Reads the filters of a stopped tracee, index 0 (the oldest) first, until the kernel says ENOENT. */
function readFilters(pid: number): Program[] {
  const pt = ptraceCalls();
  const endian = endianness() === 'LE' ? 'little' : 'big';
  const out: Program[] = [];
  // Read until ENOENT rather than up to the status count, which was read before the process stopped.
  for (let i = 0; ; i++) {
    // With no buffer the kernel returns the filter's length in instructions.
    const len = pt.ptrace(PTRACE_SECCOMP_GET_FILTER, pid, i, null);
    if (len < 0) {
      const e = pt.errno();
      if (errnoName(e) === 'ENOENT' && i > 0) break; // past the newest filter
      throw getFilterError(pid, i, e);
    }
    const buf = new Uint8Array(len * SOCK_FILTER_SIZE);
    const got = pt.ptrace(PTRACE_SECCOMP_GET_FILTER, pid, i, buf);
    if (got < 0) throw getFilterError(pid, i, pt.errno());
    if (got !== len) throw new Error(`filter ${i} of process ${pid} changed length while being read (${len} then ${got})`);
    out.push(decodeProgram(buf, { endian, file: `pid ${pid} filter ${i}` }));
  }
  return out;
}

/**
 * Reads the seccomp state of process `pid`: mode, number of filters and (in filter mode) every
 * filter, oldest (index 0) first. The process is stopped for the time of the reading and then resumed.
 * Throws a `kernel` SeccompKitError for a missing process, missing privileges, a kernel without
 * the ptrace request, or a process that ends meanwhile. Linux only; must not be called on
 * seccomp-kit's own process (a process cannot trace itself).
 */
export function readProcessSeccomp(pid: number): ProcessSeccomp {
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new SeccompKitError('usage', `not a process id: ${pid}`);
  if (process.platform !== 'linux') throw new SeccompKitError('kernel', `reading seccomp filters needs Linux (this is ${process.platform})`);
  const status = parseSeccompStatus(readProc(pid, 'status'));
  let comm: string | undefined;
  try {
    comm = readProc(pid, 'comm').trimEnd();
  } catch {
    // comm is decoration only
  }
  const base = { pid, ...(comm !== undefined ? { comm } : {}), mode: status.mode };
  if (status.mode !== 'filter') return { ...base, count: 0, filters: [] };
  if (pid === process.pid) throw new SeccompKitError('usage', `process ${pid} is seccomp-kit itself, which cannot trace itself`);

  const pt = ptraceCalls();
  if (pt.ptrace(PTRACE_SEIZE, pid, 0, null) < 0) throw attachError(pid, pt.errno());
  let filters: Program[];
  try {
    if (pt.ptrace(PTRACE_INTERRUPT, pid, 0, null) < 0) {
      const e = pt.errno();
      throw new SeccompKitError('kernel', `ptrace(PTRACE_INTERRUPT, ${pid}) failed with ${errnoName(e)}: ${errnoText(e)}`);
    }
    if (!waitStopped(pid)) throw new SeccompKitError('kernel', `process ${pid} ended while being attached`);
    filters = readFilters(pid);
  } finally {
    // Resumes the process with no signal; fails only if it is gone, which needs no cleanup.
    pt.ptrace(PTRACE_DETACH, pid, 0, null);
  }
  return { ...base, count: filters.length, filters };
}
