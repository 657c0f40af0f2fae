// Differential test against libseccomp 2.5.4 (Debian bookworm's libseccomp2, through koffi): the
// rule list runc would hand libseccomp for builtin:docker and builtin:podman (bench/libseccomp-spec.ts,
// imported as is), exported at OPTIMIZE=1 and 2, against our compiled policy, on the same events
// (every table number of x86_64/x86/x32 and past the end, the x32 range, odd numbers, bad arches,
// steered and random arguments). The verdicts must be equal except the deliberate differences
// listed here and explained in docs/compatibility.md; the exact set of differing (ABI, syscall,
// ours, libseccomp) entries is asserted, so a new difference fails the test.
import { describe, expect, it } from 'vitest';
import { formatAction } from '../../src/core/bpf/actions.js';
import { seccompData, type SeccompData } from '../../src/core/bpf/instruction.js';
import { compilePolicy } from '../../src/core/compile/index.js';
import { decide, loadBuiltin, resolveProfile, selectAbi, type Policy, type ResolveContext } from '../../src/core/profile/index.js';
import { syscallName, syscallNumber } from '../../src/core/syscalls/index.js';
import { buildLibseccompFilter, libseccompResolveSyscall, libseccompVersion } from '../../src/node/libseccomp.js';
import { libseccompSpecFor } from '../../bench/libseccomp-spec.js';
import { makeRand, policyCases, programRunner, withoutRangeActions } from '../support/compile-cases.js';
import { announceSkip, libseccompSkipReason } from '../support/kernel.js';

const CTX: Partial<ResolveContext> = { arch: 'amd64', caps: 'docker', kernel: '6.18', runtime: 'runc' };
const ARCHES = ['x86_64', 'x86', 'x32'];
const AUDIT_ARCH_X86_64 = 0xc000003e;
const AUDIT_ARCH_I386 = 0x40000003;
const X32_BIT = 0x40000000;
const ENOSYS_ACTION = 0x00050026;
const BUILTINS = ['builtin:docker', 'builtin:podman'] as const;
type Builtin = (typeof BUILTINS)[number];

/**
 * Names our `latest` table gives a number on an ABI where libseccomp 2.5.4 has none, and which the
 * profile names: runc+2.5.4 drops those rules, we keep them (docs/compatibility.md §1, §2).
 */
const UNKNOWN_TO_LIBSECCOMP_254: Readonly<Record<Builtin, Readonly<Record<string, readonly string[]>>>> = {
  'builtin:docker': {
    x86_64: ['uretprobe', 'statmount', 'listmount', 'mseal', 'setxattrat', 'getxattrat', 'listxattrat', 'removexattrat'],
    x86: ['statmount', 'listmount', 'mseal', 'setxattrat', 'getxattrat', 'listxattrat', 'removexattrat'],
    x32: ['uretprobe', 'map_shadow_stack', 'statmount', 'listmount', 'mseal', 'setxattrat', 'getxattrat', 'listxattrat', 'removexattrat'],
  },
  // Podman's profile names nothing newer than 2.5.4's table except map_shadow_stack on x32 (in an EPERM rule).
  'builtin:podman': { x32: ['map_shadow_stack'] },
};

type Verdict = (d: SeccompData) => number;

/** `x86_64 mseal (462): ours ALLOW, libseccomp ERRNO(1)` for each differing event, deduplicated. */
function differences(policy: Policy, ours: Verdict, theirs: Verdict, events: Iterable<SeccompData>): { entries: string[]; cases: number } {
  const out = new Set<string>();
  let cases = 0;
  for (const d of events) {
    cases++;
    const a = ours(d);
    const b = theirs(d);
    if (a !== b) out.add(`${where(policy, d)}: ours ${formatAction(a)}, libseccomp ${formatAction(b)}`);
  }
  return { entries: [...out].sort(), cases };
}

function where(policy: Policy, d: SeccompData): string {
  const abi = selectAbi(policy, d.arch, d.nr)?.abi;
  if (!abi) return `arch 0x${d.arch.toString(16)} nr 0x${d.nr.toString(16)}`;
  return `${abi} ${syscallName(abi, d.nr) ?? '#'} (${d.nr >>> 0})`;
}

/**
 * x86_64 and x86 numbers between runc+2.5.4's stub (above futex_requeue, 456, the highest number
 * 2.5.4 resolves among the profile's names) and ours with the latest table (above the highest
 * number the profile names there: removexattrat, 466 in Docker's profile).
 */
const BETWEEN_STUBS = ['statmount', 'listmount', 'lsm_get_self_attr', 'lsm_set_self_attr', 'lsm_list_modules', 'mseal', 'setxattrat', 'getxattrat', 'listxattrat', 'removexattrat'];

const AUDIT_ARCH: Readonly<Record<string, number>> = { x86_64: AUDIT_ARCH_X86_64, x86: AUDIT_ARCH_I386, x32: AUDIT_ARCH_X86_64 };

/** One expected entry: the syscall on the ABI, decide()'s verdict for it with zero arguments, and libseccomp's. */
function entry(policy: Policy, abi: string, name: string, lib: number): string {
  const nr = syscallNumber(abi, name);
  if (nr === undefined) throw new Error(`${name} has no number on ${abi}`);
  const ours = decide(policy, seccompData(AUDIT_ARCH[abi], nr)).action;
  return `${abi} ${name} (${nr}): ours ${formatAction(ours)}, libseccomp ${formatAction(lib)}`;
}

/** Entries for the names libseccomp 2.5.4 does not know: libseccomp gives its default action. */
function unknownNameEntries(builtin: Builtin, policy: Policy): string[] {
  return Object.entries(UNKNOWN_TO_LIBSECCOMP_254[builtin]).flatMap(([abi, names]) => names.map((n) => entry(policy, abi, n, policy.defaultAction)));
}

/**
 * A model of runc's ENOSYS stub (patchbpf; profiles.md §5.1 step 10, compilers.md §8) in front
 * of the libseccomp program: per arch the highest number libseccomp resolves among the names of
 * the rules that reach runc (any action); a larger number gets ERRNO(ENOSYS); on AUDIT_ARCH_X86_64
 * the x32 bit picks the x32 maximum. The maxima come from libseccomp itself, not from our tables.
 */
function runcStubMaxima(builtin: Builtin): Record<string, number> {
  const profile = loadBuiltin(builtin);
  const policy = resolveProfile(profile, CTX);
  const names = new Set<string>();
  for (const o of policy.rules ?? []) if (!(o.status === 'dropped' && o.reason === 'rule-excluded')) for (const n of o.names) if (n !== '') names.add(n);
  const max: Record<string, number> = {};
  for (const arch of ARCHES) {
    let m = 0;
    for (const n of names) {
      if (libseccompResolveSyscall(n, 'x86_64') === undefined) continue; // runc skips names the native arch does not know
      const nr = libseccompResolveSyscall(n, arch);
      if (nr !== undefined && nr > m) m = nr; // pseudo-numbers (multiplexed, not on this arch) are negative
    }
    max[arch] = m;
  }
  return max;
}

function withRuncStub(lib: Verdict, max: Record<string, number>): Verdict {
  return (d) => {
    const nr = d.nr >>> 0;
    if (d.arch >>> 0 === AUDIT_ARCH_X86_64 && nr > ((nr & X32_BIT) !== 0 ? max.x32 : max.x86_64)) return ENOSYS_ACTION;
    if (d.arch >>> 0 === AUDIT_ARCH_I386 && nr > max.x86) return ENOSYS_ACTION;
    return lib(d);
  };
}

const resolve = (builtin: Builtin, table: 'latest' | 'libseccomp-2.5.4'): Policy => resolveProfile(loadBuiltin(builtin), { ...CTX, syscallTable: table });

describe.skipIf(announceSkip(libseccompSkipReason()))('compiled policy vs libseccomp 2.5.4', () => {
  it('is libseccomp 2.5.4 (the differences below are specific to it)', () => {
    expect(libseccompVersion()).toBe('2.5.4');
  });

  for (const builtin of BUILTINS) {
    describe(builtin, () => {
      const latest = (): Policy => resolve(builtin, 'latest');
      const events = (p: Policy): SeccompData[] => [...policyCases(p, { rand: makeRand(0x11b5ecc0), fullTables: true, randomNumbers: 64, randomArgs: 8 })];

      for (const optimize of [1, 2] as const) {
        const lib = (): Verdict => programRunner(buildLibseccompFilter(libseccompSpecFor(builtin, CTX, ARCHES, optimize)));

        it(`OPTIMIZE=${optimize}, runc's ENOSYS ranges left out: only the names libseccomp 2.5.4 does not know differ`, () => {
          const pol = withoutRangeActions(latest());
          const r = differences(pol, programRunner(compilePolicy(pol).program), lib(), events(latest()));
          expect(r.cases).toBeGreaterThan(10_000);
          expect(r.entries).toEqual(unknownNameEntries(builtin, pol).sort());
        });

        it(`OPTIMIZE=${optimize}, syscallTable libseccomp-2.5.4, ranges left out: no difference at all`, () => {
          const pol = withoutRangeActions(resolve(builtin, 'libseccomp-2.5.4'));
          const r = differences(pol, programRunner(compilePolicy(pol).program), lib(), events(latest()));
          expect(r.cases).toBeGreaterThan(10_000);
          expect(r.entries).toEqual([]);
        });

        it(`OPTIMIZE=${optimize}, with runc's ENOSYS stub modelled in front of libseccomp: 2.5.4 table equal, latest table differs only by the table`, () => {
          const max = runcStubMaxima(builtin);
          // Both profiles name futex_requeue (456) as their highest number 2.5.4 knows; x32's highest is pwritev2 (547).
          expect(max).toEqual({ x86_64: 456, x86: 456, x32: X32_BIT + 547 });
          const runc = withRuncStub(lib(), max);
          const old = resolve(builtin, 'libseccomp-2.5.4');
          const same = differences(old, programRunner(compilePolicy(old).program), runc, events(latest()));
          expect(same.entries).toEqual([]);

          const pol = latest();
          expect(pol.abis.map((a) => a.rangeActions[0]?.from)).toEqual(builtin === 'builtin:docker' ? [467, 467, X32_BIT + 548] : [457, 457, X32_BIT + 548]);
          const r = differences(pol, programRunner(compilePolicy(pol).program), runc, events(pol));
          const expected = new Set(unknownNameEntries(builtin, pol).filter((e) => !/^x(86_64|86) /.test(e) || !BETWEEN_STUBS.some((n) => e.includes(` ${n} (`))));
          for (const abi of ['x86_64', 'x86']) {
            for (const name of BETWEEN_STUBS) {
              const e = entry(pol, abi, name, ENOSYS_ACTION);
              if (!e.includes(`ours ${formatAction(ENOSYS_ACTION)},`)) expected.add(e);
            }
          }
          expect(r.entries).toEqual([...expected].sort());
        });
      }
    });
  }
});
