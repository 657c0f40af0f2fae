/**
 * Linux capabilities as Docker computes a container's bounding set before it resolves a seccomp
 * profile (moby `daemon/oci_linux.go`: `WithCapabilities` runs before `WithSeccomp`).
 *
 * Two spellings matter and must not be confused:
 * - `--cap-add` / `--cap-drop` are normalised (`sys_admin` -> `CAP_SYS_ADMIN`, `ALL` kept);
 * - a profile's `includes.caps` / `excludes.caps` are compared with exact, case-sensitive
 *   string equality against the bounding set (profiles.md §2.5, §8.14), so `SYS_ADMIN` in a
 *   profile never matches.
 */
import { SeccompKitError } from '../errors.js';

/** Every capability of linux/capability.h (CAP_CHOWN = 0 ... CAP_CHECKPOINT_RESTORE = 40), in number order. */
export const ALL_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT',
  'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE',
  'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG',
  'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/**
 * Docker's default bounding set, in the order moby lists it
 * (moby `daemon/pkg/oci/caps/defaults.go` `DefaultCapabilities`).
 */
export const DOCKER_DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

const KNOWN = new Set(ALL_CAPABILITIES);

/** True for an exact capability name as the bounding set spells it (`CAP_SYS_ADMIN`). */
export function isCapabilityName(name: string): boolean {
  return KNOWN.has(name);
}

/**
 * Normalises one `--cap-add` / `--cap-drop` value the way Docker does
 * (`NormalizeLegacyCapabilities`): upper-case, `CAP_` prefixed, `ALL` kept as `ALL`.
 * An unknown name is an error, with Docker's wording.
 */
export function normalizeCapability(name: string): string {
  let c = name.trim().toUpperCase();
  if (c === 'ALL') return 'ALL';
  if (!c.startsWith('CAP_')) c = `CAP_${c}`;
  if (!KNOWN.has(c)) {
    throw new SeccompKitError('usage', `unknown capability: "${c}"`, {
      hint: 'capabilities are the names of linux/capability.h, e.g. SYS_ADMIN or CAP_NET_ADMIN',
    });
  }
  return c;
}

/** The base set a bounding set starts from. */
export type CapabilityBase = 'docker' | 'all' | 'none' | readonly string[];

/** What `docker run` is told about capabilities. */
export interface CapabilityOptions {
  /** Starting set (`docker` = Docker's 14 defaults). A list is normalised like `--cap-add`. */
  base: CapabilityBase;
  /** `--cap-add` values (`ALL` allowed). */
  add: readonly string[];
  /** `--cap-drop` values (`ALL` allowed). */
  drop: readonly string[];
  /** `--privileged`: every capability. */
  privileged: boolean;
}

/**
 * The container's bounding set, computed as moby's `TweakCapabilities` does: privileged gets
 * everything; `--cap-add ALL` gives everything minus the drops; `--cap-drop ALL` keeps only the
 * adds; otherwise base minus drops, then plus adds. Duplicates are removed, order kept.
 */
export function boundingSet(opts: CapabilityOptions): string[] {
  if (opts.privileged) return [...ALL_CAPABILITIES];
  const base =
    opts.base === 'docker' ? [...DOCKER_DEFAULT_CAPABILITIES] :
    opts.base === 'all' ? [...ALL_CAPABILITIES] :
    opts.base === 'none' ? [] :
    expandAll(opts.base.map(normalizeCapability));
  if (opts.add.length === 0 && opts.drop.length === 0) return dedupe(base);
  const add = opts.add.map(normalizeCapability);
  const drop = opts.drop.map(normalizeCapability);
  let caps: string[];
  if (add.includes('ALL')) caps = ALL_CAPABILITIES.filter((c) => !drop.includes(c));
  else if (drop.includes('ALL')) caps = add;
  else caps = [...base.filter((c) => !drop.includes(c)), ...add];
  return dedupe(caps);
}

function expandAll(list: string[]): string[] {
  return list.includes('ALL') ? [...ALL_CAPABILITIES] : list;
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}
