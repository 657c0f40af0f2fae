/** Seccomp profiles: the model, reading every dialect, validation, writing, schemas, built-ins. */
export * from './model.js';
export { readProfile, readProfileOrThrow, detectDialect, isClean, isDialect } from './read.js';
export type { ReadOptions, ReadResult, Detection } from './read.js';
export { validateProfile, CAPABILITIES, MOBY_NATIVE_ARCHES, LIBSECCOMP_NATIVE_ARCHES } from './validate.js';
export type { ValidateOptions } from './validate.js';
export { writeProfile, convertProfile, profileDocument, toJsonText, toYamlText } from './write.js';
export type { WriteOptions, WriteResult } from './write.js';
export {
  profileSchemas,
  jsonSchemaFor,
  OCI_ACTIONS,
  OCI_OPERATORS,
  OCI_ARCHES,
  OCI_FLAGS,
  SPO_ARCHES,
} from './schema.js';
export type { JsonSchema } from './schema.js';
export { BUILTIN_PROFILES, loadBuiltin, builtinProfile, isBuiltinRef } from './builtins.js';
export type { BuiltinProfile } from './builtins.js';
export { ERRNO, errnoNumber, errnoName, parsePodmanErrno } from './errno.js';
export { parseJson, LineIndex, pointerToPath, pointerSegments } from './json.js';
export type { SyntaxNode } from './json.js';
export { parseYaml } from './yaml.js';
// Resolution (profile -> policy for a daemon, capabilities, kernel and runtime) and its summaries.
export * from './policy.js';
export { decide, selectAbi, conditionHolds } from './decide.js';
export type { Decision } from './decide.js';
export { resolveProfile, readerOf, defaultContext } from './resolve.js';
export type { Reader, ResolveContext } from './resolve.js';
export { effectiveContext, describeContext, daemonArch, daemonArches, RUNTIMES, SYSCALL_TABLE_VERSIONS } from './context.js';
export type { EffectiveContext, DaemonArch, RuntimeName, SyscallTableVersion } from './context.js';
export { ALL_CAPABILITIES, DOCKER_DEFAULT_CAPABILITIES, boundingSet, normalizeCapability, isCapabilityName } from './caps.js';
export type { CapabilityBase, CapabilityOptions } from './caps.js';
export { parseMinKernel, minKernelError, parseKernelRelease, kernelAtLeast, formatKernel } from './minkernel.js';
export type { KernelVersion } from './minkernel.js';
export { summarizePolicy, classifySyscalls, verdictOf, flagNames } from './summary.js';
export type { PolicySummary, AbiSummary, DroppedRules, SyscallVerdict, Verdict } from './summary.js';
export { formatPolicy, formatAbiPolicy, formatClause, formatCondition, formatNote, formatValue } from './policy-text.js';
export { readAndResolveDockerDefault } from './resolve-bench.js';
