import { describe, expect, it } from 'vitest';
import { applyMultiplexerMode, compilePolicy, parseMultiplexerMode } from '../../src/core/compile/index.js';
import { compileEmulator } from '../../src/core/bpf/emulate.js';
import { seccompData } from '../../src/core/bpf/instruction.js';
import { decide } from '../../src/core/profile/decide.js';
import { loadBuiltin, resolveProfile, type Policy, type SyscallPolicy } from '../../src/core/profile/index.js';
import { syscallNumber } from '../../src/core/syscalls/index.js';

const I386 = 0x40000003;
const ALLOW = 0x7fff0000;
const EPERM = 0x00050001;
const socketcall = syscallNumber('x86', 'socketcall') as number;
const ipc = syscallNumber('x86', 'ipc') as number;
const docker = (): Policy => resolveProfile(loadBuiltin('builtin:docker'), { arch: 'amd64', kernel: '6.18', runtime: 'runc' });

describe('--socketcall', () => {
  it('parses its two modes', () => {
    expect(parseMultiplexerMode('deny')).toBe('deny');
    expect(() => parseMultiplexerMode('allow')).toThrow(/deny or libseccomp/);
  });

  it("libseccomp's way: Docker's family rules are lost through socketcall(SYS_SOCKET) on x86", () => {
    const p = applyMultiplexerMode(docker(), 'libseccomp');
    expect(decide(p, seccompData(I386, socketcall, [1n])).action).toBe(ALLOW);
  });

  it('deny: socketcall(SYS_SOCKET) gets the profile denial, other sub-calls are unchanged, and a note says so', () => {
    const p = applyMultiplexerMode(docker(), 'deny');
    expect(decide(p, seccompData(I386, socketcall, [1n])).action).toBe(EPERM);
    expect(decide(p, seccompData(I386, socketcall, [3n])).action).toBe(ALLOW); // SYS_CONNECT
    expect(decide(p, seccompData(I386, syscallNumber('x86', 'socket') as number, [2n])).action).toBe(ALLOW); // direct AF_INET
    expect(decide(p, seccompData(I386, syscallNumber('x86', 'socket') as number, [40n])).action).toBe(EPERM); // direct AF_VSOCK
    expect(p.notes.filter((n) => n.code === 'multiplexer-guarded').map((n) => n.abi)).toEqual(['x86']);
    const run = compileEmulator(compilePolicy(p).program);
    for (const a0 of [0n, 1n, 2n, 3n, 0x100000001n]) {
      const d = seccompData(I386, socketcall, [a0]);
      expect(run(d) >>> 0).toBe(decide(p, d).action >>> 0);
    }
  });

  it('ipc sub-calls compare the low 16 bits (the version is in the high ones)', () => {
    const semctl = syscallNumber('x86', 'semctl') as number;
    const policy: Policy = {
      unconfined: false, defaultAction: EPERM, badArchAction: 0, flags: 0, notes: [],
      abis: [{
        abi: 'x86', auditArch: I386, rangeActions: [], defaultAction: EPERM,
        syscalls: ([
          { nr: ipc, name: 'ipc', clauses: [{ conditions: [], action: ALLOW }] },
          { nr: semctl, name: 'semctl', clauses: [{ conditions: [{ arg: 2, width: 32, op: 'NE', value: 0n }], action: ALLOW }] },
        ] as SyscallPolicy[]).sort((a, b) => a.nr - b.nr),
      }],
    };
    const p = applyMultiplexerMode(policy, 'deny');
    const SEMCTL = 3n;
    expect(decide(p, seccompData(I386, ipc, [SEMCTL])).action).toBe(EPERM);
    expect(decide(p, seccompData(I386, ipc, [SEMCTL | (1n << 16n)])).action).toBe(EPERM);
    expect(decide(p, seccompData(I386, ipc, [2n])).action).toBe(ALLOW); // SEMGET has no conditions
    const run = compileEmulator(compilePolicy(p).program);
    for (const a0 of [SEMCTL, SEMCTL | (1n << 16n), 2n, 0x10002n]) {
      const d = seccompData(I386, ipc, [a0]);
      expect(run(d) >>> 0).toBe(decide(p, d).action >>> 0);
    }
  });
});
