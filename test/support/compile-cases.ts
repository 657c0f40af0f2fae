/**
 * Syscall events for the compiler's acceptance tests (test/compile/*): every syscall number of
 * each ABI's table and past its end, the x32 range, out-of-range numbers, and argument vectors
 * steered to each rule's constants (the value, +-1, high word set, mask edges), plus random ones.
 * Deterministic for a given seed, so a failure names a seed that reproduces it.
 */
import { X32_SYSCALL_BIT } from '../../src/core/bpf/opcodes.js';
import { compileEmulator, type CompiledEmulator } from '../../src/core/bpf/emulate.js';
import { seccompData, type Program, type SeccompData } from '../../src/core/bpf/instruction.js';
import { decide, selectAbi } from '../../src/core/profile/decide.js';
import type { AbiPolicy, Condition, Policy, SyscallPolicy } from '../../src/core/profile/policy.js';
import { getAbi, maxSyscallNumber } from '../../src/core/syscalls/index.js';

const U64 = 0xffffffffffffffffn;
const HI = 0xffffffff00000000n;
const AUDIT_ARCH_X86_64 = 0xc000003e;
const AUDIT_ARCH_LE = 0x40000000;

/** A u32 generator (mulberry32); small, fast and reproducible. */
export type Rand = () => number;

/** A seeded {@link Rand}. */
export function makeRand(seed: number): Rand {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** The seed of this run: `SK_SEED` when set (to replay a failure), else a fresh one. */
export function runSeed(): number {
  const env = process.env.SK_SEED;
  return env !== undefined && env !== '' ? Number(env) >>> 0 : (Math.random() * 0x100000000) >>> 0;
}

export const randU64 = (r: Rand): bigint => (BigInt(r()) << 32n) | BigInt(r());
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[r() % xs.length];

/**
 * Syscall numbers no table holds but a filter must still place: -1 (a tracer skipping the call),
 * both sides of the x32 bit and of the sign bit, the pre-5.4 x32 numbers 512-547 without the bit,
 * ARM's private range, MIPS bases, 16-bit edges.
 */
export const OUT_OF_RANGE_NUMBERS: readonly number[] = [
  0xffffffff, 0xfffffffe, 0x7fffffff, 0x7ffffffe, 0x80000000, 0x80000001, 0x3fffffff, 0x3ffffffe,
  0x40000000, 0x40000001, 0x40000002, 0xbfffffff, 0xc0000000, 0xc0000001, 0xc000003e, 0x4000ffff, 0x40010000,
  ...range(512, 547), 0xf0000, 0xf0001, 0xf0005, 0xf07ff, 3999, 4000, 4001, 5000, 6000, 0xffff, 0x10000, 0x10001,
];

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let n = from; n <= to; n++) out.push(n >>> 0);
  return out;
}

/**
 * Arch values to try for the bad-arch return (those a policy covers are left out): x86_64 and
 * i386 for policies restricted to fewer ABIs, other real arches, libseccomp's fake x32 token,
 * neighbours and extremes.
 */
export const OTHER_ARCHES: readonly number[] = [0xc000003e, 0x40000003, 0x40000028, 0xc00000b7, 0x80000016, 0x00000014, 0, 0xffffffff, 0x4000003e, 0xc000003f, 0x40000004];

/**
 * Values worth trying against one condition: its constant (and mask) with neighbours in both
 * words, the high word set, the low word alone, each masked bit flipped, the complement.
 */
export function conditionVariants(c: Condition): bigint[] {
  const out = new Set<bigint>([0n, 1n, 0xffffffffn, 1n << 32n, U64]);
  const bases = [c.value];
  if (c.op === 'MASKED_EQ' && c.mask !== undefined) {
    const m = c.mask;
    bases.push(m, c.value & m, c.value | (~m & U64), ~m & U64);
    for (let b = 0n; b < 64n; b++) {
      if (((m >> b) & 1n) === 1n) out.add(BigInt.asUintN(64, c.value ^ (1n << b)));
    }
  }
  for (const v of bases) {
    for (const d of [v, v + 1n, v - 1n, v | (1n << 32n), v ^ (1n << 32n), v | HI, v & 0xffffffffn, (v & 0xffffffffn) << 32n, ((v + 1n) & 0xffffffffn) << 32n, ~v]) {
      out.add(BigInt.asUintN(64, d));
    }
  }
  return [...out];
}

/** Every variant of every condition of a policy: the pool random arguments are drawn from. */
export function policyPool(policy: Policy): bigint[] {
  const set = new Set<bigint>([0n, 1n, 0xffffffffn, U64, 1n << 32n]);
  for (const a of policy.abis) for (const s of a.syscalls) for (const c of s.clauses) for (const cond of c.conditions) for (const v of conditionVariants(cond)) set.add(v);
  return [...set];
}

/** Options of {@link steeredArgs}. */
export interface SteerOptions {
  rand: Rand;
  /** The cross product of per-argument variants is used whole up to this size, else sampled to it. */
  productLimit?: number;
  /** Random vectors per clause with each of its arguments at one of its variants. */
  perClause?: number;
}

/**
 * Argument vectors aimed at one syscall's conditions: each variant alone on its argument (others
 * 0), the cross product of the variants of all conditioned arguments (sampled when large), and per
 * clause random combinations of its own conditions' variants with random other arguments.
 */
export function steeredArgs(sys: SyscallPolicy, opts: SteerOptions): bigint[][] {
  const { rand } = opts;
  const limit = opts.productLimit ?? 2048;
  const perArg = new Map<number, Set<bigint>>();
  for (const c of sys.clauses) {
    for (const cond of c.conditions) {
      const set = perArg.get(cond.arg) ?? new Set<bigint>();
      for (const v of conditionVariants(cond)) set.add(v);
      perArg.set(cond.arg, set);
    }
  }
  if (perArg.size === 0) return [];
  const out: bigint[][] = [];
  const zero = (): bigint[] => [0n, 0n, 0n, 0n, 0n, 0n];
  for (const [arg, vs] of perArg) {
    for (const v of vs) {
      const a = zero();
      a[arg] = v;
      out.push(a);
    }
  }
  const args = [...perArg.keys()];
  const lists = args.map((a) => [...(perArg.get(a) as Set<bigint>)]);
  const size = lists.reduce((n, l) => n * l.length, 1);
  if (args.length > 1) {
    if (size <= limit) {
      const walk = (i: number, acc: bigint[]): void => {
        if (i === args.length) {
          out.push(acc.slice());
          return;
        }
        for (const v of lists[i]) {
          acc[args[i]] = v;
          walk(i + 1, acc);
        }
      };
      walk(0, zero());
    } else {
      for (let n = 0; n < limit; n++) {
        const a = zero();
        args.forEach((arg, i) => (a[arg] = pick(rand, lists[i])));
        out.push(a);
      }
    }
  }
  const perClause = opts.perClause ?? 8;
  for (const c of sys.clauses) {
    if (c.conditions.length === 0) continue;
    for (let n = 0; n < perClause; n++) {
      const a = [0, 1, 2, 3, 4, 5].map(() => (rand() & 1 ? randU64(rand) : 0n));
      for (const cond of c.conditions) a[cond.arg] = pick(rand, conditionVariants(cond));
      out.push(a);
    }
  }
  return out;
}

/** Options of {@link syscallNumbers} and {@link policyCases}. */
export interface CaseOptions {
  rand: Rand;
  /** Every number from the ABI's first to its table's last + `beyond` (default 64); false: only the policy's own numbers and their neighbours. */
  fullTables?: boolean;
  beyond?: number;
  /** Uniformly random 32-bit numbers per arch (and as many small ones, below 0x1000). */
  randomNumbers?: number;
  /** Random argument vectors per (arch, nr), drawn mostly from the policy's constants. */
  randomArgs?: number;
  /** Whether to add {@link steeredArgs} for syscalls with conditions (default true). */
  steered?: boolean;
  productLimit?: number;
  /** Arch values to try besides the policy's (default {@link OTHER_ARCHES}). */
  otherArches?: readonly number[];
}

/** The ABI's own numbers: table start to table end + `beyond` (the x32 bit included for x32). */
export function tableNumbers(abiName: string, beyond = 64): number[] {
  const abi = getAbi(abiName);
  if (!abi) return [];
  return range(abi.nrOffset, maxSyscallNumber(abi) + beyond);
}

/** Syscall numbers to try on one AUDIT_ARCH of a policy. */
export function syscallNumbers(policy: Policy, auditArch: number, opts: CaseOptions): number[] {
  const abis = policy.abis.filter((a) => a.auditArch >>> 0 === auditArch >>> 0);
  const set = new Set<number>(OUT_OF_RANGE_NUMBERS);
  const beyond = opts.beyond ?? 64;
  if (opts.fullTables !== false) {
    for (const a of abis) for (const n of tableNumbers(a.abi, beyond)) set.add(n);
    // Both sides of the x32 split, whichever of the two ABIs the policy has.
    if (auditArch >>> 0 === AUDIT_ARCH_X86_64) for (const name of ['x86_64', 'x32']) for (const n of tableNumbers(name, beyond)) set.add(n);
  }
  for (const a of abis) addPolicyNumbers(set, a);
  const r = opts.rand;
  for (let i = 0; i < (opts.randomNumbers ?? 0); i++) {
    set.add(r());
    set.add(r() & 0xfff);
    set.add((X32_SYSCALL_BIT | (r() & 0xfff)) >>> 0);
  }
  return [...set].sort((x, y) => x - y);
}

function addPolicyNumbers(set: Set<number>, a: AbiPolicy): void {
  // Each number, its neighbours, and the same number on the other side of the x32 split.
  for (const s of a.syscalls) for (const d of [-1, 0, 1]) for (const n of [s.nr + d, (s.nr + d) ^ X32_SYSCALL_BIT]) set.add(n >>> 0);
  for (const x of a.rangeActions) for (const v of [x.from - 1, x.from, x.from + 1, x.to - 1, x.to, x.to + 1]) set.add(v >>> 0);
}

const syscallMaps = new WeakMap<AbiPolicy, Map<number, SyscallPolicy>>();
function syscallOf(a: AbiPolicy, nr: number): SyscallPolicy | undefined {
  let m = syscallMaps.get(a);
  if (!m) {
    m = new Map(a.syscalls.map((s) => [s.nr >>> 0, s]));
    syscallMaps.set(a, m);
  }
  return m.get(nr >>> 0);
}

/**
 * Events for a policy: for each of its AUDIT_ARCHes and each number of {@link syscallNumbers},
 * all-zero arguments, `randomArgs` random vectors (arguments from the policy's constants 3 times
 * in 4, else random; a random instruction pointer), and the steered vectors of the syscall the
 * number lands on. Then a few numbers on arches the policy does not cover.
 */
export function* policyCases(policy: Policy, opts: CaseOptions): Generator<SeccompData> {
  const r = opts.rand;
  const pool = policyPool(policy);
  const arg = (): bigint => (r() & 3 ? pick(r, pool) : randU64(r));
  const arches = [...new Set(policy.abis.map((a) => a.auditArch >>> 0))];
  const steerCache = new Map<SyscallPolicy, bigint[][]>();
  for (const arch of arches) {
    for (const nr of syscallNumbers(policy, arch, opts)) {
      yield seccompData(arch, nr);
      for (let i = 0; i < (opts.randomArgs ?? 0); i++) yield seccompData(arch, nr, [arg(), arg(), arg(), arg(), arg(), arg()], randU64(r));
      if (opts.steered === false) continue;
      const abi = selectAbi(policy, arch, nr);
      const sys = abi ? syscallOf(abi, nr) : undefined;
      if (!sys || !sys.clauses.some((c) => c.conditions.length > 0)) continue;
      let vs = steerCache.get(sys);
      if (!vs) {
        vs = steeredArgs(sys, { rand: r, ...(opts.productLimit !== undefined ? { productLimit: opts.productLimit } : {}) });
        steerCache.set(sys, vs);
      }
      for (const v of vs) yield seccompData(arch, nr, v);
    }
  }
  const others = (opts.otherArches ?? OTHER_ARCHES).filter((a) => !arches.includes(a >>> 0));
  const someNumbers = [0, 1, 41, 59, 0x40000029, 0xffffffff, 0x7fffffff, 0x80000000, r(), r() & 0x1ff];
  for (const arch of [...others, r()]) for (const nr of someNumbers) yield seccompData(arch, nr, [arg(), arg(), arg(), arg(), arg(), arg()]);
}

/** The policy with its range actions (runc's ENOSYS past the table) removed. */
export function withoutRangeActions(policy: Policy): Policy {
  return { ...policy, abis: policy.abis.map((a) => ({ ...a, rangeActions: [] })) };
}

/** Byte order a filter sees `d` in: the host's, which the AUDIT_ARCH's LE bit tells. */
export const endianOfArch = (arch: number): 'little' | 'big' => ((arch & AUDIT_ARCH_LE) !== 0 ? 'little' : 'big');

/** Runs a program on events in the byte order each event's arch implies (one emulator per order). */
export function programRunner(program: Program): (d: SeccompData) => number {
  const le: CompiledEmulator = compileEmulator(program, { endian: 'little' });
  let be: CompiledEmulator | undefined;
  return (d) => {
    if ((d.arch & AUDIT_ARCH_LE) !== 0) return le(d) >>> 0;
    be ??= compileEmulator(program, { endian: 'big' });
    return be(d) >>> 0;
  };
}

/** One event, readable. */
export function formatCase(d: SeccompData): string {
  return `arch=0x${d.arch.toString(16)} nr=0x${d.nr.toString(16)} args=[${d.args.map((a) => '0x' + a.toString(16)).join(',')}] ip=0x${d.instructionPointer.toString(16)}`;
}

/** What {@link compareWithPolicy} found. */
export interface OracleComparison {
  cases: number;
  mismatches: number;
  /** The first few mismatches, readable. */
  examples: string[];
}

/** Emulates `program` on every event and compares its return with decide(policy, event). */
export function compareWithPolicy(program: Program, policy: Policy, events: Iterable<SeccompData>, maxExamples = 5): OracleComparison {
  const run = programRunner(program);
  let cases = 0;
  let mismatches = 0;
  const examples: string[] = [];
  for (const d of events) {
    cases++;
    const got = run(d);
    const want = decide(policy, d).action >>> 0;
    if (got !== want) {
      mismatches++;
      if (examples.length < maxExamples) examples.push(`${formatCase(d)}: program 0x${got.toString(16)}, policy 0x${want.toString(16)}`);
    }
  }
  return { cases, mismatches, examples };
}
