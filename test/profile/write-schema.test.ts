// JSON Schemas come from the same zod definitions as the reader; built-ins are embedded verbatim.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PROFILES, DIALECTS, jsonSchemaFor, loadBuiltin, OCI_ACTIONS, OCI_ARCHES, OCI_FLAGS, OCI_OPERATORS, profileSchemas } from '../../src/core/profile/index.js';
import { SeccompKitError } from '../../src/core/errors.js';
import { generatedSource } from '../../scripts/gen-builtins.js';

const root = join(import.meta.dirname, '../..');
type Json = { [k: string]: unknown };
const at = (s: Json, ...path: string[]): Json => path.reduce((o, k) => o[k] as Json, s);

describe('JSON Schemas', () => {
  it('exist for every dialect, as draft 2020-12 with a title', () => {
    for (const d of DIALECTS) {
      const s = jsonSchemaFor(d);
      expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(typeof s.title).toBe('string');
      expect(profileSchemas[d]).toBeDefined();
    }
  });

  it('OCI: the enums and limits of runtime-spec defs-linux.json, uint64 max exact', () => {
    const ref = JSON.parse(readFileSync(join(root, 'test/fixtures/profiles/oci-defs-linux.schema.json'), 'utf8')).definitions;
    expect([...OCI_ACTIONS]).toEqual(ref.SeccompAction.enum);
    expect([...OCI_ARCHES]).toEqual(ref.SeccompArch.enum);
    expect([...OCI_FLAGS]).toEqual(ref.SeccompFlag.enum);
    expect([...OCI_OPERATORS]).toEqual(ref.SeccompOperators.enum);
    const s = jsonSchemaFor('oci');
    expect(s.required).toEqual(['defaultAction']);
    expect(at(s, 'properties', 'defaultAction', 'enum')).toEqual([...OCI_ACTIONS]);
    const rule = at(s, 'properties', 'syscalls', 'items');
    expect(rule.required).toEqual(['names', 'action']);
    expect(at(rule, 'properties', 'names').minItems).toBe(1);
    const arg = at(rule, 'properties', 'args', 'items');
    expect(at(arg, 'properties', 'value')).toMatchObject({ type: 'integer', minimum: 0, maximum: 18446744073709551615n });
    expect(at(arg, 'properties', 'index')).toMatchObject({ type: 'integer', minimum: 0, maximum: 4294967295 });
    expect(arg.required).toEqual(['index', 'value', 'op']);
  });

  it('Docker: extensions present, nothing required, unknown keys flagged', () => {
    const s = jsonSchemaFor('docker');
    expect(s.required).toBeUndefined();
    expect(s.additionalProperties).toBe(false);
    const rule = at(s, 'properties', 'syscalls', 'items', 'properties');
    expect(Object.keys(rule)).toEqual(['names', 'name', 'action', 'errnoRet', 'args', 'comment', 'includes', 'excludes']);
    expect(Object.keys(at(rule, 'includes', 'properties'))).toEqual(['caps', 'arches', 'minKernel']);
    const podman = at(jsonSchemaFor('podman'), 'properties', 'syscalls', 'items', 'properties');
    expect(Object.keys(podman)).toContain('errno');
    expect(Object.keys(at(podman, 'includes', 'properties'))).toEqual(['caps', 'arches']);
  });

  it('SPO: int64 >= 0 values, int32 errnoRet, at most 6 args, the CRD enums', () => {
    const s = jsonSchemaFor('spo');
    expect(s.required).toEqual(['apiVersion', 'kind', 'spec']);
    const spec = at(s, 'properties', 'spec');
    expect(spec.required).toEqual(['defaultAction']);
    const rule = at(spec, 'properties', 'syscalls', 'items');
    expect(at(rule, 'properties', 'args').maxItems).toBe(6);
    expect(at(rule, 'properties', 'errnoRet')).toMatchObject({ minimum: 0, maximum: 2147483647 });
    expect(at(rule, 'properties', 'args', 'items', 'properties', 'value')).toMatchObject({ minimum: 0, maximum: 9223372036854775807n });
    expect(at(spec, 'properties', 'architectures', 'items', 'enum')).toContain('SCMP_ARCH_NATIVE');
    expect(at(spec, 'properties', 'listenerPath').pattern).toBeDefined();
  });
});

describe('built-in profiles', () => {
  it('the embedded texts equal data/profiles (run scripts/gen-builtins.ts after editing them)', () => {
    const generated = readFileSync(join(root, 'src/core/profile/builtins.generated.ts'), 'utf8');
    expect(generated).toBe(generatedSource(root));
    for (const [name, b] of Object.entries(BUILTIN_PROFILES)) {
      expect(b.text).toBe(readFileSync(join(root, 'data/profiles', `${name}.json`), 'utf8'));
      expect(b.source.length).toBeGreaterThan(0);
      expect(b.licence).toBe('Apache-2.0');
    }
    expect(Object.keys(BUILTIN_PROFILES).sort()).toEqual(['docker', 'docker-2016', 'docker-2017', 'podman', 'podman-2025-08', 'strict']);
  });

  it('loadBuiltin accepts name or builtin:name and reports unknown names with a suggestion', () => {
    expect(loadBuiltin('builtin:docker').file).toBe('builtin:docker');
    expect(loadBuiltin('podman').dialect).toBe('podman');
    expect(() => loadBuiltin('builtin:dokcer')).toThrow(SeccompKitError);
    expect(() => loadBuiltin('builtin:dokcer')).toThrow("unknown built-in profile 'dokcer'; did you mean 'builtin:docker'?");
  });

  it('builtin:strict is seccomp strict mode: read, write, exit, (rt_)sigreturn; everything else kills', () => {
    const p = loadBuiltin('strict');
    expect(p.defaultAction).toBe('SCMP_ACT_KILL');
    expect(p.rules).toHaveLength(1);
    expect(p.rules[0].names).toEqual(['read', 'write', 'exit', 'rt_sigreturn', 'sigreturn']);
    expect(p.rules[0].names).not.toContain('exit_group');
    expect(p.rules[0].comment).toMatch(/seccomp\(2\)/);
  });
});
