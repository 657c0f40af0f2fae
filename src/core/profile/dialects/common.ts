/**
 * What every dialect shares: the decoded document shape (what decode.ts produces for a seccomp
 * object), the model builder, the checks moby/containers-common make while loading (name vs names,
 * architectures vs archMap, "this disables seccomp"), and the writer's building blocks.
 */
import type { SourceRef } from '../../errors.js';
import type { ArchMapEntry, Diagnostic, Dialect, Profile, ProfileArg, ProfileRule, RuleFilter } from '../model.js';

export interface DecodedArg {
  index?: bigint;
  value?: bigint;
  valueTwo?: bigint;
  op?: string;
}
export interface DecodedFilter {
  caps?: string[];
  arches?: string[];
  minKernel?: string;
}
export interface DecodedRule {
  names?: (string | undefined)[];
  name?: string;
  action?: string;
  errnoRet?: bigint;
  errno?: string;
  args?: (DecodedArg | null | undefined)[];
  comment?: string;
  includes?: DecodedFilter;
  excludes?: DecodedFilter;
}
export interface DecodedSeccomp {
  defaultAction?: string;
  defaultErrnoRet?: bigint;
  defaultErrno?: string;
  architectures?: (string | undefined)[];
  archMap?: ({ architecture?: string; subArchitectures?: (string | undefined)[] } | null | undefined)[];
  flags?: (string | undefined)[];
  listenerPath?: string;
  listenerMetadata?: string;
  syscalls?: (DecodedRule | null | undefined)[];
}

/** How one dialect reads: the Go wording of its loader and its extra-key explanations. */
export interface DialectReading {
  dialect: Dialect;
  /** Prefix of Go-style notes (`Decoding seccomp profile failed: `). */
  notePrefix: string;
  /** Go type of the document root. */
  goRoot: string;
  /** Explanations for keys that belong to another dialect. */
  keyHints: Record<string, string>;
}

function strings(a: (string | undefined)[] | undefined): string[] {
  return (a ?? []).filter((x): x is string => typeof x === 'string');
}

function isObj<T>(x: T | null | undefined): x is T {
  return x !== null && x !== undefined && typeof x === 'object';
}

function filter(f: DecodedFilter | undefined, pointer: string): RuleFilter | undefined {
  if (!isObj(f)) return undefined;
  const out: RuleFilter = { pointer, caps: strings(f.caps), arches: strings(f.arches) };
  if (typeof f.minKernel === 'string') out.minKernel = f.minKernel;
  return out;
}

function rule(r: DecodedRule, pointer: string): ProfileRule {
  const out: ProfileRule = { pointer, names: strings(r.names), action: r.action ?? '', args: [] };
  if (r.name !== undefined) out.name = r.name;
  if (r.errnoRet !== undefined) out.errnoRet = r.errnoRet;
  if (r.errno !== undefined) out.errno = r.errno;
  (r.args ?? []).forEach((a, i) => {
    if (!isObj(a)) return;
    const arg: ProfileArg = { pointer: `${pointer}/args/${i}`, index: a.index ?? 0n, value: a.value ?? 0n, op: a.op ?? '' };
    if (a.valueTwo !== undefined) arg.valueTwo = a.valueTwo;
    out.args.push(arg);
  });
  if (r.comment !== undefined) out.comment = r.comment;
  const inc = filter(r.includes, `${pointer}/includes`);
  if (inc) out.includes = inc;
  const exc = filter(r.excludes, `${pointer}/excludes`);
  if (exc) out.excludes = exc;
  return out;
}

/** Builds the model from a decoded seccomp object found at `root`. */
export function buildModel(v: DecodedSeccomp, dialect: Dialect, root: string, sources: Record<string, SourceRef>, keySources: Record<string, SourceRef>, file?: string): Profile {
  const archMap: ArchMapEntry[] = [];
  (v.archMap ?? []).forEach((e, i) => {
    if (!isObj(e)) return;
    archMap.push({ pointer: `${root}/archMap/${i}`, architecture: e.architecture ?? '', subArchitectures: strings(e.subArchitectures) });
  });
  const rules: ProfileRule[] = [];
  (v.syscalls ?? []).forEach((r, i) => {
    if (isObj(r)) rules.push(rule(r, `${root}/syscalls/${i}`));
  });
  const p: Profile = {
    dialect,
    root,
    defaultAction: v.defaultAction ?? '',
    architectures: strings(v.architectures),
    archMap,
    rules,
    sources,
    keySources,
  };
  if (file !== undefined) p.file = file;
  if (v.defaultErrnoRet !== undefined) p.defaultErrnoRet = v.defaultErrnoRet;
  if (v.defaultErrno !== undefined) p.defaultErrno = v.defaultErrno;
  if (v.flags !== undefined) p.flags = strings(v.flags);
  if (v.listenerPath !== undefined) p.listenerPath = v.listenerPath;
  if (v.listenerMetadata !== undefined) p.listenerMetadata = v.listenerMetadata;
  p.defaultActionMissing = v.defaultAction === undefined;
  p.disablesSeccomp = p.defaultAction === '' && (v.syscalls?.length ?? 0) === 0;
  return p;
}

/** moby >= 23's texts (moby/profiles seccomp_linux.go). */
export const MOBY_NAME_AND_NAMES = "both 'name' and 'names' are specified in the seccomp profile, use either 'name' or 'names'";
export const MOBY_ARCH_AND_ARCHMAP = "both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'";
/** Docker <= 20.10 and containers/common texts. */
export const OLD_NAME_AND_NAMES = "'name' and 'names' were specified in the seccomp profile, use either 'name' or 'names'";
export const OLD_ARCH_AND_ARCHMAP = "'architectures' and 'archMap' were specified in the seccomp profile, use either 'architectures' or 'archMap'";

/**
 * The checks the engines make while loading (after decoding): both `name` and `names`, both
 * `architectures` and `archMap`, and the "no default action, no rules" hole.
 */
export function loadChecks(p: Profile, out: Diagnostic[], at: (pointer: string, key?: boolean) => SourceRef, decodeFailed = false): void {
  const legacyWording = p.dialect === 'podman' || p.dialect === 'docker-legacy';
  // When decoding failed the engine never gets this far: no "disabled" warning then.
  if (p.disablesSeccomp && !decodeFailed) {
    out.push({
      severity: 'warning',
      code: 'seccomp-disabled',
      message: 'this profile disables seccomp: no defaultAction and no syscalls (Docker, Podman and runc run the container unconfined)',
      source: at(p.root),
      hint: 'crun rejects it instead ("Required field \'defaultAction\' not present"); set a defaultAction to confine the container',
    });
  }
  const dockerFamily = p.dialect === 'docker' || p.dialect === 'docker-legacy' || p.dialect === 'podman';
  if (!dockerFamily) return;
  if (!p.disablesSeccomp && p.architectures.length > 0 && p.archMap.length > 0) {
    const msg = legacyWording ? OLD_ARCH_AND_ARCHMAP : MOBY_ARCH_AND_ARCHMAP;
    out.push({ severity: 'error', code: 'architectures-and-archmap', message: msg, source: at(`${p.root}/archMap`, true), note: msg, related: at(`${p.root}/architectures`, true) });
  }
  for (const r of p.rules) {
    if (r.name === undefined || r.name === '' || r.names.length === 0) continue;
    r.nameConflict = true;
    if (p.disablesSeccomp) continue;
    if (legacyWording) {
      out.push({
        severity: 'warning',
        code: 'name-and-names',
        message: `${OLD_NAME_AND_NAMES} (an error only if the rule is not excluded for the host)`,
        source: at(`${r.pointer}/name`, true),
        note: OLD_NAME_AND_NAMES,
        hint: p.dialect === 'podman' ? 'containers/common checks this after includes/excludes' : 'Docker <= 20.10 checks this after includes/excludes; Docker >= 23 always fails',
      });
    } else {
      out.push({ severity: 'error', code: 'name-and-names', message: MOBY_NAME_AND_NAMES, source: at(`${r.pointer}/name`, true), note: MOBY_NAME_AND_NAMES, hint: 'moby checks this before includes/excludes, so even an excluded rule fails the whole profile' });
    }
  }
}

/** A warning from a writer about something the target cannot express. */
export function writeWarning(code: string, message: string, pointer: string | undefined, p: Profile, hint?: string): Diagnostic {
  const src = (pointer !== undefined ? p.sources[pointer] ?? p.keySources?.[pointer] : undefined) ?? (pointer !== undefined ? { pointer } : {});
  const d: Diagnostic = { severity: 'warning', code, message, source: { ...(p.file !== undefined ? { file: p.file } : {}), ...src } };
  if (hint) d.hint = hint;
  return d;
}

/** `args[]` as the Docker and OCI writers print it (stable key order; `valueTwo` only when present). */
export function writeArgs(args: readonly ProfileArg[]): Record<string, unknown>[] {
  return args.map((a) => {
    const x: Record<string, unknown> = { index: a.index, value: a.value };
    if (a.valueTwo !== undefined) x.valueTwo = a.valueTwo;
    x.op = a.op;
    return x;
  });
}
