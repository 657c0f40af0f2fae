import type { Command } from 'commander';
import { register as syscalls } from './syscalls.js';
import { register as disasm } from './disasm.js';
import { register as asm } from './asm.js';
import { register as emu } from './emu.js';
import { register as verify } from './verify.js';
import { register as validate } from './validate.js';
import { register as convert } from './convert.js';
import { register as schema } from './schema.js';
import { register as resolve } from './resolve.js';
import { register as check } from './check.js';
import { register as compile } from './compile.js';
import { register as run } from './run.js';
import { register as dump } from './dump.js';
import { register as exportCmd } from './export.js';

/** Every command, in the order `--help` lists them. */
export const commands: ReadonlyArray<(program: Command) => void> = [check, validate, resolve, compile, run, dump, exportCmd, convert, schema, syscalls, disasm, asm, emu, verify];
