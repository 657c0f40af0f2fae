/**
 * Writing exports to disk: every file goes through a temporary file in the same directory and a
 * rename, so a runtime reading config.json (or a filter file) never sees it half written.
 */
import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SeccompKitError } from '../core/errors.js';
import { exportProfile, type ExportOptions, type ExportResult, type ExportTarget } from '../core/export/index.js';
import type { Policy } from '../core/profile/policy.js';
import type { Profile } from '../core/profile/model.js';
import { readInputText } from './files.js';

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

/** Options of {@link exportToFile}. */
export interface ExportFileOptions extends Omit<ExportOptions, 'config'> {
  /** `oci`/`crun`: the config.json to read (and, without `output`, to update in place). */
  configFile?: string;
  /** Where to write; for `oci`/`crun` defaults to `configFile`. */
  output?: string;
}

/**
 * Exports `profile` (resolved as `policy`) for `target` and writes the result atomically.
 * Returns the result and the path written.
 */
export function exportToFile(profile: Profile, policy: Policy, target: ExportTarget, opts: ExportFileOptions): ExportResult & { path: string } {
  const { configFile, output, ...rest } = opts;
  const config = configFile !== undefined ? readInputText(configFile) : undefined;
  const r = exportProfile(profile, policy, target, { ...rest, ...(config !== undefined ? { config } : {}) });
  const path = output ?? configFile;
  if (path === undefined) throw new SeccompKitError('usage', `--to ${target}: no output file (give -o FILE)`);
  writeFileAtomic(path, r.bytes);
  return { ...r, path };
}
