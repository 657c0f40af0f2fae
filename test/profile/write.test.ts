// Writing: round trips for every reference profile, stable output, conversions and their warnings.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertProfile, readProfile, readProfileOrThrow, writeProfile, DIALECTS, loadBuiltin, toJsonText } from '../../src/core/profile/index.js';
import type { Dialect, Profile } from '../../src/core/profile/index.js';

const root = join(import.meta.dirname, '../..');
const data = (f: string): string => readFileSync(join(root, 'data/profiles', f), 'utf8');
const fixture = (f: string): string => readFileSync(join(root, 'test/fixtures/profiles', f), 'utf8');

/** The model without positions (they depend on layout). */
function comparable(p: Profile): unknown {
  const { sources: _s, keySources: _k, file: _f, document: _d, ...rest } = p;
  return rest;
}

const REFERENCES = ['docker.json', 'docker-2017.json', 'docker-2016.json', 'podman.json', 'podman-2025-08.json', 'strict.json'];

describe('round trips', () => {
  for (const f of REFERENCES) {
    it(`${f}: read -> write -> read gives an equal model; write -> read -> write is byte-identical`, () => {
      const p = readProfileOrThrow(data(f));
      const out = convertProfile(p, p.dialect);
      expect(out.warnings).toEqual([]);
      const again = readProfile(out.text, { dialect: p.dialect });
      expect(again.diagnostics).toEqual([]);
      expect(again.profile && comparable(again.profile)).toEqual(comparable(p));
      expect(writeProfile(again.profile as Profile, p.dialect)).toBe(out.text);
      // detection agrees with the written dialect too
      expect(readProfile(out.text).profile?.dialect).toBe(p.dialect);
    });
  }

  for (const target of DIALECTS) {
    it(`every reference converts to ${target} and reads back without errors, stably`, () => {
      for (const f of REFERENCES) {
        const p = readProfileOrThrow(data(f));
        const text = writeProfile(p, target);
        const r = readProfile(text, { dialect: target });
        expect(r.diagnostics.filter((d) => d.severity === 'error'), `${f} -> ${target}`).toEqual([]);
        expect(writeProfile(r.profile as Profile, target)).toBe(text);
      }
    });
  }

  it('SPO and OCI config documents round-trip too', () => {
    for (const p of readProfile(fixture('spo-multi.yaml')).profiles) {
      const text = writeProfile(p, 'spo');
      const again = readProfile(text);
      expect(again.diagnostics).toEqual([]);
      expect(comparable(again.profile as Profile)).toEqual(comparable(p));
      expect(writeProfile(again.profile as Profile, 'spo')).toBe(text);
    }
    const oci = readProfileOrThrow(fixture('oci-config.json'));
    const text = writeProfile(oci, 'oci');
    expect(text).toContain('"value": 18446744073709551615');
    const back = readProfileOrThrow(text);
    expect(back.root).toBe('');
    expect(back.rules[1].args[0].value).toBe(18446744073709551615n);
  });
});

describe('layout', () => {
  it('stable key order and exact uint64 values', () => {
    const p = readProfileOrThrow('{"syscalls": [{"args": [{"op": "SCMP_CMP_EQ", "value": 18446744073709551615, "index": 1}], "action": "SCMP_ACT_ALLOW", "names": ["a"]}], "defaultAction": "SCMP_ACT_ERRNO"}');
    expect(writeProfile(p, 'docker')).toBe(
      '{\n  "defaultAction": "SCMP_ACT_ERRNO",\n  "syscalls": [\n    {\n      "names": [\n        "a"\n      ],\n      "action": "SCMP_ACT_ALLOW",\n      "args": [\n        {\n          "index": 1,\n          "value": 18446744073709551615,\n          "op": "SCMP_CMP_EQ"\n        }\n      ]\n    }\n  ]\n}\n',
    );
    expect(writeProfile(p, 'docker', { indent: '\t' })).toContain('\n\t"defaultAction"');
    expect(toJsonText({ a: [], b: {}, c: 'x"y' })).toBe('{\n  "a": [],\n  "b": {},\n  "c": "x\\"y"\n}\n');
  });

  it('SPO output is YAML a Kubernetes API server reads (YAML 1.1 ambiguities quoted)', () => {
    const p = readProfileOrThrow('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["yes", "on", "read"], "action": "SCMP_ACT_ALLOW"}]}');
    const text = writeProfile(p, 'spo', { name: 'x' });
    expect(text).toBe(
      'apiVersion: security-profiles-operator.x-k8s.io/v1\nkind: SeccompProfile\nmetadata:\n  name: x\nspec:\n  defaultAction: SCMP_ACT_ERRNO\n  syscalls:\n    - names:\n        - "yes"\n        - "on"\n        - read\n      action: SCMP_ACT_ALLOW\n',
    );
    expect(writeProfile(p, 'spo', { format: 'json' })).toMatch(/^\{\n {2}"apiVersion"/);
  });
});

describe('conversions say what the target cannot express', () => {
  const codes = (p: Profile, d: Dialect) => convertProfile(p, d).warnings.map((w) => `${w.code} ${w.source.pointer ?? ''}`);

  it('Docker -> SPO: defaultErrnoRet, archMap, includes/excludes, errnoRet 0, values > 2^63-1', () => {
    const p = readProfileOrThrow(
      '{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"]}], "syscalls": [' +
        '{"names": ["a"], "action": "SCMP_ACT_ERRNO", "errnoRet": 0},' +
        '{"names": ["b"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 9223372036854775808, "op": "SCMP_CMP_EQ"}]},' +
        '{"names": ["c"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}, "excludes": {"minKernel": "5.8"}}]}',
    );
    expect(codes(p, 'spo')).toEqual([
      'inexpressible /defaultErrnoRet',
      'inexpressible /archMap',
      'inexpressible /syscalls/2/includes',
      'inexpressible /syscalls/2/excludes',
      'inexpressible /syscalls/0/errnoRet',
      'inexpressible /syscalls/1/args/0/value',
    ]);
    // the value that SPO cannot hold is written as is, and the API server (like our reader) rejects it
    const back = readProfile(writeProfile(p, 'spo'));
    expect(back.diagnostics.map((d) => `${d.code} ${d.source.pointer}`)).toEqual(['range /spec/syscalls/1/args/0/value']);
    const spo = back.profile as Profile;
    expect(spo.rules[0].errnoRet).toBeUndefined();
    expect(spo.defaultErrnoRet).toBeUndefined();
    expect(spo.rules[2].includes).toBeUndefined();
    expect(codes(p, 'oci')).toEqual(['inexpressible /archMap', 'inexpressible /syscalls/2/includes', 'inexpressible /syscalls/2/excludes']);
    expect(codes(p, 'podman')).toEqual(['inexpressible /syscalls/2/excludes/minKernel']);
    expect(codes(p, 'docker')).toEqual([]);
  });

  it('Podman -> Docker/OCI: errno names become errnoRet numbers', () => {
    const p = loadBuiltin('podman');
    const out = convertProfile(p, 'docker');
    expect(out.warnings[0]).toMatchObject({ code: 'converted', message: 'defaultErrno "ENOSYS" written as its number 38 (Docker ignores errno names)' });
    const d = readProfileOrThrow(out.text);
    expect(d.dialect).toBe('docker');
    expect(d.defaultErrnoRet).toBe(38n);
    expect(d.rules[0].errnoRet).toBe(1n);
    expect(d.rules.every((r) => r.errno === undefined)).toBe(true);
  });

  it('legacy name rules become names for OCI; a rule with no name warns', () => {
    const p = loadBuiltin('docker-2016');
    const oci = readProfileOrThrow(writeProfile(p, 'oci'));
    expect(oci.rules[0].names).toEqual(['accept']);
    const none = readProfileOrThrow('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": [], "action": "SCMP_ACT_ALLOW"}]}', { dialect: 'docker' });
    expect(codes(none, 'oci')).toEqual(['inexpressible /syscalls/0']);
  });

  it('SPO -> Docker drops the Kubernetes metadata (warned)', () => {
    const p = readProfile(fixture('spo-multi.yaml'), { name: 'base' }).profile as Profile;
    expect(codes(p, 'docker')).toEqual(['inexpressible /spec']);
    const d = readProfileOrThrow(writeProfile(p, 'docker'));
    expect(d.rules[1].args[0].value).toBe(9223372036854775807n);
  });

  it('writeProfile collects warnings into opts.warnings', () => {
    const w: import('../../src/core/profile/index.js').Diagnostic[] = [];
    writeProfile(loadBuiltin('docker'), 'oci', { warnings: w });
    expect(w.length).toBeGreaterThan(10);
    expect(w.every((x) => x.source.file === 'builtin:docker' || x.severity === 'info')).toBe(true);
  });
});
