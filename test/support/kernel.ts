// Helpers for tests that ask the real kernel: why a suite must skip, and throwaway Node processes
// for filters that must really act (KILL, strict mode) without touching the test process.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { Program } from '../../src/core/bpf/instruction.js';
import { kernelProbeSupport } from '../../src/node/kernel/probe.js';
import type { ProbeAbi, SeccompCase } from '../../src/node/kernel/probe.js';
import { libseccompAvailable } from '../../src/node/libseccomp.js';
import { arbRetValue } from './bpf-arbitraries.js';

/** Project root, for imports inside child scripts. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Why kernel tests cannot run here (undefined: they can). */
export function kernelSkipReason(abi: ProbeAbi = 'x86_64'): string | undefined {
  const s = kernelProbeSupport(abi);
  return s.ok ? undefined : `kernel tests skipped: ${s.reason}`;
}

/** Why libseccomp tests cannot run here. */
export function libseccompSkipReason(): string | undefined {
  return libseccompAvailable() ? undefined : 'libseccomp tests skipped: libseccomp.so.2 is not installed (Debian: libseccomp2)';
}

/** Logs the reason once so a skipped suite says why. */
export function announceSkip(reason: string | undefined): boolean {
  if (reason) console.warn(reason);
  return reason !== undefined;
}

/** Result of {@link runChild}. */
export interface ChildResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs an ES module (TypeScript allowed, through tsx) in a fresh `node` process. `src` may import
 * project modules as `@root/src/...` (rewritten to absolute paths). For filters that must act for
 * real: the child may be killed by its own filter. `input` becomes its standard input.
 */
export function runChild(src: string, timeoutMs = 60_000, input?: string): ChildResult {
  const { dir, file } = childScript(src);
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', file], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
      input: input ?? '',
      maxBuffer: 64 * 1024 * 1024,
    });
    return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function childScript(src: string): { dir: string; file: string } {
  // Inside the project (test-artifacts/ is git-ignored) so that bare imports such as koffi resolve.
  const base = join(ROOT, 'test-artifacts');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'kernel-child-'));
  const file = join(dir, 'child.mts');
  writeFileSync(file, src.replaceAll('@root/', ROOT));
  return { dir, file };
}

/** A running child from {@link startChild}. */
export interface RunningChild {
  child: ChildProcess;
  /** Everything written to standard output so far. */
  stdout(): string;
  /** Resolves once standard output contains `text` (rejects if the child exits first). */
  waitFor(text: string): Promise<void>;
  /** Kills the child (SIGKILL), waits for it and removes its script. */
  stop(): Promise<void>;
}

/** Like {@link runChild}, but returns at once so the test can watch the process. */
export function startChild(src: string): RunningChild {
  const { dir, file } = childScript(src);
  const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const waiters: Array<() => void> = [];
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString('utf8');
    waiters.splice(0).forEach((w) => w());
  });
  const exited = new Promise<void>((res) => child.on('exit', () => res()));
  return {
    child,
    stdout: () => out,
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (out.includes(text)) resolve();
          else waiters.push(check);
        };
        void exited.then(() => (out.includes(text) ? resolve() : reject(new Error(`child exited before printing ${text}: ${out}`))));
        check();
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Syscall cases aimed at a program's own branches: numbers and argument words are mostly the
 * constants its jumps and ALU instructions use (and their neighbours), the rest random.
 */
export function arbCaseFor(p: Program): fc.Arbitrary<SeccompCase> {
  const ks = new Set<number>([0, 1, 0xffffffff, 0x40000000, 0x80000000]);
  for (const i of p) {
    const cls = i.code & 0x07;
    if ((cls === 0x05 || cls === 0x04 || cls === 0x00) && (i.code & 0x08) === 0) {
      ks.add(i.k >>> 0);
      ks.add((i.k + 1) >>> 0);
      ks.add((i.k - 1) >>> 0);
    }
  }
  const word = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...ks) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffffffff }) },
  );
  const arg = fc.tuple(word, word).map(([lo, hi]) => (BigInt(hi) << 32n) | BigInt(lo));
  return fc.record({ nr: word, args: fc.array(arg, { minLength: 6, maxLength: 6 }) });
}

const ALU_K_OPS = [0x00, 0x10, 0x20, 0x40, 0x50, 0x60, 0x70, 0xa0]; // add sub mul or and lsh rsh xor
const JMP_K_OPS = [0x10, 0x20, 0x30, 0x40]; // jeq jgt jge jset

/**
 * Programs shaped like real filters, so that verdicts depend on the data: mostly loads of
 * seccomp_data words, comparisons against a small pool of constants (which {@link arbCaseFor}
 * then hits), some ALU and X-register work, few early returns. Always valid (no scratch memory,
 * no division, shifts below 32). `consts` adds values worth comparing with (the probe's
 * instruction pointer halves, say).
 */
export function arbFilterShapedProgram(opts: { consts?: readonly number[]; maxLen?: number } = {}): fc.Arbitrary<Program> {
  const pool = [...(opts.consts ?? []), 0, 1, 2, 39, 59, 231, 0x40000000, 0x4000003b, 0xc000003e, 0x40000003, 0x7fffffff, 0x80000000, 0xffffffff];
  const k = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffffffff }) });
  type Step = (pc: number, n: number) => { code: number; jt: number; jf: number; k: number };
  const room = (pc: number, n: number, want: number): number => Math.max(0, Math.min(want, n - 2 - pc));
  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: 0, max: 15 }).map((w): Step => () => ({ code: 0x20, jt: 0, jf: 0, k: w * 4 })) },
    { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...JMP_K_OPS), k, fc.nat(8), fc.nat(8)).map(([op, kk, jt, jf]): Step => (pc, n) => ({ code: 0x05 | op, jt: room(pc, n, jt), jf: room(pc, n, jf), k: kk })) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...ALU_K_OPS), k).map(([op, kk]): Step => () => ({ code: 0x04 | op, jt: 0, jf: 0, k: op === 0x60 || op === 0x70 ? kk % 32 : kk })) },
    { weight: 1, arbitrary: fc.constantFrom(0x07, 0x87, 0x84, 0x1d, 0x2d, 0x3d, 0x4d, 0x0c, 0x5c, 0xac).map((code): Step => (pc, n) => ({ code, jt: (code & 0x07) === 0x05 ? room(pc, n, 1) : 0, jf: 0, k: 0 })) },
    { weight: 1, arbitrary: arbRetValue().map((v): Step => () => ({ code: 0x06, jt: 0, jf: 0, k: v })) },
  );
  const last = fc.oneof(arbRetValue().map((v) => ({ code: 0x06, jt: 0, jf: 0, k: v })), fc.constant({ code: 0x16, jt: 0, jf: 0, k: 0 }));
  return fc.tuple(fc.array(step, { minLength: 3, maxLength: Math.max(3, (opts.maxLen ?? 120) - 1), size: 'large' }), last).map(([steps, end]) => {
    const n = steps.length + 1;
    return [...steps.map((s, pc) => s(pc, n)), end];
  });
}
