/**
 * Figures about a compiled program, per ABI: instructions reachable for that ABI's AUDIT_ARCH,
 * instructions executed (mean and worst over every syscall number of the ABI's table with zero
 * arguments, and the worst over every path, arguments unknown), and how many unconditionally
 * allowed syscalls the kernel's action cache will serve without running the filter.
 */
import { BPF_ABS, BPF_ALU, BPF_AND, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_RET, BPF_W, SECCOMP_DATA_ARCH, SECCOMP_RET_ALLOW, bpfClass } from '../bpf/opcodes.js';
import { seccompData, type Program } from '../bpf/instruction.js';
import { emulate } from '../bpf/emulate.js';
import { isConstAllow } from '../bpf/cache.js';
import { getAbi, syscallEntries } from '../syscalls/index.js';
import type { AbiPolicy, Policy } from '../profile/policy.js';

/** Figures for one ABI of a program. */
export interface AbiStats {
  abi: string;
  /** Instructions that can run for this ABI's AUDIT_ARCH. */
  instructions: number;
  /** Syscall numbers measured (the ABI's table). */
  measured: number;
  /** Mean instructions executed over the table's numbers, arguments 0. */
  meanExecuted: number;
  /** Worst instructions executed over the table's numbers, arguments 0. */
  worstExecuted: number;
  /** Worst over every path for this AUDIT_ARCH (any number, any arguments). */
  worstAnyPath: number;
  /** Unconditionally allowed syscall numbers below the cache bitmap size, and how many of them the cache serves. */
  cache?: { allowed: number; cacheable: number; uncached: number[] };
}

/** Figures for a whole program. */
export interface ProgramStats {
  instructions: number;
  abis: AbiStats[];
}

/** Little-endian unless the AUDIT_ARCH lacks __AUDIT_ARCH_LE. */
const endianOf = (auditArch: number): 'little' | 'big' => ((auditArch & 0x40000000) !== 0 ? 'little' : 'big');

/** Arches whose kernels keep an action cache (SECCOMP_ARCH_NATIVE / _COMPAT defined), by AUDIT_ARCH. */
const CACHED_ARCHES = new Set([0xc000003e, 0x40000003, 0xc00000b7, 0x40000028, 0x80000016, 0x00000016, 0x80000015, 0xc0000015, 0x00000014, 0x8000000f, 0x0000000f, 0xc00000f3, 0xc0000102]);

/** Computes {@link ProgramStats} for `program`, compiled from `policy`. */
export function programStats(program: Program, policy: Policy): ProgramStats {
  return { instructions: program.length, abis: policy.abis.map((a) => abiStats(program, a)) };
}

function abiStats(program: Program, ap: AbiPolicy): AbiStats {
  const abi = getAbi(ap.abi);
  const endian = endianOf(ap.auditArch);
  const numbers = abi ? syscallEntries(abi).map((e) => e.nr) : ap.syscalls.map((s) => s.nr);
  let sum = 0;
  let worst = 0;
  for (const nr of numbers) {
    const steps = emulate(program, seccompData(ap.auditArch, nr), { endian }).steps;
    sum += steps;
    if (steps > worst) worst = steps;
  }
  const stats: AbiStats = {
    abi: ap.abi,
    instructions: reachable(program, ap.auditArch),
    measured: numbers.length,
    meanExecuted: numbers.length ? sum / numbers.length : 0,
    worstExecuted: worst,
    worstAnyPath: longestPath(program, ap.auditArch),
  };
  if (CACHED_ARCHES.has(ap.auditArch >>> 0) && (abi?.nrOffset ?? 0) === 0) {
    const uncached: number[] = [];
    let allowed = 0;
    for (const nr of numbers) {
      if (!unconditionallyAllowed(ap, nr)) continue;
      allowed++;
      if (!isConstAllow(program, ap.auditArch, nr, { nativeArch: ap.auditArch, uprobeException: false })) uncached.push(nr);
    }
    stats.cache = { allowed, cacheable: allowed - uncached.length, uncached };
  }
  return stats;
}

/** True when the policy allows `nr` whatever the arguments. */
export function unconditionallyAllowed(ap: AbiPolicy, nr: number): boolean {
  const sys = ap.syscalls.find((s) => s.nr === nr);
  if (sys) {
    const first = sys.clauses[0];
    if (first && first.conditions.length === 0) return first.action >>> 0 === SECCOMP_RET_ALLOW;
    // every clause and the fall-through must allow
    return sys.clauses.every((c) => c.action >>> 0 === SECCOMP_RET_ALLOW) && ap.defaultAction >>> 0 === SECCOMP_RET_ALLOW;
  }
  const range = ap.rangeActions.find((r) => nr >= r.from && nr <= r.to);
  return (range ? range.action : ap.defaultAction) >>> 0 === SECCOMP_RET_ALLOW;
}

/** Walks the program with only `arch` known; returns successors of pc for accumulator value a (undefined = unknown). */
function step(p: Program, pc: number, a: number | undefined, arch: number): Array<[number, number | undefined]> {
  const { code, jt, jf } = p[pc];
  const k = p[pc].k >>> 0;
  if (bpfClass(code) === BPF_RET) return [];
  if (code === (BPF_LD | BPF_W | BPF_ABS)) return [[pc + 1, k === SECCOMP_DATA_ARCH ? arch : undefined]];
  if (code === (BPF_ALU | BPF_AND | BPF_K)) return [[pc + 1, a === undefined ? undefined : (a & k) >>> 0]];
  if (code === (BPF_JMP | BPF_JA)) return [[pc + 1 + k, a]];
  if (bpfClass(code) === BPF_JMP && (code & 0x08) === BPF_K) {
    const t: [number, number | undefined] = [pc + 1 + jt, a];
    const f: [number, number | undefined] = [pc + 1 + jf, a];
    if (a === undefined) return [t, f];
    const op = code & 0xf0;
    const taken = op === BPF_JEQ ? a === k : op === BPF_JGT ? a > k : op === BPF_JGE ? a >= k : op === BPF_JSET ? (a & k) !== 0 : undefined;
    return taken === undefined ? [t, f] : [taken ? t : f];
  }
  // Any other instruction makes A unknown from here on.
  return [[pc + 1, undefined]];
}

function reachable(p: Program, arch: number): number {
  const seen = new Set<string>();
  const pcs = new Set<number>();
  const stack: Array<[number, number | undefined]> = [[0, undefined]];
  while (stack.length) {
    const [pc, a] = stack.pop() as [number, number | undefined];
    const key = `${pc}:${a}`;
    if (seen.has(key) || pc >= p.length) continue;
    seen.add(key);
    pcs.add(pc);
    stack.push(...step(p, pc, a, arch));
  }
  return pcs.size;
}

function longestPath(p: Program, arch: number): number {
  const memo = new Map<string, number>();
  // Jumps only go forward, so visiting in decreasing pc order resolves every successor first.
  const visit = (pc: number, a: number | undefined): number => {
    if (pc >= p.length) return 0;
    const key = `${pc}:${a}`;
    const m = memo.get(key);
    if (m !== undefined) return m;
    let best = 0;
    for (const [n, na] of step(p, pc, a, arch)) best = Math.max(best, visit(n, na));
    memo.set(key, best + 1);
    return best + 1;
  };
  return visit(0, undefined);
}
