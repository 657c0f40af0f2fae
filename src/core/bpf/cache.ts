/**
 * The kernel's seccomp action cache (Linux 5.11+), ported from kernel/seccomp.c
 * (`seccomp_is_const_allow`, `seccomp_uprobe_exception`, `seccomp_cache_prepare_bitmap`,
 * `seccomp_cache_check_allow`).
 *
 * When a filter is attached the kernel walks it once per syscall number of the native (and
 * compat) architecture with only `nr` and `arch` known. If the walk reaches `ret #k` with
 * k == SECCOMP_RET_ALLOW using nothing but `ld [0]`, `ld [4]`, `ja`, `jeq/jgt/jge/jset #k` and
 * `and #k`, the number is marked "always allowed" and later calls skip the filters entirely.
 * Anything else on the path taken (argument or instruction-pointer loads, other ALU ops, X,
 * scratch memory, `ret a`, `ld #imm`) makes that number uncacheable.
 */
import type { Program } from './instruction.js';
import {
  BPF_ABS, BPF_ALU, BPF_AND, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_RET, BPF_W,
  SECCOMP_DATA_ARCH, SECCOMP_DATA_NR, SECCOMP_RET_ALLOW,
} from './opcodes.js';

/** AUDIT_ARCH_X86_64 (linux/audit.h): the only native arch with `uretprobe`/`uprobe` syscalls. */
const AUDIT_ARCH_X86_64 = 0xc000003e;
/** arch/x86/entry/syscalls/syscall_64.tbl: uretprobe 335 (6.11), uprobe 336 (6.16). */
export const X86_64_UPROBE_SYSCALLS: readonly number[] = [335, 336];

/** Options of {@link isConstAllow}. */
export interface ConstAllowOptions {
  /**
   * The AUDIT_ARCH of the kernel's native ABI (SECCOMP_ARCH_NATIVE). Only there do
   * `uretprobe`/`uprobe` bypass filtering (`seccomp_uprobe_exception`). Default: x86-64.
   */
  nativeArch?: number;
  /**
   * Whether the kernel has the uprobe exception (mainline 6.14 for uretprobe, with stable
   * backports; 6.16 added uprobe). Default true.
   */
  uprobeException?: boolean;
}

/**
 * Port of `seccomp_is_const_allow`: true when the kernel's attach-time walk of `p` for
 * (`arch`, `nr`) proves the call allowed without looking at anything else. Assumes a verified program.
 */
export function isConstAllow(p: Program, arch: number, nr: number, opts: ConstAllowOptions = {}): boolean {
  const native = (opts.nativeArch ?? AUDIT_ARCH_X86_64) >>> 0;
  arch >>>= 0;
  nr >>>= 0;
  if ((opts.uprobeException ?? true) && arch === native && native === AUDIT_ARCH_X86_64 && X86_64_UPROBE_SYSCALLS.includes(nr)) {
    return true;
  }
  let a = 0;
  for (let pc = 0; pc < p.length; pc++) {
    const { code, jt, jf } = p[pc];
    const k = p[pc].k >>> 0;
    switch (code) {
      case BPF_LD | BPF_W | BPF_ABS:
        if (k === SECCOMP_DATA_NR) a = nr;
        else if (k === SECCOMP_DATA_ARCH) a = arch;
        else return false; // not a constant of this walk
        break;
      case BPF_RET | BPF_K:
        return k === SECCOMP_RET_ALLOW;
      case BPF_JMP | BPF_JA:
        pc += k;
        break;
      case BPF_JMP | BPF_JEQ | BPF_K:
        pc += a === k ? jt : jf;
        break;
      case BPF_JMP | BPF_JGT | BPF_K:
        pc += a > k ? jt : jf;
        break;
      case BPF_JMP | BPF_JGE | BPF_K:
        pc += a >= k ? jt : jf;
        break;
      case BPF_JMP | BPF_JSET | BPF_K:
        pc += (a & k) !== 0 ? jt : jf;
        break;
      case BPF_ALU | BPF_AND | BPF_K:
        a = (a & k) >>> 0;
        break;
      default:
        return false;
    }
  }
  // The kernel warns here ("ran off the end of the filter"); a verified program cannot.
  return false;
}

/** Stacked filters: a number is cached only if every filter (oldest to newest) allows it constantly. */
export function isConstAllowStack(programs: readonly Program[], arch: number, nr: number, opts: ConstAllowOptions = {}): boolean {
  return programs.length > 0 && programs.every((p) => isConstAllow(p, arch, nr, opts));
}

/** The part of an ABI the cache report needs (see `Abi` in syscalls/types.ts). */
export interface CacheAbi {
  /** AUDIT_ARCH of the ABI. */
  auditArch: number;
  /**
   * The kernel's bitmap size for this arch: SECCOMP_ARCH_NATIVE_NR or SECCOMP_ARCH_COMPAT_NR
   * (the arch's NR_syscalls). Numbers from 0 to maxNr - 1 are cacheable.
   */
  maxNr: number;
  /** Added to table numbers (x32: 0x40000000). Any offset puts numbers past the bitmap. */
  nrOffset?: number;
  /** Whether this kernel has a cache for this arch at all (false for arches without SECCOMP_ARCH_NATIVE). Default true. */
  hasCache?: boolean;
}

/** Result of {@link cacheReport}. */
export interface CacheReport {
  auditArch: number;
  /** Numbers examined (0 .. maxNr-1, with nrOffset added). */
  total: number;
  /** How many of them the kernel would cache as always-allowed. */
  cacheable: number;
  /** The cacheable numbers (as the filter sees them, nrOffset included). */
  cached: number[];
  /** Why nothing can be cached, when that is decided before looking at the program. */
  note?: string;
}

/**
 * Counts the syscall numbers of one ABI that the kernel's action cache would mark
 * always-allowed for `p` (or a stack of programs, oldest first).
 */
export function cacheReport(p: Program | readonly Program[], abi: CacheAbi, opts: ConstAllowOptions = {}): CacheReport {
  const programs: readonly Program[] = isProgramList(p) ? p : [p];
  const offset = (abi.nrOffset ?? 0) >>> 0;
  const total = abi.maxNr;
  if (abi.hasCache === false) return { auditArch: abi.auditArch, total, cacheable: 0, cached: [], note: 'this kernel has no action cache for this arch' };
  if (offset !== 0) {
    // seccomp_cache_check_allow_bitmap: nr >= bitmap size is never cached (x32 numbers carry 0x40000000).
    return { auditArch: abi.auditArch, total, cacheable: 0, cached: [], note: 'numbers with an ABI offset (x32) lie outside the cache bitmap and are never cached' };
  }
  const cached: number[] = [];
  for (let nr = 0; nr < total; nr++) if (isConstAllowStack(programs, abi.auditArch, nr, opts)) cached.push(nr);
  return { auditArch: abi.auditArch, total, cacheable: cached.length, cached };
}

function isProgramList(p: Program | readonly Program[]): p is readonly Program[] {
  return p.length > 0 && Array.isArray(p[0]);
}
