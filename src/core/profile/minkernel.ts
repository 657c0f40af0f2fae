/**
 * `minKernel` of Docker's `includes` / `excludes` (moby/profiles `seccomp/seccomp.go`
 * `KernelVersion.UnmarshalJSON`, `seccomp/kernel_linux.go`; profiles.md §2.6 and errata).
 *
 * Syntax: a JSON string, `""` (= 0.0, which every kernel satisfies) or exactly two dot-separated
 * decimal parts of 0..255 each, not `0.0`. The host side keeps only `major.minor` of the release
 * (`6.18.0-1-amd64` -> 6.18). moby reads the host version lazily, only when a rule's `minKernel`
 * is actually evaluated, so profiles without such rules need no kernel version at all.
 */
import { SeccompKitError } from '../errors.js';
import type { SourceRef } from '../errors.js';

/** `major.minor` of a kernel. */
export interface KernelVersion {
  major: number;
  minor: number;
}

/** Why a `minKernel` string is rejected, in moby's words (without the `Decoding ...` prefix). */
export function minKernelError(raw: string): string | undefined {
  const json = JSON.stringify(raw);
  const head = `invalid kernel version: ${json}, expected "<kernel>.<major>"`;
  if (raw === '') return undefined;
  const parts = raw.split('.');
  if (parts.length !== 2) return head;
  for (const p of parts) {
    const why = parseUint8Error(p);
    if (why) return `${head}: ${why}`;
  }
  if (Number(parts[0]) === 0 && Number(parts[1]) === 0) return `${head}: version cannot be 0.0`;
  return undefined;
}

/**
 * Parses a `minKernel` value as moby does; `""` gives 0.0. Throws a `resolve` error with moby's
 * message (`Decoding seccomp profile failed: invalid kernel version: ...`) when invalid: moby
 * rejects the whole profile, whether or not the rule would be applied.
 */
export function parseMinKernel(raw: string, source?: SourceRef): KernelVersion {
  const why = minKernelError(raw);
  if (why) {
    throw new SeccompKitError('resolve', `Decoding seccomp profile failed: ${why}`, {
      ...(source ? { source } : {}),
      hint: 'minKernel is "<kernel>.<major>", e.g. "4.8"; three-part versions were accepted only by Docker 19.03',
    });
  }
  if (raw === '') return { major: 0, minor: 0 };
  const [a, b] = raw.split('.');
  return { major: Number(a), minor: Number(b) };
}

/** Go `strconv.ParseUint(s, 10, 8)` failure text, or undefined when `s` is a valid 0..255. */
function parseUint8Error(s: string): string | undefined {
  if (!/^[0-9]+$/.test(s)) return `strconv.ParseUint: parsing ${JSON.stringify(s)}: invalid syntax`;
  if (Number(s) > 255) return `strconv.ParseUint: parsing ${JSON.stringify(s)}: value out of range`;
  return undefined;
}

/**
 * Reads `major.minor` from a kernel release string the way moby does (`fmt.Sscanf("%d.%d")`):
 * leading blanks and a sign are accepted, anything after the second number is ignored.
 */
export function parseKernelRelease(release: string): KernelVersion {
  const m = /^\s*([+-]?\d+)\.\s*([+-]?\d+)/.exec(release);
  if (!m) {
    const why = /^\s*[+-]?\d/.test(release) ? 'input does not match format' : 'expected integer';
    throw new SeccompKitError('resolve', `failed to parse kernel version ${JSON.stringify(release)}: ${why}`, {
      hint: 'give the kernel as major.minor, e.g. 6.18',
    });
  }
  return { major: Number(m[1]), minor: Number(m[2]) };
}

/** moby's `kernelGreaterEqualThan`: host >= min on (major, minor). */
export function kernelAtLeast(host: KernelVersion, min: KernelVersion): boolean {
  return host.major > min.major || (host.major === min.major && host.minor >= min.minor);
}

/** `6.18`. */
export function formatKernel(k: KernelVersion): string {
  return `${k.major}.${k.minor}`;
}
