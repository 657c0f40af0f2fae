import { describe, expect, it } from 'vitest';
import { applyEnosys, compilePolicy, parseEnosysMode } from '../../src/core/compile/index.js';
import { compileEmulator } from '../../src/core/bpf/emulate.js';
import { seccompData } from '../../src/core/bpf/instruction.js';
import { decide } from '../../src/core/profile/decide.js';
import { loadBuiltin, resolveProfile } from '../../src/core/profile/index.js';
import { syscallEntries, syscallNumber } from '../../src/core/syscalls/index.js';

const X86_64 = 0xc000003e;
const ENOSYS = 0x00050026;
const EPERM = 0x00050001;
const docker = () => resolveProfile(loadBuiltin('builtin:docker'), { arch: 'amd64', kernel: '6.18', runtime: 'runc' });

describe('--enosys', () => {
  it('parses auto, off and kernel versions, and rejects the rest', () => {
    expect(parseEnosysMode('auto')).toBe('auto');
    expect(parseEnosysMode('off')).toBe('off');
    expect(parseEnosysMode('5.10')).toEqual({ kernel: '5.10' });
    expect(() => parseEnosysMode('5')).toThrow(/auto, off or a kernel version/);
  });

  it('auto keeps runc\'s stub; off removes every range', () => {
    const p = docker();
    expect(applyEnosys(p, 'auto')).toBe(p);
    const off = applyEnosys(p, 'off');
    expect(off.abis.every((a) => a.rangeActions.length === 0)).toBe(true);
    expect(decide(off, seccompData(X86_64, 1000)).action).toBe(EPERM);
    expect(decide(p, seccompData(X86_64, 1000)).action).toBe(ENOSYS);
  });

  it('a kernel version gives ENOSYS to newer syscalls the profile does not name, keeps EPERM for older ones', () => {
    const p = applyEnosys(docker(), { kernel: '5.4' });
    const x64 = p.abis.find((a) => a.abi === 'x86_64');
    expect(x64).toBeDefined();
    // open_tree (5.2) is not in Docker's profile and older than 5.4: default EPERM.
    const openTree = syscallNumber('x86_64', 'open_tree') as number;
    expect(decide(p, seccompData(X86_64, openTree)).action).toBe(EPERM);
    // A syscall added after 5.4 that Docker does not name gets ENOSYS.
    const named = new Set((p.rules ?? []).flatMap((r) => r.names));
    const newer = syscallEntries('x86_64').find((e) => e.since !== undefined && e.since.localeCompare('5.4', undefined, { numeric: true }) > 0 && !named.has(e.name));
    expect(newer).toBeDefined();
    expect(decide(p, seccompData(X86_64, newer!.nr)).action).toBe(ENOSYS);
    // Named syscalls keep the profile's verdict; numbers past the table get ENOSYS.
    expect(decide(p, seccompData(X86_64, syscallNumber('x86_64', 'read') as number)).action).toBe(0x7fff0000);
    expect(decide(p, seccompData(X86_64, 5000)).action).toBe(ENOSYS);
    // The compiled program agrees.
    const run = compileEmulator(compilePolicy(p).program);
    for (const nr of [openTree, newer!.nr, 0, 5000, 0x3fffffff, 0xffffffff]) {
      const d = seccompData(X86_64, nr);
      expect(run(d) >>> 0).toBe(decide(p, d).action >>> 0);
    }
  });

  it('a default that allows needs no ENOSYS', () => {
    const p = docker();
    const allowAll = { ...p, abis: p.abis.map((a) => ({ ...a, defaultAction: 0x7fff0000 })) };
    expect(applyEnosys(allowAll, { kernel: '4.0' }).abis.every((a) => a.rangeActions.length === 0)).toBe(true);
  });
});
