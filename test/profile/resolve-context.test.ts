// The inputs of resolution: capability sets as Docker computes them, minKernel syntax and kernel
// releases as moby reads them, daemon architectures, and the summaries/text built from a policy.
import { describe, expect, it } from 'vitest';
import { SeccompKitError } from '../../src/core/errors.js';
import {
  ALL_CAPABILITIES,
  DOCKER_DEFAULT_CAPABILITIES,
  boundingSet,
  daemonArch,
  effectiveContext,
  formatCondition,
  formatPolicy,
  kernelAtLeast,
  loadBuiltin,
  minKernelError,
  normalizeCapability,
  parseKernelRelease,
  parseMinKernel,
  summarizePolicy,
} from '../../src/core/profile/index.js';
import { profile, resolve } from './support/resolve.js';

describe('capabilities (moby TweakCapabilities / NormalizeLegacyCapabilities)', () => {
  const opts = { base: 'docker' as const, add: [] as string[], drop: [] as string[], privileged: false };
  it("Docker's 14 defaults", () => {
    expect(boundingSet(opts)).toEqual([...DOCKER_DEFAULT_CAPABILITIES]);
    expect(DOCKER_DEFAULT_CAPABILITIES).toHaveLength(14);
  });
  it('--cap-add / --cap-drop are normalised', () => {
    expect(normalizeCapability('sys_admin')).toBe('CAP_SYS_ADMIN');
    expect(normalizeCapability('CAP_net_admin')).toBe('CAP_NET_ADMIN');
    expect(normalizeCapability('all')).toBe('ALL');
    expect(() => normalizeCapability('SYS_WIZARD')).toThrow(SeccompKitError);
    const s = boundingSet({ ...opts, add: ['sys_admin'], drop: ['chown', 'KILL'] });
    expect(s).toContain('CAP_SYS_ADMIN');
    expect(s).not.toContain('CAP_CHOWN');
    expect(s).not.toContain('CAP_KILL');
    expect(s).toHaveLength(13);
  });
  it('ALL in add gives everything minus the drops; ALL in drop keeps only the adds', () => {
    const a = boundingSet({ ...opts, add: ['ALL'], drop: ['SYS_ADMIN'] });
    expect(a).toHaveLength(ALL_CAPABILITIES.length - 1);
    expect(a).not.toContain('CAP_SYS_ADMIN');
    expect(boundingSet({ ...opts, add: ['NET_RAW'], drop: ['ALL'] })).toEqual(['CAP_NET_RAW']);
  });
  it('privileged gets every capability; base sets', () => {
    expect(boundingSet({ ...opts, privileged: true })).toHaveLength(41);
    expect(boundingSet({ ...opts, base: 'none' })).toEqual([]);
    expect(boundingSet({ ...opts, base: ['chown', 'CAP_KILL'] })).toEqual(['CAP_CHOWN', 'CAP_KILL']);
  });
});

describe('minKernel (moby KernelVersion.UnmarshalJSON)', () => {
  it('accepts "", "0.5", "0.50", "5.0", "50.0", "4.15", "04.08"', () => {
    for (const v of ['', '0.5', '0.50', '5.0', '50.0', '4.15', '04.08']) expect(minKernelError(v)).toBeUndefined();
    expect(parseMinKernel('')).toEqual({ major: 0, minor: 0 });
    expect(parseMinKernel('04.08')).toEqual({ major: 4, minor: 8 });
  });
  it('rejects "0.0", "3", ".3", "3.", "true", "3.12.1", "4.15abc", "4.256", "+4.1" with moby\'s messages', () => {
    expect(minKernelError('0.0')).toBe('invalid kernel version: "0.0", expected "<kernel>.<major>": version cannot be 0.0');
    expect(minKernelError('3')).toBe('invalid kernel version: "3", expected "<kernel>.<major>"');
    expect(minKernelError('3.12.1')).toBe('invalid kernel version: "3.12.1", expected "<kernel>.<major>"');
    expect(minKernelError('.3')).toBe('invalid kernel version: ".3", expected "<kernel>.<major>": strconv.ParseUint: parsing "": invalid syntax');
    expect(minKernelError('4.15abc')).toBe('invalid kernel version: "4.15abc", expected "<kernel>.<major>": strconv.ParseUint: parsing "15abc": invalid syntax');
    for (const v of ['3.', 'true', '4.256', '+4.1']) expect(minKernelError(v)).toBeDefined();
    expect(() => parseMinKernel('4.256')).toThrow(/value out of range/);
  });
  it('host releases keep major.minor (Sscanf "%d.%d")', () => {
    expect(parseKernelRelease('5.15.0-117-generic')).toEqual({ major: 5, minor: 15 });
    expect(parseKernelRelease('3.12-1-amd64')).toEqual({ major: 3, minor: 12 });
    expect(parseKernelRelease('6.18')).toEqual({ major: 6, minor: 18 });
    expect(() => parseKernelRelease('six')).toThrow(/failed to parse kernel version "six"/);
    expect(kernelAtLeast({ major: 4, minor: 8 }, { major: 4, minor: 8 })).toBe(true);
    expect(kernelAtLeast({ major: 5, minor: 0 }, { major: 4, minor: 15 })).toBe(true);
    expect(kernelAtLeast({ major: 4, minor: 7 }, { major: 4, minor: 8 })).toBe(false);
  });
});

describe('daemon architectures', () => {
  it('GOARCH names and aliases', () => {
    expect(daemonArch('amd64').abi).toBe('x86_64');
    expect(daemonArch('x86_64').goarch).toBe('amd64');
    expect(daemonArch('aarch64').goarch).toBe('arm64');
    expect(daemonArch('386').mobyNative).toBe('x86');
    expect(daemonArch('mips64p32le').mobyNative).toBe('mips3l64n32');
    expect(daemonArch('loong64').mobyArchMapKey).toBeUndefined();
    expect(() => daemonArch('vax')).toThrow(/unknown daemon architecture/);
  });
  it('effective context: unknown runtime and table version are usage errors', () => {
    expect(() => effectiveContext({ runtime: 'youki' as never })).toThrow(/unknown runtime/);
    expect(() => effectiveContext({ syscallTable: '2.4' as never })).toThrow(/syscall table/);
    expect(effectiveContext({ kernel: '6.1.0-13-amd64' }).kernel).toEqual({ major: 6, minor: 1 });
  });
});

describe('summaries and text', () => {
  const docker = resolve(loadBuiltin('builtin:docker'));
  it('per-ABI counts add up to the table', () => {
    for (const a of summarizePolicy(docker).abis) {
      expect(a.allowed + a.denied + a.conditional + a.other).toBe(a.total);
      expect(a.deniedBy.rule + a.deniedBy.default + a.deniedBy.range).toBe(a.denied);
    }
  });
  it('an unconfined policy', () => {
    const s = summarizePolicy(resolve(profile({})));
    expect(s.unconfined).toBe(true);
    expect(s.abis).toEqual([]);
    expect(s.rulesTotal).toBe(0);
  });
  it('conditions are written as people write them', () => {
    expect(formatCondition({ arg: 0, width: 64, op: 'MASKED_EQ', value: 0n, mask: 0x7e020000n })).toBe('(a0 & 0x7e020000) == 0');
    expect(formatCondition({ arg: 1, width: 32, op: 'GT', value: 40n }, 64)).toBe('(u32)a1 > 40');
    expect(formatCondition({ arg: 2, width: 32, op: 'NE', value: 0x20000n }, 32)).toBe('a2 != 0x20000');
  });
  it('the text lists every ABI and the notes', () => {
    const text = formatPolicy(docker).join('\n');
    expect(text).toContain('x86_64 (AUDIT_ARCH 0xc000003e)');
    expect(text).toContain('x32 (AUDIT_ARCH 0xc000003e, numbers + 0x40000000)');
    expect(text).toMatch(/notes \(\d+ warnings, \d+ infos\):/);
  });
});
