/**
 * Option parsing and printing shared by the BPF commands (disasm, asm, emu, verify).
 */
import { Option } from 'commander';
import type { DisasmPainter } from '../../core/bpf/disasm.js';
import type { Program } from '../../core/bpf/instruction.js';
import { readProgram } from '../../core/bpf/codec.js';
import { inputName, readInputBytes } from '../../node/files.js';
import { color } from '../output.js';

/** `--format` for commands that read a program. */
export function inputFormatOption(): Option {
  return new Option('--format <format>', 'input encoding').choices(['auto', 'raw', 'hex', 'c', 'base64']).default('auto');
}

/** Reads a program file (`-` = stdin) in any supported encoding; errors name the file. */
export function readProgramFile(file: string, format: string): { program: Program; name: string } {
  const name = inputName(file);
  const bytes = readInputBytes(file);
  const program = readProgram(bytes, { file: name, format: format as 'auto' | 'raw' | 'hex' | 'c' | 'base64' });
  return { program, name };
}

/** Disassembly colours for a terminal (identity when stdout is not one). */
export const disasmPainter: DisasmPainter = {
  index: (s) => color.dim(s),
  label: (s) => color.yellow(s),
  mnemonic: (s) => color.cyan(s),
  comment: (s) => color.dim(s),
  action: (s, kind) =>
    kind === 'ALLOW' || kind === 'LOG' ? color.green(s) : kind.startsWith('KILL') ? color.red(s) : color.yellow(s),
};

/** errno names for the values `seccomp(2)` returns on load (asm-generic/errno-base.h). */
export function errnoText(errno: string | number): string {
  const names: Record<number, string> = { 12: 'ENOMEM', 14: 'EFAULT', 22: 'EINVAL' };
  const values: Record<string, number> = { ENOMEM: 12, EFAULT: 14, EINVAL: 22 };
  if (typeof errno === 'number') return names[errno] ? `${names[errno]} (${errno})` : String(errno);
  return values[errno] !== undefined ? `${errno} (${values[errno]})` : errno;
}
