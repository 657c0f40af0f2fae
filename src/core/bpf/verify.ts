/**
 * What the kernel accepts from `seccomp(SECCOMP_SET_MODE_FILTER)`, rule for rule and in the
 * kernel's order, so that a rejection names the instruction the kernel would stop at.
 *
 * Behaviour ported (not code) from Linux 6.x:
 * - kernel/seccomp.c `seccomp_prepare_filter`: 1 ≤ len ≤ BPF_MAXINSNS.
 * - net/core/filter.c `bpf_prog_create_from_user` → `bpf_prepare_filter` → `bpf_check_classic`
 *   (`chk_code_allowed`, per-instruction checks, last instruction a return, then
 *   `check_load_and_stores`), then the seccomp hook `seccomp_check_filter` (kernel/seccomp.c).
 * - net/core/filter.c `bpf_convert_filter` (first pass) for the converted length that
 *   `seccomp_attach_filter` sums against MAX_INSNS_PER_PATH.
 * Every rejection is EINVAL; the stack total is ENOMEM.
 */
import { SeccompKitError } from '../errors.js';
import type { Program } from './instruction.js';
import {
  BPF_A, BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_B, BPF_DIV, BPF_H, BPF_IMM, BPF_IND, BPF_JA, BPF_JEQ, BPF_JGE,
  BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH, BPF_MAXINSNS, BPF_MEM, BPF_MEMWORDS, BPF_MISC,
  BPF_MOD, BPF_MSH, BPF_MUL, BPF_NEG, BPF_OR, BPF_RET, BPF_RSH, BPF_ST, BPF_STX, BPF_SUB, BPF_TAX, BPF_TXA, BPF_W,
  BPF_X, BPF_XOR, SECCOMP_DATA_SIZE, bpfClass, bpfMode, bpfOp, bpfSize, bpfSrc,
} from './opcodes.js';

/** kernel/seccomp.c: all filters of a thread together, converted length plus 4 per earlier filter (256 KiB / 8). */
export const MAX_INSNS_PER_PATH = 32768;

/** The errno `seccomp(2)` would return. */
export type VerifyErrno = 'EINVAL' | 'ENOMEM';
/** Which kernel step rejects the program. */
export type VerifyCheck = 'length' | 'bpf_check_classic' | 'check_load_and_stores' | 'seccomp_check_filter';

/** Result of {@link verifyProgram}. */
export type VerifyResult =
  | { ok: true }
  | {
      ok: false;
      errno: VerifyErrno;
      /**
       * The first offending instruction in the kernel's check order (the kernel itself reports no
       * index). For length errors: 0 for an empty program, 4096 for one that is too long.
       */
      index: number;
      reason: string;
      check: VerifyCheck;
    };

const ALU_OPS = [BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH, BPF_RSH, BPF_XOR] as const;
const COND_JUMPS = [BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET] as const;

function codeSet(list: number[]): ReadonlySet<number> {
  return new Set(list);
}

/** net/core/filter.c `chk_code_allowed`: every opcode classic BPF knows. */
export const CLASSIC_CODES: ReadonlySet<number> = codeSet([
  ...[...ALU_OPS, BPF_MOD].flatMap((op) => [BPF_ALU | op | BPF_K, BPF_ALU | op | BPF_X]),
  BPF_ALU | BPF_NEG,
  BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_H | BPF_ABS, BPF_LD | BPF_B | BPF_ABS,
  BPF_LD | BPF_W | BPF_LEN,
  BPF_LD | BPF_W | BPF_IND, BPF_LD | BPF_H | BPF_IND, BPF_LD | BPF_B | BPF_IND,
  BPF_LD | BPF_IMM, BPF_LD | BPF_MEM,
  BPF_LDX | BPF_W | BPF_LEN, BPF_LDX | BPF_B | BPF_MSH, BPF_LDX | BPF_IMM, BPF_LDX | BPF_MEM,
  BPF_ST, BPF_STX,
  BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA,
  BPF_RET | BPF_K, BPF_RET | BPF_A,
  BPF_JMP | BPF_JA,
  ...COND_JUMPS.flatMap((op) => [BPF_JMP | op | BPF_K, BPF_JMP | op | BPF_X]),
]);

/** kernel/seccomp.c `seccomp_check_filter`: the opcodes a seccomp filter may use. */
export const SECCOMP_CODES: ReadonlySet<number> = codeSet([
  BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_W | BPF_LEN, BPF_LDX | BPF_W | BPF_LEN,
  BPF_RET | BPF_K, BPF_RET | BPF_A,
  ...ALU_OPS.flatMap((op) => [BPF_ALU | op | BPF_K, BPF_ALU | op | BPF_X]),
  BPF_ALU | BPF_NEG,
  BPF_LD | BPF_IMM, BPF_LDX | BPF_IMM,
  BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA,
  BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM, BPF_ST, BPF_STX,
  BPF_JMP | BPF_JA,
  ...COND_JUMPS.flatMap((op) => [BPF_JMP | op | BPF_K, BPF_JMP | op | BPF_X]),
]);

// include/uapi/linux/filter.h: SKF_AD_OFF = -0x1000; the ancillary loads bpf_anc_helper knows
// (SKF_AD_PROTOCOL 0 … SKF_AD_VLAN_TPID 60, step 4) are exempt from the "k >= SKF_AD_OFF" rule.
const SKF_AD_OFF_U32 = 0xfffff000;
const SKF_AD_MAX = 64;
function isKnownAncillary(k: number): boolean {
  return k >= SKF_AD_OFF_U32 && k - SKF_AD_OFF_U32 < SKF_AD_MAX && (k & 3) === 0;
}

const isCondJump = (code: number): boolean =>
  bpfClass(code) === BPF_JMP && bpfOp(code) !== BPF_JA && CLASSIC_CODES.has(code);

/** A readable name for an opcode (`BPF_LD|BPF_H|BPF_ABS`, `BPF_ALU|BPF_MOD|BPF_X`), or its hex value if unknown. */
export function opcodeName(code: number): string {
  const hex = `0x${code.toString(16).padStart(2, '0')}`;
  if (!CLASSIC_CODES.has(code)) return hex;
  const cls = ['BPF_LD', 'BPF_LDX', 'BPF_ST', 'BPF_STX', 'BPF_ALU', 'BPF_JMP', 'BPF_RET', 'BPF_MISC'][bpfClass(code)];
  const src = bpfSrc(code) === BPF_X ? 'BPF_X' : 'BPF_K';
  switch (bpfClass(code)) {
    case BPF_LD:
    case BPF_LDX: {
      const mode = ({ [BPF_IMM]: 'BPF_IMM', [BPF_ABS]: 'BPF_ABS', [BPF_IND]: 'BPF_IND', [BPF_MEM]: 'BPF_MEM', [BPF_LEN]: 'BPF_LEN', [BPF_MSH]: 'BPF_MSH' } as Record<number, string>)[bpfMode(code)];
      const size = ({ [BPF_W]: 'BPF_W', [BPF_H]: 'BPF_H', [BPF_B]: 'BPF_B' } as Record<number, string>)[bpfSize(code)];
      return bpfMode(code) === BPF_IMM || bpfMode(code) === BPF_MEM ? `${cls}|${mode}` : `${cls}|${size}|${mode}`;
    }
    case BPF_ALU: {
      const op = ({ [BPF_ADD]: 'BPF_ADD', [BPF_SUB]: 'BPF_SUB', [BPF_MUL]: 'BPF_MUL', [BPF_DIV]: 'BPF_DIV', [BPF_OR]: 'BPF_OR', [BPF_AND]: 'BPF_AND', [BPF_LSH]: 'BPF_LSH', [BPF_RSH]: 'BPF_RSH', [BPF_NEG]: 'BPF_NEG', [BPF_MOD]: 'BPF_MOD', [BPF_XOR]: 'BPF_XOR' } as Record<number, string>)[bpfOp(code)];
      return bpfOp(code) === BPF_NEG ? `${cls}|${op}` : `${cls}|${op}|${src}`;
    }
    case BPF_JMP: {
      const op = ({ [BPF_JA]: 'BPF_JA', [BPF_JEQ]: 'BPF_JEQ', [BPF_JGT]: 'BPF_JGT', [BPF_JGE]: 'BPF_JGE', [BPF_JSET]: 'BPF_JSET' } as Record<number, string>)[bpfOp(code)];
      return bpfOp(code) === BPF_JA ? `${cls}|${op}` : `${cls}|${op}|${src}`;
    }
    case BPF_RET:
      return `${cls}|${(code & 0x18) === BPF_A ? 'BPF_A' : 'BPF_K'}`;
    case BPF_MISC:
      return `${cls}|${(code & 0xf8) === BPF_TXA ? 'BPF_TXA' : 'BPF_TAX'}`;
    default:
      return cls;
  }
}

type Failure = Extract<VerifyResult, { ok: false }>;
const fail = (check: VerifyCheck, index: number, reason: string, errno: VerifyErrno = 'EINVAL'): Failure => ({
  ok: false, errno, index, reason, check,
});

/** seccomp_prepare_filter / bpf_check_basics_ok: the instruction count. */
function checkLength(n: number): Failure | undefined {
  if (n === 0) return fail('length', 0, 'empty program: the kernel needs 1 to 4096 instructions');
  if (n > BPF_MAXINSNS) return fail('length', BPF_MAXINSNS, `program has ${n} instructions; the kernel accepts at most ${BPF_MAXINSNS} (BPF_MAXINSNS)`);
  return undefined;
}

/** bpf_check_classic's loop over the instructions, then its "last instruction must return" rule. */
function checkClassic(p: Program): Failure | undefined {
  const n = p.length;
  for (let pc = 0; pc < n; pc++) {
    const { code, jt, jf } = p[pc];
    const k = p[pc].k >>> 0;
    if (!CLASSIC_CODES.has(code)) return fail('bpf_check_classic', pc, `opcode 0x${code.toString(16).padStart(2, '0')} is not a classic BPF instruction`);
    switch (code) {
      case BPF_ALU | BPF_DIV | BPF_K:
      case BPF_ALU | BPF_MOD | BPF_K:
        if (k === 0) return fail('bpf_check_classic', pc, `${bpfOp(code) === BPF_DIV ? 'division' : 'modulo'} by the constant 0`);
        break;
      case BPF_ALU | BPF_LSH | BPF_K:
      case BPF_ALU | BPF_RSH | BPF_K:
        if (k >= 32) return fail('bpf_check_classic', pc, `shift by the constant ${k} (must be below 32)`);
        break;
      case BPF_LD | BPF_MEM:
      case BPF_LDX | BPF_MEM:
      case BPF_ST:
      case BPF_STX:
        if (k >= BPF_MEMWORDS) return fail('bpf_check_classic', pc, `scratch memory M[${k}] does not exist (M[0] to M[15])`);
        break;
      case BPF_JMP | BPF_JA:
        // The kernel compares k with flen - pc - 1 as unsigned: any k that leaves the program is refused.
        if (k >= n - pc - 1) return fail('bpf_check_classic', pc, `ja +${k} jumps to ${pc + 1 + k}, past the last instruction ${n - 1}`);
        break;
      case BPF_LD | BPF_W | BPF_ABS:
      case BPF_LD | BPF_H | BPF_ABS:
      case BPF_LD | BPF_B | BPF_ABS:
        if (k >= SKF_AD_OFF_U32 && !isKnownAncillary(k)) return fail('bpf_check_classic', pc, `load from offset ${k | 0}: unknown ancillary (negative) offset`);
        break;
      default:
        if (isCondJump(code) && (pc + jt + 1 >= n || pc + jf + 1 >= n)) {
          const bad = pc + jt + 1 >= n ? `jt=${jt} jumps to ${pc + jt + 1}` : `jf=${jf} jumps to ${pc + jf + 1}`;
          return fail('bpf_check_classic', pc, `${bad}, past the last instruction ${n - 1}`);
        }
    }
  }
  const last = p[n - 1].code;
  if (last !== (BPF_RET | BPF_K) && last !== (BPF_RET | BPF_A)) {
    return fail('bpf_check_classic', n - 1, 'the last instruction is not a return (ret #k or ret a)');
  }
  return undefined;
}

/**
 * net/core/filter.c `check_load_and_stores`: one linear pass with a 16-bit "written" mask.
 * A jump ANDs the current mask into its targets and resets the mask to "all written"; each
 * instruction starts from the AND of what flowed into it. A `ret` does not reset, so the mask
 * falls through into the next instruction as if it were reachable: some programs where every
 * real path writes first are still refused (errata of compilers.md §2.1).
 * Returns the index of the first refused load, or -1. Assumes jump targets are in range.
 */
export function checkLoadAndStores(p: Program): number {
  const n = p.length;
  const masks = new Uint16Array(n).fill(0xffff);
  let valid = 0;
  for (let pc = 0; pc < n; pc++) {
    valid &= masks[pc];
    const { code, jt, jf } = p[pc];
    const k = p[pc].k >>> 0;
    switch (code) {
      case BPF_ST:
      case BPF_STX:
        if (k < 16) valid |= 1 << k;
        break;
      case BPF_LD | BPF_MEM:
      case BPF_LDX | BPF_MEM:
        if (k >= 16 || !(valid & (1 << k))) return pc;
        break;
      case BPF_JMP | BPF_JA:
        if (pc + 1 + k < n) masks[pc + 1 + k] &= valid;
        valid = 0xffff;
        break;
      default:
        if (isCondJump(code)) {
          if (pc + 1 + jt < n) masks[pc + 1 + jt] &= valid;
          if (pc + 1 + jf < n) masks[pc + 1 + jf] &= valid;
          valid = 0xffff;
        }
    }
  }
  return -1;
}

/** kernel/seccomp.c `seccomp_check_filter`: the seccomp opcode list and the seccomp_data load rule. */
function checkSeccomp(p: Program): Failure | undefined {
  for (let pc = 0; pc < p.length; pc++) {
    const { code } = p[pc];
    const k = p[pc].k >>> 0;
    if (code === (BPF_LD | BPF_W | BPF_ABS)) {
      if (k >= SECCOMP_DATA_SIZE || (k & 3) !== 0) {
        return fail('seccomp_check_filter', pc, `load from seccomp_data offset ${k}: must be a multiple of 4 below ${SECCOMP_DATA_SIZE}`);
      }
    } else if (!SECCOMP_CODES.has(code)) {
      return fail('seccomp_check_filter', pc, `${opcodeName(code)} is classic BPF but seccomp does not allow it`);
    }
  }
  return undefined;
}

/**
 * Decides whether `seccomp(SECCOMP_SET_MODE_FILTER)` would accept the program on its own
 * (the stack total is {@link stackLength}'s business). Checks run in the kernel's order:
 * length, `bpf_check_classic` (per instruction, then the final return), `check_load_and_stores`,
 * `seccomp_check_filter`; the first failure is reported.
 */
export function verifyProgram(p: Program): VerifyResult {
  const bad = checkLength(p.length) ?? checkClassic(p);
  if (bad) return bad;
  const load = checkLoadAndStores(p);
  if (load >= 0) {
    return fail('check_load_and_stores', load, `M[${p[load].k >>> 0}] may be read before it is written (the kernel checks with one linear pass, not per path)`);
  }
  return checkSeccomp(p) ?? { ok: true };
}

/** Throws a `bpf-invalid` {@link SeccompKitError} when the kernel would refuse the program. */
export function assertValidProgram(p: Program, file?: string): void {
  const r = verifyProgram(p);
  if (!r.ok) {
    throw new SeccompKitError('bpf-invalid', `the kernel would refuse this filter (${r.errno}): ${r.reason}`, {
      source: { file, instruction: r.check === 'length' ? undefined : r.index },
    });
  }
}

/**
 * The length of the program after the kernel converts it to eBPF (`bpf_convert_filter`, first
 * pass, on the instructions as `seccomp_check_filter` rewrote them): a 3-instruction prologue,
 * `ret #k` 2, `div x` 5, a conditional jump 1 when `jf == 0` (or `jt == 0` for jeq/jgt/jge) else
 * 2, plus 1 when its constant has the top bit set; everything else 1. This is the
 * `prog->len` that `seccomp_attach_filter` sums. Meaningful for programs {@link verifyProgram} accepts.
 */
export function convertedLength(p: Program): number {
  let len = 3;
  for (const { code, jt, jf, k } of p) {
    if (code === (BPF_RET | BPF_K)) len += 2;
    else if (code === (BPF_ALU | BPF_DIV | BPF_X) || code === (BPF_ALU | BPF_MOD | BPF_X)) len += 5;
    else if (isCondJump(code)) {
      let n = 0;
      if (bpfSrc(code) === BPF_K && (k | 0) < 0) n++;
      const op = bpfOp(code);
      if (jf === 0 || (jt === 0 && op !== BPF_JSET)) n += 1;
      else n += 2;
      len += n;
    } else len += 1;
  }
  return len;
}

/**
 * The total `seccomp_attach_filter` compares with {@link MAX_INSNS_PER_PATH} when the programs
 * are attached in order (first = oldest): every converted length plus 4 per filter below the newest.
 */
export function stackLength(programs: readonly Program[]): number {
  let total = 0;
  for (const p of programs) total += convertedLength(p);
  return total + 4 * Math.max(0, programs.length - 1);
}
