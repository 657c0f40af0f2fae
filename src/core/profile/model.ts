/**
 * The profile model: one typed shape for every dialect (Docker/moby, Podman/containers-common,
 * OCI `linux.seccomp`, Kubernetes SPO `SeccompProfile`). It keeps what the file said, not what a
 * runtime will make of it (that is {@link Policy}, built by `resolve`). Strings are kept as written
 * (an unknown action is reported by validation/resolution, not lost here); numbers are bigint read
 * from the literal; every node carries its JSON pointer, and `sources` maps pointers to positions.
 */
import type { SourceRef } from '../errors.js';

/** Which program's reading of the file this is. */
export type Dialect =
  /** moby >= 23 (`names`, `archMap`, `includes`/`excludes`, `minKernel`, `defaultErrnoRet`). */
  | 'docker'
  /** Docker 1.10-1.12 shape: one rule per `name`, flat `architectures`. */
  | 'docker-legacy'
  /** containers/common (Podman, CRI-O, Buildah): adds `defaultErrno` / per-rule `errno` names, no `minKernel`. */
  | 'podman'
  /** OCI runtime-spec `linux.seccomp` (alone or inside a whole config.json); what containerd reads. */
  | 'oci'
  /** Kubernetes Security Profiles Operator `SeccompProfile` (v1 / v1beta1), YAML or JSON. */
  | 'spo';

export const DIALECTS: readonly Dialect[] = ['docker', 'docker-legacy', 'podman', 'oci', 'spo'];

/** `includes` / `excludes` of a Docker-dialect rule. */
export interface RuleFilter {
  /** JSON pointer of the filter object. */
  pointer: string;
  caps: string[];
  arches: string[];
  /** `minKernel` as written (`"4.8"`, `""`); undefined when absent or null. */
  minKernel?: string;
}

/** One `args[]` element. */
export interface ProfileArg {
  pointer: string;
  index: bigint;
  value: bigint;
  /** Absent and 0 differ only in how a writer prints them. */
  valueTwo?: bigint;
  /** Operator as written: `SCMP_CMP_EQ`, ... */
  op: string;
}

/** One `syscalls[]` element. */
export interface ProfileRule {
  pointer: string;
  /** `names` as written ([] when absent or null). */
  names: string[];
  /** Legacy single `name` (Docker <= 1.12 and still accepted by moby). */
  name?: string;
  /** Action as written: `SCMP_ACT_ERRNO`, ... */
  action: string;
  errnoRet?: bigint;
  /** Podman's per-rule errno name or number (wins over errnoRet there). */
  errno?: string;
  args: ProfileArg[];
  comment?: string;
  includes?: RuleFilter;
  excludes?: RuleFilter;
  /**
   * Both `name` and `names` are set. moby >= 23 rejects the whole profile for it (even when the rule
   * would be excluded); containers/common and Docker <= 20.10 reject it only if the rule survives
   * includes/excludes, so resolution must decide for those dialects.
   */
  nameConflict?: boolean;
}

/** One `archMap[]` element. */
export interface ArchMapEntry {
  pointer: string;
  architecture: string;
  subArchitectures: string[];
}

/** Kubernetes object metadata and SPO-only fields. */
export interface SpoMeta {
  apiVersion: string;
  kind: string;
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  baseProfileName?: string;
  /** `spec.disabled` / state, as written. */
  disabled?: boolean;
  /** `spec.state` as written (`Enabled` / `Disabled`, SPO v1); `disabled` is derived from it when set. */
  state?: string;
}

/** A profile as read from text. */
export interface Profile {
  dialect: Dialect;
  /** File name or label, for messages. */
  file?: string;
  /** Pointer of the seccomp object inside the document (`""`, `/linux/seccomp`, `/spec`). */
  root: string;
  /** As written; `""` when absent (moby treats absent and "" alike). */
  defaultAction: string;
  defaultErrnoRet?: bigint;
  /** Podman's `defaultErrno` (name or number), wins over defaultErrnoRet there. */
  defaultErrno?: string;
  architectures: string[];
  archMap: ArchMapEntry[];
  /** undefined when the key is absent (runc/crun then add SPEC_ALLOW); [] when written empty. */
  flags?: string[];
  listenerPath?: string;
  listenerMetadata?: string;
  rules: ProfileRule[];
  /** For `spo` documents. */
  spo?: SpoMeta;
  /** JSON pointer -> where it is in the text (every key and value that was read). */
  sources: Record<string, SourceRef>;
  /** JSON pointer -> where its key is written (object members only). */
  keySources?: Record<string, SourceRef>;
  /**
   * True when the profile turns seccomp off in moby, containers/common and runc: `defaultAction`
   * empty or absent and no `syscalls` (`{}`). crun rejects such a profile instead.
   */
  disablesSeccomp?: boolean;
  /** True when `defaultAction` is absent or null (crun/libocispec: "Required field 'defaultAction' not present"). */
  defaultActionMissing?: boolean;
  /** 0-based index of the YAML document (multi-document streams), when not the first. */
  document?: number;
}

/** A problem found while reading or checking a profile. */
export interface Diagnostic {
  severity: 'error' | 'warning' | 'info';
  /** Stable id: `unknown-key`, `duplicate-key`, `key-case`, `type`, `range`, ... */
  code: string;
  message: string;
  source: SourceRef;
  hint?: string;
  /** What the reference implementation says, in its words (Go's `json: cannot unmarshal ...`, moby's message). */
  note?: string;
  /** A second place the message refers to (the first occurrence of a duplicate key). */
  related?: SourceRef;
}
