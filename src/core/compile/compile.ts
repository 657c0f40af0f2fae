/**
 * Resolved policy -> seccomp program:
 *   ld arch; one jeq per AUDIT_ARCH (policy order, native first); bad-arch return
 *   per arch: ld nr; on AUDIT_ARCH_X86_64 the x32 split on the 0x40000000 bit (nr == -1 stays
 *   with x86_64); a range search tree per ABI; argument checks at its leaves.
 * Paths of unconditional returns read only `arch` and `nr` and use only ld/jeq/jge/jset/ret, so
 * the kernel's action cache covers every unconditionally allowed syscall.
 */
import { SECCOMP_DATA_ARCH, SECCOMP_DATA_NR, X32_SYSCALL_BIT } from '../bpf/opcodes.js';
import type { Program } from '../bpf/instruction.js';
import type { AbiPolicy, Policy } from '../profile/policy.js';
import { SeccompKitError } from '../errors.js';
import { NodeBuilder, type Node } from './ir.js';
import { layout } from './layout.js';
import { abiSegments, restrictToDomain, searchTree, segmentWeights, type Interval } from './tree.js';
import { getAbi, syscallEntries } from '../syscalls/index.js';

const AUDIT_ARCH_X86_64 = 0xc000003e;
/** linux/audit.h __AUDIT_ARCH_LE: set on little-endian arches. */
const AUDIT_ARCH_LE = 0x40000000;

/** Numbers that reach the x86_64 side of the x32 split (bit 30 clear, or -1). */
const X64_DOMAIN: readonly Interval[] = [
  { from: 0, to: X32_SYSCALL_BIT - 1 },
  { from: 0x80000000, to: 0xbfffffff },
  { from: 0xffffffff, to: 0xffffffff },
];
/** Numbers that reach the x32 side (bit 30 set, except -1 when x86_64 is also present). */
const X32_DOMAIN: readonly Interval[] = [
  { from: X32_SYSCALL_BIT, to: 0x7fffffff },
  { from: 0xc0000000, to: 0xfffffffe },
];

export interface CompileOptions {
  /** Maximum program length; the kernel's is 4096. */
  maxInstructions?: number;
}

/** The compiled program and how it was built. */
export interface Compiled {
  program: Program;
  /** Distinct IR nodes (a measure of sharing). */
  nodes: number;
}

/** Compiles a resolved policy into a seccomp-BPF program. */
export function compilePolicy(policy: Policy, opts: CompileOptions = {}): Compiled {
  const b = new NodeBuilder();
  const root = buildRoot(b, policy);
  const program = layout(root);
  const max = opts.maxInstructions ?? 4096;
  if (program.length > max) {
    throw new SeccompKitError('compile', `the compiled filter has ${program.length} instructions; the kernel accepts at most ${max}`, {
      hint: `it covers ${policy.abis.length} ABI(s) (${policy.abis.map((a) => a.abi).join(', ')}): compile for fewer ABIs (--arch), or reduce argument rules`,
    });
  }
  return { program, nodes: b.size };
}

function buildRoot(b: NodeBuilder, policy: Policy): Node {
  const badArch = b.ret(policy.badArchAction);
  if (policy.unconfined) throw new SeccompKitError('compile', 'this profile disables seccomp (unconfined): there is no filter to compile');
  // Group ABI policies by AUDIT_ARCH, keeping first-appearance order.
  const groups = new Map<number, AbiPolicy[]>();
  for (const a of policy.abis) {
    const key = a.auditArch >>> 0;
    const g = groups.get(key) ?? [];
    g.push(a);
    groups.set(key, g);
  }
  let chain = badArch;
  for (const [audit, abis] of [...groups].reverse()) {
    chain = b.jmp('jeq', audit, b.ld(SECCOMP_DATA_NR, archBody(b, audit, abis, badArch)), chain);
  }
  return b.ld(SECCOMP_DATA_ARCH, chain);
}

function abiTree(b: NodeBuilder, abi: AbiPolicy, domain: readonly Interval[]): Node {
  const bigEndian = (abi.auditArch & AUDIT_ARCH_LE) === 0;
  const segs = restrictToDomain(abiSegments(b, abi, bigEndian), domain);
  // Weight segments by the known syscalls they hold: the common numbers get the shorter paths.
  const known = getAbi(abi.abi);
  return searchTree(b, segs, known ? segmentWeights(segs, syscallEntries(known).map((e) => e.nr)) : undefined);
}

function archBody(b: NodeBuilder, audit: number, abis: AbiPolicy[], badArch: Node): Node {
  if (audit !== AUDIT_ARCH_X86_64) {
    if (abis.length > 1) throw new Error(`two ABI policies share AUDIT_ARCH 0x${audit.toString(16)}`);
    return abiTree(b, abis[0], [{ from: 0, to: 0xffffffff }]);
  }
  const x32 = abis.find((a) => a.abi === 'x32');
  const x64 = abis.find((a) => a.abi !== 'x32');
  if (x64 && x32) {
    const t64 = abiTree(b, x64, X64_DOMAIN);
    return b.jmp('jset', X32_SYSCALL_BIT, b.jmp('jeq', 0xffffffff, t64, abiTree(b, x32, X32_DOMAIN)), t64);
  }
  if (x64) {
    const t64 = abiTree(b, x64, X64_DOMAIN);
    return b.jmp('jset', X32_SYSCALL_BIT, b.jmp('jeq', 0xffffffff, t64, badArch), t64);
  }
  // x32 alone: -1 belongs to it too.
  const x32Only = x32 as AbiPolicy;
  return b.jmp('jset', X32_SYSCALL_BIT, abiTree(b, x32Only, [...X32_DOMAIN, { from: 0xffffffff, to: 0xffffffff }]), badArch);
}
