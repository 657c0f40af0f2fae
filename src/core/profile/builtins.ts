/**
 * Built-in profiles: the Docker and Podman defaults (current and older generations) and a profile
 * of what seccomp's strict mode allows. The texts are vendored in `data/profiles/` (README there:
 * source, commit, licence) and embedded as text by `scripts/gen-builtins.ts`, so they load in a
 * browser and keep exact numbers.
 */
import { SeccompKitError } from '../errors.js';
import type { Dialect, Profile } from './model.js';
import { BUILTIN_TEXTS } from './builtins.generated.js';
import { readProfileOrThrow } from './read.js';
import { suggest } from './suggest.js';

/** One built-in profile. */
export interface BuiltinProfile {
  /** `docker`, used as `builtin:docker`. */
  name: string;
  dialect: Dialect;
  description: string;
  /** Where the text comes from (repository, path, commit). */
  source: string;
  licence: string;
  /** The JSON text, verbatim. */
  text: string;
}

function entry(name: string, dialect: Dialect, description: string, source: string, licence = 'Apache-2.0'): BuiltinProfile {
  const text = BUILTIN_TEXTS[name];
  if (text === undefined) throw new Error(`builtins.generated.ts lacks ${name}; run scripts/gen-builtins.ts`);
  return { name, dialect, description, source, licence, text };
}

/** Every built-in profile by name. */
export const BUILTIN_PROFILES: Readonly<Record<string, BuiltinProfile>> = Object.freeze({
  docker: entry('docker', 'docker', "Docker's current default profile", 'moby/profiles seccomp/default.json @ cd3bed80 (tag seccomp/v0.2.3)'),
  'docker-2017': entry('docker-2017', 'docker', 'Docker 17.03 default (first names/archMap/includes generation)', 'moby/moby profiles/seccomp/default.json @ v17.03.0-ce'),
  'docker-2016': entry('docker-2016', 'docker-legacy', 'Docker 1.12 default (legacy one-name-per-rule format)', 'moby/moby profiles/seccomp/default.json @ v1.12.6'),
  podman: entry('podman', 'podman', 'Podman / CRI-O / Buildah default (containers/common)', 'podman-container-tools/container-libs common/pkg/seccomp/seccomp.json @ 8840603a'),
  'podman-2025-08': entry('podman-2025-08', 'podman', 'containers/common default as of August 2025', 'containers/common pkg/seccomp/seccomp.json @ f437c58a'),
  strict: entry('strict', 'docker', 'seccomp strict mode as a profile: read, write, exit, sigreturn; anything else kills (seccomp(2))', 'seccomp-kit, from seccomp(2) SECCOMP_SET_MODE_STRICT'),
});

/** True for `builtin:<name>` references. */
export function isBuiltinRef(ref: string): boolean {
  return ref.startsWith('builtin:');
}

/** The entry for `docker` or `builtin:docker`; throws SeccompKitError('usage') for an unknown name. */
export function builtinProfile(ref: string): BuiltinProfile {
  const name = ref.replace(/^builtin:/, '');
  const b = Object.prototype.hasOwnProperty.call(BUILTIN_PROFILES, name) ? BUILTIN_PROFILES[name] : undefined;
  if (!b) {
    const names = Object.keys(BUILTIN_PROFILES);
    const close = suggest(name, names);
    throw new SeccompKitError('usage', `unknown built-in profile '${name}'${close ? `; did you mean 'builtin:${close}'?` : ''}`, {
      hint: `built-in profiles: ${names.map((n) => `builtin:${n}`).join(', ')}`,
    });
  }
  return b;
}

/** Reads a built-in profile (`docker` or `builtin:docker`) into the model. */
export function loadBuiltin(ref: string): Profile {
  const b = builtinProfile(ref);
  return readProfileOrThrow(b.text, { file: `builtin:${b.name}`, dialect: b.dialect, format: 'json' });
}
