/**
 * Counting a resolved {@link Policy}: per ABI, how many of the ABI's syscalls (every number our
 * table knows for it) are allowed, denied or conditional, and which rules were kept or dropped and
 * why. This is what `seccomp-kit check` prints.
 */
import { decodeAction, formatAction } from '../bpf/actions.js';
import type { ActionKind } from '../bpf/actions.js';
import { FILTER_FLAG_NAMES } from '../bpf/opcodes.js';
import { getAbi, syscallEntries } from '../syscalls/index.js';
import type { AbiPolicy, Policy, PolicyContext, RuleOutcome, SyscallPolicy } from './policy.js';

/** How one syscall fares. */
export type Verdict = 'allowed' | 'denied' | 'conditional' | 'other';

/** ALLOW and LOG let the call run; ERRNO, TRAP and the kills stop it; TRACE and USER_NOTIF hand it to someone else. */
export function verdictOf(action: number): Exclude<Verdict, 'conditional'> {
  const k: ActionKind = decodeAction(action).kind;
  if (k === 'ALLOW' || k === 'LOG') return 'allowed';
  if (k === 'TRACE' || k === 'USER_NOTIF') return 'other';
  return 'denied';
}

/** One syscall of an ABI's table and what decides it. */
export interface SyscallVerdict {
  name: string;
  nr: number;
  verdict: Verdict;
  /** The unconditional action, for every verdict but `conditional`. */
  action?: number;
  /** Where an unconditional action comes from. */
  by: 'rule' | 'range' | 'default' | 'clauses';
  /** For `range`: the range's reason. */
  reason?: string;
  /** For `rule` and `clauses`: the policy entry. */
  syscall?: SyscallPolicy;
}

/** Classifies every syscall of the ABI's table (by increasing number). */
export function classifySyscalls(abi: AbiPolicy): SyscallVerdict[] {
  const byNr = new Map(abi.syscalls.map((s) => [s.nr >>> 0, s]));
  const out: SyscallVerdict[] = [];
  const known = getAbi(abi.abi) ? syscallEntries(abi.abi) : [];
  for (const e of known) {
    const nr = e.nr >>> 0;
    const sp = byNr.get(nr);
    if (sp && sp.clauses.length > 0) {
      const first = sp.clauses[0];
      if (first.conditions.length === 0) {
        out.push({ name: e.name, nr, verdict: verdictOf(first.action), action: first.action >>> 0, by: 'rule', syscall: sp });
      } else {
        out.push({ name: e.name, nr, verdict: 'conditional', by: 'clauses', syscall: sp });
      }
      continue;
    }
    const range = abi.rangeActions.find((r) => nr >= r.from >>> 0 && nr <= r.to >>> 0);
    if (range) {
      out.push({ name: e.name, nr, verdict: verdictOf(range.action), action: range.action >>> 0, by: 'range', reason: range.reason });
      continue;
    }
    out.push({ name: e.name, nr, verdict: verdictOf(abi.defaultAction), action: abi.defaultAction >>> 0, by: 'default' });
  }
  return out;
}

/** Counts for one ABI. */
export interface AbiSummary {
  abi: string;
  /** Syscalls in our table for this ABI. */
  total: number;
  allowed: number;
  denied: number;
  conditional: number;
  /** TRACE / USER_NOTIF. */
  other: number;
  /** Denied by the profile's rules / by the default action / by a range (runc's ENOSYS stub). */
  deniedBy: { rule: number; default: number; range: number };
  defaultAction: string;
  /** First number of a range action (the stub), if any. */
  rangeFrom?: number;
}

/** Dropped rules of one kind. */
export interface DroppedRules {
  /** Stable key: `rule-excluded:caps`, `rule-equals-default`, `unknown-syscall`, ... */
  reason: string;
  /** Readable text of the reason. */
  label: string;
  count: number;
}

/** What `check` prints. */
export interface PolicySummary {
  unconfined: boolean;
  defaultAction: string;
  badArchAction: string;
  flags: string[];
  /** ABI names, native first. */
  architectures: string[];
  abis: AbiSummary[];
  rulesTotal: number;
  rulesKept: number;
  rulesDropped: DroppedRules[];
  notes: { errors: number; warnings: number; info: number };
  context?: PolicyContext;
}

const DROP_LABELS: Readonly<Record<string, string>> = {
  'rule-excluded:caps': 'capability conditions not met',
  'rule-excluded:arch': 'for other architectures',
  'rule-excluded:kernel': 'kernel version conditions not met',
  'rule-equals-default': 'same action as the default',
  'unknown-syscall': 'syscall names unknown to libseccomp',
  'not-on-abi': 'syscalls absent on these ABIs',
  shadowed: 'shadowed by an earlier unconditional rule',
  redundant: 'covered by an earlier rule',
  'no-names': 'no syscall names',
  unconfined: 'seccomp disabled',
};

function dropKey(o: RuleOutcome): string {
  return o.reason === 'rule-excluded' && o.detail ? `rule-excluded:${o.detail}` : o.reason ?? 'dropped';
}

/** Names of the SECCOMP_FILTER_FLAG_* bits set. */
export function flagNames(flags: number): string[] {
  return FILTER_FLAG_NAMES.filter(([bit]) => (flags & bit) !== 0).map(([, n]) => n);
}

/** Counts a resolved policy. */
export function summarizePolicy(policy: Policy): PolicySummary {
  const abis: AbiSummary[] = policy.abis.map((a) => {
    const all = classifySyscalls(a);
    const s: AbiSummary = {
      abi: a.abi,
      total: all.length,
      allowed: all.filter((x) => x.verdict === 'allowed').length,
      denied: all.filter((x) => x.verdict === 'denied').length,
      conditional: all.filter((x) => x.verdict === 'conditional').length,
      other: all.filter((x) => x.verdict === 'other').length,
      deniedBy: {
        rule: all.filter((x) => x.verdict === 'denied' && x.by === 'rule').length,
        default: all.filter((x) => x.verdict === 'denied' && x.by === 'default').length,
        range: all.filter((x) => x.verdict === 'denied' && x.by === 'range').length,
      },
      defaultAction: formatAction(a.defaultAction),
    };
    const stub = a.rangeActions.find((r) => r.from > 0);
    if (stub) s.rangeFrom = stub.from;
    return s;
  });
  const rules = policy.rules ?? [];
  const dropped = new Map<string, number>();
  for (const o of rules) if (o.status === 'dropped') dropped.set(dropKey(o), (dropped.get(dropKey(o)) ?? 0) + 1);
  const summary: PolicySummary = {
    unconfined: policy.unconfined,
    defaultAction: formatAction(policy.defaultAction),
    badArchAction: formatAction(policy.badArchAction),
    flags: flagNames(policy.flags),
    architectures: policy.abis.map((a) => a.abi),
    abis,
    rulesTotal: rules.length,
    rulesKept: rules.filter((o) => o.status === 'applied').length,
    rulesDropped: [...dropped].map(([reason, count]) => ({ reason, label: DROP_LABELS[reason] ?? reason, count })).sort((a, b) => b.count - a.count),
    notes: {
      errors: policy.notes.filter((x) => x.severity === 'error').length,
      warnings: policy.notes.filter((x) => x.severity === 'warning').length,
      info: policy.notes.filter((x) => x.severity === 'info').length,
    },
  };
  if (policy.context) summary.context = policy.context;
  return summary;
}
