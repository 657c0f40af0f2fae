// Docker's built-in default profile resolved for amd64, Docker's default capabilities, kernel 6.18
// and runc: a golden listing (checked by hand against profiles.md §2.3 and the profile JSON) and
// verdicts through the oracle.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatPolicy, loadBuiltin, summarizePolicy } from '../../src/core/profile/index.js';
import { clauseTexts, notes, resolve, verdict } from './support/resolve.js';

const golden = join(import.meta.dirname, 'golden/docker-amd64-default-6.18.txt');
const docker = loadBuiltin('builtin:docker');
const policy = resolve(docker, { arch: 'amd64', kernel: '6.18', runtime: 'runc' });

describe('builtin:docker on amd64, kernel 6.18, runc', () => {
  it('matches the golden listing (UPDATE_GOLDEN=1 rewrites it; then check it by hand)', () => {
    const text = `${formatPolicy(policy, { title: 'builtin:docker' }).join('\n')}\n`;
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden, text);
    expect(text).toBe(readFileSync(golden, 'utf8'));
  });

  it('covers x86_64, x86 and x32 (archMap entry of SCMP_ARCH_X86_64), native first', () => {
    expect(policy.abis.map((a) => a.abi)).toEqual(['x86_64', 'x86', 'x32']);
  });

  it('clone3 gets ENOSYS without CAP_SYS_ADMIN and is allowed with it', () => {
    expect(verdict(policy, 'x86_64', 'clone3')).toBe('ERRNO(38)');
    expect(verdict(resolve(docker, { capAdd: ['SYS_ADMIN'] }), 'x86_64', 'clone3')).toBe('ALLOW');
  });

  it('socket: AF_VSOCK (40) and AF_ALG (38) denied, AF_INET and AF_KCM (41) allowed', () => {
    expect(verdict(policy, 'x86_64', 'socket', [40, 1, 0])).toBe('ERRNO(1)');
    expect(verdict(policy, 'x86_64', 'socket', [38, 5, 0])).toBe('ERRNO(1)');
    expect(verdict(policy, 'x86_64', 'socket', [2, 1, 0])).toBe('ALLOW');
    expect(verdict(policy, 'x86_64', 'socket', [39])).toBe('ALLOW');
    expect(verdict(policy, 'x86_64', 'socket', [41])).toBe('ALLOW');
    expect(clauseTexts(policy, 'x86_64', 'socket')).toEqual(['ALLOW if a0 LT 38', 'ALLOW if a0 EQ 39', 'ALLOW if a0 GT 40']);
  });

  it('ptrace is allowed on kernels from 4.8, denied before (minKernel)', () => {
    expect(verdict(policy, 'x86_64', 'ptrace')).toBe('ALLOW');
    expect(verdict(policy, 'x86_64', 'process_vm_readv')).toBe('ALLOW');
    const old = resolve(docker, { kernel: '4.4' });
    expect(verdict(old, 'x86_64', 'ptrace')).toBe('ERRNO(1)');
    expect(verdict(resolve(docker, { kernel: '4.4', capAdd: ['SYS_PTRACE'] }), 'x86_64', 'ptrace')).toBe('ALLOW');
  });

  it('personality allows exactly 0, 8, 0x20000, 0x20008 and 0xffffffff', () => {
    for (const ok of [0, 8, 0x20000, 0x20008, 0xffffffff]) expect(verdict(policy, 'x86_64', 'personality', [ok])).toBe('ALLOW');
    for (const no of [1, 0x400000, 0x1ffffffffn]) expect(verdict(policy, 'x86_64', 'personality', [no])).toBe('ERRNO(1)');
    expect(verdict(policy, 'x86', 'personality', [0xffffffff])).toBe('ALLOW');
  });

  it('clone without namespace flags is allowed, with CLONE_NEWUSER denied', () => {
    expect(verdict(policy, 'x86_64', 'clone', [0x3d0f00])).toBe('ALLOW'); // glibc thread flags
    expect(verdict(policy, 'x86_64', 'clone', [0x10000000])).toBe('ERRNO(1)'); // CLONE_NEWUSER
    expect(verdict(policy, 'x32', 'clone', [0x10000000])).toBe('ERRNO(1)');
  });

  it('caps-gated and arch-gated rules', () => {
    expect(verdict(policy, 'x86_64', 'mount')).toBe('ERRNO(1)');
    expect(verdict(policy, 'x86_64', 'chroot')).toBe('ALLOW'); // CAP_SYS_CHROOT is a Docker default
    expect(verdict(policy, 'x86_64', 'arch_prctl')).toBe('ALLOW'); // includes.arches amd64
    expect(verdict(policy, 'x86', 'modify_ldt')).toBe('ALLOW');
    expect(verdict(policy, 'x86_64', 'iopl')).toBe('ERRNO(1)');
    expect(verdict(resolve(docker, { caps: 'all' }), 'x86_64', 'iopl')).toBe('ALLOW');
  });

  it("runc's stub: syscalls newer than the profile get ENOSYS, x32 numbers by their own maximum", () => {
    expect(verdict(policy, 'x86_64', 'file_getattr')).toBe('ERRNO(38)');
    expect(verdict(policy, 'x86_64', 9999)).toBe('ERRNO(38)');
    expect(verdict(policy, 'x86_64', 'removexattrat')).toBe('ALLOW');
    expect(verdict(policy, 'x32', 0x40000000 + 548)).toBe('ERRNO(38)');
    expect(verdict(policy, 'x32', 'removexattrat')).toBe('ALLOW');
  });

  it('with libseccomp 2.5.4 the newest names are unknown, so the stub starts lower', () => {
    const p254 = resolve(docker, { syscallTable: 'libseccomp-2.5.4' });
    expect(p254.abis[0].rangeActions[0].from).toBe(457); // after futex_requeue (456)
    expect(verdict(p254, 'x86_64', 'mseal')).toBe('ERRNO(38)');
    expect(verdict(p254, 'x86_64', 'futex_requeue')).toBe('ALLOW');
    expect(notes(p254, 'unknown-syscall').map((n) => n.syscall).sort()).toEqual(
      ['getxattrat', 'listmount', 'listxattrat', 'mseal', 'removexattrat', 'riscv_hwprobe', 'setxattrat', 'statmount', 'uretprobe'],
    );
  });

  it('summary counts', () => {
    const s = summarizePolicy(policy);
    expect(s.rulesTotal).toBe(33);
    expect(s.rulesKept).toBe(15);
    expect(s.rulesDropped).toEqual([
      { reason: 'rule-excluded:caps', label: 'capability conditions not met', count: 13 },
      { reason: 'rule-excluded:arch', label: 'for other architectures', count: 5 },
    ]);
    const x86_64 = s.abis[0];
    expect(x86_64.allowed + x86_64.conditional + x86_64.denied + x86_64.other).toBe(x86_64.total);
    expect(x86_64.conditional).toBe(3);
  });
});
