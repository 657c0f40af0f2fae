import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/core/bpf/asm.js';
import { decodeProgram } from '../../src/core/bpf/codec.js';
import { disassemble } from '../../src/core/bpf/disasm.js';
import type { Program } from '../../src/core/bpf/instruction.js';
import { SeccompKitError } from '../../src/core/errors.js';
import { arbAnyInstruction, arbClassicInstruction, arbFallbackAbi, arbSeccompLikeProgram } from './asm-arbitraries.js';

const ins = (code: number, k = 0, jt = 0, jf = 0) => ({ code, jt, jf, k: k >>> 0 });
const RET_ALLOW = ins(0x06, 0x7fff0000);
const LD_ARCH = ins(0x20, 4);
const LD_NR = ins(0x20, 0);

/** The disassembled line at an index, as the assembler reads it. */
const textAt = (p: Program, i: number, abi?: string): string => disassemble(p, { abi }).lines[i].text;

describe('disassembler output', () => {
  it('names seccomp_data words, AUDIT_ARCH constants, syscalls and actions, with labels for targets', () => {
    const p: Program = [
      LD_ARCH,
      ins(0x15, 0xc000003e, 0, 4), // jne x86_64 -> kill
      LD_NR,
      ins(0x15, 434 + 18, 1, 0), // fchmodat2 = 452 on x86_64
      RET_ALLOW,
      ins(0x06, 0x00050001),
      ins(0x06, 0x80000000),
    ];
    const d = disassemble(p);
    expect(d.lines.map((l) => l.text)).toEqual([
      'ld [arch]',
      'jne #AUDIT_ARCH_X86_64, kill_process',
      'ld [nr]',
      'jeq #fchmodat2, errno_1',
      'ret ALLOW',
      'ret ERRNO(1)',
      'ret KILL_PROCESS',
    ]);
    expect(d.lines[3].syscall).toEqual({ abi: 'x86_64', name: 'fchmodat2', nr: 452 });
    expect(d.lines[1].arch).toBe('AUDIT_ARCH_X86_64');
    expect(d.lines[5].label).toBe('errno_1');
    expect(d.lines[5].action).toEqual({ kind: 'ERRNO', data: 1 });
    expect(d.lines[2].abis).toEqual(['x86_64']);
    expect(d.lines[0].abis).toEqual([]);
  });

  it('shows each instruction with its index and raw fields', () => {
    const d = disassemble([LD_ARCH, ins(0x15, 0xc000003e, 0, 1), ins(0x06, 0), RET_ALLOW]);
    const lines = d.text.split('\n');
    expect(lines[1]).toMatch(/^0000 {2}ld {4}\[arch\] +; \{ 0x20, 0, 0, 0x00000004 \}$/);
    expect(lines[2]).toMatch(/^0001 .*; \{ 0x15, 0, 1, 0xc000003e \}$/);
    expect(d.text).toContain('allow:\n0003  ret   ALLOW');
  });

  it('names x86_64, x86 and x32 syscalls on the paths that checked them', () => {
    const src = readFileSync(new URL('../fixtures/bpf/multiarch.s', import.meta.url), 'utf8');
    const p = assemble(src);
    const d = disassemble(p);
    const named = d.lines.filter((l) => l.syscall).map((l) => `${l.syscall?.abi}:${l.syscall?.name}:${l.k}`);
    expect(named).toEqual([
      'x86_64:openat:257',
      'x86_64:execve:59',
      'x32:openat:1073742081',
      'x32:execve:1073742344',
      'x86:socketcall:102',
      'x86:execve:11',
    ]);
    // The same numbers read with the wrong table would be other calls: 11 is munmap on x86_64, 59 is oldolduname on x86.
    expect(d.text).not.toMatch(/munmap|olduname/);
    expect(assemble(d.text)).toEqual(p);
  });

  it('qualifies x32 numbers on an x86_64 path that never split on the x32 bit', () => {
    const p: Program = [LD_ARCH, ins(0x15, 0xc000003e, 0, 3), LD_NR, ins(0x15, 0x40000001, 0, 1), ins(0x06, 0), RET_ALLOW];
    expect(textAt(p, 3)).toBe('jne #x32.write, allow');
    expect(assemble(disassemble(p).text)).toEqual(p);
  });

  it('uses --arch only where the program never checked arch', () => {
    const p: Program = [LD_NR, ins(0x15, 59, 0, 1), ins(0x06, 0), RET_ALLOW];
    expect(textAt(p, 1)).toBe('jne #59, allow');
    expect(textAt(p, 1, 'x86_64')).toBe('jne #execve, allow');
    expect(textAt(p, 1, 'x86')).toBe('jne #oldolduname, allow');
    const d = disassemble(p, { abi: 'x86_64' });
    expect(d.text).toContain('.arch x86_64');
    expect(assemble(d.text)).toEqual(p);
    // A program that checks arch overrides the fallback on that path.
    const checked: Program = [LD_ARCH, ins(0x15, 0x40000003, 0, 3), LD_NR, ins(0x15, 11, 0, 1), ins(0x06, 0), RET_ALLOW];
    expect(textAt(checked, 3, 'x86_64')).toBe('jne #execve, allow');
  });

  it('leaves a number unnamed where paths of different ABIs meet, and lists the candidates', () => {
    const p: Program = [
      LD_ARCH,
      ins(0x15, 0xc000003e, 1, 0), // x86_64 -> 3
      ins(0x15, 0x40000003, 0, 3), // i386 -> 3, else kill
      LD_NR,
      ins(0x15, 3, 0, 1),
      ins(0x06, 0),
      RET_ALLOW,
    ];
    const l = disassemble(p).lines[4];
    expect(l.text).toBe('jne #3, allow');
    expect(l.abis.sort()).toEqual(['x86', 'x86_64']);
    expect(l.comment).toContain('x86_64: close');
    expect(l.comment).toContain('x86: read');
    // A name with the same number on both is printed.
    expect(textAt([...p.slice(0, 4), ins(0x15, 0xffffffff, 0, 1), ins(0x06, 0), RET_ALLOW], 4)).toBe('jne #0xffffffff, allow');
  });

  it('orders argument words by the ABI endianness on the path', () => {
    const le: Program = [LD_ARCH, ins(0x15, 0xc000003e, 0, 2), ins(0x20, 24), RET_ALLOW, ins(0x06, 0)];
    const be: Program = [LD_ARCH, ins(0x15, 0x80000016, 0, 2), ins(0x20, 24), RET_ALLOW, ins(0x06, 0)];
    expect(textAt(le, 2)).toBe('ld [args[1].lo]');
    expect(textAt(be, 2)).toBe('ld [args[1].hi]');
    expect(textAt([ins(0x20, 28), RET_ALLOW], 0)).toBe('ld [args[1].hi]');
    expect(textAt([ins(0x20, 12), RET_ALLOW], 0)).toBe('ld [instruction_pointer.hi]');
    expect(assemble(disassemble(be).text)).toEqual(be);
  });

  it('marks the x32 split and names x32 numbers after it', () => {
    const p: Program = [
      LD_ARCH, ins(0x15, 0xc000003e, 0, 5), LD_NR,
      ins(0x35, 0x40000000, 1, 0), // jge X32 -> x32 path at 5
      ins(0x15, 1, 2, 1), // x86_64: write
      ins(0x15, 0x40000001, 1, 0), // x32: write
      ins(0x06, 0),
      RET_ALLOW,
    ];
    const d = disassemble(p);
    expect(d.lines[3].text).toBe('jge #X32_SYSCALL_BIT, L0005');
    expect(d.lines[4].text).toBe('jeq #write, allow, kill_thread');
    expect(d.lines[4].abis).toEqual(['x86_64']);
    expect(d.lines[5].text).toBe('jeq #write, allow');
    expect(d.lines[5].abis).toEqual(['x32']);
    expect(d.lines[5].syscall).toEqual({ abi: 'x32', name: 'write', nr: 0x40000001 });
    expect(assemble(d.text)).toEqual(p);
  });

  it('prints encodings the readable syntax cannot express as exact .insn lines', () => {
    const p: Program = [
      ins(0x06, 0x7fff0000, 1, 0), // unused jt set
      ins(0x16, 5), // ret A with k
      ins(0x1d, 7, 0, 0), // jeq x with k
      ins(0x15, 1, 200, 0), // jump past the end
      ins(0x05, 99), // ja past the end
      RET_ALLOW,
    ];
    const d = disassemble(p);
    expect(d.lines.map((l) => l.mnemonic)).toEqual(['.insn', '.insn', '.insn', '.insn', '.insn', 'ret']);
    expect(d.lines[0].text).toBe('.insn 0x06, 1, 0, 0x7fff0000');
    expect(d.lines[0].comment).toContain('ret ALLOW');
    expect(d.lines[3].comment).toContain('jumps past the end');
    expect(assemble(d.text)).toEqual(p);
  });

  it('shows every classic opcode, including those seccomp refuses', () => {
    const p: Program = [
      ins(0x28, 2), ins(0x30, 3), ins(0x40, 4), ins(0x48, 5), ins(0x50, 6), ins(0x80), ins(0x81), ins(0xb1, 14),
      ins(0x94, 3), ins(0x9c), ins(0x00, 0x12345678), ins(0x01, 9), ins(0x02, 3), ins(0x03, 4), ins(0x60, 3), ins(0x61, 4),
      ins(0x07), ins(0x87), ins(0x84), ins(0x4c), ins(0x16),
    ];
    expect(disassemble(p).lines.map((l) => l.text)).toEqual([
      'ldh [2]', 'ldb [3]', 'ld [x + 4]', 'ldh [x + 5]', 'ldb [x + 6]', 'ld len', 'ldx len', 'ldxb 4*([14]&0xf)',
      'mod #3', 'mod x', 'ld #0x12345678', 'ldx #9', 'st M[3]', 'stx M[4]', 'ld M[3]', 'ldx M[4]',
      'tax', 'txa', 'neg', 'or x', 'ret A',
    ]);
    expect(assemble(disassemble(p).text)).toEqual(p);
  });

  it('rejects an unknown opcode with the instruction index, or prints it raw on request', () => {
    const p: Program = [LD_NR, ins(0x0099), RET_ALLOW];
    let err: unknown;
    try {
      disassemble(p, { file: 'prog.bpf' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SeccompKitError);
    const e = err as SeccompKitError;
    expect(e.code).toBe('bpf-opcode');
    expect(`${e.location()}error: ${e.message}`).toBe('prog.bpf: instruction 1: error: unknown opcode 0x0099');
    const d = disassemble(p, { allowUnknown: true });
    expect(d.lines[1].text).toBe('.insn 0x99, 0, 0, 0x0');
    expect(assemble(d.text)).toEqual(p);
  });

  it('marks unreachable code', () => {
    const d = disassemble([RET_ALLOW, ins(0x06, 0)]);
    expect(d.lines[1].reachable).toBe(false);
    expect(d.lines[1].comment).toContain('unreachable');
  });

  it('round-trips the docker-like fixture byte for byte', () => {
    const bytes = new Uint8Array(readFileSync(new URL('../fixtures/bpf/docker-like-x86_64.bpf', import.meta.url)));
    const p = decodeProgram(bytes);
    const d = disassemble(p);
    expect(d.lines.filter((l) => l.syscall).length).toBeGreaterThan(50);
    expect(assemble(d.text)).toEqual(p);
  });
});

describe('disasm -> asm round trip (properties)', () => {
  it('is byte-identical on seccomp-shaped programs, with and without --arch', () => {
    fc.assert(
      fc.property(arbSeccompLikeProgram(60), arbFallbackAbi, (p, abi) => {
        const d = disassemble(p, { abi });
        expect(assemble(d.text)).toEqual(p);
      }),
      { numRuns: 400 },
    );
  });

  it('is byte-identical on any program of classic opcodes (odd fields, jumps anywhere)', () => {
    fc.assert(
      fc.property(fc.array(arbClassicInstruction, { minLength: 0, maxLength: 40 }), arbFallbackAbi, (p, abi) => {
        expect(assemble(disassemble(p, { abi }).text)).toEqual(p);
      }),
      { numRuns: 400 },
    );
  });

  it('is byte-identical on arbitrary 16-bit codes with allowUnknown', () => {
    fc.assert(
      fc.property(fc.array(arbAnyInstruction, { maxLength: 30 }), (p) => {
        expect(assemble(disassemble(p, { allowUnknown: true }).text)).toEqual(p);
      }),
      { numRuns: 300 },
    );
  });

  it('uses the shared arbitraries from test/support when they exist', async () => {
    // A variable specifier: the module may not exist yet, and tsc must not resolve it.
    const spec = '../support/bpf-arbitraries.js';
    const mod = (await import(/* @vite-ignore */ spec).catch(() => undefined)) as
      | { arbValidSeccompProgram?: (o: { maxLen: number }) => fc.Arbitrary<Program>; arbAnyProgram?: () => fc.Arbitrary<Program> }
      | undefined;
    if (!mod?.arbValidSeccompProgram || !mod.arbAnyProgram) {
      console.warn('test/support/bpf-arbitraries.ts not present: shared-generator round trip not run');
      return;
    }
    fc.assert(fc.property(mod.arbValidSeccompProgram({ maxLen: 80 }), (p) => {
      expect(assemble(disassemble(p).text)).toEqual(p);
    }), { numRuns: 300 });
    fc.assert(fc.property(mod.arbAnyProgram(), (p) => {
      let text: string;
      try {
        text = disassemble(p).text;
      } catch (e) {
        expect((e as SeccompKitError).code).toBe('bpf-opcode');
        return;
      }
      expect(assemble(text)).toEqual(p);
    }), { numRuns: 300 });
  });
});
