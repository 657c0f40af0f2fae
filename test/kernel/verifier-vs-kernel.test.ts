// The verifier's accept/reject and errno equal the kernel's, on random (mostly malformed) programs,
// on the boundaries, and the fast thread method of kernelVerify equals loading raw programs in
// throwaway processes.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Program } from '../../src/core/bpf/instruction.js';
import { insn } from '../../src/core/bpf/instruction.js';
import {
  BPF_A, BPF_ABS, BPF_JA, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_MEM, BPF_RET, BPF_ST, BPF_W, SECCOMP_RET_ALLOW,
} from '../../src/core/bpf/opcodes.js';
import { verifyProgram } from '../../src/core/bpf/verify.js';
import { closeKernelProbes, kernelVerify } from '../../src/node/kernel/probe.js';
import type { KernelVerdict } from '../../src/node/kernel/probe.js';
import { arbAnyProgram, arbValidSeccompProgram } from '../support/bpf-arbitraries.js';
import { announceSkip, kernelSkipReason } from '../support/kernel.js';

function ours(p: Program): KernelVerdict {
  const r = verifyProgram(p);
  return r.ok ? { accepted: true } : { accepted: false, errno: r.errno };
}

const ret = (k = SECCOMP_RET_ALLOW) => insn(BPF_RET | BPF_K, k);
const rets = (n: number): Program => Array.from({ length: n }, () => ret());

/** Boundaries and the kernel's known quirks. */
const EDGES: Array<[string, Program]> = [
  ['empty', []],
  ['4096 instructions', rets(4096)],
  ['4097 instructions', rets(4097)],
  ['4091 instructions (within the gate of the limit)', rets(4091)],
  ['last instruction not a return', [ret(), insn(BPF_LD | BPF_W | BPF_ABS, 0)]],
  ['ret A', [insn(BPF_RET | BPF_A)]],
  ['unaligned load', [insn(BPF_LD | BPF_W | BPF_ABS, 2), ret()]],
  ['load past seccomp_data', [insn(BPF_LD | BPF_W | BPF_ABS, 64), ret()]],
  ['ja out of range', [insn(BPF_JMP | BPF_JA, 1), ret()]],
  // kernel/seccomp.c check_load_and_stores: one linear pass, so a read after a jump that
  // skipped the only store is refused even though no path reads before writing.
  ['store skipped by a jump, then read', [
    insn(BPF_JMP | BPF_JEQ | BPF_K, 0, 2, 0), insn(BPF_ST, 0), insn(BPF_JMP | BPF_JA, 1), ret(),
    insn(BPF_LD | BPF_MEM, 0), ret(),
  ]],
];

describe.skipIf(announceSkip(kernelSkipReason()))('verifier vs kernel', () => {
  afterAll(closeKernelProbes);

  it.each(EDGES)('%s', async (_name, p) => {
    const [k] = await kernelVerify([p]);
    expect(ours(p)).toEqual(k);
  });

  it('same answer on 3,000 random programs', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(arbAnyProgram(), async (p) => {
        const [k] = await kernelVerify([p]);
        if (k.accepted) accepted++;
        expect(ours(p)).toEqual(k);
      }),
      { numRuns: 3_000 },
    );
    // Both answers must be exercised, or the comparison says little.
    expect(accepted).toBeGreaterThan(100);
    expect(accepted).toBeLessThan(2_900);
  });

  it('the thread method (instruction-pointer gate) agrees with raw loads in throwaway processes', async () => {
    const sample = [
      ...fc.sample(arbAnyProgram(), { numRuns: 60, seed: 7 }),
      ...fc.sample(arbValidSeccompProgram({ maxLen: 200 }), { numRuns: 12, seed: 8 }),
      ...EDGES.map(([, p]) => p),
    ];
    const viaThread = await kernelVerify(sample);
    const viaProcess = await kernelVerify(sample, { isolation: 'process' });
    expect(viaThread).toEqual(viaProcess);
    expect(viaProcess.filter((v) => v.accepted).length).toBeGreaterThan(10);
  });
});
