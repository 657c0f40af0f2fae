import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ABIS,
  GROUPS,
  allSyscallNames,
  editDistance,
  expandGroup,
  groupNames,
  isKnownSyscall,
  suggestSyscall,
  syscallEntries,
  syscallNumber,
} from '../../src/core/syscalls/index.js';

describe('groups', () => {
  it('has the groups people ask for', () => {
    for (const g of ['@all', '@file', '@network', '@process', '@memory', '@time', '@ipc', '@module', '@signal', '@io',
      '@system', '@debug', '@keyring', '@clock', '@privileged']) {
      expect(groupNames()).toContain(g);
      expect(expandGroup(g)?.length, g).toBeGreaterThan(0);
    }
    expect(expandGroup('@admin')).toEqual(expandGroup('@system'));
    expect(expandGroup('network')).toEqual(expandGroup('@NETWORK'));
    expect(expandGroup('@nope')).toBeUndefined();
    expect(expandGroup('@constructor')).toBeUndefined();
  });

  it('every member is a real syscall name (no typos), without duplicates', () => {
    for (const [g, members] of Object.entries(GROUPS)) {
      for (const m of members) expect(isKnownSyscall(m), `@${g}: ${m}`).toBe(true);
      expect(expandGroup(g)).toHaveLength(new Set(members).size);
    }
  });

  it('@all is every known name; groups hold what their names promise', () => {
    expect(expandGroup('@all')).toEqual([...allSyscallNames()]);
    expect(expandGroup('@network')).toEqual(expect.arrayContaining(['socket', 'connect', 'accept4', 'socketcall']));
    expect(expandGroup('@file')).toEqual(expect.arrayContaining(['openat', 'fchmodat2', 'statx', 'file_setattr']));
    expect(expandGroup('@io')).toEqual(expect.arrayContaining(['read', 'write', 'epoll_pwait2', 'io_uring_enter']));
    expect(expandGroup('@system')).toEqual(expect.arrayContaining(['mount', 'reboot', 'swapon', 'pivot_root']));
    expect(expandGroup('@debug')).toEqual(expect.arrayContaining(['ptrace', 'process_vm_readv', 'perf_event_open', 'bpf']));
    expect(expandGroup('@keyring')).toEqual(['add_key', 'request_key', 'keyctl']);
    expect(expandGroup('@clock')).toContain('clock_settime');
    expect(expandGroup('@clock')).not.toContain('clock_gettime');
    expect(expandGroup('@module')).toContain('finit_module');
    expect(expandGroup('@privileged')).toEqual(expect.arrayContaining(['mount', 'init_module', 'settimeofday', 'kexec_load']));
    expect(expandGroup('@privileged')).not.toContain('read');
  });
});

describe('suggestSyscall', () => {
  const names = (abi: string, n: string): string[] => suggestSyscall(abi, n).map((s) => s.name);

  it('replacements on the generic table', () => {
    expect(names('aarch64', 'open').slice(0, 2)).toEqual(['openat', 'openat2']);
    expect(suggestSyscall('aarch64', 'open')[0]).toEqual({ name: 'openat', nr: 56, kind: 'replacement' });
    expect(names('aarch64', 'chmod')[0]).toBe('fchmodat');
    expect(names('aarch64', 'stat').slice(0, 2)).toEqual(['newfstatat', 'statx']);
    expect(names('aarch64', 'fork')[0]).toBe('clone');
    expect(names('riscv64', 'dup2')[0]).toBe('dup3');
    expect(names('aarch64', 'epoll_wait')[0]).toBe('epoll_pwait');
    expect(names('x86_64', 'stat64')[0]).toBe('stat');
    expect(names('x86_64', 'clock_gettime64')).toEqual(['clock_gettime']);
    expect(names('x86_64', 'getuid32')).toEqual(['getuid']);
    expect(names('x86', 'accept')).toEqual(['accept4']);
  });

  it('close spellings only for names no ABI knows', () => {
    expect(names('x86_64', 'opne')).toContain('open');
    expect(names('x86_64', 'fchmodat3')).toContain('fchmodat2');
    expect(suggestSyscall('x86_64', 'opne')[0].kind).toBe('spelling');
    expect(names('x86', 'accept')).not.toContain('access');
    expect(names('x86_64', 'zzzzzzzzzzzz')).toEqual([]);
  });

  it('is empty for a name the ABI has', () => {
    expect(suggestSyscall('x86_64', 'open')).toEqual([]);
  });

  it('property: every suggestion exists on the ABI with the number given', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ABIS), fc.constantFrom(...allSyscallNames()), (abi, name) => {
        for (const s of suggestSyscall(abi, name)) {
          expect(syscallNumber(abi, s.name)).toBe(s.nr);
          expect(s.name).not.toBe(name);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('every legacy call missing on aarch64 that the profiles name has a replacement or is ABI-specific', () => {
    const legacy = ['open', 'creat', 'access', 'chmod', 'chown', 'lchown', 'stat', 'lstat', 'mkdir', 'mknod', 'rmdir',
      'unlink', 'link', 'symlink', 'readlink', 'rename', 'utime', 'utimes', 'futimesat', 'getdents', 'fork', 'vfork',
      'dup2', 'pipe', 'poll', 'select', 'epoll_create', 'epoll_wait', 'eventfd', 'signalfd', 'inotify_init', 'time',
      'alarm', 'pause', 'getpgrp', 'umount', 'sigprocmask', 'sigreturn', 'waitpid'];
    for (const n of legacy) {
      expect(syscallNumber('aarch64', n), n).toBeUndefined();
      expect(suggestSyscall('aarch64', n).filter((s) => s.kind === 'replacement').length, n).toBeGreaterThan(0);
    }
  });
});

describe('editDistance', () => {
  it('counts edits and adjacent swaps', () => {
    expect(editDistance('open', 'open')).toBe(0);
    expect(editDistance('opne', 'open')).toBe(1);
    expect(editDistance('read', 'readv')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('abc', 'xyzxyz', 2)).toBe(3); // early exit reports max + 1
  });

  it('property: symmetric, zero only for equal strings, bounded by the longer length', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b);
        expect(editDistance(b, a)).toBe(d);
        expect(d === 0).toBe(a === b);
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });
});

describe('tables and groups together', () => {
  it('a group member absent on an ABI is simply absent there', () => {
    const onAarch64 = new Set(syscallEntries('aarch64').map((e) => e.name));
    const file = expandGroup('@file') ?? [];
    expect(file).toContain('open');
    expect(onAarch64.has('open')).toBe(false);
    expect(file.filter((n) => onAarch64.has(n)).length).toBeGreaterThan(50);
  });
});
