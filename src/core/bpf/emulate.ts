/**
 * Runs a seccomp filter the way the kernel does, for the opcodes seccomp accepts.
 *
 * Semantics (Linux 6.x: net/core/filter.c `bpf_convert_filter`, kernel/bpf/core.c interpreter,
 * the x86-64 and arm64 JITs; checked on Linux 6.18 x86-64 with the JIT on):
 * - A and X start at 0; all arithmetic is 32-bit unsigned and wraps.
 * - Shifts by X use the low 5 bits of X (`A << 33` is `A << 1`): the interpreter masks with 31
 *   (kernel/bpf/core.c, commit 28131e9d9333) and the JITs use the CPU's 32-bit shift, which does
 *   the same. Constant shifts ≥ 32 never run: the verifier refuses them.
 * - `div x` with X = 0 makes the whole program return 0 (KILL_THREAD): the converted program
 *   tests X and exits with A = 0.
 * - `ld len` / `ldx len` give 64 (seccomp_check_filter rewrites them to `ld #64`).
 * - `ld [k]` reads the 32-bit word at offset k of `struct seccomp_data` in host byte order:
 *   on little-endian hosts offset 16 is the low half of args[0], on big-endian hosts the high half.
 * - Jumps compare unsigned 32-bit values.
 *
 * Programs the verifier would refuse do not crash or hang: executing an instruction seccomp does
 * not accept, or running off the end, throws an ordinary Error (jumps only go forward, so every
 * run ends within the program length).
 */
import type { Action } from './actions.js';
import { decodeAction } from './actions.js';
import type { Program, SeccompData } from './instruction.js';
import {
  BPF_A, BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_DIV, BPF_IMM, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET,
  BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH, BPF_MEM, BPF_MISC, BPF_MUL, BPF_NEG, BPF_OR, BPF_RET, BPF_RSH, BPF_ST,
  BPF_STX, BPF_SUB, BPF_TAX, BPF_TXA, BPF_W, BPF_X, BPF_XOR, SECCOMP_DATA_SIZE,
} from './opcodes.js';
import type { Endian } from './codec.js';
import { checkLoadAndStores } from './verify.js';

/** Number of 32-bit words in `struct seccomp_data`. */
export const SECCOMP_DATA_WORDS = SECCOMP_DATA_SIZE / 4;

// Internal operation numbers of the decoded form (dense, so the dispatch switch is a jump table).
const RET_K = 0, RET_A = 1, LD_W = 2, LD_IMM = 3, LDX_IMM = 4, LD_MEM = 5, LDX_MEM = 6, ST = 7, STX = 8, TAX = 9,
  TXA = 10, ADD_K = 11, ADD_X = 12, SUB_K = 13, SUB_X = 14, MUL_K = 15, MUL_X = 16, DIV_K = 17, DIV_X = 18,
  OR_K = 19, OR_X = 20, AND_K = 21, AND_X = 22, XOR_K = 23, XOR_X = 24, LSH_K = 25, LSH_X = 26, RSH_K = 27,
  RSH_X = 28, NEG = 29, JA = 30, JEQ_K = 31, JEQ_X = 32, JGT_K = 33, JGT_X = 34, JGE_K = 35, JGE_X = 36,
  JSET_K = 37, JSET_X = 38, BAD = 39, END = 40;

// Unsigned comparisons on int32 values: flip the sign bit on both sides, compare signed.
const SIGN = -0x80000000;

/** A program decoded once into flat arrays for the dispatch loop. Index `n` holds an END sentinel. */
interface Decoded {
  n: number;
  op: Uint8Array;
  k: Int32Array;
  jt: Int32Array;
  jf: Int32Array;
  /** Scratch memory must be cleared per run (only when check_load_and_stores would refuse the program). */
  resetMem: boolean;
  /** A copy of the program, for error messages. */
  source: Program;
}

// Opcode -> operation, built once (every seccomp opcode is below 0x100; the rest stay BAD).
// Module-local tables keep imported bindings out of the loops.
const CODE_OP = new Uint8Array(256).fill(BAD);
for (const [code, o] of new Map<number, number>([
  [BPF_RET | BPF_K, RET_K], [BPF_RET | BPF_A, RET_A], [BPF_LD | BPF_W | BPF_ABS, LD_W],
  [BPF_LD | BPF_W | BPF_LEN, LD_IMM], [BPF_LDX | BPF_W | BPF_LEN, LDX_IMM],
  [BPF_LD | BPF_IMM, LD_IMM], [BPF_LDX | BPF_IMM, LDX_IMM], [BPF_LD | BPF_MEM, LD_MEM], [BPF_LDX | BPF_MEM, LDX_MEM],
  [BPF_ST, ST], [BPF_STX, STX], [BPF_MISC | BPF_TAX, TAX], [BPF_MISC | BPF_TXA, TXA], [BPF_ALU | BPF_NEG, NEG],
  [BPF_JMP | BPF_JA, JA],
  ...([[BPF_ADD, ADD_K], [BPF_SUB, SUB_K], [BPF_MUL, MUL_K], [BPF_DIV, DIV_K], [BPF_OR, OR_K], [BPF_AND, AND_K],
    [BPF_XOR, XOR_K], [BPF_LSH, LSH_K], [BPF_RSH, RSH_K]] as const).flatMap(([aop, o]): [number, number][] => [
    [BPF_ALU | aop | BPF_K, o], [BPF_ALU | aop | BPF_X, o + 1]]),
  ...([[BPF_JEQ, JEQ_K], [BPF_JGT, JGT_K], [BPF_JGE, JGE_K], [BPF_JSET, JSET_K]] as const).flatMap(([jop, o]): [number, number][] => [
    [BPF_JMP | jop | BPF_K, o], [BPF_JMP | jop | BPF_X, o + 1]]),
])) CODE_OP[code] = o;
const LEN_CODES: ReadonlySet<number> = new Set([BPF_LD | BPF_W | BPF_LEN, BPF_LDX | BPF_W | BPF_LEN]);
const DATA_SIZE = SECCOMP_DATA_SIZE;

function decode(p: Program): Decoded {
  const n = p.length;
  const op = new Uint8Array(n + 1);
  const k = new Int32Array(n + 1);
  const jt = new Int32Array(n + 1);
  const jf = new Int32Array(n + 1);
  let hasMemLoad = false;
  for (let pc = 0; pc < n; pc++) {
    const { code } = p[pc];
    const kk = p[pc].k >>> 0;
    let o = code < 256 ? CODE_OP[code] : BAD;
    let kv = kk | 0;
    switch (o) {
      case LD_W:
        if (kk < DATA_SIZE && (kk & 3) === 0) kv = kk >>> 2;
        else o = BAD;
        break;
      case LD_IMM:
      case LDX_IMM:
        if (LEN_CODES.has(code)) kv = DATA_SIZE;
        break;
      case LD_MEM:
      case LDX_MEM:
        hasMemLoad = true;
        if (kk >= 16) o = BAD;
        break;
      case ST:
      case STX:
        if (kk >= 16) o = BAD;
        break;
      // The verifier refuses these constants; refuse to guess what they would do.
      case DIV_K:
        if (kk === 0) o = BAD;
        break;
      case LSH_K:
      case RSH_K:
        if (kk >= 32) o = BAD;
        break;
      case JA:
        jt[pc] = Math.min(pc + 1 + kk, n);
        break;
      case JGT_K: case JGE_K: case JEQ_K: case JEQ_X: case JGT_X: case JGE_X: case JSET_K: case JSET_X:
        if (o === JGT_K || o === JGE_K) kv = (kk ^ SIGN) | 0;
        jt[pc] = Math.min(pc + 1 + (p[pc].jt & 0xff), n);
        jf[pc] = Math.min(pc + 1 + (p[pc].jf & 0xff), n);
        break;
    }
    op[pc] = o;
    k[pc] = kv;
  }
  op[n] = END;
  return { n, op, k, jt, jf, resetMem: hasMemLoad && checkLoadAndStores(p) >= 0, source: p.map((i) => ({ ...i })) };
}

// Decoded programs by identity, so that emulating one program many times decodes it once. The
// program may have been changed in place since, so the stored copy is compared first (cheap).
const decodedCache = new WeakMap<Program, Decoded>();
function decodeCached(p: Program): Decoded {
  const c = decodedCache.get(p);
  if (c !== undefined && sameProgram(c.source, p)) return c;
  const d = decode(p);
  decodedCache.set(p, d);
  return d;
}

function sameProgram(a: Program, b: Program): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (x.code !== y.code || x.jt !== y.jt || x.jf !== y.jf || x.k !== y.k) return false;
  }
  return true;
}

function invalid(d: Decoded, pc: number): Error {
  if (pc >= d.n) return new Error(`execution ran past the last instruction (${d.n - 1}): the program is not a valid filter`);
  const { code, k } = d.source[pc];
  return new Error(`instruction ${pc} (code 0x${code.toString(16).padStart(2, '0')}, k=${k >>> 0}) is not one seccomp accepts: verify the program first`);
}

/**
 * The dispatch loop. `w` holds the 16 words of seccomp_data as the filter's loads see them.
 * `path`, when given, receives every executed index. Case labels are literal numbers (see the
 * operation table above) so that the engine compiles the switch to a jump table.
 */
function interpret(d: Decoded, w: Uint32Array, mem: Int32Array, path: number[] | null): number {
  const op = d.op, kk = d.k, jt = d.jt, jf = d.jf;
  if (d.resetMem) mem.fill(0);
  let A = 0, X = 0, pc = 0;
  for (;;) {
    if (path !== null) path.push(pc);
    switch (op[pc]) {
      case 0 /* RET_K */: return kk[pc] >>> 0;
      case 1 /* RET_A */: return A >>> 0;
      case 2 /* LD_W */: A = w[kk[pc]] | 0; pc++; break;
      case 3 /* LD_IMM */: A = kk[pc]; pc++; break;
      case 4 /* LDX_IMM */: X = kk[pc]; pc++; break;
      case 5 /* LD_MEM */: A = mem[kk[pc]]; pc++; break;
      case 6 /* LDX_MEM */: X = mem[kk[pc]]; pc++; break;
      case 7 /* ST */: mem[kk[pc]] = A; pc++; break;
      case 8 /* STX */: mem[kk[pc]] = X; pc++; break;
      case 9 /* TAX */: X = A; pc++; break;
      case 10 /* TXA */: A = X; pc++; break;
      case 11 /* ADD_K */: A = (A + kk[pc]) | 0; pc++; break;
      case 12 /* ADD_X */: A = (A + X) | 0; pc++; break;
      case 13 /* SUB_K */: A = (A - kk[pc]) | 0; pc++; break;
      case 14 /* SUB_X */: A = (A - X) | 0; pc++; break;
      case 15 /* MUL_K */: A = Math.imul(A, kk[pc]); pc++; break;
      case 16 /* MUL_X */: A = Math.imul(A, X); pc++; break;
      case 17 /* DIV_K */: A = ((A >>> 0) / (kk[pc] >>> 0)) | 0; pc++; break;
      case 18 /* DIV_X */:
        // bpf_convert_filter: "if (X == 0) return 0".
        if (X === 0) return 0;
        A = ((A >>> 0) / (X >>> 0)) | 0; pc++; break;
      case 19 /* OR_K */: A |= kk[pc]; pc++; break;
      case 20 /* OR_X */: A |= X; pc++; break;
      case 21 /* AND_K */: A &= kk[pc]; pc++; break;
      case 22 /* AND_X */: A &= X; pc++; break;
      case 23 /* XOR_K */: A ^= kk[pc]; pc++; break;
      case 24 /* XOR_X */: A ^= X; pc++; break;
      // JavaScript shifts use the count's low 5 bits, exactly like the kernel's 32-bit shifts.
      case 25 /* LSH_K */: A <<= kk[pc]; pc++; break;
      case 26 /* LSH_X */: A <<= X; pc++; break;
      case 27 /* RSH_K */: A = (A >>> kk[pc]) | 0; pc++; break;
      case 28 /* RSH_X */: A = (A >>> X) | 0; pc++; break;
      case 29 /* NEG */: A = -A | 0; pc++; break;
      case 30 /* JA */: pc = jt[pc]; break;
      case 31 /* JEQ_K */: pc = A === kk[pc] ? jt[pc] : jf[pc]; break;
      case 32 /* JEQ_X */: pc = A === X ? jt[pc] : jf[pc]; break;
      case 33 /* JGT_K */: pc = (A ^ SIGN) > kk[pc] ? jt[pc] : jf[pc]; break;
      case 34 /* JGT_X */: pc = (A ^ SIGN) > (X ^ SIGN) ? jt[pc] : jf[pc]; break;
      case 35 /* JGE_K */: pc = (A ^ SIGN) >= kk[pc] ? jt[pc] : jf[pc]; break;
      case 36 /* JGE_X */: pc = (A ^ SIGN) >= (X ^ SIGN) ? jt[pc] : jf[pc]; break;
      case 37 /* JSET_K */: pc = (A & kk[pc]) !== 0 ? jt[pc] : jf[pc]; break;
      case 38 /* JSET_X */: pc = (A & X) !== 0 ? jt[pc] : jf[pc]; break;
      default:
        throw invalid(d, pc);
    }
  }
}

/**
 * Instructions per generated function. Engines stop optimizing very large functions (V8 gives
 * up somewhere between 1000 and 2000 instructions of this shape, and is then slower than the
 * interpreter), so long programs become a chain of segments.
 */
const SEGMENT = 512;

/**
 * JavaScript source of one segment `(w, m, s, pc, bad) => result` covering instructions
 * [from, to): straight-line code inside a `switch (pc)` whose cases are the jump targets, so that
 * sequential instructions fall through and only taken jumps dispatch. A and X live in `s` across
 * segments. The result is the filter's return value (≥ 0), or -(pc + 1) to continue at `pc` in a
 * later segment. Only numbers formatted here reach the source.
 */
function generateSegment(d: Decoded, isTarget: Uint8Array, from: number, to: number): string {
  const { n, op, k, jt, jf } = d;
  const out: string[] = ['"use strict";', 'let A = s[0], X = s[1];', 'for (;;) switch (pc) {'];
  const go = (t: number): string => {
    if (t >= from && t < to) return `{ pc = ${t}; continue; }`;
    if (t >= n) return `throw bad(${t});`;
    return `{ s[0] = A; s[1] = X; return ${-(t + 1)}; }`;
  };
  for (let i = from; i < to; i++) {
    if (isTarget[i] || i === from) out.push(`case ${i}:`);
    const kv = k[i];
    const cond = (c: string): string => {
      const t = jt[i], f = jf[i];
      if (t === f) return go(t);
      if (t === i + 1 && i + 1 < to) return `if (!(${c})) ${go(f)}`;
      if (f === i + 1 && i + 1 < to) return `if (${c}) ${go(t)}`;
      return `if (${c}) ${go(t)} else ${go(f)}`;
    };
    let c: string;
    switch (op[i]) {
      case RET_K: c = `return ${kv >>> 0};`; break;
      case RET_A: c = 'return A >>> 0;'; break;
      case LD_W: c = `A = w[${kv}] | 0;`; break;
      case LD_IMM: c = `A = ${kv};`; break;
      case LDX_IMM: c = `X = ${kv};`; break;
      case LD_MEM: c = `A = m[${kv}];`; break;
      case LDX_MEM: c = `X = m[${kv}];`; break;
      case ST: c = `m[${kv}] = A;`; break;
      case STX: c = `m[${kv}] = X;`; break;
      case TAX: c = 'X = A;'; break;
      case TXA: c = 'A = X;'; break;
      case ADD_K: c = `A = (A + ${kv}) | 0;`; break;
      case ADD_X: c = 'A = (A + X) | 0;'; break;
      case SUB_K: c = `A = (A - ${kv}) | 0;`; break;
      case SUB_X: c = 'A = (A - X) | 0;'; break;
      case MUL_K: c = `A = Math.imul(A, ${kv});`; break;
      case MUL_X: c = 'A = Math.imul(A, X);'; break;
      case DIV_K: c = `A = ((A >>> 0) / ${kv >>> 0}) | 0;`; break;
      case DIV_X: c = 'if (X === 0) return 0; A = ((A >>> 0) / (X >>> 0)) | 0;'; break;
      case OR_K: c = `A |= ${kv};`; break;
      case OR_X: c = 'A |= X;'; break;
      case AND_K: c = `A &= ${kv};`; break;
      case AND_X: c = 'A &= X;'; break;
      case XOR_K: c = `A ^= ${kv};`; break;
      case XOR_X: c = 'A ^= X;'; break;
      case LSH_K: c = `A <<= ${kv};`; break;
      case LSH_X: c = 'A <<= X;'; break;
      case RSH_K: c = `A = (A >>> ${kv}) | 0;`; break;
      case RSH_X: c = 'A = (A >>> X) | 0;'; break;
      case NEG: c = 'A = -A | 0;'; break;
      case JA: c = jt[i] === i + 1 && i + 1 < to ? '' : go(jt[i]); break;
      case JEQ_K: c = cond(`A === ${kv}`); break;
      case JEQ_X: c = cond('A === X'); break;
      case JGT_K: c = cond(`(A >>> 0) > ${(kv ^ SIGN) >>> 0}`); break;
      case JGT_X: c = cond('(A >>> 0) > (X >>> 0)'); break;
      case JGE_K: c = cond(`(A >>> 0) >= ${(kv ^ SIGN) >>> 0}`); break;
      case JGE_X: c = cond('(A >>> 0) >= (X >>> 0)'); break;
      case JSET_K: c = cond(`(A & ${kv}) !== 0`); break;
      case JSET_X: c = cond('(A & X) !== 0'); break;
      default: c = `throw bad(${i});`;
    }
    if (c) out.push(c);
  }
  // Falling off the segment's end continues in the next one (or runs off the program).
  out.push(go(to), 'default: throw bad(pc);', '}');
  return out.join('\n');
}

type Segment = (w: Uint32Array, m: Int32Array, s: Int32Array, pc: number, bad: (pc: number) => Error) => number;
type Runner = (w: Uint32Array) => number;

/**
 * Compiles the program to chained segment functions, or returns undefined where code generation
 * is not allowed (a Content-Security-Policy without 'unsafe-eval').
 */
function compileSegments(d: Decoded, mem: Int32Array): Runner | undefined {
  const { n, op, jt, jf } = d;
  const isTarget = new Uint8Array(n + 1);
  for (let i = 0; i < n; i++) {
    if (op[i] === JA) isTarget[jt[i]] = 1;
    else if (op[i] >= JEQ_K && op[i] <= JSET_X) isTarget[jt[i]] = isTarget[jf[i]] = 1;
  }
  const segs: Segment[] = [];
  try {
    for (let from = 0; from < n; from += SEGMENT) {
      segs.push(new Function('w', 'm', 's', 'pc', 'bad', generateSegment(d, isTarget, from, Math.min(from + SEGMENT, n))) as Segment);
    }
  } catch {
    return undefined;
  }
  const state = new Int32Array(2);
  const bad = (pc: number): Error => invalid(d, pc);
  const reset = d.resetMem;
  if (segs.length === 0) {
    return () => {
      throw bad(0);
    };
  }
  if (segs.length === 1) {
    const only = segs[0];
    return (w) => {
      if (reset) mem.fill(0);
      state[0] = 0;
      state[1] = 0;
      return only(w, mem, state, 0, bad);
    };
  }
  return (w) => {
    if (reset) mem.fill(0);
    state[0] = 0;
    state[1] = 0;
    let r = segs[0](w, mem, state, 0, bad);
    while (r < 0) {
      const pc = -r - 1;
      r = segs[(pc / SEGMENT) | 0](w, mem, state, pc, bad);
    }
    return r;
  };
}

/**
 * Writes `d` as the 16 words the filter's `ld [k]` loads see (`words[k / 4]`). `endian` is the
 * byte order of the host the filter runs on: it decides which half of each u64 comes first.
 */
export function seccompDataWords(d: SeccompData, endian: Endian = 'little', out: Uint32Array = new Uint32Array(SECCOMP_DATA_WORDS)): Uint32Array {
  out[0] = d.nr >>> 0;
  out[1] = d.arch >>> 0;
  putU64(out, 2, d.instructionPointer, endian);
  for (let i = 0; i < 6; i++) putU64(out, 4 + 2 * i, d.args[i], endian);
  return out;
}

function putU64(out: Uint32Array, at: number, v: bigint, endian: Endian): void {
  const lo = Number(v & 0xffffffffn);
  const hi = Number((v >> 32n) & 0xffffffffn);
  out[at] = endian === 'little' ? lo : hi;
  out[at + 1] = endian === 'little' ? hi : lo;
}

/** A program compiled for repeated runs. Not re-entrant (it reuses its scratch buffers). */
export interface CompiledEmulator {
  /** Runs the filter on `d`; returns the 32-bit return value. */
  (d: SeccompData): number;
  /** Runs the filter on the 16 seccomp_data words (see {@link seccompDataWords}); no BigInt work. */
  runWords(words: Uint32Array): number;
  /** `codegen` when the program was compiled to a JavaScript function, `interpreter` otherwise. */
  readonly engine: 'codegen' | 'interpreter';
}

/** Options of {@link compileEmulator}. */
export interface CompileEmulatorOptions {
  /** Byte order of the host the filter runs on (default little). */
  endian?: Endian;
  /**
   * Compile the program to a JavaScript function (default true; about 20 times faster on
   * libseccomp-style programs). Falls back to the interpreter where `new Function` is not
   * allowed (a Content-Security-Policy without 'unsafe-eval').
   */
  codegen?: boolean;
}

/**
 * Decodes a program once for fast repeated runs. Throws an ordinary Error at run time (not here)
 * if execution reaches an instruction seccomp does not accept or runs off the end.
 */
export function compileEmulator(p: Program, opts: CompileEmulatorOptions = {}): CompiledEmulator {
  const d = decode(p);
  const endian = opts.endian ?? 'little';
  const mem = new Int32Array(16);
  const words = new Uint32Array(SECCOMP_DATA_WORDS);
  const gen = opts.codegen === false ? undefined : compileSegments(d, mem);
  const runWords: Runner = gen ?? ((w) => interpret(d, w, mem, null));
  const f = ((sd: SeccompData): number => runWords(seccompDataWords(sd, endian, words))) as CompiledEmulator;
  f.runWords = (w: Uint32Array): number => {
    if (w.length < SECCOMP_DATA_WORDS) throw new Error(`runWords needs ${SECCOMP_DATA_WORDS} words, got ${w.length}`);
    return runWords(w);
  };
  Object.defineProperty(f, 'engine', { value: gen ? 'codegen' : 'interpreter', enumerable: true });
  return f;
}

/** Result of {@link emulate}. */
export interface EmulateResult {
  /** The 32-bit value the filter returned. */
  ret: number;
  /** The decoded action (unknown values act as KILL_PROCESS, `known: false`). */
  action: Action & { known: boolean };
  /** Indices of the executed instructions in order; empty unless `trace` was set. */
  path: number[];
  /** Number of instructions executed. */
  steps: number;
}

/**
 * Runs a filter once on `d` with the interpreter. See the module comment for the exact
 * semantics; use {@link compileEmulator} to run one program many times.
 */
export function emulate(p: Program, d: SeccompData, opts: { trace?: boolean; endian?: Endian } = {}): EmulateResult {
  const dec = decodeCached(p);
  const path: number[] = [];
  const ret = interpret(dec, seccompDataWords(d, opts.endian ?? 'little'), new Int32Array(16), path);
  return { ret, action: decodeAction(ret), path: opts.trace ? path : [], steps: path.length };
}
