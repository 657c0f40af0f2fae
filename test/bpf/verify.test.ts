import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeProgram } from '../../src/core/bpf/codec.js';
import type { Program } from '../../src/core/bpf/instruction.js';
import { insn } from '../../src/core/bpf/instruction.js';
import {
  BPF_A, BPF_ABS, BPF_ADD, BPF_ALU, BPF_B, BPF_DIV, BPF_H, BPF_IMM, BPF_IND, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT,
  BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH, BPF_MEM, BPF_MISC, BPF_MOD, BPF_MSH, BPF_NEG, BPF_RET,
  BPF_RSH, BPF_ST, BPF_STX, BPF_TAX, BPF_W, BPF_X, SECCOMP_RET_ALLOW,
} from '../../src/core/bpf/opcodes.js';
import {
  assertValidProgram, checkLoadAndStores, convertedLength, MAX_INSNS_PER_PATH, opcodeName, stackLength, verifyProgram,
} from '../../src/core/bpf/verify.js';
import type { VerifyResult } from '../../src/core/bpf/verify.js';
import { SeccompKitError } from '../../src/core/errors.js';
import { arbAnyProgram, arbValidSeccompProgram } from '../support/bpf-arbitraries.js';

const ret = (k = SECCOMP_RET_ALLOW) => insn(BPF_RET | BPF_K, k);
const retA = insn(BPF_RET | BPF_A);
const ldw = (k: number) => insn(BPF_LD | BPF_W | BPF_ABS, k);
const jeq = (k: number, jt: number, jf: number) => insn(BPF_JMP | BPF_JEQ | BPF_K, k, jt, jf);
const ja = (k: number) => insn(BPF_JMP | BPF_JA, k);
const rets = (n: number): Program => Array.from({ length: n }, () => ret());

/** [name, program, expected: 'ok' | [check, index, reason fragment]] */
type Row = [string, Program, 'ok' | [string, number, string]];
const TABLE: Row[] = [
  // length (seccomp_prepare_filter)
  ['empty', [], ['length', 0, 'empty']],
  ['4096 instructions', rets(4096), 'ok'],
  ['4097 instructions', rets(4097), ['length', 4096, 'at most 4096']],
  ['one ret', [ret()], 'ok'],
  ['ret a', [retA], 'ok'],
  // bpf_check_classic
  ['unknown opcode', [insn(0x0d), ret()], ['bpf_check_classic', 0, 'not a classic']],
  ['16-bit opcode', [insn(0x0106), ret()], ['bpf_check_classic', 0, 'not a classic']],
  ['neg with X bit', [insn(BPF_ALU | BPF_NEG | BPF_X), ret()], ['bpf_check_classic', 0, 'not a classic']],
  ['div by constant 0', [ldw(0), insn(BPF_ALU | BPF_DIV | BPF_K, 0), ret()], ['bpf_check_classic', 1, 'division by the constant 0']],
  ['mod by constant 0 (classic check first)', [insn(BPF_ALU | BPF_MOD | BPF_K, 0), ret()], ['bpf_check_classic', 0, 'modulo']],
  ['div by X (may be 0)', [insn(BPF_ALU | BPF_DIV | BPF_X), ret()], 'ok'],
  ['lsh by 31', [insn(BPF_ALU | BPF_LSH | BPF_K, 31), ret()], 'ok'],
  ['lsh by 32', [insn(BPF_ALU | BPF_LSH | BPF_K, 32), ret()], ['bpf_check_classic', 0, 'shift by the constant 32']],
  ['rsh by 0xffffffff', [insn(BPF_ALU | BPF_RSH | BPF_K, 0xffffffff), ret()], ['bpf_check_classic', 0, 'shift']],
  ['lsh by X >= 32 is fine', [insn(BPF_LDX | BPF_IMM, 40), insn(BPF_ALU | BPF_LSH | BPF_X), ret()], 'ok'],
  ['st M[15]', [insn(BPF_ST, 15), ret()], 'ok'],
  ['st M[16]', [insn(BPF_ST, 16), ret()], ['bpf_check_classic', 0, 'M[16]']],
  ['ldx M[16]', [insn(BPF_LDX | BPF_MEM, 16), ret()], ['bpf_check_classic', 0, 'M[16]']],
  ['ja to the last instruction', [ja(1), ret(), ret()], 'ok'],
  ['ja past the end', [ja(1), ret()], ['bpf_check_classic', 0, 'past the last']],
  ['ja with 32-bit k', [ja(0xffffffff), ret()], ['bpf_check_classic', 0, 'past the last']],
  ['ja as the last instruction', [ret(), ja(0)], ['bpf_check_classic', 1, 'past the last']],
  ['jt past the end', [jeq(0, 1, 0), ret()], ['bpf_check_classic', 0, 'jt=1']],
  ['jf past the end', [jeq(0, 0, 2), ret(), ret()], ['bpf_check_classic', 0, 'jf=2']],
  ['jset with X in range', [insn(BPF_JMP | BPF_JSET | BPF_X, 0, 1, 0), ret(), ret()], 'ok'],
  ['unknown ancillary load', [ldw(0xfffff040), ret()], ['bpf_check_classic', 0, 'ancillary']],
  ['known ancillary load passes the classic check (seccomp refuses it later)', [ldw(0xfffff000), ja(5), ret()], ['bpf_check_classic', 1, 'ja']],
  ['last is not a return', [ret(), ldw(0)], ['bpf_check_classic', 1, 'last instruction']],
  ['a bad opcode before a missing return wins', [insn(0xff), ldw(0)], ['bpf_check_classic', 0, 'not a classic']],
  // check_load_and_stores
  ['load of an unwritten slot', [insn(BPF_LD | BPF_MEM, 0), ret()], ['check_load_and_stores', 0, 'M[0]']],
  ['store then load', [insn(BPF_ST, 3), insn(BPF_LDX | BPF_MEM, 3), ret()], 'ok'],
  ['stores on both branches, then load', [jeq(0, 0, 2), insn(BPF_ST, 1), ja(1), insn(BPF_STX, 1), insn(BPF_LD | BPF_MEM, 1), retA], 'ok'],
  ['store on one branch only', [jeq(0, 0, 1), insn(BPF_ST, 1), insn(BPF_LD | BPF_MEM, 1), retA], ['check_load_and_stores', 2, 'M[1]']],
  // compilers.md errata: every path writes before reading, but the linear pass refuses it.
  ['errata: jeq jt=2; st M0; ja 1; ret; ld M0; ret', [jeq(0, 2, 0), insn(BPF_ST, 0), ja(1), ret(), insn(BPF_LD | BPF_MEM, 0), ret()], ['check_load_and_stores', 4, 'M[0]']],
  ['a ret does not reset the mask', [insn(BPF_ST, 2), ret(), insn(BPF_LD | BPF_MEM, 2), ret()], 'ok'],
  ['classic errors come before memory errors', [insn(BPF_LD | BPF_MEM, 0), insn(BPF_ALU | BPF_DIV | BPF_K, 0), ret()], ['bpf_check_classic', 1, 'division']],
  // seccomp_check_filter
  ['ld [0..60] aligned', [ldw(0), ldw(4), ldw(60), ret()], 'ok'],
  ['misaligned load', [ldw(2), ret()], ['seccomp_check_filter', 0, 'multiple of 4']],
  ['load past seccomp_data', [ldw(64), ret()], ['seccomp_check_filter', 0, 'below 64']],
  ['known ancillary load', [ldw(0xfffff000), ret()], ['seccomp_check_filter', 0, 'offset 4294963200']],
  ['ld len / ldx len', [insn(BPF_LD | BPF_W | BPF_LEN), insn(BPF_LDX | BPF_W | BPF_LEN), ret()], 'ok'],
  ['mod (classic, not seccomp)', [insn(BPF_ALU | BPF_MOD | BPF_K, 3), ret()], ['seccomp_check_filter', 0, 'BPF_ALU|BPF_MOD|BPF_K']],
  ['ld half word', [insn(BPF_LD | BPF_H | BPF_ABS, 0), ret()], ['seccomp_check_filter', 0, 'BPF_LD|BPF_H|BPF_ABS']],
  ['ld byte', [insn(BPF_LD | BPF_B | BPF_ABS, 0), ret()], ['seccomp_check_filter', 0, 'BPF_LD|BPF_B|BPF_ABS']],
  ['ld ind', [insn(BPF_LD | BPF_W | BPF_IND, 0), ret()], ['seccomp_check_filter', 0, 'IND']],
  ['ldx msh', [insn(BPF_LDX | BPF_B | BPF_MSH, 0), ret()], ['seccomp_check_filter', 0, 'MSH']],
  ['memory errors come before seccomp errors', [insn(BPF_LD | BPF_H | BPF_ABS, 0), insn(BPF_LD | BPF_MEM, 0), ret()], ['check_load_and_stores', 1, 'M[0]']],
  ['missing return comes before seccomp errors', [insn(BPF_LD | BPF_H | BPF_ABS, 0), ldw(0)], ['bpf_check_classic', 1, 'last']],
  ['everything seccomp allows', [
    ldw(0), insn(BPF_LD | BPF_IMM, 1), insn(BPF_LDX | BPF_IMM, 2), insn(BPF_ST, 0), insn(BPF_STX, 1),
    insn(BPF_LD | BPF_MEM, 0), insn(BPF_LDX | BPF_MEM, 1), insn(BPF_MISC | BPF_TAX), insn(BPF_MISC | 0x80),
    insn(BPF_ALU | BPF_ADD | BPF_X), insn(BPF_ALU | BPF_NEG), insn(BPF_JMP | BPF_JGT | BPF_K, 5, 0, 1),
    insn(BPF_JMP | BPF_JGE | BPF_X, 0, 1, 0), ret(), retA,
  ], 'ok'],
];

describe('verifyProgram: one rule per row, the kernel order decides the index', () => {
  it.each(TABLE)('%s', (_name, p, want) => {
    const r: VerifyResult = verifyProgram(p);
    if (want === 'ok') {
      expect(r).toEqual({ ok: true });
      return;
    }
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect([r.check, r.index]).toEqual([want[0], want[1]]);
    expect(r.errno).toBe('EINVAL');
    expect(r.reason).toContain(want[2]);
  });
});

describe('properties', () => {
  it('the valid-program generator only makes programs the verifier accepts', () => {
    fc.assert(
      fc.property(arbValidSeccompProgram({ maxLen: 300 }), (p) => {
        expect(verifyProgram(p)).toEqual({ ok: true });
      }),
      { numRuns: 2000 },
    );
  });

  it('arbitrary programs get a decision with an index inside the program', () => {
    let refused = 0;
    fc.assert(
      fc.property(arbAnyProgram(), (p) => {
        const r = verifyProgram(p);
        if (!r.ok) {
          refused++;
          expect(r.index).toBeGreaterThanOrEqual(0);
          expect(r.index).toBeLessThanOrEqual(Math.max(0, p.length - 1));
        }
      }),
      { numRuns: 2000 },
    );
    expect(refused).toBeGreaterThan(500);
  });

  it('checkLoadAndStores finds nothing in programs that never load scratch memory', () => {
    fc.assert(
      fc.property(arbValidSeccompProgram({ maxLen: 100 }), (p) => {
        const noLoads = p.filter((i) => i.code !== (BPF_LD | BPF_MEM) && i.code !== (BPF_LDX | BPF_MEM));
        if (noLoads.length === p.length) expect(checkLoadAndStores(p)).toBe(-1);
      }),
    );
  });
});

describe('assertValidProgram', () => {
  it('throws a bpf-invalid SeccompKitError naming the instruction', () => {
    try {
      assertValidProgram([ldw(2), ret()], 'f.bpf');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SeccompKitError);
      expect((e as SeccompKitError).code).toBe('bpf-invalid');
      expect((e as SeccompKitError).source).toEqual({ file: 'f.bpf', instruction: 0 });
      expect((e as SeccompKitError).message).toContain('EINVAL');
    }
    expect(() => assertValidProgram([ret()])).not.toThrow();
  });
});

describe('opcodeName', () => {
  it('names classic opcodes and prints others in hex', () => {
    expect(opcodeName(BPF_LD | BPF_W | BPF_ABS)).toBe('BPF_LD|BPF_W|BPF_ABS');
    expect(opcodeName(BPF_ALU | BPF_MOD | BPF_X)).toBe('BPF_ALU|BPF_MOD|BPF_X');
    expect(opcodeName(BPF_JMP | BPF_JA)).toBe('BPF_JMP|BPF_JA');
    expect(opcodeName(BPF_RET | BPF_A)).toBe('BPF_RET|BPF_A');
    expect(opcodeName(BPF_LDX | BPF_MEM)).toBe('BPF_LDX|BPF_MEM');
    expect(opcodeName(0x0d)).toBe('0x0d');
  });
});

describe('converted (eBPF) length and the stack limit', () => {
  it('counts like bpf_convert_filter', () => {
    expect(convertedLength([ret()])).toBe(3 + 2);
    expect(convertedLength([retA])).toBe(3 + 1);
    expect(convertedLength([ldw(0), retA])).toBe(3 + 1 + 1);
    expect(convertedLength([insn(BPF_ALU | BPF_DIV | BPF_X), retA])).toBe(3 + 5 + 1);
    expect(convertedLength([insn(BPF_ALU | BPF_DIV | BPF_K, 3), retA])).toBe(3 + 1 + 1);
    const j = (code: number, k: number, jt: number, jf: number) => convertedLength([insn(BPF_JMP | code, k, jt, jf), retA, retA]) - 5;
    expect(j(BPF_JEQ | BPF_K, 1, 1, 0)).toBe(1);
    expect(j(BPF_JEQ | BPF_K, 1, 0, 1)).toBe(1);
    expect(j(BPF_JGT | BPF_K, 1, 0, 1)).toBe(1);
    expect(j(BPF_JGE | BPF_X, 1, 0, 1)).toBe(1);
    expect(j(BPF_JSET | BPF_K, 1, 0, 1)).toBe(2);
    expect(j(BPF_JEQ | BPF_K, 1, 1, 1)).toBe(2);
    expect(j(BPF_JEQ | BPF_K, 0x80000000, 1, 0)).toBe(2);
    expect(j(BPF_JEQ | BPF_K, 0xc000003e, 1, 1)).toBe(3);
    expect(j(BPF_JEQ | BPF_X, 0xc000003e, 1, 1)).toBe(2);
    expect(convertedLength([ja(0), retA])).toBe(3 + 1 + 1);
  });

  it('matches the errata measurements: a 4096-ret filter counts 8195, three stack, four do not', () => {
    expect(convertedLength(rets(4096))).toBe(8195);
    expect(stackLength([rets(4096), rets(4096), rets(4096)])).toBe(3 * 8195 + 8);
    expect(stackLength([rets(4096), rets(4096), rets(4096)])).toBeLessThanOrEqual(MAX_INSNS_PER_PATH);
    expect(stackLength([rets(4096), rets(4096), rets(4096), rets(4096)])).toBeGreaterThan(MAX_INSNS_PER_PATH);
    expect(stackLength([])).toBe(0);
    expect(stackLength([[ret()]])).toBe(5);
  });

  it('gives the libseccomp fixture its converted length', () => {
    const p = decodeProgram(new Uint8Array(readFileSync(new URL('../fixtures/bpf/docker-like-x86_64.bpf', import.meta.url))));
    const n = convertedLength(p);
    expect(n).toBeGreaterThan(p.length);
    // 32768 = n * k + 4 * (k - 1) decides how many copies stack
    const fits = Math.floor((MAX_INSNS_PER_PATH + 4) / (n + 4));
    expect(stackLength(Array.from({ length: fits }, () => p))).toBeLessThanOrEqual(MAX_INSNS_PER_PATH);
    expect(stackLength(Array.from({ length: fits + 1 }, () => p))).toBeGreaterThan(MAX_INSNS_PER_PATH);
  });
});
