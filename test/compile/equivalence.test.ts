// The compiler against the oracle: for random policies and events steered to each policy's
// constants, the emulated program returns exactly what the policy interpreter decides.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../src/core/compile/index.js';
import { emulate } from '../../src/core/bpf/emulate.js';
import { verifyProgram } from '../../src/core/bpf/verify.js';
import { decide } from '../../src/core/profile/decide.js';
import { seccompData } from '../../src/core/bpf/instruction.js';
import type { Policy } from '../../src/core/profile/policy.js';
import { arbEventFor, arbPolicy } from '../support/policy-arbitraries.js';

const EVENTS_PER_POLICY = 400;

function firstMismatch(policy: Policy, events: ReturnType<typeof seccompData>[]): string | undefined {
  const { program } = compilePolicy(policy);
  const v = verifyProgram(program);
  if (!v.ok) return `program rejected by the verifier: ${JSON.stringify(v)}`;
  for (const d of events) {
    // The kernel fills seccomp_data in the host's byte order; an ABI's AUDIT_ARCH says which.
    const endian = (d.arch & 0x40000000) !== 0 ? 'little' : 'big';
    const got = emulate(program, d, { endian }).ret >>> 0;
    const want = decide(policy, d).action >>> 0;
    if (got !== want) {
      return `arch=0x${d.arch.toString(16)} nr=0x${d.nr.toString(16)} args=[${d.args.map((a) => '0x' + a.toString(16)).join(',')}]: program 0x${got.toString(16)}, policy 0x${want.toString(16)}`;
    }
  }
  return undefined;
}

describe('compiler equivalence with the policy interpreter', () => {
  it('random policies, steered events', () => {
    let cases = 0;
    fc.assert(
      fc.property(
        arbPolicy(),
        fc.integer(),
        (policy, seed) => {
          // Events are drawn from a seed so a failure shrinks the policy, not 400 events.
          const events = fc.sample(arbEventFor(policy), { seed, numRuns: EVENTS_PER_POLICY });
          cases += events.length;
          expect(firstMismatch(policy, events)).toBeUndefined();
        },
      ),
      { numRuns: Number(process.env.SK_RUNS ?? 500), endOnFailure: true },
    );
    expect(cases).toBeGreaterThanOrEqual(200_000);
  });

  it('jumps farther than 255 instructions are laid out correctly', () => {
    // 300 syscalls each with its own argument rule forces long jumps from the search tree.
    const syscalls = Array.from({ length: 300 }, (_, i) => ({
      nr: i * 2,
      name: `s${i}`,
      clauses: [{ conditions: [{ arg: 0, width: 64 as const, op: 'EQ' as const, value: BigInt(i) }], action: 0x7fff0000 }],
    }));
    const policy: Policy = {
      unconfined: false, defaultAction: 0x00050001, badArchAction: 0, flags: 0, notes: [],
      abis: [{ abi: 'x86_64', auditArch: 0xc000003e, syscalls, rangeActions: [], defaultAction: 0x00050001 }],
    };
    const { program } = compilePolicy(policy);
    expect(program.length).toBeGreaterThan(600);
    expect(verifyProgram(program)).toEqual({ ok: true });
    for (let i = 0; i < 300; i++) {
      for (const a of [BigInt(i), BigInt(i) + 1n, BigInt(i) | (1n << 32n)]) {
        const d = seccompData(0xc000003e, i * 2, [a]);
        expect(emulate(program, d).ret >>> 0).toBe(decide(policy, d).action >>> 0);
      }
    }
  });
});
