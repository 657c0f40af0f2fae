// Every unconditionally allowed syscall must be served by the kernel's action cache (its path reads
// only arch and nr), checked with the port of seccomp_is_const_allow; and an oversized policy gets
// a clear error rather than a program the kernel would refuse.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildFilter, compilePolicy } from '../../src/core/compile/index.js';
import { programStats, unconditionallyAllowed } from '../../src/core/compile/stats.js';
import { isConstAllow } from '../../src/core/bpf/cache.js';
import { loadBuiltin, resolveProfile, type Policy } from '../../src/core/profile/index.js';
import { SeccompKitError } from '../../src/core/errors.js';
import { arbPolicy } from '../support/policy-arbitraries.js';

const CTX = { arch: 'amd64', kernel: '6.18', runtime: 'runc' as const };

function uncached(policy: Policy): string[] {
  const { program } = compilePolicy(policy);
  const out: string[] = [];
  for (const a of policy.abis) {
    if (a.abi === 'x32') continue; // x32 numbers lie outside the cache bitmap
    const limit = Math.max(0, ...a.syscalls.map((s) => s.nr), ...a.rangeActions.map((r) => Math.min(r.from, 600))) + 2;
    for (let nr = 0; nr <= Math.min(limit, 1024); nr++) {
      if (unconditionallyAllowed(a, nr) && !isConstAllow(program, a.auditArch, nr, { nativeArch: a.auditArch, uprobeException: false })) out.push(`${a.abi}:${nr}`);
    }
  }
  return out;
}

describe('action cache', () => {
  for (const name of ['builtin:docker', 'builtin:podman']) {
    it(`${name}: 100% of unconditional allows are cacheable, with libseccomp's semantics and with compile's defaults`, () => {
      const resolved = resolveProfile(loadBuiltin(name), CTX);
      for (const built of [buildFilter(resolved, { argWidth: '64', socketcall: 'libseccomp' }), buildFilter(resolved)]) {
        const stats = programStats(built.compiled.program, built.policy);
        for (const a of stats.abis.filter((x) => x.cache)) {
          expect(a.cache?.allowed).toBeGreaterThan(250);
          expect(a.cache?.uncached).toEqual([]);
        }
      }
    });
  }

  it('random policies: every unconditionally allowed number is cacheable', () => {
    fc.assert(
      fc.property(arbPolicy(), (p) => {
        expect(uncached(p)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('size limit', () => {
  it('a policy over 4096 instructions is refused with the figures and what to do', () => {
    const syscalls = Array.from({ length: 600 }, (_, i) => ({
      nr: i,
      name: `s${i}`,
      clauses: [1, 2, 3].map((k) => ({ conditions: [{ arg: k, width: 64 as const, op: 'EQ' as const, value: BigInt(i * 7 + k) }, { arg: 0, width: 64 as const, op: 'GT' as const, value: BigInt(i) }], action: 0x7fff0000 })),
    }));
    const policy: Policy = {
      unconfined: false, defaultAction: 0x00050001, badArchAction: 0, flags: 0, notes: [],
      abis: [{ abi: 'x86_64', auditArch: 0xc000003e, syscalls, rangeActions: [], defaultAction: 0x00050001 }],
    };
    let err: unknown;
    try {
      compilePolicy(policy);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SeccompKitError);
    expect((err as SeccompKitError).message).toMatch(/has \d{4,} instructions; the kernel accepts at most 4096/);
    expect((err as SeccompKitError).hint).toMatch(/fewer ABI/);
  });
});
