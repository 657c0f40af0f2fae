// The per-thread instruction budget (kernel/seccomp.c: converted lengths + 4 per earlier filter
// <= 32768, else ENOMEM) against verify.ts's convertedLength/stackLength. Filters are stacked in a
// throwaway process behind an instruction-pointer gate no syscall matches, so they never act.
import { describe, expect, it } from 'vitest';
import type { Program } from '../../src/core/bpf/instruction.js';
import { insn } from '../../src/core/bpf/instruction.js';
import {
  BPF_ABS, BPF_ALU, BPF_DIV, BPF_JEQ, BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_RET, BPF_W, BPF_X,
  SECCOMP_RET_ALLOW,
} from '../../src/core/bpf/opcodes.js';
import { MAX_INSNS_PER_PATH, stackLength, verifyProgram } from '../../src/core/bpf/verify.js';
import { ipGate } from '../../src/node/kernel/rewrite.js';
import { announceSkip, kernelSkipReason, runChild } from '../support/kernel.js';

/** How many of `programs`, installed in order, fit before stackLength passes the limit. */
function predictedFit(programs: Program[]): number {
  let n = 0;
  while (n < programs.length && stackLength(programs.slice(0, n + 1)) <= MAX_INSNS_PER_PATH) n++;
  return n;
}

/** Installs the programs in order in a fresh process; returns how many the kernel took and the first error. */
function kernelFit(programs: Program[]): { installed: number; error: string } {
  const r = runChild(`
    import { installFilter } from '@root/src/node/kernel/install.ts';
    import { readFileSync } from 'node:fs';
    const progs = JSON.parse(readFileSync(0, 'utf8'));
    let n = 0, error = '';
    for (const p of progs) {
      try { installFilter(p); n++; } catch (e) { error = e.message; break; }
    }
    process.stdout.write(JSON.stringify({ installed: n, error }));`, 120_000, JSON.stringify(programs));
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { installed: number; error: string };
}

const NEVER = 1n; // no syscall is made from address 1, so the gate always allows
const ret = insn(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);

/** `n` copies of `body`, then a return, gated. */
function shape(body: Program, n: number): Program {
  const p: Program = [];
  for (let i = 0; i < n; i++) p.push(...body);
  p.push(ret);
  return ipGate(p, NEVER);
}

const SHAPES: Array<[string, Program]> = [
  ['returns (2 each)', shape([ret], 4000)],
  ['jeq with jf = 0 (1 each)', shape([insn(BPF_JMP | BPF_JEQ | BPF_K, 7, 0, 0)], 4000)],
  ['jgt with both offsets set (2 each)', shape([insn(BPF_JMP | BPF_JGT | BPF_K, 7, 1, 1), insn(BPF_LD | BPF_W | BPF_ABS, 0)], 2000)],
  ['jset with a top-bit constant (+1)', shape([insn(BPF_JMP | BPF_JSET | BPF_K, 0x80000001, 1, 0), insn(BPF_LD | BPF_W | BPF_ABS, 4)], 2000)],
  ['div x (5 each)', shape([insn(BPF_ALU | BPF_DIV | BPF_X)], 4000)],
  ['a short program (many filters)', shape([insn(BPF_LD | BPF_W | BPF_ABS, 0)], 50)],
];

describe.skipIf(announceSkip(kernelSkipReason()))('per-thread filter budget against the kernel', () => {
  it.each(SHAPES)('%s: the kernel takes exactly as many copies as stackLength allows', (_name, p) => {
    expect(verifyProgram(p)).toEqual({ ok: true });
    const copies = Array.from({ length: Math.ceil(MAX_INSNS_PER_PATH / p.length) + 2 }, () => p);
    const expected = predictedFit(copies);
    expect(expected).toBeLessThan(copies.length);
    const got = kernelFit(copies);
    expect(got.installed).toBe(expected);
    expect(got.error).toMatch(/ENOMEM/);
  });
});
