/**
 * `seccomp-kit compile PROFILE [--arch native|profile|LIST] [context options] [--format ...] [-o FILE]`:
 * resolve a profile for a context, compile it, verify the program as the kernel would, and write it.
 * A summary of the program goes to stderr; stdout carries only the program (or --json).
 */
import { writeFileAtomic } from '../../node/files.js';
import { extname } from 'node:path';
import { Option, type Command } from 'commander';
import { SeccompKitError } from '../../core/errors.js';
import { encodeProgram, formatBase64, formatCArray, formatHex } from '../../core/bpf/codec.js';
import { disassemble, renderDisassembly } from '../../core/bpf/disasm.js';
import { buildFilter, parseEnosysMode, parseMultiplexerMode, type BuiltFilter } from '../../core/compile/index.js';
import { programStats, type ProgramStats } from '../../core/compile/stats.js';
import { hostAbi } from '../../node/host.js';
import { action, EXIT_NEGATIVE } from '../run.js';
import { colorErr, eprintln, printJson, table } from '../output.js';
import { contextFromOptions, contextOptions, readForResolve, resolveOrReport, type ContextOptions } from './resolve.js';
import { disasmPainter } from './bpf-common.js';

type OutFormat = 'raw' | 'hex' | 'c' | 'base64' | 'disasm';

interface CompileOptions extends ContextOptions {
  abis?: string;
  enosys?: string;
  socketcall?: string;
  /** `kernel` (default): compare 32-bit arguments on their low 32 bits; `64`: libseccomp's 64-bit comparisons. */
  argWidth?: string;
  format?: OutFormat;
  output?: string;
  json?: boolean;
  stats?: boolean;
}

/** Compiles the profile for the options; undefined when reading or resolving failed (already printed). */
export function compileFromOptions(file: string, opts: CompileOptions): BuiltFilter | undefined {
  const profile = readForResolve(file, opts);
  if (!profile) return undefined;
  const policy = resolveOrReport(profile, contextFromOptions(opts));
  if (!policy) return undefined;
  if (policy.unconfined) throw new SeccompKitError('compile', `${file} disables seccomp (no default action and no rules): there is no filter to compile`);
  const sel = (opts.abis ?? 'profile').trim();
  const abis = sel === 'profile' ? undefined : sel === 'native' ? [hostAbi().name] : sel.split(',').map((x) => x.trim()).filter(Boolean);
  const argWidth = opts.argWidth ?? 'kernel';
  if (argWidth !== 'kernel' && argWidth !== '64') throw new SeccompKitError('usage', `--arg-width must be kernel or 64, not ${JSON.stringify(argWidth)}`);
  const built = buildFilter(policy, { abis, argWidth, enosys: parseEnosysMode(opts.enosys ?? 'auto'), socketcall: parseMultiplexerMode(opts.socketcall ?? 'deny') });
  for (const n of built.policy.notes.filter((x) => x.code === 'multiplexer-guarded')) eprintln(`${colorErr.yellow('warning:')} ${n.message}`);
  return built;
}

function formatFromName(name: string | undefined): OutFormat | undefined {
  switch (name ? extname(name) : '') {
    case '.bpf': case '.bin': return 'raw';
    case '.hex': return 'hex';
    case '.c': case '.h': return 'c';
    case '.b64': case '.base64': return 'base64';
    case '.s': case '.asm': case '.txt': return 'disasm';
    default: return undefined;
  }
}

/** The summary lines printed on stderr (and by `check`). */
export function statsTable(stats: ProgramStats): string {
  const rows = [['ABI', 'instructions', 'executed mean', 'worst (table)', 'worst (any path)', 'cached allows']];
  for (const a of stats.abis) {
    rows.push([
      a.abi,
      String(a.instructions),
      a.meanExecuted.toFixed(1),
      String(a.worstExecuted),
      String(a.worstAnyPath),
      a.cache ? `${a.cache.cacheable}/${a.cache.allowed}` : 'n/a (no cache)',
    ]);
  }
  return table(rows);
}

const HELP = `
--arch chooses the ABIs in the filter: profile (default: every ABI the resolved profile covers,
native first), native (this machine's only), or a list (x86_64,x86,x32). The daemon architecture
used for resolution is --daemon-arch (Go style, default: this machine).

Output: raw struct sock_filter bytes (default with -o, or when stdout is not a terminal),
hex, c (C array), base64 (crun's run.oci.seccomp_bpf_data annotation), disasm (text that
\`seccomp-kit asm\` turns back into the same bytes). With -o the format follows the extension
(.bpf, .hex, .c, .b64, .s) unless --format is given. A summary goes to stderr: instructions in
total and per ABI, instructions executed (mean and worst over the ABI's syscall table; worst over
every path), and how many unconditionally allowed syscalls the kernel's action cache serves.

Examples:
  $ seccomp-kit compile builtin:docker -o docker.bpf
  $ seccomp-kit compile builtin:docker --arch native --format disasm
  $ seccomp-kit compile profile.json --arch x86_64,x86 --cap-add SYS_PTRACE --format base64
  $ seccomp-kit compile builtin:podman --runtime crun --json | jq .stats
  $ seccomp-kit compile profile.json --enosys 5.10   syscalls added after 5.10 (and unknown numbers) get ENOSYS
  $ seccomp-kit compile builtin:docker --arg-width 64   libseccomp's exact 64-bit argument comparisons

--arg-width kernel (default) compares an argument the kernel reads as a 32-bit type (int, unsigned
int, pid_t, ...: socket's family, personality, ioctl's cmd) on its low 32 bits only, on 64-bit ABIs,
so a value with upper bits set cannot pass a rule like socket's "a0 > 40" while the kernel acts on
its low half; each changed syscall gets an arg-width-32 note (--json). --arg-width 64 compares all
64 bits, as libseccomp (and so runc and crun) do.`;

export function register(program: Command): void {
  const cmd = program.command('compile').description('compile a profile into a seccomp BPF filter, verified as the kernel would').argument('<profile>', 'profile file, - for stdin, or builtin:NAME');
  // Here --arch picks the filter's ABIs; the daemon's architecture is --daemon-arch.
  contextOptions(cmd, { daemonArchFlag: '--daemon-arch' });
  cmd
    .addOption(new Option('--arch <abis>', 'ABIs in the filter: profile, native or a comma list').default('profile'))
    .option('--enosys <mode>', "ENOSYS for syscalls newer than the profile: auto (what the runtime does: runc's stub), off, or the kernel version X.Y the profile was written for", 'auto')
    .addOption(new Option('--socketcall <mode>', 'socket/IPC calls with argument rules, made through socketcall(2)/ipc(2) where the filter cannot see the arguments: deny (default) or libseccomp (allow as libseccomp does, losing the conditions)').choices(['deny', 'libseccomp']).default('deny'))
    .addOption(new Option('--arg-width <width>', 'argument comparison width: kernel (the width the kernel reads each argument with) or 64 (libseccomp\'s)').choices(['kernel', '64']).default('kernel'))
    .addOption(new Option('--format <format>', 'output encoding').choices(['raw', 'hex', 'c', 'base64', 'disasm']))
    .option('-o, --output <file>', 'write the program here (atomic for regular files)')
    .option('--json', 'print the program (hex and base64), statistics and notes as JSON')
    .option('--no-stats', 'do not print the summary on stderr')
    .addHelpText('after', HELP)
    .action(
      action((file: string, raw: CompileOptions & { daemonArch?: string }) => {
        const opts: CompileOptions = { ...raw, abis: raw.arch, arch: raw.daemonArch };
        const r = compileFromOptions(file, opts);
        if (!r) return EXIT_NEGATIVE;
        const { program } = r.compiled;
        const stats = programStats(program, r.policy);
        if (opts.json) {
          printJson({
            instructions: program.length,
            abis: r.policy.abis.map((a) => a.abi),
            stats,
            hex: formatHex(program).replace(/\s+/g, ''),
            base64: formatBase64(program),
            notes: r.policy.notes,
          });
          return;
        }
        const format: OutFormat = opts.format ?? formatFromName(opts.output) ?? (opts.output || !process.stdout.isTTY ? 'raw' : 'disasm');
        const bytes: Uint8Array =
          format === 'raw' ? encodeProgram(program)
          : new TextEncoder().encode(
            format === 'hex' ? formatHex(program)
            : format === 'c' ? formatCArray(program)
            : format === 'base64' ? `${formatBase64(program)}\n`
            : opts.output ? disassemble(program).text : renderDisassembly(disassemble(program), disasmPainter),
          );
        if (opts.output) writeFileAtomic(opts.output, bytes);
        else process.stdout.write(bytes);
        if (opts.stats !== false) {
          eprintln(colorErr.bold(`${program.length} instructions`) + ` for ${r.policy.abis.map((a) => a.abi).join(', ')}${opts.output ? ` -> ${opts.output} (${format})` : ''}`);
          eprintln(statsTable(stats));
        }
        return undefined;
      }),
    );
}
