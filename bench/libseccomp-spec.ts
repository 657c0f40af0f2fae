/**
 * The libseccomp side of the bench: the rule additions runc would make for a profile
 * (libcontainer/seccomp/seccomp_linux.go as profiles.md §5.1 describes it), from the rules our
 * resolution applied: names fanned out, names libseccomp does not know skipped, rules equal to the
 * default skipped, a repeated argument index split into one rule per condition.
 */
import { loadBuiltin, resolveProfile, type ResolveContext } from '../src/core/profile/index.js';
import { encodeAction } from '../src/core/bpf/actions.js';
import { libseccompResolveSyscall, type LibseccompArg, type LibseccompRule, type LibseccompSpec } from '../src/node/libseccomp.js';

const ACTIONS: Record<string, string> = {
  SCMP_ACT_ALLOW: 'ALLOW', SCMP_ACT_ERRNO: 'ERRNO', SCMP_ACT_KILL: 'KILL_THREAD', SCMP_ACT_KILL_THREAD: 'KILL_THREAD',
  SCMP_ACT_KILL_PROCESS: 'KILL_PROCESS', SCMP_ACT_TRAP: 'TRAP', SCMP_ACT_TRACE: 'TRACE', SCMP_ACT_LOG: 'LOG',
};

function actionOf(name: string, errnoRet: bigint | undefined): number {
  const kind = ACTIONS[name];
  if (!kind) throw new Error(`bench: unexpected action ${name}`);
  const data = kind === 'ERRNO' || kind === 'TRACE' ? Number((errnoRet ?? 1n) & 0xffffn) : 0;
  return encodeAction({ kind: kind as 'ALLOW', data });
}

/** The runc-equivalent libseccomp spec for a built-in profile. */
export function libseccompSpecFor(builtin: string, ctx: Partial<ResolveContext>, arches: string[], optimize: 1 | 2): LibseccompSpec {
  const profile = loadBuiltin(builtin);
  const policy = resolveProfile(profile, ctx);
  const def = actionOf(profile.defaultAction, profile.defaultErrnoRet);
  const rules: LibseccompRule[] = [];
  for (const o of policy.rules ?? []) {
    if (o.status !== 'applied') continue;
    const r = profile.rules[o.rule];
    const act = actionOf(r.action, r.errnoRet);
    if (act === def) continue;
    const args: LibseccompArg[] = r.args.map((a) => ({ index: Number(a.index), op: a.op as LibseccompArg['op'], value: a.value, valueTwo: a.valueTwo ?? 0n }));
    const repeated = new Set(args.map((a) => a.index)).size !== args.length;
    for (const name of o.names) {
      if (libseccompResolveSyscall(name, 'x86_64') === undefined) continue;
      if (repeated) for (const a of args) rules.push({ name, action: act, args: [a] });
      else rules.push({ name, action: act, args });
    }
  }
  return { defaultAction: def, arches, rules, optimize };
}
