/**
 * ptrace(2) and waitpid(2) through koffi, for reading another process's seccomp filters.
 * Loaded lazily, like libc.ts (whose library handle it shares).
 *
 * Constants: linux/ptrace.h (PTRACE_DETACH 17, PTRACE_SEIZE 0x4206, PTRACE_INTERRUPT 0x4207,
 * PTRACE_SECCOMP_GET_FILTER 0x420c), linux/wait.h (__WALL 0x40000000).
 */
import { libc } from './libc.js';

export const PTRACE_DETACH = 17;
export const PTRACE_SEIZE = 0x4206;
export const PTRACE_INTERRUPT = 0x4207;
export const PTRACE_SECCOMP_GET_FILTER = 0x420c;
/** waitpid option: wait for any child or tracee, clone or not (linux/wait.h). */
export const WALL = 0x40000000;

/** The two calls, typed for the way seccomp-kit makes them; `errno` is koffi's last errno. */
export interface Ptrace {
  /** `ptrace(request, pid, addr, data)` with an integer addr and a buffer (or null) as data. */
  ptrace(request: number, pid: number, addr: number, data: Uint8Array | null): number;
  /** `waitpid(pid, &status, options)`: the pid, or -1; `status` receives the wait status. */
  waitpid(pid: number, status: Int32Array, options: number): number;
  errno(): number;
}

let cached: Ptrace | undefined;

/** Binds ptrace and waitpid from libc once. Throws an ordinary Error when koffi/libc is missing. */
export function ptraceCalls(): Ptrace {
  if (cached) return cached;
  const c = libc();
  const lib = c.koffi.load('libc.so.6');
  // ptrace is variadic in glibc; its x86_64 wrapper reads exactly these integer/pointer
  // arguments from registers, so a fixed prototype passes them as a variadic call would.
  const ptrace = lib.func('long ptrace(int request, int pid, unsigned long addr, _Inout_ uint8_t *data)');
  const waitpid = lib.func('int waitpid(int pid, _Out_ int *status, int options)');
  cached = {
    ptrace: (request, pid, addr, data) => Number(ptrace(request, pid, addr, data)),
    waitpid: (pid, status, options) => {
      const out = [0];
      const r = Number(waitpid(pid, out, options));
      status[0] = out[0] ?? 0;
      return r;
    },
    errno: () => c.errno(),
  };
  return cached;
}
