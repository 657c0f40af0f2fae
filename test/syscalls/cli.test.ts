// The `syscalls` command through the built CLI (test/setup/build.ts builds dist/ first).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from './csv.js';

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [`${ROOT}/bin/seccomp-kit`, 'syscalls', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('seccomp-kit syscalls', () => {
  it('a name prints one line leading with the number', () => {
    const r = cli('--arch', 'x86_64', 'fchmodat2');
    expect(r.code).toBe(0);
    expect(r.out).toBe('452  fchmodat2  (x86_64, since 6.6)\n');
  });

  it('socketcall on x86 is 102; socket on x86 also names its socketcall route', () => {
    expect(cli('--arch', 'x86', 'socketcall').out).toMatch(/^102 {2}socketcall /);
    const r = cli('--arch', 'x86', 'socket');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^359 {2}socket /);
    expect(r.out).toContain('socketcall(SYS_SOCKET=1) = 102');
  });

  it('a name the ABI lacks: negative answer naming the replacement, exit 1', () => {
    const r = cli('--arch', 'aarch64', 'open');
    expect(r.code).toBe(1);
    expect(r.out).toContain('does not exist on aarch64');
    expect(r.out).toContain('openat (56)');
  });

  it('a multiplexer-only call says how it is reached', () => {
    const r = cli('--arch', 'i386', 'accept');
    expect(r.code).toBe(1);
    expect(r.out).toContain('socketcall(SYS_ACCEPT=5) = 102');
  });

  it('a number prints the name; x32 shows the x32 bit', () => {
    expect(cli('--arch', 'x86_64', '59').out).toMatch(/^59 {2}execve /);
    expect(cli('--arch', 'x32', '0x40000208').out).toMatch(/^1073742344 \(0x40000000\|520\) {2}execve /);
    const r = cli('--arch', 'x86_64', '9999');
    expect(r.code).toBe(1);
  });

  it('@network lists the members with numbers', () => {
    const r = cli('--arch', 'x86_64', '@network');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^41 +socket\b/m);
    expect(r.out).toMatch(/^42 +connect\b/m);
    expect(r.out).toContain('not on x86_64:');
  });

  it('--arch all NAME shows the number on every ABI', () => {
    const r = cli('--arch', 'all', 'clone3');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ {2}x86_64 +435\b/m);
    expect(r.out).toMatch(/^ {2}mips +4435\b/m);
    expect(r.out).toMatch(/^ {2}x32 +1073742259 /m);
    expect(r.out.trim().split('\n')).toHaveLength(24);
  });

  it('no names lists the whole table', () => {
    const r = cli('--arch', 'aarch64');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines.length).toBeGreaterThan(300);
    expect(lines[0]).toMatch(/^0 +io_setup/);
  });

  it('--json gives machine-readable answers', () => {
    const r = cli('--arch', 'x86', '--json', 'socket', 'open', 'nosuchcall');
    expect(r.code).toBe(1);
    const a = JSON.parse(r.out) as Record<string, unknown>[];
    expect(a[0]).toMatchObject({ name: 'socket', nr: 359, found: true, multiplexed: { via: 'socketcall', sub: 1, viaNr: 102 } });
    expect(a[1]).toMatchObject({ name: 'open', nr: 5, found: true });
    expect(a[2]).toMatchObject({ found: false, knownElsewhere: false, nr: null });
    const t = JSON.parse(cli('--arch', 'x32', '--json').out) as { abi: { nrOffset: number }; syscalls: { nr: number }[] };
    expect(t.abi.nrOffset).toBe(0x40000000);
    expect(t.syscalls[0].nr).toBe(0x40000000);
  });

  it('an unknown arch: exit 2 with one line listing valid names', () => {
    const r = cli('--arch', 'vax', 'read');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('x86_64');
    expect(r.err).toContain('aarch64');
  });

  it('an unknown group: exit 2', () => {
    expect(cli('--arch', 'x86_64', '@nope').code).toBe(2);
  });

  it('--help has examples', () => {
    const r = cli('--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Examples:');
    expect(r.out).toContain('seccomp-kit syscalls --arch x86_64 fchmodat2');
    expect(r.out).toContain('@network');
  });
});
