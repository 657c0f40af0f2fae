import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { assembleDetailed } from '../../core/bpf/asm.js';
import { encodeProgram, formatBase64, formatCArray, formatHex } from '../../core/bpf/codec.js';
import type { Program } from '../../core/bpf/instruction.js';
import { verifyProgram } from '../../core/bpf/verify.js';
import { SeccompKitError, formatSource } from '../../core/errors.js';
import { inputName, readInputText } from '../../node/files.js';
import { colorErr, eprintln } from '../output.js';
import { action } from '../run.js';
import { errnoText } from './bpf-common.js';

type OutFormat = 'raw' | 'hex' | 'c' | 'base64';

interface AsmOpts {
  output?: string;
  format?: OutFormat;
  arch?: string;
  relax?: boolean;
  strict?: boolean;
}

/** Output encoding from the file name when --format is not given. */
function formatFromName(file: string): OutFormat {
  if (/\.(hex|txt)$/i.test(file)) return 'hex';
  if (/\.[ch]$/i.test(file)) return 'c';
  if (/\.(b64|base64)$/i.test(file)) return 'base64';
  return 'raw';
}

function encode(p: Program, format: OutFormat): Uint8Array | string {
  switch (format) {
    case 'raw': return encodeProgram(p);
    case 'hex': return formatHex(p);
    case 'c': return formatCArray(p);
    case 'base64': return `${formatBase64(p)}\n`;
  }
}

export function register(program: Command): void {
  program
    .command('asm')
    .description('Assemble BPF text (disasm output or hand-written, with labels and names) into a filter')
    .argument('<file>', 'assembler text (- reads standard input)')
    .option('-o, --output <file>', 'write the filter here (format from --format, else from the extension: .hex, .c, .b64, otherwise raw)')
    .addOption(new Option('--format <format>', 'output encoding (default: hex on standard output, raw for -o)').choices(['raw', 'hex', 'c', 'base64']))
    .option('-a, --arch <abi>', 'ABI for syscall names where the program never checks arch (like `.arch`)')
    .option('--relax', 'insert `ja` trampolines for conditional jumps farther than 255 (like `.relax`)')
    .option('--strict', 'fail (exit 2) instead of warning when the kernel would reject the program')
    .addHelpText(
      'after',
      `
Syntax (one statement per line; comments start with ';', '//' or '# '):
  label:                     define a jump target
  ld [nr]  ld [arch]  ld [args[1].lo]  ld [instruction_pointer.hi]  ld #k  ld M[0]  ld len
  ldx #k  ldx M[0]  st M[0]  stx M[0]  tax  txa  neg
  add|sub|mul|div|mod|and|or|xor|lsh|rsh  #k | x
  jeq|jgt|jge|jset #k|x, target[, target-if-false]     (next = following instruction)
  jne|jle|jlt|jnset #k|x, target                       (jump when the condition is false)
  ja target
  ret ALLOW | LOG | ERRNO(n) | TRACE(n) | TRAP(n) | USER_NOTIF | KILL_THREAD | KILL_PROCESS | #k | A
  .arch x86_64   .relax   .insn code, jt, jf, k
Constants: numbers (decimal, 0x, 0o, 0b, negative), AUDIT_ARCH_* names, X32_SYSCALL_BIT, syscall
names (resolved for the ABI the program checked on that path, else .arch / --arch), abi.name
(x32.read). Output is checked against the kernel's verifier: a rejection is a warning (--strict: error).

Examples:
  $ seccomp-kit asm filter.s -o filter.bpf
  $ seccomp-kit asm filter.s --format c
  $ seccomp-kit asm --arch x86_64 --relax big.s -o big.bpf
  $ seccomp-kit disasm filter.bpf | seccomp-kit asm - --format raw > same.bpf`,
    )
    .action(
      action(async (file: string, opts: AsmOpts) => {
        const name = inputName(file);
        const text = readInputText(file);
        const r = assembleDetailed(text, { file: name, abi: opts.arch, relax: opts.relax });
        const v = verifyProgram(r.program);
        if (!v.ok) {
          const line = v.check !== 'length' && v.index < r.sourceLines.length ? r.sourceLines[v.index] : undefined;
          const where = formatSource({ file: name, line });
          const msg = `the kernel would reject this program (${errnoText(v.errno)}): ${v.check === 'length' ? '' : `instruction ${v.index}: `}${v.reason}`;
          if (opts.strict) throw new SeccompKitError('bpf-invalid', msg, { source: { file: name, line } });
          eprintln(`${colorErr.bold('seccomp-kit:')} ${where}${colorErr.yellow('warning:')} ${msg}`);
        }
        if (r.trampolines > 0) {
          eprintln(`${colorErr.bold('seccomp-kit:')} ${name}: note: inserted ${r.trampolines} ja trampoline${r.trampolines === 1 ? '' : 's'} for far jumps`);
        }
        if (opts.output !== undefined) {
          const data = encode(r.program, opts.format ?? formatFromName(opts.output));
          try {
            writeFileSync(opts.output, data);
          } catch (err) {
            throw new SeccompKitError('io', `cannot write ${opts.output}: ${(err as Error).message}`, { source: { file: opts.output } });
          }
          return 0;
        }
        const format = opts.format ?? 'hex';
        if (format === 'raw' && !process.stdout.isTTY) {
          process.stdout.write(encodeProgram(r.program));
          return 0;
        }
        if (format === 'raw') eprintln(`${colorErr.bold('seccomp-kit:')} note: standard output is a terminal; printing hex instead of raw bytes (use -o FILE or a pipe)`);
        process.stdout.write(encode(r.program, format === 'raw' ? 'hex' : format));
        return 0;
      }),
    );
}
