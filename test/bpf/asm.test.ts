import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble, assembleDetailed } from '../../src/core/bpf/asm.js';
import { disassemble } from '../../src/core/bpf/disasm.js';
import { emulate } from '../../src/core/bpf/emulate.js';
import { seccompData } from '../../src/core/bpf/instruction.js';
import type { Program } from '../../src/core/bpf/instruction.js';
import { verifyProgram } from '../../src/core/bpf/verify.js';
import { SeccompKitError } from '../../src/core/errors.js';
import { getAbi, syscallNumber } from '../../src/core/syscalls/index.js';

const ins = (code: number, k = 0, jt = 0, jf = 0) => ({ code, jt, jf, k: k >>> 0 });
const X86_64 = 0xc000003e;

/** The error assemble throws, for checking its code, position and message. */
function asmError(text: string, opts: Parameters<typeof assemble>[1] = {}): SeccompKitError {
  try {
    assemble(text, { file: 'f.s', ...opts });
  } catch (e) {
    if (e instanceof SeccompKitError) return e;
    throw e;
  }
  throw new Error('expected a bpf-asm error');
}

describe('assembler syntax', () => {
  it('assembles the readable syntax with labels, symbolic names and actions', () => {
    const p = assemble(`
      # a comment line
      ld arch                           ; loads seccomp_data.arch
      jne #AUDIT_ARCH_X86_64, kill      // wrong arch
      ld [nr]
      jeq #fchmodat2, deny
      jeq #read, allow, deny
    deny:  ret ERRNO(1)
    allow: ret ALLOW
    kill:  ret KILL_PROCESS
    `);
    expect(p).toEqual([
      ins(0x20, 4),
      ins(0x15, X86_64, 0, 5),
      ins(0x20, 0),
      ins(0x15, 452, 1, 0),
      ins(0x15, 0, 1, 0),
      ins(0x06, 0x00050001),
      ins(0x06, 0x7fff0000),
      ins(0x06, 0x80000000),
    ]);
    expect(verifyProgram(p).ok).toBe(true);
  });

  it('accepts every spelling of loads, ALU, jumps and returns', () => {
    const p = assemble(`
      ld #42
      ldi #-1
      ld M[3]
      ld len
      ld [x + 8]
      ldh [2]
      ldb [x+1]
      ld [16]
      ld args[0]
      ld [args[5].hi]
      ld ip.hi
      ld [instruction_pointer.lo]
      ldx #0x10
      ldx M[15]
      ldx len
      ldxb 4*([14]&0xf)
      st M[0]
      stx M[1]
      add #1
      sub x
      mul #0b101
      div #0o17
      mod #3
      and #0xff
      or x
      xor #7
      lsh #2
      rsh x
      neg
      tax
      txa
      jset #1, a
    a: jgt x, b, b
    b: jle #5, c
    c: jnset #0x40000000, d
    d: jlt #5, e, next
    e: ja f
    f: goto g
    g: ret #0x7fff0000
      ret A
      ret kill
      ret TRACE(5)
      ret SCMP_ACT_ERRNO(13)
      ret log
    `);
    expect(p).toEqual([
      ins(0x00, 42), ins(0x00, 0xffffffff), ins(0x60, 3), ins(0x80), ins(0x40, 8), ins(0x28, 2), ins(0x50, 1),
      ins(0x20, 16), ins(0x20, 16), ins(0x20, 60), ins(0x20, 12), ins(0x20, 8),
      ins(0x01, 16), ins(0x61, 15), ins(0x81), ins(0xb1, 14), ins(0x02, 0), ins(0x03, 1),
      ins(0x04, 1), ins(0x1c), ins(0x24, 5), ins(0x34, 15), ins(0x94, 3), ins(0x54, 0xff), ins(0x4c), ins(0xa4, 7),
      ins(0x64, 2), ins(0x7c), ins(0x84), ins(0x07), ins(0x87),
      ins(0x45, 1, 0, 0), // jset #1, a (a is next)
      ins(0x2d, 0, 0, 0), // jgt x, b, b
      ins(0x25, 5, 0, 0), // jle #5, c  -> jgt with jt=0 jf=0 (c is next)
      ins(0x45, 0x40000000, 0, 0),
      ins(0x35, 5, 0, 0),
      ins(0x05, 0), ins(0x05, 0),
      ins(0x06, 0x7fff0000), ins(0x16), ins(0x06, 0), ins(0x06, 0x7ff00005), ins(0x06, 0x0005000d), ins(0x06, 0x7ffc0000),
    ]);
  });

  it('encodes negated jumps with jt = 0 and both-branch jumps exactly', () => {
    const p = assemble(`
      ld [nr]
      jne #1, b          ; jeq jt=0 jf=2
      jeq #2, b, c       ; jt=1 jf=2
    a: ret A
    b: ret A
    c: jlt #9, d, e     ; jge, taken -> e, else d
    d: ret A
    e: ret A
    `);
    expect(p.slice(1, 3)).toEqual([ins(0x15, 1, 0, 2), ins(0x15, 2, 1, 2)]);
    expect(p[5]).toEqual(ins(0x35, 9, 1, 0));
  });

  it('skips the disassembler index column and label lines', () => {
    const p = assemble('0000  ld    [arch]   ; { 0x20, 0, 0, 0x00000004 }\nL0002:\n0001  ret   ALLOW\n');
    expect(p).toEqual([ins(0x20, 4), ins(0x06, 0x7fff0000)]);
  });

  it('resolves syscall names with .arch or the abi option where arch is never checked', () => {
    const text = 'ld [nr]\njeq #execve, k\nret ALLOW\nk: ret KILL_PROCESS\n';
    expect(assemble(`.arch x86\n${text}`)[1].k).toBe(11);
    expect(assemble(text, { abi: 'x86_64' })[1].k).toBe(59);
    expect(assemble(text, { abi: 'aarch64' })[1].k).toBe(221);
    expect(assemble(text, { abi: 'x32' })[1].k).toBe(0x40000000 + 520);
    expect(assemble(text.replace('#execve', '#x32.execve'))[1].k).toBe(0x40000000 + 520);
    expect(assemble(text.replace('#execve', '#i386.execve'))[1].k).toBe(11);
  });

  it('resolves a syscall name by the ABI the program checked on that path', () => {
    const p = assemble(`
      ld [arch]
      jeq #AUDIT_ARCH_I386, x86
      jne #AUDIT_ARCH_AARCH64, kill
      ld [nr]
      jeq #openat, kill
      ret ALLOW
    x86:
      ld [nr]
      jeq #openat, kill
      ret ALLOW
    kill: ret KILL_PROCESS
    `, { abi: 'x86_64' }); // the fallback must not win over the program's own check
    expect(p[4].k).toBe(syscallNumber('aarch64', 'openat'));
    expect(p[7].k).toBe(syscallNumber('x86', 'openat'));
    // ABI names are accepted in arch compares.
    expect(assemble('ld [arch]\njeq #x86_64, a\na: ret ALLOW')[1].k).toBe(X86_64);
  });

  it('rejects a name with different numbers on paths that meet, naming the line', () => {
    const e = asmError(`ld [arch]
jeq #AUDIT_ARCH_X86_64, nr
jne #AUDIT_ARCH_I386, kill
nr: ld [nr]
    jeq #read, kill
    ret ALLOW
kill: ret KILL_PROCESS
`);
    expect(e.code).toBe('bpf-asm');
    expect(e.source).toMatchObject({ file: 'f.s', line: 5, column: 10 });
    expect(e.message).toMatch(/read has different numbers .*x86: 3.*x86_64: 0|read has different numbers .*x86_64: 0.*x86: 3/);
    expect(e.hint).toMatch(/qualify/);
    // The same name with one number everywhere, or a qualified name, is fine there.
    expect(() => assemble(`ld [arch]\njeq #AUDIT_ARCH_X86_64, nr\njne #AUDIT_ARCH_I386, kill\nnr: ld [nr]\njeq #x86.read, kill\nret ALLOW\nkill: ret KILL_PROCESS`)).not.toThrow();
  });

  it('reports errors with file, line, column and what was expected', () => {
    const cases: Array<[string, number, number, RegExp]> = [
      ['ld [nr]\n  jeq #read, a\na: ret ALLOW', 2, 8, /cannot resolve syscall name read: the architecture/],
      ['.arch x86_64\nld [nr]\n  jeq #read, nowhere\nret ALLOW', 3, 14, /undefined label nowhere/],
      ['ret ALLOW\n  frob #1', 2, 3, /unknown instruction frob/],
      ['  ld foo', 1, 6, /expected \[k\], a seccomp_data field .* found "foo"/],
      ['ld [nr]\n  jeq #0x1g, a\na: ret ALLOW', 2, 8, /bad number "0x1g"/],
      ['  ret SOMETIMES', 1, 7, /expected an action .* found "SOMETIMES"/],
      ['a: ret ALLOW\njeq #1, a\nret ALLOW', 2, 9, /label a .* is not after this jump; BPF jumps only go forward/],
      ['jeq #1, b\nret ALLOW\nb:', 1, 9, /label b .* is at the end of the program/],
      ['a: ret ALLOW\na: ret ALLOW', 2, 1, /label a is already defined on line 1/],
      ['  jeq #1', 1, 9, /jeq takes a value .* and one or two labels; found 1 operand/],
      ['ld #99999999999', 1, 5, /bad number/],
      ['.arch vax', 1, 7, /unknown architecture vax/],
      ['.wat', 1, 1, /unknown directive .wat/],
      ['ld [nr]\njeq #AUDIT_ARCH_VAX, a\na: ret ALLOW', 2, 6, /unknown constant AUDIT_ARCH_VAX/],
      ['ld [arch]\njne #AUDIT_ARCH_X86_64, k\nld [nr]\njeq #not_a_call, k\nk: ret ALLOW', 4, 6, /not_a_call is not a syscall on x86_64/],
      ['ret x', 1, 5, /expected an action/],
    ];
    for (const [text, line, column, msg] of cases) {
      const e = asmError(text);
      expect(e.code, text).toBe('bpf-asm');
      expect(e.source, text).toMatchObject({ file: 'f.s', line, column });
      expect(e.message, text).toMatch(msg);
    }
  });

  it('errors on .arch that contradicts the option', () => {
    const e = asmError('.arch x86\nret ALLOW', { abi: 'x86_64' });
    expect(e.message).toMatch(/conflicts with --arch x86_64/);
    expect(assemble('.arch x86_64\nret ALLOW', { abi: 'amd64' })).toEqual([ins(0x06, 0x7fff0000)]);
  });
});

/** `jeq #1, far` followed by `gap` filler instructions and then the target. */
function farJump(gap: number, directive = ''): string {
  return `${directive}\nld [nr]\njeq #1, far\n${'ld #0\n'.repeat(gap)}ret ERRNO(2)\nfar: ret ALLOW\n`;
}

describe('long jumps', () => {
  it('encodes a jump of exactly 255', () => {
    const p = assemble(farJump(254));
    expect(p[1]).toEqual(ins(0x15, 1, 255, 0));
  });

  it('rejects a conditional jump beyond 255 at the target operand, with a hint', () => {
    const e = asmError(farJump(255));
    expect(e.code).toBe('bpf-asm');
    expect(e.source).toMatchObject({ line: 3, column: 9 });
    expect(e.message).toBe('conditional jump to label far is 256 instructions away; jt/jf reach at most 255');
    expect(e.hint).toMatch(/\.relax/);
  });

  it('lays a far jump out through a ja trampoline with .relax or the option, keeping its meaning', () => {
    for (const [text, opts] of [[farJump(300, '.relax'), {}], [farJump(300), { relax: true }]] as const) {
      const r = assembleDetailed(text, opts);
      expect(r.trampolines).toBe(1);
      const p = r.program;
      expect(p[1]).toEqual(ins(0x15, 1, 0, 1)); // taken -> trampoline, else skip it
      expect(p[2]).toEqual(ins(0x05, 301));
      expect(p.length).toBe(2 + 1 + 300 + 2);
      expect(verifyProgram(p).ok).toBe(true);
      expect(emulate(p, seccompData(X86_64, 1)).action.kind).toBe('ALLOW');
      expect(emulate(p, seccompData(X86_64, 0)).action).toMatchObject({ kind: 'ERRNO', data: 2 });
      expect(r.sourceLines[2]).toBe(3);
      // The laid-out program disassembles and re-assembles to itself.
      expect(assemble(disassemble(p).text)).toEqual(p);
    }
  });

  it('relaxes both branches and chains of jumps that become far because of trampolines', () => {
    const n = 256;
    const text = [
      '.relax', 'ld [nr]',
      'jeq #1, t', 'jeq #10, t', 'jeq #11, f', 'jeq #12, t',
      ...Array.from({ length: n }, () => 'ld #0'),
      'ret ERRNO(5)',
      't: ret ALLOW',
      'f: ret KILL_PROCESS',
    ].join('\n');
    const p = assemble(text);
    expect(verifyProgram(p).ok).toBe(true);
    const run = (nr: number) => emulate(p, seccompData(X86_64, nr)).action.kind;
    expect(run(1)).toBe('ALLOW');
    expect(run(10)).toBe('ALLOW');
    expect(run(11)).toBe('KILL_PROCESS');
    expect(run(12)).toBe('ALLOW');
    expect(run(3)).toBe('ERRNO');
    for (let i = 0; i < p.length; i++) {
      const c = p[i];
      if ((c.code & 7) === 5 && (c.code & 0xf0) !== 0) {
        expect(i + 1 + c.jt).toBeLessThan(p.length);
        expect(i + 1 + c.jf).toBeLessThan(p.length);
      }
    }
  });

  it('keeps the meaning of random programs with far jumps (relaxed vs. an unbounded reference)', () => {
    // Random forward-jumping programs of up to 700 instructions; compare the relaxed program with
    // a reference interpreter that follows labels directly.
    const arb = fc.integer({ min: 2, max: 700 }).chain((n) =>
      fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 700 }), fc.integer({ min: 1, max: 700 })), { minLength: n, maxLength: n }),
    );
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 3 }), (spec, nr) => {
        const n = spec.length;
        const lines: string[] = ['.relax', 'ld [nr]'];
        const kinds: Array<{ kind: 'ret'; v: number } | { kind: 'jeq'; k: number; t: number; f: number }> = [];
        spec.forEach(([k, dt, df], i) => {
          const t = Math.min(n, i + dt);
          const f = Math.min(n, i + df);
          if (i === n - 1 || k === 3) {
            kinds.push({ kind: 'ret', v: i });
            lines.push(`l${i}: ret ERRNO(${i})`);
          } else {
            kinds.push({ kind: 'jeq', k, t, f });
            lines.push(`l${i}: jeq #${k}, l${t === n ? n - 1 : t}, l${f === n ? n - 1 : f}`);
          }
        });
        const p = assemble(lines.join('\n'));
        expect(verifyProgram(p).ok).toBe(true);
        let pc = 0;
        for (;;) {
          const s = kinds[pc];
          if (s.kind === 'ret') break;
          const t = s.t === n ? n - 1 : s.t;
          const f = s.f === n ? n - 1 : s.f;
          pc = nr === s.k ? t : f;
        }
        expect(emulate(p, seccompData(X86_64, nr)).action).toMatchObject({ kind: 'ERRNO', data: pc });
      }),
      { numRuns: 60 },
    );
  });
});

describe('assembler and the syscall tables', () => {
  it('knows every x86_64 syscall name on an x86_64 path', () => {
    const abi = getAbi('x86_64');
    expect(abi).toBeDefined();
    const p: Program = assemble('.arch x86_64\nld [nr]\njeq #fchmodat2, a\na: ret ALLOW');
    expect(p[1].k).toBe(452);
  });
});
