/**
 * How libseccomp's BPF generator (`src/gen_bpf.c`, 2.5.4 = 2.6.1 here) turns one syscall's
 * argument tree into instruction blocks, modelled closely enough to reproduce what the filter
 * really returns, including its accumulator quirk.
 *
 * The generator tracks which word the accumulator holds: a node block loads its argument word only
 * when the previous node *of the same level* left a different one (`_gen_bpf_node`). But a node is
 * also reached by falling through from the sub-levels of the previous node, which load other
 * words. The layout pass (`_gen_bpf_build_bpf`) prepends a reload to a block only when the block
 * that first pulls it into the program (a depth-first walk: last instruction's true target, then
 * its false target) left a different accumulator state; later jumps to the block get no reload.
 * So a sibling pulled in first by its own predecessor compares whatever word a deeper level left in
 * the accumulator when reached by fall-through (e.g. on x86, rules `a0 != 2 && a1 > X` and
 * `a0 < Y`: after `a1 > X` fails, `a0 < Y` is tested against a1). This module reproduces that, and
 * {@link blockPaths} lists the decision paths with the word each test really reads.
 *
 * Identical blocks are shared (hash-consed by instructions, targets and accumulator states) as
 * libseccomp does; blocks shared between *different* syscalls are not modelled (each syscall is
 * laid out on its own), which could only matter when two syscalls have identical sub-trees whose
 * first placement differs.
 */
import type { DbNode, DbSyscall, Origin } from './libseccomp-db.js';
import { levelStart } from './libseccomp-db.js';

const FULL = 0xffffffff;

/** What the accumulator holds: the word at `word` (2*arg + hi, or -1 = nothing / the syscall number) masked by `mask`. */
export interface AccState {
  word: number;
  mask: number;
}

const UNDEF: AccState = { word: -1, mask: FULL };
const accEq = (a: AccState, b: AccState): boolean => a.word === b.word && a.mask === b.mask;

/** A jump target: another block or a return. */
export type Target = { block: Block } | { action: number; origin: Origin };

/** One node's instruction block: `[ld word] [and mask] jcc k, jt, jf`. */
export interface Block {
  id: number;
  /** Present when the block loads its own word. */
  ld?: number;
  /** Present when the block masks the accumulator. */
  and?: number;
  op: 'EQ' | 'GT' | 'GE';
  k: number;
  jt: Target;
  jf: Target;
  accStart: AccState;
  accEnd: AccState;
  /** Set by the layout pass: a reload (`ld`, `and`) was prepended. */
  reload: boolean;
}

/** The entry of one syscall's filter code. */
export type Entry = Target;

/** Word index of an argument word: 2*arg + (hi ? 1 : 0). */
export function wordIndex(arg: number, hi: boolean): number {
  return arg * 2 + (hi ? 1 : 0);
}

type RawTarget = { kind: 'db'; node: DbNode } | { kind: 'blk'; blk: RawBlock } | { kind: 'act'; action: number; origin: Origin } | { kind: 'nxt' } | { kind: 'hsh'; block: Block };

interface RawBlock {
  ld?: number;
  and?: number;
  op: 'EQ' | 'GT' | 'GE';
  k: number;
  jt: RawTarget;
  jf: RawTarget;
  accStart: AccState;
  accEnd: AccState;
  resolved?: Block;
}

class Generator {
  private readonly table = new Map<string, Block>();
  private nextId = 0;

  /** `_gen_bpf_node`. */
  private node(n: DbNode, acc: AccState): RawBlock {
    const word = wordIndex(n.arg, n.hi);
    let accStart: AccState = { ...acc };
    let ld: number | undefined;
    let and: number | undefined;
    if (word !== acc.word || ((n.mask & acc.mask) >>> 0) !== n.mask) {
      acc.word = word;
      acc.mask = FULL;
      ld = word;
      accStart = UNDEF;
    }
    if (n.mask !== acc.mask) {
      acc.mask = n.mask;
      and = n.mask;
    }
    const op: Block['op'] = n.op === 'GT' ? 'GT' : n.op === 'GE' ? 'GE' : 'EQ';
    const jt: RawTarget = n.nxtT ? { kind: 'db', node: n.nxtT } : n.actTFlg ? { kind: 'act', action: n.actT, origin: n.originT } : { kind: 'nxt' };
    const jf: RawTarget = n.nxtF ? { kind: 'db', node: n.nxtF } : n.actFFlg ? { kind: 'act', action: n.actF, origin: n.originF } : { kind: 'nxt' };
    return { ...(ld !== undefined ? { ld } : {}), ...(and !== undefined ? { and } : {}), op, k: n.datum, jt, jf, accStart, accEnd: { ...acc } };
  }

  /** `_gen_bpf_chain` for a level (never empty here). */
  chain(level: DbNode, nxt: RawTarget, accIn: AccState): Block {
    const acc: AccState = { ...accIn };
    const blocks: RawBlock[] = [];
    for (let c: DbNode | null = levelStart(level); c; c = c.lvlNxt) blocks.push(this.node(c, acc));
    for (let i = 0; i < blocks.length; i++) {
      const next: RawTarget = i + 1 < blocks.length ? { kind: 'blk', blk: blocks[i + 1] } : nxt;
      if (blocks[i].jt.kind === 'nxt') blocks[i].jt = next;
      if (blocks[i].jf.kind === 'nxt') blocks[i].jf = next;
    }
    let head: Block | undefined;
    for (let i = blocks.length - 1; i >= 0; i--) {
      const next: RawTarget = i + 1 < blocks.length ? { kind: 'blk', blk: blocks[i + 1] } : nxt;
      head = this.resolve(blocks[i], next);
    }
    return head as Block;
  }

  /** `_gen_bpf_chain_lvl_res` + `_hsh_add`. */
  private resolve(b: RawBlock, nxt: RawTarget): Block {
    if (b.resolved) return b.resolved;
    const fix = (t: RawTarget): Target => {
      switch (t.kind) {
        case 'act': return { action: t.action, origin: t.origin };
        case 'blk': return { block: this.resolve(t.blk, nxt) };
        case 'db': return { block: this.chain(t.node, nxt, b.accEnd) };
        case 'hsh': return { block: t.block };
        case 'nxt': throw new Error('libseccomp codegen model: unresolved fall-through');
      }
    };
    const jt = fix(b.jt);
    const jf = fix(b.jf);
    const key = [b.ld ?? '', b.and ?? '', b.op, b.k, targetKey(jt), targetKey(jf), b.accStart.word, b.accStart.mask, b.accEnd.word, b.accEnd.mask].join(',');
    let blk = this.table.get(key);
    if (!blk) {
      blk = {
        id: this.nextId++,
        ...(b.ld !== undefined ? { ld: b.ld } : {}),
        ...(b.and !== undefined ? { and: b.and } : {}),
        op: b.op,
        k: b.k,
        jt,
        jf,
        accStart: b.accStart,
        accEnd: b.accEnd,
        reload: false,
      };
      this.table.set(key, blk);
    }
    b.resolved = blk;
    return blk;
  }
}

function targetKey(t: Target): string {
  return 'block' in t ? `b${t.block.id}` : `a${t.action >>> 0}`;
}

/**
 * Generates and lays out one syscall's blocks. `defaultAction` is where the tree falls through.
 * The returned entry is what the syscall's `jeq nr` jumps to.
 */
export function generateSyscall(sys: DbSyscall, defaultAction: number): Entry {
  if (sys.chains === null) return { action: sys.action, origin: sys.origin };
  const gen = new Generator();
  // The syscall block leaves the syscall number in the accumulator (`_gen_bpf_syscall`).
  const head = gen.chain(sys.chains, { kind: 'act', action: defaultAction, origin: -1 }, { word: -1, mask: FULL });
  layout(head, { word: -1, mask: FULL });
  return { block: head };
}

/** The pull-in order of `_gen_bpf_build_bpf`: depth first, true target before false target. */
function layout(head: Block, entryAcc: AccState): void {
  const placed = new Set<Block>();
  const place = (b: Block, from: AccState): void => {
    placed.add(b);
    if (b.accStart.word !== -1 && !accEq(from, b.accStart)) b.reload = true;
    // An explicit stack keeps deep trees from overflowing the JS stack.
    const stack: Block[] = [b];
    while (stack.length > 0) {
      const cur = stack[stack.length - 1];
      let pushed = false;
      for (const t of [cur.jt, cur.jf]) {
        if (!('block' in t) || placed.has(t.block)) continue;
        placed.add(t.block);
        if (t.block.accStart.word !== -1 && !accEq(cur.accEnd, t.block.accStart)) t.block.reload = true;
        stack.push(t.block);
        pushed = true;
        break;
      }
      if (!pushed) stack.pop();
    }
  };
  place(head, entryAcc);
}

/** The accumulator on entry to a block's comparison, given what it held on arrival. */
export function accAtTest(b: Block, arriving: AccState): AccState {
  let acc = arriving;
  if (b.reload) acc = { ...b.accStart };
  if (b.ld !== undefined) acc = { word: b.ld, mask: FULL };
  if (b.and !== undefined) acc = { word: acc.word, mask: (acc.mask & b.and) >>> 0 };
  return acc;
}

/** Value of a word of the arguments (word index as {@link wordIndex}). */
export function wordValue(args: readonly bigint[], word: number): number {
  const v = args[word >> 1] ?? 0n;
  return Number((word & 1 ? v >> 32n : v) & 0xffffffffn);
}

/** Runs one syscall's laid-out blocks on concrete arguments. */
export function runEntry(entry: Entry, args: readonly bigint[]): { action: number; origin: Origin } {
  let t: Target = entry;
  let acc: AccState = { word: -1, mask: FULL };
  for (;;) {
    if (!('block' in t)) return { action: t.action >>> 0, origin: t.origin };
    const b: Block = t.block;
    acc = accAtTest(b, acc);
    const v = acc.word < 0 ? 0 : (wordValue(args, acc.word) & acc.mask) >>> 0;
    const hit = b.op === 'EQ' ? v === b.k : b.op === 'GT' ? v > b.k : v >= b.k;
    acc = { ...acc };
    t = hit ? b.jt : b.jf;
  }
}
