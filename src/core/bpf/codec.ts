/**
 * Byte-level encodings of a classic-BPF program: raw `struct sock_filter` arrays (8 bytes each:
 * u16 code, u8 jt, u8 jf, u32 k), hex text (`xxd -p`), base64 (crun's annotation) and C arrays
 * (`tcpdump -dd`, libseccomp / seccomp-tools exports, `BPF_STMT`/`BPF_JUMP`).
 *
 * Decoding accepts any 16-bit code: whether the kernel would take the program is the verifier's
 * business (verify.ts), not the codec's.
 */
import { SeccompKitError } from '../errors.js';
import type { Program } from './instruction.js';
import * as OPC from './opcodes.js';

/** Byte order of the 16- and 32-bit fields. The kernel reads them in the host's order. */
export type Endian = 'little' | 'big';
/** Program encodings {@link readProgram} understands. */
export type ProgramFormat = 'raw' | 'hex' | 'c' | 'base64';

/** Size of one `struct sock_filter` in bytes. */
export const SOCK_FILTER_SIZE = 8;

/** Encodes a program as the bytes of a `struct sock_filter` array. */
export function encodeProgram(p: Program, endian: Endian = 'little'): Uint8Array {
  const out = new Uint8Array(p.length * SOCK_FILTER_SIZE);
  const dv = new DataView(out.buffer);
  const le = endian === 'little';
  for (let i = 0; i < p.length; i++) {
    const ins = p[i];
    const o = i * SOCK_FILTER_SIZE;
    dv.setUint16(o, ins.code & 0xffff, le);
    dv.setUint8(o + 2, ins.jt & 0xff);
    dv.setUint8(o + 3, ins.jf & 0xff);
    dv.setUint32(o + 4, ins.k >>> 0, le);
  }
  return out;
}

/**
 * Decodes the bytes of a `struct sock_filter` array. A size that is not a multiple of 8 is a
 * `bpf-size` error pointing at the incomplete instruction.
 */
export function decodeProgram(bytes: Uint8Array, opts: { endian?: Endian; file?: string } = {}): Program {
  if (bytes.length % SOCK_FILTER_SIZE !== 0) {
    throw new SeccompKitError(
      'bpf-size',
      `program size ${bytes.length} bytes is not a multiple of 8 (the size of struct sock_filter); ` +
        `the last ${bytes.length % SOCK_FILTER_SIZE} byte(s) do not form an instruction`,
      { source: { file: opts.file, instruction: Math.floor(bytes.length / SOCK_FILTER_SIZE) } },
    );
  }
  const le = (opts.endian ?? 'little') === 'little';
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length / SOCK_FILTER_SIZE;
  const p: Program = new Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * SOCK_FILTER_SIZE;
    p[i] = { code: dv.getUint16(o, le), jt: dv.getUint8(o + 2), jf: dv.getUint8(o + 3), k: dv.getUint32(o + 4, le) };
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// Hex

/** Hex text, 8 bytes (16 hex digits) per line, as `xxd -p -c 8` would print it. */
export function formatHex(p: Program, endian: Endian = 'little'): string {
  const bytes = encodeProgram(p, endian);
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    s += bytes[i].toString(16).padStart(2, '0');
    if (i % SOCK_FILTER_SIZE === SOCK_FILTER_SIZE - 1) s += '\n';
  }
  return s;
}

/**
 * Parses hex text: the bytes of the raw program written as hex digits, any whitespace between
 * them (`xxd -p` output). A `0x` prefix at the start of a whitespace-separated token is ignored.
 * Bad digits are `bpf-hex` errors with line, column and the index of the 8-byte group.
 */
export function parseHexProgram(text: string, file?: string, endian: Endian = 'little'): Program {
  const bytes: number[] = [];
  let line = 1;
  let col = 1;
  let digits = 0; // hex digits consumed so far
  let hi = -1; // pending high nibble
  let tokenStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x0a) {
      line++;
      col = 1;
      tokenStart = true;
      continue;
    }
    if (ch === 0x20 || ch === 0x09 || ch === 0x0d || ch === 0x0c || ch === 0x0b) {
      col++;
      tokenStart = true;
      continue;
    }
    if (tokenStart && ch === 0x30 && (text[i + 1] === 'x' || text[i + 1] === 'X')) {
      i++;
      col += 2;
      tokenStart = false;
      continue;
    }
    tokenStart = false;
    const v = hexValue(ch);
    if (v < 0) {
      throw new SeccompKitError('bpf-hex', `unexpected character ${JSON.stringify(text[i])} in hex program (expected 0-9, a-f or whitespace)`, {
        source: { file, line, column: col, offset: i, instruction: Math.floor(digits / 2 / SOCK_FILTER_SIZE) },
        hint: text.includes('{') ? 'this looks like a C array; use --format c' : undefined,
      });
    }
    if (hi < 0) hi = v;
    else {
      bytes.push((hi << 4) | v);
      hi = -1;
    }
    digits++;
    col++;
  }
  if (hi >= 0) {
    throw new SeccompKitError('bpf-hex', `odd number of hex digits (${digits}): the last byte is incomplete`, {
      source: { file, line, column: col, instruction: Math.floor((digits - 1) / 2 / SOCK_FILTER_SIZE) },
    });
  }
  return decodeProgram(Uint8Array.from(bytes), { endian, file });
}

function hexValue(ch: number): number {
  if (ch >= 0x30 && ch <= 0x39) return ch - 0x30;
  if (ch >= 0x61 && ch <= 0x66) return ch - 0x61 + 10;
  if (ch >= 0x41 && ch <= 0x46) return ch - 0x41 + 10;
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Base64

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE: Int8Array = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < B64.length; i++) t[B64.charCodeAt(i)] = i;
  // URL-safe alphabet too (RFC 4648 §5).
  t['-'.charCodeAt(0)] = 62;
  t['_'.charCodeAt(0)] = 63;
  return t;
})();

/** Base64 (RFC 4648) of the raw program, one line, as crun's `run.oci.seccomp_bpf_data` annotation holds it. */
export function formatBase64(p: Program, endian: Endian = 'little'): string {
  const b = encodeProgram(p, endian);
  let s = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i] << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    s += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    s += i + 1 < b.length ? B64[(n >> 6) & 63] : '=';
    s += i + 2 < b.length ? B64[n & 63] : '=';
  }
  return s;
}

/** Parses base64 of the raw program; whitespace is ignored, padding optional. */
export function parseBase64Program(text: string, file?: string, endian: Endian = 'little'): Program {
  const bytes: number[] = [];
  let acc = 0;
  let bits = 0;
  let line = 1;
  let col = 1;
  let padding = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x0a) {
      line++;
      col = 1;
      continue;
    }
    if (ch === 0x20 || ch === 0x09 || ch === 0x0d) {
      col++;
      continue;
    }
    if (ch === 0x3d /* = */) {
      padding = true;
      col++;
      continue;
    }
    const v = ch < 128 ? B64_VALUE[ch] : -1;
    if (v < 0 || padding) {
      throw new SeccompKitError('parse', `unexpected character ${JSON.stringify(text[i])} in base64 program`, {
        source: { file, line, column: col, offset: i, instruction: Math.floor(bytes.length / SOCK_FILTER_SIZE) },
      });
    }
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 0xff);
    }
    col++;
  }
  return decodeProgram(Uint8Array.from(bytes), { endian, file });
}

// ---------------------------------------------------------------------------------------------
// C arrays

/** C array text, one `{ code, jt, jf, k }` per line, wrapped in `struct sock_filter filter[] = { ... };`. */
export function formatCArray(p: Program, name = 'filter'): string {
  let s = `struct sock_filter ${name}[] = {\n`;
  for (const ins of p) {
    s += `\t{ 0x${ins.code.toString(16).padStart(2, '0')}, ${ins.jt}, ${ins.jf}, 0x${(ins.k >>> 0).toString(16).padStart(8, '0')} },\n`;
  }
  return `${s}};\n`;
}

interface Token {
  kind: 'num' | 'ident' | 'punct' | 'eof';
  text: string;
  value: number;
  line: number;
  column: number;
  offset: number;
}

/** Names a C array may use inside expressions: the BPF_* and SECCOMP_RET_* constants of opcodes.ts. */
const C_NAMES: ReadonlyMap<string, number> = new Map(
  Object.entries(OPC).filter(
    (e): e is [string, number] => typeof e[1] === 'number' && /^(BPF_|SECCOMP_RET_)/.test(e[0]) && e[0] !== 'BPF_MAXINSNS' && e[0] !== 'BPF_MEMWORDS',
  ),
);

function tokenize(text: string, file: string | undefined): Token[] {
  const toks: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const err = (msg: string, at: number): never => {
    throw new SeccompKitError('parse', msg, { source: { file, line, column: at - lineStart + 1, offset: at } });
  };
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v') {
      i++;
      continue;
    }
    if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      const start = i;
      i += 2;
      while (i < text.length && !(text[i] === '*' && text[i + 1] === '/')) {
        if (text[i] === '\n') {
          line++;
          lineStart = i + 1;
        }
        i++;
      }
      if (i >= text.length) err('unterminated /* comment', start);
      i += 2;
      continue;
    }
    // Preprocessor lines (#include, #define) carry no instructions.
    if (ch === '#' && text.slice(lineStart, i).trim() === '') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const col = i - lineStart + 1;
    const m = /^(?:0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*/.exec(text.slice(i, i + 40));
    if (m) {
      const raw = m[0].replace(/[uUlL]+$/, '');
      let value: number;
      if (/^0[xX]/.test(raw)) value = parseInt(raw.slice(2), 16);
      else if (raw.length > 1 && raw[0] === '0') {
        if (!/^[0-7]+$/.test(raw)) err(`bad octal number ${raw}`, i);
        value = parseInt(raw, 8);
      } else value = parseInt(raw, 10);
      if (/[0-9a-zA-Z_]/.test(text[i + m[0].length] ?? '')) err(`bad number ${JSON.stringify(text.slice(i, i + m[0].length + 1))}`, i);
      toks.push({ kind: 'num', text: m[0], value, line, column: col, offset: i });
      i += m[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 200));
    if (id) {
      toks.push({ kind: 'ident', text: id[0], value: 0, line, column: col, offset: i });
      i += id[0].length;
      continue;
    }
    if ('{}(),;=[]|+-*'.includes(ch)) {
      toks.push({ kind: 'punct', text: ch, value: 0, line, column: col, offset: i });
      i++;
      continue;
    }
    err(`unexpected character ${JSON.stringify(ch)} in C array`, i);
  }
  toks.push({ kind: 'eof', text: '', value: 0, line, column: i - lineStart + 1, offset: i });
  return toks;
}

/**
 * Parses a C array of `struct sock_filter` as `tcpdump -dd`, libseccomp and seccomp-tools print
 * it: `{ 0x20, 0, 0, 0x00000004 },` entries, optionally inside `struct sock_filter name[] = { ... };`,
 * with C comments, decimal/hex/octal numbers, `BPF_STMT(code, k)` and `BPF_JUMP(code, k, jt, jf)`.
 * Values may be `|`/`+` combinations of numbers and BPF_* / SECCOMP_RET_* names; a leading `-`
 * gives the 32-bit two's complement. Errors carry line, column and the instruction index.
 */
export function parseCArrayProgram(text: string, file?: string): Program {
  const toks = tokenize(text, file);
  let pos = 0;
  const prog: Program = [];
  const peek = (o = 0): Token => toks[Math.min(pos + o, toks.length - 1)];
  const fail = (msg: string, t: Token = peek(), hint?: string): never => {
    throw new SeccompKitError('parse', msg, {
      source: { file, line: t.line, column: t.column, offset: t.offset, instruction: prog.length },
      hint,
    });
  };
  const describe = (t: Token): string => (t.kind === 'eof' ? 'end of input' : JSON.stringify(t.text));
  const expect = (text: string): Token => {
    const t = peek();
    if (t.text !== text || t.kind === 'eof' || t.kind === 'num') fail(`expected ${JSON.stringify(text)} but found ${describe(t)}`);
    pos++;
    return t;
  };

  // value := ['-'] term (('|' | '+') term)*, term := number | NAME | '(' value ')'
  const value = (): number => {
    let neg = false;
    if (peek().text === '-' && peek().kind === 'punct') {
      neg = true;
      pos++;
    }
    let v = term();
    while (peek().kind === 'punct' && (peek().text === '|' || peek().text === '+')) {
      const op = peek().text;
      pos++;
      const r = term();
      // Unsigned, as the C expression would be for a u32 field.
      v = op === '|' ? (v | r) >>> 0 : v + r;
    }
    return neg ? -v : v;
  };
  const term = (): number => {
    const t = peek();
    if (t.kind === 'num') {
      pos++;
      return t.value;
    }
    if (t.kind === 'ident') {
      const v = C_NAMES.get(t.text);
      if (v === undefined) fail(`unknown name ${t.text} (only numbers and BPF_*/SECCOMP_RET_* constants are understood)`, t);
      pos++;
      return v as number;
    }
    if (t.kind === 'punct' && t.text === '(') {
      pos++;
      const v = value();
      expect(')');
      return v;
    }
    return fail(`expected a number but found ${describe(t)}`, t);
  };
  const field = (name: string, max: number): number => {
    const t = peek();
    const v = value();
    if (name === 'k' && v < 0 && v >= -0x80000000) return v >>> 0;
    if (!Number.isInteger(v) || v < 0 || v > max) fail(`${name} ${v} is out of range 0..${max}`, t);
    return v;
  };

  const entry = (): void => {
    const t = peek();
    if (t.kind === 'punct' && t.text === '{') {
      pos++;
      const code = field('code', 0xffff);
      expect(',');
      const jt = field('jt', 0xff);
      expect(',');
      const jf = field('jf', 0xff);
      expect(',');
      const k = field('k', 0xffffffff);
      if (peek().text === ',' && peek().kind === 'punct') pos++;
      expect('}');
      prog.push({ code, jt, jf, k });
    } else if (t.kind === 'ident' && (t.text === 'BPF_STMT' || t.text === 'BPF_JUMP')) {
      pos++;
      expect('(');
      const code = field('code', 0xffff);
      expect(',');
      const k = field('k', 0xffffffff);
      let jt = 0;
      let jf = 0;
      if (t.text === 'BPF_JUMP') {
        expect(',');
        jt = field('jt', 0xff);
        expect(',');
        jf = field('jf', 0xff);
      }
      expect(')');
      prog.push({ code, jt, jf, k });
    } else {
      fail(`expected an instruction ("{ code, jt, jf, k }", BPF_STMT or BPF_JUMP) but found ${describe(t)}`, t);
    }
  };
  const entries = (close: string): void => {
    for (;;) {
      const t = peek();
      if (t.kind === 'eof' ? close === '' : t.kind === 'punct' && t.text === close) return;
      entry();
      const s = peek();
      if (s.kind === 'punct' && s.text === ',') pos++;
      else if (!(s.kind === 'eof' ? close === '' : s.kind === 'punct' && s.text === close)) {
        fail(`expected "," between instructions but found ${describe(s)}`, s);
      }
    }
  };

  // Optional declaration header: `[static] [const] struct sock_filter name[N] =`.
  const eq = toks.findIndex((t) => t.kind === 'punct' && (t.text === '=' || t.text === '{'));
  if (eq >= 0 && toks[eq].text === '=') {
    for (let j = 0; j < eq; j++) {
      const t = toks[j];
      if (!(t.kind === 'ident' || t.kind === 'num' || (t.kind === 'punct' && '[]*'.includes(t.text)))) {
        pos = j;
        fail(`unexpected ${describe(t)} in the array declaration`, t);
      }
    }
    pos = eq + 1;
    expect('{');
    entries('}');
    expect('}');
    if (peek().kind === 'punct' && peek().text === ';') pos++;
  } else if (peek().kind === 'punct' && peek().text === '{' && peek(1).kind === 'punct' && peek(1).text === '{') {
    // A bare initializer list: `{ {..}, {..} }`.
    pos++;
    entries('}');
    expect('}');
    if (peek().kind === 'punct' && peek().text === ';') pos++;
  } else {
    entries('');
  }
  if (peek().kind !== 'eof') fail(`unexpected ${describe(peek())} after the array`);
  return prog;
}

// ---------------------------------------------------------------------------------------------
// Detection

function isPrintableText(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b >= 0x20 && b < 0x7f) continue;
    if (b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0c || b === 0x0b) continue;
    return false;
  }
  return true;
}

type TextShape = 'hex' | 'base64' | 'c' | 'unknown';

function textShape(text: string): TextShape {
  if (/\{|\bBPF_(?:STMT|JUMP)\s*\(/.test(text)) return 'c';
  const tokens = text.split(/\s+/).filter((t) => t !== '');
  if (tokens.length === 0) return 'hex';
  if (tokens.every((t) => /^(?:0[xX])?[0-9a-fA-F]+$/.test(t))) return 'hex';
  const joined = tokens.join('');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(joined) && (joined.length % 4 === 0 || !joined.includes('='))) return 'base64';
  return 'unknown';
}

/**
 * Guesses a program's encoding. Raw programs always contain bytes outside printable ASCII (every
 * valid opcode has a zero high byte), so printable input is text: hex when it is only hex digits
 * (and `0x` prefixes), a C array when it has braces or `BPF_STMT`/`BPF_JUMP`, base64 when it is
 * base64 and not hex. Printable text that fits none of them is reported as `c` so that the C
 * parser explains the first thing it does not understand.
 */
export function detectProgramFormat(bytes: Uint8Array): ProgramFormat {
  if (bytes.length === 0 || !isPrintableText(bytes)) return 'raw';
  const shape = textShape(new TextDecoder().decode(bytes));
  return shape === 'unknown' ? 'c' : shape;
}

/** Options of {@link readProgram}. */
export interface ReadProgramOptions {
  /** File name or label for error messages. */
  file?: string;
  /** Encoding; `auto` (default) uses {@link detectProgramFormat}. */
  format?: 'auto' | ProgramFormat;
  /** Byte order of raw/hex/base64 input (default little). */
  endian?: Endian;
}

/** Reads a program from file contents in any supported encoding (what the CLI uses). */
export function readProgram(bytes: Uint8Array, opts: ReadProgramOptions = {}): Program {
  const endian = opts.endian ?? 'little';
  let format = opts.format ?? 'auto';
  if (format === 'auto') {
    format = detectProgramFormat(bytes);
    if (format === 'c') {
      const text = new TextDecoder().decode(bytes);
      if (textShape(text) === 'unknown') {
        throw new SeccompKitError('parse', 'input is text but neither hex, base64 nor a C array of struct sock_filter', {
          source: { file: opts.file },
          hint: 'expected raw BPF bytes, hex digits (xxd -p), base64, or `{ code, jt, jf, k },` lines; choose one with --format',
        });
      }
    }
  }
  switch (format) {
    case 'raw':
      return decodeProgram(bytes, { endian, file: opts.file });
    case 'hex':
      return parseHexProgram(new TextDecoder().decode(bytes), opts.file, endian);
    case 'base64':
      return parseBase64Program(new TextDecoder().decode(bytes), opts.file, endian);
    case 'c':
      return parseCArrayProgram(new TextDecoder().decode(bytes), opts.file);
  }
}
