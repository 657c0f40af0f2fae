/**
 * Assembler: the disassembler's text, or hand-written text with labels and symbolic names, to a
 * program. Syntax (one statement per line; README has the grammar):
 *
 *     ; comment        // comment       # comment (at line start or followed by a space)
 *     .arch x86_64                      ABI for syscall names where the program never checks arch
 *     .relax                            allow `ja` trampolines for conditional jumps > 255
 *     label:  ld [nr]                   A = seccomp_data word (nr, arch, args[i].lo/.hi, ...)
 *             jne #AUDIT_ARCH_X86_64, kill
 *             jeq #fchmodat2, deny      jump to deny if equal, else fall through
 *             jeq #read, yes, no        both branches
 *             ret ERRNO(1)              ret ALLOW, ret KILL_PROCESS, ret #0x7fff0000, ret A
 *             .insn 0x15, 0, 1, 0x3e    an exact encoding
 *
 * Syscall names resolve with the table of the ABI the program established on the path reaching
 * the line (the data-flow of flow.ts, the same the disassembler names them with), else `.arch` /
 * the `abi` option; `x32.write` names an ABI explicitly. Errors are `bpf-asm` errors with file,
 * line and column.
 */
import type { Abi } from '../syscalls/types.js';
import { SeccompKitError } from '../errors.js';
import { parseAction } from './actions.js';
import { FlowWalker } from './flow.js';
import type { Instruction, Program } from './instruction.js';
import { BPF_JA, BPF_JMP, bpfClass, bpfOp } from './opcodes.js';
import { dataFieldOffset, globalConstant, pathAbis, resolveSyscallOnPath } from './symbols.js';
import { getAbi, toAbi } from '../syscalls/index.js';

/** Options of {@link assemble}. */
export interface AssembleOptions {
  /** File name for error messages. */
  file?: string;
  /** ABI for syscall names where the program never checks arch (like `.arch`). */
  abi?: Abi | string;
  /** Insert `ja` trampolines for conditional jumps farther than 255 (like `.relax`). */
  relax?: boolean;
}

/** The result of {@link assembleDetailed}. */
export interface AssembleResult {
  program: Program;
  /** For each instruction, the 1-based source line it came from (a trampoline: its jump's line). */
  sourceLines: number[];
  /** Number of `ja` trampolines inserted by relaxation. */
  trampolines: number;
  /** The ABI from `.arch` or the option, if any. */
  abi?: string;
}

type KExpr =
  | { kind: 'num'; value: number }
  | { kind: 'name'; name: string; column: number }
  | { kind: 'field'; name: string; column: number };

type Target = { kind: 'next' } | { kind: 'label'; name: string; column: number };

interface Stmt {
  line: number;
  column: number;
  code: number;
  k: KExpr;
  /** plain: falls through; cond: jt/jf; ja: target; raw: `.insn`. */
  kind: 'plain' | 'cond' | 'ja' | 'raw';
  jt?: Target;
  jf?: Target;
  target?: Target;
  raw?: Instruction;
}

const ALU_CODES: Readonly<Record<string, number>> = {
  add: 0x00, sub: 0x10, mul: 0x20, div: 0x30, or: 0x40, and: 0x50, lsh: 0x60, rsh: 0x70, mod: 0x90, xor: 0xa0,
};
/** Conditional jumps: opcode and whether the mnemonic is the negation (jt/jf swapped). */
const JUMPS: Readonly<Record<string, [number, boolean]>> = {
  jeq: [0x15, false], jne: [0x15, true], jneq: [0x15, true],
  jgt: [0x25, false], jle: [0x25, true],
  jge: [0x35, false], jlt: [0x35, true],
  jset: [0x45, false], jnset: [0x45, true],
};

const IDENT = /^[A-Za-z_][A-Za-z0-9_.$]*$/;

/** Assembles text to a program. */
export function assemble(text: string, opts: AssembleOptions = {}): Program {
  return assembleDetailed(text, opts).program;
}

/** Assembles text and reports where each instruction came from. */
export function assembleDetailed(text: string, opts: AssembleOptions = {}): AssembleResult {
  const file = opts.file;
  const fail = (message: string, line: number, column: number, hint?: string): never => {
    throw new SeccompKitError('bpf-asm', message, { source: { file, line, column }, hint });
  };

  // ---- Pass 1: parse statements and labels.
  const stmts: Stmt[] = [];
  const labels = new Map<string, { index: number; line: number }>();
  let relax = opts.relax ?? false;
  let fallback = opts.abi === undefined ? undefined : toAbi(opts.abi);
  let archLine = 0;
  const lines = text.split('\n');
  for (let ln = 0; ln < lines.length; ln++) {
    const lineNo = ln + 1;
    const src = stripComment(lines[ln].replace(/\r$/, ''));
    let pos = 0;
    const skipWs = (): void => {
      while (pos < src.length && (src[pos] === ' ' || src[pos] === '\t')) pos++;
    };
    skipWs();
    // The disassembler's index column.
    const idx = /^\d+(?=\s|$)/.exec(src.slice(pos));
    if (idx) {
      pos += idx[0].length;
      skipWs();
    }
    // Labels.
    for (;;) {
      const m = /^([A-Za-z_][A-Za-z0-9_.$]*)\s*:/.exec(src.slice(pos));
      if (!m) break;
      const name = m[1];
      if (name === 'next') fail('`next` is reserved (it means the following instruction) and cannot be a label', lineNo, pos + 1);
      const prev = labels.get(name);
      if (prev) fail(`label ${name} is already defined on line ${prev.line}`, lineNo, pos + 1);
      labels.set(name, { index: stmts.length, line: lineNo });
      pos += m[0].length;
      skipWs();
    }
    if (pos >= src.length) continue;
    const mm = /^\.?[A-Za-z][A-Za-z0-9_]*/.exec(src.slice(pos));
    if (!mm) fail(`expected an instruction, a directive or a label, found ${JSON.stringify(src.slice(pos, pos + 12))}`, lineNo, pos + 1);
    const mnemonic = (mm as RegExpExecArray)[0].toLowerCase();
    const mcol = pos + 1;
    pos += (mm as RegExpExecArray)[0].length;
    if (pos < src.length && src[pos] !== ' ' && src[pos] !== '\t') {
      fail(`expected whitespace after ${mnemonic}, found ${JSON.stringify(src[pos])}`, lineNo, pos + 1);
    }
    const ops = splitOperands(src, pos);
    const want = (count: number | [number, number], what: string): void => {
      const [lo, hi] = typeof count === 'number' ? [count, count] : count;
      if (ops.length < lo || ops.length > hi) {
        const at = ops.length > hi ? ops[hi].column : src.length + 1;
        fail(`${mnemonic} takes ${what}; found ${ops.length} operand${ops.length === 1 ? '' : 's'}`, lineNo, at);
      }
    };
    const push = (s: Omit<Stmt, 'line' | 'column'>): void => {
      stmts.push({ line: lineNo, column: mcol, ...s });
    };

    // Directives.
    if (mnemonic === '.arch') {
      want(1, 'one ABI name (x86_64, x86, x32, aarch64, ...)');
      const abi = getAbi(ops[0].text);
      if (!abi) fail(`unknown architecture ${ops[0].text}`, lineNo, ops[0].column, 'expected an ABI name such as x86_64, x86, x32, aarch64, arm, riscv64, s390x');
      if (archLine) fail(`.arch is already given on line ${archLine}`, lineNo, mcol);
      if (fallback && fallback !== abi) {
        fail(`.arch ${(abi as Abi).name} conflicts with --arch ${fallback.name}`, lineNo, ops[0].column);
      }
      fallback = abi;
      archLine = lineNo;
      continue;
    }
    if (mnemonic === '.relax') {
      want(0, 'no operands');
      relax = true;
      continue;
    }
    if (mnemonic === '.insn') {
      want(4, 'four operands: code, jt, jf, k');
      const field = (o: Operand, name: string, max: number): number => {
        const v = parseNumber(o.text.replace(/^#/, ''));
        if (v === undefined || v < 0 || v > max) fail(`expected ${name} as a number 0..${max}, found ${JSON.stringify(o.text)}`, lineNo, o.column);
        return v as number;
      };
      const code = field(ops[0], 'code', 0xffff);
      const jt = field(ops[1], 'jt', 0xff);
      const jf = field(ops[2], 'jf', 0xff);
      const k = parseConst(ops[3].text.replace(/^#/, ''));
      if (k === undefined) fail(`expected k as a 32-bit number, found ${JSON.stringify(ops[3].text)}`, lineNo, ops[3].column);
      push({ code, k: { kind: 'num', value: k as number }, kind: 'raw', raw: { code, jt, jf, k: k as number } });
      continue;
    }
    if (mnemonic.startsWith('.')) fail(`unknown directive ${mnemonic}`, lineNo, mcol, 'expected .arch, .relax or .insn');

    // Instructions.
    const constOp = (o: Operand, allowBare: boolean): KExpr => {
      const hash = o.text.startsWith('#');
      const body = (hash ? o.text.slice(1) : o.text).trim();
      const col = o.column + (hash ? 1 : 0);
      if (!hash && !allowBare) fail(`expected #k (a constant) for ${mnemonic}, found ${JSON.stringify(o.text)}`, lineNo, o.column);
      const v = parseConst(body);
      if (v !== undefined) return { kind: 'num', value: v };
      if (/^-?(?:0x|0o|0b)?[0-9]/i.test(body)) fail(`bad number ${JSON.stringify(body)} (expected a 32-bit value: decimal, 0x hex, 0o octal, 0b binary, or negative)`, lineNo, col);
      if (!IDENT.test(body)) fail(`expected a number or a name, found ${JSON.stringify(body)}`, lineNo, col);
      return { kind: 'name', name: body, column: col };
    };
    const memOp = (o: Operand): number => {
      const m = /^M\s*\[\s*([^\]]+?)\s*\]$/i.exec(o.text);
      const v = m ? parseNumber(m[1]) : undefined;
      if (v === undefined || v > 0xffffffff) fail(`expected M[n] (a scratch word, n = 0..15), found ${JSON.stringify(o.text)}`, lineNo, o.column);
      return v as number;
    };
    const targetOp = (o: Operand): Target => {
      if (o.text === 'next') return { kind: 'next' };
      if (!/^[A-Za-z_][A-Za-z0-9_.$]*$/.test(o.text)) fail(`expected a label (or next), found ${JSON.stringify(o.text)}`, lineNo, o.column);
      return { kind: 'label', name: o.text, column: o.column };
    };
    /** `[k]`, `[field]`, `[x + k]` for absolute and indirect loads. */
    const packetOp = (o: Operand, absCode: number, indCode: number): Omit<Stmt, 'line' | 'column'> => {
      const m = /^\[\s*(.*?)\s*\]$/.exec(o.text);
      if (!m) fail(`expected [k] or [x + k], found ${JSON.stringify(o.text)}`, lineNo, o.column);
      const inner = (m as RegExpExecArray)[1];
      const innerCol = o.column + o.text.indexOf(inner);
      const ind = /^x\s*(?:\+\s*(.+))?$/i.exec(inner);
      if (ind) {
        const v = ind[1] === undefined ? 0 : parseConst(ind[1]);
        if (v === undefined) fail(`expected [x + k] with a number k, found ${JSON.stringify(o.text)}`, lineNo, innerCol);
        return { code: indCode, k: { kind: 'num', value: v as number }, kind: 'plain' };
      }
      const v = parseConst(inner);
      if (v !== undefined) return { code: absCode, k: { kind: 'num', value: v }, kind: 'plain' };
      if (dataFieldOffset(inner, []) === undefined) {
        fail(`expected a seccomp_data field (nr, arch, instruction_pointer.lo/.hi, args[0-5].lo/.hi) or an offset, found ${JSON.stringify(inner)}`, lineNo, innerCol);
      }
      return { code: absCode, k: { kind: 'field', name: inner, column: innerCol }, kind: 'plain' };
    };
    const mshOp = (o: Operand): number => {
      const m = /^4\s*\*\s*\(\s*\[\s*([^\]]+?)\s*\]\s*&\s*0x0*f\s*\)$/i.exec(o.text);
      const v = m ? parseConst(m[1]) : undefined;
      if (v === undefined) fail(`expected 4*([k]&0xf), found ${JSON.stringify(o.text)}`, lineNo, o.column);
      return v as number;
    };

    switch (mnemonic) {
      case 'ld': case 'ldi': {
        want(1, mnemonic === 'ldi' ? 'one operand: #k' : 'one operand: [k], a seccomp_data field, M[n], #k or len');
        const o = ops[0];
        const t = o.text;
        if (mnemonic === 'ldi' || t.startsWith('#')) {
          if (/^#?len$/i.test(t) && mnemonic === 'ld') push({ code: 0x80, k: { kind: 'num', value: 0 }, kind: 'plain' });
          else push({ code: 0x00, k: constOp(o, mnemonic === 'ldi'), kind: 'plain' });
        } else if (/^len$/i.test(t)) push({ code: 0x80, k: { kind: 'num', value: 0 }, kind: 'plain' });
        else if (/^M\s*\[/i.test(t)) push({ code: 0x60, k: { kind: 'num', value: memOp(o) }, kind: 'plain' });
        else if (t.startsWith('[')) push(packetOp(o, 0x20, 0x40));
        else if (dataFieldOffset(t, []) !== undefined) push({ code: 0x20, k: { kind: 'field', name: t, column: o.column }, kind: 'plain' });
        else fail(`expected [k], a seccomp_data field (nr, arch, args[i].lo, ...), M[n], #k or len after ld, found ${JSON.stringify(t)}`, lineNo, o.column);
        break;
      }
      case 'ldh': case 'ldb':
        want(1, 'one operand: [k] or [x + k]');
        push(packetOp(ops[0], mnemonic === 'ldh' ? 0x28 : 0x30, mnemonic === 'ldh' ? 0x48 : 0x50));
        break;
      case 'ldx': case 'ldxi': case 'ldxb': {
        want(1, 'one operand');
        const o = ops[0];
        const t = o.text;
        if (mnemonic === 'ldxb' || /^4\s*\*/.test(t)) push({ code: 0xb1, k: { kind: 'num', value: mshOp(o) }, kind: 'plain' });
        else if (mnemonic === 'ldxi' || t.startsWith('#')) {
          if (/^#len$/i.test(t) && mnemonic === 'ldx') push({ code: 0x81, k: { kind: 'num', value: 0 }, kind: 'plain' });
          else push({ code: 0x01, k: constOp(o, mnemonic === 'ldxi'), kind: 'plain' });
        } else if (/^len$/i.test(t)) push({ code: 0x81, k: { kind: 'num', value: 0 }, kind: 'plain' });
        else if (/^M\s*\[/i.test(t)) push({ code: 0x61, k: { kind: 'num', value: memOp(o) }, kind: 'plain' });
        else fail(`expected #k, M[n], len or 4*([k]&0xf) after ldx, found ${JSON.stringify(t)}`, lineNo, o.column);
        break;
      }
      case 'st': case 'stx':
        want(1, 'one operand: M[n]');
        push({ code: mnemonic === 'st' ? 0x02 : 0x03, k: { kind: 'num', value: memOp(ops[0]) }, kind: 'plain' });
        break;
      case 'tax': case 'txa': case 'neg':
        want(0, 'no operands');
        push({ code: mnemonic === 'tax' ? 0x07 : mnemonic === 'txa' ? 0x87 : 0x84, k: { kind: 'num', value: 0 }, kind: 'plain' });
        break;
      case 'ret': {
        want(1, 'one operand: an action (ALLOW, ERRNO(1), KILL_PROCESS, ...), #k or A');
        const o = ops[0];
        const body = o.text.replace(/^#/, '').trim();
        if (/^a$/i.test(o.text)) {
          push({ code: 0x16, k: { kind: 'num', value: 0 }, kind: 'plain' });
          break;
        }
        const act = parseAction(body);
        const v = act ?? parseConst(body);
        if (v === undefined) {
          fail(`expected an action (ALLOW, LOG, ERRNO(n), TRACE(n), TRAP(n), USER_NOTIF, KILL_THREAD, KILL_PROCESS), #k or A after ret, found ${JSON.stringify(o.text)}`, lineNo, o.column,
            /^x$/i.test(o.text) ? 'classic BPF has no `ret X`; use `txa` then `ret A`' : undefined);
        }
        push({ code: 0x06, k: { kind: 'num', value: v as number }, kind: 'plain' });
        break;
      }
      case 'ja': case 'jmp': case 'goto':
        want(1, 'one operand: a label');
        push({ code: 0x05, k: { kind: 'num', value: 0 }, kind: 'ja', target: targetOp(ops[0]) });
        break;
      default: {
        if (mnemonic in ALU_CODES) {
          want(1, 'one operand: #k or x');
          const op = ALU_CODES[mnemonic];
          if (/^x$/i.test(ops[0].text)) push({ code: 0x0c | op, k: { kind: 'num', value: 0 }, kind: 'plain' });
          else push({ code: 0x04 | op, k: constOp(ops[0], true), kind: 'plain' });
          break;
        }
        if (mnemonic in JUMPS) {
          want([2, 3], 'a value (#k or x) and one or two labels');
          const [base, negated] = JUMPS[mnemonic];
          const useX = /^x$/i.test(ops[0].text);
          const k = useX ? ({ kind: 'num', value: 0 } as KExpr) : constOp(ops[0], true);
          const first = targetOp(ops[1]);
          const second: Target = ops.length === 3 ? targetOp(ops[2]) : { kind: 'next' };
          push({
            code: base | (useX ? 0x08 : 0), k, kind: 'cond',
            jt: negated ? second : first,
            jf: negated ? first : second,
          });
          break;
        }
        fail(`unknown instruction ${mnemonic}`, lineNo, mcol,
          'expected ld, ldh, ldb, ldx, ldxb, st, stx, add, sub, mul, div, mod, and, or, xor, lsh, rsh, neg, tax, txa, ja, jeq, jne, jgt, jge, jlt, jle, jset, jnset, ret, or a directive (.arch, .relax, .insn)');
      }
    }
  }

  // ---- Pass 2: logical targets, then names resolved in program order along the data-flow.
  const n = stmts.length;
  const targetIndex = (s: Stmt, i: number, t: Target): number => {
    if (t.kind === 'next') return i + 1 < n ? i + 1 : fail('`next` after the last instruction: a jump needs an instruction to land on', s.line, s.column);
    const l = labels.get(t.name);
    if (!l) {
      return fail(`undefined label ${t.name}`, s.line, t.column, labels.size ? `defined labels: ${[...labels.keys()].slice(0, 12).join(', ')}` : undefined);
    }
    if (l.index <= i) fail(`label ${t.name} (line ${l.line}) is not after this jump; BPF jumps only go forward`, s.line, t.column);
    if (l.index >= n) fail(`label ${t.name} (line ${l.line}) is at the end of the program; a jump needs an instruction to land on`, s.line, t.column);
    return l.index;
  };
  interface Logical { jt?: number; jf?: number; ja?: number }
  const logical: Logical[] = [];
  const walker = new FlowWalker(n);
  const resolved: Instruction[] = [];
  for (let i = 0; i < n; i++) {
    const s = stmts[i];
    const lg: Logical = {};
    if (s.kind === 'cond') {
      lg.jt = targetIndex(s, i, s.jt as Target);
      lg.jf = targetIndex(s, i, s.jf as Target);
    } else if (s.kind === 'ja') {
      lg.ja = targetIndex(s, i, s.target as Target);
    } else if (s.kind === 'raw') {
      const r = s.raw as Instruction;
      if (bpfClass(r.code) === BPF_JMP) {
        // Raw jumps keep their instruction as long as their targets exist; relaxation re-encodes them.
        if (bpfOp(r.code) === BPF_JA) {
          if (i + 1 + r.k < n) lg.ja = i + 1 + r.k;
        } else if (i + 1 + r.jt < n && i + 1 + r.jf < n) {
          lg.jt = i + 1 + r.jt;
          lg.jf = i + 1 + r.jf;
        }
      }
    }
    logical.push(lg);
    const state = walker.at(i);
    let k: number;
    if (s.k.kind === 'num') k = s.k.value;
    else {
      const abis = pathAbis(state, fallback);
      if (s.k.kind === 'field') k = dataFieldOffset(s.k.name, abis) as number;
      else k = resolveName(s.k.name, state?.a === 'arch', abis, (msg, hint) => fail(msg, s.line, (s.k as { column: number }).column, hint));
    }
    const ins: Instruction = s.kind === 'raw' ? { ...(s.raw as Instruction) } : { code: s.code, jt: 0, jf: 0, k: k >>> 0 };
    resolved.push(ins);
    walker.step(i, ins, { next: i + 1, jt: lg.jt, jf: lg.jf, ja: lg.ja });
  }

  // ---- Pass 3: layout. Conditional offsets are 8 bits; far ones get a `ja` right after the jump.
  const far: Array<{ jt: boolean; jf: boolean }> = stmts.map(() => ({ jt: false, jf: false }));
  const extra = (i: number): number => {
    const f = far[i];
    if (!f.jt && !f.jf) return 0;
    return f.jt && f.jf && logical[i].jt !== logical[i].jf ? 2 : 1;
  };
  let pos: number[] = [];
  for (;;) {
    pos = [];
    let p = 0;
    for (let i = 0; i < n; i++) {
      pos.push(p);
      p += 1 + extra(i);
    }
    let changed = false;
    for (let i = 0; i < n; i++) {
      const lg = logical[i];
      if (lg.jt === undefined) continue;
      for (const b of ['jt', 'jf'] as const) {
        if (far[i][b]) continue;
        const dist = pos[lg[b] as number] - pos[i] - 1;
        if (dist <= 255) continue;
        const s = stmts[i];
        if (s.kind === 'raw') {
          fail(`.insn jump would have to reach ${dist} instructions after relaxation; conditional jumps reach at most 255`, s.line, s.column);
        }
        if (!relax) {
          const t = s[b] as Target;
          const what = t.kind === 'label' ? `label ${t.name}` : 'the next instruction';
          fail(
            `conditional jump to ${what} is ${dist} instructions away; jt/jf reach at most 255`,
            s.line,
            t.kind === 'label' ? t.column : s.column,
            'add `.relax` (or pass --relax) to insert a `ja` trampoline, or jump through a `ja` yourself',
          );
        }
        far[i][b] = true;
        changed = true;
      }
    }
    if (!changed) break;
  }

  const program: Program = [];
  const sourceLines: number[] = [];
  let trampolines = 0;
  for (let i = 0; i < n; i++) {
    const s = stmts[i];
    const lg = logical[i];
    const ins = { ...resolved[i] };
    const here = pos[i];
    if (lg.ja !== undefined) ins.k = (pos[lg.ja] - here - 1) >>> 0;
    const tramps: number[] = [];
    if (lg.jt !== undefined && lg.jf !== undefined) {
      const off = (b: 'jt' | 'jf'): number => {
        const target = lg[b] as number;
        if (!far[i][b]) return pos[target] - here - 1;
        let at = tramps.indexOf(target);
        if (at < 0) {
          tramps.push(target);
          at = tramps.length - 1;
        }
        return at;
      };
      ins.jt = off('jt');
      ins.jf = off('jf');
    }
    program.push(ins);
    sourceLines.push(s.line);
    for (let t = 0; t < tramps.length; t++) {
      program.push({ code: 0x05, jt: 0, jf: 0, k: (pos[tramps[t]] - (here + 1 + t) - 1) >>> 0 });
      sourceLines.push(s.line);
      trampolines++;
    }
  }
  const result: AssembleResult = { program, sourceLines, trampolines };
  if (fallback) result.abi = fallback.name;
  return result;
}

/** A constant operand name: qualified syscall, global constant, ABI (in an arch compare), syscall. */
function resolveName(name: string, archContext: boolean, abis: Abi[], fail: (msg: string, hint?: string) => never): number {
  const g = globalConstant(name);
  if (g !== undefined) return g;
  if (/^AUDIT_ARCH_/i.test(name)) return fail(`unknown constant ${name}`, 'AUDIT_ARCH_ names are those of linux/audit.h, e.g. AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64');
  if (archContext && !name.includes('.')) {
    const abi = getAbi(name);
    if (abi) return abi.auditArch;
  }
  const r = resolveSyscallOnPath(name, abis);
  if (r.ok) return r.nr;
  return fail(r.reason, r.hint);
}

interface Operand {
  text: string;
  /** 1-based column of the operand's first character. */
  column: number;
}

/** Splits the operand list at top-level commas (not inside [] or ()). */
function splitOperands(src: string, from: number): Operand[] {
  const out: Operand[] = [];
  let depth = 0;
  let start = from;
  const flush = (end: number): void => {
    const raw = src.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const text = raw.trim();
    out.push({ text, column: start + lead + 1 });
  };
  for (let i = from; i < src.length; i++) {
    const c = src[i];
    if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth--;
    else if (c === ',' && depth === 0) {
      flush(i);
      start = i + 1;
    }
  }
  if (src.slice(start).trim() !== '' || out.length > 0) flush(src.length);
  return out;
}

/** Removes a `;`, `//` or `#` comment (`#` only at the start or before a space, since `#k` is an immediate). */
function stripComment(line: string): string {
  let end = line.length;
  const semi = line.indexOf(';');
  if (semi >= 0) end = semi;
  const slash = line.indexOf('//');
  if (slash >= 0 && slash < end) end = slash;
  const head = line.slice(0, end);
  const hash = /(^\s*#)|(#(?=\s|$))/.exec(head);
  if (hash) end = hash.index;
  return line.slice(0, end).trimEnd();
}

/** A non-negative integer (decimal, 0x, 0o, 0b); undefined otherwise. */
function parseNumber(text: string): number | undefined {
  const t = text.trim().replace(/_/g, '');
  let v: number;
  if (/^0x[0-9a-f]+$/i.test(t)) v = parseInt(t.slice(2), 16);
  else if (/^0o[0-7]+$/i.test(t)) v = parseInt(t.slice(2), 8);
  else if (/^0b[01]+$/i.test(t)) v = parseInt(t.slice(2), 2);
  else if (/^[0-9]+$/.test(t)) v = parseInt(t, 10);
  else return undefined;
  return Number.isSafeInteger(v) ? v : undefined;
}

/** A 32-bit constant: 0..0xffffffff, or -0x80000000..-1 as two's complement. */
function parseConst(text: string): number | undefined {
  const t = text.trim();
  const neg = t.startsWith('-');
  const v = parseNumber(neg ? t.slice(1) : t);
  if (v === undefined) return undefined;
  if (neg) return v <= 0x80000000 ? (-v >>> 0) : undefined;
  return v <= 0xffffffff ? v : undefined;
}
