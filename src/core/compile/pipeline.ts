/**
 * The policy transforms and compilation that `compile` and `check` share: choose the ABIs, apply
 * the compiler's safety defaults (kernel argument widths, socketcall/ipc guard, ENOSYS mode),
 * compile, verify.
 */
import type { Policy } from '../profile/policy.js';
import { verifyProgram } from '../bpf/verify.js';
import { compilePolicy, type Compiled } from './compile.js';
import { applyEnosys, type EnosysMode } from './enosys.js';
import { applyMultiplexerMode, type MultiplexerMode } from './multiplexers.js';
import { restrictPolicyAbis } from './select.js';
import { applyKernelArgWidth } from './argwidth.js';

export interface FilterOptions {
  /** ABIs to keep (names or aliases); undefined = every ABI of the policy. */
  abis?: readonly string[];
  enosys?: EnosysMode;
  socketcall?: MultiplexerMode;
  /** `kernel` (default): compare arguments the kernel reads as 32-bit types on their low word; `64`: libseccomp's full width. */
  argWidth?: 'kernel' | '64';
}

/** The policy the filter enforces, and the compiled, verified program. */
export interface BuiltFilter {
  policy: Policy;
  compiled: Compiled;
}

/** Applies the options to a resolved policy and compiles it. */
export function buildFilter(resolved: Policy, opts: FilterOptions = {}): BuiltFilter {
  let policy = opts.abis ? restrictPolicyAbis(resolved, opts.abis) : resolved;
  if ((opts.argWidth ?? 'kernel') === 'kernel') policy = applyKernelArgWidth(policy).policy;
  policy = applyEnosys(policy, opts.enosys ?? 'auto');
  policy = applyMultiplexerMode(policy, opts.socketcall ?? 'deny');
  const compiled = compilePolicy(policy);
  const v = verifyProgram(compiled.program);
  // The compiler only emits what the verifier accepts; anything else is our bug, not the user's.
  if (!v.ok) throw new Error(`compiler bug: the kernel would reject the program (${v.errno} at instruction ${v.index}: ${v.reason})`);
  return { policy, compiled };
}
