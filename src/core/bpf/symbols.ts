/**
 * Names in BPF text, resolved against what the data-flow knows on a path: which ABIs a path can be
 * on, `seccomp_data` field names (with the argument word order of those ABIs), syscall names,
 * AUDIT_ARCH constants. The disassembler prints a name only when resolving it again on the same
 * path gives back the same number, which is what makes disassembly re-assemble byte for byte.
 */
import { abiForSeccompData, abisForAuditArch, getAbi, syscallName, syscallNumber } from '../syscalls/index.js';
import type { Abi } from '../syscalls/types.js';
import { auditArchConstantValue } from './audit-arch.js';
import type { FlowState, X32Fact } from './flow.js';
import { INITIAL_STATE } from './flow.js';
import { SECCOMP_DATA_ARGS, SECCOMP_DATA_IP, SECCOMP_DATA_SIZE, X32_SYSCALL_BIT } from './opcodes.js';

/**
 * The ABIs a path can be on. `fallback` (from `--arch` or `.arch`) stands for the architecture
 * only where the program never compared `arch`; it also picks x32 over x86_64 while the x32 bit is
 * undecided. Empty when unknown. An unreachable instruction (undefined state) is treated as the
 * program's entry.
 */
export function pathAbis(state: FlowState | undefined, fallback?: Abi): Abi[] {
  const s = state ?? INITIAL_STATE;
  switch (s.arch.kind) {
    case 'unchecked': {
      if (!fallback) return [];
      const a = abiOn(fallback.auditArch, s.x32, fallback);
      return a ? [a] : [fallback];
    }
    case 'unknown':
      return [];
    case 'known': {
      const out: Abi[] = [];
      for (const v of s.arch.values) {
        const a = abiOn(v, s.x32, fallback);
        if (a && !out.includes(a)) out.push(a);
      }
      return out;
    }
  }
}

/** The ABI of an AUDIT_ARCH value given what is known of the x32 bit. */
function abiOn(auditArch: number, x32: X32Fact, fallback: Abi | undefined): Abi | undefined {
  const abis = abisForAuditArch(auditArch);
  if (abis.length === 0) return undefined;
  const plain = abis.find((a) => a.nrOffset === 0) ?? abis[0];
  if (x32 === 'set') return abis.find((a) => a.nrOffset === X32_SYSCALL_BIT) ?? plain;
  if (x32 === 'clear') return plain;
  return fallback && abis.includes(fallback) ? fallback : plain;
}

/** Big-endian argument word order only when every ABI on the path is big-endian. */
export function argsBigEndian(abis: readonly Abi[]): boolean {
  return abis.length > 0 && abis.every((a) => a.endian === 'big');
}

/**
 * The name of the 32-bit `seccomp_data` word at offset k: `nr`, `arch`,
 * `instruction_pointer.lo`, `args[2].hi`; undefined for an offset that is not a whole word.
 */
export function dataFieldName(k: number, abis: readonly Abi[]): string | undefined {
  if (k % 4 !== 0 || k >= SECCOMP_DATA_SIZE) return undefined;
  if (k === 0) return 'nr';
  if (k === 4) return 'arch';
  const big = argsBigEndian(abis);
  const half = (k % 8 === 0) !== big ? 'lo' : 'hi';
  if (k < SECCOMP_DATA_ARGS) return `instruction_pointer.${half}`;
  return `args[${(k - SECCOMP_DATA_ARGS) >> 3}].${half}`;
}

/**
 * The offset of a field written as `nr`, `arch`, `instruction_pointer[.lo|.hi]`, `ip[.lo|.hi]`,
 * `args[i][.lo|.hi]` or `argi[.lo|.hi]` (no suffix = low word); undefined if it is not a field.
 */
export function dataFieldOffset(name: string, abis: readonly Abi[]): number | undefined {
  const n = name.toLowerCase().replace(/\s+/g, '');
  if (n === 'nr') return 0;
  if (n === 'arch') return 4;
  const m = /^(?:(instruction_pointer|ip)|args\[([0-5])\]|arg([0-5]))(?:\.(lo|hi))?$/.exec(n);
  if (!m) return undefined;
  const base = m[1] !== undefined ? SECCOMP_DATA_IP : SECCOMP_DATA_ARGS + 8 * Number(m[2] ?? m[3]);
  const hi = m[4] === 'hi';
  return base + (hi !== argsBigEndian(abis) ? 4 : 0);
}

/** A syscall number printed by name, and the ABI whose table gave the name. */
export interface SyscallLabel {
  /** Operand text: `read`, or `x32.read` when the path's own table would read it differently. */
  text: string;
  name: string;
  abi: Abi;
}

/**
 * How to print the syscall number k compared on a path with ABIs `abis`: by name when the name
 * resolves back to k there, qualified (`x32.write`) when the number belongs to the x32 half of an
 * x86_64 path, otherwise undefined (print the number).
 */
export function labelSyscall(k: number, abis: readonly Abi[]): SyscallLabel | undefined {
  if (abis.length === 0) return undefined;
  const names = abis.map((a) => syscallName(a, k));
  const first = names[0];
  if (first !== undefined && names.every((n) => n === first)) {
    const r = resolveSyscallOnPath(first, abis);
    if (r.ok && r.nr === k) return { text: first, name: first, abi: abis[0] };
  }
  if (abis.length === 1) {
    const other = abiForSeccompData(abis[0].auditArch, k);
    if (other && other !== abis[0]) {
      const n = syscallName(other, k);
      if (n !== undefined && syscallNumber(other, n) === k) return { text: `${other.name}.${n}`, name: n, abi: other };
    }
  }
  return undefined;
}

/** What each ABI on the path calls k (for a comment when no single name fits). */
export function syscallCandidates(k: number, abis: readonly Abi[]): { abi: string; name: string }[] {
  const out: { abi: string; name: string }[] = [];
  for (const a of abis) {
    const n = syscallName(a, k);
    if (n !== undefined) out.push({ abi: a.name, name: n });
  }
  return out;
}

/** Result of resolving a syscall name on a path. */
export type SyscallResolution = { ok: true; nr: number; abi: Abi } | { ok: false; reason: string; hint?: string };

/**
 * Resolves `name` (or `abi.name`) to the number the filter sees on a path with ABIs `abis`.
 * Fails when the path's architecture is unknown, when the name is not a syscall there, or when
 * paths of different ABIs meet here and the name has different numbers on them.
 */
export function resolveSyscallOnPath(name: string, abis: readonly Abi[]): SyscallResolution {
  const dot = name.indexOf('.');
  if (dot > 0) {
    const abi = getAbi(name.slice(0, dot));
    if (abi) {
      const sys = name.slice(dot + 1);
      const nr = syscallNumber(abi, sys);
      return nr === undefined ? { ok: false, reason: `${sys} is not a syscall on ${abi.name}` } : { ok: true, nr, abi };
    }
  }
  if (abis.length === 0) {
    return {
      ok: false,
      reason: `cannot resolve syscall name ${name}: the architecture on this path is not known`,
      hint: `compare arch with an AUDIT_ARCH_ constant before this point, add \`.arch NAME\` or pass --arch, or write ABI.${name} (e.g. x86_64.${name})`,
    };
  }
  const nrs = abis.map((a) => syscallNumber(a, name));
  const missing = abis.filter((_, i) => nrs[i] === undefined);
  if (missing.length > 0) {
    return { ok: false, reason: `${name} is not a syscall on ${missing.map((a) => a.name).join(', ')}` };
  }
  if (nrs.some((n) => n !== nrs[0])) {
    return {
      ok: false,
      reason: `${name} has different numbers on the paths that meet here (${abis.map((a, i) => `${a.name}: ${nrs[i]}`).join(', ')})`,
      hint: `qualify it with the ABI (e.g. ${abis[0].name}.${name}) or check arch so that only one ABI reaches this line`,
    };
  }
  return { ok: true, nr: nrs[0] as number, abi: abis[0] };
}

/** Constants every operand may name, independent of the path. */
export function globalConstant(name: string): number | undefined {
  if (/^AUDIT_ARCH_/i.test(name)) return auditArchConstantValue(name);
  if (name.toUpperCase() === 'X32_SYSCALL_BIT') return X32_SYSCALL_BIT;
  return undefined;
}
