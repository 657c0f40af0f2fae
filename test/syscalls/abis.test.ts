import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SeccompKitError } from '../../src/core/errors.js';
import {
  ABIS,
  AUDIT_ARCH,
  abiForSeccompData,
  abisForAuditArch,
  getAbi,
  requireAbi,
} from '../../src/core/syscalls/index.js';
import { hostAbi } from '../../src/node/host.js';

// libseccomp's 23 arch tokens (seccomp/libseccomp include/seccomp.h.in), lower-cased.
const LIBSECCOMP_ABIS = [
  'x86', 'x86_64', 'x32', 'arm', 'aarch64', 'loongarch64', 'm68k', 'mips', 'mipsel', 'mips64', 'mipsel64',
  'mips64n32', 'mipsel64n32', 'parisc', 'parisc64', 'ppc', 'ppc64', 'ppc64le', 'riscv64', 's390', 's390x', 'sh', 'sheb',
];

// ABI -> the linux/audit.h macro it reports.
const AUDIT_MACRO: Record<string, string> = {
  x86: 'AUDIT_ARCH_I386', x86_64: 'AUDIT_ARCH_X86_64', x32: 'AUDIT_ARCH_X86_64', arm: 'AUDIT_ARCH_ARM',
  aarch64: 'AUDIT_ARCH_AARCH64', loongarch64: 'AUDIT_ARCH_LOONGARCH64', m68k: 'AUDIT_ARCH_M68K',
  mips: 'AUDIT_ARCH_MIPS', mipsel: 'AUDIT_ARCH_MIPSEL', mips64: 'AUDIT_ARCH_MIPS64', mipsel64: 'AUDIT_ARCH_MIPSEL64',
  mips64n32: 'AUDIT_ARCH_MIPS64N32', mipsel64n32: 'AUDIT_ARCH_MIPSEL64N32', parisc: 'AUDIT_ARCH_PARISC',
  parisc64: 'AUDIT_ARCH_PARISC64', ppc: 'AUDIT_ARCH_PPC', ppc64: 'AUDIT_ARCH_PPC64', ppc64le: 'AUDIT_ARCH_PPC64LE',
  riscv64: 'AUDIT_ARCH_RISCV64', s390: 'AUDIT_ARCH_S390', s390x: 'AUDIT_ARCH_S390X', sh: 'AUDIT_ARCH_SHEL',
  sheb: 'AUDIT_ARCH_SH',
};

const AUDIT_H = '/usr/include/linux/audit.h';
const haveCc = (() => {
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('ABIs', () => {
  it("are libseccomp's 23, each with a unique AUDIT_ARCH + number space", () => {
    expect(ABIS.map((a) => a.name)).toEqual(LIBSECCOMP_ABIS);
    const keys = new Set(ABIS.map((a) => `${a.auditArch}/${a.nrOffset}`));
    expect(keys.size).toBe(23);
    for (const a of ABIS) expect(a.scmpName).toBe(`SCMP_ARCH_${a.name.toUpperCase()}`);
  });

  it('bits and byte order follow the AUDIT_ARCH flags; longBits marks the ILP32-on-64 ABIs', () => {
    for (const a of ABIS) {
      expect(a.bits).toBe(a.auditArch & 0x80000000 ? 64 : 32);
      expect(a.endian).toBe(a.auditArch & 0x40000000 ? 'little' : 'big');
    }
    expect(ABIS.filter((a) => a.longBits !== a.bits).map((a) => a.name)).toEqual(['x32', 'mips64n32', 'mipsel64n32']);
    expect(getAbi('sh')?.endian).toBe('little');
    expect(getAbi('sheb')?.endian).toBe('big');
    expect(getAbi('ppc64le')?.endian).toBe('little');
  });

  it('getAbi accepts names, SCMP_ARCH_* names, moby names and aliases, case-insensitively', () => {
    const cases: [string, string][] = [
      ['x86_64', 'x86_64'], ['SCMP_ARCH_X86_64', 'x86_64'], ['amd64', 'x86_64'], ['AMD64', 'x86_64'],
      ['i386', 'x86'], ['i686', 'x86'], ['x86', 'x86'], ['ia32', 'x86'], ['aarch64', 'aarch64'], ['arm64', 'aarch64'],
      ['scmp_arch_aarch64', 'aarch64'], ['x32', 'x32'], ['armhf', 'arm'], ['ppc64el', 'ppc64le'], ['loong64', 'loongarch64'],
      ['mipsle', 'mipsel'], ['mips64le', 'mipsel64'], ['mips3l64n32', 'mipsel64n32'], ['SCMP_ARCH_SHEB', 'sheb'],
    ];
    for (const [input, want] of cases) expect(getAbi(input)?.name, input).toBe(want);
    expect(getAbi('vax')).toBeUndefined();
    expect(getAbi('')).toBeUndefined();
  });

  it("moby names are moby/profiles' native-arch strings (profiles.md §2.4)", () => {
    const moby = Object.fromEntries(ABIS.filter((a) => a.mobyName).map((a) => [a.mobyName, a.name]));
    expect(moby).toEqual({
      x86: 'x86', amd64: 'x86_64', arm: 'arm', arm64: 'aarch64', loongarch64: 'loongarch64', mipsel: 'mipsel',
      mips64: 'mips64', mipsel64: 'mipsel64', mips64n32: 'mips64n32', mips3l64n32: 'mipsel64n32', ppc: 'ppc',
      ppc64: 'ppc64', ppc64le: 'ppc64le', riscv64: 'riscv64', s390: 's390', s390x: 's390x',
    });
  });

  it('requireAbi throws unknown-arch listing every valid name', () => {
    expect(requireAbi('arm64').name).toBe('aarch64');
    let err: unknown;
    try {
      requireAbi('vax', { file: 'p.json', pointer: '/architectures/0' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SeccompKitError);
    const e = err as SeccompKitError;
    expect(e.code).toBe('unknown-arch');
    expect(e.source?.file).toBe('p.json');
    for (const a of LIBSECCOMP_ABIS) expect(e.message).toContain(a);
    expect(e.message).not.toContain('\n');
  });

  it('abisForAuditArch and abiForSeccompData tell x86_64 from x32', () => {
    expect(abisForAuditArch(0xc000003e).map((a) => a.name)).toEqual(['x86_64', 'x32']);
    expect(abisForAuditArch(AUDIT_ARCH.I386).map((a) => a.name)).toEqual(['x86']);
    expect(abisForAuditArch(0x12345678)).toEqual([]);
    expect(abiForSeccompData(0xc000003e, 59)?.name).toBe('x86_64');
    expect(abiForSeccompData(0xc000003e, 0x40000000 | 520)?.name).toBe('x32');
    expect(abiForSeccompData(0xc000003e, -1)?.name).toBe('x86_64');
    expect(abiForSeccompData(0xc00000b7, 56)?.name).toBe('aarch64');
    expect(abiForSeccompData(0xa0000008, 6000)?.name).toBe('mips64n32');
    expect(abiForSeccompData(0xdeadbeef, 1)).toBeUndefined();
  });
});

describe.skipIf(!existsSync(AUDIT_H))('AUDIT_ARCH against the installed linux/audit.h', () => {
  it('every ABI reports the value of its AUDIT_ARCH_* macro (compiled with cc)', { skip: !haveCc }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'sk-audit-'));
    try {
      const macros = [...new Set(Object.values(AUDIT_MACRO))];
      const src = `#include <stdio.h>\n#include <linux/audit.h>\nint main(void){\n${macros
        .map((m) => `printf("%s %u\\n", "${m}", (unsigned)${m});`)
        .join('\n')}\nreturn 0;}\n`;
      writeFileSync(join(dir, 'a.c'), src);
      execFileSync('cc', ['-o', join(dir, 'a'), join(dir, 'a.c')]);
      const values = new Map(
        execFileSync(join(dir, 'a'), { encoding: 'utf8' }).trim().split('\n').map((l) => {
          const [k, v] = l.split(' ');
          return [k, Number(v)] as const;
        }),
      );
      for (const a of ABIS) expect(a.auditArch, a.name).toBe(values.get(AUDIT_MACRO[a.name]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every macro we use is defined in the header', () => {
    const text = readFileSync(AUDIT_H, 'utf8');
    for (const m of Object.values(AUDIT_MACRO)) expect(text).toMatch(new RegExp(`#define\\s+${m}\\s`));
  });
});

describe('hostAbi', () => {
  it('maps process.arch and byte order', () => {
    expect(hostAbi('x64', true).name).toBe('x86_64');
    expect(hostAbi('ia32', true).name).toBe('x86');
    expect(hostAbi('arm64', true).name).toBe('aarch64');
    expect(hostAbi('ppc64', true).name).toBe('ppc64le');
    expect(hostAbi('ppc64', false).name).toBe('ppc64');
    expect(hostAbi('mips', false).name).toBe('mips');
    expect(hostAbi('loong64', true).name).toBe('loongarch64');
    expect(() => hostAbi('sparc', false)).toThrow(SeccompKitError);
  });

  it.skipIf(process.arch !== 'x64')('says x86_64 on this x64 machine', () => {
    expect(hostAbi().name).toBe('x86_64');
  });
});
