/**
 * `seccomp-kit export PROFILE --to docker|podman|oci|crun|bwrap|spo [-o OUT] [--config config.json]`:
 * resolve a profile for a context and write it where the enforcing program reads it, then print
 * (on stderr) how to use it.
 */
import { dirname } from 'node:path';
import { Option, type Command } from 'commander';
import { SeccompKitError } from '../../core/errors.js';
import { EXPORT_TARGETS, exportInvocation, exportProfile, isExportTarget } from '../../core/export/index.js';
import { parseEnosysMode, parseMultiplexerMode } from '../../core/compile/index.js';
import { exportToFile } from '../../node/export.js';
import { action, EXIT_NEGATIVE, EXIT_OK } from '../run.js';
import { colorErr, eprintln } from '../output.js';
import { contextFromOptions, contextOptions, readForResolve, resolveOrReport, type ContextOptions } from './resolve.js';
import { printDiagnostics } from './validate.js';

interface ExportCliOptions extends ContextOptions {
  to?: string;
  output?: string;
  config?: string;
  metadataName?: string;
  enosys?: string;
  socketcall?: string;
  argWidth?: string;
  quiet?: boolean;
}

const HELP = `
The profile is resolved for the context (caps, daemon arch, kernel, runtime; see \`resolve\`), so
the file written is self-contained: only the rules that apply, no includes/excludes/archMap, and
\`architectures\` listing the ABIs the policy covers.

Targets:
  docker, podman  a profile for --security-opt seccomp=FILE (-o FILE, or standard output)
  oci             sets linux.seccomp in --config config.json (in place, or -o another file),
                  keeping every other key; written atomically (temporary file + rename)
  crun            as oci, plus the annotation run.oci.seccomp_bpf_data: our compiled filter
                  (base64), which crun loads instead of compiling the profile itself
  bwrap           the compiled filter as raw bytes (-o required), for bwrap --seccomp FD
  spo             a Kubernetes SeccompProfile (security-profiles-operator.x-k8s.io/v1) YAML;
                  warnings say what SPO cannot express (defaultErrnoRet, errnoRet 0, values > 2^63-1)
The command line that uses the file is printed on stderr.

Examples:
  $ seccomp-kit export builtin:docker --to docker -o seccomp.json --cap-add SYS_PTRACE
  $ seccomp-kit export profile.json --to podman --runtime crun > podman-seccomp.json
  $ seccomp-kit export profile.json --to oci --config bundle/config.json
  $ seccomp-kit export profile.json --to crun --config bundle/config.json
  $ seccomp-kit export profile.json --to bwrap -o filter.bpf
      then: bwrap --ro-bind / / --dev /dev --seccomp 3 sh 3< filter.bpf
  $ seccomp-kit export profile.json --to spo --metadata-name my-app -o my-app.yaml`;

export function register(program: Command): void {
  const cmd = program
    .command('export')
    .description('write a resolved profile (or compiled filter) for docker, podman, an OCI config.json, crun, bwrap or Kubernetes SPO')
    .argument('<profile>', 'profile file, - for stdin, or builtin:NAME');
  contextOptions(cmd)
    .requiredOption('-t, --to <target>', `target: ${EXPORT_TARGETS.join(', ')}`)
    .option('-o, --output <file>', 'write here (oci/crun: default the --config file itself)')
    .option('--config <file>', 'oci/crun: the OCI runtime config.json to put the profile into')
    .option('--metadata-name <name>', 'spo: metadata.name of the SeccompProfile')
    .option('--enosys <mode>', 'crun/bwrap filter: ENOSYS for newer syscalls: auto, off or X.Y (see compile)', 'auto')
    .addOption(new Option('--socketcall <mode>', 'crun/bwrap filter: deny or libseccomp (see compile)').choices(['deny', 'libseccomp']).default('deny'))
    .addOption(new Option('--arg-width <width>', 'crun/bwrap filter: kernel or 64 (see compile)').choices(['kernel', '64']).default('kernel'))
    .option('-q, --quiet', 'do not print warnings or the command line')
    .addHelpText('after', HELP)
    .action(action((file: string, opts: ExportCliOptions) => run(file, opts, cmd)));
}

function run(file: string, opts: ExportCliOptions, cmd: Command): number {
  const to = opts.to ?? '';
  if (!isExportTarget(to)) throw new SeccompKitError('usage', `unknown export target '${to}'`, { hint: `targets: ${EXPORT_TARGETS.join(', ')}` });
  const needsConfig = to === 'oci' || to === 'crun';
  if (needsConfig && opts.config === undefined) throw new SeccompKitError('usage', `--to ${to} writes into an OCI config.json: give it with --config FILE`);
  if (!needsConfig && opts.config !== undefined) throw new SeccompKitError('usage', `--config is for --to oci and --to crun only`);
  if (to === 'bwrap' && opts.output === undefined) throw new SeccompKitError('usage', '--to bwrap writes a binary filter: give the file with -o FILE');
  // crun enforces the crun target: resolve for it unless told otherwise.
  const ctxOpts: ContextOptions = to === 'crun' && cmd.getOptionValueSource('runtime') === 'default' ? { ...opts, runtime: 'crun' } : opts;
  const profile = readForResolve(file, ctxOpts);
  if (!profile) return EXIT_NEGATIVE;
  const policy = resolveOrReport(profile, contextFromOptions(ctxOpts));
  if (!policy) return EXIT_NEGATIVE;
  const filter = { enosys: parseEnosysMode(opts.enosys ?? 'auto'), socketcall: parseMultiplexerMode(opts.socketcall ?? 'deny'), argWidth: (opts.argWidth ?? 'kernel') as 'kernel' | '64' };
  const name = opts.metadataName !== undefined ? { name: opts.metadataName } : {};
  const out = opts.output ?? opts.config;
  // With a file, the library reads config.json and writes atomically; otherwise the text goes to stdout.
  const r =
    out !== undefined
      ? exportToFile(profile, policy, to, { filter, ...name, ...(opts.config !== undefined ? { configFile: opts.config } : {}), ...(opts.output !== undefined ? { output: opts.output } : {}) })
      : exportProfile(profile, policy, to, { filter, ...name });
  if (out === undefined) process.stdout.write(r.bytes);
  if (!opts.quiet) printDiagnostics(r.warnings, file);
  if (!opts.quiet) {
    const what = r.program ? `${r.program.length} instructions` : `${r.resolved?.rules.length ?? 0} rules`;
    eprintln(`${colorErr.bold(`${to}:`)} ${what} for ${policy.abis.map((a) => a.abi).join(', ')}${out !== undefined ? ` -> ${out}` : ''}`);
    eprintln(`  ${exportInvocation(to, out ?? 'FILE', opts.config !== undefined ? dirname(opts.config) : undefined)}`);
  }
  return EXIT_OK;
}
