// Reading profiles: the parsing items of profiles.md §8 (1-12), dialect detection of every
// reference profile, positions checked by hand, YAML/SPO, OCI config.json, encodings and depth.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SeccompKitError } from '../../src/core/errors.js';
import { readProfile, readProfileOrThrow, detectDialect, parseJson } from '../../src/core/profile/index.js';
import type { Diagnostic, ReadResult } from '../../src/core/profile/index.js';

const root = join(import.meta.dirname, '../..');
const data = (f: string): string => readFileSync(join(root, 'data/profiles', f), 'utf8');
const fixture = (f: string): string => readFileSync(join(root, 'test/fixtures/profiles', f), 'utf8');

const errors = (r: ReadResult): Diagnostic[] => r.diagnostics.filter((d) => d.severity === 'error');
const warnings = (r: ReadResult): Diagnostic[] => r.diagnostics.filter((d) => d.severity === 'warning');
const codes = (ds: Diagnostic[]): string[] => ds.map((d) => d.code);

describe('reference profiles read cleanly in their detected dialect', () => {
  const cases: [string, string][] = [
    ['docker.json', 'docker'],
    ['docker-2017.json', 'docker'],
    ['docker-2016.json', 'docker-legacy'],
    ['podman.json', 'podman'],
    ['podman-2025-08.json', 'podman'],
    ['strict.json', 'docker'],
  ];
  for (const [file, dialect] of cases) {
    it(`${file} -> ${dialect}`, () => {
      const r = readProfile(data(file), { file });
      expect(r.detections.map((d) => d.dialect)).toEqual([dialect]);
      expect(errors(r)).toEqual([]);
      expect(warnings(r)).toEqual([]);
      expect(r.profile?.dialect).toBe(dialect);
      expect(r.profile?.rules.length).toBeGreaterThan(0);
      expect(r.profile?.disablesSeccomp).toBe(false);
    });
  }

  it('the moby default has the expected shape (33 rules, defaultErrnoRet 1, 9 archMap entries, clone3 -> ENOSYS)', () => {
    const p = readProfileOrThrow(data('docker.json'));
    expect(p.rules).toHaveLength(33);
    expect(p.defaultErrnoRet).toBe(1n);
    expect(p.archMap).toHaveLength(9);
    expect(p.archMap[7]).toEqual({ pointer: '/archMap/7', architecture: 'SCMP_ARCH_RISCV64', subArchitectures: [] });
    const clone3 = p.rules.find((r) => r.names.length === 1 && r.names[0] === 'clone3' && r.action === 'SCMP_ACT_ERRNO');
    expect(clone3?.errnoRet).toBe(38n);
    expect(clone3?.excludes?.caps).toEqual(['CAP_SYS_ADMIN']);
  });

  it('the Podman default keeps defaultErrno and per-rule errno names', () => {
    const p = readProfileOrThrow(data('podman.json'));
    expect(p.defaultErrno).toBe('ENOSYS');
    expect(p.defaultErrnoRet).toBe(38n);
    expect(p.rules[0].errno).toBe('EPERM');
    expect(p.rules[0].includes).toEqual({ pointer: '/syscalls/0/includes', caps: [], arches: [] });
  });

  it('the 2016 profile keeps legacy name rules and flat architectures', () => {
    const p = readProfileOrThrow(data('docker-2016.json'));
    expect(p.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    expect(p.rules[0]).toMatchObject({ name: 'accept', names: [], action: 'SCMP_ACT_ALLOW', args: [] });
    expect(p.rules.every((r) => r.nameConflict === undefined)).toBe(true);
  });
});

describe('positions (checked by hand)', () => {
  it('moby default: minKernel "4.8" is at line 436, column 18; its key at column 5', () => {
    const p = readProfileOrThrow(data('docker.json'), { file: 'default.json' });
    const rule = p.rules.find((r) => r.includes?.minKernel === '4.8');
    expect(rule).toBeDefined();
    const ptr = `${rule?.pointer}/includes/minKernel`;
    expect(p.sources[ptr]).toMatchObject({ file: 'default.json', line: 436, column: 18, pointer: ptr });
    expect(p.keySources?.[ptr]).toMatchObject({ line: 436, column: 5 });
  });

  it('an unknown key points at the key, with its field path', () => {
    const text = '{\n  "defaultAction": "SCMP_ACT_ERRNO",\n  "syscalls": [\n    {\n      "names": ["read"],\n      "action": "SCMP_ACT_ALLOW",\n      "arg": []\n    }\n  ]\n}\n';
    const r = readProfile(text, { file: 'p.json' });
    const d = errors(r);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ code: 'unknown-key', message: "unknown key 'arg'; did you mean 'args'?", source: { file: 'p.json', line: 7, column: 7, pointer: '/syscalls/0/arg' } });
    expect(r.profile?.sources['/syscalls/0/names/0']).toMatchObject({ line: 5, column: 17 });
    expect(r.profile?.sources['/syscalls/0/action']).toMatchObject({ line: 6, column: 17 });
  });

  it('YAML positions are absolute lines of the stream, document by document', () => {
    const r = readProfile(fixture('spo-multi.yaml'), { file: 'spo-multi.yaml' });
    const web = r.profiles.find((p) => p.spo?.name === 'web');
    expect(web?.document).toBe(2);
    expect(web?.root).toBe('/spec');
    // `  defaultAction: SCMP_ACT_LOG` of the third document
    const line = fixture('spo-multi.yaml').split('\n').findIndex((l) => l.includes('SCMP_ACT_LOG')) + 1;
    expect(web?.sources['/spec/defaultAction']).toMatchObject({ line, column: 18 });
  });
});

describe('§8 parsing items', () => {
  it('1: {}, {"defaultAction": ""} and {"syscalls": []} disable seccomp (marked, warned)', () => {
    for (const t of ['{}', '{"defaultAction": ""}', '{"syscalls": []}']) {
      const r = readProfile(t);
      expect(r.profile?.disablesSeccomp).toBe(true);
      expect(codes(r.diagnostics)).toEqual(['seccomp-disabled']);
      expect(errors(r)).toEqual([]);
    }
    expect(readProfile('{}').profile?.defaultActionMissing).toBe(true);
    expect(readProfile('{"defaultAction": ""}').profile?.defaultActionMissing).toBe(false);
    // a rule, even without a default action, does not disable it
    expect(readProfile('{"syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}').profile?.disablesSeccomp).toBe(false);
  });

  it('2: case-insensitive keys load with --compat docker (warnings), are errors in strict mode, same model', () => {
    const t = '{"DefaultAction": "SCMP_ACT_ERRNO", "Syscalls": [{"Names": ["read"], "Action": "SCMP_ACT_ALLOW"}]}';
    const compat = readProfile(t, { compat: 'docker' });
    expect(errors(compat)).toEqual([]);
    expect(codes(warnings(compat))).toEqual(['key-case', 'key-case', 'key-case', 'key-case']);
    expect(compat.profile?.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(compat.profile?.rules[0]).toMatchObject({ names: ['read'], action: 'SCMP_ACT_ALLOW' });
    const strict = readProfile(t);
    expect(codes(errors(strict))).toEqual(['key-case', 'key-case', 'key-case', 'key-case']);
    expect(strict.profile?.rules[0].names).toEqual(['read']);
    expect(errors(strict)[0].message).toBe("key 'DefaultAction' should be written 'defaultAction'");
  });

  it('3: duplicate keys: last wins ({"names": ["a"], "Names": ["b"]} -> ["b"])', () => {
    const t = '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "Names": ["b"], "action": "SCMP_ACT_ALLOW"}]}';
    const r = readProfile(t, { compat: 'docker' });
    expect(r.profile?.rules[0].names).toEqual(['b']);
    expect(codes(warnings(r))).toEqual(['key-case', 'duplicate-key']);
    expect(warnings(r)[1].related).toMatchObject({ line: 1, column: 51 });
    expect(codes(errors(readProfile(t)))).toEqual(['key-case', 'duplicate-key']);
  });

  it('3 (errata): duplicate object keys merge field by field; "minKernel": "" does not reset an earlier value', () => {
    const t = `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW",
      "includes": {"caps": ["CAP_A"], "minKernel": "4.8"}, "includes": {"arches": ["amd64"], "minKernel": ""}}]}`;
    const r = readProfile(t, { compat: 'docker' });
    expect(r.profile?.rules[0].includes).toMatchObject({ caps: ['CAP_A'], arches: ['amd64'], minKernel: '4.8' });
    // scalars and string arrays are replaced; null resets a pointer
    const t2 = '{"defaultAction": "X", "defaultAction": "SCMP_ACT_LOG", "architectures": ["A", "B"], "architectures": ["C"], "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_A"]}, "includes": null}]}';
    const p2 = readProfile(t2, { compat: 'docker' }).profile;
    expect(p2?.defaultAction).toBe('SCMP_ACT_LOG');
    expect(p2?.architectures).toEqual(['C']);
    expect(p2?.rules[0].includes).toBeUndefined();
  });

  it('3: a duplicated array of objects decodes into the earlier elements (Go reuses slice elements)', () => {
    const t = '{"syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW"}, {"names": ["b"], "action": "SCMP_ACT_LOG"}], "syscalls": [{"names": ["c"]}]}';
    const p = readProfile(t, { compat: 'docker' }).profile;
    expect(p?.rules).toHaveLength(1);
    expect(p?.rules[0]).toMatchObject({ names: ['c'], action: 'SCMP_ACT_ALLOW' });
  });

  it('4: "arg" is an unknown key (the rule becomes unconditional); "errno" is ignored by Docker, read by Podman', () => {
    const t = '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["socket"], "action": "SCMP_ACT_ALLOW", "arg": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]}]}';
    const compat = readProfile(t, { compat: 'docker' });
    expect(compat.profile?.rules[0].args).toEqual([]);
    expect(warnings(compat)[0]).toMatchObject({ code: 'unknown-key', message: "unknown key 'arg'; did you mean 'args'?" });
    const errnoText = '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errno": "ENOSYS"}]}';
    const podman = readProfile(errnoText);
    expect(podman.profile?.dialect).toBe('podman');
    expect(podman.profile?.rules[0].errno).toBe('ENOSYS');
    const docker = readProfile(errnoText, { dialect: 'docker', compat: 'docker' });
    expect(docker.profile?.rules[0].errno).toBeUndefined();
    expect(warnings(docker)[0].code).toBe('unknown-key');
    expect(warnings(docker)[0].hint).toMatch(/Podman/);
  });

  it('5: "args": null, "args": [] and no args are equivalent', () => {
    const models = ['"args": null,', '"args": [],', ''].map((a) => {
      const r = readProfile(`{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{${a} "names": ["read"], "action": "SCMP_ACT_ALLOW"}]}`);
      expect(r.diagnostics).toEqual([]);
      return r.profile?.rules[0].args;
    });
    expect(models).toEqual([[], [], []]);
  });

  it('6: uint64 max round-trips exactly; -1, 1.5, 1.0, 1e3, "5" and 2^64 are errors with Go wording', () => {
    const arg = (v: string) => `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": ${v}, "op": "SCMP_CMP_EQ"}]}]}`;
    const ok = readProfile(arg('18446744073709551615'));
    expect(ok.diagnostics).toEqual([]);
    expect(ok.profile?.rules[0].args[0].value).toBe(18446744073709551615n);
    const expectations: [string, string, string][] = [
      ['-1', 'range', 'json: cannot unmarshal number -1 into Go struct field LinuxSeccompArg.syscalls.args.value of type uint64'],
      ['1.5', 'type', 'json: cannot unmarshal number 1.5 into Go struct field LinuxSeccompArg.syscalls.args.value of type uint64'],
      ['1.0', 'type', 'json: cannot unmarshal number 1.0 into Go struct field LinuxSeccompArg.syscalls.args.value of type uint64'],
      ['1e3', 'type', 'json: cannot unmarshal number 1e3 into Go struct field LinuxSeccompArg.syscalls.args.value of type uint64'],
      ['"5"', 'type', 'json: cannot unmarshal string into Go struct field LinuxSeccompArg.syscalls.args.value of type uint64'],
      ['18446744073709551616', 'range', 'json: cannot unmarshal number 18446744073709551616 into Go struct field LinuxSeccompArg.syscalls.args.value of type uint64'],
      ['-0', 'type', 'json: cannot unmarshal number -0 into Go struct field LinuxSeccompArg.syscalls.args.value of type uint64'],
    ];
    for (const [v, code, note] of expectations) {
      for (const compat of ['strict', 'docker'] as const) {
        const r = readProfile(arg(v), { dialect: 'docker', compat });
        expect(errors(r), v).toHaveLength(1);
        expect(errors(r)[0]).toMatchObject({ code, note: `Decoding seccomp profile failed: ${note}`, source: { pointer: '/syscalls/0/args/0/value', line: 1 } });
      }
    }
  });

  it('6: each dialect enforces its own integer limits', () => {
    // OCI/Docker errnoRet is uint32 in the schema; Go's uint takes more (compat: warning, value kept)
    const big = '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO", "errnoRet": 4294967296}]}';
    expect(codes(errors(readProfile(big, { dialect: 'docker' })))).toEqual(['range']);
    const compat = readProfile(big, { dialect: 'docker', compat: 'docker' });
    expect(errors(compat)).toEqual([]);
    expect(compat.profile?.rules[0].errnoRet).toBe(4294967296n);
    // SPO: int64 >= 0 values, int32 >= 0 errnoRet and index
    const spo = (rule: string) => `apiVersion: security-profiles-operator.x-k8s.io/v1\nkind: SeccompProfile\nmetadata: {name: x}\nspec:\n  defaultAction: SCMP_ACT_ERRNO\n  syscalls:\n  - ${rule}\n`;
    expect(errors(readProfile(spo('{names: [a], action: SCMP_ACT_ALLOW, args: [{index: 0, value: 9223372036854775807, op: SCMP_CMP_EQ}]}')))).toEqual([]);
    expect(codes(errors(readProfile(spo('{names: [a], action: SCMP_ACT_ALLOW, args: [{index: 0, value: 9223372036854775808, op: SCMP_CMP_EQ}]}'))))).toEqual(['range']);
    expect(codes(errors(readProfile(spo('{names: [a], action: SCMP_ACT_ERRNO, errnoRet: -1}'))))).toEqual(['range']);
    expect(codes(errors(readProfile(spo('{names: [a], action: SCMP_ACT_ERRNO, errnoRet: 2147483648}'))))).toEqual(['range']);
    expect(codes(errors(readProfile(spo('{names: [a], action: SCMP_ACT_ALLOW, args: [{index: -1, op: SCMP_CMP_EQ}]}'))))).toEqual(['range']);
    const seven = Array.from({ length: 7 }, (_, i) => `{index: ${i % 6}, value: 1, op: SCMP_CMP_EQ}`).join(', ');
    expect(codes(errors(readProfile(spo(`{names: [a], action: SCMP_ACT_ALLOW, args: [${seven}]}`))))).toEqual(['max-items']);
    expect(codes(errors(readProfile(spo('{names: [], action: SCMP_ACT_ALLOW}'))))).toEqual(['min-items']);
  });

  it('7: name and names: Docker >= 23 fails even for an excluded rule; Podman defers (flag + warning, old wording)', () => {
    const t = (extra: string) => `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"name": "a", "names": ["b"], "action": "SCMP_ACT_ALLOW", "excludes": {"caps": ["CAP_SYS_ADMIN"]}${extra}}]}`;
    const docker = readProfile(t(''), { dialect: 'docker' });
    expect(errors(docker)).toHaveLength(1);
    expect(errors(docker)[0]).toMatchObject({ code: 'name-and-names', message: "both 'name' and 'names' are specified in the seccomp profile, use either 'name' or 'names'", source: { pointer: '/syscalls/0/name', line: 1, column: 51 } });
    expect(docker.profile?.rules[0].nameConflict).toBe(true);
    const podman = readProfile(t(', "errno": "EPERM"'));
    expect(podman.profile?.dialect).toBe('podman');
    expect(errors(podman)).toEqual([]);
    expect(warnings(podman)[0]).toMatchObject({ code: 'name-and-names', note: "'name' and 'names' were specified in the seccomp profile, use either 'name' or 'names'" });
    expect(podman.profile?.rules[0].nameConflict).toBe(true);
    expect(readProfile(t(''), { dialect: 'docker-legacy' }).profile?.rules[0].nameConflict).toBe(true);
    expect(errors(readProfile(t(''), { dialect: 'docker-legacy' }))).toEqual([]);
  });

  it('8: names [] and names [""] read without errors (runtime matters: see validate)', () => {
    for (const n of ['[]', '[""]']) {
      const r = readProfile(`{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ${n}, "action": "SCMP_ACT_ALLOW"}]}`, { dialect: 'docker' });
      expect(r.diagnostics).toEqual([]);
    }
  });

  it('9: architectures + archMap is an error with moby\'s text (Podman: the old text); archMap alone is fine', () => {
    const t = '{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86"], "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"]}], "syscalls": []}';
    const r = readProfile(t);
    expect(errors(r)).toHaveLength(1);
    expect(errors(r)[0]).toMatchObject({ code: 'architectures-and-archmap', message: "both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'", source: { pointer: '/archMap' } });
    const p = readProfile(t, { dialect: 'podman' });
    expect(errors(p)[0].message).toBe("'architectures' and 'archMap' were specified in the seccomp profile, use either 'architectures' or 'archMap'");
    expect(readProfile('{"defaultAction": "SCMP_ACT_ERRNO", "archMap": [{"architecture": "SCMP_ARCH_PPC"}], "syscalls": []}').diagnostics).toEqual([]);
  });

  it('11: "syscalls": [null] is rejected cleanly (moby would crash)', () => {
    const r = readProfile('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [null]}');
    expect(errors(r)).toHaveLength(1);
    expect(errors(r)[0]).toMatchObject({ code: 'null-element', source: { pointer: '/syscalls/0', line: 1, column: 50 } });
    expect(r.profile?.rules).toEqual([]);
    expect(r.profile?.disablesSeccomp).toBe(false);
    expect(errors(readProfile('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "args": [null]}]}'))[0].code).toBe('null-element');
  });

  it('12: a top-level array explains with Go\'s "cannot unmarshal array into Go value of type seccomp.Seccomp"', () => {
    const r = readProfile('[{"defaultAction": "SCMP_ACT_ERRNO"}]');
    expect(r.profiles).toEqual([]);
    expect(errors(r)).toHaveLength(1);
    expect(errors(r)[0].note).toBe('Decoding seccomp profile failed: json: cannot unmarshal array into Go value of type seccomp.Seccomp');
    expect(errors(r)[0].message).toMatch(/must be an object, found an array/);
    expect(readProfile('"/etc/profile.json"').diagnostics[0].note).toMatch(/cannot unmarshal string into Go value of type seccomp.Seccomp/);
    expect(readProfile('[1]', { dialect: 'podman' }).diagnostics[0].note).toBe('decoding seccomp profile failed: json: cannot unmarshal array into Go value of type seccomp.Seccomp');
  });

  it('trailing garbage and comments are syntax errors with a position and Go\'s wording', () => {
    const trailing = readProfile('{"defaultAction": "SCMP_ACT_ERRNO"}\n}');
    expect(errors(trailing)[0]).toMatchObject({ code: 'syntax', source: { line: 2, column: 1 }, note: "invalid character '}' after top-level value" });
    const comment = readProfile('{\n  // allow everything\n  "defaultAction": "SCMP_ACT_ALLOW"\n}', { file: 'c.json' });
    expect(errors(comment)[0]).toMatchObject({ code: 'syntax', source: { file: 'c.json', line: 2, column: 3 }, note: "invalid character '/' looking for beginning of object key string" });
    expect(errors(comment)[0].message).toMatch(/comments are not allowed/);
    const leading = readProfile('// seccomp profile\n{"defaultAction": "SCMP_ACT_ERRNO"}');
    expect(leading.format).toBe('json');
    expect(errors(leading)[0]).toMatchObject({ code: 'syntax', source: { line: 1, column: 1 }, note: "invalid character '/' looking for beginning of value" });
    const trailingComma = readProfile('{"syscalls": [1,]}');
    expect(errors(trailingComma)[0].note).toBe("invalid character ']' looking for beginning of value");
    expect(errors(readProfile('{"a": "b"'))[0].note).toBe('unexpected end of JSON input');
    expect(errors(readProfile(''))[0]).toMatchObject({ code: 'syntax', source: { line: 1, column: 1 } });
  });

  it('invalid UTF-8 becomes U+FFFD with a warning at the bad byte', () => {
    const bytes = new TextEncoder().encode('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["rea?"], "action": "SCMP_ACT_ALLOW"}]}');
    const at = bytes.indexOf(0x3f);
    bytes[at] = 0xff;
    const r = readProfile(bytes);
    expect(errors(r)).toEqual([]);
    expect(warnings(r)[0]).toMatchObject({ code: 'encoding', source: { line: 1, column: at + 1 } });
    expect(r.profile?.rules[0].names).toEqual(['rea\ufffd']);
    // an unpaired surrogate escape is also U+FFFD (Go), with a warning
    const s = readProfile('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["\\ud800x"], "action": "SCMP_ACT_ALLOW"}]}');
    expect(s.profile?.rules[0].names).toEqual(['\ufffdx']);
    expect(codes(warnings(s))).toEqual(['encoding']);
  });

  it('a byte order mark is a syntax error for JSON (Go rejects it)', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{}')]);
    expect(errors(readProfile(bytes))[0]).toMatchObject({ code: 'syntax', source: { line: 1, column: 1 } });
  });

  it('null where a string is expected is "unchanged" (warning); top-level null is an empty profile', () => {
    const r = readProfile('{"defaultAction": null, "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW"}]}', { dialect: 'docker' });
    expect(codes(r.diagnostics)).toEqual(['null-value']);
    expect(r.profile?.defaultActionMissing).toBe(true);
    const n = readProfile('null');
    expect(n.profile?.disablesSeccomp).toBe(true);
  });

  it('wrong JSON types name the Go path', () => {
    const r = readProfile('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": "read", "action": "SCMP_ACT_ALLOW"}]}', { dialect: 'docker' });
    expect(errors(r)[0]).toMatchObject({ code: 'type', message: 'expected an array, found a string ("read")', note: 'Decoding seccomp profile failed: json: cannot unmarshal string into Go struct field Syscall.syscalls.names of type []string' });
    const top = readProfile('{"syscalls": {}}', { dialect: 'docker' });
    expect(errors(top)[0].note).toBe('Decoding seccomp profile failed: json: cannot unmarshal object into Go struct field Seccomp.syscalls of type []*seccomp.Syscall');
  });

  it('nesting: 10,000 levels parse (Go\'s limit), deeper is an error, nothing overflows the stack', () => {
    const ok = readProfile('['.repeat(10000) + ']'.repeat(10000));
    expect(codes(errors(ok))).toEqual(['top-level']);
    const deep = readProfile('{"a":'.repeat(200000) + '1' + '}'.repeat(200000));
    expect(errors(deep)[0]).toMatchObject({ code: 'syntax', note: "invalid character '{' exceeded max depth" });
    const deepYaml = readProfile('- '.repeat(20000) + 'x', { format: 'yaml' });
    expect(errors(deepYaml).length).toBeGreaterThan(0);
    const deepFlow = readProfile('a: ' + '['.repeat(5000) + ']'.repeat(5000), { format: 'yaml' });
    expect(errors(deepFlow).length).toBeGreaterThan(0);
    const deepUnknown = readProfile(`{"defaultAction": "SCMP_ACT_ERRNO", "x": ${'['.repeat(9000)}${']'.repeat(9000)}}`, { compat: 'docker' });
    expect(codes(deepUnknown.diagnostics)).toEqual(['unknown-key']);
  });

  it('the JSON parser keeps the literal of every number', () => {
    const r = parseJson('[18446744073709551615, -0, 1.50, 1E+3]');
    expect(r.node?.kind === 'array' && r.node.items.map((n) => (n.kind === 'number' ? [n.raw, n.int] : null))).toEqual([
      ['18446744073709551615', 18446744073709551615n],
      ['-0', 0n],
      ['1.50', undefined],
      ['1E+3', undefined],
    ]);
  });
});

describe('dialect detection and pinning', () => {
  it('follows the documented heuristic', () => {
    const d = (t: string) => {
      const r = parseJson(t);
      if (!r.node) throw new Error(t);
      return detectDialect(r.node).dialect;
    };
    expect(d('{"apiVersion": "x", "kind": "SeccompProfile"}')).toBe('spo');
    expect(d('{"ociVersion": "1.0.2"}')).toBe('oci');
    expect(d('{"linux": {"seccomp": {}}}')).toBe('oci');
    expect(d('{"defaultErrno": "ENOSYS"}')).toBe('podman');
    expect(d('{"syscalls": [{"names": ["a"], "errno": "EPERM"}]}')).toBe('podman');
    expect(d('{"archMap": []}')).toBe('docker');
    expect(d('{"syscalls": [{"names": ["a"], "comment": ""}]}')).toBe('docker');
    expect(d('{"architectures": ["SCMP_ARCH_X86"], "syscalls": [{"name": "a", "action": "SCMP_ACT_ALLOW"}]}')).toBe('docker-legacy');
    expect(d('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "args": []}]}')).toBe('oci');
    expect(d('{}')).toBe('docker');
    expect(d('{"defaultAction": "SCMP_ACT_ERRNO"}')).toBe('docker');
    expect(d('{"DefaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW"}]}')).toBe('docker');
  });

  it('a pinned dialect wins over detection', () => {
    const t = '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_X"]}}]}';
    expect(readProfile(t).profile?.dialect).toBe('docker');
    const oci = readProfile(t, { dialect: 'oci' });
    expect(oci.profile?.dialect).toBe('oci');
    expect(oci.detections[0].reason).toBe('pinned');
    expect(errors(oci)[0]).toMatchObject({ code: 'unknown-key', source: { pointer: '/syscalls/0/includes' } });
    expect(errors(oci)[0].hint).toMatch(/containerd/);
  });
});

describe('OCI config.json and SPO objects', () => {
  it('reads linux.seccomp out of a whole config.json (other keys ignored)', () => {
    const r = readProfile(fixture('oci-config.json'), { file: 'config.json' });
    expect(r.diagnostics).toEqual([]);
    expect(r.profile).toMatchObject({ dialect: 'oci', root: '/linux/seccomp', defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1n, flags: ['SECCOMP_FILTER_FLAG_SPEC_ALLOW'] });
    expect(r.profile?.rules[1].args[0]).toMatchObject({ pointer: '/linux/seccomp/syscalls/1/args/0', index: 0n, value: 18446744073709551615n, valueTwo: 0n, op: 'SCMP_CMP_MASKED_EQ' });
    const none = readProfile('{"ociVersion": "1.0.2", "linux": {}}');
    expect(codes(errors(none))).toEqual(['no-profile']);
  });

  it('OCI requires defaultAction, names (>= 1), action and the arg fields', () => {
    const r = readProfile('{"linux": {"seccomp": {"syscalls": [{"names": [], "args": [{"op": "SCMP_CMP_EQ"}]}]}}}');
    expect(errors(r).map((d) => `${d.code} ${d.source.pointer}`)).toEqual([
      'required /linux/seccomp/defaultAction',
      'required /linux/seccomp/syscalls/0/action',
      'min-items /linux/seccomp/syscalls/0/names',
      'required /linux/seccomp/syscalls/0/args/0/index',
      'required /linux/seccomp/syscalls/0/args/0/value',
    ]);
  });

  it('multi-document YAML: every SeccompProfile (v1 and v1beta1) is a profile, other kinds are skipped', () => {
    const r = readProfile(fixture('spo-multi.yaml'), { file: 'spo-multi.yaml' });
    expect(errors(r)).toEqual([]);
    expect(r.profiles.map((p) => [p.spo?.name, p.spo?.apiVersion, p.dialect])).toEqual([
      ['base', 'security-profiles-operator.x-k8s.io/v1', 'spo'],
      ['web', 'security-profiles-operator.x-k8s.io/v1beta1', 'spo'],
    ]);
    expect(r.profile).toBeUndefined();
    expect(codes(r.diagnostics)).toEqual(['skipped-document']);
    const base = r.profiles[0];
    expect(base.spo).toMatchObject({ namespace: 'security-profiles-operator', labels: { app: 'base' }, state: 'Enabled', disabled: false });
    expect(base.rules[1].args[0]).toMatchObject({ index: 0n, value: 9223372036854775807n, op: 'SCMP_CMP_LE' });
    expect(r.profiles[1].spo?.disabled).toBe(true);
    const one = readProfile(fixture('spo-multi.yaml'), { name: 'web' });
    expect(one.profile?.spo?.name).toBe('web');
    const missing = readProfile(fixture('spo-multi.yaml'), { name: 'wbe' });
    expect(errors(missing)[0].message).toBe("no profile named 'wbe'; did you mean 'web'?");
    expect(() => readProfileOrThrow(fixture('spo-multi.yaml'))).toThrow(/2 profiles found \(base, web\)/);
  });

  it('SPO enums, the listenerPath pattern and required fields are checked on read', () => {
    const t = 'apiVersion: security-profiles-operator.x-k8s.io/v1\nkind: SeccompProfile\nmetadata:\n  name: x\nspec:\n  defaultAction: SCMP_ACT_ERRNOO\n  listenerPath: /tmp/sock\n  architectures: [SCMP_ARCH_LOONGARCH64]\n  syscalls:\n  - names: [read]\n';
    const r = readProfile(t);
    expect(errors(r).map((d) => `${d.code} ${d.source.line}:${d.source.column}`)).toEqual(['enum 6:18', 'pattern 7:17', 'enum 8:19', 'required 10:5']);
    expect(errors(r)[0].message).toBe("unknown action 'SCMP_ACT_ERRNOO'; did you mean 'SCMP_ACT_ERRNO'?");
    expect(codes(errors(readProfile('apiVersion: security-profiles-operator.x-k8s.io/v1\nkind: SeccompProfile\nspec:\n  defaultAction: SCMP_ACT_LOG\n  defaultErrnoRet: 1\n')))).toEqual(['unknown-key']);
  });

  it('a List of SeccompProfiles (kubectl get -o yaml) yields each item', () => {
    const t = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: security-profiles-operator.x-k8s.io/v1\n  kind: SeccompProfile\n  metadata: {name: a}\n  spec: {defaultAction: SCMP_ACT_LOG}\n- apiVersion: v1\n  kind: ConfigMap\n';
    const r = readProfile(t);
    expect(r.profiles.map((p) => [p.spo?.name, p.root])).toEqual([['a', '/items/0/spec']]);
    expect(codes(r.diagnostics)).toEqual(['skipped-document']);
  });

  it('YAML syntax errors have positions; a Docker profile written as YAML reads too', () => {
    const bad = readProfile('a: [1, 2\nb: }', { format: 'yaml' });
    expect(errors(bad).length).toBeGreaterThan(0);
    expect(bad.profiles).toEqual([]);
    const y = readProfile('defaultAction: SCMP_ACT_ERRNO\nsyscalls:\n  - names: [read]\n    action: SCMP_ACT_ALLOW\n    args: [{index: 0, value: 0x10, op: SCMP_CMP_EQ}]\n');
    expect(y.format).toBe('yaml');
    expect(y.diagnostics).toEqual([]);
    expect(y.profile?.rules[0].args[0].value).toBe(16n);
  });
});

describe('readProfileOrThrow', () => {
  it('throws SeccompKitError(parse) with the first error and its position', () => {
    try {
      readProfileOrThrow('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "Action": "X"}]}', { file: 'p.json' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SeccompKitError);
      const err = e as SeccompKitError;
      expect(err.code).toBe('parse');
      expect(err.location()).toBe('p.json:1:67: ');
      expect(err.message).toBe("key 'Action' should be written 'action'");
    }
    expect(readProfileOrThrow('{"Action": 1}', { compat: 'docker' }).rules).toEqual([]);
  });
});
