/**
 * Reading the user's files: every failure becomes a {@link SeccompKitError} naming the file.
 */
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
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

/**
 * Writes `bytes` to `path` atomically (temp file + rename in the same directory). Character devices
 * and pipes (`/dev/stdout`) are written directly: they cannot be renamed over.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  let special = false;
  let mode: number | undefined;
  try {
    const st = statSync(path);
    special = !st.isFile();
    mode = st.mode & 0o7777;
  } catch {
    // a new file
  }
  const tmp = special ? path : join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  try {
    writeFileSync(tmp, bytes, mode !== undefined && !special ? { mode } : {});
    if (!special) renameSync(tmp, path);
  } catch (err) {
    if (!special) rmSync(tmp, { force: true });
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such directory' : e.code === 'EACCES' ? 'permission denied' : e.code === 'EISDIR' ? 'is a directory' : e.message;
    throw new SeccompKitError('io', `cannot write ${path}: ${why}`, { source: { file: path } });
  }
}
