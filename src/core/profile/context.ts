/**
 * The inputs of resolution (profiles.md §2.3-§2.7, §10.4): which program reads the profile, the
 * daemon's compile-time architecture, the container's bounding capability set, the host kernel's
 * `major.minor`, the runtime that turns the OCI object into a filter, and which syscall names that
 * runtime's libseccomp knows.
 */
import { SeccompKitError } from '../errors.js';
import type { Dialect } from './model.js';
import { boundingSet } from './caps.js';
import type { CapabilityBase } from './caps.js';
import { formatKernel, parseKernelRelease } from './minkernel.js';
import type { KernelVersion } from './minkernel.js';

export type { KernelVersion } from './minkernel.js';

/** What enforces the OCI object: runc or crun (both with libseccomp), or `none` = the profile as written. */
export type RuntimeName = 'runc' | 'crun' | 'none';
export const RUNTIMES: readonly RuntimeName[] = ['runc', 'crun', 'none'];

/**
 * Which syscall names the runtime's libseccomp resolves: `latest` = our full table (libseccomp
 * v2.6.x and later semantics); `libseccomp-2.5.4` = Debian bookworm's 2.5.4-1+deb12u1 (syscalls
 * up to Linux 6.7 on x86_64, i.e. up to 456) with libseccomp 2.5.4's tree-merge behaviour.
 */
export type SyscallTableVersion = 'latest' | 'libseccomp-2.5.4';
export const SYSCALL_TABLE_VERSIONS: readonly SyscallTableVersion[] = ['latest', 'libseccomp-2.5.4'];

/** Everything resolution depends on. */
export interface ResolveContext {
  /**
   * Who parses the profile: `docker` (moby), `podman` (containers/common: Podman, CRI-O, Buildah),
   * `oci` (plain OCI unmarshal: containerd's CRI Localhost profiles, `ctr`, or a runtime config.json).
   * Undefined = the profile's own dialect (`docker-legacy` reads as `docker`, `spo` as `oci`).
   */
  dialect?: Dialect;
  /** The daemon binary's GOARCH (`amd64`, `arm64`, `386`, `loong64`, `mips64le`, ...). Aliases such as `x86_64` are accepted. */
  arch: string;
  /** Starting capability set before `capAdd` / `capDrop`. */
  caps: CapabilityBase;
  capAdd: readonly string[];
  capDrop: readonly string[];
  /** `--privileged`: all capabilities, and the built-in profile is skipped (custom profiles still apply). */
  privileged: boolean;
  /**
   * True when the profile is the daemon's built-in default (skipped for privileged containers).
   * Undefined = decided from the profile's file label (`builtin:...`).
   */
  builtin?: boolean;
  /** Host kernel `major.minor` (`"6.18"`, or a full release such as `"6.18.0-1-amd64"`). Needed only when a `minKernel` is evaluated. */
  kernel?: string | KernelVersion;
  runtime: RuntimeName;
  syscallTable: SyscallTableVersion;
  /**
   * How argument comparisons are sized: `libseccomp` = exactly what libseccomp does (64-bit on
   * 64-bit ABIs, low 32 bits on 32-bit ABIs and x32). `kernel` (32 bits for int-typed arguments)
   * is reserved for the compiler issue and not supported yet.
   */
  argWidth: 'libseccomp' | 'kernel';
}

/** The defaults: Docker on amd64 with Docker's capabilities, runc, our full syscall table; kernel unknown. */
export function defaultContext(overrides: Partial<ResolveContext> = {}): ResolveContext {
  return {
    arch: 'amd64',
    caps: 'docker',
    capAdd: [],
    capDrop: [],
    privileged: false,
    runtime: 'runc',
    syscallTable: 'latest',
    argWidth: 'libseccomp',
    ...overrides,
  };
}

/** One daemon architecture as moby, containers/common and the filter see it. */
export interface DaemonArch {
  /** Go's GOARCH. */
  goarch: string;
  /** moby's native string (`goToNative`): what `includes.arches` / `excludes.arches` are compared with. `''` when moby has none. */
  mobyNative: string;
  /** The `archMap` key moby selects (`nativeToSeccomp[mobyNative]`), undefined when the map misses it (loong64, mipsle bugs). */
  mobyArchMapKey?: string;
  /** libseccomp-golang's native string: what containers/common compares `arches` with. */
  podmanNative: string;
  /** The `archMap` key containers/common selects (its 7-entry map), undefined for other arches. */
  podmanArchMapKey?: string;
  /** Our ABI name of the native ABI (see src/core/syscalls). */
  abi: string;
}

// moby/profiles seccomp/seccomp_linux.go `goToNative` / `nativeToSeccomp` (cd3bed80), containers/common
// pkg/seccomp/seccomp_linux.go `nativeToSeccomp` (container-libs 9869b8fd), libseccomp-golang ScmpArch.String().
const DAEMON_ARCHES: readonly DaemonArch[] = [
  { goarch: '386', mobyNative: 'x86', mobyArchMapKey: 'SCMP_ARCH_X86', podmanNative: 'x86', abi: 'x86' },
  { goarch: 'amd64', mobyNative: 'amd64', mobyArchMapKey: 'SCMP_ARCH_X86_64', podmanNative: 'amd64', podmanArchMapKey: 'SCMP_ARCH_X86_64', abi: 'x86_64' },
  { goarch: 'arm', mobyNative: 'arm', mobyArchMapKey: 'SCMP_ARCH_ARM', podmanNative: 'arm', abi: 'arm' },
  { goarch: 'arm64', mobyNative: 'arm64', mobyArchMapKey: 'SCMP_ARCH_AARCH64', podmanNative: 'arm64', podmanArchMapKey: 'SCMP_ARCH_AARCH64', abi: 'aarch64' },
  // moby bug: goToNative gives "loongarch64" but nativeToSeccomp is keyed "loong64".
  { goarch: 'loong64', mobyNative: 'loongarch64', podmanNative: 'loong64', abi: 'loongarch64' },
  { goarch: 'mips', mobyNative: '', podmanNative: 'mips', abi: 'mips' },
  // moby bug: goToNative gives "mipsel" but nativeToSeccomp is keyed "mipsle".
  { goarch: 'mipsle', mobyNative: 'mipsel', podmanNative: 'mipsel', abi: 'mipsel' },
  { goarch: 'mips64', mobyNative: 'mips64', mobyArchMapKey: 'SCMP_ARCH_MIPS64', podmanNative: 'mips64', podmanArchMapKey: 'SCMP_ARCH_MIPS64', abi: 'mips64' },
  { goarch: 'mips64le', mobyNative: 'mipsel64', mobyArchMapKey: 'SCMP_ARCH_MIPSEL64', podmanNative: 'mipsel64', podmanArchMapKey: 'SCMP_ARCH_MIPSEL64', abi: 'mipsel64' },
  { goarch: 'mips64p32', mobyNative: 'mips64n32', mobyArchMapKey: 'SCMP_ARCH_MIPS64N32', podmanNative: 'mips64n32', podmanArchMapKey: 'SCMP_ARCH_MIPS64N32', abi: 'mips64n32' },
  // The typo "mips3l64n32" is moby's, consistent in both of its maps.
  { goarch: 'mips64p32le', mobyNative: 'mips3l64n32', mobyArchMapKey: 'SCMP_ARCH_MIPSEL64N32', podmanNative: 'mipsel64n32', podmanArchMapKey: 'SCMP_ARCH_MIPSEL64N32', abi: 'mipsel64n32' },
  { goarch: 'ppc', mobyNative: 'ppc', mobyArchMapKey: 'SCMP_ARCH_PPC', podmanNative: 'ppc', abi: 'ppc' },
  { goarch: 'ppc64', mobyNative: 'ppc64', mobyArchMapKey: 'SCMP_ARCH_PPC64', podmanNative: 'ppc64', abi: 'ppc64' },
  { goarch: 'ppc64le', mobyNative: 'ppc64le', mobyArchMapKey: 'SCMP_ARCH_PPC64LE', podmanNative: 'ppc64le', abi: 'ppc64le' },
  { goarch: 'riscv64', mobyNative: 'riscv64', mobyArchMapKey: 'SCMP_ARCH_RISCV64', podmanNative: 'riscv64', abi: 'riscv64' },
  { goarch: 's390', mobyNative: 's390', mobyArchMapKey: 'SCMP_ARCH_S390', podmanNative: 's390', abi: 's390' },
  { goarch: 's390x', mobyNative: 's390x', mobyArchMapKey: 'SCMP_ARCH_S390X', podmanNative: 's390x', podmanArchMapKey: 'SCMP_ARCH_S390X', abi: 's390x' },
];

/** Every daemon architecture resolution knows, by GOARCH. */
export function daemonArches(): readonly DaemonArch[] {
  return DAEMON_ARCHES;
}

/** Spellings other than GOARCH that name a daemon architecture. */
const ARCH_ALIASES: Readonly<Record<string, string>> = {
  x86_64: 'amd64', x64: 'amd64', scmp_arch_x86_64: 'amd64',
  aarch64: 'arm64', scmp_arch_aarch64: 'arm64',
  x86: '386', i386: '386', i686: '386', scmp_arch_x86: '386',
  arm: 'arm', armhf: 'arm', armv7l: 'arm', scmp_arch_arm: 'arm',
  loongarch64: 'loong64', scmp_arch_loongarch64: 'loong64',
  mipsel: 'mipsle', scmp_arch_mipsel: 'mipsle', scmp_arch_mips: 'mips',
  mipsel64: 'mips64le', scmp_arch_mipsel64: 'mips64le', scmp_arch_mips64: 'mips64',
  mips64n32: 'mips64p32', scmp_arch_mips64n32: 'mips64p32',
  mipsel64n32: 'mips64p32le', scmp_arch_mipsel64n32: 'mips64p32le',
  scmp_arch_ppc: 'ppc', scmp_arch_ppc64: 'ppc64', scmp_arch_ppc64le: 'ppc64le', powerpc64le: 'ppc64le',
  scmp_arch_riscv64: 'riscv64', scmp_arch_s390: 's390', scmp_arch_s390x: 's390x',
};

/** Finds a daemon architecture by GOARCH or a common alias (`x86_64`, `aarch64`, `SCMP_ARCH_X86_64`). */
export function daemonArch(name: string): DaemonArch {
  const key = name.trim();
  const direct = DAEMON_ARCHES.find((a) => a.goarch === key);
  if (direct) return direct;
  const alias = ARCH_ALIASES[key.toLowerCase()];
  const found = alias ? DAEMON_ARCHES.find((a) => a.goarch === alias) : DAEMON_ARCHES.find((a) => a.abi === key.toLowerCase());
  if (found) return found;
  throw new SeccompKitError('unknown-arch', `unknown daemon architecture "${name}"`, {
    hint: `use a Go GOARCH name: ${DAEMON_ARCHES.map((a) => a.goarch).join(', ')}`,
  });
}

/** A context with every derived value computed once. */
export interface EffectiveContext {
  ctx: ResolveContext;
  arch: DaemonArch;
  /** The bounding set, exact `CAP_*` strings. */
  capabilities: readonly string[];
  /** Parsed kernel, when one was given. */
  kernel?: KernelVersion;
}

/** Validates a (partial) context and computes its derived values. */
export function effectiveContext(partial: Partial<ResolveContext> = {}): EffectiveContext {
  const ctx = defaultContext(partial);
  if (!RUNTIMES.includes(ctx.runtime)) {
    throw new SeccompKitError('usage', `unknown runtime "${String(ctx.runtime)}"`, { hint: `use one of ${RUNTIMES.join(', ')}` });
  }
  if (!SYSCALL_TABLE_VERSIONS.includes(ctx.syscallTable)) {
    throw new SeccompKitError('usage', `unknown syscall table version "${String(ctx.syscallTable)}"`, {
      hint: `use one of ${SYSCALL_TABLE_VERSIONS.join(', ')}`,
    });
  }
  if (ctx.argWidth === 'kernel') {
    throw new SeccompKitError('usage', 'argument width "kernel" (32-bit comparison of int-typed arguments) is not yet supported', {
      hint: 'use the default argWidth "libseccomp", which compares exactly as libseccomp does',
    });
  }
  if (ctx.argWidth !== 'libseccomp') {
    throw new SeccompKitError('usage', `unknown argument width "${String(ctx.argWidth)}"`);
  }
  const arch = daemonArch(ctx.arch);
  const capabilities = boundingSet({ base: ctx.caps, add: ctx.capAdd, drop: ctx.capDrop, privileged: ctx.privileged });
  const kernel = ctx.kernel === undefined ? undefined : typeof ctx.kernel === 'string' ? parseKernelRelease(ctx.kernel) : ctx.kernel;
  return { ctx, arch, capabilities, ...(kernel ? { kernel } : {}) };
}

/** Short text of a context, for headers: `amd64, runc, kernel 6.18, 14 capabilities`. */
export function describeContext(e: EffectiveContext): string {
  const parts = [e.arch.goarch, e.ctx.runtime];
  if (e.kernel) parts.push(`kernel ${formatKernel(e.kernel)}`);
  parts.push(`${e.capabilities.length} capabilities${e.ctx.privileged ? ' (privileged)' : ''}`);
  if (e.ctx.syscallTable !== 'latest') parts.push(e.ctx.syscallTable);
  return parts.join(', ');
}
