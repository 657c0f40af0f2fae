/**
 * Forward data-flow over a classic-BPF program: what the accumulator, X and scratch words hold
 * (`seccomp_data.arch`, `seccomp_data.nr`, something else) and what the program has established
 * about the architecture and the x32 bit on the paths that reach each instruction.
 *
 * The disassembler uses it to name syscalls with the table of the architecture checked on that
 * path; the assembler uses the same walk to resolve names, so a disassembly re-assembles to the
 * same bytes. BPF jumps only go forward, so one pass in index order sees every predecessor first.
 */
import type { Instruction } from './instruction.js';
import {
  BPF_ALU, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_MEMWORDS, BPF_RET,
  SECCOMP_DATA_ARCH, SECCOMP_DATA_NR, X32_SYSCALL_BIT, bpfClass, bpfOp, bpfSrc,
} from './opcodes.js';

/** What a 32-bit register or scratch word is known to hold. */
export type WordFact = 'arch' | 'nr' | 'other';

/**
 * What the paths reaching an instruction established about `seccomp_data.arch`:
 * never compared (`unchecked`), compared but not pinned to a set (`unknown`), or one of `values`.
 */
export type ArchFact =
  | { readonly kind: 'unchecked' }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'known'; readonly values: readonly number[] };

/** Whether `nr` is known to carry the x32 bit (0x40000000). */
export type X32Fact = 'set' | 'clear' | 'unknown';

/** The facts at one program point. Immutable: transfer functions return new objects. */
export interface FlowState {
  readonly a: WordFact;
  readonly x: WordFact;
  /** Scratch memory M[0..15]. */
  readonly mem: readonly WordFact[];
  readonly arch: ArchFact;
  readonly x32: X32Fact;
}

/** The state at the first instruction: nothing loaded, nothing checked. */
export const INITIAL_STATE: FlowState = Object.freeze({
  a: 'other',
  x: 'other',
  mem: Object.freeze(new Array<WordFact>(BPF_MEMWORDS).fill('other')),
  arch: Object.freeze({ kind: 'unchecked' }),
  x32: 'unknown',
});

/** Merges the states of two paths that meet: only what both agree on survives. */
export function joinStates(p: FlowState, q: FlowState): FlowState {
  if (p === q) return p;
  const word = (u: WordFact, v: WordFact): WordFact => (u === v ? u : 'other');
  let mem = p.mem;
  if (p.mem !== q.mem) mem = p.mem.map((w, i) => word(w, q.mem[i]));
  return {
    a: word(p.a, q.a),
    x: word(p.x, q.x),
    mem,
    arch: joinArch(p.arch, q.arch),
    x32: p.x32 === q.x32 ? p.x32 : 'unknown',
  };
}

function joinArch(p: ArchFact, q: ArchFact): ArchFact {
  if (p.kind === 'unchecked' && q.kind === 'unchecked') return p;
  if (p.kind === 'known' && q.kind === 'known') {
    const values = [...new Set([...p.values, ...q.values])].sort((u, v) => u - v);
    return { kind: 'known', values };
  }
  return { kind: 'unknown' };
}

/**
 * The effect of one instruction. `cond` carries the state on each branch, undefined when the
 * facts already known make that branch impossible (e.g. `jeq #AUDIT_ARCH_I386` after the path
 * established x86_64).
 */
export type Transfer =
  | { readonly kind: 'ret' }
  | { readonly kind: 'next'; readonly state: FlowState }
  | { readonly kind: 'ja'; readonly state: FlowState }
  | { readonly kind: 'cond'; readonly taken?: FlowState; readonly notTaken?: FlowState };

/** Applies one instruction to a state. Unknown opcodes fall through with A and X forgotten. */
export function transfer(ins: Instruction, s: FlowState): Transfer {
  const code = ins.code;
  const k = ins.k >>> 0;
  switch (code) {
    case 0x20: // ld [k]
      return next({ ...s, a: k === SECCOMP_DATA_NR ? 'nr' : k === SECCOMP_DATA_ARCH ? 'arch' : 'other' });
    case 0x60: // ld M[k]
      return next({ ...s, a: s.mem[k] ?? 'other' });
    case 0x61: // ldx M[k]
      return next({ ...s, x: s.mem[k] ?? 'other' });
    case 0x01: case 0x81: case 0xb1: // ldx #k, ldx len, ldxb 4*([k]&0xf)
      return next({ ...s, x: 'other' });
    case 0x02: // st M[k]
    case 0x03: { // stx M[k]
      if (k >= s.mem.length) return next(s);
      const mem = s.mem.slice();
      mem[k] = code === 0x02 ? s.a : s.x;
      return next({ ...s, mem });
    }
    case 0x07: // tax
      return next({ ...s, x: s.a });
    case 0x87: // txa
      return next({ ...s, a: s.x });
  }
  switch (bpfClass(code)) {
    case BPF_RET:
      return { kind: 'ret' };
    case BPF_JMP:
      if (bpfOp(code) === BPF_JA) return { kind: 'ja', state: s };
      return branch(code, k, s);
    case BPF_ALU:
      return next({ ...s, a: 'other' });
    default:
      // Other loads (imm, len, half/byte, indirect) and unknown codes.
      return next({ ...s, a: 'other', ...(bpfClass(code) === 0x01 || bpfClass(code) === 0x07 ? { x: 'other' as const } : {}) });
  }
}

function next(state: FlowState): Transfer {
  return { kind: 'next', state };
}

/** A conditional jump: refines the arch or x32 facts when it compares them with a constant. */
function branch(code: number, k: number, s: FlowState): Transfer {
  const op = bpfOp(code);
  if (bpfSrc(code) !== BPF_K || (op !== BPF_JEQ && op !== BPF_JGT && op !== BPF_JGE && op !== BPF_JSET)) {
    return { kind: 'cond', taken: s, notTaken: s };
  }
  const holds = (v: number): boolean =>
    op === BPF_JEQ ? v === k : op === BPF_JGT ? v > k : op === BPF_JGE ? v >= k : (v & k) !== 0;
  if (s.a === 'arch') {
    if (s.arch.kind === 'known') {
      const t = s.arch.values.filter(holds);
      const f = s.arch.values.filter((v) => !holds(v));
      return {
        kind: 'cond',
        taken: t.length ? { ...s, arch: { kind: 'known', values: t } } : undefined,
        notTaken: f.length ? { ...s, arch: { kind: 'known', values: f } } : undefined,
      };
    }
    const unknown: ArchFact = { kind: 'unknown' };
    return {
      kind: 'cond',
      taken: { ...s, arch: op === BPF_JEQ ? { kind: 'known', values: [k] } : unknown },
      notTaken: { ...s, arch: unknown },
    };
  }
  if (s.a === 'nr') {
    const [t, f] = x32Split(op, k);
    return { kind: 'cond', taken: withX32(s, t), notTaken: withX32(s, f) };
  }
  return { kind: 'cond', taken: s, notTaken: s };
}

/**
 * What a compare of `nr` with k says about the x32 bit on each branch (undefined: nothing).
 * Ranges assume a real syscall number, below 0x80000000 or -1 (which has the bit set).
 */
function x32Split(op: number, k: number): [X32Fact | undefined, X32Fact | undefined] {
  const bit = (v: number): X32Fact => ((v & X32_SYSCALL_BIT) !== 0 ? 'set' : 'clear');
  switch (op) {
    case BPF_JEQ:
      return [bit(k), undefined];
    case BPF_JSET:
      return [k === X32_SYSCALL_BIT ? 'set' : undefined, (k & X32_SYSCALL_BIT) !== 0 ? 'clear' : undefined];
    case BPF_JGT:
      if (k === 0xffffffff) return [undefined, undefined];
      return x32Split(BPF_JGE, k + 1);
    case BPF_JGE:
      return [
        k >= X32_SYSCALL_BIT && k <= 0x7fffffff ? 'set' : undefined,
        k <= X32_SYSCALL_BIT ? 'clear' : undefined,
      ];
  }
  return [undefined, undefined];
}

function withX32(s: FlowState, fact: X32Fact | undefined): FlowState | undefined {
  if (fact === undefined || fact === s.x32) return s;
  if (s.x32 !== 'unknown') return undefined; // contradicts what the path already established
  return { ...s, x32: fact };
}

/**
 * Collects the states flowing into each instruction while a caller walks the program in index
 * order: `at(i)` is the join of everything sent to `i` by earlier instructions (undefined if
 * nothing reaches it), `send` adds one edge. Edges that go backwards or past the end are ignored
 * (the verifier reports them).
 */
export class FlowWalker {
  private readonly incoming: (FlowState | undefined)[];

  constructor(readonly length: number, initial: FlowState = INITIAL_STATE) {
    this.incoming = new Array<FlowState | undefined>(length).fill(undefined);
    if (length > 0) this.incoming[0] = initial;
  }

  /** The state at instruction `i`, or undefined if no path reaches it. */
  at(i: number): FlowState | undefined {
    return this.incoming[i];
  }

  /** Sends `state` from instruction `from` to instruction `to`. */
  send(from: number, to: number, state: FlowState | undefined): void {
    if (state === undefined || to <= from || to >= this.length) return;
    const cur = this.incoming[to];
    this.incoming[to] = cur === undefined ? state : joinStates(cur, state);
  }

  /** Applies instruction `i` (at its final place in `program` layout) and sends its edges. */
  step(i: number, ins: Instruction, targets: { next: number; jt?: number; jf?: number; ja?: number }): Transfer | undefined {
    const s = this.incoming[i];
    if (s === undefined) return undefined;
    const t = transfer(ins, s);
    switch (t.kind) {
      case 'next':
        this.send(i, targets.next, t.state);
        break;
      case 'ja':
        if (targets.ja !== undefined) this.send(i, targets.ja, t.state);
        break;
      case 'cond':
        if (targets.jt !== undefined) this.send(i, targets.jt, t.taken);
        if (targets.jf !== undefined) this.send(i, targets.jf, t.notTaken);
        break;
    }
    return t;
  }
}

/** The absolute successor indexes of instruction `i` as laid out in a program. */
export function layoutTargets(ins: Instruction, i: number): { next: number; jt?: number; jf?: number; ja?: number } {
  if (bpfClass(ins.code) !== BPF_JMP) return { next: i + 1 };
  if (bpfOp(ins.code) === BPF_JA) return { next: i + 1, ja: i + 1 + (ins.k >>> 0) };
  return { next: i + 1, jt: i + 1 + ins.jt, jf: i + 1 + ins.jf };
}

/** Runs the walk over a whole program; `states[i]` is undefined for unreachable instructions. */
export function analyzeFlow(p: readonly Instruction[]): (FlowState | undefined)[] {
  const w = new FlowWalker(p.length);
  for (let i = 0; i < p.length; i++) w.step(i, p[i], layoutTargets(p[i], i));
  return p.map((_, i) => w.at(i));
}
