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
