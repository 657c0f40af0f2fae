// The compiler against the oracle (decide) on the built-in profiles and on random policies: every
// syscall number of each ABI's table and past its end, the x32 range, out-of-range numbers, bad
// arches, and argument vectors steered to each rule's constants plus random ones. At least
// 1,000,000 events per run (asserted); the random part takes a fresh seed per run (SK_SEED=n
// replays one; failures print it).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePolicy, restrictPolicyAbis } from '../../src/core/compile/index.js';
import { verifyProgram } from '../../src/core/bpf/verify.js';
import { loadBuiltin, resolveProfile, type Policy, type ResolveContext } from '../../src/core/profile/index.js';
import { arbEventFor, arbPolicy } from '../support/policy-arbitraries.js';
import { compareWithPolicy, makeRand, policyCases, runSeed } from '../support/compile-cases.js';

const SEED = runSeed();
const BASE: Partial<ResolveContext> = { arch: 'amd64', caps: 'docker', kernel: '6.18', runtime: 'runc' };
const VARIANTS: ReadonlyArray<[string, Partial<ResolveContext>]> = [
  ['runc', {}],
  ['runc, --cap-add SYS_ADMIN', { capAdd: ['SYS_ADMIN'] }],
  ['crun', { runtime: 'crun' }],
  ['runc, libseccomp-2.5.4 table', { syscallTable: 'libseccomp-2.5.4' }],
];
/** The whole policy, each ABI alone, and the x32 split with both sides. */
const ABI_SETS: readonly (readonly string[] | undefined)[] = [undefined, ['x86_64'], ['x86'], ['x32'], ['x86_64', 'x32']];
/** Random argument vectors per (arch, nr) on the built-ins. */
const BUILTIN_RANDOM_ARGS = 16;
const RANDOM_POLICIES = Number(process.env.SK_RUNS ?? 1000);
const RANDOM_EVENTS_FROM_ARBITRARY = 150;

let total = 0;

function check(label: string, policy: Policy, seed: number, randomArgs: number): number {
  const { program } = compilePolicy(policy);
  expect(verifyProgram(program), `${label}: verifier`).toEqual({ ok: true });
  const r = compareWithPolicy(program, policy, policyCases(policy, { rand: makeRand(seed), fullTables: true, randomNumbers: 64, randomArgs }));
  expect(r.examples, `${label}, SK_SEED=${SEED}: ${r.mismatches} of ${r.cases} events differ`).toEqual([]);
  return r.cases;
}

describe('compiler equivalence with decide(): built-in profiles', () => {
  for (const name of ['builtin:docker', 'builtin:podman']) {
    for (const [label, ctx] of VARIANTS) {
      it(`${name} (amd64, Docker caps, kernel 6.18, ${label}): every ABI set`, () => {
        const full = resolveProfile(loadBuiltin(name), { ...BASE, ...ctx });
        expect(full.abis.map((a) => a.abi)).toEqual(['x86_64', 'x86', 'x32']);
        let n = 0;
        ABI_SETS.forEach((set, i) => {
          const policy = set ? restrictPolicyAbis(full, set) : full;
          n += check(`${name} ${label} ${set?.join('+') ?? 'all ABIs'}`, policy, SEED + i, BUILTIN_RANDOM_ARGS);
        });
        total += n;
        expect(n).toBeGreaterThan(50_000);
      });
    }
  }
});

describe('compiler equivalence with decide(): random policies', () => {
  it(`${RANDOM_POLICIES} random policies, each with numbers and arguments steered to its own constants`, () => {
    let n = 0;
    fc.assert(
      fc.property(arbPolicy(), fc.integer(), (policy, seed) => {
        const { program } = compilePolicy(policy);
        expect(verifyProgram(program)).toEqual({ ok: true });
        const fromArbitrary = fc.sample(arbEventFor(policy), { seed, numRuns: RANDOM_EVENTS_FROM_ARBITRARY });
        const steered = policyCases(policy, { rand: makeRand(seed), fullTables: false, randomNumbers: 8, randomArgs: 1, productLimit: 256 });
        const r = compareWithPolicy(program, policy, (function* () {
          yield* fromArbitrary;
          yield* steered;
        })());
        n += r.cases;
        expect(r.examples, `SK_SEED=${SEED}`).toEqual([]);
      }),
      { numRuns: RANDOM_POLICIES, seed: SEED | 0, endOnFailure: true },
    );
    total += n;
    expect(n).toBeGreaterThanOrEqual(RANDOM_POLICIES * RANDOM_EVENTS_FROM_ARBITRARY);
  });
});

describe('compiler equivalence with decide(): volume', () => {
  it.skipIf(RANDOM_POLICIES < 1000)('judged at least 1,000,000 events in this run', () => {
    console.log(`compiler equivalence: ${total} events, SK_SEED=${SEED}`);
    expect(total).toBeGreaterThanOrEqual(1_000_000);
  });
});
