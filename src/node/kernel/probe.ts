/**
 * Asking the running kernel: what does this filter return for these syscalls, and does the
 * kernel accept these programs? Used as the test oracle for the emulator and the verifier.
 *
 * How (details in rewrite.ts, stubs.ts, probe-child.ts):
 * - A worker thread of this process installs each filter on itself only (no TSYNC), so the rest
 *   of the process is never filtered. Filters stack on that thread; when the kernel's per-thread
 *   limit is reached (ENOMEM) a fresh thread takes over.
 * - Every filter is gated on the instruction pointer: only syscalls issued by the probe's own
 *   syscall stub run the program; every other syscall of the thread is allowed. The newest filter
 *   decides for the stub's calls because all probe filters return ERRNO there (equal actions: the
 *   kernel keeps the first, newest, result).
 * - Probed programs have every return rewritten to ERRNO(code), so no tested syscall executes.
 *   Exception: on x86_64 the kernel runs no filter at all for uretprobe (335) and uprobe (336)
 *   (`seccomp_uprobe_exception`): 335 outside a uretprobe trampoline raises SIGILL, which would kill
 *   this process, and 336 fails with ENXIO, which reads like ERRNO(6); both are reported as not
 *   issued (test/kernel/install.test.ts shows the bypass in a throwaway process).
 * - Verification installs the unmodified program behind the same gate and never issues a stub
 *   call, so an accepted program never runs. Programs whose verdict the gate's 6 instructions could
 *   change (length 0, or 4091..4096) are loaded in a throwaway `node` process instead.
 *
 * Why not fork(): V8 marks its heap MADV_DONTFORK, so a forked copy of a Node process crashes
 * (SIGSEGV) on its first JavaScript step; a worker thread needs no fork at all.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { SeccompKitError } from '../../core/errors.js';
import { encodeProgram } from '../../core/bpf/codec.js';
import type { Program, SeccompData } from '../../core/bpf/instruction.js';
import { seccompData } from '../../core/bpf/instruction.js';
import { BPF_MAXINSNS } from '../../core/bpf/opcodes.js';
import { errnoName, koffiPath, libc, libcAvailable, PR_GET_SECCOMP } from './libc.js';
import { PROBE_WORKER_SOURCE, VERIFY_CHILD_SOURCE } from './probe-child.js';
import { decodeProbeCode, ipGate, IP_GATE_LENGTH, MAX_PROBE_PROGRAM, rewriteForProbe } from './rewrite.js';
import type { ProbeVerdict } from './rewrite.js';
import { stubAddresses, SYS32_CODE } from './stubs.js';

/** AUDIT_ARCH_X86_64 and AUDIT_ARCH_I386 (linux/audit.h). */
const ARCH_X86_64 = 0xc000003e;
const ARCH_I386 = 0x40000003;
/** x86_64 syscalls that bypass seccomp (Linux 6.x `seccomp_uprobe_exception`): uretprobe, uprobe. */
const UPROBE_BYPASS = new Set([335, 336]);
/** Filters per probe thread before a fresh one is used: every stub call runs all of them. */
const MAX_FILTERS_PER_PROBE_THREAD = 64;

/** The syscall ABI a probe issues syscalls with. */
export type ProbeAbi = 'x86_64' | 'x86';

/** One syscall to issue: its number as the kernel sees it and up to six arguments. */
export interface SeccompCase {
  nr: number;
  args?: readonly bigint[];
}

/** What the kernel did with one case. */
export interface KernelOutcome {
  /** The seccomp_data the kernel built (arch of the ABI, the stub's instruction pointer, args as passed: 32-bit on x86). */
  data: SeccompData;
  /** False when the case was not issued; see {@link KernelOutcome.skipped}. */
  issued: boolean;
  /** Why the case was not issued. */
  skipped?: string;
  /** Raw return value of the syscall instruction (0n when not issued). */
  ret: bigint;
  /** `-ret` when the kernel returned an error (-4095..-1). */
  errno?: number;
  /** The probe code (rewrite.ts `probeCode`) the filter produced: 0 for ERRNO(0), else `errno`. */
  code?: number;
  /** The action the code stands for; undefined if the result is not one the rewritten filter can produce. */
  verdict?: ProbeVerdict;
}

/** Options of {@link probeKernel}. */
export interface ProbeOptions {
  /** ABI to issue the syscalls with (default x86_64; x86 uses `int $0x80`). */
  abi?: ProbeAbi;
}

interface WorkerReply {
  id: number;
  rc: number;
  errno: number;
  rets?: BigInt64Array;
}

interface WorkerRequest {
  id: number;
  filter: Uint8Array;
  len: number;
  abi?: ProbeAbi;
  nrs?: Uint32Array;
  args?: BigUint64Array;
}

/** One worker thread carrying a stack of filters. */
class ProbeThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private dead: Error | undefined;
  private retired = false;
  readonly ready: Promise<void>;
  /** Filters installed on this thread so far. */
  filters = 0;

  constructor() {
    const stubs = stubAddresses();
    this.worker = new Worker(PROBE_WORKER_SOURCE, {
      eval: true,
      workerData: { koffiPath: koffiPath(), sys64: stubs.sys64, sys32: stubs.sys32 },
      stdout: false,
      stderr: false,
    });
    this.worker.unref();
    let readyResolve: () => void = () => {};
    let readyReject: (e: Error) => void = () => {};
    this.ready = new Promise<void>((res, rej) => {
      readyResolve = res;
      readyReject = rej;
    });
    this.ready.catch(() => {}); // reported through request()
    this.worker.on('message', (m: WorkerReply | { ready: true; nnp: boolean; errno: number }) => {
      if ('ready' in m) {
        if (m.nnp) readyResolve();
        else readyReject(new SeccompKitError('kernel', `prctl(PR_SET_NO_NEW_PRIVS) failed in the probe thread: ${errnoName(m.errno)}`));
        return;
      }
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) {
        this.worker.unref();
        if (this.retired) void this.close();
      }
      p.resolve(m);
    });
    const fail = (e: Error): void => {
      this.dead ??= e;
      readyReject(e);
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('error', (e) => fail(e instanceof Error ? e : new Error(String(e))));
    this.worker.on('exit', (code) => fail(new Error(`kernel probe thread exited (code ${code})`)));
  }

  /** No new requests; terminate once the pending ones are answered. */
  retire(): void {
    this.retired = true;
    if (this.pending.size === 0) void this.close();
  }

  get alive(): boolean {
    return this.dead === undefined;
  }

  async request(req: Omit<WorkerRequest, 'id'>): Promise<WorkerReply> {
    await this.ready;
    if (this.dead) throw this.dead;
    const id = this.nextId++;
    const msg: WorkerRequest = { ...req, id };
    return new Promise<WorkerReply>((resolve, reject) => {
      // A probe thread that never answers was killed by a filter (a rewriting bug): fail, do not hang.
      const timer = setTimeout(() => {
        if (!this.pending.has(id)) return;
        this.pending.delete(id);
        const e = new Error('kernel probe thread did not answer within 60 s (was it killed by a filter?)');
        this.dead ??= e;
        reject(e);
      }, 60_000);
      timer.unref();
      this.pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.worker.ref();
      const transfer: ArrayBuffer[] = [msg.filter.buffer as ArrayBuffer];
      if (msg.nrs) transfer.push(msg.nrs.buffer as ArrayBuffer);
      if (msg.args) transfer.push(msg.args.buffer as ArrayBuffer);
      this.worker.postMessage(msg, transfer);
    });
  }

  async close(): Promise<void> {
    if (!this.alive) return;
    this.dead = new Error('kernel probe thread closed');
    await this.worker.terminate();
  }
}

const threads: { probe?: ProbeThread; verify?: ProbeThread } = {};

function thread(kind: 'probe' | 'verify', fresh: boolean): ProbeThread {
  const t = threads[kind];
  if (t && t.alive && !fresh) return t;
  t?.retire();
  const n = new ProbeThread();
  threads[kind] = n;
  return n;
}

/** Stops the probe's worker threads (they do not keep the process alive, but tests may tidy up). */
export async function closeKernelProbes(): Promise<void> {
  const ts = [threads.probe, threads.verify];
  threads.probe = undefined;
  threads.verify = undefined;
  await Promise.all(ts.map((t) => t?.close()));
}

/**
 * Installs `filter` on a probe thread, retrying once on a fresh thread when the used one is full
 * (ENOMEM: the per-thread instruction total) or has reached its filter quota.
 */
async function installOn(kind: 'probe' | 'verify', filter: Program, extra: Partial<WorkerRequest> = {}): Promise<WorkerReply> {
  let t = thread(kind, false);
  if (kind === 'probe' && t.filters >= MAX_FILTERS_PER_PROBE_THREAD) t = thread(kind, true);
  const send = (th: ProbeThread): Promise<WorkerReply> => {
    const req: Omit<WorkerRequest, 'id'> = { filter: encodeProgram(filter, 'little'), len: filter.length };
    if (extra.abi) req.abi = extra.abi;
    if (extra.nrs) req.nrs = extra.nrs.slice();
    if (extra.args) req.args = extra.args.slice();
    return th.request(req);
  };
  let r = await send(t);
  if (r.rc < 0 && errnoName(r.errno) === 'ENOMEM' && t.filters > 0) {
    t = thread(kind, true);
    r = await send(t);
  }
  if (r.rc >= 0) t.filters++;
  return r;
}

let support: { ok: true } | { ok: false; reason: string } | undefined;
let ia32Support: { ok: true } | { ok: false; reason: string } | undefined;

/**
 * Whether this machine can run the probe: Linux x86_64, koffi + glibc, seccomp filters in the
 * kernel, and (for `abi: 'x86'`) the i386 syscall ABI (checked in a throwaway process, because
 * without IA32 emulation `int $0x80` kills the caller with SIGSEGV).
 */
export function kernelProbeSupport(abi: ProbeAbi = 'x86_64'): { ok: true } | { ok: false; reason: string } {
  if (!support) {
    if (process.platform !== 'linux' || process.arch !== 'x64') support = { ok: false, reason: `needs Linux x86_64, this is ${process.platform}/${process.arch}` };
    else if (!libcAvailable()) support = { ok: false, reason: 'koffi or glibc cannot be loaded' };
    else {
      const c = libc();
      // PR_GET_SECCOMP: EINVAL when the kernel is built without seccomp.
      const mode = c.prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
      const inherited = inheritedFilters();
      if (mode < 0) support = { ok: false, reason: `the kernel has no seccomp (${errnoName(c.errno())})` };
      // Filters this process already runs under also judge the probe's syscalls, and their KILL
      // or TRAP verdicts win over the probe's ERRNO: probing could kill this process.
      else if (mode !== 0 || inherited > 0) support = { ok: false, reason: `this process already runs under seccomp (mode ${mode}, ${inherited} filters), whose verdicts would override the probe's` };
      else support = { ok: true };
    }
  }
  if (!support.ok || abi === 'x86_64') return support;
  if (!ia32Support) {
    const code = `
      const koffi = require(process.argv[1]);
      const lib = koffi.load('libc.so.6');
      const mmap = lib.func('void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off)');
      const page = mmap(null, 4096, 7, 0x62, -1, 0);
      new Uint8Array(koffi.view(page, 4096)).set(${JSON.stringify(SYS32_CODE)});
      const f = koffi.decode(page, koffi.proto('int64_t f(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t)'));
      process.stdout.write(String(Number(f(20, 0, 0, 0, 0, 0, 0)) === process.pid));`;
    const r = spawnSync(process.execPath, ['-e', code, koffiPath()], { encoding: 'utf8', timeout: 30_000 });
    ia32Support = r.stdout === 'true' ? { ok: true } : { ok: false, reason: `the i386 syscall ABI (int $0x80) is not available (${r.signal ?? `exit ${r.status}`}: IA32 emulation off?)` };
  }
  return ia32Support;
}

/** `Seccomp_filters:` of /proc/self/status (0 when absent). */
function inheritedFilters(): number {
  try {
    const m = /^Seccomp_filters:\s*(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function assertSupported(abi: ProbeAbi): void {
  const s = kernelProbeSupport(abi);
  if (!s.ok) throw new SeccompKitError('kernel', `cannot probe the kernel: ${s.reason}`);
}

/**
 * Runs `p` in the real kernel for each case and reports what the kernel returned, through the
 * probe's rewriting (no tested syscall executes; see the module comment). `p` must be a program
 * the kernel accepts and at most {@link MAX_PROBE_PROGRAM} instructions long.
 */
export async function probeKernel(p: Program, cases: readonly SeccompCase[], opts: ProbeOptions = {}): Promise<KernelOutcome[]> {
  const abi = opts.abi ?? 'x86_64';
  assertSupported(abi);
  if (p.length === 0 || p.length > MAX_PROBE_PROGRAM) {
    throw new SeccompKitError('kernel', `the kernel probe takes programs of 1..${MAX_PROBE_PROGRAM} instructions, this one has ${p.length}`);
  }
  const stubs = stubAddresses();
  const ip = abi === 'x86' ? stubs.ip32 : stubs.ip64;
  const arch = abi === 'x86' ? ARCH_I386 : ARCH_X86_64;
  const outcomes: KernelOutcome[] = cases.map((c) => {
    const args = (c.args ?? []).map((a) => (abi === 'x86' ? BigInt.asUintN(32, a) : BigInt.asUintN(64, a)));
    const data = seccompData(arch, c.nr, args, ip);
    if (abi === 'x86_64' && UPROBE_BYPASS.has(data.nr)) {
      return { data, issued: false, ret: 0n, skipped: `x86_64 syscall ${data.nr} (uretprobe/uprobe) runs without any seccomp filter; not issued` };
    }
    return { data, issued: true, ret: 0n };
  });
  const issued = outcomes.filter((o) => o.issued);
  const nrs = new Uint32Array(issued.length);
  const args = new BigUint64Array(issued.length * 6);
  issued.forEach((o, i) => {
    nrs[i] = o.data.nr;
    o.data.args.forEach((a, j) => (args[i * 6 + j] = a));
  });
  const filter = ipGate(rewriteForProbe(p), ip);
  const r = await installOn('probe', filter, { abi, nrs, args });
  if (r.rc < 0) {
    throw new SeccompKitError('kernel', `the kernel refused the probe's rewrite of this program: ${errnoName(r.errno)}`, {
      hint: 'the probe needs a program the kernel accepts (check it with kernelVerify or `seccomp-kit verify`)',
    });
  }
  const rets = r.rets ?? new BigInt64Array(0);
  issued.forEach((o, i) => {
    o.ret = rets[i];
    if (o.ret >= -4095n && o.ret <= 0n) {
      const code = Number(-o.ret);
      if (code !== 0) o.errno = code;
      o.code = code;
      const v = decodeProbeCode(code);
      if (v) o.verdict = v;
    }
  });
  return outcomes;
}

/** The kernel's answer for one program. */
export interface KernelVerdict {
  accepted: boolean;
  /** errno name (`EINVAL`, `ENOMEM`, ...) when refused. */
  errno?: string;
}

/** Options of {@link kernelVerify}. */
export interface KernelVerifyOptions {
  /**
   * `thread` (default): behind the instruction-pointer gate on a worker thread, fast.
   * `process`: the unmodified program in throwaway `node` processes (one per accepted program,
   * tens of milliseconds each); what the thread method is checked against.
   */
  isolation?: 'thread' | 'process';
}

/**
 * Asks the kernel whether it accepts each program as a filter (`seccomp(SECCOMP_SET_MODE_FILTER, 0)`
 * on a thread whose earlier filters leave room). Accepted programs are attached behind the
 * instruction-pointer gate and never run. Lengths the gate would move across a limit (0, and
 * 4091..4096) always go to a throwaway process.
 */
export async function kernelVerify(programs: readonly Program[], opts: KernelVerifyOptions = {}): Promise<KernelVerdict[]> {
  assertSupported('x86_64');
  for (const p of programs) {
    if (p.length > 0xffff - IP_GATE_LENGTH) {
      throw new SeccompKitError('kernel', `a program of ${p.length} instructions does not fit struct sock_fprog (len is 16 bits)`);
    }
  }
  if (opts.isolation === 'process') return verifyInChildProcesses(programs);
  const ip = stubAddresses().ip64;
  const out: KernelVerdict[] = new Array<KernelVerdict>(programs.length);
  const viaProcess: number[] = [];
  for (let i = 0; i < programs.length; i++) {
    const p = programs[i];
    if (p.length === 0 && emptyVerdict) out[i] = emptyVerdict;
    else if (p.length === 0 || (p.length > BPF_MAXINSNS - IP_GATE_LENGTH && p.length <= BPF_MAXINSNS)) viaProcess.push(i);
    else {
      const r = await installOn('verify', ipGate(p, ip));
      out[i] = r.rc >= 0 ? { accepted: true } : { accepted: false, errno: errnoName(r.errno) };
    }
  }
  if (viaProcess.length) {
    const got = verifyInChildProcesses(viaProcess.map((i) => programs[i]));
    viaProcess.forEach((i, j) => (out[i] = got[j]));
    const empty = viaProcess.findIndex((i) => programs[i].length === 0);
    if (empty >= 0) emptyVerdict = got[empty];
  }
  return out;
}

/** The kernel's answer for the empty program, once asked (it depends on nothing else). */
let emptyVerdict: KernelVerdict | undefined;

/** Loads raw programs in throwaway `node` processes (see {@link VERIFY_CHILD_SOURCE}). */
function verifyInChildProcesses(programs: readonly Program[]): KernelVerdict[] {
  const input = JSON.stringify(programs.map((p) => Buffer.from(encodeProgram(p, 'little')).toString('hex')));
  const out: KernelVerdict[] = [];
  while (out.length < programs.length) {
    const start = out.length;
    const r = spawnSync(process.execPath, ['-e', VERIFY_CHILD_SOURCE, koffiPath(), String(start)], {
      input,
      encoding: 'utf8',
      timeout: 120_000,
      killSignal: 'SIGKILL',
      maxBuffer: 64 * 1024 * 1024,
    });
    let tried = -1;
    for (const line of (r.stdout ?? '').split('\n')) {
      const m = /^(t|r) (\d+)(?: (\d+))?$/.exec(line);
      if (!m) continue;
      const i = Number(m[2]);
      if (m[1] === 't') tried = i;
      else out[i] = { accepted: false, errno: errnoName(Number(m[3])) };
    }
    const finished = (r.stdout ?? '').includes('done\n');
    if (finished && r.status === 0) break;
    // Ended right after "t <tried>" without a refusal: the kernel accepted that program.
    const endedByFilter = r.signal !== null || r.status === 77 || r.status === 78;
    if (tried < start || out[tried] !== undefined || !endedByFilter || r.error) {
      throw new Error(`kernel verify process failed (status ${r.status}, signal ${r.signal}): ${r.stdout ?? ''} ${r.stderr ?? ''}`);
    }
    out[tried] = { accepted: true };
  }
  return out;
}
