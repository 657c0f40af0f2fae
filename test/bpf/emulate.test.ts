import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeProgram } from '../../src/core/bpf/codec.js';
import { compileEmulator, emulate, seccompDataWords } from '../../src/core/bpf/emulate.js';
import type { Program, SeccompData } from '../../src/core/bpf/instruction.js';
import { insn, seccompData } from '../../src/core/bpf/instruction.js';
import {
  BPF_A, BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_B, BPF_DIV, BPF_IMM, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP,
  BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH, BPF_MEM, BPF_MISC, BPF_MOD, BPF_MUL, BPF_NEG, BPF_OR, BPF_RET,
  BPF_RSH, BPF_ST, BPF_STX, BPF_SUB, BPF_TAX, BPF_TXA, BPF_W, BPF_X, BPF_XOR, SECCOMP_RET_ALLOW,
} from '../../src/core/bpf/opcodes.js';
import { arbAnyProgram, arbSeccompData, arbValidSeccompProgram } from '../support/bpf-arbitraries.js';

const X86_64 = 0xc000003e;
const I386 = 0x40000003;
const ldw = (k: number) => insn(BPF_LD | BPF_W | BPF_ABS, k);
const ldi = (k: number) => insn(BPF_LD | BPF_IMM, k);
const ldxi = (k: number) => insn(BPF_LDX | BPF_IMM, k);
const alu = (op: number, k = 0) => insn(BPF_ALU | op | BPF_K, k);
const alux = (op: number) => insn(BPF_ALU | op | BPF_X);
const retA = insn(BPF_RET | BPF_A);
const retK = (k: number) => insn(BPF_RET | BPF_K, k);
const D0 = seccompData(X86_64, 0);

/** Runs `p` with every engine and checks they agree; returns the value. */
function run(p: Program, d: SeccompData = D0, endian: 'little' | 'big' = 'little'): number {
  const a = emulate(p, d, { endian }).ret;
  expect(compileEmulator(p, { endian })(d)).toBe(a);
  expect(compileEmulator(p, { endian, codegen: false })(d)).toBe(a);
  return a;
}
/** A computed in `body`, returned with `ret a`. */
const calc = (...body: Program): number => run([...body, retA]);

describe('loads', () => {
  const d = seccompData(X86_64, 0x40000001, [0x1122334455667788n, 0n, 0n, 0n, 0n, 0xffffffff00000001n], 0xaabbccdd00000010n);
  it('reads nr, arch, instruction pointer and argument halves (little-endian host)', () => {
    expect(run([ldw(0), retA], d)).toBe(0x40000001); // x32 nr keeps its bit
    expect(run([ldw(4), retA], d)).toBe(X86_64);
    expect(run([ldw(8), retA], d)).toBe(0x00000010);
    expect(run([ldw(12), retA], d)).toBe(0xaabbccdd);
    expect(run([ldw(16), retA], d)).toBe(0x55667788);
    expect(run([ldw(20), retA], d)).toBe(0x11223344);
    expect(run([ldw(56), retA], d)).toBe(0x00000001);
    expect(run([ldw(60), retA], d)).toBe(0xffffffff);
  });
  it('swaps the halves on a big-endian host', () => {
    expect(run([ldw(16), retA], d, 'big')).toBe(0x11223344);
    expect(run([ldw(20), retA], d, 'big')).toBe(0x55667788);
    expect(run([ldw(8), retA], d, 'big')).toBe(0xaabbccdd);
    expect(run([ldw(0), retA], d, 'big')).toBe(0x40000001);
  });
  it('gives 64 for ld len / ldx len and loads immediates', () => {
    expect(calc(insn(BPF_LD | BPF_W | BPF_LEN))).toBe(64);
    expect(calc(insn(BPF_LDX | BPF_W | BPF_LEN), insn(BPF_MISC | BPF_TXA))).toBe(64);
    expect(calc(ldi(0xdeadbeef))).toBe(0xdeadbeef);
  });
  it('splits seccomp_data into words', () => {
    expect([...seccompDataWords(d)].slice(0, 6)).toEqual([0x40000001, X86_64, 0x10, 0xaabbccdd, 0x55667788, 0x11223344]);
    expect(compileEmulator([ldw(20), retA]).runWords(seccompDataWords(d))).toBe(0x11223344);
  });
});

describe('ALU (32-bit unsigned, wrapping)', () => {
  it('adds, subtracts and multiplies with wrap-around', () => {
    expect(calc(ldi(0xffffffff), alu(BPF_ADD, 2))).toBe(1);
    expect(calc(ldi(1), alu(BPF_SUB, 2))).toBe(0xffffffff);
    expect(calc(ldi(0x10001), alu(BPF_MUL, 0x10001))).toBe(0x00020001);
    expect(calc(ldi(0xffffffff), alu(BPF_MUL, 0xffffffff))).toBe(1);
    expect(calc(ldi(5), ldxi(7), alux(BPF_SUB))).toBe(0xfffffffe);
    expect(calc(ldi(3), ldxi(0x80000000), alux(BPF_MUL))).toBe(0x80000000);
  });
  it('divides unsigned and truncates', () => {
    expect(calc(ldi(0xffffffff), alu(BPF_DIV, 2))).toBe(0x7fffffff);
    expect(calc(ldi(7), ldxi(0x80000000), alux(BPF_DIV))).toBe(0);
    expect(calc(ldi(0x80000000), ldxi(3), alux(BPF_DIV))).toBe(0x2aaaaaaa);
  });
  it('returns 0 from the whole program on division by X = 0', () => {
    expect(run([ldi(7), ldxi(0), alux(BPF_DIV), retK(SECCOMP_RET_ALLOW)])).toBe(0);
    expect(emulate([ldi(7), ldxi(0), alux(BPF_DIV), retK(SECCOMP_RET_ALLOW)], D0).action.kind).toBe('KILL_THREAD');
  });
  it('does bitwise operations and negation', () => {
    expect(calc(ldi(0xf0f0f0f0), alu(BPF_AND, 0xff00ff00))).toBe(0xf000f000);
    expect(calc(ldi(0xf0f0f0f0), alu(BPF_OR, 0x0f))).toBe(0xf0f0f0ff);
    expect(calc(ldi(0xf0f0f0f0), alu(BPF_XOR, 0xffffffff))).toBe(0x0f0f0f0f);
    expect(calc(ldi(5), insn(BPF_ALU | BPF_NEG))).toBe(0xfffffffb);
    expect(calc(ldi(0), insn(BPF_ALU | BPF_NEG))).toBe(0);
    expect(calc(ldi(0x80000000), insn(BPF_ALU | BPF_NEG))).toBe(0x80000000);
    expect(calc(ldi(6), ldxi(3), alux(BPF_AND))).toBe(2);
    expect(calc(ldi(6), ldxi(3), alux(BPF_OR))).toBe(7);
    expect(calc(ldi(6), ldxi(3), alux(BPF_XOR))).toBe(5);
    expect(calc(ldi(6), ldxi(3), alux(BPF_ADD))).toBe(9);
  });
  it('shifts logically; X shifts use the low 5 bits of X (checked on Linux 6.18 x86-64)', () => {
    expect(calc(ldi(0x80000001), alu(BPF_LSH, 1))).toBe(2);
    expect(calc(ldi(0x80000000), alu(BPF_RSH, 31))).toBe(1);
    expect(calc(ldi(0x80000000), alu(BPF_RSH, 0))).toBe(0x80000000);
    expect(calc(ldi(1), ldxi(33), alux(BPF_LSH))).toBe(2);
    expect(calc(ldi(1), ldxi(32), alux(BPF_LSH))).toBe(1);
    expect(calc(ldi(0x100), ldxi(36), alux(BPF_RSH))).toBe(0x10);
    expect(calc(ldi(0xffffffff), ldxi(31), alux(BPF_RSH))).toBe(1);
  });
});

describe('registers and scratch memory', () => {
  it('moves between A and X', () => {
    expect(calc(ldi(9), insn(BPF_MISC | BPF_TAX), ldi(1), alux(BPF_ADD))).toBe(10);
    expect(calc(ldxi(4), insn(BPF_MISC | BPF_TXA))).toBe(4);
  });
  it('starts with A = X = 0', () => {
    expect(run([retA])).toBe(0);
    expect(calc(insn(BPF_MISC | BPF_TXA))).toBe(0);
  });
  it('stores and loads M[0..15] from A and X', () => {
    expect(calc(ldi(11), insn(BPF_ST, 15), ldxi(22), insn(BPF_STX, 0), ldi(0), insn(BPF_LD | BPF_MEM, 15), insn(BPF_LDX | BPF_MEM, 0), alux(BPF_ADD))).toBe(33);
  });
  it('does not leak scratch memory between runs of a compiled program that reads before writing', () => {
    // The kernel refuses this program (check_load_and_stores); the emulator reads zeros.
    const p = [insn(BPF_LD | BPF_MEM, 3), insn(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), retK(1), ldi(5), insn(BPF_ST, 3), retK(2)];
    for (const codegen of [true, false]) {
      const em = compileEmulator(p, { codegen });
      expect(em(D0)).toBe(1);
      expect(em(D0)).toBe(1);
    }
  });
});

describe('jumps (unsigned compares)', () => {
  const cmp = (op: number, a: number, k: number): number => run([ldi(a), insn(BPF_JMP | op | BPF_K, k, 1, 0), retK(0), retK(1)]);
  const cmpx = (op: number, a: number, x: number): number => run([ldi(a), ldxi(x), insn(BPF_JMP | op | BPF_X, 0, 1, 0), retK(0), retK(1)]);
  it('jeq / jgt / jge / jset with K', () => {
    expect(cmp(BPF_JEQ, 5, 5)).toBe(1);
    expect(cmp(BPF_JEQ, 5, 6)).toBe(0);
    expect(cmp(BPF_JGT, 0x80000000, 1)).toBe(1);
    expect(cmp(BPF_JGT, 1, 0x80000000)).toBe(0);
    expect(cmp(BPF_JGT, 0xffffffff, 0xfffffffe)).toBe(1);
    expect(cmp(BPF_JGE, 0xffffffff, 0xffffffff)).toBe(1);
    expect(cmp(BPF_JGE, 0x7fffffff, 0x80000000)).toBe(0);
    expect(cmp(BPF_JSET, 0x80000000, 0x80000001)).toBe(1);
    expect(cmp(BPF_JSET, 6, 1)).toBe(0);
  });
  it('jeq / jgt / jge / jset with X', () => {
    expect(cmpx(BPF_JEQ, 0xffffffff, 0xffffffff)).toBe(1);
    expect(cmpx(BPF_JGT, 0x80000000, 0x7fffffff)).toBe(1);
    expect(cmpx(BPF_JGE, 0x7fffffff, 0x80000000)).toBe(0);
    expect(cmpx(BPF_JSET, 0xf0, 0x0f)).toBe(0);
  });
  it('follows jt/jf offsets and 32-bit ja offsets past 255', () => {
    const p: Program = [insn(BPF_JMP | BPF_JA, 300)];
    for (let i = 0; i < 300; i++) p.push(retK(1));
    p.push(retK(2));
    expect(run(p)).toBe(2);
    const r = emulate(p, D0, { trace: true });
    expect(r.path).toEqual([0, 301]);
    expect(r.steps).toBe(2);
  });
  it('traces the executed path only when asked', () => {
    const p = [ldw(0), insn(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), retK(7), retK(8)];
    expect(emulate(p, D0, { trace: true }).path).toEqual([0, 1, 2]);
    expect(emulate(p, D0)).toEqual({ ret: 7, action: { kind: 'KILL_THREAD', data: 0, known: true }, path: [], steps: 3 });
  });
});

describe('invalid programs throw an ordinary Error instead of hanging', () => {
  const cases: Array<[string, Program]> = [
    ['no return', [ldi(1)]],
    ['empty', []],
    ['jump past the end', [insn(BPF_JMP | BPF_JEQ | BPF_K, 0, 5, 5), retK(0)]],
    ['ja past the end', [insn(BPF_JMP | BPF_JA, 0xffffffff), retK(0)]],
    ['mod (not seccomp)', [ldi(1), alu(BPF_MOD, 3), retA]],
    ['byte load', [insn(BPF_LD | BPF_B | BPF_ABS, 0), retA]],
    ['misaligned load', [ldw(2), retA]],
    ['load past seccomp_data', [ldw(64), retA]],
    ['div by constant 0', [alu(BPF_DIV, 0), retA]],
    ['shift by 32', [alu(BPF_LSH, 32), retA]],
    ['M[16]', [insn(BPF_ST, 16), retA]],
    ['opcode 0xffff', [insn(0xffff), retA]],
  ];
  it.each(cases)('%s', (_name, p) => {
    for (const f of [() => emulate(p, D0), () => compileEmulator(p)(D0), () => compileEmulator(p, { codegen: false })(D0)]) {
      expect(f).toThrow(Error);
      try {
        f();
      } catch (e) {
        expect((e as Error).name).toBe('Error');
      }
    }
  });
  it('only when execution reaches the bad instruction', () => {
    expect(run([retK(3), insn(0xffff)])).toBe(3);
  });
  it('never hangs on arbitrary programs', () => {
    fc.assert(
      fc.property(arbAnyProgram(), arbSeccompData(), (p, d) => {
        for (const f of [() => emulate(p, d).ret, () => compileEmulator(p)(d)]) {
          try {
            const r = f();
            expect(r >>> 0).toBe(r);
          } catch (e) {
            expect(e).toBeInstanceOf(Error);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

// An independent model of the semantics, written with BigInt and unsigned numbers only.
function reference(p: Program, d: SeccompData, endian: 'little' | 'big'): number {
  const w = seccompDataWords(d, endian);
  const mem = new Array<number>(16).fill(0);
  let a = 0;
  let x = 0;
  let pc = 0;
  const u = (v: bigint): number => Number(BigInt.asUintN(32, v));
  for (;;) {
    if (pc >= p.length) throw new Error('off the end');
    const { code, jt, jf } = p[pc];
    const k = p[pc].k >>> 0;
    const src = code & BPF_X ? x : k;
    pc++;
    switch (code & 7) {
      case BPF_RET:
        return (code & 0x18) === BPF_A ? a : k;
      case BPF_LD:
      case BPF_LDX: {
        const mode = code & 0xe0;
        const v = mode === BPF_ABS ? w[k / 4] : mode === BPF_MEM ? mem[k] : mode === BPF_LEN ? 64 : k;
        if ((code & 7) === BPF_LD) a = v;
        else x = v;
        break;
      }
      case BPF_ST:
        mem[k] = a;
        break;
      case BPF_STX:
        mem[k] = x;
        break;
      case BPF_MISC:
        if ((code & 0xf8) === BPF_TAX) x = a;
        else a = x;
        break;
      case BPF_ALU: {
        const A = BigInt(a);
        const S = BigInt(src);
        switch (code & 0xf0) {
          case BPF_ADD: a = u(A + S); break;
          case BPF_SUB: a = u(A - S); break;
          case BPF_MUL: a = u(A * S); break;
          case BPF_DIV:
            if (S === 0n) return 0;
            a = u(A / S);
            break;
          case BPF_OR: a = u(A | S); break;
          case BPF_AND: a = u(A & S); break;
          case BPF_XOR: a = u(A ^ S); break;
          case BPF_LSH: a = u(A << (S % 32n)); break;
          case BPF_RSH: a = u(A >> (S % 32n)); break;
          case BPF_NEG: a = u(-A); break;
        }
        break;
      }
      case BPF_JMP: {
        const op = code & 0xf0;
        if (op === BPF_JA) {
          pc += k;
          break;
        }
        const c = op === BPF_JEQ ? a === src : op === BPF_JGT ? a > src : op === BPF_JGE ? a >= src : (BigInt(a) & BigInt(src)) !== 0n;
        pc += c ? jt : jf;
        break;
      }
    }
  }
}

describe('engines agree with an independent model', () => {
  it('on random valid programs and data, both byte orders', () => {
    fc.assert(
      fc.property(
        arbValidSeccompProgram({ maxLen: 80 }),
        fc.array(arbSeccompData(), { minLength: 1, maxLength: 6 }),
        fc.constantFrom('little' as const, 'big' as const),
        (p, ds, endian) => {
          const cg = compileEmulator(p, { endian });
          const it = compileEmulator(p, { endian, codegen: false });
          for (const d of ds) {
            const want = reference(p, d, endian);
            expect(emulate(p, d, { endian }).ret).toBe(want);
            expect(cg(d)).toBe(want);
            expect(it(d)).toBe(want);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('on long programs that span several generated segments', () => {
    fc.assert(
      fc.property(arbValidSeccompProgram({ minLen: 1000, maxLen: 2500 }), fc.array(arbSeccompData(), { minLength: 1, maxLength: 4 }), (p, ds) => {
        const cg = compileEmulator(p);
        for (const d of ds) expect(cg(d)).toBe(reference(p, d, 'little'));
      }),
      { numRuns: 25 },
    );
  });
});

describe('a libseccomp program (Docker-like profile, x86_64 + x32 + i386)', () => {
  const p = decodeProgram(new Uint8Array(readFileSync(new URL('../fixtures/bpf/docker-like-x86_64.bpf', import.meta.url))));
  const em = compileEmulator(p);
  const act = (arch: number, nr: number, args: bigint[] = []): string => {
    const d = seccompData(arch, nr, args);
    const r = emulate(p, d);
    expect(em(d)).toBe(r.ret);
    return r.action.kind === 'ERRNO' ? `ERRNO(${r.action.data})` : r.action.kind;
  };
  it('allows listed calls on every ABI and denies the rest with ERRNO(1)', () => {
    expect(act(X86_64, 0)).toBe('ALLOW'); // read
    expect(act(I386, 3)).toBe('ALLOW'); // read
    expect(act(X86_64, 0x40000000)).toBe('ALLOW'); // x32 read
    expect(act(X86_64, 169)).toBe('ERRNO(1)'); // reboot
    expect(act(X86_64, 0xffffffff)).toBe('ERRNO(1)');
    expect(act(X86_64, 435)).toBe('ERRNO(38)'); // clone3 -> ENOSYS
  });
  it('kills on an arch the filter does not know', () => {
    expect(act(0xc00000b7, 63)).toBe('KILL_THREAD');
  });
  it('compares 64-bit arguments word by word', () => {
    expect(act(X86_64, 135, [0xffffffffn])).toBe('ALLOW'); // personality(0xffffffff)
    expect(act(X86_64, 135, [0x1ffffffffn])).toBe('ERRNO(1)'); // high word differs
    expect(act(X86_64, 135, [0x1234n])).toBe('ERRNO(1)');
    expect(act(X86_64, 41, [2n])).toBe('ALLOW'); // socket(AF_INET)
    expect(act(X86_64, 41, [40n])).toBe('ERRNO(1)'); // socket(AF_VSOCK)
    expect(act(X86_64, 56, [0x11n])).toBe('ALLOW'); // clone without namespace flags
    expect(act(X86_64, 56, [0x10000000n])).toBe('ERRNO(1)'); // clone(CLONE_NEWUSER)
  });
});
