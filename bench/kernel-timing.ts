/**
 * The real-kernel part of `npm run bench`: nanoseconds per syscall under each filter, measured by a
 * small C program (bench/c/seccomp-time.c) compiled with gcc at bench time. Each (filter, round) is
 * its own process, because a seccomp filter cannot be removed once installed; variants run
 * round-robin (A B C D, B C D A, ...) so drift on the machine hits all of them alike.
 * Not a test: nothing here asserts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants as osConstants, cpus, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeProgram } from '../src/core/bpf/codec.js';
import { emulate } from '../src/core/bpf/emulate.js';
import { isConstAllow } from '../src/core/bpf/cache.js';
import { formatAction } from '../src/core/bpf/actions.js';
import { seccompData, type Program } from '../src/core/bpf/instruction.js';
import { syscallNumber } from '../src/core/syscalls/index.js';
import { printTable, ratio } from './util.js';

const AUDIT_ARCH_X86_64 = 0xc000003e;
const SOURCE = fileURLToPath(new URL('./c/seccomp-time.c', import.meta.url));

/** One timed call: the name seccomp-time.c knows, the arguments it passes, what it stands for. */
interface TimedCall { name: string; args: bigint[]; label: string }

/**
 * The calls the issue asks for, plus add_key: Podman's profile allows syslog, and add_key reaches the
 * default (deny) action under both profiles. The C side passes the same arguments.
 */
export const TIMED_CALLS: readonly TimedCall[] = [
  { name: 'getppid', args: [], label: 'getppid' },
  // Queries the persona only; 0xffffffff is one of the values both profiles allow.
  { name: 'personality', args: [0xffffffffn], label: 'personality(0xffffffff)' },
  // SYSLOG_ACTION_SIZE_BUFFER (10) only reads the log buffer's size when no filter denies it.
  { name: 'syslog', args: [10n], label: 'syslog(SIZE_BUFFER)' },
  // An empty key type makes the unfiltered call fail with EINVAL before it does anything.
  { name: 'add_key', args: [], label: 'add_key("", ...)' },
];

/** Filters to compare on one profile; the first is ours, the rest are compared against it. */
export interface KernelTimingGroup {
  title: string;
  filters: Array<{ who: string; program: Program }>;
}

/** How much to measure: each process makes `reps` loops of `calls` calls per syscall. */
export interface KernelTimingOptions {
  rounds?: number;
  calls?: number;
  reps?: number;
}

interface Variant { key: string; file: string | null }
interface CallSample { best: number; median: number; result: number; errno: number }
type Sample = Map<string, CallSample>;

/** Why the section cannot run here, or undefined when it can. */
function unavailable(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return `needs Linux on x86_64 (this is ${process.platform}/${process.arch})`;
  const gcc = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
  if (gcc.error || gcc.status !== 0) return 'gcc not found (apt-get install gcc)';
  return undefined;
}

/** `6.18.44`, `BPF JIT on`: what decides how much an executed instruction costs. */
function machineLine(): string {
  let jit = 'unknown (no /proc/sys/net/core/bpf_jit_enable)';
  try {
    const v = readFileSync('/proc/sys/net/core/bpf_jit_enable', 'utf8').trim();
    jit = v === '0' ? 'off (interpreter)' : `on (bpf_jit_enable=${v})`;
  } catch { /* keep unknown */ }
  const cpu = cpus();
  return `kernel ${release()}, BPF JIT ${jit}, ${cpu.length} CPU(s): ${cpu[0]?.model ?? 'unknown'}`;
}

function errnoName(n: number): string {
  return Object.entries(osConstants.errno).find(([, v]) => v === n)?.[0] ?? `errno ${n}`;
}

function outcome(s: CallSample): string {
  return s.result === -1 ? errnoName(s.errno) : `returns ${s.result}`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function runOnce(bin: string, v: Variant, o: Required<KernelTimingOptions>): Sample {
  const r = spawnSync(bin, [v.file ?? 'none', String(o.calls), String(o.reps), ...TIMED_CALLS.map((c) => c.name)], { encoding: 'utf8', timeout: 60_000 });
  if (r.error || r.status !== 0) throw new Error(`seccomp-time (${v.key}) failed: ${r.error?.message ?? r.stderr.trim()}`);
  const sample: Sample = new Map();
  for (const line of r.stdout.trim().split('\n')) {
    const [name, best, med, result, errno] = line.split(' ');
    sample.set(name, { best: Number(best), median: Number(med), result: Number(result), errno: Number(errno) });
  }
  return sample;
}

/** Executed instructions of `p` for a call (emulator), or `cached` when the kernel skips the filter. */
function executed(p: Program, call: TimedCall): string {
  const nr = syscallNumber('x86_64', call.name);
  if (nr === undefined) return '?';
  if (isConstAllow(p, AUDIT_ARCH_X86_64, nr)) return 'cached';
  const r = emulate(p, seccompData(AUDIT_ARCH_X86_64, nr, call.args));
  return `${r.steps} ${formatAction(r.ret)}`;
}

/**
 * Times every filter of every group (plus no filter) on the running kernel and prints one table per
 * group with ratios against the libseccomp filters. Skips with a message when gcc is missing.
 */
export function kernelTimingSection(groups: KernelTimingGroup[], opts: KernelTimingOptions = {}): void {
  const o: Required<KernelTimingOptions> = { rounds: opts.rounds ?? 9, calls: opts.calls ?? 50_000, reps: opts.reps ?? 7 };
  const why = unavailable();
  if (why) {
    console.log(`\n## kernel runtime\n\nskipped: ${why}`);
    return;
  }
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'seccomp-kit-bench-'));
  try {
    const bin = join(dir, 'seccomp-time');
    const cc = spawnSync('gcc', ['-O2', '-Wall', '-o', bin, SOURCE], { encoding: 'utf8' });
    if (cc.status !== 0) {
      console.log(`\n## kernel runtime\n\nskipped: gcc could not build ${SOURCE}:\n${cc.stderr}`);
      return;
    }
    const variants: Variant[] = [{ key: 'none', file: null }];
    groups.forEach((g, gi) => g.filters.forEach((f, fi) => {
      const file = join(dir, `filter-${gi}-${fi}.bpf`);
      writeFileSync(file, encodeProgram(f.program, 'little'));
      variants.push({ key: `${gi}/${fi}`, file });
    }));
    // samples[variant key][round]
    const samples = new Map<string, Sample[]>(variants.map((v) => [v.key, []]));
    for (let round = 0; round < o.rounds; round++) {
      for (let i = 0; i < variants.length; i++) {
        const v = variants[(i + round) % variants.length];
        samples.get(v.key)?.push(runOnce(bin, v, o));
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    console.log(`\n## kernel runtime\n\n${machineLine()}`);
    console.log(`Each filter is installed in its own process with prctl(PR_SET_NO_NEW_PRIVS) and seccomp(SECCOMP_SET_MODE_FILTER, SPEC_ALLOW)`);
    console.log(`(runc's flag when a profile sets none; the same for every filter). ${o.rounds} rounds, filters round-robin; each process times`);
    console.log(`${o.reps} loops of ${o.calls} syscall(2) calls per syscall, the syscalls interleaved. ns = median over rounds of each process's best loop;`);
    console.log(`+filter = ns minus no filter (negative for a denied call when the real call costs more than the filter);`);
    console.log(`executed = instructions the filter runs for the call and its action (emulator), or "cached" when the action cache skips it.`);
    console.log(`Section time: ${seconds.toFixed(1)} s.`);
    for (const [gi, g] of groups.entries()) printGroup(g, gi, samples, o.rounds);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function printGroup(g: KernelTimingGroup, gi: number, samples: Map<string, Sample[]>, rounds: number): void {
  const series = (key: string, call: string): number[] => (samples.get(key) ?? []).map((s) => s.get(call)?.best ?? NaN);
  const base = TIMED_CALLS.map((c) => median(series('none', c.name)));
  const head = ['filter', 'instructions', ...TIMED_CALLS.flatMap((c) => [`${c.name} ns`, '+filter', 'executed'])];
  const table: (string | number)[][] = [head, ['no filter', 0, ...base.flatMap((b) => [b, '', ''])]];
  const med = g.filters.map((f, fi) => TIMED_CALLS.map((c) => median(series(`${gi}/${fi}`, c.name))));
  g.filters.forEach((f, fi) => {
    table.push([f.who, f.program.length, ...TIMED_CALLS.flatMap((c, ci) => [med[fi][ci], signed(med[fi][ci] - base[ci]), executed(f.program, c)])]);
  });
  const goal: string[] = [];
  for (let fi = 1; fi < g.filters.length; fi++) {
    const short = g.filters[fi].who.replace('libseccomp ', '');
    table.push([`ratio ours/${short}`, ratio(g.filters[0].program.length, g.filters[fi].program.length), ...TIMED_CALLS.flatMap((_, ci) => [ratio(med[0][ci], med[fi][ci]), overheadRatio(med[0][ci] - base[ci], med[fi][ci] - base[ci]), ''])]);
    // Paired by round: both ran within the same round-robin pass.
    const paired = TIMED_CALLS.map((c) => {
      const ours = series(`${gi}/0`, c.name);
      const theirs = series(`${gi}/${fi}`, c.name);
      const d = ours.map((x, r) => x - theirs[r]);
      return { d: median(d), faster: d.filter((x) => x <= 0).length };
    });
    table.push([`ours - ${short}, paired`, '', ...paired.flatMap((p) => [signed(p.d), `${p.faster}/${rounds} <=`, ''])]);
    if (g.filters[fi].who.endsWith('opt=2')) {
      TIMED_CALLS.forEach((c, ci) => {
        // Noise allowance: 1 ns or 1 % of libseccomp's time, whichever is larger.
        const allowed = Math.max(1, 0.01 * med[fi][ci]);
        const p = paired[ci];
        goal.push(p.d <= allowed ? `${c.name} met (${signed(p.d)} ns)` : `${c.name} NOT met (${signed(p.d)} ns, ours <= in ${p.faster}/${rounds} rounds)`);
      });
    }
  }
  printTable(`kernel runtime, ${g.title} (ns per call)`, table);
  if (goal.length) console.log(`goal "never slower than libseccomp's tree" (median paired difference <= max(1 ns, 1 %)): ${goal.join('; ')}`);
  // Which verdict each filter gave, so a difference in the timed path would show.
  const parts = TIMED_CALLS.map((c) => {
    const none = samples.get('none')?.[0]?.get(c.name);
    const under = g.filters.map((_, fi) => samples.get(`${gi}/${fi}`)?.[0]?.get(c.name));
    const kinds = new Set(under.map((s) => (s ? outcome(s) : '?')));
    const filtered = kinds.size === 1 ? [...kinds][0] : `DIFFERENT: ${g.filters.map((f, fi) => `${f.who} ${under[fi] ? outcome(under[fi] as CallSample) : '?'}`).join(', ')}`;
    return `${c.label} ${filtered} under the filters, ${none ? outcome(none) : '?'} without`;
  });
  console.log(`outcomes: ${parts.join('; ')}`);
}

/** Ratio of two filter costs; blank when one is not positive (a denied call skips the syscall's own work). */
function overheadRatio(ours: number, theirs: number): string {
  return ours > 0 && theirs > 0 ? ratio(ours, theirs) : '';
}

function signed(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  const s = Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(1);
  return n > 0 ? `+${s}` : s;
}
