// fast-check arbitraries for classic-BPF seccomp programs and seccomp_data, shared by the bpf
// tests and the kernel-oracle tests.
import fc from 'fast-check';
import type { Instruction, Program, SeccompData } from '../../src/core/bpf/instruction.js';
import { seccompData } from '../../src/core/bpf/instruction.js';
import {
  BPF_A, BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_B, BPF_DIV, BPF_H, BPF_IMM, BPF_IND, BPF_JA, BPF_JEQ, BPF_JGE,
  BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH, BPF_MEM, BPF_MISC, BPF_MOD, BPF_MSH, BPF_MUL,
  BPF_NEG, BPF_OR, BPF_RET, BPF_RSH, BPF_ST, BPF_STX, BPF_SUB, BPF_TAX, BPF_TXA, BPF_W, BPF_X, BPF_XOR,
  SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO, SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_LOG,
  SECCOMP_RET_TRACE, SECCOMP_RET_TRAP, SECCOMP_RET_USER_NOTIF,
} from '../../src/core/bpf/opcodes.js';

/** AUDIT_ARCH values the data generator draws from (x86_64, i386, aarch64, arm, s390x, ppc64le, riscv64, mips). */
export const TEST_ARCHES: readonly number[] = [0xc000003e, 0x40000003, 0xc00000b7, 0x40000028, 0x80000016, 0xc0000015, 0xc00000f3, 0x00000008];

/** u32 values with structure: 0, small, all-ones, high bit, byte patterns, and random. */
export function arbU32(): fc.Arbitrary<number> {
  return fc.oneof(
    fc.constantFrom(0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 0x40000000, 0x7fff0000, 0xffff),
    fc.integer({ min: 0, max: 64 }),
    fc.integer({ min: 0, max: 0xffffffff }),
    fc.integer({ min: 0, max: 31 }).map((b) => (1 << b) >>> 0),
  );
}

/** u64 values with structure: 0, small, all-ones, high bit set, one half set, random. */
export function arbU64(): fc.Arbitrary<bigint> {
  return fc.oneof(
    fc.constantFrom(0n, 1n, 0xffffffffn, 0x100000000n, 0xffffffffffffffffn, 0x8000000000000000n, 0x7fffffffffffffffn, 0xffffffff00000000n),
    fc.bigInt({ min: 0n, max: 4096n }),
    fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }),
    fc.tuple(arbU32(), arbU32()).map(([hi, lo]) => (BigInt(hi) << 32n) | BigInt(lo)),
  );
}

/** Random seccomp_data: arch from {@link TEST_ARCHES} (or random), nr including x32 numbers and 0xffffffff. */
export function arbSeccompData(): fc.Arbitrary<SeccompData> {
  const arch = fc.oneof({ arbitrary: fc.constantFrom(...TEST_ARCHES), weight: 5 }, { arbitrary: fc.integer({ min: 0, max: 0xffffffff }), weight: 1 });
  const nr = fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 500 }), weight: 6 },
    { arbitrary: fc.integer({ min: 0, max: 547 }).map((n) => (0x40000000 | n) >>> 0), weight: 2 },
    { arbitrary: fc.constantFrom(0xffffffff, 0x40000000, 0x7fffffff, 335, 336), weight: 1 },
    { arbitrary: fc.integer({ min: 0, max: 0xffffffff }), weight: 1 },
  );
  return fc
    .record({ arch, nr, args: fc.array(arbU64(), { minLength: 6, maxLength: 6 }), ip: arbU64() })
    .map(({ arch: a, nr: n, args, ip }) => seccompData(a, n, args, ip));
}

const RET_VALUES = [
  SECCOMP_RET_ALLOW, SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_TRAP, SECCOMP_RET_ERRNO,
  SECCOMP_RET_USER_NOTIF, SECCOMP_RET_TRACE, SECCOMP_RET_LOG,
];
/** Return values of every action, with data bits for some. */
export function arbRetValue(): fc.Arbitrary<number> {
  return fc.oneof(
    fc.constantFrom(...RET_VALUES),
    fc.tuple(fc.constantFrom(SECCOMP_RET_ERRNO, SECCOMP_RET_TRAP, SECCOMP_RET_TRACE), fc.integer({ min: 0, max: 0xffff })).map(([a, d]) => (a | d) >>> 0),
    fc.integer({ min: 0, max: 0xffffffff }),
  );
}

const ALU_OPS = [BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH, BPF_RSH, BPF_XOR];
const JMP_OPS = [BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET];

/** One random choice, turned into an instruction once its position and the program length are known. */
interface Slot {
  kind: number;
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
}
const arbSlot: fc.Arbitrary<Slot> = fc.record({
  kind: fc.integer({ min: 0, max: 99 }),
  a: arbU32(),
  b: fc.integer({ min: 0, max: 0xffff }),
  c: fc.integer({ min: 0, max: 0xffff }),
  d: fc.integer({ min: 0, max: 0xffff }),
  e: arbRetValue(),
});

/**
 * Builds a kernel-valid instruction at `pc` of an `n`-instruction program from random choices.
 * `written` is the set of scratch slots stored in the straight-line prefix (only those are loaded,
 * which keeps check_load_and_stores happy on every program shape).
 */
function validAt(s: Slot, pc: number, n: number, written: readonly number[]): Instruction {
  const room = n - pc - 2; // instructions between this one and the last (the final return)
  const jump = (v: number): number => (room < 0 ? 0 : v % (Math.min(room, 255) + 1));
  const kind = s.kind;
  if (kind < 18) return { code: BPF_LD | BPF_W | BPF_ABS, jt: 0, jf: 0, k: (s.b % 16) * 4 };
  if (kind < 22) return { code: s.b & 1 ? BPF_LD | BPF_IMM : BPF_LDX | BPF_IMM, jt: 0, jf: 0, k: s.a };
  if (kind < 24) return { code: s.b & 1 ? BPF_LD | BPF_W | BPF_LEN : BPF_LDX | BPF_W | BPF_LEN, jt: 0, jf: 0, k: s.a };
  if (kind < 28) return { code: s.b & 1 ? BPF_ST : BPF_STX, jt: 0, jf: 0, k: s.c % 16 };
  if (kind < 31 && written.length > 0) return { code: s.b & 1 ? BPF_LD | BPF_MEM : BPF_LDX | BPF_MEM, jt: 0, jf: 0, k: written[s.c % written.length] };
  if (kind < 33) return { code: BPF_MISC | (s.b & 1 ? BPF_TAX : BPF_TXA), jt: 0, jf: 0, k: 0 };
  if (kind < 50) {
    const op = ALU_OPS[s.b % ALU_OPS.length];
    const x = (s.c & 1) === 1;
    if (s.c % 13 === 0) return { code: BPF_ALU | BPF_NEG, jt: 0, jf: 0, k: 0 };
    let k = s.a;
    if (!x && op === BPF_DIV && k === 0) k = 1 + (s.d % 7);
    if (!x && (op === BPF_LSH || op === BPF_RSH)) k = s.a % 32;
    return { code: BPF_ALU | op | (x ? BPF_X : BPF_K), jt: 0, jf: 0, k };
  }
  if (kind < 82 && room >= 0) {
    const op = JMP_OPS[s.b % JMP_OPS.length];
    return { code: BPF_JMP | op | (s.c & 1 ? BPF_X : BPF_K), jt: jump(s.c >> 1), jf: jump(s.d), k: s.a };
  }
  if (kind < 88 && room >= 0) {
    // ja has a 32-bit offset: long jumps past 255 when the program is long enough.
    const far = s.d & 1 ? s.a % (room + 1) : s.c % (Math.min(room, 8) + 1);
    return { code: BPF_JMP | BPF_JA, jt: 0, jf: 0, k: far };
  }
  if (kind < 96) return { code: BPF_RET | BPF_K, jt: 0, jf: 0, k: s.e };
  return { code: BPF_RET | BPF_A, jt: 0, jf: 0, k: 0 };
}

/**
 * Random programs the kernel accepts: loads of seccomp_data words, ALU (K and X, incl. div by a
 * possibly-zero X), jumps with in-range offsets, long `ja`, scratch memory written in a prefix
 * before any load, returns of every action and `ret a` anywhere, and a return at the end.
 */
export function arbValidSeccompProgram(opts: { maxLen?: number; minLen?: number } = {}): fc.Arbitrary<Program> {
  const maxLen = Math.max(1, Math.min(opts.maxLen ?? 64, 4096));
  const minLen = Math.max(1, Math.min(opts.minLen ?? 1, maxLen));
  return fc
    .record({
      stores: fc.uniqueArray(fc.integer({ min: 0, max: 15 }), { maxLength: 3 }),
      storeX: fc.boolean(),
      body: fc.array(arbSlot, { minLength: minLen - 1, maxLength: maxLen - 1 }),
      last: fc.oneof(arbRetValue().map((k) => ({ code: BPF_RET | BPF_K, jt: 0, jf: 0, k })), fc.constant({ code: BPF_RET | BPF_A, jt: 0, jf: 0, k: 0 })),
    })
    .map(({ stores, storeX, body, last }) => {
      const prefix: Instruction[] = stores.slice(0, maxLen - 1).map((k) => ({ code: storeX ? BPF_STX : BPF_ST, jt: 0, jf: 0, k }));
      const bodyLen = Math.max(0, Math.min(body.length, maxLen - 1 - prefix.length));
      const n = prefix.length + bodyLen + 1;
      const written = prefix.map((i) => i.k);
      const p: Program = [...prefix];
      for (let i = 0; i < bodyLen; i++) p.push(validAt(body[i], p.length, n, written));
      p.push(last);
      return p;
    });
}

/** Every classic opcode, including those seccomp refuses. */
const ALL_CLASSIC_CODES = [
  ...ALU_OPS.flatMap((op) => [BPF_ALU | op | BPF_K, BPF_ALU | op | BPF_X]), BPF_ALU | BPF_MOD | BPF_K, BPF_ALU | BPF_MOD | BPF_X, BPF_ALU | BPF_NEG,
  BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_H | BPF_ABS, BPF_LD | BPF_B | BPF_ABS, BPF_LD | BPF_W | BPF_LEN,
  BPF_LD | BPF_W | BPF_IND, BPF_LD | BPF_H | BPF_IND, BPF_LD | BPF_B | BPF_IND, BPF_LD | BPF_IMM, BPF_LD | BPF_MEM,
  BPF_LDX | BPF_W | BPF_LEN, BPF_LDX | BPF_B | BPF_MSH, BPF_LDX | BPF_IMM, BPF_LDX | BPF_MEM, BPF_ST, BPF_STX,
  BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA, BPF_RET | BPF_K, BPF_RET | BPF_A, BPF_JMP | BPF_JA,
  ...JMP_OPS.flatMap((op) => [BPF_JMP | op | BPF_K, BPF_JMP | op | BPF_X]),
];

/** A mutation that usually makes a valid program invalid (or leaves it valid by chance). */
type Mutation = (p: Program, at: number, v: number) => Program;
const set = (p: Program, at: number, ins: Instruction): Program => p.map((x, i) => (i === at ? ins : x));
const MUTATIONS: Mutation[] = [
  // unknown or non-seccomp opcode
  (p, at, v) => set(p, at, { ...p[at], code: v % 3 === 0 ? v & 0xffff : ALL_CLASSIC_CODES[v % ALL_CLASSIC_CODES.length] }),
  // jump out of range
  (p, at, v) => set(p, at, { code: BPF_JMP | JMP_OPS[v % 4], jt: 255 - (v % 3), jf: v & 0xff, k: v }),
  (p, at, v) => set(p, at, { code: BPF_JMP | BPF_JA, jt: 0, jf: 0, k: v % 3 === 0 ? 0xffffffff : p.length - at - 1 + (v % 4) }),
  // misaligned / out-of-range / ancillary loads
  (p, at, v) => set(p, at, { code: BPF_LD | BPF_W | BPF_ABS, jt: 0, jf: 0, k: [1, 2, 3, 62, 64, 68, 0xfffff000, 0xfffff03c, 0xfffff040, 0xffffffff][v % 10] }),
  // division / modulo by constant 0, shifts by >= 32
  (p, at, v) => set(p, at, { code: BPF_ALU | [BPF_DIV, BPF_MOD][v % 2] | BPF_K, jt: 0, jf: 0, k: 0 }),
  (p, at, v) => set(p, at, { code: BPF_ALU | [BPF_LSH, BPF_RSH][v % 2] | BPF_K, jt: 0, jf: 0, k: 32 + (v % 40) }),
  // scratch memory: index >= 16, load of a slot never written
  (p, at, v) => set(p, at, { code: [BPF_ST, BPF_STX, BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM][v % 4], jt: 0, jf: 0, k: 16 + (v % 100) }),
  (p, at, v) => set(p, at, { code: v & 1 ? BPF_LD | BPF_MEM : BPF_LDX | BPF_MEM, jt: 0, jf: 0, k: v % 16 }),
  // no return at the end
  (p, _at, v) => [...p.slice(0, -1), { code: BPF_LD | BPF_W | BPF_ABS, jt: 0, jf: 0, k: (v % 16) * 4 }],
  // empty
  () => [],
];

/** Random programs, valid or not: mutated valid programs, and programs of arbitrary opcodes. */
export function arbAnyProgram(opts: { maxLen?: number } = {}): fc.Arbitrary<Program> {
  const maxLen = opts.maxLen ?? 48;
  const mutated = fc
    .tuple(arbValidSeccompProgram({ maxLen }), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 0xffffff }), fc.nat()), { minLength: 1, maxLength: 3 }))
    .map(([p, muts]) => {
      let q = p;
      for (const [at, v, which] of muts) {
        if (q.length === 0) break;
        q = MUTATIONS[which % MUTATIONS.length](q, at % q.length, v);
      }
      return q;
    });
  const raw = fc.array(
    fc.record({
      code: fc.oneof(fc.constantFrom(...ALL_CLASSIC_CODES), fc.integer({ min: 0, max: 0xffff })),
      jt: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 })),
      jf: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 })),
      k: fc.oneof(fc.integer({ min: 0, max: 63 }), arbU32()),
    }),
    { maxLength: maxLen },
  );
  return fc.oneof({ arbitrary: mutated, weight: 3 }, { arbitrary: arbValidSeccompProgram({ maxLen }), weight: 1 }, { arbitrary: raw, weight: 1 });
}
