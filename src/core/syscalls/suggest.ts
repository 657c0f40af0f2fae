/**
 * What to use instead of a syscall an ABI lacks: the modern call that replaced it (aarch64 has no `open`, only
 * `openat`), and close spellings for typos.
 */
import type { Abi } from './types.js';
import { toAbi } from './abis.js';
import { isKnownSyscall, syscallEntries, syscallNumber } from './lookup.js';

/** One suggestion for a name that does not exist on an ABI. */
export interface SyscallSuggestion {
  /** A syscall that exists on the ABI. */
  name: string;
  /** Its number there (as the filter sees it). */
  nr: number;
  /** `replacement`: does the same job (possibly with other arguments); `spelling`: a name close to the one given. */
  kind: 'replacement' | 'spelling';
}

/**
 * Legacy or per-ABI calls and the calls that do the same job elsewhere, best first. Only candidates the ABI has are
 * offered, so one list serves 64-bit ABIs (no `stat64`) and the generic table (no `open`, `stat`, `fork`).
 */
const BASE_REPLACEMENTS: Readonly<Record<string, readonly string[]>> = {
  open: ['openat', 'openat2'],
  creat: ['openat'],
  access: ['faccessat', 'faccessat2'],
  chmod: ['fchmodat', 'fchmodat2'],
  fchmodat: ['fchmodat2'],
  chown: ['fchownat'],
  lchown: ['fchownat'],
  chown32: ['chown', 'fchownat'],
  fchown32: ['fchown'],
  lchown32: ['lchown', 'fchownat'],
  stat: ['newfstatat', 'statx', 'fstatat64', 'stat64'],
  lstat: ['newfstatat', 'statx', 'fstatat64', 'lstat64'],
  fstat: ['fstat64', 'newfstatat', 'statx'],
  stat64: ['stat', 'newfstatat', 'statx', 'fstatat64'],
  lstat64: ['lstat', 'newfstatat', 'statx', 'fstatat64'],
  fstat64: ['fstat', 'statx'],
  fstatat64: ['newfstatat', 'statx'],
  newfstatat: ['fstatat64', 'statx'],
  oldstat: ['stat', 'statx'],
  oldlstat: ['lstat', 'statx'],
  oldfstat: ['fstat', 'statx'],
  statfs64: ['statfs'],
  fstatfs64: ['fstatfs'],
  statfs: ['statfs64'],
  fstatfs: ['fstatfs64'],
  mkdir: ['mkdirat'],
  mknod: ['mknodat'],
  rmdir: ['unlinkat'],
  unlink: ['unlinkat'],
  link: ['linkat'],
  symlink: ['symlinkat'],
  readlink: ['readlinkat'],
  rename: ['renameat2', 'renameat'],
  renameat: ['renameat2'],
  utime: ['utimensat', 'utimensat_time64'],
  utimes: ['utimensat', 'utimensat_time64'],
  futimesat: ['utimensat', 'utimensat_time64'],
  getdents: ['getdents64'],
  readdir: ['getdents64'],
  truncate64: ['truncate'],
  ftruncate64: ['ftruncate'],
  fcntl64: ['fcntl'],
  _llseek: ['lseek'],
  lseek: ['_llseek'],
  sendfile64: ['sendfile'],
  fadvise64: ['fadvise64_64', 'arm_fadvise64_64'],
  fadvise64_64: ['fadvise64', 'arm_fadvise64_64'],
  sync_file_range: ['sync_file_range2', 'arm_sync_file_range'],
  sync_file_range2: ['sync_file_range', 'arm_sync_file_range'],
  fork: ['clone', 'clone3'],
  vfork: ['clone', 'clone3'],
  waitpid: ['wait4', 'waitid'],
  dup2: ['dup3'],
  pipe: ['pipe2'],
  poll: ['ppoll', 'ppoll_time64'],
  select: ['pselect6', '_newselect', 'pselect6_time64'],
  _newselect: ['select', 'pselect6', 'pselect6_time64'],
  epoll_create: ['epoll_create1'],
  epoll_wait: ['epoll_pwait', 'epoll_pwait2'],
  epoll_ctl_old: ['epoll_ctl'],
  epoll_wait_old: ['epoll_wait', 'epoll_pwait'],
  eventfd: ['eventfd2'],
  signalfd: ['signalfd4'],
  inotify_init: ['inotify_init1'],
  time: ['clock_gettime', 'gettimeofday', 'clock_gettime64'],
  stime: ['clock_settime', 'settimeofday', 'clock_settime64'],
  alarm: ['setitimer', 'timer_create'],
  pause: ['rt_sigsuspend', 'ppoll'],
  getpgrp: ['getpgid'],
  umount: ['umount2'],
  signal: ['rt_sigaction'],
  sigaction: ['rt_sigaction'],
  sigprocmask: ['rt_sigprocmask'],
  sigreturn: ['rt_sigreturn'],
  sigsuspend: ['rt_sigsuspend'],
  sigpending: ['rt_sigpending'],
  getrlimit: ['prlimit64', 'ugetrlimit'],
  setrlimit: ['prlimit64'],
  ugetrlimit: ['getrlimit', 'prlimit64'],
  mmap: ['mmap2'],
  mmap2: ['mmap'],
  accept: ['accept4'],
  send: ['sendto'],
  recv: ['recvfrom'],
  semop: ['semtimedop', 'semtimedop_time64'],
  semtimedop: ['semtimedop_time64'],
  arch_prctl: ['prctl'],
  set_thread_area: ['set_tls', 'arch_prctl'],
  uname: ['olduname'],
  clone: ['clone3'],
  clock_gettime: ['clock_gettime64'],
  clock_settime: ['clock_settime64'],
  clock_adjtime: ['clock_adjtime64'],
  clock_getres: ['clock_getres_time64'],
  clock_nanosleep: ['clock_nanosleep_time64'],
  timer_gettime: ['timer_gettime64'],
  timer_settime: ['timer_settime64'],
  timerfd_gettime: ['timerfd_gettime64'],
  timerfd_settime: ['timerfd_settime64'],
  utimensat: ['utimensat_time64'],
  pselect6: ['pselect6_time64'],
  ppoll: ['ppoll_time64'],
  io_pgetevents: ['io_pgetevents_time64'],
  recvmmsg: ['recvmmsg_time64'],
  mq_timedsend: ['mq_timedsend_time64'],
  mq_timedreceive: ['mq_timedreceive_time64'],
  rt_sigtimedwait: ['rt_sigtimedwait_time64'],
  sched_rr_get_interval: ['sched_rr_get_interval_time64'],
  futex: ['futex_time64', 'futex_wait', 'futex_wake'],
};

/** The table above plus the mechanical pairs: 16/32-bit uid calls and *_time64 calls. */
function buildReplacements(): Readonly<Record<string, readonly string[]>> {
  const m: Record<string, readonly string[]> = { ...BASE_REPLACEMENTS };
  // x86, arm, m68k, s390 and sh have 16-bit uid calls and 32-bit twins (`getuid32`); other ABIs only the plain one.
  for (const base of [
    'getuid', 'geteuid', 'getgid', 'getegid', 'setuid', 'setgid', 'setreuid', 'setregid', 'setresuid', 'setresgid',
    'getresuid', 'getresgid', 'getgroups', 'setgroups', 'setfsuid', 'setfsgid',
  ]) {
    m[`${base}32`] = [base];
  }
  // *_time64 calls exist only on 32-bit ABIs: on 64-bit ones the plain call is the same thing.
  for (const list of Object.values(BASE_REPLACEMENTS)) {
    for (const r of list) {
      if (!r.endsWith('time64') || Object.hasOwn(m, r)) continue;
      m[r] = [r.endsWith('_time64') ? r.slice(0, -'_time64'.length) : r.slice(0, -'64'.length)];
    }
  }
  return Object.freeze(m);
}

const REPLACEMENTS = buildReplacements();

/** Optimal string alignment distance (Levenshtein plus adjacent transposition), stopping early past `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length];
}

/**
 * Suggestions for a syscall name the ABI does not have: replacements first (open -> openat, openat2 on aarch64;
 * stat -> newfstatat, statx; fork -> clone, clone3), then, for a name no ABI knows (a typo), up to five names of
 * the ABI within a small edit distance. Empty when the ABI has the name.
 */
export function suggestSyscall(abi: Abi | string, name: string): SyscallSuggestion[] {
  const a = toAbi(abi);
  if (syscallNumber(a, name) !== undefined) return [];
  const out: SyscallSuggestion[] = [];
  const seen = new Set<string>();
  const key = name.trim().toLowerCase();
  const replacements = Object.hasOwn(REPLACEMENTS, key) ? REPLACEMENTS[key] : [];
  for (const r of replacements) {
    const nr = syscallNumber(a, r);
    if (nr !== undefined && !seen.has(r)) {
      out.push({ name: r, nr, kind: 'replacement' });
      seen.add(r);
    }
  }
  // Spellings only for names no ABI knows: `accept` on x86 is not a typo for `access`.
  if (isKnownSyscall(key)) return out;
  const max = key.length <= 4 ? 1 : 2;
  const close: { name: string; nr: number; d: number }[] = [];
  for (const e of syscallEntries(a)) {
    if (seen.has(e.name)) continue;
    const d = editDistance(key, e.name, max);
    if (d <= max) close.push({ name: e.name, nr: e.nr, d });
  }
  close.sort((x, y) => x.d - y.d || (x.name < y.name ? -1 : 1));
  for (const c of close.slice(0, 5)) out.push({ name: c.name, nr: c.nr, kind: 'spelling' });
  return out;
}
