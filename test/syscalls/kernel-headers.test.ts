// Cross-check with the kernel's own numbering as installed here (Debian linux-libc-dev, asm/unistd_*.h):
// every __NR_* the headers define must have the same number in our tables.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { syscallName, syscallNumber } from '../../src/core/syscalls/index.js';

const DIR = '/usr/include/x86_64-linux-gnu/asm';
const HEADERS: [file: string, abi: string][] = [['unistd_64.h', 'x86_64'], ['unistd_32.h', 'x86'], ['unistd_x32.h', 'x32']];

function defines(file: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^#define __NR_(\w+)\s+(?:\(__X32_SYSCALL_BIT \+ (\d+)\)|(\d+))\s*$/.exec(line);
    if (m) out.set(m[1], m[2] !== undefined ? 0x40000000 + Number(m[2]) : Number(m[3]));
  }
  return out;
}

describe.skipIf(!existsSync(`${DIR}/unistd_64.h`))('asm/unistd_*.h of the installed kernel headers', () => {
  it.each(HEADERS)('%s agrees with the %s table', (file, abi) => {
    const defs = defines(`${DIR}/${file}`);
    expect(defs.size).toBeGreaterThan(300);
    for (const [name, nr] of defs) {
      expect(syscallNumber(abi, name), `${name} on ${abi}`).toBe(nr);
      expect(syscallName(abi, nr)).toBe(name);
    }
  });
});
