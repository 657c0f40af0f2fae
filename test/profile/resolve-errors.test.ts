// The errors a daemon or runtime fails with at resolution time (profiles.md §2.8 and errata),
// with their wording and the position of the offending value.
import { describe, expect, it } from 'vitest';
import type { Profile } from '../../src/core/profile/index.js';
import { profile, profileUnchecked, resolve, resolveError } from './support/resolve.js';

const ERRNO = 'SCMP_ACT_ERRNO';
const ALLOW = 'SCMP_ACT_ALLOW';
const base = (extra: Record<string, unknown>, rules: unknown[] = [{ names: ['read'], action: ALLOW }]) => ({ defaultAction: ERRNO, ...extra, syscalls: rules });

describe('moby', () => {
  it("architectures + archMap: moby's wording, at archMap", () => {
    const p = profileUnchecked(base({ architectures: ['SCMP_ARCH_X86_64'], archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: [] }] }));
    const e = resolveError(() => resolve(p));
    expect(e.message).toBe("both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'");
    expect(e.source?.pointer).toBe('/archMap');
    expect(e.source?.line).toBe(6); // the "archMap" key of the pretty-printed text
  });
  it('name + names: an error even when the rule is excluded (moby >= 23)', () => {
    const p = profileUnchecked(base({}, [{ name: 'read', names: ['write'], action: ALLOW, includes: { caps: ['CAP_SYS_ADMIN'] } }]));
    const e = resolveError(() => resolve(p));
    expect(e.message).toBe("both 'name' and 'names' are specified in the seccomp profile, use either 'name' or 'names'");
    expect(e.source?.pointer).toBe('/syscalls/0/name');
  });
  it('a bad minKernel is a decoding error for the whole profile, used or not', () => {
    const p: Profile = profile(base({}, [{ names: ['read'], action: ALLOW, includes: { arches: ['s390x'], minKernel: '4.8' } }]));
    const bad: Profile = { ...p, rules: p.rules.map((r) => ({ ...r, includes: r.includes ? { ...r.includes, minKernel: '4.256' } : undefined })) };
    const e = resolveError(() => resolve(bad));
    expect(e.message).toBe('Decoding seccomp profile failed: invalid kernel version: "4.256", expected "<kernel>.<major>": strconv.ParseUint: parsing "256": value out of range');
    expect(e.source?.pointer).toBe('/syscalls/0/includes/minKernel');
  });
});

describe('containers/common', () => {
  it('keeps the old wording and checks name/names only for applied rules', () => {
    const both = base({}, [{ name: 'read', names: ['write'], action: ALLOW }]);
    expect(resolveError(() => resolve(profileUnchecked(both, 'podman'), { runtime: 'crun' })).message).toBe("'name' and 'names' were specified in the seccomp profile, use either 'name' or 'names'");
    const excluded = base({}, [{ name: 'read', names: ['write'], action: ALLOW, includes: { caps: ['CAP_SYS_ADMIN'] } }, { names: ['read'], action: ALLOW }]);
    expect(resolve(profileUnchecked(excluded, 'podman'), { runtime: 'crun' }).unconfined).toBe(false);
    const arch = base({ architectures: ['SCMP_ARCH_X86_64'], archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: [] }] });
    expect(resolveError(() => resolve(profileUnchecked(arch, 'podman'), { runtime: 'crun' })).message).toBe("'architectures' and 'archMap' were specified in the seccomp profile, use either 'architectures' or 'archMap'");
  });
  it('an unknown errno name', () => {
    const p = profile(base({}, [{ names: ['read'], action: ERRNO, errno: 'EWHATEVER' }]), 'podman');
    const e = resolveError(() => resolve(p, { runtime: 'crun' }));
    expect(e.message).toBe('unknown errno EWHATEVER');
    expect(e.source?.pointer).toBe('/syscalls/0/errno');
  });
  it('the errno string wins over errnoRet', () => {
    const p = profile(base({ defaultErrno: 'ENOSYS', defaultErrnoRet: 1 }, [{ names: ['read'], action: ALLOW }]), 'podman');
    expect(resolve(p, { runtime: 'crun' }).defaultAction).toBe(0x50026);
  });
});

describe('runc', () => {
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['unknown default action', { defaultAction: 'SCMP_ACT_DENY', syscalls: [{ names: ['read'], action: ALLOW }] }, 'string SCMP_ACT_DENY is not a valid action for seccomp', '/defaultAction'],
    ['unknown rule action', base({}, [{ names: ['read'], action: 'SCMP_ACT_ALOW' }]), 'string SCMP_ACT_ALOW is not a valid action for seccomp', '/syscalls/0/action'],
    ['unknown operator', base({}, [{ names: ['read'], action: ALLOW, args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQUAL' }] }]), 'string SCMP_CMP_EQUAL is not a valid operator for seccomp', '/syscalls/0/args/0/op'],
    ['unknown arch', base({ architectures: ['SCMP_ARCH_AMD64'] }), 'string SCMP_ARCH_AMD64 is not a valid arch for seccomp', '/architectures/0'],
    ['arch runc does not map', base({ architectures: ['SCMP_ARCH_PARISC'] }), 'string SCMP_ARCH_PARISC is not a valid arch for seccomp', '/architectures/0'],
    ['SCMP_ARCH_NATIVE', base({ architectures: ['SCMP_ARCH_NATIVE'] }), 'string SCMP_ARCH_NATIVE is not a valid arch for seccomp', '/architectures/0'],
    ['unknown flag', base({ flags: ['SECCOMP_FILTER_FLAG_NOPE'] }), 'seccomp flag SECCOMP_FILTER_FLAG_NOPE is not known to runc', '/flags/0'],
    ['index >= 6', base({}, [{ names: ['read'], action: ALLOW, args: [{ index: 6, value: 1, op: 'SCMP_CMP_EQ' }] }]), 'error creating seccomp syscall condition for syscall read: syscalls only have up to 6 arguments (6 given)', '/syscalls/0/args/0/index'],
    ['empty name', base({}, [{ names: [''], action: ALLOW }]), 'empty string is not a valid syscall', '/syscalls/0/names/0'],
    ['NOTIFY as default', { defaultAction: 'SCMP_ACT_NOTIFY', listenerPath: '/run/agent.sock', syscalls: [{ names: ['read'], action: ALLOW }] }, 'SCMP_ACT_NOTIFY cannot be used as default action', '/defaultAction'],
    ['NOTIFY on write', base({ listenerPath: '/run/agent.sock' }, [{ names: ['openat', 'write'], action: 'SCMP_ACT_NOTIFY' }]), 'SCMP_ACT_NOTIFY cannot be used for the write syscall', '/syscalls/0/names/1'],
    ['NOTIFY without listenerPath', base({}, [{ names: ['openat'], action: 'SCMP_ACT_NOTIFY' }]), 'seccomp listenerPath is not set', '/syscalls/0/action'],
    ['same condition, other action', base({}, [
      { names: ['read'], action: ALLOW, args: [{ index: 0, value: 3, op: 'SCMP_CMP_EQ' }] },
      { names: ['read'], action: ERRNO, errnoRet: 9, args: [{ index: 0, value: 3, op: 'SCMP_CMP_EQ' }] },
    ]), 'error adding seccomp rule for syscall read: file exists', '/syscalls/1/names/0'],
    ['ERRNO data >= 4095 in the default', base({ defaultErrnoRet: 4095 }), 'error creating filter: ERRNO(4095) is rejected by libseccomp (errno values must be below 4095)', '/defaultErrnoRet'],
  ];
  for (const [what, doc, message, pointer] of cases) {
    it(what, () => {
      const e = resolveError(() => resolve(profile(doc)));
      expect(e.message).toBe(message);
      expect(e.source?.pointer).toBe(pointer);
      expect(e.source?.line).toBeGreaterThan(0);
    });
  }
  it('index >= 6 is not checked on a rule skipped for its action (errata §2.8)', () => {
    const p = profile(base({}, [{ names: ['read'], action: ALLOW }, { names: ['write'], action: ERRNO, args: [{ index: 7, value: 1, op: 'SCMP_CMP_EQ' }] }]));
    expect(resolve(p).unconfined).toBe(false);
  });
  it('operators of a rule without names are never validated', () => {
    const p = profile(base({}, [{ names: ['read'], action: ALLOW }, { names: [], action: ALLOW, args: [{ index: 0, value: 1, op: 'BOGUS' }] }]));
    expect(resolve(p).unconfined).toBe(false);
  });
  it('an arch Debian\'s libseccomp 2.5.4 lacks', () => {
    const p = profile(base({ architectures: ['SCMP_ARCH_LOONGARCH64'] }));
    expect(resolveError(() => resolve(p, { syscallTable: 'libseccomp-2.5.4' })).message).toContain('error adding architecture to seccomp filter');
    expect(resolve(p).abis.map((a) => a.abi)).toEqual(['x86_64', 'loongarch64']);
  });
  it('actions the kernel lacks: KILL_PROCESS before 4.14', () => {
    const p = profile({ defaultAction: 'SCMP_ACT_KILL_PROCESS', syscalls: [{ names: ['read'], action: ALLOW }] });
    expect(resolveError(() => resolve(p, { kernel: '4.9' })).message).toContain('needs Linux 4.14');
  });
});

describe('crun', () => {
  const crun = { runtime: 'crun' as const };
  it('errnoRet on a non-errno default action', () => {
    const p = profile({ defaultAction: 'SCMP_ACT_KILL', defaultErrnoRet: 1, syscalls: [{ names: ['read'], action: ALLOW }] });
    expect(resolveError(() => resolve(p, crun)).message).toBe('errno value specified for action `SCMP_ACT_KILL`');
  });
  it('unknown action and arch, in its own words', () => {
    expect(resolveError(() => resolve(profile(base({}, [{ names: ['read'], action: 'SCMP_ACT_NOPE' }])), crun)).message).toBe('seccomp get action `SCMP_ACT_NOPE`');
    expect(resolveError(() => resolve(profile(base({ architectures: ['SCMP_ARCH_VAX'] })), crun)).message).toBe('seccomp unknown architecture `VAX`');
  });
  it('accepts arches runc does not map (PARISC)', () => {
    expect(resolve(profile(base({ architectures: ['SCMP_ARCH_PARISC'] })), crun).abis.map((a) => a.abi)).toEqual(['x86_64', 'parisc']);
  });
  it('index >= 6 among the first six conditions: `invalid seccomp index` with the rule number', () => {
    const p = profile(base({}, [{ names: ['read'], action: ALLOW }, { names: ['write'], action: ALLOW, args: [{ index: 9, value: 1, op: 'SCMP_CMP_EQ' }] }]));
    expect(resolveError(() => resolve(p, crun)).message).toBe('invalid seccomp index `1`');
  });
  it('a 7th condition is silently dropped (before crun PR #2220)', () => {
    const args = [0, 1, 2, 3, 4, 5].map((i) => ({ index: i, value: 1, op: 'SCMP_CMP_EQ' }));
    const p = profile(base({}, [{ names: ['read'], action: ALLOW, args: [...args, { index: 0, value: 2, op: 'SCMP_CMP_EQ' }] }]));
    const pol = resolve(p, crun);
    expect(pol.notes.some((n) => n.code === 'args-truncated')).toBe(true);
    expect(pol.notes.some((n) => n.code === 'args-or-split')).toBe(false);
  });
  it('an empty name is a warning, not an error', () => {
    const pol = resolve(profile(base({}, [{ names: ['', 'read'], action: ALLOW }])), crun);
    expect(pol.notes.find((n) => n.code === 'unknown-syscall')?.message).toBe('unknown seccomp syscall `` ignored');
  });
  it('same condition, other action', () => {
    const p = profile(base({}, [
      { names: ['read'], action: ALLOW, args: [{ index: 0, value: 3, op: 'SCMP_CMP_EQ' }] },
      { names: ['read'], action: ERRNO, errnoRet: 9, args: [{ index: 0, value: 3, op: 'SCMP_CMP_EQ' }] },
    ]));
    expect(resolveError(() => resolve(p, crun)).message).toBe('seccomp_rule_add_array: File exists');
  });
});
