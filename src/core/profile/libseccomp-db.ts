/**
 * A behavioural model of libseccomp's per-ABI rule database (seccomp/libseccomp `src/db.c`,
 * v2.5.4 and v2.6.1), written from reading that code: how a rule becomes a chain of 32-bit word
 * comparisons (`_db_rule_gen_64` / `_db_rule_gen_32`), how a new chain is pruned against and
 * merged into the existing tree of the same syscall (`_db_tree_prune`, `_db_tree_add`), and how
 * the generated BPF walks that tree (`src/gen_bpf.c` `_gen_bpf_chain`: the nodes of a level are
 * tried in order; a branch with neither sub-level nor action falls through to the next node of the
 * level, and a finished level to the next node of its parent's level, finally to the default).
 *
 * Why model it instead of ordering rules ourselves: libseccomp decides overlapping conditional
 * rules by its node order (argument, high/low word, operator class, value), not by rule order,
 * merges equal comparisons, drops rules after an unconditional one, and has had merge bugs
 * (2.5.4 sets the true action where it meant the false one when merging LT/LE chains; fixed in
 * 2.6.1, GHSA-4q85-33p6-j5g6). Reproducing the decision requires the same data structure.
 *
 * Reference counts are kept exactly as libseccomp keeps them because the merge code branches on
 * whether a node was freed (`_db_node_put(&x_iter); if (x_iter == NULL)`), and because levels are
 * shared between several parents (an LT/LE/GT/GE/NE chain links the next argument from two nodes).
 */
import type { ArgOp } from './policy.js';

/** Who asked for an action, carried through merges so clauses can name their rule. */
export type Origin = number;

/** One argument comparison as libseccomp stores it (`struct db_api_arg`): MASKED_EQ keeps mask and datum apart. */
export interface DbArg {
  arg: number;
  op: ArgOp;
  /** All ones except for MASKED_EQ (libseccomp's `datum_a`). */
  mask: bigint;
  /** The compared value (`datum_a`, or `datum_b` for MASKED_EQ). */
  datum: bigint;
}

/** One call of `seccomp_rule_add_array` for one ABI, after the syscall number was translated. */
export interface DbRule {
  syscall: number;
  action: number;
  /** At most one comparison per argument, as libseccomp requires. */
  args: DbArg[];
  origin: Origin;
}

/** `struct db_arg_chain_tree`. */
export interface DbNode {
  arg: number;
  hi: boolean;
  /** Operator of this 32-bit test: EQ, MASKED_EQ, GT, GE (the 32-bit generator leaves NE/LT/LE here only as opOrig). */
  op: ArgOp;
  opOrig: ArgOp;
  mask: number;
  datum: number;
  datumFull: bigint;
  actTFlg: boolean;
  actFFlg: boolean;
  actT: number;
  actF: number;
  originT: Origin;
  originF: Origin;
  lvlPrv: DbNode | null;
  lvlNxt: DbNode | null;
  nxtT: DbNode | null;
  nxtF: DbNode | null;
  refcnt: number;
}

/** `struct db_sys_list`: one syscall of one ABI. */
export interface DbSyscall {
  num: number;
  chains: DbNode | null;
  /** The action when `chains` is null. */
  action: number;
  origin: Origin;
  valid: boolean;
  /** Every rule added for this syscall, as text: equal histories give equal trees (a cache key). */
  history: string;
}

/** What adding one rule did, for notes. */
export type AddOutcome =
  /** First rule for the syscall, or merged into its tree. */
  | 'added'
  /** The syscall already has an unconditional action: the rule is silently dropped (rc 0). */
  | 'shadowed-by-unconditional'
  /** An unconditional rule replaced the conditional tree built so far (whose actions differed). */
  | 'replaced-conditional'
  /** An unconditional rule replaced conditional rules that had the same action: nothing changes for them. */
  | 'absorbed-conditional'
  /** The existing tree already covers the new chain with the same action: dropped. */
  | 'redundant';

/** libseccomp's `-EEXIST`: a comparison already leads to a different action. */
export class DbConflictError extends Error {
  constructor(readonly syscall: number) {
    super('EEXIST');
  }
}

/**
 * libseccomp 2.5.4 itself never returns for some rule sets (its merge code walks a level that has
 * become circular). The model counts its steps and reports that instead of hanging.
 */
export class DbHangError extends Error {
  constructor(readonly syscall: number) {
    super('libseccomp does not return');
  }
}

/** Steps allowed for one `add` (real additions take a few hundred). */
const STEP_LIMIT = 2_000_000;
let steps = 0;
function tick(): void {
  if (++steps > STEP_LIMIT) throw new HangSignal();
}
class HangSignal extends Error {}

/** Variant switches between libseccomp releases. */
export interface DbOptions {
  /** 2.5.4 and earlier: merging two LT/LE chains overwrites the true action instead of the false one. */
  ltLeMergeBug: boolean;
}

/** The rule database of one ABI. */
export class AbiDb {
  readonly syscalls = new Map<number, DbSyscall>();

  constructor(
    /** 64-bit ABIs compare both words, 32-bit ABIs (and x32) only the low word. */
    readonly is64: boolean,
    readonly options: DbOptions,
  ) {}

  /** `db_rule_add`. Throws {@link DbConflictError} for `-EEXIST`. */
  add(rule: DbRule): AddOutcome {
    // Fast path for the common case, with exactly db_rule_add's outcome: an unconditional rule
    // for a syscall without an entry, or one that already has an unconditional action.
    if (rule.args.length === 0) {
      const existing = this.syscalls.get(rule.syscall);
      if (!existing) {
        this.syscalls.set(rule.syscall, { num: rule.syscall, chains: null, action: rule.action, origin: rule.origin, valid: true, history: `${rule.action}/${rule.origin};` });
        return 'added';
      }
      if (existing.chains === null && existing.valid) return 'shadowed-by-unconditional';
    }
    steps = 0;
    try {
      return this.addRule(rule);
    } catch (err) {
      if (err instanceof HangSignal) throw new DbHangError(rule.syscall);
      throw err;
    }
  }

  private addRule(rule: DbRule): AddOutcome {
    const sNew = this.is64 ? ruleGen64(rule) : ruleGen32(rule);
    const sIter = this.syscalls.get(rule.syscall);
    let step = `${rule.action}/${rule.origin}`;
    for (const a of rule.args) step += `:${a.arg}${a.op}${a.mask.toString(16)},${a.datum.toString(16)}`;
    step += ';';
    if (!sIter) {
      sNew.history = step;
      this.syscalls.set(rule.syscall, sNew);
      return 'added';
    }
    sIter.history += step;
    let rmFlag = false;
    for (;;) {
      if (sIter.chains === null) {
        if (rmFlag || !sIter.valid) {
          sIter.chains = sNew.chains;
          sIter.action = sNew.action;
          sIter.origin = sNew.origin;
          sIter.valid = true;
          return 'added';
        }
        treePut(slot(sNew.chains));
        return 'shadowed-by-unconditional';
      }
      if (sNew.chains === null) {
        const same = treeActCheck(sIter.chains, rule.action) === 0;
        treePut(fieldSlot(sIter, 'chains'));
        sIter.chains = null;
        sIter.action = rule.action;
        sIter.origin = rule.origin;
        return same ? 'absorbed-conditional' : 'replaced-conditional';
      }
      const state: IterState = { flags: 0, sx: sIter, action: rule.action };
      const rc = treePrune(fieldSlot(sIter, 'chains'), sNew.chains, state);
      if (rc > 0) {
        rmFlag = true;
        if (sIter.chains === null) continue;
      } else if ((state.flags & IST_M_REDUNDANT) === IST_M_REDUNDANT) {
        treePut(slot(sNew.chains));
        return 'redundant';
      }
      break;
    }
    const state: IterState = { flags: 0, sx: sIter, action: 0 };
    const rc = treeAdd(fieldSlot(sIter, 'chains'), sNew.chains, state, this.options);
    if (rc < 0) throw new DbConflictError(rule.syscall);
    treePut(slot(sNew.chains));
    return 'added';
  }

  /**
   * What the generated filter returns for this syscall and these arguments, or undefined when
   * the syscall's tree falls through to the default action (or the syscall has no entry).
   */
  evaluate(syscall: number, args: readonly bigint[]): number | undefined {
    const s = this.syscalls.get(syscall);
    if (!s) return undefined;
    if (s.chains === null) return s.action;
    const r = evalLevel(s.chains, args);
    return r === undefined ? undefined : r.action;
  }
}

// ---------------------------------------------------------------------------------------------
// Nodes and reference counts (`_db_node_get`, `_db_node_put`, `_db_level_clean`, `_db_tree_put`)

interface Slot {
  v: DbNode | null;
}

function slot(v: DbNode | null): Slot {
  return { v };
}

function fieldSlot<K extends 'nxtT' | 'nxtF' | 'lvlPrv' | 'lvlNxt'>(n: DbNode, k: K): Slot;
function fieldSlot(s: DbSyscall, k: 'chains'): Slot;
function fieldSlot(o: DbNode | DbSyscall, k: string): Slot {
  const rec = o as unknown as Record<string, DbNode | null>;
  return {
    get v() {
      return rec[k];
    },
    set v(x: DbNode | null) {
      rec[k] = x;
    },
  };
}

function newNode(): DbNode {
  return {
    arg: 0, hi: false, op: 'EQ', opOrig: 'EQ', mask: 0, datum: 0, datumFull: 0n,
    actTFlg: false, actFFlg: false, actT: 0, actF: 0, originT: -1, originF: -1,
    lvlPrv: null, lvlNxt: null, nxtT: null, nxtF: null, refcnt: 0,
  };
}

function nodeGet(n: DbNode | null): DbNode | null {
  if (n) n.refcnt++;
  return n;
}

function nodePut(s: Slot): number {
  tick();
  let cnt = 0;
  const n = s.v;
  if (!n) return 0;
  if (--n.refcnt === 0) {
    const p = slot(n.lvlPrv);
    const q = slot(n.lvlNxt);
    const nxtT = n.nxtT;
    const nxtF = n.nxtF;
    // Split the level; this node still holds a reference to each neighbour.
    if (p.v) p.v.lvlNxt = null;
    if (q.v) q.v.lvlPrv = null;
    if (p.v) cnt += nodePut(p);
    if (q.v) cnt += nodePut(q);
    if (p.v) p.v.lvlNxt = nodeGet(q.v);
    if (q.v) q.v.lvlPrv = nodeGet(p.v);
    s.v = p.v ?? q.v ?? null;
    cnt += treePut(slot(nxtT));
    cnt += treePut(slot(nxtF));
    cnt++;
  }
  return cnt;
}

function levelClean(node: DbNode): number {
  let cnt = 0;
  let n: DbNode | null = node;
  while (n.lvlPrv) {
    tick();
    n = n.lvlPrv;
  }
  const start = n;
  while (n) {
    tick();
    const links = (n.lvlPrv ? 1 : 0) + (n.lvlNxt ? 1 : 0);
    if (n.refcnt > links) return cnt;
    n = n.lvlNxt;
  }
  const s = slot(start);
  while (s.v) {
    tick();
    const before = s.v;
    cnt += nodePut(s);
    // libseccomp loops until the node is freed; a node that survives its put is put again.
    if (s.v === before && before.refcnt <= 0) break;
  }
  return cnt;
}

function treePut(s: Slot): number {
  let cnt = nodePut(s);
  if (s.v) cnt += levelClean(s.v);
  return cnt;
}

function chainLeaf(n: DbNode): boolean {
  return n.nxtT === null && n.nxtF === null;
}

function chainZombie(n: DbNode): boolean {
  return chainLeaf(n) && !n.actTFlg && !n.actFFlg;
}

// ---------------------------------------------------------------------------------------------
// Ordering (`_db_chain_lt`, `_db_chain_eq`)

function argPriority(n: DbNode): number {
  return (n.arg << 1) + (n.hi ? 1 : 0);
}

function opPriority(op: ArgOp): number {
  switch (op) {
    case 'MASKED_EQ': case 'EQ': case 'NE': return 3;
    case 'LE': case 'LT': return 2;
    case 'GE': case 'GT': return 1;
  }
}

function chainLt(a: DbNode, b: DbNode): boolean {
  const aa = argPriority(a);
  const ba = argPriority(b);
  if (aa < ba) return true;
  if (aa > ba) return false;
  const ao = opPriority(a.opOrig);
  const bo = opPriority(b.opOrig);
  if (ao < bo) return true;
  if (ao > bo) return false;
  if (a.opOrig === 'LE' || a.opOrig === 'LT') return a.datum > b.datum;
  return a.datum < b.datum;
}

function chainEq(a: DbNode, b: DbNode): boolean {
  return argPriority(a) === argPriority(b) && a.op === b.op && a.datum === b.datum && a.mask === b.mask;
}

// ---------------------------------------------------------------------------------------------
// Removal, action check, prune, add

function treeRemove(tree: Slot, node: DbNode): number {
  let cnt = 0;
  if (!tree.v) return 0;
  let c: DbNode | null = tree.v;
  while (c.lvlPrv) {
    tick();
    c = c.lvlPrv;
  }
  let found: DbNode | null = null;
  do {
    tick();
    if (c === node) {
      found = c;
      break;
    }
    cnt += treeRemove(fieldSlot(c, 'nxtT'), node);
    cnt += treeRemove(fieldSlot(c, 'nxtF'), node);
    if (chainZombie(c)) {
      found = c;
      break;
    }
    c = c.lvlNxt;
  } while (c !== null && cnt === 0);
  if (!found) return cnt;
  const r = found;
  if (r === tree.v) tree.v = r.lvlPrv ?? r.lvlNxt;
  if (r.lvlPrv) r.lvlPrv.lvlNxt = r.lvlNxt;
  if (r.lvlNxt) r.lvlNxt.lvlPrv = r.lvlPrv;
  r.lvlPrv = null;
  r.lvlNxt = null;
  cnt += nodePut(slot(r));
  return cnt;
}

/** 0 when every action in the tree (the whole level of `tree` and below) equals `action`, else -1 (EEXIST). */
function treeActCheck(tree: DbNode | null, action: number): number {
  if (!tree) return 0;
  let c: DbNode | null = tree;
  while (c.lvlPrv) {
    tick();
    c = c.lvlPrv;
  }
  do {
    tick();
    if (c.actTFlg && c.actT !== action) return -1;
    if (c.actFFlg && c.actF !== action) return -1;
    if (treeActCheck(c.nxtT, action) < 0) return -1;
    if (treeActCheck(c.nxtF, action) < 0) return -1;
    c = c.lvlNxt;
  } while (c !== null);
  return 0;
}

const IST_MATCH = 0x1;
const IST_MATCH_ONCE = 0x2;
const IST_X_FINISHED = 0x10;
const IST_N_FINISHED = 0x20;
const IST_X_PREFIX = 0x100;
const IST_N_PREFIX = 0x200;
const IST_M_MATCHSET = IST_MATCH | IST_MATCH_ONCE;
const IST_M_REDUNDANT = IST_MATCH | IST_X_FINISHED | IST_N_PREFIX;

interface IterState {
  flags: number;
  sx: DbSyscall;
  action: number;
}

function treePrune(existing: Slot, nw: DbNode | null, state: IterState): number {
  let cnt = 0;
  const stateNew: IterState = { ...state };
  let x: DbNode | null = existing.v;
  const n = nw;
  const finish = (): number => {
    if (stateNew.flags & IST_MATCH) state.flags |= stateNew.flags;
    else state.flags &= ~IST_MATCH;
    return cnt;
  };
  if (n === null || x === null) return finish();
  if ((state.flags & IST_M_MATCHSET) === IST_MATCH_ONCE) return finish();
  while (x.lvlPrv) {
    tick();
    x = x.lvlPrv;
  }

  // Descends into `sub` of x holding an extra reference, as libseccomp does; reports whether x
  // was freed meanwhile (then the loop goes on with the saved next node).
  const descend = (sub: Slot, nn: DbNode | null, flagsSet: number, flagsClear: number): { flags: number; gone: boolean } => {
    const xs = slot(x);
    nodeGet(x);
    const st: IterState = { ...state, flags: (state.flags & ~flagsClear) | flagsSet };
    cnt += treePrune(sub, nn, st);
    cnt += nodePut(xs);
    x = xs.v;
    return { flags: st.flags, gone: x === null };
  };

  do {
    tick();
    const xNext: DbNode | null = x.lvlNxt;
    let skipToNext = false;
    if (chainEq(x, n)) {
      stateNew.flags |= IST_M_MATCHSET;
      if (chainLeaf(n)) stateNew.flags |= IST_N_FINISHED;
      if (chainLeaf(x)) stateNew.flags |= IST_X_FINISHED;
      if ((x.actTFlg || x.nxtT) && !(n.actTFlg || n.nxtT)) return finish();
      if ((x.actFFlg || x.nxtF) && !(n.actFFlg || n.nxtF)) return finish();
      if (stateNew.flags & IST_N_FINISHED && stateNew.flags & IST_X_FINISHED) {
        if (n.actTFlg !== x.actTFlg) return finish();
        if (n.actT !== x.actT) return finish();
        if (n.actFFlg !== x.actFFlg) return finish();
        if (n.actF !== x.actF) return finish();
      }
      if (n.nxtT) {
        const r = descend(fieldSlot(x, 'nxtT'), n.nxtT, IST_M_MATCHSET, 0);
        if (r.flags & IST_MATCH) stateNew.flags |= r.flags;
        if (r.gone) skipToNext = true;
      }
      if (!skipToNext && n.nxtF) {
        const cur = x as DbNode;
        const r = descend(fieldSlot(cur, 'nxtF'), n.nxtF, IST_M_MATCHSET, 0);
        if (r.flags & IST_MATCH) stateNew.flags |= r.flags;
        if (r.gone) skipToNext = true;
      }
      if (!skipToNext) {
        const cur = x as DbNode;
        if (treeActCheck(cur, stateNew.action) === 0 && stateNew.flags & IST_MATCH && stateNew.flags & IST_N_FINISHED && stateNew.flags & IST_X_PREFIX) {
          // The new chain is shorter: drop the existing sub-tree.
          cnt += treeRemove(fieldSlot(state.sx, 'chains'), cur);
          if (state.sx.chains === null) return finish();
        } else if (treeActCheck(cur, stateNew.action) === 0 && stateNew.flags & IST_MATCH && stateNew.flags & IST_X_FINISHED && stateNew.flags & IST_N_PREFIX) {
          // The new chain is longer: nothing to prune.
          return finish();
        }
      }
    } else if (chainLt(x, n)) {
      if (state.flags & IST_N_PREFIX) return finish();
      if (x.nxtT) {
        const r = descend(fieldSlot(x, 'nxtT'), n, IST_X_PREFIX, IST_MATCH);
        if (r.flags & IST_MATCH) {
          stateNew.flags |= r.flags;
          return finish();
        }
        if (r.gone) skipToNext = true;
      }
      if (!skipToNext && (x as DbNode).nxtF) {
        const cur = x as DbNode;
        const r = descend(fieldSlot(cur, 'nxtF'), n, IST_X_PREFIX, IST_MATCH);
        if (r.flags & IST_MATCH) {
          stateNew.flags |= r.flags;
          return finish();
        }
        if (r.gone) skipToNext = true;
      }
    } else {
      if (state.flags & IST_X_PREFIX) return finish();
      if (n.nxtT) {
        const r = descendSelf(n.nxtT);
        if (r.flags & IST_MATCH) {
          stateNew.flags |= r.flags;
          return finish();
        }
        if (r.gone) skipToNext = true;
      }
      if (!skipToNext && n.nxtF) {
        const r = descendSelf(n.nxtF);
        if (r.flags & IST_MATCH) {
          stateNew.flags |= r.flags;
          return finish();
        }
        if (r.gone) skipToNext = true;
      }
    }
    x = xNext;
  } while (x);
  stateNew.flags &= ~IST_MATCH;
  return finish();

  // Prune the same existing level against the next level of the new chain (`&x_iter`, not a field).
  function descendSelf(nn: DbNode): { flags: number; gone: boolean } {
    const xs = slot(x);
    nodeGet(x);
    const st: IterState = { ...state, flags: (state.flags & ~IST_MATCH) | IST_N_PREFIX };
    const local = slot(x);
    cnt += treePrune(local, nn, st);
    cnt += nodePut(xs);
    x = xs.v;
    return { flags: st.flags, gone: x === null };
  }
}

function treeAdd(existing: Slot, nw: DbNode, state: IterState, opts: DbOptions): number {
  let x: DbNode | null = existing.v;
  const n = nw;
  if (!x) return 0;
  do {
    tick();
    if (chainEq(x, n)) {
      if (n.actTFlg) {
        if (!x.actTFlg) {
          if (treeActCheck(x.nxtT, n.actT) !== 0) return -1;
          nodePut(fieldSlot(x, 'nxtT'));
          x.nxtT = null;
          x.actT = n.actT;
          x.originT = n.originT;
          x.actTFlg = true;
        } else if (n.actT !== x.actT) {
          if (n.hi && n.datumFull > x.datumFull) {
            x.actT = n.actT;
            x.originT = n.originT;
          }
          if (chainLeaf(x) || chainLeaf(n)) return -1;
        }
      }
      if (n.actFFlg) {
        if (!x.actFFlg) {
          if (treeActCheck(x.nxtF, n.actF) !== 0) return -1;
          nodePut(fieldSlot(x, 'nxtF'));
          x.nxtF = null;
          x.actF = n.actF;
          x.originF = n.originF;
          x.actFFlg = true;
        } else if (n.actF !== x.actF) {
          if (n.hi && n.datumFull < x.datumFull) {
            // libseccomp <= 2.5.4 writes the true action here (the bug fixed in 2.6.1).
            if (opts.ltLeMergeBug) {
              x.actT = n.actT;
              x.originT = n.originT;
            } else {
              x.actF = n.actF;
              x.originF = n.originF;
            }
          }
          if (chainLeaf(x) || chainLeaf(n)) return -1;
        }
      }
      if (n.nxtT) {
        if (x.nxtT) {
          const rc = treeAdd(fieldSlot(x, 'nxtT'), n.nxtT, state, opts);
          if (rc !== 0) return rc;
        } else if (!x.actTFlg) {
          x.nxtT = nodeGet(n.nxtT);
        } else {
          return 0;
        }
      }
      if (n.nxtF) {
        if (x.nxtF) {
          const rc = treeAdd(fieldSlot(x, 'nxtF'), n.nxtF, state, opts);
          if (rc !== 0) return rc;
        } else if (!x.actFFlg) {
          x.nxtF = nodeGet(n.nxtF);
        } else {
          return 0;
        }
      }
      return 0;
    } else if (!chainLt(x, n)) {
      if (x.lvlNxt === null) {
        n.lvlPrv = nodeGet(x);
        x.lvlNxt = nodeGet(n);
        return 0;
      }
      x = x.lvlNxt;
    } else {
      if (x.lvlPrv !== null) {
        x.lvlPrv.lvlNxt = nodeGet(n);
        n.lvlPrv = x.lvlPrv;
        x.lvlPrv = nodeGet(n);
        n.lvlNxt = x;
      } else {
        x.lvlPrv = nodeGet(n);
        n.lvlNxt = nodeGet(x);
      }
      if (existing.v === x) {
        existing.v = nodeGet(n);
        nodePut(slot(x));
      }
      return 0;
    }
  } while (x);
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Rule generation (`_db_rule_gen_64`, `_db_rule_gen_32`)

const U32 = 0xffffffffn;
const hi32 = (v: bigint): number => Number((v >> 32n) & U32);
const lo32 = (v: bigint): number => Number(v & U32);

function sortedArgs(rule: DbRule): DbArg[] {
  return [...rule.args].sort((a, b) => a.arg - b.arg);
}

function ruleGen64(rule: DbRule): DbSyscall {
  const s: DbSyscall = { num: rule.syscall, chains: null, action: 0, origin: rule.origin, valid: true, history: '' };
  let prev: [DbNode | null, DbNode | null, DbNode | null] = [null, null, null];
  let cur: [DbNode | null, DbNode | null, DbNode | null] = [null, null, null];
  let opPrev: ArgOp | undefined;
  for (const a of sortedArgs(rule)) {
    const needHi = !(a.op === 'MASKED_EQ' && hi32(a.mask) === 0);
    const needLo = !(a.op === 'MASKED_EQ' && lo32(a.mask) === 0);
    if (!needHi && !needLo) continue;
    const c0 = newNode();
    const c1 = newNode();
    let c2: DbNode | null = null;
    const fill = (c: DbNode, hi: boolean): void => {
      c.arg = a.arg;
      c.hi = hi;
      c.mask = hi ? hi32(a.mask) : lo32(a.mask);
      c.datum = ((hi ? hi32(a.datum) : lo32(a.datum)) & c.mask) >>> 0;
      c.datumFull = a.datum;
      c.opOrig = a.op;
    };
    switch (a.op) {
      case 'GT': case 'GE': case 'LE': case 'LT': {
        c2 = newNode();
        fill(c0, true);
        fill(c1, true);
        fill(c2, false);
        c0.op = 'GT';
        c1.op = 'EQ';
        c2.op = a.op === 'GT' || a.op === 'LE' ? 'GT' : 'GE';
        c0.nxtF = nodeGet(c1);
        c1.nxtT = nodeGet(c2);
        break;
      }
      case 'EQ': case 'MASKED_EQ': case 'NE': {
        fill(c0, true);
        fill(c1, false);
        c0.op = a.op === 'MASKED_EQ' ? 'MASKED_EQ' : 'EQ';
        c1.op = c0.op;
        c0.nxtT = nodeGet(c1);
        break;
      }
    }
    if (prev[0] !== null) {
      switch (opPrev) {
        case 'GT': case 'GE':
          prev[0].nxtT = nodeGet(c0);
          (prev[2] as DbNode).nxtT = nodeGet(c0);
          break;
        case 'EQ': case 'MASKED_EQ':
          (prev[1] as DbNode).nxtT = nodeGet(c0);
          break;
        case 'LE': case 'LT':
          (prev[1] as DbNode).nxtF = nodeGet(c0);
          (prev[2] as DbNode).nxtF = nodeGet(c0);
          break;
        case 'NE':
          prev[0].nxtF = nodeGet(c0);
          (prev[1] as DbNode).nxtF = nodeGet(c0);
          break;
        default:
          throw new Error('libseccomp model: unknown previous operator');
      }
    } else {
      s.chains = nodeGet(c0);
    }
    cur = [c0, c1, c2];
    prev = cur;
    opPrev = a.op;
  }
  const [c0, c1, c2] = cur;
  if (c0 !== null && c1 !== null) {
    const setT = (c: DbNode): void => {
      c.actTFlg = true;
      c.actT = rule.action;
      c.originT = rule.origin;
    };
    const setF = (c: DbNode): void => {
      c.actFFlg = true;
      c.actF = rule.action;
      c.originF = rule.origin;
    };
    switch (opPrev) {
      case 'GT': case 'GE': setT(c0); setT(c2 as DbNode); break;
      case 'LE': case 'LT': setF(c1); setF(c2 as DbNode); break;
      case 'EQ': case 'MASKED_EQ': setT(c1); break;
      case 'NE': setF(c0); setF(c1); break;
      default: break;
    }
  } else {
    s.action = rule.action;
  }
  return s;
}

function ruleGen32(rule: DbRule): DbSyscall {
  const s: DbSyscall = { num: rule.syscall, chains: null, action: 0, origin: rule.origin, valid: true, history: '' };
  let prev: DbNode | null = null;
  let c: DbNode | null = null;
  let tf = true;
  for (const a of sortedArgs(rule)) {
    if (a.op === 'MASKED_EQ' && lo32(a.mask) === 0) continue;
    c = newNode();
    c.arg = a.arg;
    c.hi = false;
    c.op = a.op;
    c.opOrig = a.op;
    c.mask = lo32(a.mask);
    c.datum = lo32(a.datum);
    c.datumFull = a.datum;
    if (prev !== null) {
      if (tf) prev.nxtT = nodeGet(c);
      else prev.nxtF = nodeGet(c);
    } else {
      s.chains = nodeGet(c);
    }
    switch (c.op) {
      case 'NE': c.op = 'EQ'; tf = false; break;
      case 'LT': c.op = 'GE'; tf = false; break;
      case 'LE': c.op = 'GT'; tf = false; break;
      default: tf = true;
    }
    c.datum = (c.datum & c.mask) >>> 0;
    prev = c;
  }
  if (c !== null) {
    if (tf) {
      c.actTFlg = true;
      c.actT = rule.action;
      c.originT = rule.origin;
    } else {
      c.actFFlg = true;
      c.actF = rule.action;
      c.originF = rule.origin;
    }
  } else {
    s.action = rule.action;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Evaluation, as the generated BPF walks the tree

/** The 32-bit word a node tests. */
export function nodeWord(n: DbNode, args: readonly bigint[]): number {
  const v = args[n.arg] ?? 0n;
  return n.hi ? Number((v >> 32n) & U32) : Number(v & U32);
}

/** The node's comparison on its word. */
export function nodeTest(n: DbNode, word: number): boolean {
  const w = (word & n.mask) >>> 0;
  switch (n.op) {
    case 'GT': return w > n.datum;
    case 'GE': return w >= n.datum;
    default: return w === n.datum;
  }
}

function evalLevel(level: DbNode, args: readonly bigint[]): { action: number; origin: Origin } | undefined {
  let n: DbNode | null = level;
  while (n.lvlPrv) {
    tick();
    n = n.lvlPrv;
  }
  for (; n !== null; n = n.lvlNxt) {
    const t = nodeTest(n, nodeWord(n, args));
    const sub = t ? n.nxtT : n.nxtF;
    if (sub) {
      const r = evalLevel(sub, args);
      if (r) return r;
      continue;
    }
    if (t && n.actTFlg) return { action: n.actT, origin: n.originT };
    if (!t && n.actFFlg) return { action: n.actF, origin: n.originF };
  }
  return undefined;
}

/** The first node of the level holding `n`. */
export function levelStart(n: DbNode): DbNode {
  let s = n;
  while (s.lvlPrv) s = s.lvlPrv;
  return s;
}
