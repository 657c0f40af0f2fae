/**
 * Argument checks: a syscall's ordered clauses -> IR nodes on the kernel's data layout.
 * Each argument is two 32-bit words in seccomp_data; 64-bit comparisons are composed from
 * word comparisons with exact unsigned semantics, 32-bit ones read only the low word.
 * Built backwards through continuations that receive the accumulator state, so a word already
 * in A is not loaded again.
 */
import { SECCOMP_DATA_ARGS } from '../bpf/opcodes.js';
import type { Clause, Condition } from '../profile/policy.js';
import type { Node, NodeBuilder } from './ir.js';

/** What A holds: `nr`, a word (`w24`), a masked word (`w24&0xff`), or unknown. */
export type AState = string;
type Cont = (state: AState) => Node;

/** Byte offsets of an argument's low and high words (big-endian ABIs store the high word first). */
export function argWordOffsets(arg: number, bigEndian: boolean): { lo: number; hi: number } {
  const base = SECCOMP_DATA_ARGS + 8 * arg;
  return bigEndian ? { lo: base + 4, hi: base } : { lo: base, hi: base + 4 };
}

function memo(f: Cont): Cont {
  const cache = new Map<AState, Node>();
  return (s) => {
    let n = cache.get(s);
    if (!n) {
      n = f(s);
      cache.set(s, n);
    }
    return n;
  };
}

const MAXW = 0xffffffff;

/** Compiles the clauses of one syscall; `fallback` runs when no clause matches. A holds `entry` on entry. */
export function buildClauses(b: NodeBuilder, clauses: readonly Clause[], fallback: Node, bigEndian: boolean, entry: AState = 'nr'): Node {
  const clause = (i: number): Cont =>
    memo((s) => {
      if (i === clauses.length) return fallback;
      const c = clauses[i];
      const onTrue: Cont = () => b.ret(c.action);
      return conds(c.conditions, 0, onTrue, clause(i + 1))(s);
    });
  const conds = (cs: readonly Condition[], j: number, T: Cont, F: Cont): Cont =>
    j === cs.length ? T : memo((s) => buildCondition(b, cs[j], s, conds(cs, j + 1, T, F), F, bigEndian));
  return clause(0)(entry);
}

/** One condition: evaluate it with A in state `s`, continue with T or F (given the new state). */
export function buildCondition(b: NodeBuilder, c: Condition, s: AState, T: Cont, F: Cont, bigEndian: boolean): Node {
  const { lo, hi } = argWordOffsets(c.arg, bigEndian);
  const v = c.value & (c.width === 32 ? 0xffffffffn : 0xffffffffffffffffn);
  const vlo = Number(v & 0xffffffffn);
  const vhi = Number(v >> 32n);
  if (c.op === 'MASKED_EQ') {
    const m = (c.mask ?? 0xffffffffffffffffn) & (c.width === 32 ? 0xffffffffn : 0xffffffffffffffffn);
    const mlo = Number(m & 0xffffffffn);
    const mhi = Number(m >> 32n);
    if ((v & ~m) !== 0n) return F(s); // bits outside the mask can never match
    const loPart: Cont = (st) => maskedWord(b, lo, mlo, vlo, st, T, F);
    return c.width === 32 ? loPart(s) : maskedWord(b, hi, mhi, vhi, s, loPart, F);
  }
  if (c.width === 32) return cmpWord(b, lo, c.op, vlo, s, T, F);
  // 64-bit: decide on the high word, and on the low word only when the high words are equal.
  switch (c.op) {
    case 'EQ':
      return load(b, hi, s, (sh) => b.jmp('jeq', vhi, load(b, lo, sh, (sl) => b.jmp('jeq', vlo, T(sl), F(sl))), F(sh)));
    case 'NE':
      return load(b, hi, s, (sh) => b.jmp('jeq', vhi, load(b, lo, sh, (sl) => b.jmp('jeq', vlo, F(sl), T(sl))), T(sh)));
    case 'GT':
    case 'GE':
    case 'LT':
    case 'LE': {
      // a > v  <=>  hi > vhi || (hi == vhi && lo > vlo); GE uses lo >= vlo. LT/LE are the negations of GE/GT.
      const positive = c.op === 'GT' || c.op === 'GE';
      const yes = positive ? T : F;
      const no = positive ? F : T;
      const loOp: 'jgt' | 'jge' = c.op === 'GT' || c.op === 'LE' ? 'jgt' : 'jge';
      return load(b, hi, s, (sh) => {
        const onEqual = load(b, lo, sh, (sl) => cmpLo(b, loOp, vlo, yes(sl), no(sl)));
        const eqOrLess = b.jmp('jeq', vhi, onEqual, no(sh));
        return vhi === MAXW ? eqOrLess : b.jmp('jgt', vhi, yes(sh), eqOrLess);
      });
    }
  }
}

/** jgt/jge on a word with constant folding at the ends of the range. */
function cmpLo(b: NodeBuilder, op: 'jgt' | 'jge', k: number, yes: Node, no: Node): Node {
  if (op === 'jge' && k === 0) return yes;
  if (op === 'jgt' && k === MAXW) return no;
  return b.jmp(op, k, yes, no);
}

function load(b: NodeBuilder, offset: number, s: AState, f: (s: AState) => Node): Node {
  const want = `w${offset}`;
  return s === want ? f(want) : b.ld(offset, f(want));
}

function cmpWord(b: NodeBuilder, offset: number, op: Condition['op'], k: number, s: AState, T: Cont, F: Cont): Node {
  return load(b, offset, s, (st) => {
    switch (op) {
      case 'EQ': return b.jmp('jeq', k, T(st), F(st));
      case 'NE': return b.jmp('jeq', k, F(st), T(st));
      case 'GT': return cmpLo(b, 'jgt', k, T(st), F(st));
      case 'GE': return cmpLo(b, 'jge', k, T(st), F(st));
      case 'LT': return cmpLo(b, 'jge', k, F(st), T(st));
      case 'LE': return cmpLo(b, 'jgt', k, F(st), T(st));
      case 'MASKED_EQ': throw new Error('masked compare goes through maskedWord');
    }
  });
}

/** (word & m) == v for one word; v has no bits outside m (checked by the caller). */
function maskedWord(b: NodeBuilder, offset: number, m: number, v: number, s: AState, T: Cont, F: Cont): Node {
  if (m === 0) return T(s); // 0 == 0 always
  if (m === MAXW) return load(b, offset, s, (st) => b.jmp('jeq', v, T(st), F(st)));
  // jset tests "any bit of m set" without changing A.
  if (v === 0) return load(b, offset, s, (st) => b.jmp('jset', m, F(st), T(st)));
  if (v === m && (m & (m - 1)) === 0) return load(b, offset, s, (st) => b.jmp('jset', m, T(st), F(st)));
  const masked = `w${offset}&${m}`;
  const body = (st: AState): Node => b.jmp('jeq', v, T(st), F(st));
  if (s === masked) return body(masked);
  return load(b, offset, s, () => b.and(m, body(masked)));
}
