/**
 * `seccomp-kit run [--profile P | --bpf FILE] [context and compile options] [--flags LIST] [--dry-run] -- CMD ARGS...`:
 * compile (or read) a filter, then in this process set no_new_privs, install it and execve the
 * command. Our own failures exit 125 (126 cannot execute, 127 not found), like `docker run`.
 */
import { Option, type Command } from 'commander';
import { SeccompKitError } from '../../core/errors.js';
import { FILTER_FLAG_NAMES } from '../../core/bpf/opcodes.js';
import type { Program } from '../../core/bpf/instruction.js';
import { buildFilter, parseEnosysMode, parseMultiplexerMode } from '../../core/compile/index.js';
import { hostAbi } from '../../node/host.js';
import { EXIT_RUN_ERROR, LaunchError, execveBlocked, launchFiltered, resolveCommand } from '../../node/launch.js';
import { colorErr, eprintln, println } from '../output.js';
import { globals } from '../run.js';
import { contextFromOptions, contextOptions, readForResolve, resolveOrReport, type ContextOptions } from './resolve.js';
import { readProgramFile } from './bpf-common.js';

interface RunOptions extends ContextOptions {
  profile?: string;
  bpf?: string;
  flags?: string;
  enosys?: string;
  socketcall?: string;
  argWidth?: string;
  dryRun?: boolean;
}

function parseFlags(text: string | undefined, fromPolicy: number): number {
  if (text === undefined) return fromPolicy;
  let flags = 0;
  for (const raw of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const name = raw.toUpperCase().replace(/^SECCOMP_FILTER_FLAG_/, '');
    const hit = FILTER_FLAG_NAMES.find(([, n]) => n === name);
    if (!hit) throw new SeccompKitError('usage', `unknown filter flag '${raw}'`, { hint: `use ${FILTER_FLAG_NAMES.map(([, n]) => n).join(', ')}` });
    flags |= hit[0];
  }
  return flags;
}

/** The program to load and the flags the profile asks for; undefined when reading or resolving failed (printed). */
function programFor(opts: RunOptions): { program: Program; flags: number; what: string } | undefined {
  if (opts.bpf && opts.profile) throw new SeccompKitError('usage', 'give --profile or --bpf, not both');
  if (opts.bpf) return { program: readProgramFile(opts.bpf, 'auto').program, flags: 0, what: opts.bpf };
  const file = opts.profile ?? 'builtin:docker';
  const profile = readForResolve(file, opts);
  if (!profile) return undefined;
  const policy = resolveOrReport(profile, contextFromOptions(opts));
  if (!policy) return undefined;
  if (policy.unconfined) throw new SeccompKitError('compile', `${file} disables seccomp: refusing to run the command without a filter`);
  const built = buildFilter(policy, {
    abis: [hostAbi().name, ...policy.abis.map((a) => a.abi).filter((a) => a !== hostAbi().name)],
    enosys: parseEnosysMode(opts.enosys ?? 'auto'),
    socketcall: parseMultiplexerMode(opts.socketcall ?? 'deny'),
    argWidth: opts.argWidth === '64' ? '64' : 'kernel',
  });
  return { program: built.compiled.program, flags: built.policy.flags, what: file };
}

const HELP = `
The filter is installed in this process (after prctl(PR_SET_NO_NEW_PRIVS)), then the command
replaces it with execve(2): it runs with exactly that filter and nothing in between, with our
standard streams, environment and working directory, and its exit status is ours. The filter is
installed on the calling thread without TSYNC by default: execve discards Node's other threads,
and a strict filter must not kill them first (add TSYNC with --flags if you want it anyway).

Fail closed: the profile is resolved and compiled, the program verified, the command looked up in
PATH and checked to be executable, and the filter checked to allow execve, all before anything is
installed. Exit status: the command's own, or 125 (seccomp-kit failed: bad profile, refused
filter, ...), 126 (the command cannot be executed), 127 (the command was not found).

Examples:
  $ seccomp-kit run -- ls /                                  Docker's default profile
  $ seccomp-kit run --profile no-chmod.json -- chmod 600 f   chmod: Operation not permitted
  $ seccomp-kit run --bpf filter.bpf -- ./server
  $ seccomp-kit run --profile builtin:docker --cap-add SYS_PTRACE -- strace -f true
  $ seccomp-kit run --dry-run --profile my.json -- make`;

export function register(program: Command): void {
  const cmd = program
    .command('run')
    .description('run a command under a profile (or a BPF filter) on this machine')
    .argument('<command...>', 'the command and its arguments (after --)')
    .option('-p, --profile <profile>', 'profile file or builtin:NAME (default builtin:docker)')
    .option('--bpf <file>', 'load this BPF program instead of compiling a profile');
  contextOptions(cmd);
  cmd
    .option('--flags <list>', 'seccomp filter flags, comma separated: TSYNC, LOG, SPEC_ALLOW, ... (default: what the profile asks for)')
    .option('--enosys <mode>', 'ENOSYS for newer syscalls: auto, off or X.Y (see compile --help)', 'auto')
    .addOption(new Option('--socketcall <mode>', 'socket calls through socketcall(2): deny or libseccomp').choices(['deny', 'libseccomp']).default('deny'))
    .addOption(new Option('--arg-width <width>', 'argument comparison width: kernel or 64').choices(['kernel', '64']).default('kernel'))
    .option('--dry-run', 'print what would be loaded and run, and stop')
    .addHelpText('after', HELP)
    .action(async (argv: string[], opts: RunOptions) => {
      try {
        const got = programFor(opts);
        if (!got) {
          process.exitCode = EXIT_RUN_ERROR;
          return;
        }
        const flags = parseFlags(opts.flags, got.flags);
        if (opts.dryRun) {
          const file = resolveCommand(argv[0] ?? '');
          const blocked = execveBlocked(got.program);
          println(`would load ${got.program.length} instructions from ${got.what} with flags ${FILTER_FLAG_NAMES.filter(([b]) => (flags & b) !== 0).map(([, n]) => n).join('|') || 'none'}`);
          println(`then execve ${file} ${JSON.stringify(argv)}`);
          if (blocked) println(`but ${blocked}`);
          process.exitCode = blocked ? EXIT_RUN_ERROR : 0;
          return;
        }
        launchFiltered(got.program, argv, { flags });
      } catch (err) {
        const code = err instanceof LaunchError ? err.exitCode : EXIT_RUN_ERROR;
        if (err instanceof SeccompKitError) {
          eprintln(`${colorErr.bold('seccomp-kit run:')} ${err.location()}${colorErr.red('error:')} ${err.message}`);
          if (err.hint) eprintln(`  ${colorErr.dim('hint:')} ${err.hint}`);
        } else {
          eprintln(`${colorErr.bold('seccomp-kit run:')} ${colorErr.red('internal error:')} ${err instanceof Error ? err.message : String(err)}`);
        }
        if (globals.debug && err instanceof Error && err.stack) eprintln(err.stack);
        process.exitCode = code;
      }
    });
}
