import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeProgram, detectProgramFormat, encodeProgram, formatBase64, formatCArray, formatHex, parseBase64Program,
  parseCArrayProgram, parseHexProgram, readProgram,
} from '../../src/core/bpf/codec.js';
import type { Program } from '../../src/core/bpf/instruction.js';
import { insn } from '../../src/core/bpf/instruction.js';
import { SeccompKitError } from '../../src/core/errors.js';

const arbInsn = fc.record({
  code: fc.integer({ min: 0, max: 0xffff }),
  jt: fc.integer({ min: 0, max: 255 }),
  jf: fc.integer({ min: 0, max: 255 }),
  k: fc.integer({ min: 0, max: 0xffffffff }),
});
const arbProgram = fc.array(arbInsn, { maxLength: 40 });
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

const SAMPLE: Program = [insn(0x20, 4), insn(0x15, 0xc000003e, 1, 0), insn(0x06, 0), insn(0x20, 0), insn(0x06, 0x7fff0000)];
const fixture = new Uint8Array(readFileSync(new URL('../fixtures/bpf/docker-like-x86_64.bpf', import.meta.url)));

/** Runs `f` and returns the SeccompKitError it throws. */
function userError(f: () => unknown): SeccompKitError {
  try {
    f();
  } catch (e) {
    if (e instanceof SeccompKitError) return e;
    throw e;
  }
  throw new Error('expected a SeccompKitError');
}

describe('raw struct sock_filter', () => {
  it('lays out u16 code, u8 jt, u8 jf, u32 k in the chosen byte order', () => {
    const p = [insn(0x0015, 0xc000003e, 1, 2)];
    expect([...encodeProgram(p)]).toEqual([0x15, 0x00, 0x01, 0x02, 0x3e, 0x00, 0x00, 0xc0]);
    expect([...encodeProgram(p, 'big')]).toEqual([0x00, 0x15, 0x01, 0x02, 0xc0, 0x00, 0x00, 0x3e]);
  });

  it('round-trips random programs in both byte orders', () => {
    fc.assert(
      fc.property(arbProgram, fc.constantFrom('little' as const, 'big' as const), (p, endian) => {
        expect(decodeProgram(encodeProgram(p, endian), { endian })).toEqual(p);
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes from a view with a byte offset', () => {
    const bytes = encodeProgram(SAMPLE);
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expect(decodeProgram(padded.subarray(3))).toEqual(SAMPLE);
  });

  it('refuses a size that is not a multiple of 8, naming the size and the broken instruction', () => {
    const e = userError(() => decodeProgram(new Uint8Array(21), { file: 'f.bpf' }));
    expect(e.code).toBe('bpf-size');
    expect(e.message).toContain('21 bytes');
    expect(e.message).toContain('not a multiple of 8');
    expect(e.source).toEqual({ file: 'f.bpf', instruction: 2 });
  });

  it('decodes the libseccomp fixture', () => {
    const p = decodeProgram(fixture);
    expect(p.length).toBe(998);
    // libseccomp starts with the arch check: ld [4]; jeq #AUDIT_ARCH_X86_64
    expect(p[0]).toEqual({ code: 0x20, jt: 0, jf: 0, k: 4 });
    expect(p[1].code).toBe(0x15);
    expect(p[1].k).toBe(0xc000003e);
  });
});

describe('hex', () => {
  it('prints 16 hex digits per instruction and line, and parses them back', () => {
    expect(formatHex(SAMPLE).split('\n')[0]).toBe('2000000004000000');
    expect(formatHex(SAMPLE, 'big').split('\n')[0]).toBe('0020000000000004');
    fc.assert(
      fc.property(arbProgram, fc.constantFrom('little' as const, 'big' as const), (p, endian) => {
        expect(parseHexProgram(formatHex(p, endian), undefined, endian)).toEqual(p);
      }),
      { numRuns: 500 },
    );
  });

  it('ignores any whitespace and 0x prefixes (xxd -p style)', () => {
    const hex = formatHex(SAMPLE).replace(/\n/g, '');
    const spaced = hex.replace(/(..)/g, '$1 ').replace(/(.{30})/g, '$1\n\t');
    expect(parseHexProgram(spaced)).toEqual(SAMPLE);
    expect(parseHexProgram(hex.toUpperCase())).toEqual(SAMPLE);
    expect(parseHexProgram(`0x${hex.slice(0, 16)} 0X${hex.slice(16)}`)).toEqual(SAMPLE);
  });

  it('reports a bad digit with line, column and the 8-byte group', () => {
    const e = userError(() => parseHexProgram('2000000004000000\n20000000g4000000\n', 'p.hex'));
    expect(e.code).toBe('bpf-hex');
    expect(e.source).toMatchObject({ file: 'p.hex', line: 2, column: 9, instruction: 1 });
    expect(e.message).toContain('"g"');
  });

  it('reports an odd number of digits and a size that is not whole instructions', () => {
    expect(userError(() => parseHexProgram('200')).code).toBe('bpf-hex');
    const e = userError(() => parseHexProgram('2000000004000000 2000', 'x'));
    expect(e.code).toBe('bpf-size');
    expect(e.source).toEqual({ file: 'x', instruction: 1 });
  });
});

describe('base64', () => {
  it('round-trips random programs', () => {
    fc.assert(fc.property(arbProgram, (p) => {
      expect(parseBase64Program(formatBase64(p))).toEqual(p);
    }), { numRuns: 500 });
  });

  it('matches the standard encoding', () => {
    const p = [insn(0x20, 4)];
    expect(formatBase64(p)).toBe('IAAAAAQAAAA=');
    expect(parseBase64Program('IAAA\nAAQAAAA')).toEqual(p);
  });

  it('reports a bad character', () => {
    const e = userError(() => parseBase64Program('IAAAAAQ*AAA=', 'a.b64'));
    expect(e.source).toMatchObject({ file: 'a.b64', line: 1, column: 8 });
  });
});

describe('C arrays', () => {
  it('prints tcpdump -dd lines inside a declaration and parses them back', () => {
    const text = formatCArray(SAMPLE);
    expect(text.split('\n')).toEqual([
      'struct sock_filter filter[] = {',
      '\t{ 0x20, 0, 0, 0x00000004 },',
      '\t{ 0x15, 1, 0, 0xc000003e },',
      '\t{ 0x06, 0, 0, 0x00000000 },',
      '\t{ 0x20, 0, 0, 0x00000000 },',
      '\t{ 0x06, 0, 0, 0x7fff0000 },',
      '};',
      '',
    ]);
    fc.assert(fc.property(arbProgram, (p) => {
      expect(parseCArrayProgram(formatCArray(p))).toEqual(p);
    }), { numRuns: 300 });
  });

  it('accepts bare lines, comments, decimal and octal numbers, and a bare initializer list', () => {
    const bare = '{ 0x20, 0, 0, 0x00000004 },\n{ 21, 1, 0, 3221225534 }, // x86_64\n/* kill */ { 6, 0, 0, 0 },\n{ 0x20, 0, 0, 0 },\n{ 06, 0, 0, 0x7fff0000 }';
    expect(parseCArrayProgram(bare)).toEqual(SAMPLE);
    expect(parseCArrayProgram(`{ ${bare} };`)).toEqual(SAMPLE);
    expect(parseCArrayProgram(`#include <linux/filter.h>\nstatic const struct sock_filter f[5] = {\n${bare}\n};\n`)).toEqual(SAMPLE);
  });

  it('accepts BPF_STMT / BPF_JUMP with constant names', () => {
    const text = `struct sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4),
      BPF_JUMP(BPF_JMP+BPF_JEQ+BPF_K, 0xc000003e, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_THREAD),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };`;
    expect(parseCArrayProgram(text)).toEqual(SAMPLE);
    expect(parseCArrayProgram('BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1)')).toEqual([insn(0x06, 0x50001)]);
    expect(parseCArrayProgram('BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS)')).toEqual([insn(0x06, 0x80000000)]);
    expect(parseCArrayProgram('{ 0x06, 0, 0, -1 }')).toEqual([insn(0x06, 0xffffffff)]);
  });

  it('reports malformed text with line, column and instruction index', () => {
    const missing = userError(() => parseCArrayProgram('{ 0x20, 0, 0, 4 },\n{ 0x15, 1, 0 },\n', 'f.c'));
    expect(missing.code).toBe('parse');
    expect(missing.source).toMatchObject({ file: 'f.c', line: 2, column: 14, instruction: 1 });
    expect(missing.message).toContain('expected ","');

    const range = userError(() => parseCArrayProgram('{ 6, 0, 0, 0 },\n{ 6, 0, 256, 0 }'));
    expect(range.message).toContain('jf 256 is out of range');
    expect(range.source).toMatchObject({ line: 2, column: 9, instruction: 1 });

    const name = userError(() => parseCArrayProgram('BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))'));
    expect(name.message).toContain('unknown name offsetof');
    expect(name.source).toMatchObject({ line: 1, column: 36, instruction: 0 });

    expect(userError(() => parseCArrayProgram('{ 6, 0, 0, 0 } { 6, 0, 0, 0 }')).message).toContain('expected ","');
    expect(userError(() => parseCArrayProgram('{ 6, 0, 0, 0 /* open')).message).toContain('unterminated');
    expect(userError(() => parseCArrayProgram('{ 6, 0, 0, 0 }; extra')).source).toMatchObject({ line: 1 });
    expect(userError(() => parseCArrayProgram('{ 6, 0, 0, 08 }')).message).toContain('octal');
  });
});

describe('format detection and readProgram', () => {
  it('tells raw, hex, base64 and C apart', () => {
    expect(detectProgramFormat(fixture)).toBe('raw');
    expect(detectProgramFormat(encodeProgram(SAMPLE))).toBe('raw');
    expect(detectProgramFormat(enc(formatHex(SAMPLE)))).toBe('hex');
    expect(detectProgramFormat(enc(formatBase64(SAMPLE)))).toBe('base64');
    expect(detectProgramFormat(enc(formatCArray(SAMPLE)))).toBe('c');
    expect(detectProgramFormat(enc('BPF_STMT(0x06, 0)'))).toBe('c');
  });

  it('reads every format back to the same program', () => {
    const p = decodeProgram(fixture);
    for (const text of [formatHex(p), formatBase64(p), formatCArray(p)]) expect(readProgram(enc(text))).toEqual(p);
    expect(readProgram(fixture)).toEqual(p);
    expect(readProgram(encodeProgram(p, 'big'), { endian: 'big', format: 'raw' })).toEqual(p);
    expect(readProgram(enc(formatHex(p)), { format: 'hex' })).toEqual(p);
  });

  it('says so when text is none of the formats', () => {
    const e = userError(() => readProgram(enc('{"defaultAction": "SCMP_ACT_ERRNO"}'.replace('{', '[')), { file: 'p.json' }));
    expect(e.code).toBe('parse');
    expect(e.source).toEqual({ file: 'p.json' });
  });

  it('passes the file name into errors', () => {
    expect(userError(() => readProgram(new Uint8Array([0, 1, 2]), { file: 'x.bpf' })).source).toEqual({ file: 'x.bpf', instruction: 0 });
  });
});
