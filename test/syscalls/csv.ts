// Test helper: reads data/syscalls/libseccomp-syscalls.csv directly, independently of the generated tables.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CsvTables {
  tables: string[];
  /** name -> table -> number (undefined = PNR), as listed (x32 without its bit, MIPS without its base). */
  numbers: Map<string, Map<string, number | undefined>>;
  /** name -> table -> kernel version column (`5.3`; undefined for UNDEF). */
  versions: Map<string, Map<string, string | undefined>>;
}

export function readCsv(file = 'data/syscalls/libseccomp-syscalls.csv'): CsvTables {
  const lines = readFileSync(`${ROOT}/${file}`, 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const tables: string[] = [];
  for (let i = 1; i < header.length; i += 2) tables.push(header[i]);
  const numbers = new Map<string, Map<string, number | undefined>>();
  const versions = new Map<string, Map<string, string | undefined>>();
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    const row = new Map<string, number | undefined>();
    const vrow = new Map<string, string | undefined>();
    tables.forEach((t, k) => {
      row.set(t, cells[1 + 2 * k] === 'PNR' ? undefined : Number(cells[1 + 2 * k]));
      const m = /KV_(\d+)_(\d+)$/.exec(cells[2 + 2 * k]);
      vrow.set(t, m ? `${m[1]}.${m[2]}` : undefined);
    });
    numbers.set(cells[0], row);
    versions.set(cells[0], vrow);
  }
  return { tables, numbers, versions };
}

/** Table and number offset of each ABI, written out here rather than taken from the library. */
export const ABI_TABLE: Record<string, [table: string, offset: number]> = {
  x86: ['x86', 0], x86_64: ['x86_64', 0], x32: ['x32', 0x40000000], arm: ['arm', 0], aarch64: ['aarch64', 0],
  loongarch64: ['loongarch64', 0], m68k: ['m68k', 0], mips: ['mips', 4000], mipsel: ['mips', 4000],
  mips64: ['mips64', 5000], mipsel64: ['mips64', 5000], mips64n32: ['mips64n32', 6000], mipsel64n32: ['mips64n32', 6000],
  parisc: ['parisc', 0], parisc64: ['parisc64', 0], ppc: ['ppc', 0], ppc64: ['ppc64', 0], ppc64le: ['ppc64', 0],
  riscv64: ['riscv64', 0], s390: ['s390', 0], s390x: ['s390x', 0], sh: ['sh', 0], sheb: ['sh', 0],
};
