// The probe's program rewriting, checked with the emulator and the verifier (no kernel needed):
// the rewritten, gated program is accepted, returns ERRNO(probeCode(original verdict)) for the
// probe's own syscalls and ALLOW for all others; the gate never changes the verifier's answer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Program, SeccompData } from '../../src/core/bpf/instruction.js';
import { insn, seccompData } from '../../src/core/bpf/instruction.js';
import { emulate } from '../../src/core/bpf/emulate.js';
import {
  BPF_A, BPF_ABS, BPF_ALU, BPF_DIV, BPF_IMM, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_MISC, BPF_RET, BPF_ST, BPF_TAX, BPF_W,
  BPF_X, SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO,
} from '../../src/core/bpf/opcodes.js';
import { verifyProgram } from '../../src/core/bpf/verify.js';
import {
  decodeProbeCode, EPILOGUE_LENGTH, IP_GATE_LENGTH, ipGate, MAX_PROBE_PROGRAM, PROBE_ACTION_CODES, probeCode,
  probeRewriteProblem, rewriteForProbe,
} from '../../src/node/kernel/rewrite.js';
import { arbAnyProgram, arbSeccompData, arbValidSeccompProgram } from '../support/bpf-arbitraries.js';

const IP = 0x7f12_3456_789an;
const withIp = (d: SeccompData, ip: bigint): SeccompData => ({ ...d, instructionPointer: ip });

describe('probe rewriting', () => {
  it('maps every action to a distinct code and back', () => {
    const codes = Object.values(PROBE_ACTION_CODES);
    expect(new Set(codes).size).toBe(codes.length);
    for (const [kind, code] of Object.entries(PROBE_ACTION_CODES)) expect(decodeProbeCode(code)).toEqual({ kind });
    expect(decodeProbeCode(17)).toEqual({ kind: 'ERRNO', errno: 17 });
    expect(probeCode(0x7fff0001)).toBe(PROBE_ACTION_CODES.ALLOW); // data bits on ALLOW are ignored
    expect(MAX_PROBE_PROGRAM).toBe(4096 - IP_GATE_LENGTH - EPILOGUE_LENGTH);
  });

  it('keeps the control flow: ERRNO(probeCode(verdict)) for the probe, ALLOW for everyone else', () => {
    fc.assert(
      fc.property(arbValidSeccompProgram({ maxLen: 300 }), fc.array(arbSeccompData(), { minLength: 1, maxLength: 8 }), (p, ds) => {
        fc.pre(probeRewriteProblem(p) === undefined);
        const q = ipGate(rewriteForProbe(p), IP);
        expect(verifyProgram(q)).toEqual({ ok: true });
        for (const d of ds) {
          const probe = withIp(d, IP);
          expect(emulate(q, probe).ret).toBe((SECCOMP_RET_ERRNO | probeCode(emulate(p, probe).ret)) >>> 0);
          const other = withIp(d, d.instructionPointer === IP ? IP + 1n : d.instructionPointer);
          expect(emulate(q, other).ret).toBe(SECCOMP_RET_ALLOW);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('classifies ret A at run time for every action value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), arbSeccompData(), (v, d) => {
        const p: Program = [insn(BPF_LD | BPF_IMM, v), insn(BPF_RET | BPF_A)];
        const q = ipGate(rewriteForProbe(p), IP);
        expect(emulate(q, withIp(d, IP)).ret).toBe((SECCOMP_RET_ERRNO | probeCode(v)) >>> 0);
      }),
    );
  });

  it('guards div x: X = 0 gives KILL_THREAD\'s code, jumps across the guard still land', () => {
    const divX = insn(BPF_ALU | BPF_DIV | BPF_X);
    // jeq over two divisions to a return; the guards move both the division and the target.
    const p: Program = [
      insn(BPF_LD | BPF_W | BPF_ABS, 16), insn(BPF_MISC | BPF_TAX), insn(BPF_LD | BPF_IMM, 600),
      insn(BPF_JMP | BPF_JEQ | BPF_K, 7, 2, 0), divX, divX, insn(BPF_RET | BPF_A),
    ];
    const q = ipGate(rewriteForProbe(p), IP);
    expect(verifyProgram(q)).toEqual({ ok: true });
    for (const a0 of [0n, 1n, 7n, 3n]) {
      const d = seccompData(0xc000003e, 1, [a0], IP);
      expect(emulate(q, d).ret).toBe((SECCOMP_RET_ERRNO | probeCode(emulate(p, d).ret)) >>> 0);
    }
    expect(probeCode(emulate(p, seccompData(0xc000003e, 1, [0n], IP)).ret)).toBe(PROBE_ACTION_CODES.KILL_THREAD);
  });

  it('says when it cannot rewrite', () => {
    const divX = insn(BPF_ALU | BPF_DIV | BPF_X);
    const allSlots: Program = [...Array.from({ length: 16 }, (_, m) => insn(BPF_ST, m)), divX, insn(BPF_RET | BPF_A)];
    expect(probeRewriteProblem(allSlots)).toMatch(/every scratch slot/);
    const far: Program = [insn(BPF_JMP | BPF_JEQ | BPF_K, 0, 250, 0), ...Array.from({ length: 250 }, () => divX), insn(BPF_RET | BPF_A)];
    expect(probeRewriteProblem(far)).toMatch(/offset above 255/);
    expect(probeRewriteProblem([insn(BPF_RET | BPF_A)])).toBeUndefined();
  });

  it('the gate never changes what the verifier says (lengths 1..4090)', () => {
    fc.assert(
      fc.property(arbAnyProgram(), (p) => {
        fc.pre(p.length >= 1 && p.length <= 4096 - IP_GATE_LENGTH);
        const a = verifyProgram(p);
        const b = verifyProgram(ipGate(p, IP));
        expect(b.ok ? 'ok' : b.errno).toBe(a.ok ? 'ok' : a.errno);
      }),
      { numRuns: 2_000 },
    );
  });
});
