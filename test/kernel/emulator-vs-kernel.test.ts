// The emulator's verdict equals the real kernel's, on random valid programs and random syscalls.
// The kernel runs each program rewritten so that every return becomes ERRNO(probeCode(verdict))
// (src/node/kernel/rewrite.ts); the emulator's verdict goes through the same probeCode.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Program } from '../../src/core/bpf/instruction.js';
import { emulate } from '../../src/core/bpf/emulate.js';
import { closeKernelProbes, probeKernel } from '../../src/node/kernel/probe.js';
import type { KernelOutcome, ProbeAbi, SeccompCase } from '../../src/node/kernel/probe.js';
import { MAX_PROBE_PROGRAM, probeCode, probeRewriteProblem } from '../../src/node/kernel/rewrite.js';
import { stubAddresses } from '../../src/node/kernel/stubs.js';
import { arbSeccompData, arbValidSeccompProgram } from '../support/bpf-arbitraries.js';
import { announceSkip, arbCaseFor, arbFilterShapedProgram, kernelSkipReason } from '../support/kernel.js';

/** Cases per program: half aimed at the program's constants, half from the shared generator. */
const CASES = 32;

/**
 * Programs: the shared generator (every opcode, short) and filter-shaped ones whose verdicts
 * depend on the data (long paths, constants that include the probe's instruction pointer).
 */
function arbProgram(abi: ProbeAbi): fc.Arbitrary<Program> {
  const stubs = stubAddresses();
  const ip = abi === 'x86' ? stubs.ip32 : stubs.ip64;
  const ipWords = [Number(ip & 0xffffffffn), Number(ip >> 32n)];
  return fc.oneof(
    arbValidSeccompProgram({ maxLen: Math.min(MAX_PROBE_PROGRAM, 300) }),
    arbFilterShapedProgram({ consts: ipWords, maxLen: 200 }),
  );
}

function arbProgramWithCases(abi: ProbeAbi): fc.Arbitrary<{ p: Program; cases: SeccompCase[] }> {
  return arbProgram(abi).chain((p) =>
    fc
      .tuple(
        fc.array(arbCaseFor(p), { minLength: CASES / 2, maxLength: CASES / 2 }),
        fc.array(arbSeccompData().map((d) => ({ nr: d.nr, args: d.args })), { minLength: CASES / 2, maxLength: CASES / 2 }),
      )
      .map(([a, b]) => ({ p, cases: [...a, ...b] })),
  );
}

/** Runs the property; returns how many syscalls the kernel judged. */
async function compare(abi: ProbeAbi, numRuns: number): Promise<number> {
  let judged = 0;
  await fc.assert(
    fc.asyncProperty(arbProgramWithCases(abi), async ({ p, cases }) => {
      fc.pre(probeRewriteProblem(p) === undefined);
      const out = await probeKernel(p, cases, { abi });
      for (const o of out) {
        if (!o.issued) {
          // Only the x86_64 uretprobe/uprobe numbers are held back (they bypass every filter).
          expect(abi === 'x86_64' && (o.data.nr === 335 || o.data.nr === 336)).toBe(true);
          continue;
        }
        judged++;
        expect(describeOutcome(o, probeCode(emulate(p, o.data).ret))).toEqual(describeOutcome(o, o.code));
      }
    }),
    { numRuns },
  );
  return judged;
}

/** What a mismatch report should show: the data the kernel saw and the code. */
function describeOutcome(o: KernelOutcome, code: number | undefined): object {
  return { nr: o.data.nr, arch: o.data.arch, ip: o.data.instructionPointer, args: o.data.args, code };
}

describe.skipIf(announceSkip(kernelSkipReason()))('emulator vs kernel', () => {
  afterAll(closeKernelProbes);

  it('x86_64: same verdict on at least 10,000 random syscalls over random programs', async () => {
    const judged = await compare('x86_64', 340);
    expect(judged).toBeGreaterThanOrEqual(10_000);
  });

  it.skipIf(kernelSkipReason('x86') !== undefined)('i386 (int $0x80): same verdict on random syscalls', async () => {
    const judged = await compare('x86', 80);
    expect(judged).toBeGreaterThanOrEqual(2_000);
  });
});
