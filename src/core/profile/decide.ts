/**
 * The direct interpreter of a resolved {@link Policy}: the oracle for every compiler, lift and
 * diff test. Deliberately plain: no precomputation beyond a per-ABI lookup map.
 */
import { SECCOMP_RET_ALLOW, X32_SYSCALL_BIT } from '../bpf/opcodes.js';
import type { SeccompData } from '../bpf/instruction.js';
import type { AbiPolicy, Clause, Condition, Policy, SyscallPolicy } from './policy.js';

/** AUDIT_ARCH_X86_64 (linux/audit.h): the one arch value shared by two ABIs (x86_64 and x32). */
const AUDIT_ARCH_X86_64 = 0xc000003e;
const U32 = 0xffffffffn;
const U64 = 0xffffffffffffffffn;

/** What {@link decide} found, with the reason. */
export interface Decision {
  /** The 32-bit return value. */
  action: number;
  /** The ABI policy that applied, undefined for the bad-arch action. */
  abi?: string;
  /** Which clause decided (index into the syscall's clauses), or why none did. */
  by: { kind: 'clause'; syscall: SyscallPolicy; index: number; clause: Clause } | { kind: 'range'; reason: string } | { kind: 'default' } | { kind: 'bad-arch' } | { kind: 'unconfined' };
}

const maps = new WeakMap<AbiPolicy, Map<number, SyscallPolicy>>();
function syscallMap(a: AbiPolicy): Map<number, SyscallPolicy> {
  let m = maps.get(a);
  if (!m) {
    m = new Map(a.syscalls.map((s) => [s.nr >>> 0, s]));
    maps.set(a, m);
  }
  return m;
}

/**
 * Picks the ABI policy for (arch, nr) the way a libseccomp-style filter dispatches: by AUDIT_ARCH,
 * and on AUDIT_ARCH_X86_64 by the x32 bit. `nr == -1` (a tracer skipping the call) belongs to the
 * native x86_64 side when there is one.
 */
export function selectAbi(policy: Policy, arch: number, nr: number): AbiPolicy | undefined {
  const a = arch >>> 0;
  const n = nr >>> 0;
  const candidates = policy.abis.filter((p) => p.auditArch >>> 0 === a);
  if (candidates.length === 0) return undefined;
  if (a !== AUDIT_ARCH_X86_64) return candidates[0];
  const x32 = candidates.find((p) => p.abi === 'x32');
  const x64 = candidates.find((p) => p.abi !== 'x32');
  if (n === 0xffffffff) return x64 ?? x32;
  return (n & X32_SYSCALL_BIT) !== 0 ? x32 : x64;
}

/** True when the argument satisfies the condition (unsigned comparison at the condition's width). */
export function conditionHolds(c: Condition, args: readonly bigint[]): boolean {
  const w = c.width === 32 ? U32 : U64;
  const lhs = args[c.arg] & w;
  const rhs = c.value & w;
  switch (c.op) {
    case 'EQ': return lhs === rhs;
    case 'NE': return lhs !== rhs;
    case 'LT': return lhs < rhs;
    case 'LE': return lhs <= rhs;
    case 'GT': return lhs > rhs;
    case 'GE': return lhs >= rhs;
    case 'MASKED_EQ': return (lhs & (c.mask ?? U64) & w) === rhs;
  }
}

/** What the policy returns for one syscall event. */
export function decide(policy: Policy, d: SeccompData): Decision {
  if (policy.unconfined) return { action: SECCOMP_RET_ALLOW, by: { kind: 'unconfined' } };
  const abi = selectAbi(policy, d.arch, d.nr);
  if (!abi) return { action: policy.badArchAction >>> 0, by: { kind: 'bad-arch' } };
  const nr = d.nr >>> 0;
  const sys = syscallMap(abi).get(nr);
  if (sys) {
    for (let i = 0; i < sys.clauses.length; i++) {
      const clause = sys.clauses[i];
      if (clause.conditions.every((c) => conditionHolds(c, d.args))) {
        return { action: clause.action >>> 0, abi: abi.abi, by: { kind: 'clause', syscall: sys, index: i, clause } };
      }
    }
    return { action: abi.defaultAction >>> 0, abi: abi.abi, by: { kind: 'default' } };
  }
  for (const r of abi.rangeActions) {
    if (nr >= r.from >>> 0 && nr <= r.to >>> 0) return { action: r.action >>> 0, abi: abi.abi, by: { kind: 'range', reason: r.reason } };
  }
  return { action: abi.defaultAction >>> 0, abi: abi.abi, by: { kind: 'default' } };
}
