import type { Command } from 'commander';
import { formatAction } from '../../core/bpf/actions.js';
import { disasmLayout, disassemble, renderDisasmLine } from '../../core/bpf/disasm.js';
import { emulate } from '../../core/bpf/emulate.js';
import { seccompData } from '../../core/bpf/instruction.js';
import { verifyProgram } from '../../core/bpf/verify.js';
import { SeccompKitError } from '../../core/errors.js';
import { requireAbi, suggestSyscall, syscallName, syscallNumber } from '../../core/syscalls/index.js';
import type { Abi } from '../../core/syscalls/types.js';
import { hostAbi } from '../../node/host.js';
import { color, colorErr, eprintln, printJson, println } from '../output.js';
import { EXIT_NEGATIVE, EXIT_OK, action } from '../run.js';
import { disasmPainter, errnoText, inputFormatOption, readProgramFile } from './bpf-common.js';

interface EmuOpts {
  arch?: string;
  nr: string;
  args?: string;
  ip?: string;
  json?: boolean;
  format: string;
}

/**
 * A 64-bit value as the user types it: decimal, 0x hex, 0 or 0o octal (C's rule, so a mode like
 * 0755 means what it does in C), 0b binary, or negative (two's complement).
 */
function parseU64(text: string, what: string): bigint {
  const t = text.trim().replace(/_/g, '');
  const m = /^(-)?(0x[0-9a-f]+|0o?[0-7]+|0b[01]+|[1-9][0-9]*|0)$/i.exec(t);
  if (!m) throw new SeccompKitError('usage', `${what}: expected a number (decimal, 0x hex, 0 or 0o octal, 0b binary, or negative), found ${JSON.stringify(text)}`);
  const v = BigInt(/^0[0-7]/.test(m[2]) ? `0o${m[2].slice(1)}` : m[2]);
  if (m[1] ? v > 1n << 63n : v >= 1n << 64n) throw new SeccompKitError('usage', `${what}: ${text} does not fit in 64 bits`);
  return BigInt.asUintN(64, m[1] ? -v : v);
}

/** `--nr`: a number as seccomp_data.nr carries it (32 bits, negative allowed) or a syscall name on the ABI. */
function parseNr(text: string, abi: Abi): number {
  if (/^-?(0x|0o|0b)?[0-9]/i.test(text.trim())) {
    const v = parseU64(text, '--nr');
    const signed = BigInt.asIntN(64, v);
    if (signed < -(1n << 31n) || (signed >= 0n && v > 0xffffffffn)) throw new SeccompKitError('usage', `--nr: ${text} does not fit in 32 bits`);
    return Number(BigInt.asUintN(32, v));
  }
  const nr = syscallNumber(abi, text.trim());
  if (nr !== undefined) return nr;
  const s = suggestSyscall(abi, text.trim());
  throw new SeccompKitError('unknown-syscall', `--nr: ${text} is not a syscall on ${abi.name}`, {
    hint: s.length ? `did you mean ${s.slice(0, 3).map((x) => x.name).join(', ')}?` : undefined,
  });
}

export function register(program: Command): void {
  program
    .command('emu')
    .description('Run a BPF filter on one syscall, as the kernel would, and show the path it takes')
    .argument('<file>', 'filter: raw sock_filter bytes, hex, C array or base64 (- reads standard input)')
    .requiredOption('--nr <nr>', 'syscall name on --arch, or the number seccomp_data.nr carries (x32: with 0x40000000)')
    .option('-a, --arch <abi>', 'ABI of the calling task, sets seccomp_data.arch (default: this machine)')
    .option('--args <a0,a1,...>', 'up to six arguments, each decimal, 0x hex, 0 octal or negative (u64)')
    .option('--ip <x>', 'instruction_pointer (u64)')
    .option('--json', 'print the action, return value, path and step count as JSON')
    .addOption(inputFormatOption())
    .addHelpText(
      'after',
      `
Exit status: 0 when the syscall is allowed (ALLOW or LOG), 1 for any other action, 2 for bad input.

Examples:
  $ seccomp-kit emu filter.bpf --arch x86_64 --nr fchmodat2
  $ seccomp-kit emu filter.bpf --arch x86_64 --nr socket --args 40,1,0
  $ seccomp-kit emu filter.bpf --arch x86_64 --nr socket --args 0x100000028
  $ seccomp-kit emu filter.bpf --arch x32 --nr write --json
  $ seccomp-kit emu filter.bpf --arch x86 --nr 102 --args 1 --ip 0xf7fd1234`,
    )
    .action(
      action(async (file: string, opts: EmuOpts) => {
        const abi = opts.arch !== undefined ? requireAbi(opts.arch) : hostAbi();
        const nr = parseNr(opts.nr, abi);
        const args = opts.args === undefined || opts.args.trim() === '' ? [] : opts.args.split(',').map((s, i) => parseU64(s, `--args argument ${i}`));
        if (args.length > 6) throw new SeccompKitError('usage', `--args: at most 6 arguments, found ${args.length}`);
        const ip = opts.ip !== undefined ? parseU64(opts.ip, '--ip') : 0n;
        const { program: p, name } = readProgramFile(file, opts.format);
        const v = verifyProgram(p);
        if (!v.ok) {
          eprintln(`${colorErr.bold('seccomp-kit:')} ${name}: ${colorErr.yellow('warning:')} the kernel would reject this filter (${errnoText(v.errno)}): ${v.check === 'length' ? '' : `instruction ${v.index}: `}${v.reason}; emulating anyway`);
        }
        const data = seccompData(abi.auditArch, nr, args, ip);
        let r;
        try {
          r = emulate(p, data, { trace: true, endian: abi.endian });
        } catch (err) {
          throw new SeccompKitError('bpf-invalid', `cannot run the filter: ${(err as Error).message}`, { source: { file: name } });
        }
        const allowed = r.action.kind === 'ALLOW' || r.action.kind === 'LOG';
        const d = disassemble(p, { abi, allowUnknown: true });
        const sysName = syscallName(abi, nr) ?? null;
        if (opts.json) {
          printJson({
            file: name,
            arch: abi.name,
            auditArch: abi.auditArch,
            nr,
            syscall: sysName,
            // u64 values as decimal strings: exact in every JSON reader.
            args: data.args.map((a) => a.toString()),
            instructionPointer: data.instructionPointer.toString(),
            ret: r.ret,
            action: { kind: r.action.kind, data: r.action.data, known: r.action.known },
            text: formatAction(r.ret),
            allowed,
            steps: r.steps,
            path: r.path.map((i) => ({ index: i, text: d.lines[i].text, comment: d.lines[i].comment, code: d.lines[i].code, jt: d.lines[i].jt, jf: d.lines[i].jf, k: d.lines[i].k })),
          });
          return allowed ? EXIT_OK : EXIT_NEGATIVE;
        }
        const argText = data.args.map((a) => (a < 256n ? a.toString() : `0x${a.toString(16)}`)).join(', ');
        println(`${abi.name} ${sysName ?? `syscall ${nr}`}(${argText})${ip ? ` at ip 0x${ip.toString(16)}` : ''}  [nr ${nr}, arch 0x${abi.auditArch.toString(16)}]`);
        const layout = disasmLayout(r.path.map((i) => d.lines[i]));
        layout.indexWidth = Math.max(4, String(p.length).length);
        for (const i of r.path) println(`  ${renderDisasmLine(d.lines[i], layout, disasmPainter)}`);
        const act = formatAction(r.ret);
        const painted = allowed ? color.green(act) : r.action.kind.startsWith('KILL') ? color.red(act) : color.yellow(act);
        println(`${color.bold('action:')} ${painted}${r.action.known ? '' : ' (unknown action value: the kernel treats it as KILL_PROCESS)'}  (ret 0x${(r.ret >>> 0).toString(16).padStart(8, '0')}, ${r.steps} step${r.steps === 1 ? '' : 's'})`);
        return allowed ? EXIT_OK : EXIT_NEGATIVE;
      }),
    );
}
