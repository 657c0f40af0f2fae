/**
 * The 23 ABIs a seccomp filter can see (libseccomp's arch tokens): their AUDIT_ARCH, numbering and names.
 * Endianness variants (mipsel, ppc64le, sh/sheb, ...) are separate ABIs sharing a table; x32 shares
 * x86_64's AUDIT_ARCH and is told apart by the x32 bit in `nr`.
 */
import { SeccompKitError, type SourceRef } from '../errors.js';
import type { Abi, TableName } from './types.js';
import { AUDIT_ARCH, MIPS_NR_BASE, X32_SYSCALL_BIT } from './table.generated.js';

// linux/audit.h: __AUDIT_ARCH_64BIT and __AUDIT_ARCH_LE.
const AUDIT_ARCH_64BIT = 0x80000000;
const AUDIT_ARCH_LE = 0x40000000;

/** ILP32 ABIs on 64-bit registers (libseccomp's ARCH_SIZE_32 with a 64-bit AUDIT_ARCH). */
const ILP32_ON_64 = new Set(['x32', 'mips64n32', 'mipsel64n32']);

function abi(
  name: string,
  table: TableName,
  auditArch: number,
  scmpName: string,
  mobyName: string | undefined,
  aliases: readonly string[],
  nrOffset = 0,
): Abi {
  // Register width and byte order follow the AUDIT_ARCH flags, so x32 and MIPS n32 (ILP32 on 64-bit
  // registers, 64-bit AUDIT_ARCH) count as 64: the filter sees full 64-bit argument registers there.
  const bits = (auditArch & AUDIT_ARCH_64BIT) !== 0 ? 64 : 32;
  const a: Abi = {
    name,
    table,
    auditArch,
    bits,
    longBits: ILP32_ON_64.has(name) ? 32 : bits,
    endian: (auditArch & AUDIT_ARCH_LE) !== 0 ? 'little' : 'big',
    nrOffset,
    scmpName,
    aliases: Object.freeze([...aliases]),
  };
  if (mobyName !== undefined) a.mobyName = mobyName;
  return Object.freeze(a);
}

/**
 * Every ABI, in libseccomp's order. `mobyName` is moby's native-arch string (moby/profiles
 * `seccomp/seccomp_linux.go`, including its `mips3l64n32` spelling); aliases are GOARCH, Debian, Node
 * and `uname -m` spellings.
 */
export const ABIS: readonly Abi[] = Object.freeze([
  abi('x86', 'x86', AUDIT_ARCH.I386, 'SCMP_ARCH_X86', 'x86', ['i386', 'i486', 'i586', 'i686', 'ia32', '386']),
  abi('x86_64', 'x86_64', AUDIT_ARCH.X86_64, 'SCMP_ARCH_X86_64', 'amd64', ['amd64', 'x64', 'x86-64']),
  abi('x32', 'x32', AUDIT_ARCH.X86_64, 'SCMP_ARCH_X32', undefined, [], X32_SYSCALL_BIT),
  abi('arm', 'arm', AUDIT_ARCH.ARM, 'SCMP_ARCH_ARM', 'arm', ['armhf', 'armel', 'armv7l', 'armv6l', 'arm32']),
  abi('aarch64', 'aarch64', AUDIT_ARCH.AARCH64, 'SCMP_ARCH_AARCH64', 'arm64', ['arm64']),
  abi('loongarch64', 'loongarch64', AUDIT_ARCH.LOONGARCH64, 'SCMP_ARCH_LOONGARCH64', 'loongarch64', ['loong64']),
  abi('m68k', 'm68k', AUDIT_ARCH.M68K, 'SCMP_ARCH_M68K', undefined, []),
  abi('mips', 'mips', AUDIT_ARCH.MIPS, 'SCMP_ARCH_MIPS', undefined, [], MIPS_NR_BASE.o32),
  abi('mipsel', 'mips', AUDIT_ARCH.MIPSEL, 'SCMP_ARCH_MIPSEL', 'mipsel', ['mipsle'], MIPS_NR_BASE.o32),
  abi('mips64', 'mips64', AUDIT_ARCH.MIPS64, 'SCMP_ARCH_MIPS64', 'mips64', [], MIPS_NR_BASE.n64),
  abi('mipsel64', 'mips64', AUDIT_ARCH.MIPSEL64, 'SCMP_ARCH_MIPSEL64', 'mipsel64', ['mips64le', 'mips64el'], MIPS_NR_BASE.n64),
  abi('mips64n32', 'mips64n32', AUDIT_ARCH.MIPS64N32, 'SCMP_ARCH_MIPS64N32', 'mips64n32', ['mips64p32', 'mipsn32'], MIPS_NR_BASE.n32),
  abi('mipsel64n32', 'mips64n32', AUDIT_ARCH.MIPSEL64N32, 'SCMP_ARCH_MIPSEL64N32', 'mips3l64n32', ['mips64p32le', 'mipsn32el'], MIPS_NR_BASE.n32),
  abi('parisc', 'parisc', AUDIT_ARCH.PARISC, 'SCMP_ARCH_PARISC', undefined, ['hppa']),
  abi('parisc64', 'parisc64', AUDIT_ARCH.PARISC64, 'SCMP_ARCH_PARISC64', undefined, ['hppa64']),
  abi('ppc', 'ppc', AUDIT_ARCH.PPC, 'SCMP_ARCH_PPC', 'ppc', ['powerpc']),
  abi('ppc64', 'ppc64', AUDIT_ARCH.PPC64, 'SCMP_ARCH_PPC64', 'ppc64', ['powerpc64']),
  abi('ppc64le', 'ppc64', AUDIT_ARCH.PPC64LE, 'SCMP_ARCH_PPC64LE', 'ppc64le', ['powerpc64le', 'ppc64el']),
  abi('riscv64', 'riscv64', AUDIT_ARCH.RISCV64, 'SCMP_ARCH_RISCV64', 'riscv64', []),
  abi('s390', 's390', AUDIT_ARCH.S390, 'SCMP_ARCH_S390', 's390', []),
  abi('s390x', 's390x', AUDIT_ARCH.S390X, 'SCMP_ARCH_S390X', 's390x', []),
  // libseccomp's `sh` is the little-endian one (AUDIT_ARCH_SHEL), `sheb` the big-endian one.
  abi('sh', 'sh', AUDIT_ARCH.SHEL, 'SCMP_ARCH_SH', undefined, ['shel', 'sh4']),
  abi('sheb', 'sh', AUDIT_ARCH.SH, 'SCMP_ARCH_SHEB', undefined, ['sh4eb']),
]);

let byKey: Map<string, Abi> | undefined;

function index(): Map<string, Abi> {
  if (byKey) return byKey;
  const m = new Map<string, Abi>();
  const add = (key: string, a: Abi): void => {
    const k = key.toLowerCase();
    const prev = m.get(k);
    if (prev && prev !== a) throw new Error(`ABI spelling ${key} names both ${prev.name} and ${a.name}`);
    m.set(k, a);
  };
  for (const a of ABIS) {
    add(a.name, a);
    add(a.scmpName, a);
    if (a.mobyName) add(a.mobyName, a);
    for (const alias of a.aliases) add(alias, a);
  }
  byKey = m;
  return m;
}

/**
 * Finds an ABI by its name (`x86_64`), libseccomp/OCI name (`SCMP_ARCH_X86_64`), moby name (`amd64`) or an
 * alias (`i386`, `arm64`, `ppc64el`, ...), case-insensitively.
 */
export function getAbi(nameOrAlias: string): Abi | undefined {
  return index().get(nameOrAlias.trim().toLowerCase());
}

/** The canonical ABI names, for messages. */
export function abiNames(): string[] {
  return ABIS.map((a) => a.name);
}

/** Like {@link getAbi} but throws `SeccompKitError('unknown-arch')` naming the valid spellings. */
export function requireAbi(name: string, source?: SourceRef): Abi {
  const a = getAbi(name);
  if (a) return a;
  throw new SeccompKitError(
    'unknown-arch',
    `unknown architecture ${JSON.stringify(name)}; valid: ${abiNames().join(', ')} (also SCMP_ARCH_* names and aliases such as amd64, arm64, i386)`,
    source ? { source } : {},
  );
}

/** The ABIs reporting this AUDIT_ARCH value (AUDIT_ARCH_X86_64 -> [x86_64, x32]). */
export function abisForAuditArch(auditArch: number): Abi[] {
  const v = auditArch >>> 0;
  return ABIS.filter((a) => a.auditArch === v);
}

/**
 * The ABI of a syscall as `struct seccomp_data` shows it: on AUDIT_ARCH_X86_64 a `nr` with the x32 bit is x32.
 * A negative `nr` (a tracer's "skip this call", -1) belongs to the base ABI.
 */
export function abiForSeccompData(auditArch: number, nr: number): Abi | undefined {
  const candidates = abisForAuditArch(auditArch);
  if (candidates.length <= 1) return candidates[0];
  const flagged = nr >= 0 ? candidates.find((a) => a.nrOffset === X32_SYSCALL_BIT && (nr & X32_SYSCALL_BIT) !== 0) : undefined;
  return flagged ?? candidates.find((a) => a.nrOffset === 0) ?? candidates[0];
}

/** Resolves an ABI given as an object or a name (throws on an unknown name). */
export function toAbi(abi: Abi | string): Abi {
  return typeof abi === 'string' ? requireAbi(abi) : abi;
}
