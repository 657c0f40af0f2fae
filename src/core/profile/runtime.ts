/**
 * Stage 2 of resolution: what runc or crun (with libseccomp) make of the OCI `linux.seccomp`
 * object the daemon produced (profiles.md §5, compilers.md §8-§9), or `none` = the object taken
 * literally (first matching rule in profile order), for analysis.
 *
 * runc (libcontainer/specconv SetupSeccomp, libcontainer/seccomp InitSeccomp/matchCall, patchbpf):
 * flags absent -> SPEC_ALLOW; names fanned out in order; a rule whose action equals the default is
 * skipped; names libseccomp does not know are skipped; a repeated argument index turns every
 * condition of the rule into its own rule; errnoRet cast to int16 and ignored on non-errno actions;
 * the native ABI is always in the filter and other ABIs get KILL_THREAD; per syscall, libseccomp's
 * rule database decides (libseccomp-db.ts) and its code generator decides how overlapping rules are
 * evaluated (libseccomp-codegen.ts); socket/IPC rules also land on socketcall/ipc where libseccomp
 * multiplexes; and an ENOSYS stub answers every number above the highest named one.
 * crun (src/libcrun/seccomp.c): the same through libseccomp, but errnoRet on a non-errno action is
 * an error, unknown names are warned about, only the first 6 conditions count, and no ENOSYS stub.
 */
import {
  SECCOMP_FILTER_FLAG_LOG,
  SECCOMP_FILTER_FLAG_NEW_LISTENER,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW,
  SECCOMP_FILTER_FLAG_TSYNC,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
  SECCOMP_RET_KILL_THREAD,
  SECCOMP_RET_LOG,
  SECCOMP_RET_TRACE,
  SECCOMP_RET_TRAP,
  SECCOMP_RET_USER_NOTIF,
  X32_SYSCALL_BIT,
} from '../bpf/opcodes.js';
import { formatAction } from '../bpf/actions.js';
import type { Abi } from '../syscalls/types.js';
import { getAbi, isKnownSyscall, multiplexedCall, syscallEntries, syscallName, syscallNumber } from '../syscalls/index.js';
import type { ProfileArg } from './model.js';
import type { AbiPolicy, ArgOp, Clause, ClauseOrigin, Condition, Policy, RangeAction, RuleOutcome, SyscallPolicy } from './policy.js';
import type { EffectiveContext } from './context.js';
import { kernelAtLeast } from './minkernel.js';
import type { KernelVersion } from './minkernel.js';
import { AbiDb, DbConflictError, DbHangError } from './libseccomp-db.js';
import type { AddOutcome, DbArg } from './libseccomp-db.js';
import { syscallClauses } from './tree-clauses.js';
import { LIBSECCOMP_2_5_4, LIBSECCOMP_LATEST, LIBSECCOMP_MUX_NAMES } from './libseccomp-versions.js';
import type { LibseccompVersion } from './libseccomp-versions.js';
import type { NoteSink } from './resolve-notes.js';


/** A value with the JSON pointer it was read from. */
export interface Located<T> {
  value: T;
  pointer: string;
}

/** One rule of the OCI object, remembering which profile rule it came from. */
export interface OciRule {
  /** Index in `Profile.rules`. */
  rule: number;
  pointer: string;
  names: Located<string>[];
  /** False when the rule had no `names` key at all (a legacy `name` rule read as plain OCI). */
  namesPresent: boolean;
  action: string;
  errnoRet?: bigint;
  /** Pointer of errnoRet (or of Podman's `errno` it came from). */
  errnoPointer?: string;
  args: ProfileArg[];
}

/** The OCI `linux.seccomp` object a daemon hands to the runtime. */
export interface OciSeccomp {
  defaultAction: string;
  /** False when the key was absent (matters to crun's config loader only). */
  defaultActionPresent: boolean;
  defaultErrnoRet?: bigint;
  architectures: Located<string>[];
  /** Undefined = absent (the runtimes then add SPEC_ALLOW). */
  flags?: Located<string>[];
  listenerPath?: string;
  listenerMetadata?: string;
  rules: OciRule[];
  /** Pointer of the seccomp object in the document. */
  root: string;
}

const U16 = 0xffffn;
const NO_ARGS: DbArg[] = [];
const ENOSYS = 38;
const MAX_ERRNO = 4095;

const RUNC_ACTIONS = new Set([
  'SCMP_ACT_KILL', 'SCMP_ACT_ERRNO', 'SCMP_ACT_TRAP', 'SCMP_ACT_ALLOW', 'SCMP_ACT_TRACE', 'SCMP_ACT_LOG', 'SCMP_ACT_NOTIFY',
  'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_KILL_PROCESS',
]);

const OPERATORS: Readonly<Record<string, ArgOp>> = {
  SCMP_CMP_NE: 'NE', SCMP_CMP_LT: 'LT', SCMP_CMP_LE: 'LE', SCMP_CMP_EQ: 'EQ', SCMP_CMP_GE: 'GE', SCMP_CMP_GT: 'GT',
  SCMP_CMP_MASKED_EQ: 'MASKED_EQ',
};

/** runc's arch map (libcontainer/seccomp/config.go): the SCMP names it accepts. */
const RUNC_ARCHES = new Set([
  'SCMP_ARCH_X86', 'SCMP_ARCH_X86_64', 'SCMP_ARCH_X32', 'SCMP_ARCH_ARM', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_MIPS',
  'SCMP_ARCH_MIPS64', 'SCMP_ARCH_MIPS64N32', 'SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64', 'SCMP_ARCH_MIPSEL64N32',
  'SCMP_ARCH_PPC', 'SCMP_ARCH_PPC64', 'SCMP_ARCH_PPC64LE', 'SCMP_ARCH_RISCV64', 'SCMP_ARCH_S390', 'SCMP_ARCH_S390X',
  'SCMP_ARCH_LOONGARCH64',
]);

/** libseccomp's own arch names (what crun resolves after stripping `SCMP_ARCH_` and lower-casing). */
const LIBSECCOMP_ARCH_NAMES = new Set([
  'x86', 'x86_64', 'x32', 'arm', 'aarch64', 'loongarch64', 'm68k', 'mips', 'mipsel', 'mips64', 'mipsel64', 'mips64n32',
  'mipsel64n32', 'parisc', 'parisc64', 'ppc', 'ppc64', 'ppc64le', 'riscv64', 's390', 's390x', 'sh', 'sheb',
]);

const RUNC_FLAGS = ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'];

const KV = (major: number, minor: number): KernelVersion => ({ major, minor });

/** Everything stage 2 needs. */
export interface RuntimeInput {
  oci: OciSeccomp;
  e: EffectiveContext;
  notes: NoteSink;
  /** One per profile rule; stage 2 marks runtime drops. */
  outcomes: RuleOutcome[];
}

/** The libseccomp the context asks for. */
export function libseccompVersion(e: EffectiveContext): LibseccompVersion {
  return e.ctx.syscallTable === 'libseccomp-2.5.4' ? LIBSECCOMP_2_5_4 : LIBSECCOMP_LATEST;
}

const knownCache = new Map<LibseccompVersion, Map<string, boolean>>();
const numberCache = new Map<LibseccompVersion, Map<string, Map<string, number>>>();

/** True when libseccomp (of this version) resolves `name` at all. Cached: tables are immutable. */
function knowsName(v: LibseccompVersion, name: string): boolean {
  let m = knownCache.get(v);
  if (!m) knownCache.set(v, (m = new Map()));
  let r = m.get(name);
  if (r === undefined) m.set(name, (r = isKnownSyscall(name) && v.knowsName(name)));
  return r;
}

/** name -> number libseccomp uses on this ABI (only names it has a number for). Built once per version and ABI. */
function abiNumbers(v: LibseccompVersion, abi: Abi): Map<string, number> {
  let byAbi = numberCache.get(v);
  if (!byAbi) numberCache.set(v, (byAbi = new Map()));
  let m = byAbi.get(abi.name);
  if (!m) {
    m = new Map();
    for (const e of syscallEntries(abi)) if (v.knowsOnAbi(abi.name, e.name)) m.set(e.name, e.nr);
    byAbi.set(abi.name, m);
  }
  return m;
}

const nameCache = new Map<string, Map<number, string>>();

/** number -> name on this ABI (our table). Built once per ABI. */
function abiNames(abi: Abi): Map<number, string> {
  let m = nameCache.get(abi.name);
  if (!m) {
    m = new Map(syscallEntries(abi).map((e) => [e.nr, e.name]));
    nameCache.set(abi.name, m);
  }
  return m;
}

/** The number libseccomp uses for `name` on `abi`, undefined when it has none there. */
function numberOn(v: LibseccompVersion, abi: Abi, name: string): number | undefined {
  return abiNumbers(v, abi).get(name);
}

/** The 32-bit return value of an OCI action, as runc/crun pass it to libseccomp. */
function actionValue(action: string, errnoRet: bigint | undefined): number {
  const data = Number((errnoRet ?? 1n) & U16);
  switch (action) {
    case 'SCMP_ACT_KILL':
    case 'SCMP_ACT_KILL_THREAD': return SECCOMP_RET_KILL_THREAD;
    case 'SCMP_ACT_KILL_PROCESS': return SECCOMP_RET_KILL_PROCESS >>> 0;
    case 'SCMP_ACT_TRAP': return SECCOMP_RET_TRAP;
    case 'SCMP_ACT_ERRNO': return (SECCOMP_RET_ERRNO | data) >>> 0;
    case 'SCMP_ACT_TRACE': return (SECCOMP_RET_TRACE | data) >>> 0;
    case 'SCMP_ACT_LOG': return SECCOMP_RET_LOG;
    case 'SCMP_ACT_NOTIFY': return SECCOMP_RET_USER_NOTIF;
    case 'SCMP_ACT_ALLOW': return SECCOMP_RET_ALLOW;
    default: throw new Error(`unhandled action ${action}`);
  }
}

const supportsErrno = (action: string): boolean => action === 'SCMP_ACT_ERRNO' || action === 'SCMP_ACT_TRACE';

/** The kernel version an action needs (libseccomp probes it), when it needs one. */
function actionKernel(action: string): KernelVersion | undefined {
  if (action === 'SCMP_ACT_KILL_PROCESS' || action === 'SCMP_ACT_LOG') return KV(4, 14);
  if (action === 'SCMP_ACT_NOTIFY') return KV(5, 0);
  return undefined;
}

function toDbArgs(args: readonly ProfileArg[]): DbArg[] {
  return args.map((a) => {
    const op = OPERATORS[a.op];
    return op === 'MASKED_EQ'
      ? { arg: Number(a.index), op, mask: a.value, datum: a.valueTwo ?? 0n }
      : { arg: Number(a.index), op, mask: 0xffffffffffffffffn, datum: a.value };
  });
}

/** Stage 2: OCI object -> policy. Throws the runtime's start failures. */
export function applyRuntime(input: RuntimeInput): Policy {
  const runtime = input.e.ctx.runtime;
  return runtime === 'none' ? literal(input) : viaLibseccomp(input, runtime);
}

// ---------------------------------------------------------------------------------------------
// runc / crun

interface Fanned {
  ociIndex: number;
  rule: OciRule;
  name: Located<string>;
  action: number;
  /** Rule-sets to add (one, or one per condition after an OR split). */
  argSets: DbArg[][];
  conditional: boolean;
  origin: number;
}

function viaLibseccomp(input: RuntimeInput, runtime: 'runc' | 'crun'): Policy {
  const { oci, e, outcomes } = input;
  const n: NoteSink = input.notes;
  const v = libseccompVersion(e);
  const runc = runtime === 'runc';
  const root = oci.root;
  const rootPtr = (k: string): string => `${root}/${k}`;
  const kernel = e.kernel;

  // --- Unconfined hole: runc (and the daemons before it) treat "" + no syscalls as "no seccomp".
  if (oci.defaultAction === '' && oci.rules.length === 0) {
    if (runc) return unconfinedPolicy(input, 'an empty defaultAction with no syscalls disables seccomp in runc');
    if (!oci.defaultActionPresent) n.fail("load `config.json`: Required field 'defaultAction' not present", root);
  }
  if (!runc && !oci.defaultActionPresent) n.fail("load `config.json`: Required field 'defaultAction' not present", root);
  if (!runc) {
    const missing = oci.rules.find((r) => !r.namesPresent);
    if (missing) n.fail("load `config.json`: Required field 'names' not present", missing.pointer, 'a legacy `name` rule read as plain OCI has no `names`; crun rejects the whole config');
  }

  // --- Flags.
  let flags = 0;
  if (oci.flags === undefined) {
    const supported = !kernel || kernelAtLeast(kernel, KV(4, 17));
    if (supported) {
      flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
      n.info('flags-default', `no flags given: ${runtime} loads the filter with SECCOMP_FILTER_FLAG_SPEC_ALLOW (speculative store bypass mitigation off)`, root);
    } else {
      n.info('flags-default', `no flags given: SECCOMP_FILTER_FLAG_SPEC_ALLOW would be added, but kernel ${kernel?.major}.${kernel?.minor} predates it (4.17)`, root);
    }
  } else {
    for (const f of oci.flags) {
      if (!RUNC_FLAGS.includes(f.value)) {
        n.fail(runc ? `seccomp flag ${f.value} is not known to runc` : `unknown seccomp option \`${f.value}\``, f.pointer, `known flags: ${RUNC_FLAGS.join(', ')}`);
      }
      if (f.value === 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV' && v === LIBSECCOMP_2_5_4) {
        n.fail(`seccomp flag ${f.value} needs libseccomp 2.6.0 or later (this runtime's ${v.label} lacks it)`, f.pointer);
      }
      switch (f.value) {
        case 'SECCOMP_FILTER_FLAG_TSYNC':
          if (runc) n.info('flag-ignored', 'runc accepts and ignores SECCOMP_FILTER_FLAG_TSYNC (it synchronises all threads anyway)', f.pointer);
          else flags |= SECCOMP_FILTER_FLAG_TSYNC;
          break;
        case 'SECCOMP_FILTER_FLAG_SPEC_ALLOW': flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW; break;
        case 'SECCOMP_FILTER_FLAG_LOG': flags |= SECCOMP_FILTER_FLAG_LOG; break;
        case 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV': flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV; break;
      }
    }
    if (oci.flags.length === 0) n.info('flags-empty', 'flags: [] loads the filter with no flags (no SPEC_ALLOW)', rootPtr('flags'));
    if (!runc && oci.flags.length > 0) n.info('flags-retry', 'crun retries without any flag if the kernel refuses them (EINVAL), silently dropping e.g. LOG', rootPtr('flags'));
  }

  // --- Architectures (runc converts them in specconv, crun resolves libseccomp names).
  const abis: Abi[] = [];
  const native = getAbi(e.arch.abi);
  if (!native) throw new Error(`no ABI ${e.arch.abi} in the syscall tables`);
  if (!v.supportsAbi(native.name)) n.fail(`${v.label} does not support the daemon's architecture ${native.name}`);
  abis.push(native);
  for (const a of oci.architectures) {
    let abi: Abi | undefined;
    if (runc) {
      if (!RUNC_ARCHES.has(a.value)) n.fail(`string ${a.value} is not a valid arch for seccomp`, a.pointer, `runc accepts ${[...RUNC_ARCHES].join(', ')}`);
      abi = getAbi(a.value);
    } else {
      const bare = a.value.startsWith('SCMP_ARCH_') ? a.value.slice('SCMP_ARCH_'.length) : a.value;
      const lower = bare.toLowerCase();
      if (!LIBSECCOMP_ARCH_NAMES.has(lower) || !v.supportsAbi(lower)) n.fail(`seccomp unknown architecture \`${bare}\``, a.pointer);
      abi = getAbi(lower);
    }
    if (!abi) throw new Error(`no ABI for ${a.value}`);
    if (!v.supportsAbi(abi.name)) n.fail(`error adding architecture to seccomp filter: ${v.label} does not know ${a.value}`, a.pointer);
    if (!abis.some((x) => x.name === abi.name)) abis.push(abi);
  }
  if (oci.architectures.length === 0) n.info('native-only', `no architectures listed: the filter covers the native ABI ${native.name} only`, root);
  else if (!oci.architectures.some((a) => getAbi(a.value)?.name === native.name)) {
    n.info('native-added', `libseccomp always includes the native ABI ${native.name}, although the profile does not list it`, rootPtr('architectures'));
  }

  // --- Actions and operators (string validation, as specconv / get_seccomp_action do).
  const badAction = (action: string, pointer: string): never =>
    n.fail(runc ? `string ${action} is not a valid action for seccomp` : `seccomp get action \`${action}\``, pointer, `actions: ${[...RUNC_ACTIONS].join(', ')}`);
  if (!RUNC_ACTIONS.has(oci.defaultAction)) badAction(oci.defaultAction, rootPtr('defaultAction'));
  if (oci.defaultErrnoRet !== undefined && !supportsErrno(oci.defaultAction)) {
    if (!runc) n.fail(`errno value specified for action \`${oci.defaultAction}\``, rootPtr('defaultErrnoRet'));
    n.warn('errno-ignored', `defaultErrnoRet is ignored by runc: ${oci.defaultAction} takes no errno (the OCI spec says the runtime must fail; crun does)`, rootPtr('defaultErrnoRet'));
  }
  for (const r of oci.rules) {
    if (!RUNC_ACTIONS.has(r.action)) badAction(r.action, `${r.pointer}/action`);
    // specconv converts operators only for rules that have names (errata §2.8).
    if (runc && r.names.length > 0) {
      for (const a of r.args) if (!(a.op in OPERATORS)) n.fail(`string ${a.op} is not a valid operator for seccomp`, `${a.pointer}/op`);
    }
  }
  if (oci.defaultAction === 'SCMP_ACT_NOTIFY') n.fail('SCMP_ACT_NOTIFY cannot be used as default action', rootPtr('defaultAction'));

  // --- Default action value.
  const dErrno = supportsErrno(oci.defaultAction) ? oci.defaultErrnoRet : undefined;
  const defaultAction = actionValue(oci.defaultAction, dErrno);
  if (dErrno !== undefined && dErrno > U16) {
    n.warn('errno-cast', `defaultErrnoRet ${dErrno} is cast to 16 bits by ${runtime}: ${formatAction(defaultAction)}`, rootPtr('defaultErrnoRet'));
  }
  if (oci.defaultAction === 'SCMP_ACT_ERRNO' && (defaultAction & 0xffff) >= MAX_ERRNO) {
    n.fail(runc ? `error creating filter: ${formatAction(defaultAction)} is rejected by libseccomp (errno values must be below ${MAX_ERRNO})` : 'error seccomp_init', rootPtr('defaultErrnoRet'));
  }
  checkActionKernel(oci.defaultAction, kernel, n, rootPtr('defaultAction'), runc);
  if (oci.defaultAction === 'SCMP_ACT_KILL') n.info('kill-is-thread', 'SCMP_ACT_KILL kills the thread (KILL_THREAD), not the process', rootPtr('defaultAction'));

  // --- NOTIFY checks (runc InitSeccomp).
  const notifyRules = oci.rules.filter((r) => r.action === 'SCMP_ACT_NOTIFY' && r.names.length > 0);
  if (notifyRules.length > 0) {
    if (runc) {
      for (const r of notifyRules) {
        const w = r.names.find((x) => x.value === 'write');
        if (w) n.fail('SCMP_ACT_NOTIFY cannot be used for the write syscall', w.pointer);
      }
      if (kernel && !kernelAtLeast(kernel, KV(5, 7))) {
        n.fail('seccomp notify unsupported: API level: got 5, want at least 6. Please try with libseccomp >= 2.5.0 and Linux >= 5.7', `${notifyRules[0].pointer}/action`);
      }
    }
    if (oci.listenerPath === undefined || oci.listenerPath === '') {
      if (runc) n.fail('seccomp listenerPath is not set', `${notifyRules[0].pointer}/action`, 'SCMP_ACT_NOTIFY needs listenerPath: the agent that receives the notification fd');
      n.warn('no-listener', 'SCMP_ACT_NOTIFY without listenerPath: no agent receives the notification fd (crun does not refuse this; runc does)', `${notifyRules[0].pointer}/action`);
    }
    flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  }

  // --- Fan-out and rule-level checks, in runtime order.
  const origins: ClauseOrigin[] = [];
  const fanned: Fanned[] = [];
  const droppedForDefault = new Set<number>();
  /** Per profile rule: the best thing libseccomp did with any of its names. */
  const effect = new Map<number, AddOutcome>();
  oci.rules.forEach((r, ociIndex) => {
    const hasErrno = r.errnoRet !== undefined;
    if (hasErrno && !supportsErrno(r.action)) {
      if (!runc) n.fail(`errno value specified for action \`${r.action}\``, r.errnoPointer ?? `${r.pointer}/errnoRet`);
      n.warn('errno-ignored', `errnoRet is ignored by runc: ${r.action} takes no errno (crun refuses this rule)`, r.errnoPointer ?? `${r.pointer}/errnoRet`);
    }
    const errno = supportsErrno(r.action) ? r.errnoRet : undefined;
    const action = actionValue(r.action, errno);
    if (errno !== undefined && errno > U16) {
      n.warn('errno-cast', `errnoRet ${errno} is cast to 16 bits by ${runtime}: ${formatAction(action)}${(action & 0xffff) === 0 && r.action === 'SCMP_ACT_ERRNO' ? ' (the syscall is skipped and returns 0)' : ''}`, r.errnoPointer ?? `${r.pointer}/errnoRet`);
    }
    if (r.action === 'SCMP_ACT_KILL') n.info('kill-is-thread', 'SCMP_ACT_KILL kills the thread (KILL_THREAD), not the process', `${r.pointer}/action`);
    if (r.names.length === 0) {
      n.warn('no-names', 'this rule has no syscall names: it has no effect', r.pointer);
      dropOutcome(outcomes, r.rule, 'no-names');
      return;
    }
    if (action === defaultAction) {
      n.info('rule-equals-default', `action ${formatAction(action)} equals the default action: ${runtime} skips the rule (it cannot shadow later rules for ${r.names.map((x) => x.value).join(', ')})`, `${r.pointer}/action`);
      droppedForDefault.add(r.rule);
      // Its names still count for runc's ENOSYS stub, so keep them (without rules).
      for (const name of r.names) fanned.push({ ociIndex, rule: r, name, action, argSets: [], conditional: false, origin: -1 });
      if (runc) for (const name of r.names) if (name.value === '') n.fail('empty string is not a valid syscall', name.pointer);
      return;
    }
    // Conditions (runc: every condition; crun: the first six).
    let args = r.args;
    if (!runc && args.length > 6) {
      n.warn('args-truncated', `crun uses only the first 6 conditions of a rule; ${args.length - 6} more are ignored`, `${r.pointer}/args`);
      args = args.slice(0, 6);
    }
    let repeated = false;
    if (runc) {
      const seen = new Set<bigint>();
      for (const a of r.args) {
        if (seen.has(a.index)) repeated = true;
        seen.add(a.index);
      }
    } else {
      // crun counts the first six and stops at the first repeat; an index >= 6 there is its error.
      const count = new Map<bigint, number>();
      for (const a of args) {
        if (a.index >= 6n) n.fail(`invalid seccomp index \`${ociIndex}\``, `${a.pointer}/index`, 'argument indexes are 0..5');
        count.set(a.index, (count.get(a.index) ?? 0) + 1);
        if ((count.get(a.index) ?? 0) > 1) {
          repeated = true;
          break;
        }
      }
    }
    for (const name of r.names) {
      if (name.value === '') {
        if (runc) n.fail('empty string is not a valid syscall', name.pointer);
        n.warn('unknown-syscall', 'unknown seccomp syscall `` ignored', name.pointer);
        continue;
      }
      if (!knowsName(v, name.value)) {
        if (runc) n.info('unknown-syscall', `"${name.value}" is not a syscall ${v.label} knows: runc ignores it (debug log only)`, name.pointer, { syscall: name.value });
        else n.warn('unknown-syscall', `unknown seccomp syscall \`${name.value}\` ignored (crun warns; with the annotation run.oci.seccomp_fail_unknown_syscall it fails)`, name.pointer, { syscall: name.value });
        fanned.push({ ociIndex, rule: r, name, action, argSets: [], conditional: false, origin: -1 });
        continue;
      }
      if (runc) {
        for (const a of r.args) {
          if (a.index > 5n) n.fail(`error creating seccomp syscall condition for syscall ${name.value}: syscalls only have up to 6 arguments (${a.index} given)`, `${a.pointer}/index`);
        }
      }
      for (const a of args) if (!(a.op in OPERATORS)) n.fail(runc ? `string ${a.op} is not a valid operator for seccomp` : `seccomp get operator \`${a.op}\``, `${a.pointer}/op`);
      const dbArgs = toDbArgs(args);
      let argSets: DbArg[][];
      if (repeated) {
        argSets = dbArgs.map((x) => [x]);
        n.warn('args-or-split', `argument index ${repeatedIndex(args)} appears twice: ${runtime} adds each of the ${args.length} conditions as a separate rule (OR), including those on other arguments`, `${r.pointer}/args`);
      } else {
        argSets = [dbArgs];
      }
      if (argSets.some((s) => s.some((x) => x.arg > 5))) {
        n.fail('seccomp_rule_add_array: Invalid argument', `${r.pointer}/args`, 'argument indexes are 0..5');
      }
      const origin = origins.length;
      const src = n.src(name.pointer);
      origins.push({ rule: r.rule, pointer: r.pointer, name: name.value, source: src });
      fanned.push({ ociIndex, rule: r, name, action, argSets, conditional: dbArgs.length > 0, origin });
    }
  });
  for (const idx of droppedForDefault) dropOutcome(outcomes, idx, 'rule-equals-default');

  // --- Per ABI: libseccomp's database.
  const dbs = abis.map((abi) => ({ abi, db: new AbiDb((abi.longBits ?? abi.bits) === 64, { ltLeMergeBug: v.ltLeMergeBug }) }));
  const multiplexNotes = new Set<string>();
  /** Unconditional socket/IPC rules that also landed on the multiplexer, per ABI (one note each). */
  const plainMux = new Map<string, Set<string>>();
  for (const f of fanned) {
    if (f.origin < 0) continue;
    if ((f.action >>> 16) === SECCOMP_RET_ERRNO >>> 16 && (f.action & 0xffff) >= MAX_ERRNO) {
      n.fail(runc ? `error adding seccomp ${f.conditional ? 'rule' : 'filter rule'} for syscall ${f.name.value}: invalid argument` : `seccomp_rule_add${f.conditional ? '_array' : ` \`${f.name.value}\``}: Invalid argument`,
        f.rule.errnoPointer ?? `${f.rule.pointer}/errnoRet`, `libseccomp accepts errno values below ${MAX_ERRNO} (${formatAction(f.action)} after the 16-bit cast)`);
    }
    checkActionKernel(f.rule.action, kernel, n, `${f.rule.pointer}/action`, runc);
    let anyAbi = false;
    const muxName = LIBSECCOMP_MUX_NAMES.has(f.name.value);
    for (const { abi, db } of dbs) {
      // Fast path (most rules): unconditional, not multiplexed.
      if (f.argSets.length === 1 && f.argSets[0].length === 0 && !(muxName && v.multiplexes(abi.name))) {
        const nr = numberOn(v, abi, f.name.value);
        if (nr === undefined) continue;
        anyAbi = true;
        const outcome = db.add({ syscall: nr, action: f.action, args: NO_ARGS, origin: f.origin });
        const prev = effect.get(f.rule.rule);
        if (prev === undefined || outcomeRank(outcome) > outcomeRank(prev)) effect.set(f.rule.rule, outcome);
        if (outcome !== 'added' && outcome !== 'absorbed-conditional') noteOutcome(n, outcome, f, abi, undefined, db.syscalls.get(nr)?.action);
        continue;
      }
      for (const set of f.argSets) {
        const targets = ruleTargets(v, abi, f.name.value, set);
        for (const t of targets) {
          anyAbi = true;
          let outcome: AddOutcome;
          try {
            outcome = db.add({ syscall: t.nr, action: f.action, args: t.args, origin: f.origin });
          } catch (err) {
            if (err instanceof DbHangError) {
              n.fail(
                `libseccomp never returns from adding this rule for syscall ${f.name.value}${abi.name !== native.name ? ` on ${abi.name}` : ''}: ${runtime} would hang while starting the container`,
                f.name.pointer,
                'a libseccomp bug in merging argument trees (reproduced with libseccomp 2.5.4); reorder or simplify the argument conditions of this syscall',
              );
            }
            if (!(err instanceof DbConflictError)) throw err;
            const where = t.via ? ` (on ${abi.name} through ${t.via}(a0 == ${t.sub}))` : abi.name !== native.name ? ` (on ${abi.name})` : '';
            n.fail(
              runc ? `error adding seccomp ${f.conditional ? 'rule' : 'filter rule'} for syscall ${f.name.value}: file exists` : `seccomp_rule_add${f.conditional ? '_array' : ` \`${f.name.value}\``}: File exists`,
              f.name.pointer,
              `libseccomp refuses a rule whose conditions already lead to a different action (-EEXIST)${where}`,
            );
          }
          const prev = effect.get(f.rule.rule);
          if (prev === undefined || outcomeRank(outcome) > outcomeRank(prev)) effect.set(f.rule.rule, outcome);
          if (outcome !== 'added' && outcome !== 'absorbed-conditional') noteOutcome(n, outcome, f, abi, t.via, db.syscalls.get(t.nr)?.action);
          if (t.via && set.length === 0) {
            const names = plainMux.get(abi.name) ?? new Set<string>();
            names.add(`${f.name.value}`);
            plainMux.set(abi.name, names);
          } else if (t.via && !multiplexNotes.has(`${f.origin}:${abi.name}`)) {
            multiplexNotes.add(`${f.origin}:${abi.name}`);
            noteMultiplex(n, f, abi, t, set);
          }
        }
      }
    }
    if (!anyAbi) {
      n.info('not-on-abi', `${f.name.value} is not a syscall of ${abis.map((a) => a.name).join(', ')}: no effect here`, f.name.pointer, { syscall: f.name.value });
    }
  }

  for (const [abi, names] of plainMux) {
    n.info('multiplexed', `on ${abi} libseccomp also applies the unconditional rules for ${[...names].join(', ')} to their socketcall/ipc sub-calls`, root, { abi });
  }

  // --- Rule outcomes: applied when at least one name changed a database.
  for (const o of outcomes) {
    if (o.status === 'dropped') continue;
    const r = oci.rules.find((x) => x.rule === o.rule);
    if (!r) continue;
    const best = effect.get(o.rule);
    if (best === 'added' || best === 'replaced-conditional' || best === 'absorbed-conditional') continue;
    o.status = 'dropped';
    o.reason =
      best === 'shadowed-by-unconditional' ? 'shadowed' :
      best === 'redundant' ? 'redundant' :
      r.names.every((x) => x.value === '' || !knowsName(v, x.value)) ? 'unknown-syscall' : 'not-on-abi';
  }

  // --- Values wider than a 32-bit ABI compares.
  const narrow = abis.filter((a) => (a.longBits ?? a.bits) === 32);
  if (narrow.length > 0) {
    for (const r of oci.rules) {
      for (const a of r.args) {
        if (a.value > 0xffffffffn || (a.valueTwo ?? 0n) > 0xffffffffn) {
          n.warn('value-truncated', `a value above 32 bits: on ${narrow.map((x) => x.name).join(', ')} libseccomp compares only the low 32 bits`, a.pointer);
        }
      }
    }
  }

  // --- ENOSYS stub (runc only).
  const stub = runc ? enosysStub(input, v, abis, fanned, defaultAction, oci) : new Map<string, number>();

  // --- Policies per ABI.
  const abiPolicies: AbiPolicy[] = dbs.map(({ abi, db }) => {
    const is64 = (abi.longBits ?? abi.bits) === 64;
    const syscalls: SyscallPolicy[] = [];
    const names = abiNames(abi);
    for (const sys of [...db.syscalls.values()].sort((a, b) => (a.num >>> 0) - (b.num >>> 0))) {
      if (sys.num < 0) continue;
      const name = names.get(sys.num) ?? `#${sys.num}`;
      if (sys.chains === null) {
        const clause: Clause = { conditions: [], action: sys.action >>> 0 };
        const o = origins[sys.origin];
        if (o) clause.origin = o;
        syscalls.push({ nr: sys.num, name, clauses: [clause] });
        continue;
      }
      const clauses: Clause[] = [];
      for (const c of syscallClauses(sys, is64, defaultAction, `${name} on ${abi.name}`, v.ltLeMergeBug ? 'bug' : '')) {
        const clause: Clause = { conditions: c.conditions, action: c.action >>> 0 };
        const o = origins[c.origin];
        if (o) clause.origin = o;
        clauses.push(clause);
      }
      if (clauses.length > 0) syscalls.push({ nr: sys.num, name, clauses });
    }
    const rangeActions = stubRanges(abi, stub, abis);
    const max = stub.get(abi.name);
    const reachable = max === undefined ? syscalls : syscalls.filter((s) => (s.nr >>> 0) <= max || (abi.name === 'x86_64' && (s.nr & X32_SYSCALL_BIT) !== 0));
    return { abi: abi.name, auditArch: abi.auditArch, syscalls: reachable, rangeActions, defaultAction };
  });

  n.info('bad-arch', `system calls of ABIs other than ${abis.map((a) => a.name).join(', ')} get KILL_THREAD (libseccomp's bad-architecture action), not the default action`, oci.architectures.length > 0 ? rootPtr('architectures') : root);

  const policy: Policy = {
    unconfined: false,
    defaultAction,
    badArchAction: SECCOMP_RET_KILL_THREAD,
    flags,
    abis: abiPolicies,
    notes: n.notes,
    rules: outcomes,
  };
  if (oci.listenerPath !== undefined && oci.listenerPath !== '') policy.listenerPath = oci.listenerPath;
  if (oci.listenerMetadata !== undefined && oci.listenerMetadata !== '') policy.listenerMetadata = oci.listenerMetadata;
  return policy;
}

/** Which outcome of one rule's names tells most about the rule (dropped < redundant < applied). */
function outcomeRank(x: AddOutcome): number {
  return x === 'shadowed-by-unconditional' ? 0 : x === 'redundant' ? 1 : 2;
}

function repeatedIndex(args: readonly ProfileArg[]): string {
  const seen = new Set<bigint>();
  for (const a of args) {
    if (seen.has(a.index)) return String(a.index);
    seen.add(a.index);
  }
  return '?';
}

function dropOutcome(outcomes: RuleOutcome[], rule: number, reason: string): void {
  const o = outcomes.find((x) => x.rule === rule);
  if (o) {
    o.status = 'dropped';
    o.reason = reason;
  }
}

function checkActionKernel(action: string, kernel: KernelVersion | undefined, n: NoteSink, pointer: string, runc: boolean): void {
  const need = actionKernel(action);
  if (!need || !kernel || kernelAtLeast(kernel, need)) return;
  n.fail(`${runc ? 'error creating filter' : 'error seccomp_init'}: ${action} needs Linux ${need.major}.${need.minor} or later (kernel ${kernel.major}.${kernel.minor})`, pointer);
}

/** Where libseccomp puts one rule on one ABI: the direct syscall and/or the multiplexer. */
interface Target {
  nr: number;
  args: DbArg[];
  via?: 'socketcall' | 'ipc';
  sub?: number;
}

function ruleTargets(v: LibseccompVersion, abi: Abi, name: string, args: DbArg[]): Target[] {
  if (LIBSECCOMP_MUX_NAMES.has(name) && v.multiplexes(abi.name)) {
    const mc = multiplexedCall(abi, name);
    if (mc) {
      const out: Target[] = [];
      // abi_rule_add: the multiplexed rule first, a0 replaced by the sub-call number; the rest kept.
      const muxArgs: DbArg[] = [{ arg: 0, op: 'EQ', mask: 0xffffffffffffffffn, datum: BigInt(mc.sub) }, ...args.filter((a) => a.arg !== 0)];
      out.push({ nr: mc.viaNr, args: muxArgs, via: mc.via, sub: mc.sub });
      const direct = numberOn(v, abi, name);
      if (direct !== undefined) out.push({ nr: direct, args });
      return out;
    }
  }
  const nr = numberOn(v, abi, name);
  return nr === undefined ? [] : [{ nr, args }];
}

function noteOutcome(n: NoteSink, outcome: AddOutcome, f: Fanned, abi: Abi, via: string | undefined, existing: number | undefined): void {
  const target = via ?? f.name.value;
  const on = `on ${abi.name}`;
  switch (outcome) {
    case 'added':
    case 'absorbed-conditional':
      return;
    case 'shadowed-by-unconditional':
      // Same action: a harmless duplicate (Docker's socket rules meet its plain socketcall rule on x86).
      if (existing !== undefined && existing >>> 0 === f.action >>> 0) {
        if (!via) n.info('duplicate', `${target} is already ${formatAction(f.action)} unconditionally ${on}: this ${f.conditional ? 'conditional ' : ''}rule adds nothing`, f.name.pointer, { abi: abi.name, syscall: target });
        return;
      }
      n.warn('shadowed', `${target} already has an unconditional rule ${on}${existing !== undefined ? ` (${formatAction(existing)})` : ''}: libseccomp silently drops this ${f.conditional ? 'conditional ' : ''}rule (${formatAction(f.action)})`, f.name.pointer, { abi: abi.name, syscall: target });
      return;
    case 'replaced-conditional':
      n.info('replaces-conditional', `this unconditional rule removes the earlier conditional rules for ${target} ${on}`, f.name.pointer, { abi: abi.name, syscall: target });
      return;
    case 'redundant':
      n.info('redundant', `an earlier rule for ${target} ${on} already covers this one with the same action`, f.name.pointer, { abi: abi.name, syscall: target });
      return;
  }
}

function noteMultiplex(n: NoteSink, f: Fanned, abi: Abi, t: Target, set: DbArg[]): void {
  const lost = set.filter((a) => a.arg === 0);
  const kept = set.filter((a) => a.arg !== 0);
  const parts = [`on ${abi.name} libseccomp also adds ${t.via}(a0 == ${t.sub}) with ${formatAction(f.action)} for ${f.name.value}`];
  if (lost.length > 0) parts.push(`the condition on a0 does not apply there`);
  if (kept.length > 0) parts.push(`conditions on ${kept.map((a) => `a${a.arg}`).join(', ')} test ${t.via}'s own registers (${t.via === 'socketcall' ? 'a1 is the pointer to the real arguments' : 'the real arguments are shifted by one'})`);
  n.warn('multiplexed', parts.join('; '), f.rule.args.length > 0 ? `${f.rule.pointer}/args` : f.name.pointer, { abi: abi.name, syscall: f.name.value });
}

/** runc's patchbpf: per ABI, the highest syscall number any rule names, if the stub applies. */
function enosysStub(input: RuntimeInput, v: LibseccompVersion, abis: Abi[], fanned: Fanned[], defaultAction: number, oci: OciSeccomp): Map<string, number> {
  const n = input.notes;
  const out = new Map<string, number>();
  const kind = defaultAction >>> 16;
  if (kind === SECCOMP_RET_ALLOW >>> 16 || kind === SECCOMP_RET_LOG >>> 16 || kind === SECCOMP_RET_TRACE >>> 16) {
    n.info('no-enosys-stub', `no ENOSYS stub: runc adds none when the default action is ${formatAction(defaultAction)}`, `${oci.root}/defaultAction`);
    return out;
  }
  // runc compares defaultErrnoRet with the whole action value SCMP_ACT_ERRNO(ENOSYS) (errata §5.1 step 10).
  if (oci.defaultErrnoRet === 0x50026n) {
    n.info('no-enosys-stub', 'no ENOSYS stub: defaultErrnoRet is 327718 (= SCMP_ACT_ERRNO(ENOSYS)), the value runc compares with', `${oci.root}/defaultErrnoRet`);
    return out;
  }
  if (oci.defaultErrnoRet === BigInt(ENOSYS)) {
    n.info('enosys-stub-redundant', 'runc adds its ENOSYS stub even though defaultErrnoRet is already 38 (it compares with 327718, not 38); the stub changes nothing here', `${oci.root}/defaultErrnoRet`);
  }
  const names = [...new Set(fanned.map((f) => f.name.value))];
  for (const abi of abis) {
    let max = 0;
    for (const name of names) {
      if (name === '' || !knowsName(v, name)) continue;
      if (LIBSECCOMP_MUX_NAMES.has(name) && v.multiplexes(abi.name)) continue; // resolves to a pseudo number
      const nr = numberOn(v, abi, name);
      if (nr !== undefined && nr > max) max = nr;
    }
    if (max === 0) {
      n.warn('no-enosys-stub', `runc finds no syscall of ${abi.name} in the profile ("could not find any syscalls"): no ENOSYS stub for it`, oci.root, { abi: abi.name });
      continue;
    }
    out.set(abi.name, max);
    const name = syscallName(abi, max) ?? `#${max}`;
    n.info('enosys-stub', `runc's ENOSYS stub: on ${abi.name}, syscall numbers above ${max} (${name}, the highest one the profile names) get ERRNO(38) before the filter runs${abi.table === 's390' || abi.table === 's390x' ? '; so does number 0' : ''}`, oci.root, { abi: abi.name });
  }
  return out;
}

const ENOSYS_ACTION = (SECCOMP_RET_ERRNO | ENOSYS) >>> 0;

function stubRanges(abi: Abi, stub: Map<string, number>, abis: Abi[]): RangeAction[] {
  const max = stub.get(abi.name);
  if (max === undefined) return [];
  const reason = `runc ENOSYS stub: above ${syscallName(abi, max) ?? max} (${max}), the highest syscall the profile names`;
  const ranges: RangeAction[] = [];
  if (abi.table === 's390' || abi.table === 's390x') ranges.push({ from: 0, to: 0, action: ENOSYS_ACTION, reason: 'runc ENOSYS stub: s390 syscall 0 (setup(2), how unknown large numbers arrive)' });
  if (abi.name === 'x86_64') {
    // Numbers with the x32 bit never reach the x86_64 policy except -1 (a tracer's skip), which the
    // stub sends through its x32 branch only when x32 has a stub too.
    const x32 = abis.some((a) => a.name === 'x32') && stub.has('x32');
    ranges.push({ from: max + 1, to: x32 ? 0xffffffff : 0xfffffffe, action: ENOSYS_ACTION, reason });
  } else {
    ranges.push({ from: max + 1, to: 0xffffffff, action: ENOSYS_ACTION, reason });
  }
  return ranges;
}

function unconfinedPolicy(input: RuntimeInput, why: string): Policy {
  input.notes.warn('unconfined', `${why}: the container runs without a seccomp filter`, input.oci.root);
  for (const o of input.outcomes) {
    o.status = 'dropped';
    o.reason = 'unconfined';
  }
  return { unconfined: true, defaultAction: SECCOMP_RET_ALLOW, badArchAction: SECCOMP_RET_ALLOW, flags: 0, abis: [], notes: input.notes.notes, rules: input.outcomes };
}

// ---------------------------------------------------------------------------------------------
// none: the object as written

function literal(input: RuntimeInput): Policy {
  const { oci, e, outcomes } = input;
  const n: NoteSink = input.notes;
  const v = LIBSECCOMP_LATEST;
  const root = oci.root;
  if (oci.defaultAction === '' && oci.rules.length === 0) return unconfinedPolicy(input, 'an empty defaultAction with no syscalls');
  if (!RUNC_ACTIONS.has(oci.defaultAction)) n.fail(`unknown action ${oci.defaultAction === '' ? '(empty)' : oci.defaultAction}`, `${root}/defaultAction`);
  const dErrno = supportsErrno(oci.defaultAction) ? oci.defaultErrnoRet : undefined;
  if (dErrno !== undefined && dErrno > U16) n.warn('errno-cast', `defaultErrnoRet ${dErrno} does not fit the 16 data bits of a seccomp return value; it is cut to ${dErrno & U16}`, `${root}/defaultErrnoRet`);
  const defaultAction = actionValue(oci.defaultAction, dErrno);
  const native = getAbi(e.arch.abi);
  if (!native) throw new Error(`no ABI ${e.arch.abi}`);
  const abis: Abi[] = [native];
  for (const a of oci.architectures) {
    const abi = getAbi(a.value);
    if (!abi) n.fail(`unknown architecture ${a.value}`, a.pointer);
    if (!abis.some((x) => x.name === abi.name)) abis.push(abi);
  }
  let flags = 0;
  for (const f of oci.flags ?? []) {
    switch (f.value) {
      case 'SECCOMP_FILTER_FLAG_TSYNC': flags |= SECCOMP_FILTER_FLAG_TSYNC; break;
      case 'SECCOMP_FILTER_FLAG_SPEC_ALLOW': flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW; break;
      case 'SECCOMP_FILTER_FLAG_LOG': flags |= SECCOMP_FILTER_FLAG_LOG; break;
      case 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV': flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV; break;
      default: n.fail(`unknown flag ${f.value}`, f.pointer);
    }
  }
  n.info('literal', 'runtime "none": rules are taken as written, first matching rule wins in profile order; no runtime transformation', root);
  const per = new Map<string, Map<number, SyscallPolicy>>(abis.map((a) => [a.name, new Map()]));
  const applied = new Set<number>();
  for (const r of oci.rules) {
    if (!RUNC_ACTIONS.has(r.action)) n.fail(`unknown action ${r.action}`, `${r.pointer}/action`);
    const errno = supportsErrno(r.action) ? r.errnoRet : undefined;
    if (r.errnoRet !== undefined && errno === undefined) n.warn('errno-ignored', `errnoRet has no meaning for ${r.action}`, r.errnoPointer ?? `${r.pointer}/errnoRet`);
    if (errno !== undefined && errno > U16) n.warn('errno-cast', `errnoRet ${errno} does not fit 16 bits; it is cut to ${errno & U16}`, r.errnoPointer ?? `${r.pointer}/errnoRet`);
    const action = actionValue(r.action, errno);
    for (const a of r.args) {
      if (!(a.op in OPERATORS)) n.fail(`unknown operator ${a.op}`, `${a.pointer}/op`);
      if (a.index > 5n) n.fail(`argument index ${a.index} is out of range (0..5)`, `${a.pointer}/index`);
    }
    for (const name of r.names) {
      if (!knowsName(v, name.value)) {
        n.warn('unknown-syscall', `"${name.value}" is not a known syscall: ignored`, name.pointer, { syscall: name.value });
        continue;
      }
      for (const abi of abis) {
        const nr = syscallNumber(abi, name.value);
        if (nr === undefined) continue;
        const width: 32 | 64 = (abi.longBits ?? abi.bits) === 64 ? 64 : 32;
        const conditions: Condition[] = r.args.map((a) => literalCondition(a, width, n));
        const map = per.get(abi.name) as Map<number, SyscallPolicy>;
        let sp = map.get(nr);
        if (!sp) {
          sp = { nr, name: name.value, clauses: [] };
          map.set(nr, sp);
        }
        if (sp.clauses.some((c) => c.conditions.length === 0)) {
          n.info('unreachable', `an earlier unconditional rule for ${name.value} decides first on ${abi.name}: this rule is never reached`, name.pointer, { abi: abi.name, syscall: name.value });
          continue;
        }
        sp.clauses.push({ conditions, action, origin: { rule: r.rule, pointer: r.pointer, name: name.value, source: n.src(name.pointer) } });
        applied.add(r.rule);
      }
    }
  }
  for (const o of outcomes) if (o.status === 'applied' && oci.rules.some((r) => r.rule === o.rule) && !applied.has(o.rule)) {
    o.status = 'dropped';
    o.reason = 'unknown-syscall';
  }
  const abiPolicies: AbiPolicy[] = abis.map((abi) => ({
    abi: abi.name,
    auditArch: abi.auditArch,
    syscalls: [...(per.get(abi.name) as Map<number, SyscallPolicy>).values()].sort((a, b) => (a.nr >>> 0) - (b.nr >>> 0)),
    rangeActions: [],
    defaultAction,
  }));
  const policy: Policy = { unconfined: false, defaultAction, badArchAction: SECCOMP_RET_KILL_THREAD, flags, abis: abiPolicies, notes: n.notes, rules: outcomes };
  if (oci.listenerPath) policy.listenerPath = oci.listenerPath;
  if (oci.listenerMetadata) policy.listenerMetadata = oci.listenerMetadata;
  return policy;
}

function literalCondition(a: ProfileArg, width: 32 | 64, n: NoteSink): Condition {
  const op = OPERATORS[a.op];
  const w = width === 32 ? 0xffffffffn : 0xffffffffffffffffn;
  if (width === 32 && (a.value > w || (a.valueTwo ?? 0n) > w)) {
    n.warn('value-truncated', `value above 32 bits on a 32-bit ABI: only the low 32 bits are compared`, a.pointer);
  }
  if (op === 'MASKED_EQ') return { arg: Number(a.index), width, op, value: (a.valueTwo ?? 0n) & w, mask: a.value & w };
  return { arg: Number(a.index), width, op, value: a.value & w };
}
