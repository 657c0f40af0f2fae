import { describe, expect, it } from 'vitest';
import {
  ABIS,
  IPC_SUBCALLS,
  SOCKETCALL_SUBCALLS,
  multiplexedCall,
  multiplexedCalls,
  multiplexedSubcallName,
  multiplexerOnlyCalls,
} from '../../src/core/syscalls/index.js';
import { ABI_TABLE, readCsv } from './csv.js';

const csv = readCsv();

describe('socketcall and ipc', () => {
  it('x86 socket: direct 359 and socketcall(SYS_SOCKET=1) = 102', () => {
    expect(multiplexedCall('x86', 'socket')).toEqual({ via: 'socketcall', viaNr: 102, sub: 1, subName: 'SYS_SOCKET', directNr: 359 });
    expect(multiplexedCall('x86', 'sendmmsg')).toMatchObject({ via: 'socketcall', sub: 20, directNr: 345 });
    expect(multiplexedCall('x86', 'shmctl')).toMatchObject({ via: 'ipc', viaNr: 117, sub: 24, subName: 'SHMCTL' });
  });

  it('calls that exist only through the multiplexer have no directNr', () => {
    const accept = multiplexedCall('x86', 'accept');
    expect(accept).toEqual({ via: 'socketcall', viaNr: 102, sub: 5, subName: 'SYS_ACCEPT' });
    expect(multiplexerOnlyCalls('x86')).toEqual(['accept', 'send', 'recv', 'semop', 'semtimedop']);
    expect(multiplexerOnlyCalls('s390x')).toEqual(['accept', 'send', 'recv', 'semop']);
    expect(multiplexerOnlyCalls('x86_64')).toEqual([]);
  });

  it('ABIs without the multiplexers have no routes', () => {
    expect(multiplexedCall('x86_64', 'socket')).toBeUndefined();
    expect(multiplexedCall('aarch64', 'semop')).toBeUndefined();
    expect(multiplexedCall('x86', 'read')).toBeUndefined();
    expect(multiplexedCall('x86', 'constructor')).toBeUndefined();
  });

  it('which ABIs multiplex, and which calls are multiplexer-only, follow the CSV (PNR)', () => {
    const socketAbis: string[] = [];
    for (const abi of ABIS) {
      const [table, offset] = ABI_TABLE[abi.name];
      const sc = csv.numbers.get('socketcall')?.get(table);
      const ipc = csv.numbers.get('ipc')?.get(table);
      if (sc !== undefined) socketAbis.push(abi.name);
      for (const [name, sub] of Object.entries(SOCKETCALL_SUBCALLS)) {
        const direct = csv.numbers.get(name)?.get(table);
        const call = multiplexedCall(abi, name);
        if (sc === undefined) expect(call).toBeUndefined();
        else expect(call).toEqual({ via: 'socketcall', viaNr: sc + offset, sub, subName: `SYS_${name.toUpperCase()}`, ...(direct === undefined ? {} : { directNr: direct + offset }) });
      }
      for (const [name, sub] of Object.entries(IPC_SUBCALLS)) {
        const direct = csv.numbers.get(name)?.get(table);
        const call = multiplexedCall(abi, name);
        if (ipc === undefined) expect(call).toBeUndefined();
        else expect(call).toEqual({ via: 'ipc', viaNr: ipc + offset, sub, subName: name.toUpperCase(), ...(direct === undefined ? {} : { directNr: direct + offset }) });
      }
      expect(multiplexedCalls(abi).length).toBe((sc === undefined ? 0 : 20) + (ipc === undefined ? 0 : 12));
    }
    expect(socketAbis).toEqual(['x86', 'm68k', 'mips', 'mipsel', 'ppc', 'ppc64', 'ppc64le', 's390', 's390x', 'sh', 'sheb']);
  });

  it('sub-call numbers are the UAPI ones (linux/net.h, linux/ipc.h)', () => {
    expect(Object.values(SOCKETCALL_SUBCALLS)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(IPC_SUBCALLS).toEqual({
      semop: 1, semget: 2, semctl: 3, semtimedop: 4, msgsnd: 11, msgrcv: 12, msgget: 13, msgctl: 14,
      shmat: 21, shmdt: 22, shmget: 23, shmctl: 24,
    });
  });

  it('multiplexedSubcallName inverts the sub-call numbers', () => {
    for (const { name, call } of multiplexedCalls('x86')) expect(multiplexedSubcallName('x86', call.via, call.sub)).toBe(name);
    expect(multiplexedSubcallName('x86', 'socketcall', 1)).toBe('socket');
    expect(multiplexedSubcallName('x86', 'ipc', 0x10000 | 12)).toBe('msgrcv'); // IPCCALL(1, MSGRCV)
    expect(multiplexedSubcallName('x86', 'socketcall', 21)).toBeUndefined();
    expect(multiplexedSubcallName('x86', 'ipc', 5)).toBeUndefined();
    expect(multiplexedSubcallName('x86_64', 'socketcall', 1)).toBeUndefined();
  });
});
