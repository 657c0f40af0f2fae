/**
 * `seccomp-kit resolve FILE [--arch A] [--caps docker|all|none|LIST] [--cap-add X] [--cap-drop Y]
 * [--kernel X.Y] [--runtime runc|crun|none] [--privileged] [--dialect D] [--json]`: the policy a
 * daemon and runtime would actually enforce for a profile, per ABI, with every rule the resolution
 * dropped or changed and why.
 */
import { release } from 'node:os';
import type { Command } from 'commander';
import { SeccompKitError, formatSource } from '../../core/errors.js';
import type { Dialect, Policy, PolicyNote, Profile, ResolveContext } from '../../core/profile/index.js';
import { DIALECTS, RUNTIMES, SYSCALL_TABLE_VERSIONS, daemonArch, formatPolicy, resolveProfile } from '../../core/profile/index.js';
import type { RuntimeName, SyscallTableVersion } from '../../core/profile/index.js';
import { hostAbi } from '../../node/host.js';
import { action, EXIT_NEGATIVE, EXIT_OK } from '../run.js';
import { color, colorErr, eprintln, printJson, println } from '../output.js';
import { printDiagnostics, readOptions, readProfileInput } from './validate.js';

/** Options shared by `resolve` and `check`. */
export interface ContextOptions {
  arch?: string;
  caps?: string;
  capAdd?: string[];
  capDrop?: string[];
  kernel?: string;
  runtime?: string;
  privileged?: boolean;
  dialect?: string;
  compat?: string;
  name?: string;
  syscallTable?: string;
}

const collect = (value: string, prev: string[] = []): string[] => [...prev, ...value.split(',').map((s) => s.trim()).filter(Boolean)];

/**
 * Adds the context options to a command. `compile` uses `--arch` for the ABIs of the filter, so it
 * asks for the daemon architecture under `--daemon-arch` (its action maps it back to `arch`).
 */
export function contextOptions(cmd: Command, opts: { daemonArchFlag?: string } = {}): Command {
  const archFlags = opts.daemonArchFlag ? `${opts.daemonArchFlag} <goarch>` : '-a, --arch <goarch>';
  return cmd
    .option(archFlags, "the daemon's architecture, Go style: amd64, arm64, 386, ppc64le, s390x, ... (default: this machine)")
    .option('--caps <set>', "starting capability set: docker (Docker's 14 defaults), all, none, or a comma list", 'docker')
    .option('--cap-add <cap>', 'add a capability, like docker run --cap-add (repeatable, ALL allowed)', collect)
    .option('--cap-drop <cap>', 'drop a capability, like docker run --cap-drop (repeatable, ALL allowed)', collect)
    .option('--privileged', 'as docker run --privileged: all capabilities; the built-in profile is not applied')
    .option('-k, --kernel <x.y>', "host kernel major.minor for minKernel conditions (default: this machine's)")
    .option('--runtime <runtime>', `who enforces the profile: ${RUNTIMES.join(', ')} (none = the rules as written)`, 'runc')
    .option('--syscall-table <version>', `syscall names the runtime's libseccomp knows: ${SYSCALL_TABLE_VERSIONS.join(', ')}`, 'latest')
    .option('-d, --dialect <dialect>', `read as this dialect: ${DIALECTS.join(', ')} (docker = moby, podman = containers/common, oci = containerd)`)
    .option('--compat <mode>', 'strict (default) or docker (accept what Docker accepts, as warnings)')
    .option('--name <name>', 'only the SeccompProfile with this metadata.name');
}

/** The resolve context the options describe, with this machine's arch and kernel as defaults. */
export function contextFromOptions(opts: ContextOptions): Partial<ResolveContext> {
  if (opts.runtime !== undefined && !(RUNTIMES as readonly string[]).includes(opts.runtime)) {
    throw new SeccompKitError('usage', `unknown --runtime '${opts.runtime}'`, { hint: `use ${RUNTIMES.join(', ')}` });
  }
  if (opts.syscallTable !== undefined && !(SYSCALL_TABLE_VERSIONS as readonly string[]).includes(opts.syscallTable)) {
    throw new SeccompKitError('usage', `unknown --syscall-table '${opts.syscallTable}'`, { hint: `use ${SYSCALL_TABLE_VERSIONS.join(', ')}` });
  }
  const arch = opts.arch ?? daemonArch(hostAbi().name).goarch;
  const capsOpt = (opts.caps ?? 'docker').trim();
  const caps: ResolveContext['caps'] = capsOpt === 'docker' || capsOpt === 'all' || capsOpt === 'none' ? capsOpt : capsOpt.split(',').map((s) => s.trim()).filter(Boolean);
  const ctx: Partial<ResolveContext> = {
    arch,
    caps,
    capAdd: opts.capAdd ?? [],
    capDrop: opts.capDrop ?? [],
    privileged: Boolean(opts.privileged),
    kernel: opts.kernel ?? release(),
    runtime: (opts.runtime ?? 'runc') as RuntimeName,
    syscallTable: (opts.syscallTable ?? 'latest') as SyscallTableVersion,
  };
  if (opts.dialect !== undefined) ctx.dialect = opts.dialect as Dialect;
  return ctx;
}

/** Reads one profile (file, `-` or `builtin:NAME`); prints read errors and returns undefined when there are any. */
export function readForResolve(file: string, opts: ContextOptions, quiet = false): Profile | undefined {
  const ro = readOptions(opts);
  const r = readProfileInput(file, ro);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    if (!quiet) printDiagnostics(errors, file);
    return undefined;
  }
  if (!r.profile) {
    throw new SeccompKitError('usage', `${file} holds ${r.profiles.length} profiles; choose one with --name`, { source: { file } });
  }
  return r.profile;
}

/** Prints a resolution failure (what would make the container fail to start) as one line. */
export function printResolveError(err: SeccompKitError): void {
  eprintln(`${colorErr.bold('seccomp-kit:')} ${err.location()}${colorErr.red('error:')} ${err.message}`);
  if (err.hint) eprintln(`  ${colorErr.dim('hint:')} ${err.hint}`);
}

/** Resolves, turning the runtime's start failures into a printed error and `undefined`. */
export function resolveOrReport(profile: Profile, ctx: Partial<ResolveContext>): Policy | undefined {
  try {
    return resolveProfile(profile, ctx);
  } catch (err) {
    if (err instanceof SeccompKitError && err.code === 'resolve') {
      printResolveError(err);
      return undefined;
    }
    throw err;
  }
}

function noteLine(n: PolicyNote): string {
  const sev = n.severity === 'error' ? color.red(color.bold('error')) : n.severity === 'warning' ? color.yellow(color.bold('warning')) : color.cyan('info');
  return `  ${color.bold(formatSource(n.source) || '')}${sev}: ${n.message} ${color.dim(`[${n.code}]`)}`;
}

const EXAMPLES = `
The policy is what the kernel will be asked to enforce: per ABI, the syscalls allowed, the
conditional ones with their clauses in the order the filter evaluates them, the denied ones by
action, runc's ENOSYS range and the default; then every note with its position in the profile
(rules not applied and why, rules the runtime drops or changes, socketcall companions, ...).

Exit status: 0 resolved, 1 the profile has errors or the runtime would refuse it, 2 bad option.

Examples:
  $ seccomp-kit resolve builtin:docker                      this machine, Docker's defaults, runc
  $ seccomp-kit resolve --arch arm64 --kernel 5.10 builtin:docker
  $ seccomp-kit resolve --cap-add SYS_ADMIN profile.json    caps-gated rules now apply
  $ seccomp-kit resolve --caps none --cap-add NET_ADMIN profile.json
  $ seccomp-kit resolve --runtime crun --dialect podman builtin:podman
  $ seccomp-kit resolve --dialect oci profile.json          as containerd reads it (no includes)
  $ seccomp-kit resolve --syscall-table libseccomp-2.5.4 builtin:docker   Debian bookworm's runc
  $ seccomp-kit resolve --json builtin:docker | jq '.abis[0].syscalls | length'`;

export function register(program: Command): void {
  const cmd = program
    .command('resolve')
    .description('show the policy a profile really enforces for a daemon, capabilities, kernel and runtime (runc, crun)')
    .argument('<file>', 'profile file (JSON or YAML), - for standard input, or builtin:NAME');
  contextOptions(cmd)
    .option('--abi <abi>', 'print only this ABI (x86_64, x86, x32, ...)')
    .option('--no-notes', 'leave out the notes')
    .option('--json', 'print the policy as JSON')
    .addHelpText('after', EXAMPLES)
    .action(action((file: string, opts: ContextOptions & { abi?: string; notes?: boolean; json?: boolean }) => run(file, opts)));
}

function run(file: string, opts: ContextOptions & { abi?: string; notes?: boolean; json?: boolean }): number {
  const ctx = contextFromOptions(opts);
  const profile = readForResolve(file, opts);
  if (!profile) return EXIT_NEGATIVE;
  const policy = resolveOrReport(profile, ctx);
  if (!policy) return EXIT_NEGATIVE;
  const shown: Policy = opts.abi === undefined ? policy : { ...policy, abis: policy.abis.filter((a) => a.abi === opts.abi) };
  if (opts.abi !== undefined && shown.abis.length === 0 && !policy.unconfined) {
    throw new SeccompKitError('usage', `the policy has no ABI '${opts.abi}'`, { hint: `ABIs: ${policy.abis.map((a) => a.abi).join(', ')}` });
  }
  if (opts.json) {
    printJson(shown);
    return EXIT_OK;
  }
  for (const line of formatPolicy(shown, { notes: false, title: file })) {
    if (/^\S+ \(AUDIT_ARCH /.test(line)) println(color.bold(line));
    else println(line);
  }
  if (opts.notes !== false && policy.notes.length > 0) {
    println('');
    println(`notes (${policy.notes.length}):`);
    for (const n of policy.notes) println(noteLine(n));
  }
  return EXIT_OK;
}
