import type { Command } from 'commander';
import { disassemble, renderDisassembly } from '../../core/bpf/disasm.js';
import { printJson } from '../output.js';
import { action } from '../run.js';
import { disasmPainter, inputFormatOption, readProgramFile } from './bpf-common.js';

interface DisasmOpts {
  arch?: string;
  json?: boolean;
  format: string;
  allowUnknown?: boolean;
}

export function register(program: Command): void {
  program
    .command('disasm')
    .description('Disassemble a BPF filter into text that `asm` turns back into the same bytes')
    .argument('<file>', 'filter: raw sock_filter bytes, hex, C array or base64 (- reads standard input)')
    .option('-a, --arch <abi>', 'ABI for syscall names where the program never checks arch (x86_64, x86, x32, aarch64, ...)')
    .option('--json', 'print one object per instruction: index, raw fields, text, comment, ABI and syscall annotations')
    .option('--allow-unknown', 'print unknown opcodes as `.insn` instead of failing')
    .addOption(inputFormatOption())
    .addHelpText(
      'after',
      `
Each line shows the instruction index, the instruction (labels for jump targets, seccomp_data
fields, AUDIT_ARCH names, syscall names for the ABI the program checked on that path, actions by
name) and, after ';', the raw fields { code, jt, jf, k } and notes. The output is valid input for
\`seccomp-kit asm\`, which reproduces the exact bytes.

Examples:
  $ seccomp-kit disasm filter.bpf
  $ seccomp-kit disasm --arch x86_64 filter.bpf          # program without an arch check
  $ seccomp-kit disasm --format hex - < filter.hex
  $ seccomp-kit disasm --json filter.bpf | jq '.lines[] | select(.syscall)'
  $ seccomp-kit disasm filter.bpf > filter.s && seccomp-kit asm filter.s -o same.bpf`,
    )
    .action(
      action(async (file: string, opts: DisasmOpts) => {
        const { program: p, name } = readProgramFile(file, opts.format);
        const d = disassemble(p, { abi: opts.arch, file: name, allowUnknown: opts.allowUnknown });
        if (opts.json) {
          printJson({ file: name, instructions: p.length, abi: d.abi ?? null, lines: d.lines });
          return 0;
        }
        process.stdout.write(renderDisassembly(d, disasmPainter));
        return 0;
      }),
    );
}
