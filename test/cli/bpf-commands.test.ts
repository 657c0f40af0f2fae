// The disasm, asm, emu and verify commands, run as a user would (the CLI bundle is built by the
// global setup).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeProgram } from '../../src/core/bpf/codec.js';
import type { Program } from '../../src/core/bpf/instruction.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/seccomp-kit');
const FIXTURE = join(ROOT, 'test/fixtures/bpf/docker-like-x86_64.bpf');
const MULTIARCH_S = join(ROOT, 'test/fixtures/bpf/multiarch.s');
const dir = mkdtempSync(join(tmpdir(), 'sk-bpf-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  raw: Buffer;
}

function run(args: string[], input?: string | Uint8Array): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, input, env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), raw: r.stdout };
}

const ins = (code: number, k = 0, jt = 0, jf = 0) => ({ code, jt, jf, k: k >>> 0 });
/** x86_64 only: kill other arches, ERRNO(1) for fchmodat2, ALLOW the rest. */
const SIMPLE: Program = [
  ins(0x20, 4), ins(0x15, 0xc000003e, 0, 4), ins(0x20, 0), ins(0x15, 452, 1, 0),
  ins(0x06, 0x7fff0000), ins(0x06, 0x00050001), ins(0x06, 0x80000000),
];

function file(name: string, data: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
}

/** stderr must be exactly one line. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  return lines[0];
}

describe('seccomp-kit disasm', () => {
  const simple = file('simple.bpf', encodeProgram(SIMPLE));

  it('prints named, assemblable text with indexes and raw fields', () => {
    const r = run(['disasm', simple]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('0001  jne   #AUDIT_ARCH_X86_64, kill_process');
    expect(r.stdout).toMatch(/0003 {2}jeq {3}#fchmodat2, errno_1 +; \{ 0x15, 1, 0, 0x000001c4 \}  x86_64/);
    expect(r.stdout).not.toMatch(/\u001b\[/); // no colour when not a terminal
  });

  it('round-trips through asm byte for byte (also on a larger filter, via stdin)', () => {
    const text = run(['disasm', simple]).stdout;
    const s = file('simple.s', text);
    expect(run(['asm', s, '-o', 'simple2.bpf']).status).toBe(0);
    expect(readFileSync(join(dir, 'simple2.bpf'))).toEqual(readFileSync(simple));
    const big = readFileSync(FIXTURE);
    const d = run(['disasm', '-'], big);
    expect(d.status).toBe(0);
    const a = run(['asm', '-', '--format', 'raw'], d.stdout);
    expect(a.status).toBe(0);
    expect(a.raw.equals(big)).toBe(true);
  });

  it('--json gives index, raw fields, text, comment and annotations per instruction', () => {
    const r = run(['disasm', '--json', simple]);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { instructions: number; lines: Array<Record<string, unknown>> };
    expect(j.instructions).toBe(7);
    expect(j.lines[3]).toMatchObject({ index: 3, code: 0x15, jt: 1, jf: 0, k: 452, text: 'jeq #fchmodat2, errno_1', syscall: { abi: 'x86_64', name: 'fchmodat2', nr: 452 }, abis: ['x86_64'] });
    expect(j.lines[1]).toMatchObject({ arch: 'AUDIT_ARCH_X86_64' });
    expect(typeof j.lines[3].comment).toBe('string');
  });

  it('--arch names syscalls of a program that never checks arch; --format reads hex', () => {
    const p = encodeProgram([ins(0x20, 0), ins(0x15, 59, 0, 1), ins(0x06, 0), ins(0x06, 0x7fff0000)]);
    const hex = Buffer.from(p).toString('hex');
    const r = run(['disasm', '--arch', 'x86_64', '--format', 'hex', '-'], hex);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('.arch x86_64');
    expect(r.stdout).toContain('jne   #execve, allow');
  });

  it('bad input: one line with file, instruction and problem, exit 2', () => {
    file('odd.bpf', new Uint8Array(13));
    let r = run(['disasm', 'odd.bpf']);
    expect(r.status).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/^seccomp-kit: odd\.bpf: instruction 1: error: program size 13 bytes is not a multiple of 8/);
    file('prog.bpf', encodeProgram([ins(0x20), ins(0x20), ins(0x20), ins(0x99), ins(0x06)]));
    r = run(['disasm', 'prog.bpf']);
    expect(r.status).toBe(2);
    expect(oneLine(r.stderr)).toBe('seccomp-kit: prog.bpf: instruction 3: error: unknown opcode 0x0099');
    r = run(['disasm', '--format', 'hex', '-'], '2000000004000000\n15zz');
    expect(r.status).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/^seccomp-kit: <stdin>:2:3: instruction 1: error: unexpected character "z" in hex program/);
    r = run(['disasm', 'missing.bpf']);
    expect(r.status).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/cannot read missing\.bpf: no such file/);
    r = run(['disasm', '--arch', 'vax', simple]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown architecture "vax"/);
  });
});

describe('seccomp-kit asm', () => {
  it('writes hex to stdout by default, C and base64 on request, raw into a pipe', () => {
    const s = file('a.s', 'ld [arch]\njne #AUDIT_ARCH_X86_64, kill\nret ALLOW\nkill: ret KILL_PROCESS\n');
    let r = run(['asm', s]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('2000000004000000\n150000013e0000c0\n060000000000ff7f\n0600000000000080\n');
    r = run(['asm', s, '--format', 'c']);
    expect(r.stdout).toContain('{ 0x15, 0, 1, 0xc000003e },');
    r = run(['asm', s, '--format', 'base64']);
    expect(Buffer.from(r.stdout.trim(), 'base64').toString('hex')).toBe('2000000004000000150000013e0000c0060000000000ff7f0600000000000080');
    r = run(['asm', s, '--format', 'raw']);
    expect(r.raw.toString('hex')).toBe('2000000004000000150000013e0000c0060000000000ff7f0600000000000080');
    expect(run(['asm', s, '-o', 'out.h']).status).toBe(0);
    expect(readFileSync(join(dir, 'out.h'), 'utf8')).toMatch(/^struct sock_filter filter\[\] = \{/);
  });

  it('names the ABIs of the multi-arch fixture after a round trip', () => {
    const r = run(['asm', MULTIARCH_S, '-o', 'multi.bpf']);
    expect(r.status).toBe(0);
    const d = run(['disasm', 'multi.bpf']).stdout;
    expect(d).toMatch(/jeq +#execve, kill_process +; \{ 0x15, \d+, 0, 0x0000003b \}  x86_64/);
    expect(d).toMatch(/jeq +#execve, kill_process +; \{ 0x15, \d+, 0, 0x40000208 \}  x32/);
    expect(d).toMatch(/jeq +#execve, kill_process +; \{ 0x15, \d+, 0, 0x0000000b \}  x86/);
  });

  it('syntax errors: one line with file:line:col, exit 2', () => {
    const s = file('bad.s', 'ld [nr]\n    jeq #read, allow\nallow: ret ALLOW\n');
    let r = run(['asm', s]);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`seccomp-kit: ${s}:2:10: error: cannot resolve syscall name read: the architecture on this path is not known`);
    expect(run(['asm', s, '--arch', 'x86_64']).status).toBe(0);
    r = run(['asm', '-'], 'ret ALLOW\nbogus 1\n');
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('seccomp-kit: <stdin>:2:1: error: unknown instruction bogus');
  });

  it('warns when the kernel would reject the program; --strict makes it an error', () => {
    const s = file('noret.s', 'ld [nr]\nld [61]\nret ALLOW\n');
    let r = run(['asm', s]);
    expect(r.status).toBe(0);
    expect(oneLine(r.stderr)).toBe(`seccomp-kit: ${s}:2: warning: the kernel would reject this program (EINVAL (22)): instruction 1: ${reasonFor(r.stderr)}`);
    expect(r.stdout).toContain('200000003d000000');
    r = run(['asm', s, '--strict', '-o', 'never.bpf']);
    expect(r.status).toBe(2);
    expect(oneLine(r.stderr)).toMatch(new RegExp(`^seccomp-kit: ${s}:2: error: the kernel would reject this program`));
    expect(() => readFileSync(join(dir, 'never.bpf'))).toThrow();
  });

  it('long jumps: rejected with a hint, or relaxed with --relax', () => {
    const s = file('far.s', `ld [nr]\njeq #1, far\n${'ld #0\n'.repeat(300)}ret ERRNO(1)\nfar: ret ALLOW\n`);
    let r = run(['asm', s]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${s}:2:9: error: conditional jump to label far is 301 instructions away`);
    r = run(['asm', s, '--relax', '-o', 'far.bpf']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('inserted 1 ja trampoline');
    expect(run(['emu', 'far.bpf', '--arch', 'x86_64', '--nr', '1']).status).toBe(0);
    expect(run(['emu', 'far.bpf', '--arch', 'x86_64', '--nr', '2']).status).toBe(1);
  });
});

/** The reason part of a verifier warning (the verifier's wording is not this test's business). */
function reasonFor(stderr: string): string {
  return stderr.trim().replace(/^.*instruction 1: /, '');
}

describe('seccomp-kit emu', () => {
  const simple = file('emu.bpf', encodeProgram(SIMPLE));

  it('allowed syscall: exit 0 with the path and step count', () => {
    const r = run(['emu', simple, '--arch', 'x86_64', '--nr', 'read']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('x86_64 read(0, 0, 0, 0, 0, 0)');
    expect(r.stdout).toMatch(/0003 {2}jeq {3}#fchmodat2, errno_1/);
    expect(r.stdout).toMatch(/action: ALLOW {2}\(ret 0x7fff0000, 5 steps\)/);
  });

  it('denied syscall or other arch: exit 1 with the action and its data', () => {
    let r = run(['emu', simple, '--arch', 'x86_64', '--nr', 'fchmodat2', '--args', '-100,0x1234,0777']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('fchmodat2(0xffffffffffffff9c, 0x1234, 0x1ff, 0, 0, 0)');
    expect(r.stdout).toContain('action: ERRNO(1)');
    r = run(['emu', simple, '--arch', 'x86', '--nr', '5']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('action: KILL_PROCESS');
  });

  it('--json: action with data, return value, path and steps; u64 arguments exact', () => {
    const r = run(['emu', simple, '--arch', 'x86_64', '--nr', '452', '--args', '0xffffffffffffffff,-1', '--ip', '0x7fff12345678', '--json']);
    expect(r.status).toBe(1);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ arch: 'x86_64', nr: 452, syscall: 'fchmodat2', ret: 0x50001, action: { kind: 'ERRNO', data: 1 }, text: 'ERRNO(1)', allowed: false, steps: 5 });
    expect((j.path as Array<{ index: number }>).map((x) => x.index)).toEqual([0, 1, 2, 3, 5]);
    expect(j.args).toEqual(['18446744073709551615', '18446744073709551615', '0', '0', '0', '0']);
    expect(j.instructionPointer).toBe(String(0x7fff12345678));
  });

  it('bad options: exit 2 with one line', () => {
    let r = run(['emu', simple, '--arch', 'x86_64', '--nr', 'fchmodat3']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--nr: fchmodat3 is not a syscall on x86_64/);
    r = run(['emu', simple, '--arch', 'x86_64', '--nr', 'read', '--args', '1,zz']);
    expect(r.status).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/--args argument 1: expected a number .* found "zz"/);
    r = run(['emu', simple, '--arch', 'x86_64', '--nr', 'read', '--args', '0x10000000000000000']);
    expect(r.status).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/does not fit in 64 bits/);
    r = run(['emu', simple, '--arch', 'x86_64']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--nr/);
  });
});

describe('seccomp-kit verify', () => {
  it('valid: exit 0; rejected: exit 1 with errno, index and reason', () => {
    file('good.bpf', encodeProgram(SIMPLE));
    const good = 'good.bpf';
    let r = run(['verify', good]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/good\.bpf: valid: 7 instructions/);
    file('bad.bpf', encodeProgram([ins(0x20, 0), ins(0x20, 61), ins(0x06, 0x7fff0000)]));
    const bad = 'bad.bpf';
    r = run(['verify', bad]);
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n')[0]).toMatch(/^bad\.bpf: instruction 1: rejected \(EINVAL \(22\)\): /);
    expect(r.stdout).toContain('ld    [61]');
    r = run(['verify', '--json', bad]);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: false, errno: 'EINVAL', index: 1 });
    r = run(['verify', '--json', good]);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, instructions: 7 });
  });

  it('unreadable program: exit 2', () => {
    file('short.bpf', new Uint8Array(7));
    const r = run(['verify', 'short.bpf']);
    expect(r.status).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/short\.bpf: instruction 0: error: program size 7 bytes/);
  });
});

describe('--help', () => {
  for (const cmd of ['disasm', 'asm', 'emu', 'verify']) {
    it(`${cmd} --help shows examples`, () => {
      const r = run([cmd, '--help']);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('Examples:');
      expect(r.stdout).toContain(`$ seccomp-kit ${cmd}`);
    });
  }
});
