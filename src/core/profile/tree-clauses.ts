/**
 * Turns one syscall's laid-out libseccomp filter code (libseccomp-codegen.ts) into the
 * first-match clause list of the resolved policy, deciding exactly as the filter does.
 *
 * Method: every path from the syscall's entry to a return is one candidate clause, the
 * conjunction of the comparisons on its way, each on the word the accumulator really holds there
 * (see libseccomp-codegen.ts for why that is not always the node's own word). Listing, for each
 * comparison, the paths through its true branch (with the comparison) before the paths through its
 * false branch (without the negation: every input that passes the comparison is decided inside the
 * true branch, because every path ends in a return) reproduces the filter's decision in
 * first-match order. The paths are then simplified without changing the decision:
 * - word comparisons become value sets per argument (high word x low word, masks), impossible
 *   paths vanish;
 * - a clause covered by an earlier one is unreachable and dropped; a clause returning the default
 *   action is dropped when no later clause with another action can match its inputs;
 * - consecutive clauses with the same action commute, so they are grouped by rule and merged when
 *   they differ in one argument (a 64-bit `NE 40` comes out as one `NE 40`, not as its BPF paths);
 * - sets are written as EQ / NE / LT / GT (two conditions for a bounded range) and MASKED_EQ; a
 *   union of several ranges becomes several clauses. On 64-bit ABIs conditions are 64 bits wide;
 *   only a path that restricts the high word to several values and the low word separately (which
 *   single libseccomp rules never produce) gets an extra 32-bit-wide condition.
 */
import { SeccompKitError } from '../errors.js';
import type { Condition } from './policy.js';
import type { DbSyscall, Origin } from './libseccomp-db.js';
import { accAtTest, generateSyscall } from './libseccomp-codegen.js';
import type { AccState, Block, Target } from './libseccomp-codegen.js';

/** One clause before it is attached to a policy: conditions, action, and which rule it came from. */
export interface RawClause {
  conditions: Condition[];
  action: number;
  origin: Origin;
}

const MAX32 = 0xffffffffn;
const MAX64 = 0xffffffffffffffffn;
/** Paths beyond this many mean a pathological rule set; resolution refuses rather than hang. */
const PATH_LIMIT = 200_000;

// ---------------------------------------------------------------------------------------------
// Interval sets over [0, max], sorted and disjoint, inclusive bounds

type Iv = readonly [bigint, bigint];
type ISet = readonly Iv[];

const full = (max: bigint): ISet => [[0n, max]];

function intersect(a: ISet, b: ISet): ISet {
  const out: Iv[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = a[i][0] > b[j][0] ? a[i][0] : b[j][0];
    const hi = a[i][1] < b[j][1] ? a[i][1] : b[j][1];
    if (lo <= hi) out.push([lo, hi]);
    if (a[i][1] < b[j][1]) i++;
    else j++;
  }
  return out;
}

function complement(a: ISet, max: bigint): ISet {
  const out: Iv[] = [];
  let next = 0n;
  for (const [lo, hi] of a) {
    if (lo > next) out.push([next, lo - 1n]);
    next = hi + 1n;
  }
  if (next <= max) out.push([next, max]);
  return out;
}

function union(a: ISet, b: ISet): ISet {
  const all = [...a, ...b].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const out: [bigint, bigint][] = [];
  for (const [lo, hi] of all) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1n) {
      if (hi > last[1]) last[1] = hi;
    } else {
      out.push([lo, hi]);
    }
  }
  return out;
}

const subset = (a: ISet, b: ISet): boolean => {
  const i = intersect(a, b);
  return setEq(i, a);
};

function setEq(a: ISet | undefined, b: ISet | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((iv, k) => iv[0] === b[k][0] && iv[1] === b[k][1]);
}

const isFull = (s: ISet, max: bigint): boolean => s.length === 1 && s[0][0] === 0n && s[0][1] === max;
const pointOf = (s: ISet): bigint | undefined => (s.length === 1 && s[0][0] === s[0][1] ? s[0][0] : undefined);

// ---------------------------------------------------------------------------------------------
// Decision paths through the laid-out blocks

interface WordTest {
  /** 2*arg + hi. */
  word: number;
  mask: number;
  op: Block['op'];
  k: number;
}

interface Path {
  tests: WordTest[];
  action: number;
  origin: Origin;
}

function enumeratePaths(entry: Target, syscall: string): Path[] {
  const memo = new Map<string, Path[]>();
  let budget = PATH_LIMIT;
  const walk = (t: Target, acc: AccState): Path[] => {
    if (!('block' in t)) return [{ tests: [], action: t.action >>> 0, origin: t.origin }];
    const b = t.block;
    const key = `${b.id}:${acc.word}:${acc.mask}`;
    const known = memo.get(key);
    if (known) return known;
    const at = accAtTest(b, acc);
    const test: WordTest = { word: at.word, mask: at.mask, op: b.op, k: b.k };
    const out: Path[] = [];
    for (const p of walk(b.jt, at)) out.push({ ...p, tests: [test, ...p.tests] });
    for (const p of walk(b.jf, at)) out.push(p);
    budget -= out.length;
    if (budget < 0) {
      throw new SeccompKitError('resolve', `the argument conditions of ${syscall} are too complex to resolve (more than ${PATH_LIMIT} decision paths)`);
    }
    memo.set(key, out);
    return out;
  };
  return walk(entry, { word: -1, mask: 0xffffffff });
}

// ---------------------------------------------------------------------------------------------
// Per-argument value sets of one path

interface Mask {
  m: bigint;
  d: bigint;
}

/** Constraints on one argument's two 32-bit words. */
interface WordState {
  hi: ISet;
  lo: ISet;
  hiMask?: Mask;
  loMask?: Mask;
}

/** An argument's constraint in full-width terms. */
interface ArgRep {
  /** Values of the whole argument (64 or 32 bits). */
  set: ISet;
  /** Split form only: the low word as well, written as 32-bit conditions. */
  lo32?: ISet;
  mask?: Mask;
}

interface RepClause {
  args: Map<number, ArgRep>;
  action: number;
  origin: Origin;
}

function combineMask(a: Mask | undefined, b: Mask): Mask | null {
  if (!a) return b;
  if ((a.d & b.m) !== (b.d & a.m)) return null;
  return { m: a.m | b.m, d: a.d | b.d };
}

const bitsAbove = (i: number): bigint => (MAX32 << BigInt(i + 1)) & MAX32;

/**
 * `(w & m) > k` as disjoint masked-equality alternatives: the highest bit where the masked word
 * and k differ is 1 in the word.
 */
function maskedGreater(m: bigint, k: bigint): Mask[] {
  const out: Mask[] = [];
  for (let i = 31; i >= 0; i--) {
    const bit = 1n << BigInt(i);
    const above = bitsAbove(i);
    if ((k & ~m & above & MAX32) !== 0n) break; // a bit of k the masked word can never have
    if ((m & bit) === 0n || (k & bit) !== 0n) continue;
    out.push({ m: (m & above) | bit, d: (k & m & above) | bit });
  }
  return out;
}

/** `(w & m) < k` likewise: the highest differing bit is 1 in k. */
function maskedLess(m: bigint, k: bigint): Mask[] {
  const out: Mask[] = [];
  for (let i = 31; i >= 0; i--) {
    const bit = 1n << BigInt(i);
    const above = bitsAbove(i);
    if ((k & ~m & above & MAX32) !== 0n) break;
    if ((k & bit) === 0n) continue;
    out.push({ m: (m & above) | (m & bit), d: k & m & above });
  }
  return out;
}

/** The alternatives one word test allows, as an interval set (unmasked) or masked equalities. */
function testChoices(t: WordTest, negated: boolean): { set: ISet } | { masks: Mask[] } {
  const k = BigInt(t.k);
  if (t.mask === 0xffffffff) {
    let s: ISet = t.op === 'GT' ? (k < MAX32 ? [[k + 1n, MAX32]] : []) : t.op === 'GE' ? [[k, MAX32]] : [[k, k]];
    if (negated) s = complement(s, MAX32);
    return { set: s };
  }
  const m = BigInt(t.mask);
  if (t.op === 'EQ') {
    if (!negated) return { masks: (k & ~m) === 0n ? [{ m, d: k }] : [] };
    if ((k & ~m) !== 0n) return { masks: [{ m: 0n, d: 0n }] }; // never equal: always true
    const alts: Mask[] = [];
    for (let bit = 1n; bit <= m; bit <<= 1n) if (m & bit) alts.push({ m: bit, d: ~k & bit });
    return { masks: alts };
  }
  // GT k / GE k (= GT k-1); negated: LE k (= LT k+1) / LT k.
  if (!negated) {
    if (t.op === 'GE') return { masks: k === 0n ? [{ m: 0n, d: 0n }] : maskedGreater(m, k - 1n) };
    return { masks: maskedGreater(m, k) };
  }
  if (t.op === 'GE') return { masks: maskedLess(m, k) };
  return { masks: k === MAX32 ? [{ m: 0n, d: 0n }] : maskedLess(m, k + 1n) };
}

/** The alternatives a path stands for (masked comparisons can split it). */
function pathStates(path: Path): Map<number, WordState>[] {
  let alts: Map<number, WordState>[] = [new Map()];
  const get = (m: Map<number, WordState>, arg: number): WordState => {
    let s = m.get(arg);
    if (!s) {
      s = { hi: full(MAX32), lo: full(MAX32) };
      m.set(arg, s);
    }
    return s;
  };
  const apply = (t: WordTest, negated: boolean): void => {
    const arg = t.word >> 1;
    const hi = (t.word & 1) === 1;
    const c = testChoices(t, negated);
    if ('set' in c) {
      for (const a of alts) {
        const st = get(a, arg);
        if (hi) st.hi = intersect(st.hi, c.set);
        else st.lo = intersect(st.lo, c.set);
      }
      return;
    }
    const next: Map<number, WordState>[] = [];
    for (const a of alts) {
      for (const choice of c.masks) {
        const copy = new Map([...a].map(([key, v]) => [key, { ...v }]));
        const st = get(copy, arg);
        const merged = combineMask(hi ? st.hiMask : st.loMask, choice);
        if (!merged) continue;
        if (hi) st.hiMask = merged;
        else st.loMask = merged;
        next.push(copy);
      }
    }
    alts = next;
  };
  for (const t of path.tests) {
    if (t.word < 0) continue; // cannot happen for argument trees
    apply(t, false);
  }
  return alts;
}

/** Word constraints of one argument -> full-width representation; null when no value satisfies them. */
function argRep(st: WordState, is64: boolean): ArgRep | null {
  let { hi, lo } = st;
  let hiMask = st.hiMask;
  let loMask = st.loMask;
  const fold = (s: ISet, mk: Mask | undefined): { s: ISet; mk: Mask | undefined } => {
    const p = pointOf(s);
    if (!mk || p === undefined) return { s, mk };
    return (p & mk.m) === mk.d ? { s, mk: undefined } : { s: [], mk: undefined };
  };
  ({ s: hi, mk: hiMask } = fold(hi, hiMask));
  ({ s: lo, mk: loMask } = fold(lo, loMask));
  if (hiMask && hiMask.m === 0n) hiMask = undefined;
  if (loMask && loMask.m === 0n) loMask = undefined;
  if (hi.length === 0 || lo.length === 0) return null;
  if (!is64) {
    if (!isFull(hi, MAX32) || hiMask) throw new Error('libseccomp model: high-word test on a 32-bit ABI');
    return { set: lo, ...(loMask ? { mask: loMask } : {}) };
  }
  const mask: Mask | undefined =
    hiMask || loMask ? { m: ((hiMask?.m ?? 0n) << 32n) | (loMask?.m ?? 0n), d: ((hiMask?.d ?? 0n) << 32n) | (loMask?.d ?? 0n) } : undefined;
  const h = pointOf(hi);
  if (h !== undefined) {
    return { set: lo.map(([a, b]) => [(h << 32n) | a, (h << 32n) | b] as const), ...(mask ? { mask } : {}) };
  }
  const widened: ISet = hi.map(([a, b]) => [a << 32n, (b << 32n) | MAX32] as const);
  if (isFull(lo, MAX32)) return { set: widened, ...(mask ? { mask } : {}) };
  return { set: widened, lo32: lo, ...(mask ? { mask } : {}) };
}

const maskEq = (a: Mask | undefined, b: Mask | undefined): boolean => a?.m === b?.m && a?.d === b?.d;

function repEq(a: ArgRep | undefined, b: ArgRep | undefined): boolean {
  if (!a || !b) return a === b;
  return setEq(a.set, b.set) && setEq(a.lo32, b.lo32) && maskEq(a.mask, b.mask);
}

function unconstrained(r: ArgRep, max: bigint): boolean {
  return isFull(r.set, max) && r.lo32 === undefined && r.mask === undefined;
}

/** True when every input of `inner` also satisfies `outer` (checked per argument, conservatively). */
function covers(outer: RepClause, inner: RepClause): boolean {
  for (const [arg, o] of outer.args) {
    const i = inner.args.get(arg);
    if (!i) return false;
    if (!subset(i.set, o.set)) return false;
    if (o.lo32 && !(i.lo32 && subset(i.lo32, o.lo32))) return false;
    if (o.mask) {
      const p = pointOf(i.set);
      const implied = maskEq(o.mask, i.mask) || (p !== undefined && (p & o.mask.m) === o.mask.d);
      if (!implied) return false;
    }
  }
  return true;
}

/** False only when the two clauses provably match no common input. */
function mayIntersect(a: RepClause, b: RepClause): boolean {
  for (const [arg, ra] of a.args) {
    const rb = b.args.get(arg);
    if (!rb) continue;
    if (intersect(ra.set, rb.set).length === 0) return false;
    if (ra.mask && rb.mask && !combineMask(ra.mask, rb.mask)) return false;
  }
  return true;
}

/** Merges `b` into `a` when they differ in at most one argument's plain value set. */
function tryMerge(a: RepClause, b: RepClause, max: bigint): RepClause | null {
  if (a.action !== b.action || a.origin !== b.origin) return null;
  const keys = new Set([...a.args.keys(), ...b.args.keys()]);
  let diff: number | undefined;
  for (const k of keys) {
    if (repEq(a.args.get(k), b.args.get(k))) continue;
    if (diff !== undefined) return null;
    diff = k;
  }
  if (diff === undefined) return a;
  const ra = a.args.get(diff) ?? { set: full(max) };
  const rb = b.args.get(diff) ?? { set: full(max) };
  if (ra.lo32 || rb.lo32 || ra.mask || rb.mask) return null;
  const args = new Map(a.args);
  const merged: ArgRep = { set: union(ra.set, rb.set) };
  if (unconstrained(merged, max)) args.delete(diff);
  else args.set(diff, merged);
  return { args, action: a.action, origin: a.origin };
}

/** One round of the simplifications listed in the module comment; returns the new list. */
function simplify(list: RepClause[], defaultAction: number, max: bigint): RepClause[] {
  // Unreachable: covered by an earlier clause.
  let out: RepClause[] = [];
  for (const c of list) {
    if (out.some((e) => covers(e, c))) continue;
    out.push(c);
    if (c.args.size === 0) break;
  }
  // Default-action clauses that shadow nothing.
  out = out.filter((c, i) => c.action !== defaultAction || out.slice(i + 1).some((l) => l.action !== defaultAction && mayIntersect(c, l)));
  // Group runs of equal actions by rule (order of first appearance), then merge neighbours.
  const grouped: RepClause[] = [];
  for (let i = 0; i < out.length; ) {
    let j = i;
    while (j < out.length && out[j].action === out[i].action) j++;
    const run = out.slice(i, j);
    const order = [...new Set(run.map((c) => c.origin))];
    run.sort((a, b) => order.indexOf(a.origin) - order.indexOf(b.origin));
    grouped.push(...run);
    i = j;
  }
  const merged: RepClause[] = [];
  for (const c of grouped) {
    const last = merged[merged.length - 1];
    const m = last ? tryMerge(last, c, max) : null;
    if (m) merged[merged.length - 1] = m;
    else merged.push(c);
  }
  while (merged.length > 0 && merged[merged.length - 1].action === defaultAction) merged.pop();
  return merged;
}

function sameList(a: RepClause[], b: RepClause[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

/** Pieces of a disjoint decomposition before giving up and keeping the ordered list. */
const PIECE_LIMIT = 4096;

/** `p` minus `e` as disjoint boxes, or null when that is not expressible (masks that differ, split forms). */
function subtract(p: RepClause, e: RepClause, max: bigint): RepClause[] | null {
  // Disjoint already?
  for (const [arg, re] of e.args) {
    const rp = p.args.get(arg);
    if (rp && intersect(rp.set, re.set).length === 0) return [p];
  }
  const out: RepClause[] = [];
  const inside = new Map(p.args);
  for (const [arg, re] of [...e.args].sort((x, y) => x[0] - y[0])) {
    const rp = p.args.get(arg) ?? { set: full(max) };
    if (re.lo32 || rp.lo32) return null;
    if (re.mask && !maskEq(re.mask, rp.mask)) return null;
    const rest = intersect(rp.set, complement(re.set, max));
    if (rest.length > 0) {
      const args = new Map(inside);
      args.set(arg, { set: rest, ...(rp.mask ? { mask: rp.mask } : {}) });
      out.push({ args, action: p.action, origin: p.origin });
    }
    const both: ArgRep = { set: intersect(rp.set, re.set), ...(rp.mask ? { mask: rp.mask } : {}) };
    if (unconstrained(both, max)) inside.delete(arg);
    else inside.set(arg, both);
  }
  return out;
}

/**
 * The same decision as disjoint clauses (each input matches at most one), so that default-action
 * clauses can go and clauses of one rule can be merged regardless of order. Null when a mask or a
 * split form makes a difference inexpressible, or the decomposition grows too large.
 */
function disjoint(list: RepClause[], defaultAction: number, max: bigint): RepClause[] | null {
  const pieces: RepClause[] = [];
  const earlier: RepClause[] = [];
  for (const c of list) {
    let cur: RepClause[] = [c];
    for (const e of earlier) {
      const next: RepClause[] = [];
      for (const p of cur) {
        const r = subtract(p, e, max);
        if (!r) return null;
        next.push(...r);
      }
      cur = next;
      if (cur.length === 0) break;
      if (pieces.length + cur.length > PIECE_LIMIT) return null;
    }
    pieces.push(...cur);
    earlier.push(c);
    if (c.args.size === 0) break;
  }
  // Order no longer matters: drop the default, group by action and rule, merge within groups.
  const kept = pieces.filter((c) => c.action !== defaultAction);
  const groups = new Map<string, RepClause[]>();
  for (const c of kept) {
    const key = `${c.action}:${c.origin}`;
    const g = groups.get(key);
    if (g) g.push(c);
    else groups.set(key, [c]);
  }
  const out: RepClause[] = [];
  for (const g of groups.values()) {
    let items = g;
    for (let changed = true; changed; ) {
      changed = false;
      outer: for (let i = 0; i < items.length; i++) {
        for (let j = i + 1; j < items.length; j++) {
          const m = tryMerge(items[i], items[j], max);
          if (m) {
            items = [...items.slice(0, i), m, ...items.slice(i + 1, j), ...items.slice(j + 1)];
            changed = true;
            break outer;
          }
        }
      }
    }
    out.push(...items);
  }
  // Disjoint clauses commute: list them in rule order, then by value, for readers.
  const low = (c: RepClause): bigint => {
    const first = [...c.args.entries()].sort((x, y) => x[0] - y[0])[0];
    return first ? first[1].set[0]?.[0] ?? 0n : 0n;
  };
  out.sort((a, b) => a.origin - b.origin || (low(a) < low(b) ? -1 : low(a) > low(b) ? 1 : 0));
  return widen(out, max);
}

/**
 * Readability: a one-argument clause may also claim values that earlier one-argument clauses on
 * the same argument already decide (those inputs never reach it), when that makes its set simpler:
 * `a0 < 16 | 16 < a0 < 40 | a0 > 40` after `a0 == 40` becomes `a0 != 16`.
 */
function widen(list: RepClause[], max: bigint): RepClause[] {
  const out: RepClause[] = [];
  const decided = new Map<number, ISet>();
  let everything = false;
  for (const c of list) {
    let cur = c;
    const only = c.args.size === 1 ? [...c.args][0] : undefined;
    if (only && !only[1].lo32 && !only[1].mask) {
      const [arg, rep] = only;
      const before = decided.get(arg);
      if (before) {
        const wider = union(rep.set, before);
        if (wider.length < rep.set.length) {
          const args = new Map<number, ArgRep>();
          if (!isFull(wider, max)) args.set(arg, { set: wider });
          cur = { args, action: c.action, origin: c.origin };
        }
      }
      decided.set(arg, union(decided.get(arg) ?? [], rep.set));
    }
    if (everything) continue;
    out.push(cur);
    if (cur.args.size === 0) everything = true;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing conditions

function setAlternatives(arg: number, set: ISet, width: 32 | 64): Condition[][] {
  const max = width === 64 ? MAX64 : MAX32;
  if (isFull(set, max)) return [[]];
  const cond = (op: Condition['op'], value: bigint): Condition => ({ arg, width, op, value });
  // The complement of one value is a single NE.
  if (set.length === 2 && set[0][0] === 0n && set[1][1] === max && set[1][0] - set[0][1] === 2n) {
    return [[cond('NE', set[0][1] + 1n)]];
  }
  return set.map(([a, b]) => {
    if (a === b) return [cond('EQ', a)];
    if (a === 0n) return [cond('LT', b + 1n)];
    if (b === max) return [cond('GT', a - 1n)];
    return [cond('GT', a - 1n), cond('LT', b + 1n)];
  });
}

function argAlternatives(arg: number, r: ArgRep, width: 32 | 64): Condition[][] {
  let alts = setAlternatives(arg, r.set, width);
  if (r.lo32) {
    const lo = setAlternatives(arg, r.lo32, 32);
    alts = alts.flatMap((x) => lo.map((y) => [...x, ...y]));
  }
  if (r.mask) {
    const mc: Condition = { arg, width, op: 'MASKED_EQ', value: r.mask.d, mask: r.mask.m };
    alts = alts.map((x) => [...x, mc]);
  }
  return alts;
}

/**
 * The first-match clauses that decide exactly as libseccomp's filter code for this syscall;
 * `defaultAction` is the filter's default (what follows the clauses).
 */
export function syscallClauses(sys: DbSyscall, is64: boolean, defaultAction: number, label = `syscall ${sys.num}`, variant = ''): RawClause[] {
  if (sys.chains === null) return [{ conditions: [], action: sys.action, origin: sys.origin }];
  // The clauses depend only on the rules added (and the ABI width, default, libseccomp variant):
  // resolving the same profile again reuses them. Results are shared, so never mutate them.
  const key = `${is64 ? 64 : 32}|${defaultAction >>> 0}|${variant}|${sys.history}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const out = computeClauses(sys, is64, defaultAction, label);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, out);
  return out;
}

const CACHE_LIMIT = 1024;
const cache = new Map<string, RawClause[]>();

function computeClauses(sys: DbSyscall, is64: boolean, defaultAction: number, label: string): RawClause[] {
  if (sys.chains === null) return [{ conditions: [], action: sys.action, origin: sys.origin }];
  const width: 32 | 64 = is64 ? 64 : 32;
  const max = is64 ? MAX64 : MAX32;
  const entry = generateSyscall(sys, defaultAction);
  let reps: RepClause[] = [];
  for (const path of enumeratePaths(entry, label)) {
    for (const states of pathStates(path)) {
      const args = new Map<number, ArgRep>();
      let dead = false;
      for (const [arg, st] of [...states].sort((x, y) => x[0] - y[0])) {
        const r = argRep(st, is64);
        if (!r) {
          dead = true;
          break;
        }
        if (!unconstrained(r, max)) args.set(arg, r);
      }
      if (!dead) reps.push({ args, action: path.action, origin: path.origin });
    }
  }
  const exact = disjoint(reps, defaultAction >>> 0, max);
  if (exact) {
    reps = exact;
  } else {
    for (let round = 0; round < 8; round++) {
      const next = simplify(reps, defaultAction >>> 0, max);
      const done = sameList(next, reps);
      reps = next;
      if (done) break;
    }
  }
  const out: RawClause[] = [];
  for (const r of reps) {
    let alts: Condition[][] = [[]];
    for (const [arg, rep] of [...r.args].sort((x, y) => x[0] - y[0])) {
      const mine = argAlternatives(arg, rep, width);
      alts = alts.flatMap((x) => mine.map((y) => [...x, ...y]));
    }
    for (const conditions of alts) out.push({ conditions, action: r.action, origin: r.origin });
  }
  return out;
}
