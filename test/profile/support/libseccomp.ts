/**
 * The installed libseccomp (Debian bookworm: 2.5.4) through koffi, as a second opinion on the
 * resolver's libseccomp model: build a filter from rules, export its BPF, run it. Tests using it
 * skip when the library is missing (`libseccompAvailable`).
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import koffi from 'koffi';

type Fn = (...args: unknown[]) => unknown;

interface Lib {
  init: Fn;
  release: Fn;
  archAdd: Fn;
  archRemove: Fn;
  ruleAddArray: Fn;
  exportBpf: Fn;
  resolveNameArch: Fn;
  archResolveName: Fn;
  attrSet: Fn;
  archNative: Fn;
}

let lib: Lib | null | undefined;

function load(): Lib | null {
  if (lib !== undefined) return lib;
  try {
    const so = koffi.load('libseccomp.so.2');
    koffi.struct('scmp_arg_cmp', { arg: 'uint', op: 'int', datum_a: 'uint64', datum_b: 'uint64' });
    lib = {
      init: so.func('void *seccomp_init(uint32_t def_action)'),
      release: so.func('void seccomp_release(void *ctx)'),
      archAdd: so.func('int seccomp_arch_add(void *ctx, uint32_t arch_token)'),
      archRemove: so.func('int seccomp_arch_remove(void *ctx, uint32_t arch_token)'),
      ruleAddArray: so.func('int seccomp_rule_add_array(void *ctx, uint32_t action, int syscall, unsigned int arg_cnt, scmp_arg_cmp *arg_array)'),
      exportBpf: so.func('int seccomp_export_bpf(void *ctx, int fd)'),
      resolveNameArch: so.func('int seccomp_syscall_resolve_name_arch(uint32_t arch_token, const char *name)'),
      archResolveName: so.func('uint32_t seccomp_arch_resolve_name(const char *arch_name)'),
      attrSet: so.func('int seccomp_attr_set(void *ctx, int attr, uint32_t value)'),
      archNative: so.func('uint32_t seccomp_arch_native(void)'),
    };
  } catch {
    lib = null;
  }
  return lib;
}

/** True when libseccomp.so.2 can be loaded. */
export const libseccompAvailable = load() !== null;

const OPS: Record<string, number> = { NE: 1, LT: 2, LE: 3, EQ: 4, GE: 5, GT: 6, MASKED_EQ: 7 };

/** One `seccomp_rule_add_array` call: the syscall by name (resolved for the native ABI, as runc does). */
export interface LsRule {
  name: string;
  action: number;
  args: { arg: number; op: string; a: bigint; b?: bigint }[];
}

/** Arch token (= AUDIT_ARCH value except for x32). */
export function archToken(name: string): number {
  const l = load();
  if (!l) throw new Error('libseccomp not available');
  return l.archResolveName(name) as number;
}

/** The syscall number libseccomp uses on this arch (negative for pseudo numbers, -1 unknown). */
export function resolveName(arch: string, name: string): number {
  const l = load();
  if (!l) throw new Error('libseccomp not available');
  return l.resolveNameArch(archToken(arch), name) as number;
}

/** Builds a filter for exactly `arches` (empty = the native arch only); returns the raw BPF (little-endian sock_filter array) or the negative errno of the first failing call. */
export function buildFilter(opts: { defaultAction: number; arches: string[]; rules: LsRule[]; optimize?: 1 | 2 }): { bpf: Uint8Array } | { error: number; rule: number } {
  const l = load();
  if (!l) throw new Error('libseccomp not available');
  const ctx = l.init(opts.defaultAction);
  if (!ctx) return { error: -22, rule: -1 };
  try {
    const native = l.archNative() as number;
    // The arch list is exact: drop the native arch unless it was asked for (first, so that a
    // big-endian list does not clash with it).
    if (opts.arches.length > 0 && !opts.arches.some((a) => archToken(a) === native)) l.archRemove(ctx, native);
    for (const a of opts.arches) {
      const rc = l.archAdd(ctx, archToken(a)) as number;
      if (rc < 0 && rc !== -17) return { error: rc, rule: -1 };
    }
    if (opts.optimize) l.attrSet(ctx, 8 /* SCMP_FLTATR_CTL_OPTIMIZE */, opts.optimize);
    for (let i = 0; i < opts.rules.length; i++) {
      const r = opts.rules[i];
      const nr = l.resolveNameArch(0 /* SCMP_ARCH_NATIVE */, r.name) as number;
      const cmp = r.args.map((x) => ({ arg: x.arg, op: OPS[x.op], datum_a: x.a, datum_b: x.b ?? 0n }));
      const rc = l.ruleAddArray(ctx, r.action, nr, cmp.length, cmp.length ? cmp : null) as number;
      if (rc < 0) return { error: rc, rule: i };
    }
    const dir = mkdtempSync(join(tmpdir(), 'sk-bpf-'));
    const file = join(dir, 'f.bpf');
    const fd = openSync(file, 'w+');
    try {
      const rc = l.exportBpf(ctx, fd) as number;
      if (rc < 0) return { error: rc, rule: -1 };
    } finally {
      closeSync(fd);
    }
    const bpf = new Uint8Array(readFileSync(file));
    rmSync(dir, { recursive: true, force: true });
    return { bpf };
  } finally {
    l.release(ctx);
  }
}

/**
 * Runs a classic BPF seccomp program (the subset libseccomp emits: ld abs word, alu and/or,
 * jeq/jgt/jge/jset with k, ja, ret k) on one seccomp_data, in the filter's byte order (libseccomp
 * exports a big-endian ABI's program big-endian, and the kernel lays out seccomp_data natively).
 */
export function runBpf(bpf: Uint8Array, data: { nr: number; arch: number; args: readonly bigint[] }, endian: 'little' | 'big' = 'little'): number {
  const le = endian === 'little';
  const dv = new DataView(bpf.buffer, bpf.byteOffset, bpf.byteLength);
  const n = bpf.byteLength / 8;
  const mem = new DataView(new ArrayBuffer(64));
  mem.setUint32(0, data.nr >>> 0, le);
  mem.setUint32(4, data.arch >>> 0, le);
  for (let i = 0; i < 6; i++) mem.setBigUint64(16 + 8 * i, BigInt.asUintN(64, data.args[i] ?? 0n), le);
  let a = 0;
  for (let pc = 0; pc < n; ) {
    const code = dv.getUint16(pc * 8, le);
    const jt = dv.getUint8(pc * 8 + 2);
    const jf = dv.getUint8(pc * 8 + 3);
    const k = dv.getUint32(pc * 8 + 4, le);
    pc++;
    switch (code) {
      case 0x20: a = mem.getUint32(k, le); break; // ld [k]
      case 0x54: a = (a & k) >>> 0; break; // and #k
      case 0x44: a = (a | k) >>> 0; break; // or #k
      case 0x05: pc += k; break; // ja
      case 0x15: pc += a === k ? jt : jf; break; // jeq
      case 0x25: pc += a > k ? jt : jf; break; // jgt
      case 0x35: pc += a >= k ? jt : jf; break; // jge
      case 0x45: pc += (a & k) !== 0 ? jt : jf; break; // jset
      case 0x06: return k >>> 0; // ret #k
      default: throw new Error(`runBpf: unsupported opcode 0x${code.toString(16)} at ${pc - 1}`);
    }
  }
  throw new Error('runBpf: fell off the end');
}
