// applyKernelArgWidth: 32-bit comparisons for arguments the kernel reads as int, and what that closes.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyKernelArgWidth, compilePolicy } from '../../src/core/compile/index.js';
import { decodeProgram } from '../../src/core/bpf/codec.js';
import { emulate } from '../../src/core/bpf/emulate.js';
import { seccompData } from '../../src/core/bpf/instruction.js';
import { verifyProgram } from '../../src/core/bpf/verify.js';
import { decide } from '../../src/core/profile/decide.js';
import { loadBuiltin, resolveProfile } from '../../src/core/profile/index.js';
import type { Condition, Policy } from '../../src/core/profile/policy.js';
import { syscallNumber } from '../../src/core/syscalls/index.js';
import { arbEventFor, arbPolicy } from '../support/policy-arbitraries.js';

const ROOT = join(import.meta.dirname, '../..');
const AUDIT_ARCH_X86_64 = 0xc000003e;
const ALLOW = 0x7fff0000;
const EPERM = 0x00050001;
const SOCKET = syscallNumber('x86_64', 'socket') as number;
const AF_VSOCK_HIGH = 0x100000028n; // 40 (AF_VSOCK) with bit 32 set: the kernel's int family is 40.

function docker(): Policy {
  return resolveProfile(loadBuiltin('builtin:docker'), { arch: 'amd64', kernel: '6.18', runtime: 'runc' });
}

function conditionsOf(p: Policy, abi: string, name: string): Condition[] {
  return p.abis.find((a) => a.abi === abi)?.syscalls.find((s) => s.name === name)?.clauses.flatMap((c) => c.conditions) ?? [];
}

function socketCall(family: bigint) {
  return seccompData(AUDIT_ARCH_X86_64, SOCKET, [family, 1n, 0n, 0n, 0n, 0n]);
}

function hand(name: string, conditions: Condition[]): Policy {
  const nr = syscallNumber('x86_64', name) as number;
  return {
    unconfined: false, defaultAction: EPERM, badArchAction: 0, flags: 0, notes: [],
    abis: [{ abi: 'x86_64', auditArch: AUDIT_ARCH_X86_64, defaultAction: EPERM, rangeActions: [], syscalls: [{ nr, name, clauses: [{ conditions, action: ALLOW }] }] }],
  };
}

describe('applyKernelArgWidth on builtin:docker (amd64, runc, 6.18)', () => {
  const before = docker();
  const snapshot = JSON.stringify(before, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
  const { policy, changed } = applyKernelArgWidth(before);

  it('narrows socket and personality on x86_64, leaves clone (unsigned long) at 64', () => {
    expect(conditionsOf(before, 'x86_64', 'socket').map((c) => c.width)).toEqual([64, 64, 64]);
    expect(conditionsOf(policy, 'x86_64', 'socket').map((c) => c.width)).toEqual([32, 32, 32]);
    expect(conditionsOf(policy, 'x86_64', 'personality').every((c) => c.width === 32)).toBe(true);
    expect(conditionsOf(policy, 'x86_64', 'personality').length).toBeGreaterThan(0);
    expect(conditionsOf(policy, 'x86_64', 'clone').map((c) => c.width)).toEqual([64]);
    expect(changed).toEqual([
      { abi: 'x86_64', syscall: 'socket', arg: 0, type: 'int', bits: 32, name: 'family' },
      { abi: 'x86_64', syscall: 'personality', arg: 0, type: 'unsigned int', bits: 32, name: 'personality' },
    ]);
  });

  it('leaves the 32-bit ABIs as they were (x86, x32 already compare 32 bits) and does not modify its input', () => {
    for (const abi of ['x86', 'x32']) {
      expect(policy.abis.find((a) => a.abi === abi)).toBe(before.abis.find((a) => a.abi === abi));
    }
    expect(JSON.stringify(before, (_, v) => (typeof v === 'bigint' ? v.toString() : v))).toBe(snapshot);
  });

  it('adds one info note per changed syscall naming the argument, its C type and the bypass', () => {
    const notes = policy.notes.filter((n) => n.code === 'arg-width-32');
    expect(notes.map((n) => [n.severity, n.abi, n.syscall])).toEqual([
      ['info', 'x86_64', 'socket'],
      ['info', 'x86_64', 'personality'],
    ]);
    expect(notes[0].message).toContain('a0 (int family)');
    expect(notes[0].message).toContain('a0 = 0x100000028 is 0x28 to the kernel, yet `a0 > 0x28` is true for it on 64 bits');
    expect(notes[1].message).toContain('unsigned int personality');
    expect(policy.notes.length).toBe(before.notes.length + 2);
  });

  it('is idempotent', () => {
    const again = applyKernelArgWidth(policy);
    expect(again.changed).toEqual([]);
    expect(again.policy).toBe(policy);
  });

  it('compiled: socket(0x100000028) is denied with kernel width and allowed with 64-bit comparisons (libseccomp)', () => {
    const kernel = compilePolicy(policy).program;
    const wide = compilePolicy(before).program;
    expect(verifyProgram(kernel).ok).toBe(true);
    expect(emulate(kernel, socketCall(AF_VSOCK_HIGH)).ret >>> 0).toBe(EPERM);
    expect(emulate(wide, socketCall(AF_VSOCK_HIGH)).ret >>> 0).toBe(ALLOW);
    // Both deny the plain family and allow an ordinary one.
    for (const p of [kernel, wide]) {
      expect(emulate(p, socketCall(40n)).ret >>> 0).toBe(EPERM);
      expect(emulate(p, socketCall(2n)).ret >>> 0).toBe(ALLOW);
    }
    // The same high-bit trick below the excluded range: 0x100000026 is 38 (AF_ALG) to the kernel.
    expect(emulate(kernel, socketCall(0x100000026n)).ret >>> 0).toBe(EPERM);
    expect(emulate(wide, socketCall(0x100000026n)).ret >>> 0).toBe(ALLOW);
    // personality(0x100000000) is personality(0) to the kernel: allowed now, denied by 64-bit EQ (libseccomp #383).
    const pers = seccompData(AUDIT_ARCH_X86_64, syscallNumber('x86_64', 'personality') as number, [0x100000000n, 0n, 0n, 0n, 0n, 0n]);
    expect(emulate(kernel, pers).ret >>> 0).toBe(ALLOW);
    expect(emulate(wide, pers).ret >>> 0).toBe(EPERM);
  });
});

describe('applyKernelArgWidth on hand-built policies', () => {
  it('umode_t (16 bits): narrowed to 32, and the note says bits 16-31 are still compared', () => {
    const { policy, changed } = applyKernelArgWidth(hand('fchmodat', [{ arg: 2, width: 64, op: 'NE', value: 0o4755n }]));
    expect(changed).toEqual([{ abi: 'x86_64', syscall: 'fchmodat', arg: 2, type: 'umode_t', bits: 16, name: 'mode' }]);
    expect(conditionsOf(policy, 'x86_64', 'fchmodat')[0].width).toBe(32);
    expect(policy.notes[0].message).toContain('umode_t is 16 bits, so bits 16-31 of a2 are still compared');
  });

  it('a rule value with bits above 31 is reported with what it now stands for', () => {
    const { policy } = applyKernelArgWidth(hand('socket', [{ arg: 0, width: 64, op: 'EQ', value: 0x100000002n }]));
    expect(policy.notes[0].message).toContain('the rule value 0x100000002 on a0 has bits above 31');
    expect(policy.notes[0].message).toContain('it now stands for 0x2');
  });

  it('leaves 64-bit arguments, pointer arguments and syscalls without types alone', () => {
    for (const [name, arg] of [['mmap', 2], ['openat', 1], ['clone', 0]] as const) {
      const p = hand(name, [{ arg, width: 64, op: 'NE', value: 1n }]);
      expect(applyKernelArgWidth(p).policy).toBe(p);
    }
    const unknown = hand('socket', [{ arg: 0, width: 64, op: 'NE', value: 1n }]);
    unknown.abis[0].syscalls[0].nr = 100_000; // not a syscall number: no type, no change
    unknown.abis[0].syscalls[0].name = 'not_a_syscall';
    expect(applyKernelArgWidth(unknown).changed).toEqual([]);
  });

  it('takes the type from the number the filter matches, not the name', () => {
    const p = hand('socket', [{ arg: 0, width: 64, op: 'GT', value: 40n }]);
    p.abis[0].syscalls[0].name = 'sys41';
    expect(applyKernelArgWidth(p).changed.map((c) => c.syscall)).toEqual(['socket']);
  });
});

describe('equivalence: compile(applyKernelArgWidth(p)) agrees with decide(applyKernelArgWidth(p))', () => {
  it('random policies (x86_64, x32, x86, aarch64, s390x, ppc), events steered to their constants', () => {
    let events = 0;
    let narrowedPolicies = 0;
    fc.assert(
      fc.property(arbPolicy(), fc.integer(), (raw, seed) => {
        const { policy, changed } = applyKernelArgWidth(raw);
        if (changed.length > 0) narrowedPolicies++;
        const { program } = compilePolicy(policy);
        expect(verifyProgram(program).ok).toBe(true);
        for (const d of fc.sample(arbEventFor(policy), { seed, numRuns: 200 })) {
          events++;
          const endian = (d.arch & 0x40000000) !== 0 ? 'little' : 'big';
          const got = emulate(program, d, { endian }).ret >>> 0;
          const want = decide(policy, d).action >>> 0;
          if (got !== want) expect(`nr=${d.nr} args=${d.args.join(',')}: program 0x${got.toString(16)}`).toBe(`policy 0x${want.toString(16)}`);
        }
      }),
      { numRuns: Number(process.env.SK_RUNS ?? 300), endOnFailure: true },
    );
    expect(events).toBeGreaterThanOrEqual(50_000);
    // The transform must actually have narrowed conditions in a good share of the policies.
    expect(narrowedPolicies).toBeGreaterThan(30);
  });
});

describe('compile --arg-width (CLI)', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/seccomp-kit'), ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const socketVerdict = (hex: string) => emulate(decodeProgram(Uint8Array.from(Buffer.from(hex, 'hex'))), socketCall(AF_VSOCK_HIGH)).ret >>> 0;
  const compile = (...extra: string[]) => {
    const r = run('compile', 'builtin:docker', '--daemon-arch', 'amd64', '--kernel', '6.18', '--runtime', 'runc', '--arch', 'x86_64', '--json', ...extra);
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { hex: string; notes: Array<{ code: string; syscall?: string }> };
  };

  it('defaults to kernel width: socket(0x100000028) denied, notes say why', () => {
    const out = compile();
    expect(socketVerdict(out.hex)).toBe(EPERM);
    expect(out.notes.filter((n) => n.code === 'arg-width-32').map((n) => n.syscall)).toEqual(['socket', 'personality']);
    expect(socketVerdict(compile('--arg-width', 'kernel').hex)).toBe(EPERM);
  });

  it('--arg-width 64 reproduces libseccomp: socket(0x100000028) allowed, no arg-width notes', () => {
    const out = compile('--arg-width', '64');
    expect(socketVerdict(out.hex)).toBe(ALLOW);
    expect(out.notes.some((n) => n.code === 'arg-width-32')).toBe(false);
  });

  it('rejects other widths as a usage error', () => {
    expect(run('compile', 'builtin:docker', '--arg-width', '32').status).toBe(2);
  });
});
