// The validate, convert and schema commands, run as a user would (the CLI bundle is built by the
// global setup).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/seccomp-kit');
const SPO = join(ROOT, 'test/fixtures/profiles/spo-multi.yaml');
const dir = mkdtempSync(join(tmpdir(), 'sk-profile-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, input, env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const BAD = '{\n  "defaultAction": "SCMP_ACT_ERRNO",\n  "syscalls": [\n    {"Names": ["read"], "action": "SCMP_ACT_ALOW", "arg": []}\n  ]\n}\n';

describe('validate', () => {
  it('prints one compiler-style line per problem and exits 1 on errors', () => {
    const p = file('bad.json', BAD);
    const r = run(['validate', p]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      `${p}:4:6: error: key 'Names' should be written 'names' [syscalls[0].names]`,
      `${p}:4:35: error: unknown action 'SCMP_ACT_ALOW'; did you mean 'SCMP_ACT_ALLOW'? [syscalls[0].action]`,
      `${p}:4:52: error: unknown key 'arg'; did you mean 'args'? [syscalls[0].arg]`,
    ]);
    expect(r.stdout).toBe(`${p}: invalid (docker; 3 errors)\n`);
    expect(r.stderr).not.toContain('\u001b[');
  });

  it('--compat docker turns Go-tolerated problems into warnings (exit 0 when only warnings remain)', () => {
    const p = file('compat.json', '{"DefaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "arg": []}]}');
    const r = run(['validate', '--compat', 'docker', p]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`${p}:1:2: warning: key 'DefaultAction' should be written 'defaultAction' [defaultAction]`);
    expect(r.stdout).toBe(`${p}: valid (docker; 2 warnings)\n`);
    expect(run(['validate', p]).status).toBe(1);
  });

  it('-v adds hints and the reference wording', () => {
    const p = file('range.json', '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": -1, "op": "SCMP_CMP_EQ"}]}]}');
    const r = run(['validate', '-v', '--dialect', 'docker', p]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('  note: Decoding seccomp profile failed: json: cannot unmarshal number -1 into Go struct field LinuxSeccompArg.syscalls.args.value of type uint64');
  });

  it('built-ins, several files, stdin and multi-document YAML', () => {
    const r = run(['validate', 'builtin:docker', 'builtin:podman', 'builtin:docker-2016', SPO]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`builtin:docker: valid (docker)\nbuiltin:podman: valid (podman)\nbuiltin:docker-2016: valid (docker-legacy)\n${SPO}: valid (2 profiles (spo))\n`);
    const stdin = run(['validate', '-'], '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}');
    expect(stdin.status).toBe(0);
    expect(stdin.stdout).toBe('<stdin>: valid (oci)\n');
    const empty = run(['validate', '-'], '{}');
    expect(empty.status).toBe(0);
    expect(empty.stderr).toBe('<stdin>:1:1: warning: this profile disables seccomp: no defaultAction and no syscalls (Docker, Podman and runc run the container unconfined)\n');
  });

  it('--json is machine-readable', () => {
    const p = file('bad2.json', BAD);
    const r = run(['validate', '--json', p, 'builtin:strict']);
    expect(r.status).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ valid: false, errors: 3, warnings: 0 });
    expect(j.files[0].diagnostics[0]).toMatchObject({ severity: 'error', code: 'key-case', source: { file: p, line: 4, column: 6, pointer: '/syscalls/0/names' } });
    expect(j.files[1]).toMatchObject({ file: 'builtin:strict', profiles: [{ dialect: 'docker', rules: 1, disablesSeccomp: false }], diagnostics: [] });
    expect(r.stderr).toBe('');
  });

  it('usage and input errors exit 2 with one line', () => {
    const missing = run(['validate', join(dir, 'nope.json')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^seccomp-kit: .*error: cannot read .*nope\.json: no such file\n$/);
    expect(run(['validate', '--dialect', 'dokcer', 'builtin:docker']).status).toBe(2);
    const unknown = run(['validate', 'builtin:dokcer']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown built-in profile 'dokcer'; did you mean 'builtin:docker'?");
  });
});

describe('convert', () => {
  it('writes another dialect; what is lost goes to stderr', () => {
    const r = run(['convert', 'builtin:docker', '--to', 'oci']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(doc.archMap).toBeUndefined();
    expect(r.stdout).not.toContain('"includes"');
    expect(r.stderr).toMatch(/^builtin:docker:\d+:\d+: warning: archMap dropped/m);
    expect(r.stderr).toMatch(/warning: includes dropped: the rule is written unconditionally/);
    const quiet = run(['convert', 'builtin:docker', '--to', 'oci', '-q']);
    expect(quiet.stderr).toBe('');
  });

  it('-o writes a file that validates in the target dialect', () => {
    const out = join(dir, 'strict.yaml');
    const r = run(['convert', 'builtin:strict', '--to', 'spo', '--metadata-name', 'strict-mode', '-o', out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^apiVersion: security-profiles-operator.x-k8s.io\/v1\nkind: SeccompProfile\nmetadata:\n {2}name: strict-mode\n/);
    const v = run(['validate', out]);
    expect(v.status).toBe(0);
    expect(v.stdout).toBe(`${out}: valid (spo)\n`);
  });

  it('refuses a profile with errors (exit 1) and needs --name for several profiles', () => {
    const p = file('bad3.json', BAD);
    const bad = run(['convert', p, '--to', 'docker']);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain(`${p}: not converted: 2 errors`);
    const many = run(['convert', SPO, '--to', 'docker']);
    expect(many.status).toBe(2);
    expect(many.stderr).toContain('holds 2 profiles; choose one with --name');
    const one = run(['convert', SPO, '--name', 'base', '--to', 'docker', '-q']);
    expect(one.status).toBe(0);
    expect(JSON.parse(one.stdout).syscalls[1].args[0].value).toBe(9223372036854775807);
    expect(one.stdout).toContain('"value": 9223372036854775807');
    expect(run(['convert', SPO, '--to', 'nope']).status).toBe(2);
  });

  it('--compat docker normalises key case and duplicates', () => {
    const p = file('dup.json', '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "Names": ["b"], "Action": "SCMP_ACT_ALLOW"}]}');
    const r = run(['convert', '--compat', 'docker', p, '--to', 'docker', '-q']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['b'], action: 'SCMP_ACT_ALLOW' }] });
  });
});

describe('schema', () => {
  it('prints the JSON Schema with exact integer limits', () => {
    const r = run(['schema', 'oci']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('"maximum": 18446744073709551615');
    const s = JSON.parse(r.stdout);
    expect(s.title).toBe('OCI runtime-spec linux.seccomp');
    expect(s.required).toEqual(['defaultAction']);
    expect(run(['schema', 'nope']).status).toBe(2);
  });
});

describe('--help', () => {
  for (const cmd of ['validate', 'convert', 'schema']) {
    it(`${cmd} --help shows examples`, () => {
      const r = run([cmd, '--help']);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('Examples:');
      expect(r.stdout).toContain(`$ seccomp-kit ${cmd}`);
    });
  }
});
