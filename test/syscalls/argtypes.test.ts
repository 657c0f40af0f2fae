// Argument types per syscall (src/core/syscalls/argtypes.ts), generated from the kernel's SYSCALL_DEFINE lines.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  KERNEL_TSV,
  OUTPUT,
  SUPPLEMENT_TSV,
  evalCondition,
  extractDefinitions,
  generateArgTypesSource,
  generatedDate,
  normalizeType,
  ourTableNames,
  readTsv,
  resolveAll,
} from '../../scripts/gen-argtypes.js';
import { ARGTYPES_PROVENANCE, argumentBits, argumentType, argumentTypes, hasArgumentTypes, syscallEntry, syscallNumber } from '../../src/core/syscalls/index.js';

// The project's copies of the reference profiles (see test/fixtures/profiles/README.md).
const REFERENCE = new URL('../fixtures/profiles', import.meta.url).pathname;
const ABIS_64 = ['x86_64', 'x32', 'aarch64', 'riscv64', 'loongarch64', 's390x', 'ppc64', 'ppc64le', 'mips64', 'mipsel64', 'mips64n32', 'mipsel64n32', 'parisc64'];

function profileNames(): string[] {
  const names = new Set<string>();
  for (const f of ['moby-default.json', 'containers-common-seccomp.json']) {
    const j = JSON.parse(readFileSync(`${REFERENCE}/${f}`, 'utf8')) as { syscalls: Array<{ names?: string[]; name?: string }> };
    for (const s of j.syscalls) for (const n of s.names ?? (s.name ? [s.name] : [])) names.add(n);
  }
  return [...names].sort();
}

describe('argtypes.generated.ts', () => {
  const committed = readFileSync(OUTPUT, 'utf8');

  it('is what scripts/gen-argtypes.ts makes of data/syscalls/argtypes-*.tsv (same date)', async () => {
    const ours = await ourTableNames();
    expect(generateArgTypesSource(ours, { date: generatedDate(committed) }).source).toBe(committed);
  });

  it('names its source: the Debian linux-source-6.12 tree, v6.12.117, and the supplement', () => {
    expect(ARGTYPES_PROVENANCE.source).toContain('linux-source-6.12 6.12.117-1~deb12u1');
    expect(committed.split('\n').slice(0, 10).join('\n')).toContain('argtypes-supplement.tsv');
    expect(readFileSync(KERNEL_TSV, 'utf8').split('\n')[1]).toContain('# Source: Debian package linux-source-6.12');
    expect(committed.length).toBeLessThan(40_000);
  });
});

describe('argument types', () => {
  it('spot checks against the kernel declarations', () => {
    const t = (abi: string, s: string, i: number) => {
      const a = argumentType(abi, s, i);
      return a && `${a.type}/${a.bits}/${a.signed ? 's' : 'u'}/${a.name}`;
    };
    expect([0, 1, 2].map((i) => t('x86_64', 'socket', i))).toEqual(['int/32/s/family', 'int/32/s/type', 'int/32/s/protocol']);
    expect(t('x86_64', 'personality', 0)).toBe('unsigned int/32/u/personality');
    expect(t('x86_64', 'clone', 0)).toBe('unsigned long/64/u/clone_flags');
    expect(t('x86_64', 'mmap', 0)).toBe('unsigned long/64/u/addr');
    expect(t('aarch64', 'mmap', 0)).toBe('unsigned long/64/u/addr');
    expect(t('s390x', 'mmap', 0)).toBe('struct mmap_arg_struct */64/u/arg'); // s390x mmap is old_mmap
    expect(t('x86_64', 'ioctl', 1)).toBe('unsigned int/32/u/cmd');
    expect(t('x86_64', 'prctl', 0)).toBe('int/32/s/option');
    expect(t('x86_64', 'prctl', 1)).toBe('unsigned long/64/u/arg2');
    expect(t('x86_64', 'openat', 1)).toBe('char */64/u/filename');
    expect(t('x86_64', 'fchmodat', 2)).toBe('umode_t/16/u/mode');
    expect(t('x86_64', 'kill', 0)).toBe('pid_t/32/s/pid');
    expect(t('x86_64', 'setuid', 0)).toBe('uid_t/32/u/uid');
    expect(t('x86_64', 'io_destroy', 0)).toBe('aio_context_t/64/u/ctx');
    expect(t('x86_64', 'pread64', 3)).toBe('loff_t/64/s/pos');
    // clone's argument order is per arch (CONFIG_CLONE_BACKWARDS*): flags are a1 on s390x.
    expect(t('s390x', 'clone', 1)).toBe('unsigned long/64/u/clone_flags');
    expect(t('aarch64', 'clone', 3)).toBe('unsigned long/64/u/tls');
    expect(t('x86_64', 'clone', 3)).toBe('int */64/u/child_tidptr');
    // Arch entry points: s390x personality is s390_personality, ppc64 ppc64_personality (unsigned long).
    expect(t('s390x', 'personality', 0)).toBe('unsigned int/32/u/personality');
    expect(t('ppc64le', 'personality', 0)).toBe('unsigned long/64/u/personality');
    // Post-6.12 calls from the supplement.
    expect(t('x86_64', 'setxattrat', 2)).toBe('unsigned int/32/u/at_flags');
    expect(argumentTypes('x86_64', 'uprobe')).toEqual([]);
    // By number, as a filter sees it.
    expect(argumentBits('x86_64', syscallNumber('x86_64', 'socket') as number, 0)).toBe(32);
    expect(argumentBits('x32', syscallNumber('x32', 'socket') as number, 0)).toBe(32);
    expect(argumentType('x86_64', 'socket', 3)).toBeUndefined();
  });

  it('has no data for 32-bit ABIs (every argument is one 32-bit register there) or unknown syscalls', () => {
    expect(hasArgumentTypes('x86')).toBe(false);
    expect(hasArgumentTypes('arm')).toBe(false);
    expect(argumentType('x86', 'socket', 0)).toBeUndefined();
    expect(argumentType('x86_64', 'no_such_call', 0)).toBeUndefined();
    expect(argumentType('aarch64', 'open', 0)).toBeUndefined(); // aarch64 has only openat
    for (const abi of ABIS_64) expect(hasArgumentTypes(abi)).toBe(true);
  });

  it('covers every syscall of the Docker and Podman default profiles that the kernel implements on each 64-bit ABI', async () => {
    const names = profileNames();
    expect(names.length).toBeGreaterThan(400);
    const uncovered = (abi: string) => names.filter((n) => syscallEntry(abi, n) && !argumentTypes(abi, n));
    // Exactly the calls whose table entry is empty or sys_ni_syscall on that kernel (ENOSYS there).
    expect(uncovered('x86_64')).toEqual(['epoll_ctl_old', 'epoll_wait_old', 'get_thread_area', 'lookup_dcookie', 'nfsservctl', 'query_module', 'set_thread_area', 'uselib']);
    expect(uncovered('aarch64')).toEqual(['lookup_dcookie', 'map_shadow_stack', 'nfsservctl']);
    expect(uncovered('x32')).toEqual(['lookup_dcookie']);
    expect(uncovered('s390x')).toEqual(['bdflush', 'lookup_dcookie', 'map_shadow_stack', 'nfsservctl', 'query_module']);
    // On every ABI, what is uncovered is what the kernel tables leave without a C definition.
    const res = resolveAll(readTsv(KERNEL_TSV), readTsv(SUPPLEMENT_TSV), await ourTableNames());
    const tableOf: Record<string, string> = { ppc64le: 'ppc64', mipsel64: 'mips64', mipsel64n32: 'mips64n32' };
    for (const abi of ABIS_64) {
      const table = tableOf[abi] ?? abi;
      const noDef = new Set(res.unresolved.filter((u) => u.table === table).map((u) => u.name));
      for (const n of uncovered(abi)) expect(noDef.has(n), `${abi} ${n}`).toBe(true);
    }
  });
});

describe('extraction (scripts/gen-argtypes.ts)', () => {
  it('reads SYSCALL_DEFINE over several lines, with #if conditions and compat u64 halves', () => {
    const src = [
      '#ifndef _X_H', '#define _X_H', '/* SYSCALL_DEFINE1(commented, int, x) */',
      '#ifdef CONFIG_A',
      'SYSCALL_DEFINE3(foo, unsigned int, fd,', '\t\tconst char __user *, buf, size_t, n)', '{ }',
      '#elif defined(CONFIG_B) && \\', '  !defined(CONFIG_C)',
      'SYSCALL_DEFINE0(bar)',
      '#else', 'COMPAT_SYSCALL_DEFINE3(baz, int, fd, compat_arg_u64_dual(pos))', '#endif', '#endif',
    ].join('\n');
    const defs = extractDefinitions('x.c', src);
    expect(defs.map((d) => [d.kind, d.name, d.line, d.cond, d.params.map((p) => `${normalizeType(p.type)}:${p.name}`).join(',')])).toEqual([
      ['SYSCALL', 'foo', 5, 'defined(CONFIG_A)', 'unsigned int:fd,char *:buf,size_t:n'],
      ['SYSCALL', 'bar', 10, '!(defined(CONFIG_A)) && defined(CONFIG_B) && !defined(CONFIG_C)', ''],
      ['COMPAT', 'baz', 12, '!(defined(CONFIG_A)) && !(defined(CONFIG_B) && !defined(CONFIG_C))', 'int:fd,u32:pos_lo,u32:pos_hi'],
    ]);
    expect(() => extractDefinitions('y.c', 'SYSCALL_DEFINE2(bad, int, x)')).toThrow(/2 items for 2 parameters/);
  });

  it('evaluates preprocessor conditions in three-valued logic', () => {
    const cfg = ['CONFIG_64BIT', 'CONFIG_CLONE_BACKWARDS'];
    expect(evalCondition('', cfg)).toBe(true);
    expect(evalCondition('defined(CONFIG_CLONE_BACKWARDS)', cfg)).toBe(true);
    expect(evalCondition('!(defined(CONFIG_CLONE_BACKWARDS)) && defined(CONFIG_CLONE_BACKWARDS2)', cfg)).toBe(false);
    expect(evalCondition('defined(__ARCH_WANT_SYS_CLONE) && defined(CONFIG_CLONE_BACKWARDS)', cfg)).toBeUndefined();
    expect(evalCondition('defined(__ARCH_WANT_SYS_CLONE) && defined(CONFIG_X)', cfg)).toBe(false);
    expect(evalCondition('IS_ENABLED(CONFIG_64BIT) || defined(__FOO)', cfg)).toBe(true);
    expect(evalCondition('BITS_PER_LONG == 32', cfg)).toBeUndefined();
  });
});

// The running kernel publishes each syscall's declared parameter types (SYSCALL_METADATA) in tracefs. Mount it
// in a private mount namespace (root) and compare with our x86_64 table.
function traceFormats(): string | undefined {
  if (process.arch !== 'x64' || process.getuid?.() !== 0) return undefined;
  const script = 'mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null; cd /sys/kernel/tracing/events/syscalls 2>/dev/null || exit 3; ' +
    'for f in sys_enter_*/format; do echo "== ${f%/format}"; grep -o "field:[^;]*;" "$f" | grep -v "common_\\|__syscall_nr"; done';
  const r = spawnSync('unshare', ['-m', 'sh', '-c', script], { encoding: 'utf8', maxBuffer: 16 << 20 });
  return r.status === 0 && r.stdout.includes('== sys_enter_socket') ? r.stdout : undefined;
}
const formats = traceFormats();

describe.skipIf(!formats)('against the running kernel (tracefs syscall events; needs root, x86_64, CONFIG_FTRACE_SYSCALLS)', () => {
  it('every x86_64 syscall the kernel describes has our types and parameter names', async () => {
    const events = new Map<string, string[]>();
    let cur: string[] = [];
    for (const line of (formats as string).split('\n')) {
      const m = /^== sys_enter_(\w+)$/.exec(line);
      if (m) events.set(m[1], (cur = []));
      const f = /^field:(.*?)\s*(\w+);$/.exec(line);
      if (f) cur.push(`${normalizeType(f[1])} ${f[2]}`);
    }
    const res = resolveAll(readTsv(KERNEL_TSV), readTsv(SUPPLEMENT_TSV), await ourTableNames());
    let compared = 0;
    const diffs: string[] = [];
    for (const x of res.resolved.filter((r) => r.table === 'x86_64')) {
      const e = events.get(x.def.name);
      if (!e) continue;
      compared++;
      const ours = x.def.params.map((p) => `${normalizeType(p.type)} ${p.name}`);
      if (ours.join(', ') !== e.join(', ')) diffs.push(`${x.name}: ours (${ours.join(', ')}) kernel (${e.join(', ')})`);
    }
    expect(diffs).toEqual([]);
    expect(compared).toBeGreaterThan(300);
  });
});
