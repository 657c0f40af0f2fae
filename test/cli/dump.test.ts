// `seccomp-kit dump --pid` on the real kernel: a process started under filters we compiled is
// read back through ptrace, and the bytes must be exactly those we loaded, oldest (index 0) first.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSeccompStatus } from '../../src/node/dump.js';

const bin = new URL('../../bin/seccomp-kit', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sk-dump-'));
const sk = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const supported = process.platform === 'linux' && process.arch === 'x64' && isRoot;
if (!supported) console.warn('dump tests skipped: they need root on Linux x86_64 (ptrace + CAP_SYS_ADMIN)');

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Compiles a profile denying `names` with EPERM to raw bytes in `file`. */
function compileDeny(file: string, names: string[]): Buffer {
  const profile = join(dir, `${names.join('-')}.json`);
  writeFileSync(profile, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names, action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] }));
  const r = sk('compile', profile, '-o', file);
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(file);
}

/** Polls /proc until the process reports `filters` seccomp filters (the PID survives execve). */
async function waitForFilters(pid: number, filters: number): Promise<void> {
  return waitForStatus(pid, new RegExp(`^Seccomp_filters:\\s*${filters}$`, 'm'), `${filters} filters`);
}

/** Polls /proc/PID/status until it matches. */
async function waitForStatus(pid: number, re: RegExp, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    let status = '';
    try {
      status = readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch {
      throw new Error(`process ${pid} ended before it had ${what}`);
    }
    if (re.test(status)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`process ${pid} never reported ${what}`);
}

describe.skipIf(!supported)('seccomp-kit dump --pid', () => {
  const outer = join(dir, 'nochmod.bpf');
  const inner = join(dir, 'nomkdir.bpf');
  const outerBytes = compileDeny(outer, ['chmod']);
  const innerBytes = compileDeny(inner, ['mkdir', 'mkdirat']);

  it('reads back exactly the filter run loaded, and writes it with -o', async () => {
    const child = spawn(process.execPath, [bin, 'run', '--bpf', outer, '--', 'sleep', '30'], { stdio: 'ignore' });
    children.push(child);
    const pid = child.pid as number;
    await waitForFilters(pid, 1);

    const json = sk('dump', '--pid', String(pid), '--json');
    expect(json.status, json.stderr).toBe(0);
    const d = JSON.parse(json.stdout) as { mode: string; count: number; comm: string; filters: { index: number; instructions: number; lines: { code: number; jt: number; jf: number; k: number }[] }[] };
    expect(d.mode).toBe('filter');
    expect(d.count).toBe(1);
    expect(d.comm).toBe('sleep');
    // Rebuild the bytes from the JSON instructions and compare with what was loaded.
    const rebuilt = Buffer.alloc(d.filters[0].lines.length * 8);
    d.filters[0].lines.forEach((l, i) => {
      rebuilt.writeUInt16LE(l.code, i * 8);
      rebuilt.writeUInt8(l.jt, i * 8 + 2);
      rebuilt.writeUInt8(l.jf, i * 8 + 3);
      rebuilt.writeUInt32LE(l.k >>> 0, i * 8 + 4);
    });
    expect(rebuilt.equals(outerBytes)).toBe(true);

    const out = join(dir, 'one.bpf');
    const w = sk('dump', '--pid', String(pid), '--index', '0', '-o', out);
    expect(w.status, w.stderr).toBe(0);
    expect(readFileSync(out).equals(outerBytes)).toBe(true);

    const text = sk('dump', '--pid', String(pid));
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/seccomp filter mode, 1 filter/);
    expect(text.stdout).toMatch(/jeq\s+#chmod/);

    // The process was resumed: it still runs, and is not left stopped.
    expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(/^State:\s*S/m);
    child.kill('SIGKILL');
  });

  it('numbers stacked filters from the oldest (index 0), and -o writes them all', async () => {
    // Two execs in one process: the outer run installs nochmod, the inner run nomkdir on top.
    const child = spawn(process.execPath, [bin, 'run', '--bpf', outer, '--', process.execPath, bin, 'run', '--bpf', inner, '--', 'sleep', '30'], { stdio: 'ignore' });
    children.push(child);
    const pid = child.pid as number;
    await waitForFilters(pid, 2);

    const base = join(dir, 'all.bpf');
    const r = sk('dump', '--pid', String(pid), '-o', base);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/2 filters/);
    expect(r.stdout).toMatch(/filter 0 \(oldest, installed first\)/);
    expect(r.stdout).toMatch(/filter 1 \(newest, installed last\)/);
    // Not what ptrace(2) documents (index 0 = most recent), but what the kernel does.
    expect(readFileSync(join(dir, 'all.0.bpf')).equals(outerBytes)).toBe(true);
    expect(readFileSync(join(dir, 'all.1.bpf')).equals(innerBytes)).toBe(true);

    const bad = sk('dump', '--pid', String(pid), '--index', '2');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/has 2 filters: no index 2/);
    child.kill('SIGKILL');
  });

  it('a process without seccomp: mode disabled, exit 0', () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(child);
    const r = sk('dump', '--pid', String(child.pid));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/seccomp is disabled \(mode 0\)/);
    const j = sk('dump', '--pid', String(child.pid), '--json');
    expect(JSON.parse(j.stdout)).toMatchObject({ mode: 'disabled', count: 0, filters: [] });
    child.kill('SIGKILL');
  });

  const python = spawnSync('python3', ['-c', 'pass']).status === 0;
  it.skipIf(!python)('strict mode: says so, no filters, exit 0 (needs python3 to enter strict mode)', async () => {
    // prctl(PR_SET_SECCOMP 22, SECCOMP_MODE_STRICT 1), then block in read(2), which strict mode allows.
    const child = spawn('python3', ['-c', 'import ctypes, os; ctypes.CDLL(None).prctl(22, 1, 0, 0, 0); os.read(0, 1)'], { stdio: ['pipe', 'ignore', 'ignore'] });
    children.push(child);
    await waitForStatus(child.pid as number, /^Seccomp:\s*1$/m, 'strict mode');
    const r = sk('dump', '--pid', String(child.pid));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/seccomp is in strict mode \(mode 1\)/);
    expect(JSON.parse(sk('dump', '--pid', String(child.pid), '--json').stdout)).toMatchObject({ mode: 'strict', count: 0, filters: [] });
    const o = sk('dump', '--pid', String(child.pid), '-o', join(dir, 'strict.bpf'));
    expect(o.status).toBe(2);
    expect(o.stderr).toMatch(/no seccomp filter \(mode strict\): nothing to write/);
    child.kill('SIGKILL');
  });

  it('no such process: exit 2 with one line', () => {
    const r = sk('dump', '--pid', '2147483646');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no such process: 2147483646/);
    const notNumber = sk('dump', '--pid', 'abc');
    expect(notNumber.status).toBe(2);
    expect(notNumber.stderr).toMatch(/--pid must be a non-negative integer/);
  });

  it('says why when it may not read: no ptrace rights (EPERM), or itself under seccomp (EACCES)', async () => {
    const child = spawn(process.execPath, [bin, 'run', '--bpf', outer, '--', 'sleep', '30'], { stdio: 'ignore' });
    children.push(child);
    const pid = String(child.pid);
    await waitForFilters(child.pid as number, 1);
    const nobody = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, bin, 'dump', '--pid', pid], { encoding: 'utf8' });
    if (nobody.error === undefined) {
      expect(nobody.status).toBe(2);
      expect(nobody.stderr).toMatch(/cannot attach to process \d+ with ptrace \(EPERM\)/);
    }
    const filtered = sk('run', '--bpf', outer, '--', process.execPath, bin, 'dump', '--pid', pid);
    expect(filtered.status).toBe(2);
    expect(filtered.stderr).toMatch(/EACCES: reading filters needs CAP_SYS_ADMIN, and seccomp-kit itself must not run under seccomp/);
    // Detached after the failure: still running, not stopped, and readable again.
    expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(/^State:\s*S/m);
    expect(sk('dump', '--pid', pid).status).toBe(0);
    child.kill('SIGKILL');
  });

  it('--help has examples', () => {
    const r = sk('dump', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Examples:\n\s+\$ seccomp-kit dump --pid/);
  });
});

describe('parseSeccompStatus', () => {
  it('reads mode and count, and tolerates kernels without Seccomp_filters', () => {
    expect(parseSeccompStatus('Name:\tsleep\nSeccomp:\t2\nSeccomp_filters:\t3\n')).toEqual({ mode: 'filter', count: 3 });
    expect(parseSeccompStatus('Seccomp:\t1\n')).toEqual({ mode: 'strict' });
    expect(parseSeccompStatus('Seccomp:\t0\nSeccomp_filters:\t0\n')).toEqual({ mode: 'disabled', count: 0 });
    expect(() => parseSeccompStatus('Name:\tx\n')).toThrow(/does not report a Seccomp: line/);
    expect(() => parseSeccompStatus('Seccomp:\t7\n')).toThrow(/unknown seccomp mode 7/);
  });
});
