/**
 * What the bench times for resolution: read `builtin:docker` from its text and resolve it for
 * amd64, Docker's default capabilities, kernel 6.18 and runc (goal: under 2 ms warm).
 */
import { loadBuiltin } from './builtins.js';
import type { Policy } from './policy.js';
import { resolveProfile } from './resolve.js';

/** Reads and resolves Docker's default profile once; returns the policy so the work cannot be optimised away. */
export function readAndResolveDockerDefault(): Policy {
  return resolveProfile(loadBuiltin('builtin:docker'), { arch: 'amd64', kernel: '6.18', runtime: 'runc' });
}
