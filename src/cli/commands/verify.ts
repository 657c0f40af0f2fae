import type { Command } from 'commander';
import { disasmLayout, disassemble, renderDisasmLine } from '../../core/bpf/disasm.js';
import { convertedLength, verifyProgram } from '../../core/bpf/verify.js';
import { color, printJson, println } from '../output.js';
import { EXIT_NEGATIVE, EXIT_OK, action } from '../run.js';
import { disasmPainter, errnoText, inputFormatOption, readProgramFile } from './bpf-common.js';

interface VerifyOpts {
  json?: boolean;
  format: string;
}

export function register(program: Command): void {
  program
    .command('verify')
    .description("Check a BPF filter against the kernel's seccomp verifier without loading it")
    .argument('<file>', 'filter: raw sock_filter bytes, hex, C array or base64 (- reads standard input)')
    .option('--json', 'print {valid, errno, index, reason, check} as JSON')
    .addOption(inputFormatOption())
    .addHelpText(
      'after',
      `
Runs the checks of seccomp(SECCOMP_SET_MODE_FILTER) in the kernel's order: length, bpf_check_classic
(opcodes, jump ranges, division by zero, shifts, scratch indexes, final ret),
check_load_and_stores, seccomp_check_filter (allowed opcodes, seccomp_data loads).
Exit status: 0 the kernel would accept it, 1 it would refuse it (the errno, instruction index and
reason are printed), 2 the file cannot be read as a program.

Examples:
  $ seccomp-kit verify filter.bpf
  $ seccomp-kit verify --json filter.bpf
  $ seccomp-kit asm filter.s --format raw | seccomp-kit verify -`,
    )
    .action(
      action(async (file: string, opts: VerifyOpts) => {
        const { program: p, name } = readProgramFile(file, opts.format);
        const r = verifyProgram(p);
        if (opts.json) {
          printJson(
            r.ok
              ? { file: name, valid: true, instructions: p.length, convertedLength: convertedLength(p) }
              : { file: name, valid: false, instructions: p.length, errno: r.errno, index: r.index, reason: r.reason, check: r.check },
          );
          return r.ok ? EXIT_OK : EXIT_NEGATIVE;
        }
        if (r.ok) {
          println(`${name}: ${color.green('valid')}: ${p.length} instruction${p.length === 1 ? '' : 's'} (${convertedLength(p)} after the kernel's conversion)`);
          return EXIT_OK;
        }
        const where = r.check === 'length' ? '' : `instruction ${r.index}: `;
        println(`${name}: ${where}${color.red('rejected')} (${errnoText(r.errno)}): ${r.reason}`);
        if (r.check !== 'length' && r.index < p.length) {
          const d = disassemble(p, { allowUnknown: true });
          const l = d.lines[r.index];
          println(`  ${renderDisasmLine(l, disasmLayout([l]), disasmPainter)}`);
        }
        return EXIT_NEGATIVE;
      }),
    );
}
