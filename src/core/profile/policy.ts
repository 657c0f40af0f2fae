/**
 * The resolved policy: what the kernel will be asked to enforce, after the profile was resolved for
 * a context (daemon arch, capabilities, kernel, runtime). Per ABI, per syscall number, an ordered
 * list of clauses; the first clause whose conditions all hold decides, else the ABI's default.
 * This is the input of the compiler and of analysis, and {@link decide} (decide.ts) is the oracle.
 */
import type { SourceRef } from '../errors.js';

/** Comparison operators with libseccomp's unsigned semantics. */
export type ArgOp = 'EQ' | 'NE' | 'LT' | 'LE' | 'GT' | 'GE' | 'MASKED_EQ';

/**
 * One argument comparison in kernel terms. With width 32 only the low 32 bits of the argument,
 * of `value` and of `mask` take part (the kernel reads such arguments as `int`); with width 64
 * the whole u64.
 */
export interface Condition {
  /** Argument index 0..5. */
  arg: number;
  width: 32 | 64;
  op: ArgOp;
  /** Right-hand side; for MASKED_EQ the expected value after masking. */
  value: bigint;
  /** MASKED_EQ only: `(arg & mask) == value`. */
  mask?: bigint;
}

/** Where a clause came from, for explain/lint. */
export interface ClauseOrigin {
  /** Index of the rule in `Profile.rules`. */
  rule: number;
  /** JSON pointer of the rule. */
  pointer: string;
  /** The syscall name as the rule wrote it. */
  name: string;
  source?: SourceRef;
}

/** One "if all conditions hold, return action". */
export interface Clause {
  /** ANDed; empty = unconditional. */
  conditions: Condition[];
  /** The 32-bit seccomp return value (`SECCOMP_RET_*` | data). */
  action: number;
  origin?: ClauseOrigin;
}

/** The clauses of one syscall on one ABI. */
export interface SyscallPolicy {
  /** Number as the filter sees it (x32 bit included). */
  nr: number;
  name: string;
  clauses: Clause[];
}

/** A range of syscall numbers with no clauses of their own whose action differs from the default (ENOSYS past the table). */
export interface RangeAction {
  /** Inclusive bounds, numbers as the filter sees them. */
  from: number;
  to: number;
  action: number;
  reason: string;
}

/** Everything one ABI enforces. */
export interface AbiPolicy {
  /** Abi name (`x86_64`, `x86`, `x32`, ...; see src/core/syscalls). */
  abi: string;
  auditArch: number;
  /** Syscalls with clauses, sorted by nr. A syscall absent here gets `rangeActions` or `defaultAction`. */
  syscalls: SyscallPolicy[];
  /** Checked before the default for numbers without clauses; non-overlapping, sorted. */
  rangeActions: RangeAction[];
  /** The 32-bit return value for everything else. */
  defaultAction: number;
}

/** Something resolution or the runtime dropped, changed or wants the user to know. */
export interface PolicyNote {
  severity: 'error' | 'warning' | 'info';
  /** Stable id: `rule-excluded`, `rule-equals-default`, `unknown-syscall`, `args-or-split`, `shadowed`, `errno-cast`, ... */
  code: string;
  message: string;
  source?: SourceRef;
  /** ABI and syscall it concerns, when it concerns one. */
  abi?: string;
  syscall?: string;
}

/** What resolution decided for one rule of the profile (`Profile.rules[rule]`). */
export interface RuleOutcome {
  /** Index in `Profile.rules`. */
  rule: number;
  pointer: string;
  source?: SourceRef;
  /** The names the rule lists (the legacy `name` included). */
  names: string[];
  /**
   * `applied`: it reached the filter (for at least one name; per-name losses are notes);
   * `dropped`: resolution or the runtime removed it whole.
   */
  status: 'applied' | 'dropped';
  /** For `dropped`: the code of the note that says why (`rule-excluded`, `rule-equals-default`, ...). */
  reason?: string;
  /** For `rule-excluded`: which condition excluded it (`caps`, `arch`, `kernel`). */
  detail?: string;
}

/** The inputs a policy was resolved for (see ResolveContext in context.ts). */
export interface PolicyContext {
  /** Who read the profile: `docker`, `podman` or `oci`. */
  dialect: string;
  /** Daemon GOARCH. */
  daemonArch: string;
  runtime: 'runc' | 'crun' | 'none';
  /** `major.minor`, when known. */
  kernel?: string;
  syscallTable: string;
  /** The bounding set the caps conditions were evaluated against. */
  capabilities: string[];
  privileged: boolean;
  /** File or label of the profile. */
  file?: string;
}

/** The resolved policy. */
export interface Policy {
  /** True when the profile disables seccomp (`{}` in Docker/runc): nothing is enforced. */
  unconfined: boolean;
  /** Default action of the profile as a return value. */
  defaultAction: number;
  /** Returned for an AUDIT_ARCH that no ABI policy covers (runc/libseccomp: KILL_THREAD). */
  badArchAction: number;
  /** SECCOMP_FILTER_FLAG_* bits to load with. */
  flags: number;
  listenerPath?: string;
  listenerMetadata?: string;
  /** In dispatch order; the native ABI first. */
  abis: AbiPolicy[];
  notes: PolicyNote[];
  /** Per profile rule, what resolution did with it (absent for hand-built policies). */
  rules?: RuleOutcome[];
  /** What the policy was resolved for (absent for hand-built policies). */
  context?: PolicyContext;
}
