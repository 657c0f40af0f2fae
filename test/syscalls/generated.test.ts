// The committed table.generated.ts must be what scripts/gen-syscalls.ts makes of data/syscalls/ today.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OUTPUT, generateTableSource, generatedDate, headerDefines } from '../../scripts/gen-syscalls.js';
import { NAMES, NUMBERS, TABLE_NAMES, TABLE_PROVENANCE } from '../../src/core/syscalls/table.generated.js';

describe('table.generated.ts', () => {
  const committed = readFileSync(OUTPUT, 'utf8');

  it('is up to date with data/syscalls (regenerated in memory, same date)', () => {
    const date = generatedDate(committed);
    expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(generateTableSource({ date })).toBe(committed);
  });

  it('starts with a provenance header naming sources and commits', () => {
    const head = committed.split('\n').slice(0, 12).join('\n');
    expect(head).toContain('seccomp/libseccomp src/syscalls.csv at 90d3f7dd6f52dbf0f4a38ebd0657032b6ef05e6a (2026-07-01)');
    expect(head).toContain('v7.1.0-rc4');
    expect(head).toContain('031024addec2fd77ff88b92ac2e8b68b56e9b746');
    expect(head).toMatch(/Generated: \d{4}-\d{2}-\d{2}/);
    expect(TABLE_PROVENANCE.commit).toBe('90d3f7dd6f52dbf0f4a38ebd0657032b6ef05e6a');
  });

  it('is compact: one string per table, not an object per syscall', () => {
    expect(committed.length).toBeLessThan(60_000);
    expect(committed.split('\n').length).toBeLessThan(200);
    expect(TABLE_NAMES).toHaveLength(18);
    const n = NAMES.split(' ').length;
    for (const t of TABLE_NAMES) expect(NUMBERS[t].split(',')).toHaveLength(n);
  });
});

describe('headerDefines (the UAPI check of the generator)', () => {
  it('evaluates names and | like linux/audit.h does', () => {
    const defs = headerDefines([
      '#define EM_X86_64 62 /* AMD */\n#define __AUDIT_ARCH_64BIT 0x80000000\n#define __AUDIT_ARCH_LE 0x40000000\n' +
        '#define AUDIT_ARCH_X86_64 (EM_X86_64|__AUDIT_ARCH_64BIT|\\\n  __AUDIT_ARCH_LE)\n#define IPCCALL(v,op) ((v)<<16 | (op))\n',
    ]);
    expect(defs.get('AUDIT_ARCH_X86_64')).toBe(0xc000003e);
    expect(defs.has('IPCCALL')).toBe(false);
  });
});
