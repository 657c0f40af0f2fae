// The parse-stage error catalogue of profiles.md §2.8 and the minKernel table of §2.6
// (moby/profiles KernelVersion.UnmarshalJSON; errata: the test literal is "3.12.1\"").
import { describe, expect, it } from 'vitest';
import { readProfile } from '../../src/core/profile/index.js';

const withMinKernel = (raw: string, where: 'includes' | 'excludes' = 'includes') =>
  `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "${where}": {"minKernel": ${raw}}}]}`;

const EXPECTED = '"<kernel>.<major>"';

describe('minKernel (§2.6)', () => {
  const rejected: [string, string][] = [
    ['3', `invalid kernel version: 3, expected ${EXPECTED}: json: cannot unmarshal number into Go value of type string`],
    ['3.12', `invalid kernel version: 3.12, expected ${EXPECTED}: json: cannot unmarshal number into Go value of type string`],
    ['true', `invalid kernel version: true, expected ${EXPECTED}: json: cannot unmarshal bool into Go value of type string`],
    ['{}', `invalid kernel version: {}, expected ${EXPECTED}: json: cannot unmarshal object into Go value of type string`],
    ['"0.0"', `invalid kernel version: "0.0", expected ${EXPECTED}: version cannot be 0.0`],
    ['"00.000"', `invalid kernel version: "00.000", expected ${EXPECTED}: version cannot be 0.0`],
    ['"3"', `invalid kernel version: "3", expected ${EXPECTED}`],
    ['".3"', `invalid kernel version: ".3", expected ${EXPECTED}: strconv.ParseUint: parsing "": invalid syntax`],
    ['"3."', `invalid kernel version: "3.", expected ${EXPECTED}: strconv.ParseUint: parsing "": invalid syntax`],
    ['"true"', `invalid kernel version: "true", expected ${EXPECTED}`],
    ['"3.12.1"', `invalid kernel version: "3.12.1", expected ${EXPECTED}`],
    ['"3.12.1\\""', `invalid kernel version: "3.12.1\\"", expected ${EXPECTED}`],
    ['"4.15abc"', `invalid kernel version: "4.15abc", expected ${EXPECTED}: strconv.ParseUint: parsing "15abc": invalid syntax`],
    ['"4.256"', `invalid kernel version: "4.256", expected ${EXPECTED}: strconv.ParseUint: parsing "256": value out of range`],
    ['"-4.8"', `invalid kernel version: "-4.8", expected ${EXPECTED}: strconv.ParseUint: parsing "-4": invalid syntax`],
    ['"4 .8"', `invalid kernel version: "4 .8", expected ${EXPECTED}: strconv.ParseUint: parsing "4 ": invalid syntax`],
  ];
  for (const [raw, message] of rejected) {
    it(`rejects ${raw}`, () => {
      for (const compat of ['strict', 'docker'] as const) {
        const r = readProfile(withMinKernel(raw), { compat });
        const errs = r.diagnostics.filter((d) => d.severity === 'error');
        expect(errs).toHaveLength(1);
        expect(errs[0]).toMatchObject({ code: 'min-kernel', message, note: `Decoding seccomp profile failed: ${message}`, source: { pointer: '/syscalls/0/includes/minKernel', line: 1, column: 121 } });
        expect(r.profile?.rules[0].includes?.minKernel).toBeUndefined();
      }
    });
  }

  const accepted: [string, string | undefined][] = [
    ['null', undefined],
    ['""', ''],
    ['"0.5"', '0.5'],
    ['"0.50"', '0.50'],
    ['"5.0"', '5.0'],
    ['"50.0"', '50.0'],
    ['"4.15"', '4.15'],
    ['"04.08"', '04.08'],
    ['"255.255"', '255.255'],
  ];
  for (const [raw, kept] of accepted) {
    it(`accepts ${raw}`, () => {
      const r = readProfile(withMinKernel(raw, 'excludes'));
      expect(r.diagnostics).toEqual([]);
      expect(r.profile?.rules[0].excludes?.minKernel).toBe(kept);
    });
  }

  it('is unknown to Podman (containers/common has no minKernel)', () => {
    const r = readProfile(withMinKernel('"4.8"'), { dialect: 'podman', compat: 'docker' });
    expect(r.diagnostics.map((d) => [d.severity, d.code])).toEqual([['warning', 'unknown-key']]);
    expect(r.diagnostics[0].hint).toMatch(/Podman ignores it/);
    expect(r.profile?.rules[0].includes).toEqual({ pointer: '/syscalls/0/includes', caps: [], arches: [] });
  });
});

describe('parse-stage error catalogue (§2.8)', () => {
  it('decode errors carry "Decoding seccomp profile failed: " (Podman: lower-case d)', () => {
    const bad = '{"defaultAction": 1}';
    expect(readProfile(bad, { dialect: 'docker' }).diagnostics[0].note).toBe(
      'Decoding seccomp profile failed: json: cannot unmarshal number into Go struct field Seccomp.defaultAction of type specs.LinuxSeccompAction',
    );
    expect(readProfile(bad, { dialect: 'podman' }).diagnostics[0].note).toBe(
      'decoding seccomp profile failed: json: cannot unmarshal number into Go struct field Seccomp.defaultAction of type seccomp.Action',
    );
    expect(readProfile('[]').diagnostics[0].note).toBe('Decoding seccomp profile failed: json: cannot unmarshal array into Go value of type seccomp.Seccomp');
    expect(readProfile('/x').diagnostics[0].note).toBe("invalid character '/' looking for beginning of value");
  });

  it('name + names and architectures + archMap use moby\'s exact texts', () => {
    const both = readProfile('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"name": "a", "names": ["a"], "action": "SCMP_ACT_ALLOW"}]}', { dialect: 'docker' });
    expect(both.diagnostics.map((d) => d.message)).toEqual(["both 'name' and 'names' are specified in the seccomp profile, use either 'name' or 'names'"]);
    const arch = readProfile('{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86"], "archMap": [{"architecture": "SCMP_ARCH_X86_64"}]}');
    expect(arch.diagnostics.map((d) => d.message)).toEqual(["both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'"]);
  });

  it('a profile that disables seccomp is never checked further (moby returns before the checks)', () => {
    const r = readProfile('{"architectures": ["SCMP_ARCH_X86"], "archMap": [{"architecture": "SCMP_ARCH_X86_64"}]}');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['seccomp-disabled']);
  });

  it('several errors are all reported, in input order', () => {
    const r = readProfile('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "errnoRet": -1, "includes": {"minKernel": "4"}}, {"name": "b", "names": ["c"]}]}', { dialect: 'docker' });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['range', 'min-kernel', 'name-and-names']);
    const offsets = r.diagnostics.map((d) => d.source.offset ?? 0);
    expect([...offsets].sort((a, b) => a - b)).toEqual(offsets);
  });
});
