// installFilter and friends for real: filters that act (ERRNO, KILL, strict mode, exec) run in
// throwaway node processes; only calls that install nothing run in the test process.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { insn } from '../../src/core/bpf/instruction.js';
import { BPF_ABS, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W, SECCOMP_RET_ALLOW } from '../../src/core/bpf/opcodes.js';
import { SeccompKitError } from '../../src/core/errors.js';
import { filterFlagSupported, formatFilterFlags, installFilter } from '../../src/node/kernel/install.js';
import { announceSkip, kernelSkipReason, runChild, startChild } from '../support/kernel.js';

// Child preamble: a filter that answers `nr -> ERRNO(n)` for a few numbers and allows the rest.
const PRELUDE = `
import { installFilter, setNoNewPrivs, execFiltered, seccompModeStrict } from '@root/src/node/kernel/install.ts';
import { insn } from '@root/src/core/bpf/instruction.ts';
import koffi from 'koffi';
const sys = koffi.load('libc.so.6').func('long syscall(long nr, long a, long b)');
const call = (nr, a = 0, b = 0) => { const r = Number(sys(nr, a, b)); return r < 0 ? 'errno ' + koffi.errno() : 'ret ' + r; };
const deny = (map, other = 0x7fff0000) => {
  const p = [insn(0x20, 0)];
  for (const [nr, ret] of map) p.push(insn(0x15, nr, 0, 1), insn(0x06, ret));
  p.push(insn(0x06, other));
  return p;
};
`;

describe.skipIf(announceSkip(kernelSkipReason()))('installFilter against the kernel', () => {
  it('installs a filter that really acts: ERRNO, then KILL_PROCESS by SIGSYS', () => {
    const r = runChild(`${PRELUDE}
      setNoNewPrivs();
      installFilter(deny([[110, 0x50000 | 42], [39, 0x80000000]]));
      process.stdout.write(call(110) + ';');
      call(39);
      process.stdout.write('survived');`);
    expect(r.stdout).toBe('errno 42;');
    expect(r.signal).toBe('SIGSYS');
  });

  it('runs no filter for x86_64 uretprobe (SIGILL) and uprobe (ENXIO), unlike getpid', () => {
    // 335 outside a uretprobe trampoline makes the kernel raise SIGILL; 336 fails with ENXIO.
    // Both only happen because the ERRNO(1) filter for them never ran.
    const r = runChild(`${PRELUDE}
      setNoNewPrivs();
      installFilter(deny([[39, 0x50001], [336, 0x50001], [335, 0x50001]]));
      process.stdout.write(call(39) + ';' + call(336) + ';');
      call(335);
      process.stdout.write('survived');`);
    expect(r.stdout).toBe('errno 1;errno 6;');
    expect(r.signal).toBe('SIGILL');
  });

  it('execFiltered runs the new program under the filter', () => {
    // uname(2) (63) is denied: `uname -s` fails, the shell itself carries on.
    const r = runChild(`${PRELUDE}
      execFiltered(deny([[63, 0x50000 | 1]]), '/bin/sh', ['sh', '-c', 'uname -s; echo done $?']);`);
    expect(r.stdout).toContain('done');
    expect(r.stdout).not.toContain('Linux');
    expect(r.stderr).toMatch(/uname|Operation not permitted/i);
  });

  it('strict mode kills the thread that makes anything but read/write/exit', async () => {
    // do_exit(SIGKILL) ends the calling thread only; Node's helper threads keep the process, so
    // watch the main thread (its /proc task entry turns zombie or disappears).
    const c = startChild(`${PRELUDE}
      const write = koffi.load('libc.so.6').func('long syscall(long nr, long fd, const char *s, long n)');
      seccompModeStrict();
      write(1, 1, 'strict;', 7);
      sys(39, 0, 0);
      write(1, 1, 'survived', 8);`);
    try {
      await c.waitFor('strict;');
      const pid = c.child.pid as number;
      let state = '';
      for (let i = 0; i < 1500 && state !== 'Z' && state !== 'gone'; i++) {
        try {
          state = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
        } catch {
          state = 'gone';
        }
        if (state !== 'Z' && state !== 'gone') await new Promise((r) => setTimeout(r, 20));
      }
      expect(['Z', 'gone']).toContain(state);
      expect(c.stdout()).toBe('strict;');
    } finally {
      await c.stop();
    }
  });

  it('explains a refused program and refused flags (nothing is installed)', () => {
    const allowAll = [insn(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)];
    const bad = [insn(BPF_LD | BPF_W | BPF_ABS, 2), insn(BPF_RET | BPF_K, 0)];
    const r = runChild(`${PRELUDE}
      setNoNewPrivs();
      for (const [p, flags] of [[${JSON.stringify(bad)}, 0], [${JSON.stringify(allowAll)}, 1 << 20], [${JSON.stringify(allowAll)}, 1 << 5], [${JSON.stringify(allowAll)}, (1 << 0) | (1 << 3)]]) {
        try { installFilter(p, flags); console.log('installed'); } catch (e) { console.log(e.code + ': ' + e.message); }
      }`);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^kernel: .*EINVAL: the kernel rejected the program/);
    expect(lines[1]).toMatch(/^kernel: .*EINVAL: the kernel rejected flag bit 20/);
    expect(lines[2]).toMatch(/WAIT_KILLABLE_RECV: it needs NEW_LISTENER|rejected flag WAIT_KILLABLE_RECV/);
    expect(lines[3]).toMatch(/TSYNC\|NEW_LISTENER: they need TSYNC_ESRCH/);
  });

  it('explains EACCES: no no_new_privs and no CAP_SYS_ADMIN', () => {
    const r = runChild(`${PRELUDE}
      // Become nobody (no capabilities) if root; an unprivileged user is there already.
      if (process.getuid() === 0) koffi.load('libc.so.6').func('int setuid(unsigned int)')(65534);
      try { installFilter([insn(0x06, 0x7fff0000)]); console.log('installed'); } catch (e) { console.log(e.message + ' / ' + e.hint); }`);
    expect(r.stdout).toMatch(/failed with EACCES: the thread has neither no_new_privs nor CAP_SYS_ADMIN \/ call setNoNewPrivs\(\) first/);
  });

  it('probes flags without installing anything', () => {
    expect(filterFlagSupported(1)).toBe(true); // TSYNC, Linux 3.17
    expect(filterFlagSupported(1 << 20)).toBe(false);
    expect(formatFilterFlags(0x9)).toBe('TSYNC|NEW_LISTENER');
    // An unknown flag is refused before the filter is looked at, so this installs nothing here.
    expect(() => installFilter([insn(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)], 1 << 21)).toThrow(SeccompKitError);
    expect(() => installFilter([insn(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0)], 1 << 21)).toThrow(/flag bit 21/);
  });
});
