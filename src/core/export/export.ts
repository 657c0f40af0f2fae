/**
 * Exporting a profile for the program that will enforce it: a self-contained resolved profile for
 * Docker/Podman/SPO, `linux.seccomp` (and crun's BPF annotation) inside an OCI config.json, or the
 * compiled program's bytes for bubblewrap. Pure: the caller reads and writes the files.
 */
import { SeccompKitError } from '../errors.js';
import type { Diagnostic, Profile } from '../profile/model.js';
import type { Policy } from '../profile/policy.js';
import { convertProfile, profileDocument, toJsonText } from '../profile/write.js';
import { getAbi } from '../syscalls/abis.js';
import { buildFilter, type FilterOptions } from '../compile/pipeline.js';
import { encodeProgram, formatBase64 } from '../bpf/codec.js';
import type { Program } from '../bpf/instruction.js';

/** Where the export goes. */
export type ExportTarget = 'docker' | 'podman' | 'oci' | 'crun' | 'bwrap' | 'spo';

export const EXPORT_TARGETS: readonly ExportTarget[] = ['docker', 'podman', 'oci', 'crun', 'bwrap', 'spo'];

/** True when `s` names an {@link ExportTarget}. */
export function isExportTarget(s: string): s is ExportTarget {
  return (EXPORT_TARGETS as readonly string[]).includes(s);
}

/** crun reads a precompiled filter from this annotation (base64 of struct sock_filter[]) instead of compiling the profile. */
export const CRUN_BPF_ANNOTATION = 'run.oci.seccomp_bpf_data';

/** Options of {@link exportProfile}. */
export interface ExportOptions {
  /** `oci`/`crun`: the config.json text to put the profile into (required for those targets). */
  config?: string;
  /** `crun`/`bwrap`: how to compile (default: {@link buildFilter}'s defaults, as `compile` does). */
  filter?: FilterOptions;
  /** `spo`: metadata.name. */
  name?: string;
  /** JSON indentation (default 2). */
  indent?: number | string;
}

/** What to write, and what got lost on the way. */
export interface ExportResult {
  target: ExportTarget;
  /** The file's bytes (UTF-8 text for every target but `bwrap`). */
  bytes: Uint8Array;
  warnings: Diagnostic[];
  /** The resolved, self-contained profile that was written (every target but `bwrap`). */
  resolved?: Profile;
  /** The compiled program (`crun`, `bwrap`). */
  program?: Program;
}

/**
 * The profile reduced to what `policy` applies: only the rules resolution applied (status
 * `applied`), without includes/excludes, no archMap, and `architectures` listing the policy's ABIs
 * (native first), so any reader enforces the same rules without re-deciding the conditions.
 */
export function resolvedProfile(profile: Profile, policy: Policy): Profile {
  if (!policy.rules) throw new Error('resolvedProfile needs a policy from resolveProfile (with rule outcomes)');
  const applied = new Set(policy.rules.filter((o) => o.status === 'applied').map((o) => o.rule));
  const rules = profile.rules
    .filter((_, i) => applied.has(i))
    .map((r) => {
      const { includes: _inc, excludes: _exc, nameConflict: _nc, ...rest } = r;
      return rest;
    });
  const architectures = policy.abis.map((a) => getAbi(a.abi)?.scmpName ?? a.abi);
  const { archMap: _am, ...top } = profile;
  return { ...top, archMap: [], architectures, rules };
}

function refuseUnconfined(policy: Policy, target: ExportTarget): void {
  if (policy.unconfined) {
    throw new SeccompKitError('profile', 'the profile disables seccomp (no default action and no rules): there is nothing to export', {
      hint: target === 'docker' || target === 'podman' ? 'use --security-opt seccomp=unconfined instead' : 'give the profile a defaultAction',
    });
  }
}

/**
 * Puts `seccomp` (a `linux.seccomp` document, bigint numbers) into the OCI config.json `configText`,
 * keeping every other key; `annotations` are added to (or replace keys of) `.annotations`.
 * The old seccomp object is replaced whole, so its uint64 values never go through a double.
 */
export function setConfigSeccomp(configText: string, seccomp: Record<string, unknown>, annotations: Record<string, string> = {}, indent: number | string = 2, file?: string): string {
  let config: unknown;
  try {
    config = JSON.parse(configText);
  } catch (err) {
    throw new SeccompKitError('parse', `config.json is not valid JSON: ${(err as Error).message}`, file !== undefined ? { source: { file } } : {});
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new SeccompKitError('parse', 'config.json must hold a JSON object (an OCI runtime spec)', file !== undefined ? { source: { file } } : {});
  }
  const root = config as Record<string, unknown>;
  const linux = root.linux;
  if (linux !== undefined && (typeof linux !== 'object' || linux === null || Array.isArray(linux))) {
    throw new SeccompKitError('parse', "config.json's 'linux' is not an object", file !== undefined ? { source: { file, pointer: '/linux' } } : {});
  }
  root.linux = { ...((linux as Record<string, unknown> | undefined) ?? {}), seccomp };
  if (Object.keys(annotations).length) {
    const ann = root.annotations;
    if (ann !== undefined && (typeof ann !== 'object' || ann === null || Array.isArray(ann))) {
      throw new SeccompKitError('parse', "config.json's 'annotations' is not an object", file !== undefined ? { source: { file, pointer: '/annotations' } } : {});
    }
    root.annotations = { ...((ann as Record<string, unknown> | undefined) ?? {}), ...annotations };
  }
  return toJsonText(root, indent);
}

/** Resolves nothing itself: `policy` must be `resolveProfile(profile, ctx)` for the context the export is for. */
export function exportProfile(profile: Profile, policy: Policy, target: ExportTarget, opts: ExportOptions = {}): ExportResult {
  refuseUnconfined(policy, target);
  const enc = new TextEncoder();
  const indent = opts.indent ?? 2;
  if (target === 'bwrap') {
    const { compiled } = buildFilter(policy, opts.filter ?? {});
    return { target, bytes: encodeProgram(compiled.program), warnings: [], program: compiled.program };
  }
  const resolved = resolvedProfile(profile, policy);
  if (target === 'docker' || target === 'podman' || target === 'spo') {
    const out = convertProfile(resolved, target, { indent, ...(opts.name !== undefined ? { name: opts.name } : {}) });
    return { target, bytes: enc.encode(out.text), warnings: out.warnings, resolved };
  }
  if (opts.config === undefined) throw new SeccompKitError('usage', `--to ${target} writes into an OCI config.json: give it with --config FILE`);
  const warnings: Diagnostic[] = [];
  const seccomp = profileDocument(resolved, 'oci', {}, warnings);
  const annotations: Record<string, string> = {};
  let program: Program | undefined;
  if (target === 'crun') {
    program = buildFilter(policy, opts.filter ?? {}).compiled.program;
    annotations[CRUN_BPF_ANNOTATION] = formatBase64(program);
  }
  const text = setConfigSeccomp(opts.config, seccomp, annotations, indent);
  return { target, bytes: enc.encode(text), warnings, resolved, ...(program ? { program } : {}) };
}

/** Quotes a word for a POSIX shell when it needs it. */
function shellWord(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command line that uses the exported file `out` (undefined for `spo`, which is applied with kubectl). */
export function exportInvocation(target: ExportTarget, out: string, bundle?: string): string {
  const f = shellWord(out);
  switch (target) {
    case 'docker':
      return `docker run --security-opt seccomp=${f} IMAGE [COMMAND]`;
    case 'podman':
      return `podman run --security-opt seccomp=${f} IMAGE [COMMAND]`;
    case 'oci':
      return `runc run --bundle ${shellWord(bundle ?? '.')} ID`;
    case 'crun':
      return `crun run --bundle ${shellWord(bundle ?? '.')} ID`;
    case 'bwrap':
      return `bwrap --ro-bind / / --dev /dev --seccomp 3 COMMAND 3< ${f}`;
    case 'spo':
      return `kubectl apply -f ${f}`;
  }
}
