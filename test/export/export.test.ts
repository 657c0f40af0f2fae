// The pure export helpers: config.json editing and the resolved, self-contained profile.
import { describe, expect, it } from 'vitest';
import { CRUN_BPF_ANNOTATION, exportInvocation, exportProfile, resolvedProfile, setConfigSeccomp } from '../../src/core/export/index.js';
import { readProfileOrThrow, resolveProfile } from '../../src/core/profile/index.js';
import { SeccompKitError } from '../../src/core/errors.js';

describe('setConfigSeccomp', () => {
  it('replaces linux.seccomp, keeps every other key in order, writes bigints exactly', () => {
    const cfg = '{"ociVersion":"1.0.2","linux":{"namespaces":[],"seccomp":{"x":1},"maskedPaths":["/proc/kcore"]},"hostname":"h"}';
    const text = setConfigSeccomp(cfg, { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0n, value: 18446744073709551615n, op: 'SCMP_CMP_EQ' }] }] });
    expect(text).toContain('"value": 18446744073709551615');
    const o = JSON.parse(text) as { linux: Record<string, unknown> };
    expect(Object.keys(o)).toEqual(['ociVersion', 'linux', 'hostname']);
    expect(Object.keys(o.linux)).toEqual(['namespaces', 'seccomp', 'maskedPaths']);
    expect((o.linux.seccomp as { x?: number }).x).toBeUndefined();
  });

  it('creates linux and annotations when absent, and merges annotations', () => {
    const o1 = JSON.parse(setConfigSeccomp('{}', { defaultAction: 'SCMP_ACT_ALLOW' }, { [CRUN_BPF_ANNOTATION]: 'AAAA' })) as Record<string, Record<string, unknown>>;
    expect(o1.linux?.seccomp).toEqual({ defaultAction: 'SCMP_ACT_ALLOW' });
    expect(o1.annotations).toEqual({ [CRUN_BPF_ANNOTATION]: 'AAAA' });
    const o2 = JSON.parse(setConfigSeccomp('{"annotations":{"a":"b"}}', {}, { k: 'v' })) as Record<string, Record<string, unknown>>;
    expect(o2.annotations).toEqual({ a: 'b', k: 'v' });
  });

  it('rejects text that is not a JSON object, or a linux that is not an object', () => {
    for (const bad of ['{"linux": ', '[]', 'null', '{"linux": 3}', '{"annotations": []}']) {
      expect(() => setConfigSeccomp(bad, {}, { k: 'v' })).toThrow(SeccompKitError);
    }
  });
});

describe('resolvedProfile / exportProfile', () => {
  const text = JSON.stringify({
    defaultAction: 'SCMP_ACT_ERRNO',
    archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] }],
    syscalls: [
      { names: ['read'], action: 'SCMP_ACT_ALLOW' },
      { names: ['ptrace'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_PTRACE'] } },
      { names: ['mount'], action: 'SCMP_ACT_ERRNO', errnoRet: 38, excludes: { arches: ['amd64'] } },
    ],
  });
  const profile = readProfileOrThrow(text, { file: 'p.json' });
  const ctx = { arch: 'amd64', caps: 'docker' as const, kernel: '6.1', runtime: 'runc' as const };

  it('keeps the applied rules only, without conditions, and lists the ABIs', () => {
    const r = resolvedProfile(profile, resolveProfile(profile, ctx));
    expect(r.rules.map((x) => x.names)).toEqual([['read']]);
    expect(r.archMap).toEqual([]);
    expect(r.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86']);
    const withPtrace = resolvedProfile(profile, resolveProfile(profile, { ...ctx, capAdd: ['SYS_PTRACE'], arch: 'arm64' }));
    expect(withPtrace.rules.map((x) => x.names[0])).toEqual(['read', 'ptrace', 'mount']);
    expect(withPtrace.rules.every((x) => x.includes === undefined && x.excludes === undefined)).toBe(true);
  });

  it('refuses a profile that disables seccomp, and oci without a config', () => {
    const off = readProfileOrThrow('{}', { file: 'off.json' });
    expect(() => exportProfile(off, resolveProfile(off, ctx), 'docker')).toThrow(/disables seccomp/);
    expect(() => exportProfile(profile, resolveProfile(profile, ctx), 'oci')).toThrow(/--config/);
  });

  it('quotes file names for the shell in the printed command line', () => {
    expect(exportInvocation('docker', "my file's.json")).toBe(`docker run --security-opt seccomp='my file'\\''s.json' IMAGE [COMMAND]`);
    expect(exportInvocation('bwrap', '/tmp/f.bpf')).toBe('bwrap --ro-bind / / --dev /dev --seccomp 3 COMMAND 3< /tmp/f.bpf');
  });
});
