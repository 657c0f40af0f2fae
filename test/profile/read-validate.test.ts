// validateProfile: what runc/crun or a target dialect will reject or change, beyond reading.
import { describe, expect, it } from 'vitest';
import { readProfileOrThrow, validateProfile, loadBuiltin } from '../../src/core/profile/index.js';
import type { Diagnostic } from '../../src/core/profile/index.js';

const profile = (rules: string, top = '"defaultAction": "SCMP_ACT_ERRNO"') =>
  readProfileOrThrow(`{${top}, "syscalls": [${rules}]}`, { dialect: 'docker', file: 'p.json' });
const summary = (ds: Diagnostic[]) => ds.map((d) => `${d.severity} ${d.code} ${d.source.pointer ?? ''}`);

describe('validateProfile', () => {
  it('built-in profiles have no errors or warnings (x32 in includes.arches is an info)', () => {
    for (const name of ['docker', 'docker-2017', 'docker-2016', 'podman', 'podman-2025-08', 'strict']) {
      const ds = validateProfile(loadBuiltin(name));
      expect(ds.filter((d) => d.severity !== 'info'), name).toEqual([]);
    }
    expect(summary(validateProfile(loadBuiltin('docker')))).toEqual(['info arch-name /syscalls/12/includes/arches/1', 'info arch-name /syscalls/13/includes/arches/1']);
  });

  it('unknown action, operator, architecture and flag names, with suggestions and runc wording', () => {
    const p = profile('{"names": ["a"], "action": "SCMP_ACT_ALOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQUAL"}]}', '"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_AMD64"], "flags": ["SECCOMP_FILTER_FLAG_LOGS"]');
    const ds = validateProfile(p);
    expect(summary(ds)).toEqual([
      'error unknown-arch /architectures/0',
      'error unknown-flag /flags/0',
      'error unknown-action /syscalls/0/action',
      'error unknown-op /syscalls/0/args/0/op',
    ]);
    expect(ds[2].message).toBe("unknown action 'SCMP_ACT_ALOW'; did you mean 'SCMP_ACT_ALLOW'?");
    expect(ds[2].note).toBe('string SCMP_ACT_ALOW is not a valid action for seccomp');
    expect(ds[2].source).toMatchObject({ file: 'p.json', line: 1 });
    expect(ds[3].message).toBe("unknown operator 'SCMP_CMP_EQUAL'; did you mean 'SCMP_CMP_EQ'?");
    expect(ds[1].note).toBe('seccomp flag SECCOMP_FILTER_FLAG_LOGS is not known to runc');
  });

  it('NOTIFY: not as default, not on write, needs listenerPath; listenerMetadata needs listenerPath', () => {
    expect(summary(validateProfile(profile('', '"defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": "/run/x"')))).toEqual(['error notify-default /defaultAction']);
    expect(summary(validateProfile(profile('{"names": ["write"], "action": "SCMP_ACT_NOTIFY"}')))).toEqual([
      'error notify-without-listener /syscalls/0/action',
      'error notify-write /syscalls/0/action',
    ]);
    expect(summary(validateProfile(profile('', '"defaultAction": "SCMP_ACT_ERRNO", "listenerMetadata": "m"')))).toEqual(['error listener-metadata-without-path /listenerMetadata']);
  });

  it('argument index >= 6, names [] and [""], errno ranges, errnoRet on other actions', () => {
    const p = profile(
      '{"names": ["a"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]},' +
        '{"names": [], "action": "SCMP_ACT_ALLOW"},' +
        '{"names": [""], "action": "SCMP_ACT_ALLOW"},' +
        '{"names": ["b"], "action": "SCMP_ACT_ERRNO", "errnoRet": 4095},' +
        '{"names": ["c"], "action": "SCMP_ACT_ERRNO", "errnoRet": 65536},' +
        '{"names": ["d"], "action": "SCMP_ACT_ALLOW", "errnoRet": 1}',
    );
    const ds = validateProfile(p);
    expect(summary(ds)).toEqual([
      'error arg-index /syscalls/0/args/0/index',
      'warning empty-names /syscalls/1',
      'error empty-name /syscalls/2/names/0',
      'error errno-range /syscalls/3/errnoRet',
      'warning errno-truncated /syscalls/4/errnoRet',
      'warning errno-on-action /syscalls/5/errnoRet',
    ]);
    expect(ds[0].note).toBe('error creating seccomp syscall condition for syscall a: syscalls only have up to 6 arguments (6 given)');
    // crun: errnoRet on ALLOW is an error, an empty name only a warning
    const crun = summary(validateProfile(p, { runtime: 'crun' }));
    expect(crun).toContain('error errno-on-action /syscalls/5/errnoRet');
    expect(crun).toContain('warning empty-name /syscalls/2/names/0');
    expect(summary(validateProfile(profile('', '"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 4094')))).toEqual([]);
    expect(summary(validateProfile(profile('', '"defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": 1')))).toEqual(['warning errno-on-action /defaultErrnoRet']);
  });

  it('conditions: caps without CAP_, moby arch spellings, repeated indices, MASKED_EQ that never matches', () => {
    const p = profile(
      '{"names": ["a"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["SYS_ADMIN"], "arches": ["x86_64"]}},' +
        '{"names": ["b"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}]},' +
        '{"names": ["c"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 1, "value": 15, "valueTwo": 16, "op": "SCMP_CMP_MASKED_EQ"}]}',
    );
    const ds = validateProfile(p);
    expect(summary(ds)).toEqual([
      'warning cap-name /syscalls/0/includes/caps/0',
      'warning arch-name /syscalls/0/includes/arches/0',
      'info args-or-split /syscalls/1/args',
      'warning never-matches /syscalls/2/args/0',
    ]);
    expect(ds[0].message).toMatch(/did you mean 'CAP_SYS_ADMIN'/);
    expect(ds[1].message).toMatch(/did you mean 'amd64'/);
  });

  it('Podman: unknown errno names (containers/common: "unknown errno X")', () => {
    const p = readProfileOrThrow('{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrno": "ENOSYS", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO", "errno": "ENOSUCH"}, {"names": ["b"], "action": "SCMP_ACT_ERRNO", "errno": "13"}]}');
    const ds = validateProfile(p);
    expect(summary(ds)).toEqual(['error unknown-errno /syscalls/0/errno']);
    expect(ds[0].message).toBe('unknown errno ENOSUCH');
  });

  it('for another dialect: what it cannot express (SPO: defaultErrnoRet, errnoRet 0, values > 2^63-1, includes)', () => {
    const p = profile(
      '{"names": ["a"], "action": "SCMP_ACT_ERRNO", "errnoRet": 0},' +
        '{"names": ["b"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 18446744073709551615, "op": "SCMP_CMP_EQ"}]},' +
        '{"names": ["c"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}}',
      '"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "architectures": ["SCMP_ARCH_LOONGARCH64"], "listenerPath": "/run/agent.sock"',
    );
    const ds = validateProfile(p, { dialect: 'spo' });
    expect(summary(ds)).toEqual([
      'error unknown-arch /architectures/0',
      'error pattern /listenerPath',
      'warning inexpressible /defaultErrnoRet',
      'warning inexpressible /syscalls/2/includes',
      'warning inexpressible /syscalls/0/errnoRet',
      'warning inexpressible /syscalls/1/args/0/value',
    ]);
    expect(summary(validateProfile(p, { dialect: 'oci' }))).toEqual(['warning inexpressible /syscalls/2/includes']);
  });

  it('a profile that disables seccomp has nothing to validate', () => {
    expect(validateProfile(readProfileOrThrow('{}'))).toEqual([]);
  });
});
