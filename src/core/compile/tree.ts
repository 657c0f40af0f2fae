/**
 * Syscall-number dispatch: an ABI's policy over the 32-bit number space -> sorted segments with
 * one leaf each -> adjacent equal leaves merged -> a search tree of `jge` (and `jeq` for single
 * numbers standing inside a larger range) with A holding `nr`.
 * Numbers that cannot reach this subtree (the other side of the x32 split) are "don't care": the
 * segments on either side of such a gap may merge.
 */
import type { AbiPolicy } from '../profile/policy.js';
import { buildClauses } from './args.js';
import { buildIntervalClauses } from './intervals.js';
import type { Node, NodeBuilder } from './ir.js';

/** Inclusive interval of u32 numbers. */
export interface Interval {
  from: number;
  to: number;
}

/** A run of numbers with one decision. */
export interface Segment extends Interval {
  leaf: Node;
}

export const FULL_DOMAIN: readonly Interval[] = [{ from: 0, to: 0xffffffff }];

/** The leaf for every number of the ABI, as segments covering [0, 2^32). */
export function abiSegments(b: NodeBuilder, abi: AbiPolicy, bigEndian: boolean): Segment[] {
  const def = b.ret(abi.defaultAction);
  const points: Segment[] = [];
  for (const s of abi.syscalls) {
    const nr = s.nr >>> 0;
    const leaf = buildIntervalClauses(b, s.clauses, abi.defaultAction, bigEndian) ?? buildClauses(b, s.clauses, def, bigEndian);
    points.push({ from: nr, to: nr, leaf });
  }
  // Range actions apply to numbers without clauses of their own.
  const explicit = new Set(points.map((p) => p.from));
  for (const r of abi.rangeActions) {
    let start = r.from >>> 0;
    const end = r.to >>> 0;
    const leaf = b.ret(r.action);
    for (const nr of [...explicit].filter((n) => n >= start && n <= end).sort((x, y) => x - y)) {
      if (nr > start) points.push({ from: start, to: nr - 1, leaf });
      start = nr + 1;
    }
    if (start <= end) points.push({ from: start, to: end, leaf });
  }
  points.sort((x, y) => x.from - y.from);
  const out: Segment[] = [];
  let next = 0;
  for (const p of points) {
    if (p.from > next) out.push({ from: next, to: p.from - 1, leaf: def });
    out.push(p);
    next = p.to + 1;
  }
  if (next <= 0xffffffff) out.push({ from: next, to: 0xffffffff, leaf: def });
  return mergeAdjacent(out);
}

/** Keeps only the parts of segments inside the domain, then merges equal neighbours across gaps. */
export function restrictToDomain(segs: readonly Segment[], domain: readonly Interval[]): Segment[] {
  const out: Segment[] = [];
  for (const d of domain) {
    for (const s of segs) {
      const from = Math.max(s.from, d.from);
      const to = Math.min(s.to, d.to);
      if (from <= to) out.push({ from, to, leaf: s.leaf });
    }
  }
  out.sort((x, y) => x.from - y.from);
  return mergeAdjacent(out, true);
}

function mergeAdjacent(segs: readonly Segment[], acrossGaps = false): Segment[] {
  const out: Segment[] = [];
  for (const s of segs) {
    const last = out[out.length - 1];
    if (last && last.leaf === s.leaf && (acrossGaps || last.to + 1 === s.from)) last.to = s.to;
    else out.push({ ...s });
  }
  return out;
}

/**
 * A search tree over sorted segments (A = nr). Without weights it is balanced on segment count;
 * with weights (how often each segment is expected, e.g. how many known syscalls it holds) each
 * split balances the weight on both sides, so common segments sit higher. A window of three
 * segments whose outer two share a leaf and whose middle is one number becomes a single `jeq`.
 */
export function searchTree(b: NodeBuilder, segs: readonly Segment[], weights?: readonly number[]): Node {
  const prefix = [0];
  for (let i = 0; i < segs.length; i++) prefix.push(prefix[i] + (weights ? weights[i] : 1));
  const build = (lo: number, hi: number): Node => {
    if (lo === hi) return segs[lo].leaf;
    if (hi - lo === 2 && segs[lo].leaf === segs[hi].leaf && segs[lo + 1].from === segs[lo + 1].to) {
      return b.jmp('jeq', segs[lo + 1].from, segs[lo + 1].leaf, segs[lo].leaf);
    }
    // Split before `mid` where the weights on both sides are closest (ties: the middle index).
    let mid = (lo + hi + 1) >> 1;
    if (weights) {
      let best = Infinity;
      for (let m = lo + 1; m <= hi; m++) {
        const diff = Math.abs(prefix[m] - prefix[lo] - (prefix[hi + 1] - prefix[m]));
        if (diff < best || (diff === best && Math.abs(m - (lo + hi + 1) / 2) < Math.abs(mid - (lo + hi + 1) / 2))) {
          best = diff;
          mid = m;
        }
      }
    }
    return b.jmp('jge', segs[mid].from, build(mid, hi), build(lo, mid - 1));
  };
  return build(0, segs.length - 1);
}

/** Weights for syscall-number segments: the known syscalls each holds, plus a little for the rest. */
export function segmentWeights(segs: readonly Segment[], known: readonly number[]): number[] {
  const sorted = [...known].sort((x, y) => x - y);
  let j = 0;
  return segs.map((s) => {
    let n = 0;
    while (j < sorted.length && sorted[j] < s.from) j++;
    while (j < sorted.length && sorted[j] <= s.to) {
      n++;
      j++;
    }
    return n + 0.25;
  });
}
