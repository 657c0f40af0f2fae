// Hand-written programs against the real kernel through the probe (src/node/kernel/probe.ts):
// every action, returns of A, argument words, nr/arch/ip, and the cases the probe must not issue.
import { afterAll, describe, expect, it } from 'vitest';
import type { Program } from '../../src/core/bpf/instruction.js';
import { insn } from '../../src/core/bpf/instruction.js';
import {
  BPF_A, BPF_ABS, BPF_ALU, BPF_AND, BPF_DIV, BPF_IMM, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_MISC, BPF_OR, BPF_RET, BPF_RSH,
  BPF_TAX, BPF_W, BPF_X,
  SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO, SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_LOG,
  SECCOMP_RET_TRACE, SECCOMP_RET_TRAP, SECCOMP_RET_USER_NOTIF,
} from '../../src/core/bpf/opcodes.js';
import { closeKernelProbes, probeKernel } from '../../src/node/kernel/probe.js';
import { probeCode } from '../../src/node/kernel/rewrite.js';
import { stubAddresses } from '../../src/node/kernel/stubs.js';
import { announceSkip, kernelSkipReason } from '../support/kernel.js';

const ld = (off: number) => insn(BPF_LD | BPF_W | BPF_ABS, off);
const ldi = (k: number) => insn(BPF_LD | BPF_IMM, k);
const ret = (k: number) => insn(BPF_RET | BPF_K, k);
const retA = () => insn(BPF_RET | BPF_A);
const jeq = (k: number, jt: number, jf: number) => insn(BPF_JMP | BPF_JEQ | BPF_K, k, jt, jf);
const and = (k: number) => insn(BPF_ALU | BPF_AND | BPF_K, k);
const or = (k: number) => insn(BPF_ALU | BPF_OR | BPF_K, k);
const rsh = (k: number) => insn(BPF_ALU | BPF_RSH | BPF_K, k);
const errno = (n: number) => (SECCOMP_RET_ERRNO | n) >>> 0;
/** Returns ERRNO(word & 0x7ff) for the seccomp_data word at `off`. */
const echoWord = (off: number, shift = 0): Program => [ld(off), rsh(shift), and(0x7ff), or(SECCOMP_RET_ERRNO), retA()];

const ACTIONS: Array<[string, number, number]> = [
  ['ALLOW', SECCOMP_RET_ALLOW, 4007],
  ['LOG', SECCOMP_RET_LOG, 4006],
  ['TRACE(3)', (SECCOMP_RET_TRACE | 3) >>> 0, 4005],
  ['USER_NOTIF', SECCOMP_RET_USER_NOTIF, 4004],
  ['TRAP(5)', (SECCOMP_RET_TRAP | 5) >>> 0, 4003],
  ['KILL_THREAD', SECCOMP_RET_KILL_THREAD, 4002],
  ['KILL_PROCESS', SECCOMP_RET_KILL_PROCESS, 4001],
  ['unknown action 0x12340000 (acts as KILL_PROCESS)', 0x12340000, 4001],
  ['ERRNO(13)', errno(13), 13],
  ['ERRNO(0)', errno(0), 0],
  ['ERRNO(3999)', errno(3999), 3999],
  ['ERRNO(4000)', errno(4000), 4000],
  ['ERRNO(0xffff), above MAX_ERRNO', errno(0xffff), 4000],
];

const skip = announceSkip(kernelSkipReason());

describe.skipIf(skip)('kernel probe: hand-written programs', () => {
  afterAll(closeKernelProbes);

  it.each(ACTIONS)('ret #%s comes back as code %i, and so does ret A', async (_name, action, code) => {
    expect(probeCode(action)).toBe(code);
    const [viaK] = await probeKernel([ret(action)], [{ nr: 39 }]);
    const [viaA] = await probeKernel([ldi(action), retA()], [{ nr: 39 }]);
    for (const o of [viaK, viaA]) {
      expect(o.issued).toBe(true);
      expect(o.code).toBe(code);
      expect(o.ret).toBe(BigInt(-code));
    }
  });

  it('walks the program: nr dispatch picks the matching return', async () => {
    const p: Program = [ld(0), jeq(39, 0, 1), ret(errno(1)), jeq(102, 0, 1), ret(SECCOMP_RET_KILL_PROCESS), ret(SECCOMP_RET_ALLOW)];
    const out = await probeKernel(p, [{ nr: 39 }, { nr: 102 }, { nr: 0 }]);
    expect(out.map((o) => o.verdict)).toEqual([{ kind: 'ERRNO', errno: 1 }, { kind: 'KILL_PROCESS' }, { kind: 'ALLOW' }]);
  });

  it('never runs a tested syscall: kill(-1, SIGKILL) and reboot come back as codes', async () => {
    // If either ran, this process (and the machine) would not be here to check the result.
    const out = await probeKernel([ret(SECCOMP_RET_ALLOW)], [
      { nr: 62, args: [0xffffffffffffffffn, 9n] },
      { nr: 169, args: [0xfee1deadn, 0x28121969n, 0x4321fedcn] },
    ]);
    expect(out.map((o) => o.code)).toEqual([4007, 4007]);
  });

  it('sees the low and high words of 64-bit arguments', async () => {
    const a = 0x12345678_9abcdef0n;
    const lo = await probeKernel(echoWord(16 + 8 * 3), [{ nr: 1, args: [0n, 0n, 0n, a] }]);
    const hi = await probeKernel(echoWord(16 + 8 * 3 + 4, 8), [{ nr: 1, args: [0n, 0n, 0n, a] }]);
    expect(lo[0].code).toBe(0xef0 & 0x7ff);
    expect(hi[0].code).toBe((0x12345678 >>> 8) & 0x7ff);
  });

  it('sees x32 and out-of-range syscall numbers before the kernel refuses them', async () => {
    const out = await probeKernel(echoWord(0, 20), [{ nr: 0x40000000 | 39 }, { nr: 0xffffffff }, { nr: 0x7ff00000 }]);
    expect(out.map((o) => o.code)).toEqual([0x400, 0x7ff, 0x7ff]);
  });

  it('reports the instruction pointer the kernel put in seccomp_data', async () => {
    const [o] = await probeKernel(echoWord(8), [{ nr: 39 }]);
    expect(o.data.instructionPointer).toBe(stubAddresses().ip64);
    expect(o.code).toBe(Number(o.data.instructionPointer & 0x7ffn));
    const [hi] = await probeKernel(echoWord(12), [{ nr: 39 }]);
    expect(hi.code).toBe(Number((o.data.instructionPointer >> 32n) & 0x7ffn));
  });

  it('division by X = 0 ends the program with KILL_THREAD, as the emulator says', async () => {
    const p: Program = [ld(16), insn(BPF_MISC | BPF_TAX), ldi(1000), insn(BPF_ALU | BPF_DIV | BPF_X), or(SECCOMP_RET_ERRNO), retA()];
    const out = await probeKernel(p, [{ nr: 1, args: [10n] }, { nr: 1, args: [0n] }, { nr: 1, args: [0x1_0000_0000n] }]);
    expect(out.map((o) => o.verdict)).toEqual([{ kind: 'ERRNO', errno: 100 }, { kind: 'KILL_THREAD' }, { kind: 'KILL_THREAD' }]);
  });

  it('reports x86_64 uretprobe/uprobe as not issued: no filter runs for them', async () => {
    const out = await probeKernel([ret(errno(1))], [{ nr: 335 }, { nr: 336 }, { nr: 0x40000000 | 335 }]);
    expect(out.map((o) => o.issued)).toEqual([false, false, true]);
    expect(out[0].skipped).toMatch(/uretprobe/);
    expect(out[2].code).toBe(1);
  });

  it('refuses programs it cannot run', async () => {
    await expect(probeKernel([], [{ nr: 1 }])).rejects.toThrow(/1\.\.\d+ instructions/);
    await expect(probeKernel([ld(2), ret(0)], [{ nr: 1 }])).rejects.toThrow(/refused the probe's rewrite.*EINVAL/);
  });

  it('keeps probing correctly after many filters (fresh threads take over)', async () => {
    for (let i = 0; i < 150; i++) {
      const [o] = await probeKernel([ld(0), jeq(i, 0, 1), ret(errno(i + 1)), ret(errno(3000))], [{ nr: i }]);
      expect(o.code).toBe(i + 1);
    }
  });
});

describe.skipIf(announceSkip(kernelSkipReason('x86')))('kernel probe: the i386 ABI (int $0x80)', () => {
  afterAll(closeKernelProbes);

  it('reports AUDIT_ARCH_I386, 32-bit arguments and a 32-bit instruction pointer', async () => {
    const p: Program = [ld(4), jeq(0x40000003, 0, 1), ret(errno(386)), ret(errno(64))];
    const [arch] = await probeKernel(p, [{ nr: 20 }], { abi: 'x86' });
    expect(arch.code).toBe(386);
    expect(arch.data.arch).toBe(0x40000003);
    const [hi] = await probeKernel(echoWord(20), [{ nr: 20, args: [0xabc00000123n] }], { abi: 'x86' });
    expect(hi.data.args[0]).toBe(0x123n);
    expect(hi.code).toBe(0);
    const [lo] = await probeKernel(echoWord(16), [{ nr: 20, args: [0xabc00000123n] }], { abi: 'x86' });
    expect(lo.code).toBe(0x123);
    const [ip] = await probeKernel(echoWord(12), [{ nr: 20 }], { abi: 'x86' });
    expect(ip.data.instructionPointer < 0x80000000n).toBe(true);
    expect(ip.code).toBe(0);
  });

  it('issues 335 and 336 on i386 (only the native ABI bypasses filters)', async () => {
    const out = await probeKernel([ret(errno(7))], [{ nr: 335 }, { nr: 336 }], { abi: 'x86' });
    expect(out.map((o) => o.code)).toEqual([7, 7]);
  });
});
