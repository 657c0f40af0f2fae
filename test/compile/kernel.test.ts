// The compiled builtin:docker filter (x86_64 + x86 + x32) in the real kernel, through the probe
// (src/node/kernel/probe.ts: every return rewritten to ERRNO(code), so nothing executes): the
// kernel's verdict for every table number of each ABI (args 0) and for arguments steered to the
// conditional syscalls equals decide(policy, data). x86_64 and x32 numbers (nr | 0x40000000) are
// issued with `syscall`, i386 numbers with `int $0x80`. x86_64 335/336 (uretprobe/uprobe) are
// never issued: the kernel runs no filter for them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePolicy } from '../../src/core/compile/index.js';
import { emulate } from '../../src/core/bpf/emulate.js';
import type { Program } from '../../src/core/bpf/instruction.js';
import { decide, loadBuiltin, resolveProfile, type Policy } from '../../src/core/profile/index.js';
import { syscallNumber } from '../../src/core/syscalls/index.js';
import { closeKernelProbes, probeKernel, type KernelOutcome, type ProbeAbi, type SeccompCase } from '../../src/node/kernel/probe.js';
import { PROBE_ACTION_CODES, probeCode } from '../../src/node/kernel/rewrite.js';
import { makeRand, OUT_OF_RANGE_NUMBERS, steeredArgs, tableNumbers } from '../support/compile-cases.js';
import { announceSkip, kernelSkipReason } from '../support/kernel.js';

const UPROBE_BYPASS = new Set([335, 336]);
const ALLOW_CODE = PROBE_ACTION_CODES.ALLOW;
const EPERM = 1;
const ENOSYS = 38;

/**
 * Hand-picked first arguments on top of the generated ones: socket families (AF_INET 2, AF_INET6 10,
 * AF_NETLINK 16, AF_ALG 38, AF_VSOCK 40, with high bits set), personality values (PER_LINUX32 8,
 * UNAME26 0x20000, the query 0xffffffff), clone flags (thread flags, CLONE_NEWUSER, CLONE_NEWNS).
 */
const FIRST_ARGS: Readonly<Record<string, readonly bigint[]>> = {
  socket: [1n, 2n, 10n, 16n, 37n, 38n, 39n, 40n, 41n, 44n, 0x1_0000_0028n, 0x1_0000_0026n, 0xffff_ffff_0000_0028n, 0x8000_0000_0000_0028n],
  personality: [0n, 8n, 0x20000n, 0x20008n, 0xffffffffn, 0xffff_ffff_ffff_ffffn, 0x1_0000_0000n, 1n, 0x0040_0000n],
  clone: [0x3d0f00n, 0x100n, 0x11n, 0x10000000n, 0x20000n, 0x7e020000n, 0x1_0000_0000n, 0x1_1000_0000n, 0xffff_ffff_8000_0000n],
  socketcall: Array.from({ length: 22 }, (_, i) => BigInt(i)),
};

let policy: Policy;
let program: Program;

/** Cases for one probe ABI: the tables of the ABIs it reaches (args 0), odd numbers, steered args. */
function casesFor(abi: ProbeAbi): SeccompCase[] {
  const rand = makeRand(0x5eed);
  const tables = abi === 'x86' ? ['x86'] : ['x86_64', 'x32'];
  const numbers = new Set<number>([...tables.flatMap((t) => tableNumbers(t, 64)), ...OUT_OF_RANGE_NUMBERS]);
  if (abi === 'x86_64') for (const n of UPROBE_BYPASS) numbers.delete(n);
  const cases: SeccompCase[] = [...numbers].map((nr) => ({ nr }));
  for (const t of tables) {
    const ap = policy.abis.find((a) => a.abi === t);
    if (!ap) throw new Error(`policy lacks ${t}`);
    for (const s of ap.syscalls) {
      for (const a0 of FIRST_ARGS[s.name] ?? []) cases.push({ nr: s.nr, args: [a0, 0n, 0n, 0n, 0n, 0n] });
      if (!s.clauses.some((c) => c.conditions.length > 0)) continue;
      for (const args of steeredArgs(s, { rand, productLimit: 512 })) cases.push({ nr: s.nr, args });
    }
  }
  return cases;
}

/** A mismatch report: what the kernel saw and what each side says. */
function describeOutcome(o: KernelOutcome): object {
  return {
    nr: `0x${o.data.nr.toString(16)}`,
    args: o.data.args.map((a) => `0x${a.toString(16)}`),
    kernel: o.code,
    emulator: probeCode(emulate(program, o.data).ret),
    policy: probeCode(decide(policy, o.data).action),
  };
}

async function judge(abi: ProbeAbi, cases: SeccompCase[]): Promise<KernelOutcome[]> {
  const out = await probeKernel(program, cases, { abi });
  const bad = out.filter((o) => !o.issued || o.code !== probeCode(decide(policy, o.data).action));
  expect(bad.slice(0, 10).map(describeOutcome)).toEqual([]);
  return out;
}

const codeOf = (out: KernelOutcome[], nr: number, a0?: bigint): number | undefined =>
  out.find((o) => o.data.nr === nr >>> 0 && (a0 === undefined || o.data.args[0] === a0))?.code;

describe.skipIf(announceSkip(kernelSkipReason()))('compiled builtin:docker in the kernel', () => {
  beforeAll(() => {
    policy = resolveProfile(loadBuiltin('builtin:docker'), { arch: 'amd64', caps: 'docker', kernel: '6.18', runtime: 'runc' });
    program = compilePolicy(policy).program;
  });
  afterAll(closeKernelProbes);

  it('x86_64 and x32 (nr | 0x40000000): every table number and steered arguments as decide() says', async () => {
    const cases = casesFor('x86_64');
    const out = await judge('x86_64', cases);
    expect(out.length).toBeGreaterThan(1400);
    const nr = (name: string, abi = 'x86_64'): number => syscallNumber(abi, name) as number;
    // The verdict classes all occur, so the comparison above is not vacuous.
    expect(codeOf(out, nr('getppid'))).toBe(ALLOW_CODE);
    expect(codeOf(out, nr('getppid', 'x32'))).toBe(ALLOW_CODE);
    expect(codeOf(out, nr('add_key'))).toBe(EPERM);
    expect(codeOf(out, nr('add_key', 'x32'))).toBe(EPERM);
    expect(codeOf(out, 467)).toBe(ENOSYS);
    expect(codeOf(out, 0xffffffff)).toBe(ENOSYS);
    // socket: a0 < 38 || a0 == 39 || a0 > 40 compared on 64 bits (libseccomp's semantics), so a
    // family with high bits set passes on x86_64; x32 compares the low word only.
    expect(codeOf(out, nr('socket'), 40n)).toBe(EPERM);
    expect(codeOf(out, nr('socket'), 38n)).toBe(EPERM);
    expect(codeOf(out, nr('socket'), 2n)).toBe(ALLOW_CODE);
    expect(codeOf(out, nr('socket'), 0x1_0000_0028n)).toBe(ALLOW_CODE);
    expect(codeOf(out, nr('socket', 'x32'), 0x1_0000_0028n)).toBe(EPERM);
    expect(codeOf(out, nr('personality'), 0xffffffffn)).toBe(ALLOW_CODE);
    expect(codeOf(out, nr('personality'), 0xffff_ffff_ffff_ffffn)).toBe(EPERM);
    expect(codeOf(out, nr('clone'), 0x10000000n)).toBe(EPERM); // CLONE_NEWUSER
    expect(codeOf(out, nr('clone'), 0x100n)).toBe(ALLOW_CODE); // CLONE_VM
  });

  it.skipIf(kernelSkipReason('x86') !== undefined)('i386 (int $0x80): every table number and steered arguments as decide() says', async () => {
    const cases = casesFor('x86');
    const out = await judge('x86', cases);
    expect(out.length).toBeGreaterThan(600);
    const nr = (name: string): number => syscallNumber('x86', name) as number;
    expect(codeOf(out, nr('getppid'))).toBe(ALLOW_CODE);
    expect(codeOf(out, nr('add_key'))).toBe(EPERM);
    expect(codeOf(out, nr('socketcall'))).toBe(ALLOW_CODE);
    expect(codeOf(out, 467)).toBe(ENOSYS);
    // 32-bit arguments: the probe passes the low word, and the filter compares only that.
    expect(codeOf(out, nr('socket'), 40n)).toBe(EPERM);
    expect(codeOf(out, nr('socket'), 41n)).toBe(ALLOW_CODE);
    expect(codeOf(out, nr('personality'), 0xffffffffn)).toBe(ALLOW_CODE);
    expect(codeOf(out, nr('clone'), 0x10000000n)).toBe(EPERM);
  });
});
