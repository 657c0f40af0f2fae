/**
 * A common shape of argument rules: every clause of a syscall tests the same argument with one
 * ordered comparison (EQ, NE, LT, LE, GT, GE) or none. Then the first-match verdict is a
 * piecewise-constant function of that one value, and it compiles to a search on the high word
 * and, where a piece boundary falls inside a high word, on the low word: each word is loaded
 * once per path instead of once per clause. (Docker's socket and personality rules are of this
 * kind.)
 */
import type { Clause } from '../profile/policy.js';
import { argWordOffsets } from './args.js';
import type { Node, NodeBuilder } from './ir.js';
import { searchTree, type Segment } from './tree.js';

interface Piece {
  from: bigint;
  to: bigint;
  action: number;
}

const M32 = 0xffffffffn;

/** The argument and width the clauses share, or undefined when the shape does not apply. */
function sharedArgument(clauses: readonly Clause[]): { arg: number; width: 32 | 64 } | undefined {
  let shared: { arg: number; width: 32 | 64 } | undefined;
  for (const c of clauses) {
    if (c.conditions.length === 0) continue;
    if (c.conditions.length > 1) return undefined;
    const cond = c.conditions[0];
    if (cond.op === 'MASKED_EQ') return undefined;
    if (shared && (shared.arg !== cond.arg || shared.width !== cond.width)) return undefined;
    shared = { arg: cond.arg, width: cond.width };
  }
  return shared;
}

/** First-match verdict as sorted pieces covering [0, max]. */
function pieces(clauses: readonly Clause[], fallback: number, max: bigint): Piece[] {
  let out: Piece[] = [{ from: 0n, to: max, action: fallback }];
  // Paint from the last clause to the first, so earlier clauses win.
  for (let i = clauses.length - 1; i >= 0; i--) {
    const c = clauses[i];
    for (const [from, to] of matchSet(c, max)) out = paint(out, from, to, c.action >>> 0);
  }
  const merged: Piece[] = [];
  for (const p of out) {
    const last = merged[merged.length - 1];
    if (last && last.action === p.action && last.to + 1n === p.from) last.to = p.to;
    else merged.push({ ...p });
  }
  return merged;
}

function matchSet(c: Clause, max: bigint): Array<[bigint, bigint]> {
  if (c.conditions.length === 0) return [[0n, max]];
  const { op, value } = c.conditions[0];
  const v = value & max;
  const r: Array<[bigint, bigint]> = [];
  const add = (a: bigint, b: bigint): void => {
    if (a <= b) r.push([a, b]);
  };
  switch (op) {
    case 'EQ': add(v, v); break;
    case 'NE': add(0n, v - 1n); add(v + 1n, max); break;
    case 'LT': add(0n, v - 1n); break;
    case 'LE': add(0n, v); break;
    case 'GT': add(v + 1n, max); break;
    case 'GE': add(v, max); break;
    case 'MASKED_EQ': throw new Error('not an ordered comparison');
  }
  return r;
}

function paint(ps: Piece[], from: bigint, to: bigint, action: number): Piece[] {
  const out: Piece[] = [];
  for (const p of ps) {
    if (p.to < from || p.from > to) {
      out.push(p);
      continue;
    }
    if (p.from < from) out.push({ from: p.from, to: from - 1n, action: p.action });
    out.push({ from: p.from > from ? p.from : from, to: p.to < to ? p.to : to, action });
    if (p.to > to) out.push({ from: to + 1n, to: p.to, action: p.action });
  }
  return out;
}

/** Segments of one 32-bit word from pieces over [base, base + 2^32 - 1]. */
function wordSegments(b: NodeBuilder, ps: readonly Piece[], base: bigint): Segment[] {
  const segs: Segment[] = [];
  const end = base + M32;
  for (const p of ps) {
    if (p.to < base || p.from > end) continue;
    const from = Number((p.from > base ? p.from : base) - base);
    const to = Number((p.to < end ? p.to : end) - base);
    const leaf = b.ret(p.action);
    const last = segs[segs.length - 1];
    if (last && last.leaf === leaf) last.to = to;
    else segs.push({ from, to, leaf });
  }
  return segs;
}

/**
 * Compiles the clauses if they have the single-argument shape; undefined otherwise (the caller
 * then uses the general clause-by-clause form). A holds `nr` on entry, so every word is loaded.
 */
export function buildIntervalClauses(b: NodeBuilder, clauses: readonly Clause[], fallback: number, bigEndian: boolean): Node | undefined {
  const shared = sharedArgument(clauses);
  if (!shared) return undefined;
  const { lo, hi } = argWordOffsets(shared.arg, bigEndian);
  if (shared.width === 32) {
    return b.ld(lo, searchTree(b, wordSegments(b, pieces(clauses, fallback >>> 0, M32), 0n)));
  }
  const ps = pieces(clauses, fallback >>> 0, 0xffffffffffffffffn);
  // High words where a piece boundary falls strictly inside: those need the low word.
  const split = new Set<bigint>();
  for (const p of ps.slice(1)) if ((p.from & M32) !== 0n) split.add(p.from >> 32n);
  const hiSegs: Segment[] = [];
  let i = 0;
  const pushHi = (from: bigint, to: bigint, leaf: Node): void => {
    const last = hiSegs[hiSegs.length - 1];
    if (last && last.leaf === leaf && BigInt(last.to) + 1n === from) last.to = Number(to);
    else hiSegs.push({ from: Number(from), to: Number(to), leaf });
  };
  // Walk the high-word space: split words get a low-word tree, runs between them one action each.
  const splitSorted = [...split].sort((x, y) => (x < y ? -1 : 1));
  let h = 0n;
  for (const s of [...splitSorted, M32 + 1n]) {
    // Runs of whole high words [h, s-1]: constant within each piece.
    while (h < s) {
      while (ps[i].to < h << 32n) i++;
      const p = ps[i];
      const runEnd = p.to >> 32n < s - 1n ? p.to >> 32n : s - 1n;
      pushHi(h, runEnd, b.ret(p.action));
      h = runEnd + 1n;
    }
    if (s <= M32) {
      pushHi(s, s, b.ld(lo, searchTree(b, wordSegments(b, ps, s << 32n))));
      h = s + 1n;
    }
  }
  return b.ld(hi, searchTree(b, hiSegs));
}
