/**
 * How the kernel probe turns a program under test into one that is safe to run for real.
 *
 * 1. Every return becomes `ERRNO(code)`, where the code names what the program would have
 *    returned ({@link probeCode}). The kernel still walks the program's own control flow, but no
 *    tested syscall ever executes (random numbers include reboot and kill(-1)). `ret #k` is
 *    rewritten in place; `ret A` becomes `ja` to an appended epilogue
 *    that classifies A at run time with the same mapping (the program's last instruction is then
 *    the epilogue's final `ret`, as the verifier requires). `div x` by zero ends a program with
 *    0 without any `ret`; a guard in front of each `div x` catches that case.
 * 2. A gate in front ({@link ipGate}) applies the program only to syscalls made from the probe's
 *    own syscall instruction (`seccomp_data.instruction_pointer` equals its address) and allows
 *    everything else, so the thread carrying the filter keeps working (V8's GC, futexes, exit).
 *    The gate ends with `ld #0` because the kernel starts a program with A = 0; X is untouched.
 *    The gate does not change what the verifier decides about the program behind it (lengths up
 *    to 4096 - {@link IP_GATE_LENGTH}): its jumps leave every scratch-memory slot invalid at the
 *    program's first instruction, as at entry, and all other checks are per instruction or relative.
 */
import { SeccompKitError } from '../../core/errors.js';
import { decodeAction } from '../../core/bpf/actions.js';
import type { ActionKind } from '../../core/bpf/actions.js';
import type { Instruction, Program } from '../../core/bpf/instruction.js';
import { insn } from '../../core/bpf/instruction.js';
import {
  BPF_A, BPF_ABS, BPF_ALU, BPF_AND, BPF_DIV, BPF_IMM, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JMP, BPF_K, BPF_LD, BPF_LDX,
  BPF_MAXINSNS, BPF_MEM, BPF_MEMWORDS, BPF_MISC, BPF_OR, BPF_RET, BPF_ST, BPF_STX, BPF_TAX, BPF_TXA, BPF_W, BPF_X,
  SECCOMP_DATA_IP, SECCOMP_RET_ACTION_FULL, SECCOMP_RET_ALLOW, SECCOMP_RET_DATA, SECCOMP_RET_ERRNO, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_LOG, SECCOMP_RET_TRACE,
  SECCOMP_RET_TRAP, SECCOMP_RET_USER_NOTIF,
} from '../../core/bpf/opcodes.js';

/** ERRNO data at or above this all map to one code (the kernel caps data at 4095 anyway). */
export const PROBE_ERRNO_LIMIT = 4000;

/** Codes for the actions other than ERRNO, above every ERRNO code. Unknown actions act as KILL_PROCESS. */
export const PROBE_ACTION_CODES: Readonly<Record<Exclude<ActionKind, 'ERRNO'>, number>> = {
  KILL_PROCESS: 4001,
  KILL_THREAD: 4002,
  TRAP: 4003,
  USER_NOTIF: 4004,
  TRACE: 4005,
  LOG: 4006,
  ALLOW: 4007,
};

/**
 * The errno the probe's rewritten filter returns for a program result: ERRNO(n) gives n (n below
 * {@link PROBE_ERRNO_LIMIT}, else the limit), every other action its code in
 * {@link PROBE_ACTION_CODES}. Tests compare `probeCode(emulatorResult)` with the kernel's code.
 */
export function probeCode(ret: number): number {
  const a = decodeAction(ret);
  if (a.kind === 'ERRNO') return Math.min(a.data, PROBE_ERRNO_LIMIT);
  return PROBE_ACTION_CODES[a.kind];
}

/** What a probe code says: the action, and the ERRNO data when it is below the limit. */
export interface ProbeVerdict {
  kind: ActionKind;
  /** ERRNO data; undefined for other actions and for data >= {@link PROBE_ERRNO_LIMIT}. */
  errno?: number;
}

/** Inverse of {@link probeCode} (as far as it goes). Undefined for codes the probe never produces. */
export function decodeProbeCode(code: number): ProbeVerdict | undefined {
  if (code >= 0 && code < PROBE_ERRNO_LIMIT) return { kind: 'ERRNO', errno: code };
  if (code === PROBE_ERRNO_LIMIT) return { kind: 'ERRNO' };
  for (const [kind, c] of Object.entries(PROBE_ACTION_CODES)) if (c === code) return { kind: kind as ActionKind };
  return undefined;
}

const errnoRet = (code: number): Instruction => insn(BPF_RET | BPF_K, (SECCOMP_RET_ERRNO | code) >>> 0);

/**
 * Classifies A with {@link probeCode}'s mapping. X is clobbered, which is harmless: the program
 * has finished. Order of the action checks does not matter (they are exact compares).
 */
function epilogue(): Program {
  const kinds: Array<[number, number]> = [
    [SECCOMP_RET_KILL_THREAD, PROBE_ACTION_CODES.KILL_THREAD],
    [SECCOMP_RET_TRAP, PROBE_ACTION_CODES.TRAP],
    [SECCOMP_RET_USER_NOTIF, PROBE_ACTION_CODES.USER_NOTIF],
    [SECCOMP_RET_TRACE, PROBE_ACTION_CODES.TRACE],
    [SECCOMP_RET_LOG, PROBE_ACTION_CODES.LOG],
    [SECCOMP_RET_ALLOW, PROBE_ACTION_CODES.ALLOW],
  ];
  const out: Program = [
    insn(BPF_MISC | BPF_TAX),
    insn(BPF_ALU | BPF_AND | BPF_K, SECCOMP_RET_ACTION_FULL),
    insn(BPF_JMP | BPF_JEQ | BPF_K, SECCOMP_RET_ERRNO, 0, 6), // not ERRNO: to the action chain
    insn(BPF_MISC | BPF_TXA),
    insn(BPF_ALU | BPF_AND | BPF_K, SECCOMP_RET_DATA),
    insn(BPF_JMP | BPF_JGE | BPF_K, PROBE_ERRNO_LIMIT, 2, 0),
    insn(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_ERRNO),
    insn(BPF_RET | BPF_A),
    errnoRet(PROBE_ERRNO_LIMIT),
  ];
  for (const [value, code] of kinds) out.push(insn(BPF_JMP | BPF_JEQ | BPF_K, value, 0, 1), errnoRet(code));
  // KILL_PROCESS and every unknown action value.
  out.push(errnoRet(PROBE_ACTION_CODES.KILL_PROCESS));
  return out;
}

/** Length of the epilogue appended when the program has a `ret A`. */
export const EPILOGUE_LENGTH = epilogue().length;

/** Length of {@link ipGate}'s prefix. */
export const IP_GATE_LENGTH = 6;

/**
 * Longest program {@link rewriteForProbe} plus {@link ipGate} always keep within BPF_MAXINSNS
 * (programs with `div x` grow by {@link DIV_GUARD_LENGTH} per division on top).
 */
export const MAX_PROBE_PROGRAM = BPF_MAXINSNS - IP_GATE_LENGTH - EPILOGUE_LENGTH;

const isDivX = (i: Instruction): boolean => i.code === (BPF_ALU | BPF_DIV | BPF_X);
const MEM_CODES = new Set([BPF_ST, BPF_STX, BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM]);

/** Instructions put in front of each `div x` (see {@link rewriteForProbe}). */
export const DIV_GUARD_LENGTH = 5;

/** Why {@link rewriteForProbe} cannot rewrite `p` (undefined: it can). */
export function probeRewriteProblem(p: Program): string | undefined {
  try {
    rewriteForProbe(p);
    return undefined;
  } catch (err) {
    if (err instanceof SeccompKitError) return err.message;
    throw err;
  }
}

/**
 * Rewrites every return as described in the module comment, and the one implicit return:
 * `div x` with X = 0 makes the kernel end the program with 0 (KILL_THREAD), so each `div x` gets
 * a guard that returns ERRNO(probeCode(0)) instead (A is kept in a scratch slot the program does
 * not use; the guard only adds that slot to the ones the verifier counts as written). The guards
 * move later instructions, so jump offsets are recomputed. The input must be a program the kernel
 * accepts; the result is accepted too. Throws a `kernel` error when a conditional jump would
 * exceed 255, no scratch slot is free, or the result is longer than {@link MAX_PROBE_PROGRAM}.
 */
export function rewriteForProbe(p: Program): Program {
  const fail = (why: string): never => {
    throw new SeccompKitError('kernel', `the kernel probe cannot run this program: ${why}`);
  };
  let slot = -1;
  if (p.some(isDivX)) {
    const used = new Set(p.filter((i) => MEM_CODES.has(i.code)).map((i) => i.k >>> 0));
    slot = [...Array(BPF_MEMWORDS).keys()].find((m) => !used.has(m)) ?? fail('it uses every scratch slot and divides by X');
  }
  // Where each original instruction lands, and where a jump to it must land (its guard).
  const at: number[] = [];
  let n = 0;
  for (const i of p) {
    if (isDivX(i)) n += DIV_GUARD_LENGTH;
    at.push(n++);
  }
  const end = n; // the epilogue, if any
  const target = (t: number): number => (t >= p.length ? end : at[t] - (isDivX(p[t]) ? DIV_GUARD_LENGTH : 0));
  const offset = (pc: number, t: number): number => target(t) - (at[pc] + 1);
  const out: Program = [];
  p.forEach((i, pc) => {
    const cls = i.code & 0x07;
    if (isDivX(i)) {
      out.push(
        insn(BPF_ST, slot),
        insn(BPF_MISC | BPF_TXA),
        insn(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
        errnoRet(probeCode(0)),
        insn(BPF_LD | BPF_MEM, slot),
        { ...i },
      );
    } else if (i.code === (BPF_RET | BPF_K)) out.push(errnoRet(probeCode(i.k)));
    else if (i.code === (BPF_RET | BPF_A)) out.push(insn(BPF_JMP | BPF_JA, end - (at[pc] + 1)));
    else if (i.code === (BPF_JMP | BPF_JA)) out.push(insn(BPF_JMP | BPF_JA, offset(pc, pc + 1 + (i.k >>> 0))));
    else if (cls === BPF_JMP) {
      const jt = offset(pc, pc + 1 + i.jt);
      const jf = offset(pc, pc + 1 + i.jf);
      if (jt > 255 || jf > 255) fail(`after guarding div x, the jump at ${pc} needs an offset above 255`);
      out.push({ code: i.code, jt, jf, k: i.k });
    } else out.push({ ...i });
  });
  if (p.some((i) => i.code === (BPF_RET | BPF_A))) out.push(...epilogue());
  if (out.length > BPF_MAXINSNS - IP_GATE_LENGTH) fail(`the rewrite has ${out.length} instructions, more than ${BPF_MAXINSNS - IP_GATE_LENGTH}`);
  return out;
}

/**
 * Prefixes a program with the gate: syscalls whose instruction pointer is not `ip` are allowed,
 * the others run the program with A reset to 0.
 */
export function ipGate(p: Program, ip: bigint): Program {
  const lo = Number(ip & 0xffffffffn);
  const hi = Number((ip >> 32n) & 0xffffffffn);
  const gate: Program = [
    insn(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_IP + 4), // high half of instruction_pointer (little-endian)
    insn(BPF_JMP | BPF_JEQ | BPF_K, hi, 0, 2),
    insn(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_IP),
    insn(BPF_JMP | BPF_JEQ | BPF_K, lo, 1, 0),
    insn(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    insn(BPF_LD | BPF_IMM, 0),
  ];
  if (gate.length !== IP_GATE_LENGTH) throw new Error('ip gate length changed');
  return [...gate, ...p];
}
