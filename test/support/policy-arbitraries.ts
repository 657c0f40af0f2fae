/**
 * fast-check generators for resolved policies and for syscall events steered to a policy's own
 * constants (each value, +-1, in either word, masked variants), so random tests hit the edges
 * of every comparison rather than only random noise.
 */
import fc from 'fast-check';
import type { AbiPolicy, ArgOp, Clause, Condition, Policy } from '../../src/core/profile/policy.js';
import { seccompData, type SeccompData } from '../../src/core/bpf/instruction.js';

interface AbiShape { abi: string; auditArch: number; bits: 32 | 64; nrOffset: number }
export const TEST_ABIS: readonly AbiShape[] = [
  { abi: 'x86_64', auditArch: 0xc000003e, bits: 64, nrOffset: 0 },
  { abi: 'x32', auditArch: 0xc000003e, bits: 32, nrOffset: 0x40000000 },
  { abi: 'x86', auditArch: 0x40000003, bits: 32, nrOffset: 0 },
  { abi: 'aarch64', auditArch: 0xc00000b7, bits: 64, nrOffset: 0 },
  { abi: 's390x', auditArch: 0x80000016, bits: 64, nrOffset: 0 },
  { abi: 'ppc', auditArch: 0x00000014, bits: 32, nrOffset: 0 },
];

const OPS: readonly ArgOp[] = ['EQ', 'NE', 'LT', 'LE', 'GT', 'GE', 'MASKED_EQ'];

export const arbValue = (): fc.Arbitrary<bigint> =>
  fc.oneof(
    fc.constantFrom(0n, 1n, 2n, 40n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x100000028n, 0x8000000000000000n, 0xffffffffffffffffn, 0xfffffffffffffffen),
    fc.bigInt({ min: 0n, max: 64n }),
    fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }),
  );

export const arbAction = (): fc.Arbitrary<number> =>
  fc.oneof(
    fc.constantFrom(0x7fff0000, 0x00050001, 0x00050026, 0x80000000, 0x00000000, 0x00030000, 0x7ffc0000, 0x7ff00005, 0x7fc00000),
    fc.integer({ min: 0, max: 4095 }).map((e) => (0x00050000 | e) >>> 0),
  );

function arbCondition(bits: 32 | 64): fc.Arbitrary<Condition> {
  return fc.record({
    arg: fc.integer({ min: 0, max: 5 }),
    width: bits === 32 ? fc.constant(32 as const) : fc.constantFrom(64 as const, 64 as const, 32 as const),
    op: fc.constantFrom(...OPS),
    value: arbValue(),
    mask: arbValue(),
  }).map((c) => {
    const out: Condition = { arg: c.arg, width: c.width, op: c.op, value: c.value };
    if (c.op === 'MASKED_EQ') {
      out.mask = c.mask;
      // Most masked rules are satisfiable: keep the value inside the mask more often than not.
      if (c.value % 3n !== 0n) out.value = c.value & c.mask;
    }
    return out;
  });
}

function arbClause(bits: 32 | 64): fc.Arbitrary<Clause> {
  return fc.record({ conditions: fc.array(arbCondition(bits), { maxLength: 3 }), action: arbAction() });
}

function arbAbiPolicy(shape: AbiShape): fc.Arbitrary<AbiPolicy> {
  const nr = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 470 }));
  return fc.record({
    syscalls: fc.uniqueArray(fc.record({ nr, clauses: fc.array(arbClause(shape.bits), { maxLength: 4 }) }), { selector: (s) => s.nr, maxLength: 40 }),
    ranges: fc.array(fc.record({ from: fc.integer({ min: 0, max: 600 }), len: fc.integer({ min: 0, max: 200 }), action: arbAction() }), { maxLength: 2 }),
    defaultAction: arbAction(),
    // Half the policies use the single-argument shape (one ordered comparison per clause, same
    // argument), which the compiler turns into a search on the argument's words.
    single: fc.boolean(),
  }).map((r) => {
    if (r.single) {
      for (const s of r.syscalls) {
        const first = s.clauses.flatMap((c) => c.conditions)[0];
        s.clauses = s.clauses.map((c) => ({
          action: c.action,
          conditions: c.conditions.slice(0, 1).map((cond) => ({ ...cond, arg: first.arg, width: first.width, op: cond.op === 'MASKED_EQ' ? 'EQ' : cond.op, mask: undefined })),
        }));
      }
    }
    const ranges = r.ranges
      .map((x) => ({ from: x.from + shape.nrOffset, to: x.from + x.len + shape.nrOffset, action: x.action, reason: 'test' }))
      .sort((a, b) => a.from - b.from)
      .filter((x, i, all) => i === 0 || x.from > all[i - 1].to);
    return {
      abi: shape.abi,
      auditArch: shape.auditArch,
      syscalls: r.syscalls
        .map((s) => ({ nr: s.nr + shape.nrOffset, name: `sys${s.nr}`, clauses: s.clauses }))
        .sort((a, b) => a.nr - b.nr),
      rangeActions: ranges,
      defaultAction: r.defaultAction,
    };
  });
}

/** A random resolved policy over 1-3 ABIs (x86_64/x32 may appear together). */
export function arbPolicy(): fc.Arbitrary<Policy> {
  return fc
    .subarray([...TEST_ABIS], { minLength: 1, maxLength: 3 })
    .chain((shapes) => fc.tuple(...shapes.map(arbAbiPolicy)))
    .chain((abis) =>
      fc.record({ defaultAction: arbAction(), badArchAction: arbAction() }).map((r) => ({
        unconfined: false,
        defaultAction: r.defaultAction,
        badArchAction: r.badArchAction,
        flags: 0,
        abis,
        notes: [],
      })),
    );
}

/** Every constant a policy compares against, with neighbours and word-split variants. */
export function policyConstants(policy: Policy): bigint[] {
  const set = new Set<bigint>([0n, 0xffffffffn, 0xffffffffffffffffn, 1n << 32n]);
  for (const a of policy.abis)
    for (const s of a.syscalls)
      for (const c of s.clauses)
        for (const cond of c.conditions) {
          for (const v of [cond.value, cond.mask ?? 0n, cond.value | ((cond.mask ?? 0n) ^ 0xffffffffffffffffn)]) {
            for (const d of [v, v + 1n, v - 1n, v ^ (1n << 32n), v & 0xffffffffn, v | 0xffffffff00000000n, (v + 1n) << 32n, (v - 1n) << 32n]) {
              set.add(BigInt.asUintN(64, d));
            }
          }
        }
  return [...set];
}

/** Syscall events aimed at the policy: its ABIs, its syscall numbers and neighbours, its constants. */
export function arbEventFor(policy: Policy): fc.Arbitrary<SeccompData> {
  const consts = policyConstants(policy);
  const arches = [...new Set(policy.abis.map((a) => a.auditArch)), 0x40000028, 0];
  const nrs = new Set<number>([0, 0xffffffff, 0x40000000, 0x3fffffff, 0x7fffffff, 0x80000000, 0xbfffffff, 0xc0000000, 0xfffffffe]);
  for (const a of policy.abis) {
    for (const s of a.syscalls) for (const d of [-1, 0, 1]) nrs.add((s.nr + d) >>> 0);
    for (const r of a.rangeActions) for (const v of [r.from - 1, r.from, r.to, r.to + 1]) nrs.add(v >>> 0);
  }
  const arg = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...consts) }, { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }) });
  return fc
    .record({
      arch: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...arches) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffffffff }) }),
      nr: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...nrs) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffffffff }) }),
      args: fc.array(arg, { minLength: 6, maxLength: 6 }),
    })
    .map((r) => seccompData(r.arch, r.nr, r.args));
}
