/**
 * Disassembler: a program as assembler text that {@link assemble} turns back into the same bytes.
 *
 * Jump targets get labels (named after the action when the target is a `ret`), `seccomp_data`
 * words are named (`[nr]`, `[args[2].lo]`, with the hi/lo order of the ABI known on the path),
 * `arch` compares use AUDIT_ARCH names and `nr` compares use the syscall table of the ABI the
 * program established on that path (data-flow in flow.ts). Every line also carries its index and
 * its raw fields, so nothing is hidden. An encoding the readable syntax cannot express exactly
 * (unused fields set, jumps past the end) is printed as `.insn code, jt, jf, k` with the reading
 * in the comment.
 */
import type { Abi } from '../syscalls/types.js';
import { SeccompKitError } from '../errors.js';
import { decodeAction, formatAction } from './actions.js';
import { auditArchConstantName } from './audit-arch.js';
import type { FlowState } from './flow.js';
import { analyzeFlow, layoutTargets } from './flow.js';
import type { Instruction, Program } from './instruction.js';
import { BPF_JA, BPF_JMP, BPF_K, X32_SYSCALL_BIT, bpfClass, bpfOp, bpfSrc } from './opcodes.js';
import { dataFieldName, labelSyscall, pathAbis, syscallCandidates } from './symbols.js';
import { CLASSIC_CODES } from './verify.js';
import { toAbi } from '../syscalls/index.js';

/** Options of {@link disassemble}. */
export interface DisasmOptions {
  /** The ABI to assume where the program never checks `arch` (`--arch`). */
  abi?: Abi | string;
  /** File name for error messages. */
  file?: string;
  /** Print unknown opcodes as `.insn` instead of failing with a `bpf-opcode` error. */
  allowUnknown?: boolean;
}

/** One disassembled instruction. */
export interface DisasmLine {
  index: number;
  code: number;
  jt: number;
  jf: number;
  k: number;
  /** Label defined at this instruction, if something jumps here. */
  label?: string;
  /** `ld`, `jeq`, `ret`, ..., or `.insn` for the raw form. */
  mnemonic: string;
  /** Operand text (may be empty). */
  operands: string;
  /** `mnemonic operands`: what the assembler reads. */
  text: string;
  /** Annotation for humans (ABI on the path, alternative names, how a raw line reads); may be empty. */
  comment: string;
  /** False when no path from the entry reaches this instruction. */
  reachable: boolean;
  /** ABIs the paths reaching this instruction can be on (empty: unknown). */
  abis: string[];
  /** The `seccomp_data` word an absolute load reads (`nr`, `args[0].lo`). */
  field?: string;
  /** AUDIT_ARCH name of the constant an `arch` compare uses. */
  arch?: string;
  /** The syscall a compare of `nr` names, with the ABI whose table it came from. */
  syscall?: { abi: string; name: string; nr: number };
  /** For `ret #k`: the action. */
  action?: { kind: string; data: number };
  /** Absolute indexes this instruction can continue at (empty for `ret`). */
  successors: number[];
}

/** The result of {@link disassemble}. */
export interface Disassembly {
  lines: DisasmLine[];
  /** Plain text (no colour), assemblable. */
  text: string;
  /** The `.arch` fallback used, if any. */
  abi?: string;
}

/** Colour hooks for {@link renderDisassembly}; identity when omitted. */
export interface DisasmPainter {
  index?: (s: string) => string;
  label?: (s: string) => string;
  mnemonic?: (s: string) => string;
  /** Called for the operand of `ret` with the action kind. */
  action?: (s: string, kind: string) => string;
  comment?: (s: string) => string;
}

const ALU_NAMES: Readonly<Record<number, string>> = {
  0x00: 'add', 0x10: 'sub', 0x20: 'mul', 0x30: 'div', 0x40: 'or', 0x50: 'and', 0x60: 'lsh', 0x70: 'rsh', 0x90: 'mod', 0xa0: 'xor',
};
const JUMP_NAMES: Readonly<Record<number, [string, string]>> = {
  0x10: ['jeq', 'jne'], 0x20: ['jgt', 'jle'], 0x30: ['jge', 'jlt'], 0x40: ['jset', 'jnset'],
};


/** Formats a constant: decimal below 256, hex above. */
function formatNumber(k: number): string {
  const v = k >>> 0;
  return v < 256 ? String(v) : `0x${v.toString(16)}`;
}

/** The raw fields as a C initializer, as `formatCArray` prints them. */
export function formatRawFields(ins: Instruction): string {
  return `{ 0x${ins.code.toString(16).padStart(2, '0')}, ${ins.jt}, ${ins.jf}, 0x${(ins.k >>> 0).toString(16).padStart(8, '0')} }`;
}

/** `.insn 0x15, 0, 9, 0xc000003e`: the exact encoding, for what the readable syntax cannot express. */
function rawText(ins: Instruction): string {
  return `0x${ins.code.toString(16).padStart(2, '0')}, ${ins.jt}, ${ins.jf}, 0x${(ins.k >>> 0).toString(16)}`;
}

interface Decoded {
  mnemonic: string;
  operands: string;
  /** Fields the readable text does not encode must be zero for it to be exact. */
  exact: boolean;
  /** Why the readable text is not exact (for the `.insn` comment). */
  why?: string;
  comment: string[];
  field?: string;
  arch?: string;
  syscall?: DisasmLine['syscall'];
  action?: DisasmLine['action'];
}

/**
 * Disassembles a program. Throws a `bpf-opcode` error naming the instruction for an opcode classic
 * BPF does not define (unless `allowUnknown`).
 */
export function disassemble(p: Program, opts: DisasmOptions = {}): Disassembly {
  const fallback = opts.abi === undefined ? undefined : toAbi(opts.abi);
  const n = p.length;
  for (let i = 0; i < n && !opts.allowUnknown; i++) {
    if (!CLASSIC_CODES.has(p[i].code)) {
      throw new SeccompKitError('bpf-opcode', `unknown opcode 0x${p[i].code.toString(16).padStart(4, '0')}`, {
        source: { file: opts.file, instruction: i },
      });
    }
  }
  const states = analyzeFlow(p);
  const labels = assignLabels(p);
  const lines: DisasmLine[] = [];
  for (let i = 0; i < n; i++) {
    const ins = p[i];
    const state = states[i];
    const abis = pathAbis(state, fallback);
    const d = CLASSIC_CODES.has(ins.code) ? decode(ins, i, state, abis, labels, n) : undefined;
    const comment: string[] = [];
    if (state === undefined) comment.push('unreachable');
    let mnemonic: string;
    let operands: string;
    if (d && d.exact) {
      mnemonic = d.mnemonic;
      operands = d.operands;
      comment.push(...d.comment);
    } else {
      mnemonic = '.insn';
      operands = rawText(ins);
      comment.push(d ? `${[d.mnemonic, d.operands].filter(Boolean).join(' ')} ${d.why ?? 'with unused fields set'}` : 'unknown opcode');
    }
    const t = layoutTargets(ins, i);
    const cls = bpfClass(ins.code);
    const successors =
      cls === 0x06 ? [] : cls === BPF_JMP ? (bpfOp(ins.code) === BPF_JA ? [t.ja as number] : [...new Set([t.jt as number, t.jf as number])]) : [t.next];
    const line: DisasmLine = {
      index: i,
      code: ins.code,
      jt: ins.jt,
      jf: ins.jf,
      k: ins.k >>> 0,
      mnemonic,
      operands,
      text: operands ? `${mnemonic} ${operands}` : mnemonic,
      comment: comment.join('; '),
      reachable: state !== undefined,
      abis: abis.map((a) => a.name),
      successors,
    };
    const label = labels.get(i);
    if (label !== undefined) line.label = label;
    if (d?.field !== undefined) line.field = d.field;
    if (d?.arch !== undefined) line.arch = d.arch;
    if (d?.syscall !== undefined) line.syscall = d.syscall;
    if (d?.action !== undefined) line.action = d.action;
    lines.push(line);
  }
  const result: Disassembly = { lines, text: '' };
  if (fallback) result.abi = fallback.name;
  result.text = renderDisassembly(result);
  return result;
}

/** Labels for every in-range jump target: the action's name for `ret` targets, else `L` + index. */
function assignLabels(p: Program): Map<number, string> {
  const n = p.length;
  const width = Math.max(4, String(n).length);
  const targets = new Set<number>();
  for (let i = 0; i < n; i++) {
    const ins = p[i];
    if (bpfClass(ins.code) !== BPF_JMP || !CLASSIC_CODES.has(ins.code)) continue;
    const t = layoutTargets(ins, i);
    if (bpfOp(ins.code) === BPF_JA) {
      if (ins.k !== 0 && (t.ja as number) < n) targets.add(t.ja as number);
    } else if ((t.jt as number) < n && (t.jf as number) < n) {
      if (ins.jt !== 0) targets.add(t.jt as number);
      if (ins.jf !== 0) targets.add(t.jf as number);
    }
  }
  const used = new Set<string>();
  const labels = new Map<number, string>();
  for (const i of [...targets].sort((u, v) => u - v)) {
    let base = `L${String(i).padStart(width, '0')}`;
    const ins = p[i];
    if (ins.code === 0x06 && ins.jt === 0 && ins.jf === 0) {
      const text = formatAction(ins.k);
      if (!text.startsWith('0x')) base = text.toLowerCase().replace(/\((\d+)\)$/, '_$1');
    }
    let name = base;
    for (let j = 2; used.has(name); j++) name = `${base}_${j}`;
    used.add(name);
    labels.set(i, name);
  }
  return labels;
}

function decode(
  ins: Instruction,
  i: number,
  state: FlowState | undefined,
  abis: Abi[],
  labels: ReadonlyMap<number, string>,
  n: number,
): Decoded | undefined {
  const { code, jt, jf } = ins;
  const k = ins.k >>> 0;
  const noJumps = jt === 0 && jf === 0;
  const d = (mnemonic: string, operands: string, exact: boolean, comment: string[] = []): Decoded => ({ mnemonic, operands, exact, comment });
  const abiNote = (): string[] => {
    if (state === undefined) return [];
    if (abis.length > 0) return [abis.map((a) => a.name).join(' | ')];
    return [state.arch.kind === 'unchecked' ? 'arch not checked on this path (see --arch)' : 'arch not known on this path'];
  };
  switch (code) {
    case 0x20: { // ld [k]
      const f = dataFieldName(k, abis);
      const out = d('ld', `[${f ?? formatNumber(k)}]`, noJumps, f === 'nr' || (f !== undefined && f.startsWith('args')) ? abiNote() : []);
      if (f !== undefined) out.field = f;
      return out;
    }
    case 0x28: return d('ldh', `[${formatNumber(k)}]`, noJumps);
    case 0x30: return d('ldb', `[${formatNumber(k)}]`, noJumps);
    case 0x40: return d('ld', `[x + ${formatNumber(k)}]`, noJumps);
    case 0x48: return d('ldh', `[x + ${formatNumber(k)}]`, noJumps);
    case 0x50: return d('ldb', `[x + ${formatNumber(k)}]`, noJumps);
    case 0x00: return d('ld', `#${formatNumber(k)}`, noJumps);
    case 0x60: return d('ld', `M[${k}]`, noJumps);
    case 0x80: return d('ld', 'len', noJumps && k === 0);
    case 0x01: return d('ldx', `#${formatNumber(k)}`, noJumps);
    case 0x61: return d('ldx', `M[${k}]`, noJumps);
    case 0x81: return d('ldx', 'len', noJumps && k === 0);
    case 0xb1: return d('ldxb', `4*([${formatNumber(k)}]&0xf)`, noJumps);
    case 0x02: return d('st', `M[${k}]`, noJumps);
    case 0x03: return d('stx', `M[${k}]`, noJumps);
    case 0x07: return d('tax', '', noJumps && k === 0);
    case 0x87: return d('txa', '', noJumps && k === 0);
    case 0x84: return d('neg', '', noJumps && k === 0);
    case 0x16: return d('ret', 'A', noJumps && k === 0);
    case 0x06: {
      const text = formatAction(k);
      const out = d('ret', text.startsWith('0x') ? `#${text}` : text, noJumps);
      const a = decodeAction(k);
      if (a.known) out.action = { kind: a.kind, data: a.data };
      else out.comment.push('unknown action: the kernel treats it as KILL_PROCESS');
      return out;
    }
  }
  const cls = bpfClass(code);
  if (cls === 0x04) {
    const name = ALU_NAMES[bpfOp(code)];
    return bpfSrc(code) === BPF_K ? d(name, `#${formatNumber(k)}`, noJumps) : d(name, 'x', noJumps && k === 0);
  }
  if (cls !== BPF_JMP) return undefined;
  if (bpfOp(code) === BPF_JA) {
    const target = i + 1 + k;
    if (target >= n) return { ...d('ja', `+${k}`, false), why: 'jumps past the end' };
    return d('ja', k === 0 ? 'next' : (labels.get(target) as string), noJumps);
  }
  // Conditional jump.
  const [name, negated] = JUMP_NAMES[bpfOp(code)];
  const tIdx = i + 1 + jt;
  const fIdx = i + 1 + jf;
  if (tIdx >= n || fIdx >= n) return { ...d(name, `+${jt}, +${jf}`, false), why: 'jumps past the end' };
  const useX = bpfSrc(code) !== BPF_K;
  const out = d('', '', !useX || k === 0);
  let value = useX ? 'x' : `#${formatNumber(k)}`;
  if (!useX && state !== undefined) {
    if (state.a === 'arch' && name !== 'jset') {
      const an = auditArchConstantName(k);
      if (an !== undefined) {
        value = `#${an}`;
        out.arch = an;
      }
    } else if (state.a === 'nr') {
      if ((name === 'jge' || name === 'jset') && k === X32_SYSCALL_BIT) {
        value = '#X32_SYSCALL_BIT';
        out.comment.push('x32 syscall numbers have this bit');
      } else if (name !== 'jset') {
        const l = labelSyscall(k, abis);
        if (l) {
          value = `#${l.text}`;
          out.syscall = { abi: l.abi.name, name: l.name, nr: k };
          out.comment.push(l.abi.name);
        } else {
          const c = syscallCandidates(k, abis);
          if (c.length > 0) out.comment.push(c.map((x) => `${x.abi}: ${x.name}`).join(', '));
          else out.comment.push(...abiNote());
        }
      }
    }
  }
  const lbl = (idx: number, off: number): string => (off === 0 ? 'next' : (labels.get(idx) as string));
  if (jt !== 0 && jf === 0) {
    out.mnemonic = name;
    out.operands = `${value}, ${lbl(tIdx, jt)}`;
  } else if (jt === 0 && jf !== 0) {
    out.mnemonic = negated;
    out.operands = `${value}, ${lbl(fIdx, jf)}`;
  } else if (jt === 0 && jf === 0) {
    out.mnemonic = name;
    out.operands = `${value}, next`;
  } else {
    out.mnemonic = name;
    out.operands = `${value}, ${lbl(tIdx, jt)}, ${lbl(fIdx, jf)}`;
  }
  return out;
}

/** Layout of {@link renderDisasmLine}: index digits and the column where the `;` comment starts. */
export interface DisasmLayout {
  indexWidth: number;
  commentColumn: number;
}

/** The layout {@link renderDisassembly} uses for these lines. */
export function disasmLayout(lines: readonly DisasmLine[]): DisasmLayout {
  const longest = Math.max(0, ...lines.map(bodyLength));
  return { indexWidth: Math.max(4, String(lines.length).length), commentColumn: Math.min(40, Math.max(24, longest)) + 2 };
}

function bodyLength(l: DisasmLine): number {
  return Math.max(5, l.mnemonic.length) + 1 + l.operands.length;
}

/** One instruction line: `0003  jeq   #read, allow          ; { 0x15, 5, 0, 0x00000000 }  x86_64`. */
export function renderDisasmLine(l: DisasmLine, layout: DisasmLayout, paint: DisasmPainter = {}): string {
  const id = (s: string): string => s;
  const pi = paint.index ?? id;
  const pm = paint.mnemonic ?? id;
  const pc = paint.comment ?? id;
  let ops = l.operands;
  if (l.mnemonic === 'ret' && l.action && paint.action) ops = paint.action(ops, l.action.kind);
  const pad = ' '.repeat(Math.max(1, layout.commentColumn - bodyLength(l)));
  const comment = `; ${formatRawFields(l)}${l.comment ? `  ${l.comment}` : ''}`;
  return `${pi(String(l.index).padStart(layout.indexWidth, '0'))}  ${pm(l.mnemonic.padEnd(5))} ${ops}${pad}${pc(comment)}`;
}

/**
 * Renders a disassembly as text: a header comment, `.arch` when a fallback ABI was used, label
 * lines, and one line per instruction with its index first and `; { code, jt, jf, k }  comment`
 * last. The assembler reads this text back (the leading index is skipped).
 */
export function renderDisassembly(d: Disassembly, paint: DisasmPainter = {}): string {
  const id = (s: string): string => s;
  const pl = paint.label ?? id;
  const pm = paint.mnemonic ?? id;
  const pc = paint.comment ?? id;
  const n = d.lines.length;
  const layout = disasmLayout(d.lines);
  const out: string[] = [pc(`; seccomp-kit disasm: ${n} instruction${n === 1 ? '' : 's'}`)];
  if (d.abi) {
    const pad = ' '.repeat(Math.max(1, layout.indexWidth + 2 + layout.commentColumn - 6 - d.abi.length));
    out.push(`${' '.repeat(layout.indexWidth + 2)}${pm('.arch')} ${d.abi}${pad}${pc('; assumed where the program does not check arch')}`);
  }
  for (const l of d.lines) {
    if (l.label !== undefined) out.push(pl(`${l.label}:`));
    out.push(renderDisasmLine(l, layout, paint));
  }
  return `${out.join('\n')}\n`;
}
