/**
 * Turns one syscall's laid-out libseccomp filter code (libseccomp-codegen.ts) into the
 * first-match clause list of the resolved policy, deciding exactly as the filter does.
 *
 * Method: walk the filter code once, carrying the set of argument values that reaches each
 * comparison, as a box (per argument: allowed values of the high word and of the low word, and
 * masked-equality constraints). Each comparison splits the box in two (a masked comparison into
 * a few disjoint boxes); empty boxes are dropped at once, so contradictory paths cost nothing.
 * Each comparison reads the word the accumulator really holds there (see libseccomp-codegen.ts
 * for why that is not always the node's own word). The boxes that reach a return are disjoint
 * and together cover every input, so their order does not matter:
 * - boxes returning the default action are dropped (the default follows the clauses anyway);
 * - boxes of the same rule and action are merged when they differ in one argument (a 64-bit
 *   `NE 40` comes out as one `NE 40`, not as its BPF paths), listed in rule order;
 * - a one-argument clause may also take values earlier clauses on that argument decide, when that
 *   makes it simpler (`a0 < 16 | 16 < a0 < 40 | a0 > 40` after `a0 == 40` becomes `a0 != 16`);
 * - sets are written as EQ / NE / LT / GT (two conditions for a bounded range) and MASKED_EQ; a
 *   union of several ranges becomes several clauses. On 64-bit ABIs conditions are 64 bits wide;
 *   only a box that restricts the high word to several values and the low word separately (which
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
/** Boxes beyond this many mean a pathological rule set; resolution refuses rather than hang. */
const BOX_LIMIT = 200_000;

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

function setEq(a: ISet | undefined, b: ISet | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((iv, k) => iv[0] === b[k][0] && iv[1] === b[k][1]);
}

const isFull = (s: ISet, max: bigint): boolean => s.length === 1 && s[0][0] === 0n && s[0][1] === max;
const pointOf = (s: ISet): bigint | undefined => (s.length === 1 && s[0][0] === s[0][1] ? s[0][0] : undefined);

// ---------------------------------------------------------------------------------------------
// Boxes: the argument values that reach a point of the filter

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

/** Per argument; an argument absent is unconstrained. Treated as immutable. */
type Box = ReadonlyMap<number, WordState>;

function combineMask(a: Mask | undefined, b: Mask): Mask | null {
  if (!a) return b;
  if ((a.d & b.m) !== (b.d & a.m)) return null;
  return { m: a.m | b.m, d: a.d | b.d };
}

const bitsAbove = (i: number): bigint => (MAX32 << BigInt(i + 1)) & MAX32;

/** `(w & m) > k` as disjoint masked equalities: the highest bit where they differ is 1 in the word. */
function maskedGreater(m: bigint, k: bigint): Mask[] {
  const out: Mask[] = [];
  for (let i = 31; i >= 0; i--) {
    const bit = 1n << BigInt(i);
    const above = bitsAbove(i);
    if ((k & ~m & above & MAX32) !== 0n) break; // a bit of k the masked word never has
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

/** `(w & m) != k` as disjoint masked equalities: the highest bit of m where w and k differ. */
function maskedNotEqual(m: bigint, k: bigint): Mask[] {
  if ((k & ~m) !== 0n) return [{ m: 0n, d: 0n }]; // never equal: always true
  const out: Mask[] = [];
  for (let i = 31; i >= 0; i--) {
    const bit = 1n << BigInt(i);
    if ((m & bit) === 0n) continue;
    const above = bitsAbove(i) & m;
    out.push({ m: above | bit, d: (k & above) | (~k & bit) });
  }
  return out;
}

/** A word comparison as the filter runs it: `(word & mask) op k`. */
interface WordTest {
  /** 2*arg + hi. */
  word: number;
  mask: number;
  op: Block['op'];
  k: number;
}

type Side = { set: ISet } | { masks: Mask[] };

/** The values of the word on each side of the test. */
function sides(t: WordTest): { yes: Side; no: Side } {
  const k = BigInt(t.k);
  if (t.mask === 0xffffffff) {
    const s: ISet = t.op === 'GT' ? (k < MAX32 ? [[k + 1n, MAX32]] : []) : t.op === 'GE' ? [[k, MAX32]] : [[k, k]];
    return { yes: { set: s }, no: { set: complement(s, MAX32) } };
  }
  const m = BigInt(t.mask);
  const always: Mask[] = [{ m: 0n, d: 0n }];
  if (t.op === 'EQ') return { yes: { masks: (k & ~m) === 0n ? [{ m, d: k }] : [] }, no: { masks: maskedNotEqual(m, k) } };
  if (t.op === 'GE') {
    return k === 0n ? { yes: { masks: always }, no: { masks: [] } } : { yes: { masks: maskedGreater(m, k - 1n) }, no: { masks: maskedLess(m, k) } };
  }
  return { yes: { masks: maskedGreater(m, k) }, no: { masks: k === MAX32 ? always : maskedLess(m, k + 1n) } };
}

/** The box restricted to one side of a test: zero or more disjoint boxes. */
function restrict(box: Box, t: WordTest, side: Side): Box[] {
  const arg = t.word >> 1;
  const hi = (t.word & 1) === 1;
  const cur = box.get(arg) ?? { hi: full(MAX32), lo: full(MAX32) };
  const out: Box[] = [];
  const put = (st: WordState): void => {
    const next = new Map(box);
    next.set(arg, st);
    out.push(next);
  };
  if ('set' in side) {
    const s = intersect(hi ? cur.hi : cur.lo, side.set);
    if (s.length > 0) put(hi ? { ...cur, hi: s } : { ...cur, lo: s });
    return out;
  }
  for (const choice of side.masks) {
    if (choice.m === 0n) {
      out.push(box);
      continue;
    }
    const merged = combineMask(hi ? cur.hiMask : cur.loMask, choice);
    if (!merged) continue;
    const words = hi ? cur.hi : cur.lo;
    const p = pointOf(words);
    if (p !== undefined && (p & merged.m) !== merged.d) continue;
    put(hi ? { ...cur, hiMask: merged } : { ...cur, loMask: merged });
  }
  return out;
}

interface Leaf {
  box: Box;
  action: number;
  origin: Origin;
}

/** Every box that reaches a return, in the filter's order (true branch first). */
function leaves(entry: Target, syscall: string): Leaf[] {
  const out: Leaf[] = [];
  const stack: { t: Target; acc: AccState; box: Box }[] = [{ t: entry, acc: { word: -1, mask: 0xffffffff }, box: new Map() }];
  let work = 0;
  while (stack.length > 0) {
    const { t, acc, box } = stack.pop() as { t: Target; acc: AccState; box: Box };
    if (++work > BOX_LIMIT) {
      throw new SeccompKitError('resolve', `the argument conditions of ${syscall} are too complex to resolve (more than ${BOX_LIMIT} regions)`);
    }
    if (!('block' in t)) {
      out.push({ box, action: t.action >>> 0, origin: t.origin });
      continue;
    }
    const b = t.block;
    const at = accAtTest(b, acc);
    if (at.word < 0) throw new Error('libseccomp model: a comparison of the syscall number inside an argument tree');
    const test: WordTest = { word: at.word, mask: at.mask, op: b.op, k: b.k };
    const { yes, no } = sides(test);
    // Pushed in reverse so that the true branch is explored (and listed) first.
    for (const nb of restrict(box, test, no).reverse()) stack.push({ t: b.jf, acc: at, box: nb });
    for (const nb of restrict(box, test, yes).reverse()) stack.push({ t: b.jt, acc: at, box: nb });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Boxes -> argument sets

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
  if (ra.lo32 || rb.lo32 || !maskEq(ra.mask, rb.mask)) return null;
  const args = new Map(a.args);
  const merged: ArgRep = { set: union(ra.set, rb.set), ...(ra.mask ? { mask: ra.mask } : {}) };
  if (unconstrained(merged, max)) args.delete(diff);
  else args.set(diff, merged);
  return { args, action: a.action, origin: a.origin };
}

/** Groups disjoint clauses by action and rule, merges within groups, lists them in rule order. */
function arrange(pieces: RepClause[], defaultAction: number, max: bigint): RepClause[] {
  const groups = new Map<string, RepClause[]>();
  for (const c of pieces) {
    if (c.action === defaultAction) continue;
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
  const low = (c: RepClause): bigint => {
    const first = [...c.args.entries()].sort((x, y) => x[0] - y[0])[0];
    return first ? first[1].set[0]?.[0] ?? 0n : 0n;
  };
  out.sort((a, b) => a.origin - b.origin || (low(a) < low(b) ? -1 : low(a) > low(b) ? 1 : 0));
  return widen(out, max);
}

/**
 * Readability: a one-argument clause may also claim values that earlier one-argument clauses on
 * the same argument already decide (those inputs never reach it), when that makes its set simpler.
 */
function widen(list: RepClause[], max: bigint): RepClause[] {
  const out: RepClause[] = [];
  const decided = new Map<number, ISet>();
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
    out.push(cur);
    if (cur.args.size === 0) break;
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
 * `defaultAction` is the filter's default (what follows the clauses). Results are cached by the
 * syscall's rule history and shared: never mutate them.
 */
export function syscallClauses(sys: DbSyscall, is64: boolean, defaultAction: number, label = `syscall ${sys.num}`, variant = ''): RawClause[] {
  if (sys.chains === null) return [{ conditions: [], action: sys.action, origin: sys.origin }];
  const key = `${is64 ? 64 : 32}|${defaultAction >>> 0}|${variant}|${sys.history}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const out = computeClauses(sys, is64, defaultAction >>> 0, label);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, out);
  return out;
}

const CACHE_LIMIT = 1024;
const cache = new Map<string, RawClause[]>();

function computeClauses(sys: DbSyscall, is64: boolean, defaultAction: number, label: string): RawClause[] {
  const max = is64 ? MAX64 : MAX32;
  const width: 32 | 64 = is64 ? 64 : 32;
  const pieces: RepClause[] = [];
  for (const leaf of leaves(generateSyscall(sys, defaultAction), label)) {
    if (leaf.action === defaultAction) continue;
    const args = new Map<number, ArgRep>();
    let dead = false;
    for (const [arg, st] of [...leaf.box].sort((x, y) => x[0] - y[0])) {
      const r = argRep(st, is64);
      if (!r) {
        dead = true;
        break;
      }
      if (!unconstrained(r, max)) args.set(arg, r);
    }
    if (!dead) pieces.push({ args, action: leaf.action, origin: leaf.origin });
  }
  const out: RawClause[] = [];
  for (const r of arrange(pieces, defaultAction, max)) {
    let alts: Condition[][] = [[]];
    for (const [arg, rep] of [...r.args].sort((x, y) => x[0] - y[0])) {
      const mine = argAlternatives(arg, rep, width);
      alts = alts.flatMap((x) => mine.map((y) => [...x, ...y]));
    }
    for (const conditions of alts) out.push({ conditions, action: r.action, origin: r.origin });
  }
  return out;
}
