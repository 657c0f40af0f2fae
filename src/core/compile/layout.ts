/**
 * Flattens the IR DAG into instructions. Nodes are ordered parents-first (reverse postorder, so a
 * node's false branch or successor usually follows it directly) and emitted BACKWARDS: every jump
 * target already has its place, so offsets are known exactly when the jump is written. A
 * conditional target more than 255 instructions away gets a trampoline right after the jump: a
 * copy of the return when the target is a return, otherwise a `ja` (32-bit offset). Nothing is
 * ever patched afterwards, so a long jump cannot be miscompiled.
 */
import {
  BPF_ABS, BPF_ALU, BPF_AND, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_RET, BPF_W,
} from '../bpf/opcodes.js';
import { insn, type Instruction, type Program } from '../bpf/instruction.js';
import type { JumpOp, Node } from './ir.js';

const JUMP_CODES: Record<JumpOp, number> = {
  jeq: BPF_JMP | BPF_JEQ | BPF_K,
  jgt: BPF_JMP | BPF_JGT | BPF_K,
  jge: BPF_JMP | BPF_JGE | BPF_K,
  jset: BPF_JMP | BPF_JSET | BPF_K,
};
const MAX_COND = 255;

/** Parents before children; the child visited last (false branch / successor) comes right after its parent. */
function orderNodes(root: Node): Node[] {
  const post: Node[] = [];
  const seen = new Set<number>();
  // Iterative DFS: trees can be deep (long clause chains) and recursion would overflow.
  const stack: Array<{ node: Node; i: number }> = [{ node: root, i: 0 }];
  seen.add(root.id);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const kids = children(top.node);
    if (top.i < kids.length) {
      const c = kids[top.i++];
      if (!seen.has(c.id)) {
        seen.add(c.id);
        stack.push({ node: c, i: 0 });
      }
    } else {
      post.push(top.node);
      stack.pop();
    }
  }
  return post.reverse();
}

function children(n: Node): Node[] {
  switch (n.kind) {
    case 'ret': return [];
    case 'jmp': return [n.t, n.f];
    case 'ld':
    case 'and': return [n.next];
  }
}

/** Lays out the DAG rooted at `root` as a program. */
export function layout(root: Node): Program {
  const order = orderNodes(root);
  // Emitted backwards: rev[i] is the instruction that ends up i places before the end.
  const rev: Instruction[] = [];
  const revIndex = new Map<number, number>(); // node id -> rev index of its instruction
  const nearestRet = new Map<number, number>(); // return value -> rev index of the closest `ret` with it

  const push = (ins: Instruction): number => {
    rev.push(ins);
    return rev.length - 1;
  };
  const pushRet = (k: number): number => {
    const r = push(insn(BPF_RET | BPF_K, k));
    nearestRet.set(k, r);
    return r;
  };
  /** rev index a jump from the next pushed instruction should use to reach `n`. */
  const targetOf = (n: Node): number => (n.kind === 'ret' ? (nearestRet.get(n.k) as number) : (revIndex.get(n.id) as number));
  const distance = (target: number): number => rev.length - target - 1; // from an instruction pushed now

  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i];
    switch (n.kind) {
      case 'ret': {
        // A return needs no instruction of its own if an identical one is already reachable by
        // every jump to it; but fall-through predecessors need it adjacent, so always place one.
        revIndex.set(n.id, pushRet(n.k));
        break;
      }
      case 'ld':
      case 'and': {
        ensureAdjacent(n.next);
        const code = n.kind === 'ld' ? BPF_LD | BPF_W | BPF_ABS : BPF_ALU | BPF_AND | BPF_K;
        revIndex.set(n.id, push(insn(code, n.kind === 'ld' ? n.offset : n.k)));
        break;
      }
      case 'jmp': {
        let t = targetOf(n.t);
        let f = targetOf(n.f);
        // Add trampolines until both branches reach; each one pushed moves the jump one further.
        for (;;) {
          if (distance(t) > MAX_COND) {
            t = trampoline(n.t, t);
            continue;
          }
          if (distance(f) > MAX_COND) {
            f = trampoline(n.f, f);
            continue;
          }
          break;
        }
        revIndex.set(n.id, push(insn(JUMP_CODES[n.op], n.k, distance(t), distance(f))));
        break;
      }
    }
  }

  function ensureAdjacent(next: Node): void {
    const at = targetOf(next);
    if (at === rev.length - 1) return;
    trampoline(next, at);
  }

  function trampoline(target: Node, at: number): number {
    if (target.kind === 'ret') return pushRet(target.k);
    return push(insn(BPF_JMP | BPF_JA, distance(at)));
  }

  return rev.reverse();
}
