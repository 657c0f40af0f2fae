/**
 * seccomp-kit command line. Each command lives in `commands/<name>.ts` and exports `register`;
 * commands only parse options and print: the work is done by library functions.
 */
import { Command, CommanderError } from 'commander';
import { EXIT_USAGE, globals, reportError } from './run.js';
import { commands } from './commands/index.js';
import { VERSION } from '../version.js';

export function buildProgram(): Command {
  const program = new Command('seccomp-kit')
    .description('Read, compile, inspect, run, record and analyze Linux seccomp profiles and BPF filters.')
    .version(VERSION, '-V, --version')
    .option('--debug', 'show stack traces for errors')
    .showHelpAfterError('(add --help for usage and examples)')
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true })
    .hook('preAction', (cmd) => {
      globals.debug = Boolean(cmd.optsWithGlobals().debug);
    })
    .addHelpText(
      'after',
      `
Exit status: 0 success, 1 a negative answer (invalid, denied, findings, differences),
2 usage or input error, 3 internal error.

Examples:
  $ seccomp-kit check                                  what Docker's default profile does here
  $ seccomp-kit validate profile.json
  $ seccomp-kit compile builtin:docker -o docker.bpf
  $ seccomp-kit run --profile profile.json -- ls /
  $ seccomp-kit syscalls --arch x86_64 fchmodat2
  $ seccomp-kit disasm filter.bpf
  $ seccomp-kit emu filter.bpf --arch x86_64 --nr chmod`,
    );
  for (const register of commands) register(program);
  // Commander exits with 1 on usage errors; our convention is 2.
  program.exitOverride();
  for (const c of program.commands) c.exitOverride();
  return program;
}

/** `seccomp-kit ... | head` closes our stdout early: that is not an error, just stop quietly. */
function quietOnEpipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

export async function main(argv: string[]): Promise<void> {
  quietOnEpipe(process.stdout);
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version print and exit 0; everything else is a usage error (already printed by commander)
      process.exitCode = err.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    process.exitCode = reportError(err);
  }
}

await main(process.argv);
