/**
 * The ABI of the machine we run on. Core never decides this (a browser has no host ABI); Node does, from
 * `process.arch` and the byte order.
 */
import { endianness } from 'node:os';
import { SeccompKitError } from '../core/errors.js';
import { getAbi } from '../core/syscalls/abis.js';
import type { Abi } from '../core/syscalls/types.js';

/** process.arch -> our ABI name; `ppc64` and the MIPS values depend on the byte order. */
function hostAbiName(arch: string, little: boolean): string | undefined {
  switch (arch) {
    case 'x64': return 'x86_64';
    case 'ia32': return 'x86';
    case 'arm': return 'arm';
    case 'arm64': return 'aarch64';
    case 'loong64': return 'loongarch64';
    case 'riscv64': return 'riscv64';
    case 's390': return 's390';
    case 's390x': return 's390x';
    case 'ppc': return 'ppc';
    case 'ppc64': return little ? 'ppc64le' : 'ppc64';
    case 'mips': return little ? 'mipsel' : 'mips';
    case 'mipsel': return 'mipsel';
    case 'mips64': return little ? 'mipsel64' : 'mips64';
    case 'mips64el': return 'mipsel64';
    default: return undefined;
  }
}

/**
 * The native ABI of this Node process (an x32 or n32 Node would report its 64-bit sibling; neither exists in
 * practice). Throws `SeccompKitError('unknown-arch')` on an architecture the tables do not cover.
 */
export function hostAbi(arch: string = process.arch, little: boolean = endianness() === 'LE'): Abi {
  const name = hostAbiName(arch, little);
  const abi = name === undefined ? undefined : getAbi(name);
  if (!abi) {
    throw new SeccompKitError('unknown-arch', `cannot tell the syscall ABI of this machine (process.arch ${arch}); pass --arch`);
  }
  return abi;
}
