/**
 * Writing exports to disk: every file goes through a temporary file in the same directory and a
 * rename, so a runtime reading config.json (or a filter file) never sees it half written.
 */
import { SeccompKitError } from '../core/errors.js';
import { exportProfile, type ExportOptions, type ExportResult, type ExportTarget } from '../core/export/index.js';
import type { Policy } from '../core/profile/policy.js';
import type { Profile } from '../core/profile/model.js';
import { readInputText, writeFileAtomic } from './files.js';

export { writeFileAtomic };

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
