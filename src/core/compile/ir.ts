/**
 * The compiler's intermediate form: a DAG of one-instruction nodes, each a pure function of
 * (A, seccomp_data) -> return value. Because loads are explicit nodes, two structurally equal nodes
 * compute the same function whatever path reaches them, so the builder shares them freely
 * (hash-consing). libseccomp's bug #148 came from sharing blocks that silently assumed a
 * particular accumulator content; here that assumption is part of the structure.
 */

export type JumpOp = 'jeq' | 'jgt' | 'jge' | 'jset';

export type Node =
  | { readonly kind: 'ret'; readonly id: number; readonly k: number }
  | { readonly kind: 'jmp'; readonly id: number; readonly op: JumpOp; readonly k: number; readonly t: Node; readonly f: Node }
  | { readonly kind: 'ld'; readonly id: number; readonly offset: number; readonly next: Node }
  | { readonly kind: 'and'; readonly id: number; readonly k: number; readonly next: Node };

/** Creates nodes, returning the existing node for a structure already built. */
export class NodeBuilder {
  private readonly table = new Map<string, Node>();
  private nextId = 0;

  /** Number of distinct nodes built so far. */
  get size(): number {
    return this.table.size;
  }

  private intern<N extends Node>(key: string, make: (id: number) => N): N {
    const found = this.table.get(key);
    if (found) return found as N;
    const node = make(this.nextId++);
    this.table.set(key, node);
    return node;
  }

  ret(k: number): Node {
    const v = k >>> 0;
    return this.intern(`r${v}`, (id) => ({ kind: 'ret', id, k: v }));
  }

  /** A conditional jump; a test whose two outcomes are the same node is no test at all. */
  jmp(op: JumpOp, k: number, t: Node, f: Node): Node {
    if (t === f) return t;
    const v = k >>> 0;
    return this.intern(`j${op}:${v}:${t.id}:${f.id}`, (id) => ({ kind: 'jmp', id, op, k: v, t, f }));
  }

  /** A load whose next step is a constant return is dead (and would cost the action cache). */
  ld(offset: number, next: Node): Node {
    if (next.kind === 'ret') return next;
    return this.intern(`l${offset}:${next.id}`, (id) => ({ kind: 'ld', id, offset, next }));
  }

  and(k: number, next: Node): Node {
    const v = k >>> 0;
    if (v === 0xffffffff || next.kind === 'ret') return next;
    return this.intern(`a${v}:${next.id}`, (id) => ({ kind: 'and', id, k: v, next }));
  }
}
