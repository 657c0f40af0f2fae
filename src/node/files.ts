/**
 * Reading the user's files: every failure becomes a {@link SeccompKitError} naming the file.
 */
import { readFileSync } from 'node:fs';
import { SeccompKitError } from '../core/errors.js';

/** Reads a file (or standard input for `-`) as bytes. */
export function readInputBytes(file: string): Uint8Array {
  try {
    return file === '-' ? readFileSync(0) : readFileSync(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'ENOENT' ? 'no such file' :
      e.code === 'EACCES' ? 'permission denied' :
      e.code === 'EISDIR' ? 'is a directory, expected a file' :
      e.message;
    throw new SeccompKitError('io', `cannot read ${file === '-' ? 'standard input' : file}: ${why}`, { source: { file } });
  }
}

/** Reads a file (or standard input for `-`) as UTF-8 text. */
export function readInputText(file: string): string {
  return new TextDecoder('utf-8').decode(readInputBytes(file));
}

/** A display name for an input path (`<stdin>` for `-`). */
export function inputName(file: string): string {
  return file === '-' ? '<stdin>' : file;
}
