// The resolve and check commands, run as a user would (the CLI bundle is built by the global setup).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/seccomp-kit');
const dir = mkdtempSync(join(tmpdir(), 'sk-resolve-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, input, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, doc: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
  return p;
}

/** A fixed context so that results do not depend on the machine running the tests. */
const CTX = ['--arch', 'amd64', '--kernel', '6.18'];

describe('check', () => {
  it("defaults to Docker's built-in profile and summarises it", () => {
    const r = run(['check', ...CTX]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('builtin:docker');
    expect(r.stdout).toMatch(/architectures\s+x86_64 \(native\), x86, x32/);
    expect(r.stdout).toMatch(/rules\s+33 in the profile: 15 applied, 18 not applied/);
    expect(r.stdout).toMatch(/13\s+capability conditions not met/);
    expect(r.stdout).toMatch(/x86_64\s+385\s+306\s+3\s+76/);
    expect(r.stdout).toContain('seccomp-kit resolve builtin:docker');
  });
  it('runs on this machine without options', () => {
    const r = run(['check']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('architectures');
  });
  it('--json gives the summary', () => {
    const r = run(['check', ...CTX, '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { ok: boolean; rulesKept: number; abis: { abi: string; conditional: number }[]; context: { runtime: string } };
    expect(j.ok).toBe(true);
    expect(j.rulesKept).toBe(15);
    expect(j.abis.map((a) => a.abi)).toEqual(['x86_64', 'x86', 'x32']);
    expect(j.context.runtime).toBe('runc');
  });
  it('--cap-add changes what applies', () => {
    const r = run(['check', ...CTX, '--cap-add', 'SYS_ADMIN', '--json']);
    // +1 the CAP_SYS_ADMIN list, -2 the clone and clone3 rules that exclude CAP_SYS_ADMIN.
    expect((JSON.parse(r.stdout) as { rulesKept: number }).rulesKept).toBe(14);
  });
  it('a profile with read errors: exit 1 with the error', () => {
    const p = file('bad.json', '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": 5}]}');
    const r = run(['check', ...CTX, p]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('bad.json:1:');
  });
  it('a profile the runtime refuses: exit 1 with its message and position', () => {
    const p = file('eexist.json', {
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [
        { names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 3, op: 'SCMP_CMP_EQ' }] },
        { names: ['read'], action: 'SCMP_ACT_KILL', args: [{ index: 0, value: 3, op: 'SCMP_CMP_EQ' }] },
      ],
    });
    const r = run(['check', ...CTX, p]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/eexist\.json:\d+:\d+: error: error adding seccomp rule for syscall read: file exists/);
  });
  it('an unconfined profile says so', () => {
    const r = run(['check', ...CTX, file('empty.json', {})]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('unconfined');
  });
  it('bad options: exit 2', () => {
    expect(run(['check', '--runtime', 'youki']).status).toBe(2);
    expect(run(['check', '--cap-add', 'WIZARD']).status).toBe(2);
    expect(run(['check', '--arch', 'vax']).status).toBe(2);
  });
});

describe('resolve', () => {
  it('prints the policy per ABI, then the notes with positions', () => {
    const r = run(['resolve', ...CTX, 'builtin:docker']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('x86_64 (AUDIT_ARCH 0xc000003e): 385 syscalls, 306 allowed, 3 conditional, 76 denied');
    expect(r.stdout).toMatch(/socket\s+ALLOW if a0 < 38/);
    expect(r.stdout).toContain('numbers 467..4294967295: ERRNO(38)');
    expect(r.stdout).toMatch(/builtin:docker:\d+:\d+: info: rule not applied: includes\.caps: the container lacks CAP_SYS_ADMIN \[rule-excluded\]/);
  });
  it('--abi and --no-notes', () => {
    const r = run(['resolve', ...CTX, '--abi', 'x86', '--no-notes', 'builtin:docker']);
    expect(r.stdout).toContain('x86 (AUDIT_ARCH 0x40000003)');
    expect(r.stdout).not.toContain('x86_64 (AUDIT_ARCH');
    expect(r.stdout).not.toContain('notes (');
    expect(run(['resolve', ...CTX, '--abi', 'aarch64', 'builtin:docker']).status).toBe(2);
  });
  it('--json is the policy, with exact numbers', () => {
    const r = run(['resolve', ...CTX, '--json', 'builtin:docker']);
    const j = JSON.parse(r.stdout) as { unconfined: boolean; defaultAction: number; abis: { abi: string; syscalls: { name: string; clauses: { conditions: { value: number }[] }[] }[] }[] };
    expect(j.unconfined).toBe(false);
    expect(j.defaultAction).toBe(0x50001);
    const personality = j.abis[0].syscalls.find((s) => s.name === 'personality');
    expect(personality?.clauses.map((c) => c.conditions[0].value)).toEqual([0, 8, 131072, 131080, 4294967295]);
  });
  it('reads standard input, dialects and runtimes', () => {
    const doc = JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } }] });
    const docker = run(['resolve', ...CTX, '--json', '-'], doc);
    expect((JSON.parse(docker.stdout) as { abis: { syscalls: unknown[] }[] }).abis[0].syscalls).toHaveLength(0);
    const oci = run(['resolve', ...CTX, '--dialect', 'oci', '--compat', 'docker', '--runtime', 'crun', '--json', '-'], doc);
    expect(oci.status).toBe(0);
    expect((JSON.parse(oci.stdout) as { abis: { syscalls: unknown[] }[] }).abis[0].syscalls).toHaveLength(1);
  });
  it('--syscall-table libseccomp-2.5.4', () => {
    const r = run(['resolve', ...CTX, '--syscall-table', 'libseccomp-2.5.4', '--abi', 'x86_64', 'builtin:docker']);
    expect(r.stdout).toContain('numbers 457..4294967295: ERRNO(38)');
    expect(r.stdout).toContain('"mseal" is not a syscall libseccomp 2.5.4');
  });
  it('--help has examples', () => {
    const r = run(['resolve', '--help']);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('--cap-add');
  });
});
