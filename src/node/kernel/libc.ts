/**
 * The few libc functions seccomp-kit calls through koffi (no C compiler needed at install time).
 * Loaded lazily: importing this module does not load koffi or libc.
 *
 * Constants: linux/prctl.h (PR_SET_NO_NEW_PRIVS 38, PR_GET_NO_NEW_PRIVS 39, PR_GET_SECCOMP 21),
 * asm/unistd_64.h (seccomp 317, x86_64), sys/mman.h (PROT_*, MAP_*), linux/memfd.h.
 */
import { createRequire } from 'node:module';
import type * as KoffiModule from 'koffi';

export type Koffi = typeof KoffiModule;

/** x86_64 syscall number of seccomp(2) (asm/unistd_64.h). */
export const NR_SECCOMP_X86_64 = 317;
export const PR_GET_SECCOMP = 21;
export const PR_SET_NO_NEW_PRIVS = 38;
export const PR_GET_NO_NEW_PRIVS = 39;
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;
export const MAP_PRIVATE = 0x02;
export const MAP_32BIT = 0x40;
export const MAP_ANONYMOUS = 0x20;
export const MFD_CLOEXEC = 1;
export const F_GETFD = 1;
export const F_SETFD = 2;
export const FD_CLOEXEC = 1;

/** The libc functions, typed for the way seccomp-kit calls them. */
export interface Libc {
  koffi: Koffi;
  prctl(op: number, a: number, b: number, c: number, d: number): number;
  /** `syscall(nr, a, b, ptr)`: enough for seccomp(2) (op, flags, args). */
  syscall3p(nr: number, a: number, b: number, ptr: Uint8Array | null): number;
  strerror(errnum: number): string;
  memfdCreate(name: string, flags: number): number;
  execve(path: string, argv: (string | null)[], envp: (string | null)[]): number;
  fcntl(fd: number, cmd: number, arg: number): number;
  /** The errno of the last call made through koffi on this thread. */
  errno(): number;
}

let cached: Libc | undefined;
let loadError: Error | undefined;

/** Path of the koffi package entry, for code that must `require` it elsewhere (a worker thread). */
export function koffiPath(): string {
  return createRequire(import.meta.url).resolve('koffi');
}

/** Loads koffi and libc once. Throws an ordinary Error when this is not Linux/glibc or koffi is missing. */
export function libc(): Libc {
  if (cached) return cached;
  if (loadError) throw loadError;
  try {
    const koffi = createRequire(import.meta.url)('koffi') as Koffi;
    const lib = koffi.load('libc.so.6');
    cached = {
      koffi,
      prctl: lib.func('int prctl(int op, unsigned long a, unsigned long b, unsigned long c, unsigned long d)'),
      // syscall() is variadic in C; glibc's x86_64 implementation only moves registers, so a fixed
      // prototype with integer/pointer arguments passes them exactly as a variadic call would.
      syscall3p: lib.func('long syscall(long nr, long a, long b, const void *ptr)'),
      strerror: lib.func('const char *strerror(int errnum)'),
      memfdCreate: lib.func('int memfd_create(const char *name, unsigned int flags)'),
      execve: lib.func('int execve(const char *path, const char **argv, const char **envp)'),
      // fcntl is variadic; an int third argument is passed the same way on x86_64.
      fcntl: lib.func('int fcntl(int fd, int cmd, int arg)'),
      errno: () => koffi.errno(),
    };
    return cached;
  } catch (err) {
    loadError = new Error(`cannot load libc through koffi: ${(err as Error).message}`, { cause: err });
    throw loadError;
  }
}

/** True when koffi and libc load (Linux with glibc). */
export function libcAvailable(): boolean {
  try {
    libc();
    return true;
  } catch {
    return false;
  }
}

const ERRNO_NAMES = new Map<number, string>();

/** `EINVAL` for 22; `errno 200` for numbers libc does not name. */
export function errnoName(n: number): string {
  if (ERRNO_NAMES.size === 0) {
    try {
      for (const [name, v] of Object.entries(libc().koffi.os.errno)) if (!ERRNO_NAMES.has(v)) ERRNO_NAMES.set(v, name);
    } catch {
      // no koffi: numbers only
    }
  }
  return ERRNO_NAMES.get(n) ?? `errno ${n}`;
}

/** libc's text for an errno (`Invalid argument`). */
export function errnoText(n: number): string {
  try {
    return libc().strerror(n);
  } catch {
    return `errno ${n}`;
  }
}
