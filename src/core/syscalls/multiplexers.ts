/**
 * socketcall(2) and ipc(2): on ABIs that have them (x86, m68k, mips o32, ppc, ppc64, s390, s390x, sh — whichever
 * tables list the multiplexer), socket and SysV IPC calls are also reachable as a sub-call number in the first
 * argument. A filter that rules on `socket` there must say what it does with `socketcall(SYS_SOCKET)`; some calls
 * (x86 `accept`, `semop`, ...) exist only that way.
 */
import type { Abi, MultiplexedCall } from './types.js';
import { toAbi } from './abis.js';
import { syscallNumber } from './lookup.js';
import { IPC_SUBCALLS, SOCKETCALL_SUBCALLS } from './table.generated.js';

/** The two multiplexers. */
export type Multiplexer = MultiplexedCall['via'];

function subcall(name: string): { via: Multiplexer; sub: number; subName: string } | undefined {
  if (Object.hasOwn(SOCKETCALL_SUBCALLS, name)) {
    return { via: 'socketcall', sub: SOCKETCALL_SUBCALLS[name], subName: `SYS_${name.toUpperCase()}` };
  }
  if (Object.hasOwn(IPC_SUBCALLS, name)) {
    return { via: 'ipc', sub: IPC_SUBCALLS[name], subName: name.toUpperCase() };
  }
  return undefined;
}

/**
 * How `name` is reached through a multiplexer on this ABI, or undefined when it is not a socket/IPC call or the
 * ABI has no such multiplexer. `directNr` is absent when the multiplexer is the only way.
 */
export function multiplexedCall(abi: Abi | string, name: string): MultiplexedCall | undefined {
  const a = toAbi(abi);
  const s = subcall(name);
  if (!s) return undefined;
  const viaNr = syscallNumber(a, s.via);
  if (viaNr === undefined) return undefined;
  const call: MultiplexedCall = { via: s.via, viaNr, sub: s.sub, subName: s.subName };
  const directNr = syscallNumber(a, name);
  if (directNr !== undefined) call.directNr = directNr;
  return call;
}

/**
 * The call named by a multiplexer's first argument on this ABI (`socketcall`, 1 -> `socket`), or undefined when
 * the ABI lacks that multiplexer or the number is no sub-call. For ipc the kernel uses only the low 16 bits (the
 * high 16 carry a version, linux/ipc.h IPCCALL), and so does this.
 */
export function multiplexedSubcallName(abi: Abi | string, via: Multiplexer, sub: number): string | undefined {
  if (syscallNumber(toAbi(abi), via) === undefined) return undefined;
  const table = via === 'socketcall' ? SOCKETCALL_SUBCALLS : IPC_SUBCALLS;
  const key = via === 'ipc' ? sub & 0xffff : sub;
  for (const [name, n] of Object.entries(table)) if (n === key) return name;
  return undefined;
}

/** Every multiplexed call of an ABI (empty when it has neither multiplexer), socketcall first, by sub-call. */
export function multiplexedCalls(abi: Abi | string): { name: string; call: MultiplexedCall }[] {
  const a = toAbi(abi);
  const out: { name: string; call: MultiplexedCall }[] = [];
  for (const name of [...Object.keys(SOCKETCALL_SUBCALLS), ...Object.keys(IPC_SUBCALLS)]) {
    const call = multiplexedCall(a, name);
    if (call) out.push({ name, call });
  }
  return out;
}

/** The calls an ABI reaches only through a multiplexer (x86: accept, send, recv, semop, semtimedop). */
export function multiplexerOnlyCalls(abi: Abi | string): string[] {
  return multiplexedCalls(abi)
    .filter((m) => m.call.directNr === undefined)
    .map((m) => m.name);
}
