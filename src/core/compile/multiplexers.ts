/**
 * socketcall(2) and ipc(2): on x86, s390, ppc, mips o32, m68k, sh (and more) socket and SysV IPC
 * calls can also be made through a multiplexer whose real arguments sit behind a pointer that a
 * seccomp filter cannot read. A condition on `socket`'s family therefore cannot be checked when
 * the program calls socketcall(SYS_SOCKET, args). libseccomp (and so runc/crun) adds the rule to
 * socketcall(a0 == SYS_SOCKET) with the condition dropped, so a rule that allows "every family
 * but AF_VSOCK" allows AF_VSOCK through socketcall. Resolution reports that; here the compiler
 * chooses what to enforce:
 *   deny        (default) a sub-call whose direct syscall has argument conditions gets, through the
 *               multiplexer, what the direct syscall gets when none of its clauses match (the
 *               profile's denial), so the conditions cannot be bypassed. Programs then have to use
 *               the direct syscall (Linux >= 4.3 on x86, and glibc >= 2.23 does so by itself).
 *   libseccomp  keep what libseccomp and the runtimes do (the conditions are lost there).
 */
import { SeccompKitError } from '../errors.js';
import { getAbi, multiplexedCalls } from '../syscalls/index.js';
import type { AbiPolicy, Clause, Policy, PolicyNote, SyscallPolicy } from '../profile/policy.js';
import { formatAction } from '../bpf/actions.js';

export type MultiplexerMode = 'deny' | 'libseccomp';

export function parseMultiplexerMode(text: string): MultiplexerMode {
  if (text === 'deny' || text === 'libseccomp') return text;
  throw new SeccompKitError('usage', `--socketcall expects deny or libseccomp, not '${text}'`);
}

/** Applies the mode; returns the policy (unchanged for `libseccomp`) with a note per guarded sub-call. */
export function applyMultiplexerMode(policy: Policy, mode: MultiplexerMode): Policy {
  if (mode === 'libseccomp') return policy;
  const notes: PolicyNote[] = [];
  const abis = policy.abis.map((a) => guardAbi(a, notes));
  return notes.length === 0 ? policy : { ...policy, abis, notes: [...policy.notes, ...notes] };
}

function guardAbi(a: AbiPolicy, notes: PolicyNote[]): AbiPolicy {
  const abi = getAbi(a.abi);
  if (!abi) return a;
  const byNr = new Map(a.syscalls.map((s) => [s.nr, s]));
  const guards = new Map<number, { via: string; clauses: Clause[] }>(); // multiplexer nr -> clauses to put first
  for (const { name, call } of multiplexedCalls(abi)) {
    if (call.directNr === undefined) continue;
    const direct = byNr.get(call.directNr);
    if (!direct || !direct.clauses.some((c) => c.conditions.length > 0)) continue;
    // What the direct call gets when none of its clauses match: its first unconditional clause, else the default.
    const fallback = direct.clauses.find((c) => c.conditions.length === 0)?.action ?? a.defaultAction;
    // socketcall's call number is an int; ipc's is the low 16 bits (the version is in the high ones).
    const clause: Clause =
      call.via === 'ipc'
        ? { conditions: [{ arg: 0, width: 32, op: 'MASKED_EQ', mask: 0xffffn, value: BigInt(call.sub) }], action: fallback }
        : { conditions: [{ arg: 0, width: 32, op: 'EQ', value: BigInt(call.sub) }], action: fallback };
    const g = guards.get(call.viaNr) ?? { via: call.via, clauses: [] };
    g.clauses.push(clause);
    guards.set(call.viaNr, g);
    notes.push({
      severity: 'warning',
      code: 'multiplexer-guarded',
      abi: a.abi,
      syscall: call.via,
      message: `on ${a.abi}, ${name} has argument conditions that ${call.via}(2) hides behind a pointer: ${call.via}(${call.subName}) now gets ${formatAction(fallback)} (what ${name} gets when no condition holds), so programs must call ${name} directly (use --socketcall libseccomp to keep libseccomp's behaviour, where the conditions are lost)`,
    });
  }
  if (guards.size === 0) return a;
  const syscalls: SyscallPolicy[] = a.syscalls.map((s) => {
    const g = guards.get(s.nr);
    return g ? { ...s, clauses: [...g.clauses, ...s.clauses] } : s;
  });
  for (const [nr, g] of guards) if (!byNr.has(nr)) syscalls.push({ nr, name: g.via, clauses: g.clauses });
  syscalls.sort((x, y) => x.nr - y.nr);
  return { ...a, syscalls };
}
