/**
 * The document shape of every dialect as zod schemas: one definition drives the reader (which
 * keys exist, which JSON type each has, integer limits, Go type names for Go-style notes), the
 * validator (zod `safeParse` of the decoded document: required fields, item counts, enums,
 * patterns) and the published JSON Schemas ({@link jsonSchemaFor}).
 *
 * Integers are `bigint` (uint64 does not fit a JS number). The limits follow each format's own
 * definition: OCI runtime-spec `schema/defs.json` (index/errnoRet uint32, value uint64) for
 * docker/podman/oci, and the SPO CRD (`api/seccompprofile/v1`: errnoRet int32 >= 0, index int32
 * >= 0, value int64 >= 0, at most 6 args, at least one name) for spo. Where Go's own type is wider
 * than the schema (moby decodes `errnoRet` into a Go `uint`), `goMax` says so and `compat: 'docker'`
 * accepts the value with a warning.
 */
import { z } from 'zod';
import type { Dialect } from './model.js';

/** The 9 actions of the OCI runtime-spec (`defs-linux.json` SeccompAction). */
export const OCI_ACTIONS = [
  'SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRAP', 'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE', 'SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_NOTIFY',
] as const;
/** The 7 argument operators (`defs-linux.json` SeccompOperators). */
export const OCI_OPERATORS = [
  'SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ',
] as const;
/** The 23 architectures of the OCI runtime-spec (`defs-linux.json` SeccompArch, libseccomp 2.6 names). */
export const OCI_ARCHES = [
  'SCMP_ARCH_X86', 'SCMP_ARCH_X86_64', 'SCMP_ARCH_X32', 'SCMP_ARCH_ARM', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_LOONGARCH64',
  'SCMP_ARCH_M68K', 'SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64', 'SCMP_ARCH_MIPS64N32', 'SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64',
  'SCMP_ARCH_MIPSEL64N32', 'SCMP_ARCH_PPC', 'SCMP_ARCH_PPC64', 'SCMP_ARCH_PPC64LE', 'SCMP_ARCH_S390', 'SCMP_ARCH_S390X',
  'SCMP_ARCH_SH', 'SCMP_ARCH_SHEB', 'SCMP_ARCH_PARISC', 'SCMP_ARCH_PARISC64', 'SCMP_ARCH_RISCV64',
] as const;
/** The 4 filter flags (`defs-linux.json` SeccompFlag). */
export const OCI_FLAGS = [
  'SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV',
] as const;
/** The SPO CRD's architecture enum: has SCMP_ARCH_NATIVE, lacks LOONGARCH64, M68K, SH and SHEB. */
export const SPO_ARCHES = [
  'SCMP_ARCH_NATIVE', 'SCMP_ARCH_X86', 'SCMP_ARCH_X86_64', 'SCMP_ARCH_X32', 'SCMP_ARCH_ARM', 'SCMP_ARCH_AARCH64',
  'SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64', 'SCMP_ARCH_MIPS64N32', 'SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64',
  'SCMP_ARCH_MIPSEL64N32', 'SCMP_ARCH_PPC', 'SCMP_ARCH_PPC64', 'SCMP_ARCH_PPC64LE', 'SCMP_ARCH_S390', 'SCMP_ARCH_S390X',
  'SCMP_ARCH_PARISC', 'SCMP_ARCH_PARISC64', 'SCMP_ARCH_RISCV64',
] as const;
/** SPO `spec.listenerPath` pattern (CRD validation). */
export const SPO_LISTENER_PATH = /^\/var\/run\/security-profiles-operator\/[a-zA-Z0-9_\-.]+$/;
/** API groups/versions of the SPO `SeccompProfile` kind. */
export const SPO_API_VERSIONS = ['security-profiles-operator.x-k8s.io/v1', 'security-profiles-operator.x-k8s.io/v1beta1'] as const;

export const UINT32_MAX = 0xffffffffn;
export const UINT64_MAX = 0xffffffffffffffffn;
export const INT32_MAX = 0x7fffffffn;
export const INT64_MAX = 0x7fffffffffffffffn;

/** What the reader needs to know about a schema node beyond zod's own checks. */
export interface SchemaMeta {
  /** Integer node: inclusive limits of the format, and of the Go type when wider. */
  int?: { min: bigint; max: bigint; label: string; goMin?: bigint; goMax?: bigint };
  /** Go type named in Go-style notes (`uint64`, `[]string`, `*seccomp.Filter`). */
  goType?: string;
  /** For objects: the Go struct name (`Syscall`) that Go's errors mention. */
  goStruct?: string;
  /** Go value struct (not a pointer): `null` leaves it unchanged instead of resetting it. */
  nullKeeps?: boolean;
  /** moby's `KernelVersion` (`minKernel`), which has its own JSON decoding. */
  minKernel?: boolean;
}

const META = new WeakMap<z.ZodType, SchemaMeta>();

/** The reader's extra information about a schema node, if any. */
export function schemaMeta(s: z.ZodType): SchemaMeta | undefined {
  return META.get(s);
}

function tag<T extends z.ZodType>(s: T, meta: SchemaMeta): T {
  META.set(s, meta);
  return s;
}

/** Switches: the reader leaves enums to validation for dialects whose parser does not check them. */
interface Build {
  enums: boolean;
}

function int(min: bigint, max: bigint, label: string, goType: string, description: string, go?: { goMin?: bigint; goMax?: bigint }): z.ZodBigInt {
  // The limits live in the metadata: the decoder enforces them on the literal (with Go's wording),
  // and the JSON Schema gets them from there.
  return tag(z.bigint().describe(description), { int: { min, max, label, ...go }, goType });
}

function str(goType: string, description: string, values?: readonly string[], b?: Build): z.ZodType {
  if (values && b?.enums) return tag(z.enum(values as [string, ...string[]]).describe(description), { goType });
  return tag(z.string().describe(description), { goType });
}

function list(el: z.ZodType, goType: string, description: string, bounds: { min?: number; max?: number } = {}): z.ZodArray<z.ZodType> {
  let a = z.array(el);
  if (bounds.min !== undefined) a = a.min(bounds.min);
  if (bounds.max !== undefined) a = a.max(bounds.max);
  return tag(a.describe(description), { goType });
}

function obj(shape: Record<string, z.ZodType>, goStruct: string, goType: string, description: string, extra: SchemaMeta = {}): z.ZodType {
  return tag(z.strictObject(shape).describe(description), { goStruct, goType, ...extra });
}

const D = {
  defaultAction: 'Action for every syscall no rule matches.',
  defaultErrnoRet: 'errno returned by an ERRNO/TRACE default action (EPERM when absent).',
  architectures: 'Extra ABIs the filter covers besides the native one (libseccomp names).',
  flags: 'seccomp(2) filter flags; absent means the runtime adds SPEC_ALLOW when supported.',
  listenerPath: 'AF_UNIX socket that receives the seccomp notify fd (SCMP_ACT_NOTIFY).',
  listenerMetadata: 'Opaque string passed to the listener; requires listenerPath.',
  syscalls: 'Rules, in order.',
  names: 'Syscall names the rule applies to.',
  action: 'Action when the rule matches.',
  errnoRet: 'errno returned by ERRNO/TRACE (EPERM when absent).',
  args: 'Argument conditions (runc/crun: ANDed when indices differ, each its own rule when an index repeats).',
  index: 'Argument index, 0..5.',
  value: 'Right-hand operand (for MASKED_EQ: the mask).',
  valueTwo: 'Second operand (for MASKED_EQ: the expected value after masking).',
  op: 'Comparison operator.',
};

function dockerShapes(b: Build, podman: boolean) {
  const uintDocker = (desc: string) => int(0n, UINT32_MAX, 'uint32', 'uint', desc, { goMax: UINT64_MAX });
  const arg = obj(
    {
      index: int(0n, UINT32_MAX, 'uint32', 'uint', D.index, { goMax: UINT64_MAX }).optional(),
      value: int(0n, UINT64_MAX, 'uint64', 'uint64', D.value).optional(),
      valueTwo: int(0n, UINT64_MAX, 'uint64', 'uint64', D.valueTwo).optional(),
      op: str(podman ? 'seccomp.Operator' : 'specs.LinuxSeccompOperator', D.op, OCI_OPERATORS, b).optional(),
    },
    podman ? 'Arg' : 'LinuxSeccompArg',
    podman ? 'seccomp.Arg' : 'specs.LinuxSeccompArg',
    'One argument condition.',
  );
  const filterShape: Record<string, z.ZodType> = {
    caps: list(str('string', 'Capability name (CAP_...).'), '[]string', 'Capabilities of the bounding set.').optional(),
    arches: list(str('string', 'Native arch name as the engine spells it (amd64, arm64, ...).'), '[]string', 'Native architectures.').optional(),
  };
  if (!podman) {
    filterShape.minKernel = tag(z.string().describe('Minimum host kernel, "<kernel>.<major>" (e.g. "4.8").'), { minKernel: true, goType: '*seccomp.KernelVersion' }).optional();
  }
  const filter = (which: string) =>
    obj(filterShape, 'Filter', 'seccomp.Filter', which, podman ? { nullKeeps: true } : {}).optional();
  const ruleShape: Record<string, z.ZodType> = {
    names: list(str('string', 'Syscall name.'), '[]string', D.names).optional(),
    name: str('string', 'Legacy single syscall name (exclusive with names).').optional(),
    action: str(podman ? 'seccomp.Action' : 'specs.LinuxSeccompAction', D.action, OCI_ACTIONS, b).optional(),
    errnoRet: uintDocker(D.errnoRet).optional(),
    args: list(arg, podman ? '[]*seccomp.Arg' : '[]specs.LinuxSeccompArg', D.args).optional(),
    comment: str('string', 'Free text, ignored.').optional(),
    includes: filter('Apply the rule only if all of these hold.'),
    excludes: filter('Skip the rule if any of these holds.'),
  };
  if (podman) ruleShape.errno = str('string', 'errno name (EPERM) or decimal number; wins over errnoRet.').optional();
  const rule = obj(ruleShape, 'Syscall', 'seccomp.Syscall', 'One rule.');
  const archMapEntry = obj(
    {
      architecture: str(podman ? 'seccomp.Arch' : 'specs.Arch', 'Native architecture this entry applies to.', OCI_ARCHES, b).optional(),
      subArchitectures: list(str(podman ? 'seccomp.Arch' : 'specs.Arch', 'Architecture.', OCI_ARCHES, b), podman ? '[]seccomp.Arch' : '[]specs.Arch', 'Added after the native architecture.').optional(),
    },
    'Architecture',
    'seccomp.Architecture',
    'Architectures to add when the engine runs on `architecture`.',
  );
  const rootShape: Record<string, z.ZodType> = {
    defaultAction: str(podman ? 'seccomp.Action' : 'specs.LinuxSeccompAction', D.defaultAction, OCI_ACTIONS, b).optional(),
    defaultErrnoRet: uintDocker(D.defaultErrnoRet).optional(),
    architectures: list(str(podman ? 'seccomp.Arch' : 'specs.Arch', 'Architecture.', OCI_ARCHES, b), podman ? '[]seccomp.Arch' : '[]specs.Arch', D.architectures + ' Exclusive with archMap.').optional(),
    archMap: list(archMapEntry, '[]seccomp.Architecture', 'Per-native-architecture lists (exclusive with architectures).').optional(),
    flags: list(str(podman ? 'string' : 'specs.LinuxSeccompFlag', 'Flag.', OCI_FLAGS, b), podman ? '[]string' : '[]specs.LinuxSeccompFlag', D.flags).optional(),
    listenerPath: str('string', D.listenerPath).optional(),
    listenerMetadata: str('string', D.listenerMetadata).optional(),
    syscalls: list(rule, '[]*seccomp.Syscall', D.syscalls).optional(),
  };
  if (podman) rootShape.defaultErrno = str('string', 'errno name (ENOSYS) or decimal number; wins over defaultErrnoRet.').optional();
  return obj(rootShape, 'Seccomp', 'seccomp.Seccomp', podman ? 'containers/common (Podman, CRI-O, Buildah) seccomp profile.' : 'Docker (moby) seccomp profile.');
}

function ociSeccomp(b: Build): z.ZodType {
  const u32 = (desc: string) => int(0n, UINT32_MAX, 'uint32', 'uint', desc, { goMax: UINT64_MAX });
  const arg = obj(
    {
      index: u32(D.index),
      value: int(0n, UINT64_MAX, 'uint64', 'uint64', D.value),
      valueTwo: int(0n, UINT64_MAX, 'uint64', 'uint64', D.valueTwo).optional(),
      op: str('specs.LinuxSeccompOperator', D.op, OCI_OPERATORS, b),
    },
    'LinuxSeccompArg',
    'specs.LinuxSeccompArg',
    'One argument condition.',
  );
  const rule = obj(
    {
      names: list(str('string', 'Syscall name.'), '[]string', D.names, { min: 1 }),
      action: str('specs.LinuxSeccompAction', D.action, OCI_ACTIONS, b),
      errnoRet: u32(D.errnoRet).optional(),
      args: list(arg, '[]specs.LinuxSeccompArg', D.args).optional(),
    },
    'LinuxSyscall',
    'specs.LinuxSyscall',
    'One rule.',
  );
  return obj(
    {
      defaultAction: str('specs.LinuxSeccompAction', D.defaultAction, OCI_ACTIONS, b),
      defaultErrnoRet: u32(D.defaultErrnoRet).optional(),
      architectures: list(str('specs.Arch', 'Architecture.', OCI_ARCHES, b), '[]specs.Arch', D.architectures).optional(),
      flags: list(str('specs.LinuxSeccompFlag', 'Flag.', OCI_FLAGS, b), '[]specs.LinuxSeccompFlag', D.flags).optional(),
      listenerPath: str('string', D.listenerPath).optional(),
      listenerMetadata: str('string', D.listenerMetadata).optional(),
      syscalls: list(rule, '[]specs.LinuxSyscall', D.syscalls).optional(),
    },
    'LinuxSeccomp',
    'specs.LinuxSeccomp',
    'OCI runtime-spec linux.seccomp.',
  );
}

/** The SPO `SeccompProfile` object (v1; v1beta1's `disabled` is accepted too). Enums are always checked: the API server does. */
function spoObject(): z.ZodType {
  const b: Build = { enums: true };
  const i64 = (desc: string) => int(0n, INT64_MAX, 'int64 >= 0', 'int64', desc);
  const arg = obj(
    {
      index: int(0n, INT32_MAX, 'int32 >= 0', '*int32', D.index),
      value: i64(D.value).optional(),
      valueTwo: i64(D.valueTwo).optional(),
      op: str('seccomp.Operator', D.op, OCI_OPERATORS, b),
    },
    'Arg',
    'v1.Arg',
    'One argument condition.',
  );
  const rule = obj(
    {
      names: list(str('string', 'Syscall name.'), '[]string', D.names, { min: 1 }),
      action: str('seccomp.Action', D.action, OCI_ACTIONS, b),
      errnoRet: int(0n, INT32_MAX, 'int32 >= 0', 'int32', D.errnoRet + ' 0 means unset.').optional(),
      args: list(arg, '[]v1.Arg', D.args, { max: 6 }).optional(),
    },
    'Syscall',
    'v1.Syscall',
    'One rule.',
  );
  const spec = obj(
    {
      state: str('profilebasev1.SpecState', 'Enabled or Disabled (v1).', ['Enabled', 'Disabled'], b).optional(),
      disabled: tag(z.boolean().describe('v1beta1: skip this profile.'), { goType: 'bool' }).optional(),
      baseProfileName: str('string', 'SeccompProfile (or oci:// artifact) unioned into this one.').optional(),
      defaultAction: str('seccomp.Action', D.defaultAction, OCI_ACTIONS, b),
      architectures: list(str('v1.Arch', 'Architecture.', SPO_ARCHES, b), '[]v1.Arch', D.architectures).optional(),
      listenerPath: tag(z.string().max(107).regex(SPO_LISTENER_PATH).describe(D.listenerPath), { goType: 'string' }).optional(),
      listenerMetadata: str('string', D.listenerMetadata).optional(),
      syscalls: list(rule, '[]v1.Syscall', D.syscalls).optional(),
      flags: list(str('v1.Flag', 'Flag.', OCI_FLAGS, b), '[]v1.Flag', D.flags).optional(),
    },
    'SeccompProfileSpec',
    'v1.SeccompProfileSpec',
    'The seccomp profile.',
  );
  const stringMap = tag(z.record(z.string(), z.string()), { goType: 'map[string]string' });
  const metadata = tag(
    z
      .looseObject({
        name: str('string', 'Object name.').optional(),
        namespace: str('string', 'Namespace (SeccompProfile is cluster-scoped since 2025).').optional(),
        labels: stringMap.optional(),
        annotations: stringMap.optional(),
      })
      .describe('Kubernetes object metadata.'),
    { goStruct: 'ObjectMeta', goType: 'v1.ObjectMeta' },
  );
  return obj(
    {
      apiVersion: str('string', 'security-profiles-operator.x-k8s.io/v1 (or v1beta1).', SPO_API_VERSIONS, b),
      kind: str('string', 'SeccompProfile.', ['SeccompProfile'], b),
      metadata: metadata.optional(),
      spec: spec,
      status: tag(z.unknown().describe('Written by the operator; ignored.'), {}).optional(),
    },
    'SeccompProfile',
    'v1.SeccompProfile',
    'Security Profiles Operator SeccompProfile.',
  );
}

/** An OCI `config.json` around `linux.seccomp`; every other key is allowed and ignored. */
function ociConfig(b: Build): z.ZodType {
  const linux = tag(z.looseObject({ seccomp: ociSeccomp(b).optional() }).describe('Linux-specific configuration.'), { goStruct: 'Linux', goType: 'specs.Linux' });
  return tag(z.looseObject({ ociVersion: z.string().optional(), linux: linux.optional() }).describe('OCI runtime config.json.'), { goStruct: 'Spec', goType: 'specs.Spec' });
}

/** Which schema describes a document: the five dialects plus an OCI config.json wrapper. */
export type DocumentKind = Dialect | 'oci-config';

function build(kind: DocumentKind, b: Build): z.ZodType {
  switch (kind) {
    case 'docker':
    case 'docker-legacy':
      return dockerShapes(b, false);
    case 'podman':
      return dockerShapes(b, true);
    case 'oci':
      return ociSeccomp(b);
    case 'oci-config':
      return ociConfig(b);
    case 'spo':
      return spoObject();
  }
}

const readerCache = new Map<DocumentKind, z.ZodType>();
const fullCache = new Map<DocumentKind, z.ZodType>();

/**
 * The schema the reader checks a decoded document against: the format's own limits, without the
 * name enums for dialects whose parser passes unknown names through (docker, podman, oci: the
 * runtime rejects them later, {@link validateProfile} reports them).
 */
export function readerSchema(kind: DocumentKind): z.ZodType {
  let s = readerCache.get(kind);
  if (!s) readerCache.set(kind, (s = build(kind, { enums: kind === 'spo' })));
  return s;
}

/** The complete schema of a dialect's document, with every enum. */
export function fullSchema(kind: DocumentKind): z.ZodType {
  let s = fullCache.get(kind);
  if (!s) fullCache.set(kind, (s = build(kind, { enums: true })));
  return s;
}

/** The zod schema of each dialect's document (complete: enums included). */
export const profileSchemas: Readonly<Record<Dialect, z.ZodType>> = {
  get docker() { return fullSchema('docker'); },
  get 'docker-legacy'() { return fullSchema('docker-legacy'); },
  get podman() { return fullSchema('podman'); },
  get oci() { return fullSchema('oci'); },
  get spo() { return fullSchema('spo'); },
};

/** A JSON Schema document. Integer limits beyond 2^53 are `bigint` values: print them with a bigint-aware JSON writer. */
export type JsonSchema = { [key: string]: unknown };

const TITLES: Record<Dialect, string> = {
  docker: 'Docker (moby) seccomp profile',
  'docker-legacy': 'Docker seccomp profile (Docker <= 20.10 reading, legacy `name` rules)',
  podman: 'Podman / containers-common seccomp profile',
  oci: 'OCI runtime-spec linux.seccomp',
  spo: 'Kubernetes Security Profiles Operator SeccompProfile',
};

const BIG_MARK = '\u0000bigint:';

/** A safe integer as a number; a larger one as a marker string (zod's finaliser JSON-serialises). */
function jsonNumber(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : `${BIG_MARK}${v}`;
}

/** Replaces the markers of {@link jsonNumber} by bigint values. */
function restoreBigints(v: unknown): unknown {
  if (typeof v === 'string' && v.startsWith(BIG_MARK)) return BigInt(v.slice(BIG_MARK.length));
  if (Array.isArray(v)) return v.map(restoreBigints);
  if (v !== null && typeof v === 'object') {
    const out: JsonSchema = {};
    for (const [k, x] of Object.entries(v)) out[k] = restoreBigints(x);
    return out;
  }
  return v;
}

/**
 * The JSON Schema (draft 2020-12) of a dialect, generated from the same zod definitions the reader
 * and validator use. Integers carry exact `minimum`/`maximum` (uint64 max as a bigint).
 */
export function jsonSchemaFor(dialect: Dialect): JsonSchema {
  const schema = z.toJSONSchema(fullSchema(dialect), {
    unrepresentable: 'any',
    override: (ctx) => {
      const meta = META.get(ctx.zodSchema as unknown as z.ZodType);
      if (meta?.int) {
        const js = ctx.jsonSchema as JsonSchema;
        js.type = 'integer';
        js.minimum = jsonNumber(meta.int.min);
        js.maximum = jsonNumber(meta.int.max);
      }
    },
  }) as JsonSchema;
  return { ...(restoreBigints(schema) as JsonSchema), $id: `https://seccomp-kit.dev/schema/${dialect}.json`, title: TITLES[dialect] };
}
