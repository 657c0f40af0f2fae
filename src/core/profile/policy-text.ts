/**
 * A resolved {@link Policy} as readable text (`seccomp-kit resolve`): per ABI the syscalls that are
 * allowed, conditional (with their clauses in first-match order), denied (grouped by action and by
 * what decides: a rule, runc's ENOSYS stub, the default), the ranges and the default; then the notes
 * with positions. Deterministic, so it can serve as a golden file.
 */
import { formatAction } from '../bpf/actions.js';
import { formatSource } from '../errors.js';
import { getAbi } from '../syscalls/index.js';
import type { AbiPolicy, Clause, Condition, Policy, PolicyNote } from './policy.js';
import { classifySyscalls, flagNames } from './summary.js';

/** A value as people write it: decimal below 4096, hex above. */
export function formatValue(v: bigint): string {
  return v < 4096n ? v.toString() : `0x${v.toString(16)}`;
}

const OPS: Readonly<Record<Condition['op'], string>> = { EQ: '==', NE: '!=', LT: '<', LE: '<=', GT: '>', GE: '>=', MASKED_EQ: '==' };

/** `a0 == 39`, `(a0 & 0x7e020000) == 0`; a 32-bit test on a 64-bit ABI reads `(u32)a0`. */
export function formatCondition(c: Condition, abiWidth: 32 | 64 = 64): string {
  const arg = c.width === 32 && abiWidth === 64 ? `(u32)a${c.arg}` : `a${c.arg}`;
  if (c.op === 'MASKED_EQ') return `(${arg} & ${formatValue(c.mask ?? 0xffffffffffffffffn)}) == ${formatValue(c.value)}`;
  return `${arg} ${OPS[c.op]} ${formatValue(c.value)}`;
}

/** `ALLOW if a0 == 39 && a1 < 4`, or just `ALLOW`. */
export function formatClause(c: Clause, abiWidth: 32 | 64 = 64): string {
  const act = formatAction(c.action);
  return c.conditions.length === 0 ? act : `${act} if ${c.conditions.map((x) => formatCondition(x, abiWidth)).join(' && ')}`;
}

/** One note as `file:line:col: severity: message [code]`. */
export function formatNote(n: PolicyNote): string {
  return `${formatSource(n.source)}${n.severity}: ${n.message} [${n.code}]`;
}

function wrap(words: string[], indent: string, width: number): string[] {
  const lines: string[] = [];
  let cur = indent;
  for (const w of words) {
    if (cur.length > indent.length && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = indent;
    }
    cur += (cur.length > indent.length ? ' ' : '') + w;
  }
  if (cur.length > indent.length) lines.push(cur);
  return lines;
}

function abiWidth(name: string): 32 | 64 {
  const a = getAbi(name);
  return a && (a.longBits ?? a.bits) === 64 ? 64 : 32;
}

/** The lines of one ABI's section. */
export function formatAbiPolicy(a: AbiPolicy, width = 100): string[] {
  const out: string[] = [];
  const all = classifySyscalls(a);
  const allowed = all.filter((x) => x.verdict === 'allowed');
  const conditional = all.filter((x) => x.verdict === 'conditional');
  const denied = all.filter((x) => x.verdict === 'denied' || x.verdict === 'other');
  const abi = getAbi(a.abi);
  out.push(`${a.abi} (AUDIT_ARCH 0x${(a.auditArch >>> 0).toString(16)}${abi && abi.nrOffset ? `, numbers + 0x${abi.nrOffset.toString(16)}` : ''}): ${all.length} syscalls, ${allowed.length} allowed, ${conditional.length} conditional, ${denied.length} denied`);
  // Allowed, grouped by action (ALLOW, LOG).
  const byAllowAction = new Map<string, string[]>();
  for (const s of allowed) {
    const k = formatAction(s.action ?? 0);
    byAllowAction.set(k, [...(byAllowAction.get(k) ?? []), s.name]);
  }
  for (const [act, names] of byAllowAction) {
    out.push(`  allowed, ${act} (${names.length}):`);
    out.push(...wrap([...names].sort(), '    ', width));
  }
  if (conditional.length > 0) {
    out.push(`  conditional (${conditional.length}), clauses in first-match order, else ${formatAction(a.defaultAction)}:`);
    const w = Math.max(...conditional.map((c) => c.name.length));
    const aw = abiWidth(a.abi);
    for (const c of conditional) {
      const clauses = c.syscall?.clauses ?? [];
      clauses.forEach((cl, i) => out.push(`    ${(i === 0 ? c.name : '').padEnd(w)}  ${formatClause(cl, aw)}`));
    }
  }
  // Denied, grouped by action and by what decides.
  const groups = new Map<string, string[]>();
  for (const s of denied) {
    const why = s.by === 'default' ? ' (default)' : s.by === 'range' ? ' (runc ENOSYS stub)' : '';
    const key = `${formatAction(s.action ?? 0)}${why}`;
    groups.set(key, [...(groups.get(key) ?? []), s.name]);
  }
  for (const [key, names] of [...groups].sort((x, y) => x[0].localeCompare(y[0]))) {
    out.push(`  denied, ${key} (${names.length}):`);
    out.push(...wrap([...names].sort(), '    ', width));
  }
  for (const r of a.rangeActions) {
    out.push(`  numbers ${r.from}..${r.to >>> 0}: ${formatAction(r.action)} (${r.reason})`);
  }
  out.push(`  any other number: ${formatAction(a.defaultAction)}`);
  return out;
}

/** The whole policy as text lines. */
export function formatPolicy(policy: Policy, opts: { width?: number; notes?: boolean; title?: string } = {}): string[] {
  const width = opts.width ?? 100;
  const out: string[] = [];
  const c = policy.context;
  const title = opts.title ?? c?.file ?? 'profile';
  if (c) {
    out.push(`${title}: read as ${c.dialect}, enforced by ${c.runtime === 'none' ? 'no runtime (rules as written)' : c.runtime} on ${c.daemonArch}${c.kernel ? `, kernel ${c.kernel}` : ''}, ${c.syscallTable === 'latest' ? 'full syscall table' : c.syscallTable}`);
    out.push(`capabilities (${c.capabilities.length})${c.privileged ? ', privileged' : ''}: ${c.capabilities.length ? c.capabilities.join(' ') : '(none)'}`);
  } else {
    out.push(title);
  }
  if (policy.unconfined) {
    out.push('unconfined: no seccomp filter is loaded, every syscall is allowed');
  } else {
    const flags = flagNames(policy.flags);
    out.push(`default ${formatAction(policy.defaultAction)}; other ABIs ${formatAction(policy.badArchAction)}; flags ${flags.length ? flags.join(' ') : '(none)'}${policy.listenerPath ? `; listener ${policy.listenerPath}` : ''}`);
    for (const a of policy.abis) {
      out.push('');
      out.push(...formatAbiPolicy(a, width));
    }
  }
  if (opts.notes !== false && policy.notes.length > 0) {
    out.push('');
    const counts = (['error', 'warning', 'info'] as const).map((s) => [s, policy.notes.filter((n) => n.severity === s).length] as const).filter(([, k]) => k > 0);
    out.push(`notes (${counts.map(([s, k]) => `${k} ${s}${k === 1 ? '' : 's'}`).join(', ')}):`);
    for (const n of policy.notes) out.push(`  ${formatNote(n)}`);
  }
  return out;
}
