/**
 * ENOSYS for syscalls newer than the profile: a program that meets a syscall its sandbox does not
 * know should get ENOSYS ("not implemented here", so libc falls back, as for clone3 -> clone)
 * rather than EPERM. runc approximates this with a stub above the highest number the profile
 * names (resolution reproduces it as `rangeActions`); crun has none. Here the choice is explicit:
 *   auto  keep what the runtime does (the default);
 *   off   no ENOSYS ranges at all (crun's behaviour);
 *   X.Y   the profile was written for kernel X.Y: every syscall our table says was added after X.Y,
 *         and every number past the end of our table, gets ERRNO(ENOSYS) unless the profile names
 *         it. Syscalls whose version is unknown keep the default action.
 */
import { SECCOMP_RET_ACTION_FULL, SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO, SECCOMP_RET_LOG, SECCOMP_RET_TRACE } from '../bpf/opcodes.js';
import { SeccompKitError } from '../errors.js';
import { compareKernelVersions, getAbi, syscallEntries } from '../syscalls/index.js';
import type { AbiPolicy, Policy, RangeAction } from '../profile/policy.js';

const ENOSYS = (SECCOMP_RET_ERRNO | 38) >>> 0;

export type EnosysMode = 'auto' | 'off' | { kernel: string };

/** Parses `auto`, `off` or a kernel version `X.Y`. */
export function parseEnosysMode(text: string): EnosysMode {
  const t = text.trim();
  if (t === 'auto' || t === 'off') return t;
  if (/^\d+\.\d+$/.test(t)) return { kernel: t };
  throw new SeccompKitError('usage', `--enosys expects auto, off or a kernel version X.Y, not '${text}'`);
}

/** Applies an ENOSYS mode to a policy; `names` are the syscall names the profile mentions (any rule). */
export function applyEnosys(policy: Policy, mode: EnosysMode, names: ReadonlySet<string> = namesOf(policy)): Policy {
  if (mode === 'auto') return policy;
  if (mode === 'off') return { ...policy, abis: policy.abis.map((a) => ({ ...a, rangeActions: [] })) };
  return { ...policy, abis: policy.abis.map((a) => byKernel(a, mode.kernel, names)) };
}

function namesOf(policy: Policy): Set<string> {
  const s = new Set<string>();
  for (const r of policy.rules ?? []) for (const n of r.names) s.add(n);
  for (const a of policy.abis) for (const sc of a.syscalls) s.add(sc.name);
  return s;
}

function allowsByDefault(action: number): boolean {
  const kind = (action & SECCOMP_RET_ACTION_FULL) >>> 0;
  return kind === SECCOMP_RET_ALLOW || kind === SECCOMP_RET_LOG || kind === SECCOMP_RET_TRACE;
}

function byKernel(a: AbiPolicy, kernel: string, names: ReadonlySet<string>): AbiPolicy {
  // As runc: a default that lets calls through needs no ENOSYS.
  if (allowsByDefault(a.defaultAction)) return { ...a, rangeActions: [] };
  const abi = getAbi(a.abi);
  if (!abi) return a;
  const explicit = new Set(a.syscalls.map((s) => s.nr));
  const entries = syscallEntries(abi);
  const newer: number[] = [];
  let last = 0;
  for (const e of entries) {
    last = Math.max(last, e.nr);
    if (explicit.has(e.nr) || names.has(e.name)) continue;
    if (e.since !== undefined && compareKernelVersions(e.since, kernel) > 0) newer.push(e.nr);
  }
  newer.sort((x, y) => x - y);
  const ranges: RangeAction[] = [];
  for (const nr of newer) {
    const prev = ranges[ranges.length - 1];
    if (prev && prev.to + 1 === nr) prev.to = nr;
    else ranges.push({ from: nr, to: nr, action: ENOSYS, reason: `added after Linux ${kernel}, which the profile was written for` });
  }
  // Past the table: unknown to us, so newer than anything the profile could name. The x86_64
  // side stops below the x32 bit, x32 numbers carry it.
  const end = abi.name === 'x86_64' ? 0x3fffffff : abi.nrOffset !== 0 ? abi.nrOffset + 0x3fffffff : 0xffffffff;
  if (last + 1 <= end) ranges.push({ from: last + 1, to: end, action: ENOSYS, reason: 'past the end of the syscall table (newer than every known kernel)' });
  return { ...a, rangeActions: ranges };
}
