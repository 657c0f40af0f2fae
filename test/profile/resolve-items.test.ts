// Resolution and runtime behaviour: every item 13-32 of profiles.md §8 (with its errata) and the
// §5.3 libseccomp merge table, each with the outcome the reference implementations produce.
import { describe, expect, it } from 'vitest';
import { loadBuiltin } from '../../src/core/profile/index.js';
import { SECCOMP_FILTER_FLAG_SPEC_ALLOW } from '../../src/core/bpf/opcodes.js';
import { CTX, clauseTexts, notes, profile, resolve, resolveError, verdict } from './support/resolve.js';

const ERRNO = 'SCMP_ACT_ERRNO';
const ALLOW = 'SCMP_ACT_ALLOW';

describe('§8.13 includes need every cap, excludes fire on any', () => {
  const p = profile({
    defaultAction: ERRNO,
    syscalls: [
      { names: ['mount'], action: ALLOW, includes: { caps: ['CAP_SYS_ADMIN', 'CAP_NET_ADMIN'] } },
      { names: ['chroot'], action: ALLOW, excludes: { caps: ['CAP_SYS_ADMIN', 'CAP_SYS_BOOT'] } },
      // Names a high number so that runc's ENOSYS stub stays above the syscalls tested here.
      { names: ['mseal'], action: ALLOW },
    ],
  });
  it('one of two included caps is not enough', () => {
    const pol = resolve(p, { capAdd: ['SYS_ADMIN'] });
    expect(verdict(pol, 'x86_64', 'mount')).toBe('ERRNO(1)');
    expect(verdict(pol, 'x86_64', 'chroot')).toBe('ERRNO(1)'); // excluded by CAP_SYS_ADMIN
    expect(pol.rules?.map((r) => r.status)).toEqual(['dropped', 'dropped', 'applied']);
    expect(pol.rules?.map((r) => r.detail)).toEqual(['caps', 'caps', undefined]);
  });
  it('both included caps apply the rule', () => {
    const pol = resolve(p, { capAdd: ['sys_admin', 'CAP_NET_ADMIN'] });
    expect(verdict(pol, 'x86_64', 'mount')).toBe('ALLOW');
  });
  it('no excluded cap keeps the rule', () => {
    const pol = resolve(p, { caps: 'none' });
    expect(verdict(pol, 'x86_64', 'mount')).toBe('ERRNO(1)');
    expect(verdict(pol, 'x86_64', 'chroot')).toBe('ALLOW');
  });
  it('the other excluded cap alone drops it too', () => {
    expect(verdict(resolve(p, { caps: 'none', capAdd: ['SYS_BOOT'] }), 'x86_64', 'chroot')).toBe('ERRNO(1)');
  });
});

describe('§8.14 caps in a profile are compared exactly', () => {
  const p = profile({ defaultAction: ERRNO, syscalls: [{ names: ['mount'], action: ALLOW, includes: { caps: ['SYS_ADMIN'] } }] });
  it('"SYS_ADMIN" never matches, even with every capability', () => {
    const pol = resolve(p, { caps: 'all' });
    expect(verdict(pol, 'x86_64', 'mount')).toBe('ERRNO(1)');
    const n = notes(pol, 'cap-never-matches');
    expect(n).toHaveLength(1);
    expect(n[0].message).toContain('CAP_SYS_ADMIN');
    expect(n[0].source?.pointer).toBe('/syscalls/0/includes/caps/0');
    expect(n[0].source?.line).toBeGreaterThan(1);
  });
});

describe('§8.15 includes and excludes on one rule: the s390 clone rule of the default profile', () => {
  const docker = loadBuiltin('builtin:docker');
  it('on s390x without CAP_SYS_ADMIN, clone is checked on a1 (s390 argument order)', () => {
    const pol = resolve(docker, { arch: 's390x' });
    expect(pol.abis.map((a) => a.abi)).toEqual(['s390x', 's390']);
    expect(clauseTexts(pol, 's390x', 'clone')).toEqual(['ALLOW if (a1 & 0x7e020000) == 0']);
  });
  it('with CAP_SYS_ADMIN it is excluded and clone is allowed outright', () => {
    const pol = resolve(docker, { arch: 's390x', capAdd: ['SYS_ADMIN'] });
    expect(clauseTexts(pol, 's390x', 'clone')).toEqual(['ALLOW']);
  });
  it('on amd64 the a0 rule applies instead', () => {
    expect(clauseTexts(resolve(docker), 'x86_64', 'clone')).toEqual(['ALLOW if (a0 & 0x7e020000) == 0']);
  });
});

describe('§8.16 arches are moby native names', () => {
  const p = profile({
    defaultAction: ERRNO,
    syscalls: [
      { names: ['iopl'], action: ALLOW, includes: { arches: ['x86_64'] } },
      { names: ['ioperm'], action: ALLOW, includes: { arches: ['x32'] } },
      { names: ['arch_prctl'], action: ALLOW, includes: { arches: ['amd64'] } },
      { names: ['mseal'], action: ALLOW },
    ],
  });
  const pol = resolve(p);
  it('"x86_64" and "x32" never match on amd64, "amd64" does', () => {
    expect(verdict(pol, 'x86_64', 'iopl')).toBe('ERRNO(1)');
    expect(verdict(pol, 'x86_64', 'ioperm')).toBe('ERRNO(1)');
    expect(verdict(pol, 'x86_64', 'arch_prctl')).toBe('ALLOW');
    const n = notes(pol, 'arch-never-matches');
    expect(n.map((x) => x.severity)).toEqual(['warning', 'info']);
    expect(n[0].message).toContain('write amd64');
  });
});

describe('§8.17 archMap by the daemon arch', () => {
  const docker = loadBuiltin('builtin:docker');
  it('arm64 selects aarch64 + arm', () => {
    expect(resolve(docker, { arch: 'arm64' }).abis.map((a) => a.abi)).toEqual(['aarch64', 'arm']);
  });
  it('on loong64 and mipsle the map misses (moby bug): native ABI only', () => {
    for (const [arch, abi] of [['loong64', 'loongarch64'], ['mipsle', 'mipsel']] as const) {
      const pol = resolve(docker, { arch });
      expect(pol.abis.map((a) => a.abi)).toEqual([abi]);
      expect(notes(pol, 'archmap-not-applied')[0].message).toContain('moby bug');
    }
  });
  it('Podman only maps 7 arches: on 32-bit arm its archMap does not apply', () => {
    const podman = loadBuiltin('builtin:podman');
    expect(resolve(podman, { arch: 'arm', runtime: 'crun' }).abis.map((a) => a.abi)).toEqual(['arm']);
    expect(resolve(podman, { arch: 'arm64', runtime: 'crun' }).abis.map((a) => a.abi)).toEqual(['aarch64', 'arm']);
  });
  it('archMap without an entry for the native arch: native only', () => {
    const p = profile({ defaultAction: ERRNO, archMap: [{ architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] }], syscalls: [{ names: ['read'], action: ALLOW }] });
    expect(resolve(p).abis.map((a) => a.abi)).toEqual(['x86_64']);
  });
});

describe('§8.18 privileged', () => {
  it('the built-in default is not applied to privileged containers', () => {
    const pol = resolve(loadBuiltin('builtin:docker'), { privileged: true });
    expect(pol.unconfined).toBe(true);
    expect(verdict(pol, 'x86_64', 'kexec_load')).toBe('ALLOW');
  });
  it('a custom profile is applied, with every capability', () => {
    const p = profile({ defaultAction: ERRNO, syscalls: [{ names: ['mount'], action: ALLOW, includes: { caps: ['CAP_SYS_ADMIN'] } }] });
    const pol = resolve(p, { privileged: true });
    expect(pol.unconfined).toBe(false);
    expect(verdict(pol, 'x86_64', 'mount')).toBe('ALLOW');
    expect(pol.context?.capabilities).toHaveLength(41);
  });
  it('the same text marked built-in by the context is skipped', () => {
    const p = profile({ defaultAction: ERRNO, syscalls: [{ names: ['read'], action: ALLOW }] });
    expect(resolve(p, { privileged: true, builtin: true }).unconfined).toBe(true);
  });
});

describe('§8.19 the default profile as a containerd Localhost profile (plain OCI)', () => {
  const pol = resolve(loadBuiltin('builtin:docker'), { dialect: 'oci' });
  it('caps-gated syscalls are allowed for every container', () => {
    for (const s of ['mount', 'bpf', 'ptrace', 'reboot', 'init_module', 'syslog']) expect(verdict(pol, 'x86_64', s)).toBe('ALLOW');
    expect(verdict(pol, 'x86_64', 'kexec_load')).toBe('ERRNO(1)'); // in no rule at all
  });
  it('archMap is ignored: native ABI only', () => {
    expect(pol.abis.map((a) => a.abi)).toEqual(['x86_64']);
    expect(notes(pol, 'docker-only-ignored').length).toBeGreaterThan(10);
  });
  it('clone ends with the unconditional rule of the CAP_SYS_ADMIN list (first unconditional wins)', () => {
    expect(clauseTexts(pol, 'x86_64', 'clone')).toEqual(['ALLOW']);
  });
});

describe('§8.20 a legacy `name` profile on containerd', () => {
  const legacy = loadBuiltin('builtin:docker-2016');
  it('runc: every rule has no names, so everything gets the default and there is no stub', () => {
    const pol = resolve(legacy, { dialect: 'oci' });
    expect(verdict(pol, 'x86_64', 'read')).toBe('ERRNO(1)');
    expect(pol.abis[0].syscalls).toHaveLength(0);
    expect(pol.abis[0].rangeActions).toEqual([]);
    expect(pol.rules?.every((r) => r.status === 'dropped' && r.reason === 'no-names')).toBe(true);
  });
  it('crun rejects the config', () => {
    const e = resolveError(() => resolve(legacy, { dialect: 'oci', runtime: 'crun' }));
    expect(e.message).toBe("load `config.json`: Required field 'names' not present");
  });
  it('Docker itself reads it (name -> names)', () => {
    const pol = resolve(legacy);
    expect(verdict(pol, 'x86_64', 'read')).toBe('ALLOW');
  });
});

describe('§8.21 argument conditions: distinct indices AND, a repeated index ORs every condition', () => {
  const p = profile({
    defaultAction: ERRNO,
    syscalls: [
      { names: ['ftruncate'], action: ALLOW, args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }, { index: 1, value: 2, op: 'SCMP_CMP_EQ' }] },
      {
        names: ['kill'],
        action: ALLOW,
        args: [
          { index: 0, value: 2, op: 'SCMP_CMP_EQ' },
          { index: 0, value: 16, op: 'SCMP_CMP_EQ' },
          { index: 1, value: 2, op: 'SCMP_CMP_EQ' },
        ],
      },
    ],
  });
  for (const runtime of ['runc', 'crun'] as const) {
    const pol = resolve(p, { runtime });
    it(`${runtime}: distinct indices are ANDed`, () => {
      expect(verdict(pol, 'x86_64', 'ftruncate', [1, 2])).toBe('ALLOW');
      expect(verdict(pol, 'x86_64', 'ftruncate', [1, 3])).toBe('ERRNO(1)');
    });
    it(`${runtime}: [{0,EQ,2},{0,EQ,16},{1,EQ,2}] is three independent rules`, () => {
      expect(verdict(pol, 'x86_64', 'kill', [2, 0])).toBe('ALLOW');
      expect(verdict(pol, 'x86_64', 'kill', [16, 9])).toBe('ALLOW');
      expect(verdict(pol, 'x86_64', 'kill', [7, 2])).toBe('ALLOW');
      expect(verdict(pol, 'x86_64', 'kill', [7, 3])).toBe('ERRNO(1)');
      expect(notes(pol, 'args-or-split')).toHaveLength(1);
    });
  }
  it('runtime none reads the same rule literally (AND of all three: never true)', () => {
    const pol = resolve(p, { runtime: 'none' });
    expect(verdict(pol, 'x86_64', 'kill', [2, 2])).toBe('ERRNO(1)');
  });
});

describe('§8.22 / §5.3 libseccomp merge semantics for one syscall', () => {
  const rule = (action: string, args?: unknown[], errnoRet?: number): Record<string, unknown> => ({
    names: ['getpid'],
    action,
    ...(args ? { args } : {}),
    ...(errnoRet !== undefined ? { errnoRet } : {}),
  });
  const a0eq1 = [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }];
  const pol = (rules: unknown[]) => resolve(profile({ defaultAction: 'SCMP_ACT_KILL_PROCESS', syscalls: rules }));
  it('unconditional A then unconditional B: A', () => {
    const p = pol([rule(ALLOW), rule(ERRNO, undefined, 5)]);
    expect(verdict(p, 'x86_64', 'getpid')).toBe('ALLOW');
    expect(notes(p, 'shadowed')).toHaveLength(1);
    expect(p.rules?.[1]).toMatchObject({ status: 'dropped', reason: 'shadowed' });
  });
  it('conditional A then unconditional B: B everywhere', () => {
    const p = pol([rule(ERRNO, a0eq1, 5), rule(ALLOW)]);
    expect(verdict(p, 'x86_64', 'getpid', [1])).toBe('ALLOW');
    expect(notes(p, 'replaces-conditional')).toHaveLength(1);
  });
  it('unconditional A then conditional B: A, B dropped', () => {
    const p = pol([rule(ALLOW), rule(ERRNO, a0eq1, 5)]);
    expect(verdict(p, 'x86_64', 'getpid', [1])).toBe('ALLOW');
  });
  it('the same condition with another action: EEXIST, the container does not start', () => {
    const e = resolveError(() => pol([rule(ALLOW, a0eq1), rule(ERRNO, a0eq1, 5)]));
    expect(e.message).toBe('error adding seccomp rule for syscall getpid: file exists');
    expect(e.source?.pointer).toBe('/syscalls/1/names/0');
  });
  it('overlapping different conditions follow libseccomp\'s order, not the profile\'s', () => {
    // Profile order would answer ALLOW for a0 == 5 (the LT rule comes first); libseccomp tests
    // EQ/NE before ranges, so ERRNO(5) wins.
    const p = pol([rule(ALLOW, [{ index: 0, value: 10, op: 'SCMP_CMP_LT' }]), rule(ERRNO, [{ index: 0, value: 5, op: 'SCMP_CMP_EQ' }], 5)]);
    expect(verdict(p, 'x86_64', 'getpid', [5])).toBe('ERRNO(5)');
    expect(verdict(p, 'x86_64', 'getpid', [4])).toBe('ALLOW');
    expect(verdict(p, 'x86_64', 'getpid', [10])).toBe('KILL_PROCESS');
    const literal = resolve(profile({ defaultAction: 'SCMP_ACT_KILL_PROCESS', syscalls: [rule(ALLOW, [{ index: 0, value: 10, op: 'SCMP_CMP_LT' }]), rule(ERRNO, [{ index: 0, value: 5, op: 'SCMP_CMP_EQ' }], 5)] }), { runtime: 'none' });
    expect(verdict(literal, 'x86_64', 'getpid', [5])).toBe('ALLOW');
  });
  it("Podman's socket rules decide as intended (§5.3)", () => {
    const p = resolve(loadBuiltin('builtin:podman'), { runtime: 'crun', capDrop: ['AUDIT_WRITE'] });
    expect(clauseTexts(p, 'x86_64', 'socket')).toEqual(['ERRNO(1) if a0 EQ 40', 'ERRNO(22) if a0 EQ 16 && a2 EQ 9', 'ALLOW if a0 EQ 16 && a2 NE 9', 'ALLOW if a0 NE 16']);
    expect(verdict(p, 'x86_64', 'socket', [40])).toBe('ERRNO(1)');
    expect(verdict(p, 'x86_64', 'socket', [16, 3, 9])).toBe('ERRNO(22)');
    expect(verdict(p, 'x86_64', 'socket', [16, 3, 0])).toBe('ALLOW');
    expect(verdict(p, 'x86_64', 'socket', [2, 1, 0])).toBe('ALLOW');
  });
});

describe('§8.23 a rule whose action equals the default is dropped', () => {
  const base = (errnoRet?: number) =>
    profile({
      defaultAction: ERRNO,
      defaultErrnoRet: 1,
      syscalls: [
        { names: ['mknod'], action: ERRNO, ...(errnoRet !== undefined ? { errnoRet } : {}) },
        { names: ['mknod'], action: ALLOW },
      ],
    });
  it('ERRNO(EPERM) equal to the default: the later ALLOW wins', () => {
    const pol = resolve(base());
    expect(verdict(pol, 'x86_64', 'mknod')).toBe('ALLOW');
    expect(notes(pol, 'rule-equals-default')).toHaveLength(1);
    expect(pol.rules?.[0]).toMatchObject({ status: 'dropped', reason: 'rule-equals-default' });
  });
  it('with errnoRet 38 the first rule differs and wins', () => {
    expect(verdict(resolve(base(38)), 'x86_64', 'mknod')).toBe('ERRNO(38)');
  });
});

describe('§8.24 errnoRet is cut to 16 bits; ERRNO data >= 4095 fails', () => {
  const p = (errnoRet: number, where: 'rule' | 'default') =>
    where === 'rule'
      ? profile({ defaultAction: ERRNO, syscalls: [{ names: ['getppid'], action: ERRNO, errnoRet }] })
      : profile({ defaultAction: ERRNO, defaultErrnoRet: errnoRet, syscalls: [{ names: ['read'], action: ALLOW }] });
  it('65536 -> ERRNO(0) in runc and crun', () => {
    for (const runtime of ['runc', 'crun'] as const) {
      const pol = resolve(p(65536, 'rule'), { runtime });
      expect(verdict(pol, 'x86_64', 'getppid')).toBe('ERRNO(0)');
      expect(notes(pol, 'errno-cast')[0].message).toContain('returns 0');
    }
  });
  it('65536 + 38 -> ERRNO(38)', () => {
    expect(verdict(resolve(p(65574, 'rule')), 'x86_64', 'getppid')).toBe('ERRNO(38)');
  });
  it('4094 is accepted, 4095 and 65535 are not', () => {
    expect(verdict(resolve(p(4094, 'rule')), 'x86_64', 'getppid')).toBe('ERRNO(4094)');
    expect(resolveError(() => resolve(p(4095, 'rule'))).message).toBe('error adding seccomp filter rule for syscall getppid: invalid argument');
    expect(resolveError(() => resolve(p(65535, 'rule'), { runtime: 'crun' })).message).toBe('seccomp_rule_add `getppid`: Invalid argument');
    expect(resolveError(() => resolve(p(4095, 'default'))).message).toMatch(/^error creating filter: ERRNO\(4095\)/);
    expect(resolveError(() => resolve(p(5000, 'default'), { runtime: 'crun' })).message).toBe('error seccomp_init');
  });
});

describe('§8.25 errnoRet on a non-errno action', () => {
  const p = profile({ defaultAction: ERRNO, syscalls: [{ names: ['getppid'], action: ALLOW, errnoRet: 5 }] });
  it('runc ignores it (with a note)', () => {
    const pol = resolve(p);
    expect(verdict(pol, 'x86_64', 'getppid')).toBe('ALLOW');
    expect(notes(pol, 'errno-ignored')).toHaveLength(1);
  });
  it('crun refuses it', () => {
    expect(resolveError(() => resolve(p, { runtime: 'crun' })).message).toBe('errno value specified for action `SCMP_ACT_ALLOW`');
  });
});

describe('§8.26 names unknown to the runtime\'s libseccomp are ignored', () => {
  const p = profile({ defaultAction: ERRNO, syscalls: [{ names: ['mseal', 'getpid', 'no_such_call'], action: ALLOW }] });
  it('with the full table mseal is applied; an unknown name is skipped with its position', () => {
    const pol = resolve(p);
    expect(verdict(pol, 'x86_64', 'mseal')).toBe('ALLOW');
    const n = notes(pol, 'unknown-syscall');
    expect(n.map((x) => x.syscall)).toEqual(['no_such_call']);
    expect(n[0].source?.pointer).toBe('/syscalls/0/names/2');
    expect(n[0].severity).toBe('info'); // runc: debug log only
  });
  it("with Debian's libseccomp 2.5.4 mseal is unknown too, and then falls to the ENOSYS stub", () => {
    const pol = resolve(p, { syscallTable: 'libseccomp-2.5.4' });
    expect(notes(pol, 'unknown-syscall').map((x) => x.syscall)).toEqual(['mseal', 'no_such_call']);
    expect(verdict(pol, 'x86_64', 'mseal')).toBe('ERRNO(38)');
    expect(verdict(pol, 'x86_64', 'getpid')).toBe('ALLOW');
  });
  it('crun warns', () => {
    const n = notes(resolve(p, { runtime: 'crun' }), 'unknown-syscall');
    expect(n[0].severity).toBe('warning');
    expect(n[0].message).toContain('unknown seccomp syscall `no_such_call` ignored');
  });
});

describe('§8.27 runc ENOSYS stub', () => {
  const p = (extra: Record<string, unknown> = {}) =>
    profile({ defaultAction: ERRNO, ...extra, syscalls: [{ names: ['read', 'openat', 'close_range'], action: ALLOW }] });
  it('numbers above the highest named syscall get ENOSYS, gaps below it the default', () => {
    const pol = resolve(p());
    expect(verdict(pol, 'x86_64', 'openat2')).toBe('ERRNO(38)'); // 437 > close_range 436
    expect(verdict(pol, 'x86_64', 'pidfd_open')).toBe('ERRNO(1)'); // 434 < 436: a gap
    expect(verdict(pol, 'x86_64', 0x3fffffff)).toBe('ERRNO(38)');
    expect(pol.abis[0].rangeActions).toEqual([{ from: 437, to: 0xfffffffe, action: 0x50026, reason: expect.stringContaining('close_range') }]);
  });
  it('crun has no stub', () => {
    expect(verdict(resolve(p(), { runtime: 'crun' }), 'x86_64', 'openat2')).toBe('ERRNO(1)');
  });
  it('no stub when the default is ALLOW, LOG or TRACE', () => {
    for (const d of ['SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_TRACE']) {
      const pol = resolve(profile({ defaultAction: d, syscalls: [{ names: ['close_range'], action: 'SCMP_ACT_KILL' }] }));
      expect(pol.abis[0].rangeActions).toEqual([]);
    }
  });
  it('added even with defaultErrnoRet 38; skipped only for 327718 (= SCMP_ACT_ERRNO(ENOSYS))', () => {
    const with38 = resolve(p({ defaultErrnoRet: 38 }));
    expect(with38.abis[0].rangeActions).toHaveLength(1);
    expect(notes(with38, 'enosys-stub-redundant')).toHaveLength(1);
    const odd = resolve(p({ defaultErrnoRet: 327718 }));
    expect(odd.abis[0].rangeActions).toEqual([]);
    expect(verdict(odd, 'x86_64', 'openat2')).toBe('ERRNO(38)'); // the cast default is ENOSYS anyway
  });
  it('s390x also answers ENOSYS for syscall 0', () => {
    const pol = resolve(p(), { arch: 's390x' });
    expect(pol.abis[0].rangeActions[0]).toMatchObject({ from: 0, to: 0, action: 0x50026 });
  });
  it('rules skipped for equal-default still count for the highest number', () => {
    const pol = resolve(profile({ defaultAction: ERRNO, syscalls: [{ names: ['read'], action: ALLOW }, { names: ['close_range'], action: ERRNO }] }));
    expect(pol.abis[0].rangeActions[0].from).toBe(437);
  });
});

describe('§8.28 flags', () => {
  it('absent: SPEC_ALLOW (runc and crun)', () => {
    for (const runtime of ['runc', 'crun'] as const) {
      expect(resolve(profile({ defaultAction: ERRNO, syscalls: [{ names: ['read'], action: ALLOW }] }), { runtime }).flags).toBe(SECCOMP_FILTER_FLAG_SPEC_ALLOW);
    }
  });
  it('`[]` in a runtime config.json: no flags', () => {
    const p = profile({ ociVersion: '1.2.0', linux: { seccomp: { defaultAction: ERRNO, flags: [], syscalls: [{ names: ['read'], action: ALLOW }] } } }, 'oci');
    expect(p.root).toBe('/linux/seccomp');
    expect(resolve(p).flags).toBe(0);
  });
  it('`[]` through Docker (or containerd, or Podman) becomes absent again: SPEC_ALLOW', () => {
    for (const dialect of ['docker', 'podman', 'oci'] as const) {
      const pol = resolve(profile({ defaultAction: ERRNO, flags: [], syscalls: [{ names: ['read'], action: ALLOW }] }, dialect));
      expect(pol.flags).toBe(SECCOMP_FILTER_FLAG_SPEC_ALLOW);
      expect(notes(pol, 'flags-empty-dropped')).toHaveLength(1);
    }
  });
  it('an unknown flag fails', () => {
    const p = profile({ defaultAction: ERRNO, flags: ['SECCOMP_FILTER_FLAG_BOGUS'], syscalls: [{ names: ['read'], action: ALLOW }] });
    expect(resolveError(() => resolve(p)).message).toBe('seccomp flag SECCOMP_FILTER_FLAG_BOGUS is not known to runc');
  });
  it('SPEC_ALLOW needs Linux 4.17: an older kernel gets no flag', () => {
    expect(resolve(profile({ defaultAction: ERRNO, syscalls: [{ names: ['read'], action: ALLOW }] }), { kernel: '4.14' }).flags).toBe(0);
  });
});

describe('§8.29 / §8.30 other ABIs and SCMP_ACT_KILL', () => {
  const p = profile({ defaultAction: 'SCMP_ACT_KILL', syscalls: [{ names: ['read'], action: ALLOW }] });
  const pol = resolve(p);
  it('a syscall of an ABI the filter does not cover gets KILL_THREAD, not the default', () => {
    expect(pol.abis.map((a) => a.abi)).toEqual(['x86_64']);
    expect(verdict(pol, 'x86', 'read')).toBe('KILL_THREAD');
    expect(verdict(pol, 'x32', 'read')).toBe('KILL_THREAD');
  });
  it('SCMP_ACT_KILL is KILL_THREAD', () => {
    expect(verdict(pol, 'x86_64', 'write')).toBe('KILL_THREAD');
    expect(notes(pol, 'kill-is-thread')).toHaveLength(1);
  });
});

describe('§8.31 socketcall multiplexing', () => {
  it("the default profile's family rules do not reach socketcall on x86", () => {
    const pol = resolve(loadBuiltin('builtin:docker'));
    expect(verdict(pol, 'x86', 'socket', [40])).toBe('ERRNO(1)'); // AF_VSOCK through socket(2)
    expect(verdict(pol, 'x86', 'socketcall', [1, 0])).toBe('ALLOW'); // socketcall(SYS_SOCKET, &args): family unseen
    expect(notes(pol, 'multiplexed').filter((n) => n.severity === 'warning' && n.message.includes('condition on a0'))).toHaveLength(3);
  });
  it('a socketcall deny with the default action is dropped; socket\'s companion then allows SYS_SOCKET', () => {
    const mk = (errnoRet?: number) =>
      profile({
        defaultAction: ERRNO,
        architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],
        syscalls: [
          { names: ['socket'], action: ALLOW, args: [{ index: 0, value: 40, op: 'SCMP_CMP_NE' }] },
          { names: ['socketcall'], action: ERRNO, ...(errnoRet !== undefined ? { errnoRet } : {}) },
        ],
      });
    const dropped = resolve(mk());
    expect(verdict(dropped, 'x86', 'socketcall', [1])).toBe('ALLOW');
    expect(verdict(dropped, 'x86', 'socketcall', [2])).toBe('ERRNO(1)');
    expect(clauseTexts(dropped, 'x86', 'socketcall')).toEqual(['ALLOW if a0 EQ 1']);
    const kept = resolve(mk(13));
    expect(verdict(kept, 'x86', 'socketcall', [1])).toBe('ERRNO(13)');
  });
  it('two socket rules with different actions collide on x86 (-EEXIST): the container does not start', () => {
    const p = profile({
      defaultAction: ERRNO,
      architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],
      syscalls: [
        { names: ['socket'], action: ERRNO, errnoRet: 97, args: [{ index: 0, value: 40, op: 'SCMP_CMP_EQ' }] },
        { names: ['socket'], action: ALLOW, args: [{ index: 0, value: 40, op: 'SCMP_CMP_NE' }] },
      ],
    });
    const e = resolveError(() => resolve(p));
    expect(e.message).toBe('error adding seccomp rule for syscall socket: file exists');
    expect(e.hint).toContain('socketcall(a0 == 1)');
    // x86_64 alone has no multiplexer: fine.
    const native = profile({
      defaultAction: ERRNO,
      syscalls: [
        { names: ['socket'], action: ERRNO, errnoRet: 97, args: [{ index: 0, value: 40, op: 'SCMP_CMP_EQ' }] },
        { names: ['socket'], action: ALLOW, args: [{ index: 0, value: 40, op: 'SCMP_CMP_NE' }] },
      ],
    });
    expect(verdict(resolve(native), 'x86_64', 'socket', [40])).toBe('ERRNO(97)');
  });
  it('conditions on other arguments test the multiplexer\'s registers', () => {
    const p = profile({
      defaultAction: ERRNO,
      architectures: ['SCMP_ARCH_X86'],
      syscalls: [{ names: ['socket'], action: ALLOW, args: [{ index: 1, value: 1, op: 'SCMP_CMP_EQ' }] }],
    });
    const pol = resolve(p);
    expect(clauseTexts(pol, 'x86', 'socketcall')).toEqual(['ALLOW if a0 EQ 1 && a1 EQ 1']);
    expect(notes(pol, 'multiplexed')[0].message).toContain("a1 is the pointer");
  });
});

describe('§8.32 64-bit comparison of int arguments', () => {
  const pol = resolve(loadBuiltin('builtin:docker'));
  it('socket(40 | 1<<32) passes the a0 > 40 rule on x86_64', () => {
    expect(verdict(pol, 'x86_64', 'socket', [40])).toBe('ERRNO(1)');
    expect(verdict(pol, 'x86_64', 'socket', [40n | (1n << 32n)])).toBe('ALLOW');
  });
  it('on 32-bit x86 only the low word is compared', () => {
    expect(verdict(pol, 'x86', 'socket', [40n | (1n << 32n)])).toBe('ERRNO(1)');
    expect(pol.abis.find((a) => a.abi === 'x86')?.syscalls.find((s) => s.name === 'socket')?.clauses.every((c) => c.conditions.every((x) => x.width === 32))).toBe(true);
  });
});

describe('context', () => {
  it('argWidth "kernel" is not supported yet', () => {
    expect(() => resolve(profile({ defaultAction: ERRNO, syscalls: [] }), { argWidth: 'kernel' })).toThrow(/not yet supported/);
  });
  it('minKernel is read lazily: without a kernel, only profiles that need it fail', () => {
    const noKernel = { ...CTX, kernel: undefined };
    const plain = profile({ defaultAction: ERRNO, syscalls: [{ names: ['read'], action: ALLOW }] });
    expect(resolve(plain, noKernel).abis).toHaveLength(1);
    const e = resolveError(() => resolve(loadBuiltin('builtin:docker'), noKernel));
    expect(e.message).toContain('minKernel');
    expect(e.source?.pointer).toBe('/syscalls/1/includes/minKernel');
  });
  it('minKernel: ptrace allowed from 4.8, not before; "" includes always and excludes always', () => {
    const docker = loadBuiltin('builtin:docker');
    expect(verdict(resolve(docker, { kernel: '4.8' }), 'x86_64', 'ptrace')).toBe('ALLOW');
    expect(verdict(resolve(docker, { kernel: '4.4.0-210-generic' }), 'x86_64', 'ptrace')).toBe('ERRNO(1)');
    const p = profile({
      defaultAction: ERRNO,
      syscalls: [
        { names: ['getpid'], action: ALLOW, includes: { minKernel: '' } },
        { names: ['getppid'], action: ALLOW, excludes: { minKernel: '' } },
        { names: ['mseal'], action: ALLOW },
      ],
    });
    const pol = resolve(p, { kernel: undefined });
    expect(verdict(pol, 'x86_64', 'getpid')).toBe('ALLOW');
    expect(verdict(pol, 'x86_64', 'getppid')).toBe('ERRNO(1)');
  });
  it('Podman ignores minKernel (and warns)', () => {
    const p = profile({ defaultAction: ERRNO, syscalls: [{ names: ['getpid'], action: ALLOW, includes: { minKernel: '9.9' } }] });
    const pol = resolve(p, { runtime: 'crun', dialect: 'podman' });
    expect(verdict(pol, 'x86_64', 'getpid')).toBe('ALLOW');
    expect(notes(pol, 'minkernel-ignored')).toHaveLength(1);
  });
  it('{} is unconfined', () => {
    for (const dialect of ['docker', 'podman'] as const) expect(resolve(profile({}, dialect)).unconfined).toBe(true);
    expect(resolve(profile({ defaultAction: '', syscalls: [] }, 'oci')).unconfined).toBe(true);
    const empty = { ...profile({ defaultAction: '', syscalls: [] }, 'oci') };
    expect(resolveError(() => resolve(empty, { runtime: 'crun' })).message).toBe('seccomp get action ``');
    delete (empty.sources as Record<string, unknown>)['/defaultAction'];
    expect(resolveError(() => resolve(empty, { runtime: 'crun' })).message).toBe("load `config.json`: Required field 'defaultAction' not present");
  });
});
