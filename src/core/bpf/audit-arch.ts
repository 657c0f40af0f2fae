/**
 * AUDIT_ARCH_* names for the values a filter compares `seccomp_data.arch` against.
 * Source: linux/audit.h (linux-libc-dev 6.1, values printed by a C program compiled against it).
 */

/** Every AUDIT_ARCH_* constant of linux/audit.h, without the prefix. */
const AUDIT_ARCHES: ReadonlyArray<readonly [string, number]> = [
  ['AARCH64', 0xc00000b7], ['ALPHA', 0xc0009026], ['ARCOMPACT', 0x4000005d], ['ARCOMPACTBE', 0x0000005d],
  ['ARCV2', 0x400000c3], ['ARCV2BE', 0x000000c3], ['ARM', 0x40000028], ['ARMEB', 0x00000028],
  ['C6X', 0x4000008c], ['C6XBE', 0x0000008c], ['CRIS', 0x4000004c], ['CSKY', 0x400000fc],
  ['FRV', 0x00005441], ['H8300', 0x0000002e], ['HEXAGON', 0x000000a4], ['I386', 0x40000003],
  ['IA64', 0xc0000032], ['M32R', 0x00000058], ['M68K', 0x00000004], ['MICROBLAZE', 0x000000bd],
  ['MIPS', 0x00000008], ['MIPSEL', 0x40000008], ['MIPS64', 0x80000008], ['MIPS64N32', 0xa0000008],
  ['MIPSEL64', 0xc0000008], ['MIPSEL64N32', 0xe0000008], ['NDS32', 0x400000a7], ['NDS32BE', 0x000000a7],
  ['NIOS2', 0x40000071], ['OPENRISC', 0x0000005c], ['PARISC', 0x0000000f], ['PARISC64', 0x8000000f],
  ['PPC', 0x00000014], ['PPC64', 0x80000015], ['PPC64LE', 0xc0000015], ['RISCV32', 0x400000f3],
  ['RISCV64', 0xc00000f3], ['S390', 0x00000016], ['S390X', 0x80000016], ['SH', 0x0000002a],
  ['SHEL', 0x4000002a], ['SH64', 0x8000002a], ['SHEL64', 0xc000002a], ['SPARC', 0x00000002],
  ['SPARC64', 0x8000002b], ['TILEGX', 0xc00000bf], ['TILEGX32', 0x400000bf], ['TILEPRO', 0x400000bc],
  ['UNICORE', 0x4000006e], ['X86_64', 0xc000003e], ['XTENSA', 0x0000005e], ['LOONGARCH32', 0x40000102],
  ['LOONGARCH64', 0xc0000102],
];

const BY_VALUE: ReadonlyMap<number, string> = new Map(AUDIT_ARCHES.map(([n, v]) => [v >>> 0, `AUDIT_ARCH_${n}`]));
const BY_NAME: ReadonlyMap<string, number> = new Map(AUDIT_ARCHES.map(([n, v]) => [`AUDIT_ARCH_${n}`, v >>> 0]));

/** `AUDIT_ARCH_X86_64` for 0xc000003e; undefined for a value linux/audit.h does not define. */
export function auditArchConstantName(value: number): string | undefined {
  return BY_VALUE.get(value >>> 0);
}

/** The value of an `AUDIT_ARCH_*` name (case-insensitive); undefined if there is no such constant. */
export function auditArchConstantValue(name: string): number | undefined {
  return BY_NAME.get(name.toUpperCase());
}
