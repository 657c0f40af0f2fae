/**
 * libseccomp (`libseccomp.so.2`) through koffi: enough of its API to build a filter the way runc
 * and other libseccomp users do and export the BPF it generates, as a second opinion for our own
 * compiler and as a source of real-world programs for the disassembler.
 *
 * Constants come from libseccomp's public header `seccomp.h` (2.5.x): attribute numbers
 * (`enum scmp_filter_attr`), comparison operators (`enum scmp_compare`), action values (the
 * kernel's SECCOMP_RET_*). 2.5.4 has no `seccomp_export_bpf_mem`, so the program is exported to
 * a memfd and read back.
 */
import { closeSync, fstatSync, readSync } from 'node:fs';
import { parseAction } from '../core/bpf/actions.js';
import { decodeProgram } from '../core/bpf/codec.js';
import type { Program } from '../core/bpf/instruction.js';
import { SeccompKitError } from '../core/errors.js';
import { errnoName, errnoText, libc, MFD_CLOEXEC } from './kernel/libc.js';

/** `enum scmp_filter_attr` values (seccomp.h). */
export const SCMP_FLTATR = {
  ACT_DEFAULT: 1,
  ACT_BADARCH: 2,
  CTL_NNP: 3,
  CTL_TSYNC: 4,
  API_TSKIP: 5,
  CTL_LOG: 6,
  CTL_SSB: 7,
  CTL_OPTIMIZE: 8,
  API_SYSRAWRC: 9,
} as const;

/** `enum scmp_compare` values (seccomp.h). */
export const SCMP_CMP = { NE: 1, LT: 2, LE: 3, EQ: 4, GE: 5, GT: 6, MASKED_EQ: 7 } as const;
export type LibseccompOp = keyof typeof SCMP_CMP;

/** `__NR_SCMP_ERROR`: what the resolvers return for an unknown name. */
const NR_SCMP_ERROR = -1;

/** One argument comparison (`struct scmp_arg_cmp`). */
export interface LibseccompArg {
  /** Argument index 0..5. */
  index: number;
  /** Operator; `SCMP_CMP_EQ` spellings are accepted too. */
  op: LibseccompOp | `SCMP_CMP_${LibseccompOp}`;
  /** `datum_a`: the value, or the mask for MASKED_EQ (as OCI's `value`). */
  value: bigint;
  /** `datum_b`: the value for MASKED_EQ (as OCI's `valueTwo`); 0 otherwise. */
  valueTwo?: bigint;
}

/** One `seccomp_rule_add_array` call. */
export interface LibseccompRule {
  /** Syscall name, resolved for the native arch by libseccomp (pseudo-numbers for other arches' names). */
  name: string;
  /** Action value or text (`ERRNO(1)`, `ALLOW`, `KILL`). */
  action: number | string;
  args?: LibseccompArg[];
}

/** What {@link buildLibseccompFilter} builds. */
export interface LibseccompSpec {
  defaultAction: number | string;
  /**
   * libseccomp arch names (`x86_64`, `x86`, `x32`, `aarch64`, ...). The native arch comes first
   * (seccomp_init adds it) and is removed again when the list omits it. Default: native only.
   */
  arches?: string[];
  rules: LibseccompRule[];
  /** SCMP_FLTATR_CTL_OPTIMIZE: 1 = priority-sorted chain (default), 2 = binary tree. */
  optimize?: 1 | 2;
  /** SCMP_FLTATR_ACT_BADARCH (default KILL_THREAD, libseccomp's default). */
  badArch?: number | string;
}

interface ScmpArgCmp {
  arg: number;
  op: number;
  datum_a: bigint;
  datum_b: bigint;
}

/** The bound libseccomp functions (raw C semantics: negative errno results). */
export interface LibseccompBinding {
  init(defAction: number): unknown;
  release(ctx: unknown): void;
  archNative(): number;
  archResolveName(name: string): number;
  archExist(ctx: unknown, token: number): number;
  archAdd(ctx: unknown, token: number): number;
  archRemove(ctx: unknown, token: number): number;
  attrSet(ctx: unknown, attr: number, value: number): number;
  syscallResolveName(name: string): number;
  syscallResolveNameArch(token: number, name: string): number;
  ruleAddArray(ctx: unknown, action: number, nr: number, count: number, args: ScmpArgCmp[] | null): number;
  exportBpf(ctx: unknown, fd: number): number;
  version(): { major: number; minor: number; micro: number };
}

let binding: LibseccompBinding | undefined;
let bindError: Error | undefined;

/** Loads `libseccomp.so.2` once. Throws an ordinary Error when it is not installed. */
export function libseccomp(): LibseccompBinding {
  if (binding) return binding;
  if (bindError) throw bindError;
  try {
    const { koffi } = libc();
    const lib = koffi.load('libseccomp.so.2');
    // Anonymous types only: a named koffi type cannot be declared twice in one process.
    const ctx = koffi.pointer(koffi.opaque());
    const argCmp = koffi.struct({ arg: 'unsigned int', op: 'int', datum_a: 'uint64_t', datum_b: 'uint64_t' });
    const versionT = koffi.struct({ major: 'unsigned int', minor: 'unsigned int', micro: 'unsigned int' });
    const versionFn = lib.func('seccomp_version', koffi.pointer(versionT), []);
    binding = {
      init: lib.func('seccomp_init', ctx, ['uint32_t']),
      release: lib.func('seccomp_release', 'void', [ctx]),
      archNative: lib.func('seccomp_arch_native', 'uint32_t', []),
      archResolveName: lib.func('seccomp_arch_resolve_name', 'uint32_t', ['const char *']),
      archExist: lib.func('seccomp_arch_exist', 'int', [ctx, 'uint32_t']),
      archAdd: lib.func('seccomp_arch_add', 'int', [ctx, 'uint32_t']),
      archRemove: lib.func('seccomp_arch_remove', 'int', [ctx, 'uint32_t']),
      attrSet: lib.func('seccomp_attr_set', 'int', [ctx, 'int', 'uint32_t']),
      syscallResolveName: lib.func('seccomp_syscall_resolve_name', 'int', ['const char *']),
      syscallResolveNameArch: lib.func('seccomp_syscall_resolve_name_arch', 'int', ['uint32_t', 'const char *']),
      ruleAddArray: lib.func('seccomp_rule_add_array', 'int', [ctx, 'uint32_t', 'int', 'unsigned int', koffi.pointer(argCmp)]),
      exportBpf: lib.func('seccomp_export_bpf', 'int', [ctx, 'int']),
      version: () => koffi.decode(versionFn(), versionT) as { major: number; minor: number; micro: number },
    };
    return binding;
  } catch (err) {
    bindError = new Error(`cannot load libseccomp.so.2: ${(err as Error).message}`, { cause: err });
    throw bindError;
  }
}

/** True when `libseccomp.so.2` loads. */
export function libseccompAvailable(): boolean {
  try {
    libseccomp();
    return true;
  } catch {
    return false;
  }
}

/** `2.5.4`. */
export function libseccompVersion(): string {
  const v = libseccomp().version();
  return `${v.major}.${v.minor}.${v.micro}`;
}

/** A syscall's number for a libseccomp arch name, or undefined when libseccomp does not know it there. */
export function libseccompResolveSyscall(name: string, arch: string): number | undefined {
  const b = libseccomp();
  const token = b.archResolveName(arch);
  if (token === 0) throw new SeccompKitError('unknown-arch', `libseccomp does not know the arch ${JSON.stringify(arch)}`);
  const nr = b.syscallResolveNameArch(token, name);
  return nr === NR_SCMP_ERROR ? undefined : nr;
}

function actionValue(a: number | string, pointer: string): number {
  if (typeof a === 'number') return a >>> 0;
  const v = parseAction(a);
  if (v === undefined) throw new SeccompKitError('usage', `unknown action ${JSON.stringify(a)}`, { source: { pointer } });
  return v;
}

function check(rc: number, what: string, pointer?: string): void {
  if (rc >= 0) return;
  const e = -rc;
  throw new SeccompKitError('compile', `libseccomp: ${what} failed with ${errnoName(e)} (${errnoText(e)})`, pointer ? { source: { pointer } } : {});
}

/**
 * Builds a filter with libseccomp and returns the program `seccomp_export_bpf` writes. Rules are
 * added in order with libseccomp's own semantics (merging, EEXIST on conflicts, EACCES for an
 * action equal to the default).
 */
export function buildLibseccompFilter(spec: LibseccompSpec): Program {
  const b = libseccomp();
  const ctx = b.init(actionValue(spec.defaultAction, '/defaultAction'));
  if (!ctx) throw new SeccompKitError('compile', 'libseccomp: seccomp_init failed (invalid default action?)', { source: { pointer: '/defaultAction' } });
  try {
    if (spec.arches) {
      const native = b.archNative();
      const tokens = spec.arches.map((name, i) => {
        const t = b.archResolveName(name);
        if (t === 0) throw new SeccompKitError('unknown-arch', `libseccomp does not know the arch ${JSON.stringify(name)}`, { source: { pointer: `/arches/${i}` } });
        return t;
      });
      tokens.forEach((t, i) => {
        if (b.archExist(ctx, t) !== 0) check(b.archAdd(ctx, t), `seccomp_arch_add(${spec.arches?.[i]})`, `/arches/${i}`);
      });
      if (!tokens.includes(native)) check(b.archRemove(ctx, native), 'seccomp_arch_remove(native)');
    }
    if (spec.badArch !== undefined) check(b.attrSet(ctx, SCMP_FLTATR.ACT_BADARCH, actionValue(spec.badArch, '/badArch')), 'seccomp_attr_set(ACT_BADARCH)', '/badArch');
    if (spec.optimize !== undefined) check(b.attrSet(ctx, SCMP_FLTATR.CTL_OPTIMIZE, spec.optimize), 'seccomp_attr_set(CTL_OPTIMIZE)', '/optimize');
    spec.rules.forEach((r, i) => {
      const nr = b.syscallResolveName(r.name);
      if (nr === NR_SCMP_ERROR) throw new SeccompKitError('unknown-syscall', `libseccomp does not know the syscall ${JSON.stringify(r.name)}`, { source: { pointer: `/rules/${i}/name` } });
      const args: ScmpArgCmp[] = (r.args ?? []).map((a, j) => {
        const op = SCMP_CMP[a.op.replace(/^SCMP_CMP_/, '') as LibseccompOp];
        if (op === undefined) throw new SeccompKitError('usage', `unknown comparison ${JSON.stringify(a.op)}`, { source: { pointer: `/rules/${i}/args/${j}/op` } });
        return { arg: a.index, op, datum_a: BigInt.asUintN(64, a.value), datum_b: BigInt.asUintN(64, a.valueTwo ?? 0n) };
      });
      check(b.ruleAddArray(ctx, actionValue(r.action, `/rules/${i}/action`), nr, args.length, args.length ? args : null), `seccomp_rule_add_array(${r.name})`, `/rules/${i}`);
    });
    return exportProgram(b, ctx);
  } finally {
    b.release(ctx);
  }
}

function exportProgram(b: LibseccompBinding, ctx: unknown): Program {
  const c = libc();
  const fd = c.memfdCreate('seccomp-kit-export', MFD_CLOEXEC);
  if (fd < 0) throw new Error(`memfd_create failed: ${errnoName(c.errno())}`);
  try {
    check(b.exportBpf(ctx, fd), 'seccomp_export_bpf');
    const size = fstatSync(fd).size;
    const bytes = new Uint8Array(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, bytes, got, size - got, got);
      if (n <= 0) break;
      got += n;
    }
    return decodeProgram(bytes.subarray(0, got));
  } finally {
    closeSync(fd);
  }
}
