// Generators of BPF programs for the disassembler/assembler properties. Written here (not imported
// from test/support) so these tests do not depend on another module's choice of distribution.
import fc from 'fast-check';
import type { Instruction, Program } from '../../src/core/bpf/instruction.js';
import { CLASSIC_CODES, SECCOMP_CODES } from '../../src/core/bpf/verify.js';
import { ACTION_VALUES } from '../../src/core/bpf/actions.js';
import { ABIS } from '../../src/core/syscalls/index.js';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u8 = fc.integer({ min: 0, max: 255 });

/** Any instruction whose opcode classic BPF defines, with arbitrary (possibly unused or out-of-range) fields. */
export const arbClassicInstruction: fc.Arbitrary<Instruction> = fc.record({
  code: fc.constantFrom(...CLASSIC_CODES),
  jt: fc.oneof(u8, fc.constant(0)),
  jf: fc.oneof(u8, fc.constant(0)),
  k: fc.oneof(u32, fc.integer({ min: 0, max: 70 }), fc.constant(0)),
});

/** Any 16-bit code at all (for `allowUnknown`). */
export const arbAnyInstruction: fc.Arbitrary<Instruction> = fc.record({
  code: fc.integer({ min: 0, max: 0xffff }),
  jt: u8,
  jf: u8,
  k: u32,
});

const JUMP_CODES = [...SECCOMP_CODES].filter((c) => (c & 7) === 5);
const RET_VALUES = Object.values(ACTION_VALUES).flatMap((v) => [v, (v | 1) >>> 0, (v | 38) >>> 0]);
const AUDIT = [...new Set(ABIS.map((a) => a.auditArch))];

/**
 * Programs shaped like real filters: arch loads and AUDIT_ARCH compares, nr loads and syscall-sized
 * compares (including x32 numbers and the x32 split), argument loads, returns; every jump in range,
 * the last instruction a `ret`. Exercises the path-sensitive naming.
 */
export function arbSeccompLikeProgram(maxLen = 40): fc.Arbitrary<Program> {
  return fc.integer({ min: 1, max: maxLen }).chain((n) =>
    fc.tuple(...Array.from({ length: n }, (_, i) => arbStep(i, n))).map((insns) => {
      insns[n - 1] = { code: 0x06, jt: 0, jf: 0, k: ACTION_VALUES.ALLOW };
      return insns;
    }),
  );
}

function arbStep(i: number, n: number): fc.Arbitrary<Instruction> {
  const room = Math.min(255, n - i - 2);
  const off = room >= 0 ? fc.integer({ min: 0, max: room }) : fc.constant(0);
  const nrK = fc.oneof(
    fc.integer({ min: 0, max: 460 }),
    fc.integer({ min: 0x40000000, max: 0x40000000 + 560 }),
    fc.integer({ min: 4000, max: 6500 }),
    fc.constantFrom(0x40000000, 0x3fffffff, 0xffffffff),
  );
  const jump = (k: fc.Arbitrary<number>): fc.Arbitrary<Instruction> =>
    room < 0
      ? fc.constant({ code: 0x06, jt: 0, jf: 0, k: 0 })
      : fc.record({ code: fc.constantFrom(...JUMP_CODES.filter((c) => c !== 0x05)), jt: off, jf: off, k });
  return fc.oneof(
    fc.constant({ code: 0x20, jt: 0, jf: 0, k: 4 }),
    fc.constant({ code: 0x20, jt: 0, jf: 0, k: 0 }),
    fc.record({ code: fc.constant(0x20), jt: fc.constant(0), jf: fc.constant(0), k: fc.integer({ min: 2, max: 15 }).map((w) => w * 4) }),
    jump(fc.constantFrom(...AUDIT)),
    jump(nrK),
    jump(u32),
    fc.record({ code: fc.constant(0x06), jt: fc.constant(0), jf: fc.constant(0), k: fc.constantFrom(...RET_VALUES) }),
    room < 0 ? fc.constant({ code: 0x16, jt: 0, jf: 0, k: 0 }) : fc.record({ code: fc.constant(0x05), jt: fc.constant(0), jf: fc.constant(0), k: off }),
    fc.record({ code: fc.constantFrom(0x02, 0x60, 0x03, 0x61), jt: fc.constant(0), jf: fc.constant(0), k: fc.integer({ min: 0, max: 15 }) }),
    fc.record({ code: fc.constantFrom(0x07, 0x87, 0x84, 0x54, 0x04, 0x00, 0x01), jt: fc.constant(0), jf: fc.constant(0), k: fc.constantFrom(0, 1, 0xff) }),
  );
}

/** An ABI name or none, for `--arch`. */
export const arbFallbackAbi: fc.Arbitrary<string | undefined> = fc.option(fc.constantFrom(...ABIS.map((a) => a.name)), { nil: undefined });
