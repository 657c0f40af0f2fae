/**
 * Helpers for the resolution tests: profiles from JSON text, and verdicts through the oracle
 * (`decide`) by ABI and syscall name.
 */
import { expect } from 'vitest';
import { formatAction } from '../../../src/core/bpf/actions.js';
import { seccompData } from '../../../src/core/bpf/instruction.js';
import { SeccompKitError } from '../../../src/core/errors.js';
import { decide, readProfile, readProfileOrThrow, resolveProfile } from '../../../src/core/profile/index.js';
import type { Dialect, Policy, PolicyNote, Profile, ResolveContext } from '../../../src/core/profile/index.js';
import { requireAbi, syscallNumber } from '../../../src/core/syscalls/index.js';

/** A profile from a JS object (written as JSON text, so the reader records positions). */
export function profile(doc: unknown, dialect: Dialect = 'docker', file = 'test.json'): Profile {
  const text = JSON.stringify(doc, (_k, v: unknown) => (typeof v === 'bigint' ? `\u0000${v}\u0000` : v), 2).replace(/"\u0000(\d+)\u0000"/g, '$1');
  return readProfileOrThrow(text, { dialect, compat: 'docker', file });
}

/**
 * A profile even when the reader reports errors (the reader flags some daemon errors itself, such as
 * `name` with `names`): resolution must still fail on them when given such a model.
 */
export function profileUnchecked(doc: unknown, dialect: Dialect = 'docker', file = 'test.json'): Profile {
  const r = readProfile(JSON.stringify(doc, null, 2), { dialect, compat: 'docker', file });
  const p = r.profiles[0];
  if (!p) throw new Error('no profile read');
  return p;
}

/** The context most tests use: amd64, Docker caps, kernel 6.18, runc, full table. */
export const CTX: Partial<ResolveContext> = { arch: 'amd64', kernel: '6.18', runtime: 'runc' };

export function resolve(p: Profile, ctx: Partial<ResolveContext> = {}): Policy {
  return resolveProfile(p, { ...CTX, ...ctx });
}

/** The action (as `ERRNO(1)`, `ALLOW`, ...) the policy returns for `name(args)` on `abi`. */
export function verdict(policy: Policy, abi: string, name: string | number, args: (bigint | number)[] = []): string {
  const a = requireAbi(abi);
  const nr = typeof name === 'number' ? name : syscallNumber(a, name);
  if (nr === undefined) throw new Error(`${name} is not a syscall of ${abi}`);
  return formatAction(decide(policy, seccompData(a.auditArch, nr, args.map((x) => BigInt(x)))).action);
}

/** Notes with this code. */
export function notes(policy: Policy, code: string): PolicyNote[] {
  return policy.notes.filter((n) => n.code === code);
}

/** Runs `fn` and returns the SeccompKitError('resolve') it throws. */
export function resolveError(fn: () => unknown): SeccompKitError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SeccompKitError);
    const e = err as SeccompKitError;
    expect(e.code).toBe('resolve');
    return e;
  }
  throw new Error('expected a resolve error');
}

/** Clause texts of one syscall on one ABI (`ALLOW if a0 == 1`), for compact assertions. */
export function clauseTexts(policy: Policy, abi: string, name: string): string[] {
  const a = policy.abis.find((x) => x.abi === abi);
  const s = a?.syscalls.find((x) => x.name === name);
  return (s?.clauses ?? []).map((c) => {
    const act = formatAction(c.action);
    if (c.conditions.length === 0) return act;
    return `${act} if ${c.conditions
      .map((x) => (x.op === 'MASKED_EQ' ? `(a${x.arg} & 0x${(x.mask ?? 0n).toString(16)}) == ${x.value}` : `a${x.arg} ${x.op} ${x.value}`))
      .join(' && ')}`;
  });
}
