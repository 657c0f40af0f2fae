// libseccomp through koffi: a filter it exports disassembles with syscall names, reassembles to
// the same bytes, is accepted by the kernel, and the kernel's verdicts match the emulator's.
import { afterAll, describe, expect, it } from 'vitest';
import { assemble } from '../../src/core/bpf/asm.js';
import { encodeProgram } from '../../src/core/bpf/codec.js';
import { disassemble, renderDisassembly } from '../../src/core/bpf/disasm.js';
import { emulate } from '../../src/core/bpf/emulate.js';
import { verifyProgram } from '../../src/core/bpf/verify.js';
import { SeccompKitError } from '../../src/core/errors.js';
import { closeKernelProbes, kernelVerify, probeKernel } from '../../src/node/kernel/probe.js';
import { probeCode } from '../../src/node/kernel/rewrite.js';
import { buildLibseccompFilter, libseccompResolveSyscall, libseccompVersion } from '../../src/node/libseccomp.js';
import type { LibseccompSpec } from '../../src/node/libseccomp.js';
import { announceSkip, kernelSkipReason, libseccompSkipReason } from '../support/kernel.js';

const SPEC: LibseccompSpec = {
  defaultAction: 'ALLOW',
  arches: ['x86_64', 'x86', 'x32'],
  badArch: 'KILL_PROCESS',
  rules: [
    { name: 'chmod', action: 'ERRNO(1)' },
    { name: 'fchmodat', action: 'ERRNO(1)', args: [{ index: 2, op: 'MASKED_EQ', value: 0o7000n, valueTwo: 0o4000n }] },
    { name: 'socket', action: 'ERRNO(97)', args: [{ index: 0, op: 'EQ', value: 40n }] },
    { name: 'personality', action: 'KILL_PROCESS', args: [{ index: 0, op: 'GT', value: 0xffff_ffffn }] },
  ],
};

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe.skipIf(announceSkip(libseccompSkipReason()))('libseccomp export', () => {
  afterAll(closeKernelProbes);

  it('resolves names per arch and reports its version', () => {
    expect(libseccompVersion()).toMatch(/^2\.\d+\.\d+$/);
    expect(libseccompResolveSyscall('chmod', 'x86_64')).toBe(90);
    expect(libseccompResolveSyscall('chmod', 'x86')).toBe(15);
    expect(libseccompResolveSyscall('no_such_call', 'x86_64')).toBeUndefined();
  });

  it.each([1, 2] as const)('OPTIMIZE=%i: disassembles with syscall names and reassembles byte-identical', (optimize) => {
    const p = buildLibseccompFilter({ ...SPEC, optimize });
    expect(verifyProgram(p)).toEqual({ ok: true });
    const text = renderDisassembly(disassemble(p));
    for (const name of ['chmod', 'fchmodat', 'socket', 'personality', 'socketcall', 'AUDIT_ARCH_I386', 'KILL_PROCESS', 'ERRNO(97)']) {
      expect(text).toContain(name);
    }
    expect(hex(encodeProgram(assemble(text)))).toBe(hex(encodeProgram(p)));
  });

  it('reports libseccomp errors and unknown names as seccomp-kit errors', () => {
    expect(() => buildLibseccompFilter({ defaultAction: 'ALLOW', rules: [{ name: 'no_such_call', action: 'KILL' }] })).toThrow(/does not know the syscall "no_such_call"/);
    // An action equal to the default is refused (EACCES).
    const e = (() => {
      try {
        buildLibseccompFilter({ defaultAction: 'ALLOW', rules: [{ name: 'chmod', action: 'ALLOW' }] });
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(SeccompKitError);
    expect((e as SeccompKitError).message).toMatch(/seccomp_rule_add_array\(chmod\) failed with EACCES/);
    expect((e as SeccompKitError).source?.pointer).toBe('/rules/0');
    expect(() => buildLibseccompFilter({ defaultAction: 'ALLOW', arches: ['vax'], rules: [] })).toThrow(/arch "vax"/);
  });

  describe.skipIf(announceSkip(kernelSkipReason()))('in the kernel', () => {
    it('is accepted, and the kernel agrees with the emulator on its syscalls', async () => {
      const p = buildLibseccompFilter({ ...SPEC, optimize: 2 });
      expect(await kernelVerify([p])).toEqual([{ accepted: true }]);
      const cases = [
        { nr: 90 }, { nr: 268, args: [0n, 0n, 0o4755n] }, { nr: 268, args: [0n, 0n, 0o755n] },
        { nr: 41, args: [40n] }, { nr: 41, args: [2n] }, { nr: 41, args: [0x1_0000_0028n] },
        { nr: 135, args: [0x1_0000_0000n] }, { nr: 135, args: [8n] }, { nr: 0x40000000 | 90 }, { nr: 39 },
      ];
      for (const abi of ['x86_64', 'x86'] as const) {
        if (abi === 'x86' && kernelSkipReason('x86')) continue;
        const out = await probeKernel(p, abi === 'x86' ? [{ nr: 15 }, { nr: 102, args: [1n] }, { nr: 20 }] : cases, { abi });
        for (const o of out) expect([o.data.nr, o.code]).toEqual([o.data.nr, probeCode(emulate(p, o.data).ret)]);
      }
    });
  });
});
