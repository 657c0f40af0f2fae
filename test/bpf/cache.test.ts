import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cacheReport, isConstAllow, isConstAllowStack } from '../../src/core/bpf/cache.js';
import { decodeProgram } from '../../src/core/bpf/codec.js';
import { compileEmulator } from '../../src/core/bpf/emulate.js';
import type { Program } from '../../src/core/bpf/instruction.js';
import { insn, seccompData } from '../../src/core/bpf/instruction.js';
import {
  BPF_A, BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_IMM, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET, BPF_K,
  BPF_LD, BPF_MEM, BPF_RET, BPF_ST, BPF_W, BPF_X, SECCOMP_RET_ALLOW, SECCOMP_RET_LOG,
} from '../../src/core/bpf/opcodes.js';
import { arbU64, arbValidSeccompProgram } from '../support/bpf-arbitraries.js';

const X86_64 = 0xc000003e;
const I386 = 0x40000003;
const AARCH64 = 0xc00000b7;
const ldw = (k: number) => insn(BPF_LD | BPF_W | BPF_ABS, k);
const ret = (k = SECCOMP_RET_ALLOW) => insn(BPF_RET | BPF_K, k);
const jk = (op: number, k: number, jt: number, jf: number) => insn(BPF_JMP | op | BPF_K, k, jt, jf);
const ERRNO1 = 0x00050001;

/** arch == x86_64 ? (nr == 1 ? ALLOW : ERRNO) : KILL */
const simple: Program = [ldw(4), jk(BPF_JEQ, X86_64, 1, 0), ret(0), ldw(0), jk(BPF_JEQ, 1, 0, 1), ret(), ret(ERRNO1)];

describe('isConstAllow (seccomp_is_const_allow)', () => {
  it('follows nr/arch loads and constant jumps to an ALLOW return', () => {
    expect(isConstAllow(simple, X86_64, 1)).toBe(true);
    expect(isConstAllow(simple, X86_64, 2)).toBe(false);
    expect(isConstAllow(simple, I386, 1)).toBe(false);
  });

  it('understands jgt, jge, jset, ja and and #k', () => {
    const p: Program = [
      ldw(0), insn(BPF_ALU | BPF_AND | BPF_K, 0xff), jk(BPF_JGT, 100, 3, 0), jk(BPF_JGE, 50, 1, 0), insn(BPF_JMP | BPF_JA, 2),
      jk(BPF_JSET, 1, 0, 1), ret(), ret(ERRNO1),
    ];
    expect(isConstAllow(p, X86_64, 0x101)).toBe(false); // & 0xff = 1 < 50 -> ja 2 -> ERRNO
    expect(isConstAllow(p, X86_64, 0x133)).toBe(true); // & 0xff = 51 >= 50 -> jset 1 -> ALLOW
    expect(isConstAllow(p, X86_64, 51)).toBe(true); // >= 50 -> jset 1 -> ALLOW
    expect(isConstAllow(p, X86_64, 52)).toBe(false); // jset fails -> ERRNO
    expect(isConstAllow(p, X86_64, 101)).toBe(true); // > 100 -> ALLOW
  });

  it('gives up on anything else on the path taken, but not elsewhere', () => {
    // Argument load on the path of nr 2 only.
    const p: Program = [ldw(0), jk(BPF_JEQ, 2, 0, 3), ldw(16), jk(BPF_JEQ, 0, 0, 1), ret(), ret()];
    expect(isConstAllow(p, X86_64, 5)).toBe(true);
    expect(isConstAllow(p, X86_64, 2)).toBe(false);
    for (const bad of [
      insn(BPF_LD | BPF_IMM, 0), insn(BPF_ALU | BPF_ADD | BPF_K, 0), insn(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 0),
      insn(BPF_ST, 0), ldw(8), insn(BPF_LD | BPF_W | 0x80 /* len */),
    ]) {
      expect(isConstAllow([bad, ret()], X86_64, 0)).toBe(false);
    }
    expect(isConstAllow([insn(BPF_ST, 0), insn(BPF_LD | BPF_MEM, 0), ret()], X86_64, 0)).toBe(false);
  });

  it('caches only the exact ALLOW value: LOG, ret a and ALLOW with data are not cached', () => {
    expect(isConstAllow([ret(SECCOMP_RET_LOG)], X86_64, 0)).toBe(false);
    expect(isConstAllow([ret(SECCOMP_RET_ALLOW | 1)], X86_64, 0)).toBe(false);
    expect(isConstAllow([insn(BPF_LD | BPF_IMM, SECCOMP_RET_ALLOW), insn(BPF_RET | BPF_A)], X86_64, 0)).toBe(false);
    expect(isConstAllow([ret()], X86_64, 0)).toBe(true);
  });

  it('lets uretprobe (335) and uprobe (336) through on native x86_64 only, before the walk', () => {
    const deny = [ret(0)];
    expect(isConstAllow(deny, X86_64, 335)).toBe(true);
    expect(isConstAllow(deny, X86_64, 336)).toBe(true);
    expect(isConstAllow(deny, X86_64, 337)).toBe(false);
    expect(isConstAllow(deny, I386, 335)).toBe(false);
    expect(isConstAllow(deny, X86_64, 335, { uprobeException: false })).toBe(false);
    expect(isConstAllow(deny, AARCH64, 335, { nativeArch: AARCH64 })).toBe(false);
  });

  it('stacks: every filter must allow constantly', () => {
    expect(isConstAllowStack([simple, [ret()]], X86_64, 1)).toBe(true);
    expect(isConstAllowStack([simple, [ret(ERRNO1)]], X86_64, 1)).toBe(false);
    expect(isConstAllowStack([], X86_64, 1)).toBe(false);
  });

  it('is sound: a cached number is allowed whatever the arguments and instruction pointer', () => {
    fc.assert(
      fc.property(
        arbValidSeccompProgram({ maxLen: 60 }),
        fc.constantFrom(X86_64, I386),
        fc.integer({ min: 0, max: 400 }),
        fc.array(arbU64(), { minLength: 7, maxLength: 7 }),
        (p, arch, nr, v) => {
          if (nr === 335 || nr === 336 || !isConstAllow(p, arch, nr)) return;
          expect(compileEmulator(p)(seccompData(arch, nr, v.slice(0, 6), v[6]))).toBe(SECCOMP_RET_ALLOW);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('cacheReport', () => {
  it('counts the cacheable numbers of one ABI', () => {
    const r = cacheReport(simple, { auditArch: X86_64, maxNr: 10 });
    expect(r).toEqual({ auditArch: X86_64, total: 10, cacheable: 1, cached: [1] });
  });

  it('never caches x32 numbers or arches without a cache', () => {
    expect(cacheReport([ret()], { auditArch: X86_64, maxNr: 10, nrOffset: 0x40000000 }).cacheable).toBe(0);
    expect(cacheReport([ret()], { auditArch: AARCH64, maxNr: 10, hasCache: false }).cacheable).toBe(0);
  });

  it('reports the libseccomp fixture: most calls cached on x86_64 and i386, none denied', () => {
    const p = decodeProgram(new Uint8Array(readFileSync(new URL('../fixtures/bpf/docker-like-x86_64.bpf', import.meta.url))));
    const em = compileEmulator(p);
    for (const arch of [X86_64, I386]) {
      const r = cacheReport(p, { auditArch: arch, maxNr: 470 }, { uprobeException: false });
      expect(r.cacheable).toBeGreaterThan(250);
      // read (0 / 3) is cached; personality (135 / 136) checks an argument, so it is not.
      expect(r.cached).toContain(arch === X86_64 ? 0 : 3);
      expect(r.cached).not.toContain(arch === X86_64 ? 135 : 136);
      for (const nr of r.cached) expect(em(seccompData(arch, nr))).toBe(SECCOMP_RET_ALLOW);
    }
    expect(cacheReport([p, [ret()]], { auditArch: X86_64, maxNr: 470 }).cacheable).toBe(cacheReport(p, { auditArch: X86_64, maxNr: 470 }).cacheable);
  });
});
