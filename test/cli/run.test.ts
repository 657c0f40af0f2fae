// `seccomp-kit run` on the real kernel: the command runs under the filter, its exit status is
// ours, and every failure before exec has its own exit code with the command never started.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = new URL('../../bin/seccomp-kit', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sk-run-'));
const noChmod = join(dir, 'nochmod.json');
writeFileSync(noChmod, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['chmod', 'fchmod', 'fchmodat', 'fchmodat2'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] }));
const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'run', ...args], { encoding: 'utf8' });
const supported = process.platform === 'linux' && process.arch === 'x64';

describe.skipIf(!supported)('seccomp-kit run', () => {
  it("passes stdout through and returns the command's exit status", () => {
    const r = run('--', '/bin/sh', '-c', 'echo hello; exit 3');
    expect(r.stdout).toBe('hello\n');
    expect(r.status).toBe(3);
  });

  it('denies what the profile denies, on the real kernel', () => {
    const f = join(dir, 'f');
    writeFileSync(f, '');
    const before = statSync(f).mode;
    const r = run('--profile', noChmod, '--', 'chmod', '600', f);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Operation not permitted/);
    expect(statSync(f).mode).toBe(before);
    // and the same command without the filter works
    expect(spawnSync('chmod', ['600', f]).status).toBe(0);
  });

  it('never starts the command when a step fails, with docker-run exit codes', () => {
    const marker = join(dir, 'started');
    const notFound = run('--profile', noChmod, '--', 'no-such-command-xyz');
    expect(notFound.status).toBe(127);
    expect(notFound.stderr).toMatch(/command not found/);
    const notExec = run('--profile', noChmod, '--', '/etc/passwd');
    expect(notExec.status).toBe(126);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["chmod"], "action": "SCMP_ACT_EROR"}]}');
    const invalid = run('--profile', bad, '--', '/bin/sh', '-c', `touch ${marker}`);
    expect(invalid.status).toBe(125);
    expect(invalid.stderr).toMatch(/bad\.json:1:\d+: error: .*SCMP_ACT_EROR/);
    const noExec = run('--profile', 'builtin:strict', '--', '/bin/sh', '-c', `touch ${marker}`);
    expect(noExec.status).toBe(125);
    expect(noExec.stderr).toMatch(/answers execve with/);
    const unreadable = run('--profile', join(dir, 'missing.json'), '--', 'true');
    expect(unreadable.status).toBe(125);
    expect(unreadable.stderr).toMatch(/missing\.json/);
    expect(() => readFileSync(marker)).toThrow();
  });

  it('--dry-run says what would be loaded and runs nothing', () => {
    const r = run('--dry-run', '--profile', noChmod, '--', 'true');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/would load \d+ instructions from .*nochmod\.json with flags SPEC_ALLOW/);
    expect(r.stdout).toMatch(/then execve \S*true/);
  });
});
