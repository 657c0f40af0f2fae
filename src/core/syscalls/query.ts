/**
 * Answers to "what is X on this ABI?" where X is a name, a number or an `@group`, as the `syscalls` command
 * prints them. Everything here is data; formatting is the caller's.
 */
import { SeccompKitError } from '../errors.js';
import type { Abi, MultiplexedCall, SyscallEntry } from './types.js';
import { ABIS, abisForAuditArch, toAbi } from './abis.js';
import { isKnownSyscall, syscallEntry, syscallName } from './lookup.js';
import { multiplexedCall } from './multiplexers.js';
import { expandGroup, groupNames } from './groups.js';
import { suggestSyscall, type SyscallSuggestion } from './suggest.js';

/** The answer for one name or number on one ABI. */
export interface SyscallAnswer {
  /** The query as given. */
  query: string;
  /** Canonical ABI name. */
  abi: string;
  kind: 'name' | 'number';
  /** The syscall, when the ABI has it. */
  entry?: SyscallEntry;
  /** For a socket/IPC name on an ABI with socketcall/ipc: the multiplexer route. */
  multiplexed?: MultiplexedCall;
  /** For a name the ABI lacks: whether some other ABI has it (false = unknown name, maybe a typo). */
  knownElsewhere?: boolean;
  /** For a name the ABI lacks: what to use instead. */
  suggestions?: SyscallSuggestion[];
  /** For a number the ABI lacks: a likely intended reading (x32 bit, MIPS base, another ABI of the same AUDIT_ARCH). */
  note?: string;
}

/** The answer for an `@group` on one ABI. */
export interface SyscallGroupAnswer {
  query: string;
  abi: string;
  kind: 'group';
  /** Canonical group name with `@`. */
  group: string;
  /** Members the ABI has, by number. */
  members: SyscallEntry[];
  /** Members the ABI lacks, sorted (including those reachable only through a multiplexer). */
  absent: string[];
  /** Members the ABI reaches through socketcall/ipc, with or without a syscall of their own. */
  multiplexed: { name: string; call: MultiplexedCall }[];
}

/** Parses `452` or `0x1c4`; undefined for anything else. */
export function parseSyscallNumber(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t);
  if (/^0x[0-9a-f]+$/i.test(t)) return parseInt(t.slice(2), 16);
  return undefined;
}

/** Answers one name or number on one ABI. */
export function describeSyscall(abi: Abi | string, query: string): SyscallAnswer {
  const a = toAbi(abi);
  const nr = parseSyscallNumber(query);
  if (nr !== undefined) {
    const name = syscallName(a, nr);
    const ans: SyscallAnswer = { query, abi: a.name, kind: 'number' };
    if (name !== undefined) ans.entry = syscallEntry(a, name);
    else {
      const note = numberNote(a, nr);
      if (note) ans.note = note;
    }
    return ans;
  }
  const name = query.trim();
  const ans: SyscallAnswer = { query, abi: a.name, kind: 'name' };
  const entry = syscallEntry(a, name);
  if (entry) ans.entry = entry;
  const mux = multiplexedCall(a, name);
  if (mux) ans.multiplexed = mux;
  if (!entry) {
    ans.knownElsewhere = isKnownSyscall(name);
    ans.suggestions = suggestSyscall(a, name);
  }
  return ans;
}

function numberNote(a: Abi, nr: number): string | undefined {
  if (a.nrOffset !== 0 && nr < a.nrOffset) {
    const name = syscallName(a, nr + a.nrOffset);
    if (name) return `${a.name} numbers start at ${formatOffset(a)}: ${nr + a.nrOffset} is ${name}`;
  }
  for (const other of abisForAuditArch(a.auditArch)) {
    if (other === a) continue;
    const name = syscallName(other, nr);
    if (name) return `on ${other.name} (same AUDIT_ARCH) ${nr} is ${name}`;
  }
  return undefined;
}

function formatOffset(a: Abi): string {
  return a.nrOffset >= 0x10000 ? `0x${a.nrOffset.toString(16)}` : String(a.nrOffset);
}

/** Like `expandGroup` but throws `SeccompKitError('unknown-syscall')` naming the groups. */
export function requireGroup(group: string): string[] {
  const members = expandGroup(group);
  if (members) return members;
  throw new SeccompKitError('unknown-syscall', `unknown group ${JSON.stringify(group)}; groups: ${groupNames().join(', ')}`);
}

/** Answers an `@group` on one ABI; throws `SeccompKitError('unknown-syscall')` for an unknown group. */
export function describeGroup(abi: Abi | string, group: string): SyscallGroupAnswer {
  const a = toAbi(abi);
  const members = requireGroup(group);
  const present: SyscallEntry[] = [];
  const absent: string[] = [];
  const multiplexed: { name: string; call: MultiplexedCall }[] = [];
  for (const m of members) {
    const e = syscallEntry(a, m);
    if (e) present.push(e);
    else absent.push(m);
    const call = multiplexedCall(a, m);
    if (call) multiplexed.push({ name: m, call });
  }
  present.sort((x, y) => x.nr - y.nr);
  absent.sort();
  multiplexed.sort((x, y) => (x.call.via < y.call.via ? -1 : x.call.via > y.call.via ? 1 : x.call.sub - y.call.sub));
  const canonical = `@${group.trim().replace(/^@/, '').toLowerCase()}`;
  return { query: group, abi: a.name, kind: 'group', group: canonical, members: present, absent, multiplexed };
}

/** Answers a name, number or `@group` on one ABI. */
export function describeQuery(abi: Abi | string, query: string): SyscallAnswer | SyscallGroupAnswer {
  return query.trim().startsWith('@') ? describeGroup(abi, query) : describeSyscall(abi, query);
}

/** Answers a name or number on every ABI, in {@link ABIS} order. */
export function describeAcrossAbis(query: string): SyscallAnswer[] {
  return ABIS.map((a) => describeSyscall(a, query));
}
