/**
 * Which ABIs go into a filter: the policy resolves every ABI the profile names (plus the native
 * one); a caller may keep fewer, e.g. only the native ABI for a sandbox that never runs 32-bit code.
 */
import { SeccompKitError } from '../errors.js';
import { getAbi } from '../syscalls/index.js';
import type { Policy } from '../profile/policy.js';

/** Keeps only the named ABIs (any alias: `x86_64`, `SCMP_ARCH_X86`, `i386`), in the policy's order. */
export function restrictPolicyAbis(policy: Policy, names: readonly string[]): Policy {
  const wanted = new Set<string>();
  for (const n of names) {
    const abi = getAbi(n);
    if (!abi) throw new SeccompKitError('unknown-arch', `unknown architecture '${n}'`, { hint: 'use ABI names such as x86_64, x86, x32, aarch64, arm' });
    if (!policy.abis.some((a) => a.abi === abi.name)) {
      throw new SeccompKitError('usage', `the resolved profile does not cover ${abi.name}`, {
        hint: `it covers ${policy.abis.map((a) => a.abi).join(', ') || 'no ABI'}; add it to the profile's architectures, or choose among these`,
      });
    }
    wanted.add(abi.name);
  }
  return { ...policy, abis: policy.abis.filter((a) => wanted.has(a.abi)) };
}
