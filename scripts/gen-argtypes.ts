/**
 * Argument types of every syscall on the ABIs whose argument registers are 64 bits wide, from the kernel's own
 * definitions (`SYSCALL_DEFINEn` / `COMPAT_SYSCALL_DEFINEn`) and syscall tables. The kernel's syscall wrappers cast
 * each register to the declared type (`__SC_CAST` in include/linux/syscalls.h and the arch syscall_wrapper.h), so a
 * parameter declared `int` sees only the low 32 bits of its register while seccomp sees all 64.
 *
 * Two steps, so the data is committed with its provenance and the table can be rebuilt without a kernel tree:
 *
 *   npx tsx scripts/gen-argtypes.ts --extract DIR --label TEXT [--out FILE] [--only PATHS]
 *       read a kernel source tree (DIR) and write the extracted facts as TSV (default
 *       data/syscalls/argtypes-kernel.tsv); --only restricts the definitions to a comma list of files
 *       (used for the supplement of syscalls newer than the main tree)
 *   npx tsx scripts/gen-argtypes.ts            write src/core/syscalls/argtypes.generated.ts from data/syscalls/argtypes-*.tsv
 *   npx tsx scripts/gen-argtypes.ts --check    exit 1 if the committed file is stale
 *
 * TSV rows (data/syscalls/README.md): `def KIND NAME FILE LINE COND INDEX TYPE ARGNAME` (one per parameter; INDEX
 * `-` for a definition without parameters) and `tbl FILE NR ABI NAME ENTRY [COMPAT-ENTRY]` (one per syscall table
 * line). The generator maps each of our tables' syscall names to the kernel entry point, the entry point to its
 * definition (the arch's own first, then the generic one), and each C type to its width on that ABI.
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OUTPUT = join(ROOT, 'src/core/syscalls/argtypes.generated.ts');
const DATA = join(ROOT, 'data/syscalls');
export const KERNEL_TSV = join(DATA, 'argtypes-kernel.tsv');
export const SUPPLEMENT_TSV = join(DATA, 'argtypes-supplement.tsv');

// ---------------------------------------------------------------------------------------------------------------
// Extraction (needs a kernel tree)

/** Kernel syscall tables of the ABIs we cover (paths in the kernel tree). */
const TABLE_FILES = [
  'arch/x86/entry/syscalls/syscall_64.tbl',
  'scripts/syscall.tbl',
  'arch/s390/kernel/syscalls/syscall.tbl',
  'arch/powerpc/kernel/syscalls/syscall.tbl',
  'arch/mips/kernel/syscalls/syscall_n64.tbl',
  'arch/mips/kernel/syscalls/syscall_n32.tbl',
  'arch/parisc/kernel/syscalls/syscall.tbl',
];

/** Directories whose definitions never serve the ABIs we cover: user-mode Linux, tools, docs. */
const SKIP_DIRS = new Set(['tools', 'Documentation', 'samples', 'scripts', 'arch/x86/um', 'usr', 'LICENSES']);
/** The arch directories of the ABIs we cover; the other arches' definitions are not extracted. */
const ARCH_DIRS = new Set(['arch/x86', 'arch/arm64', 'arch/riscv', 'arch/loongarch', 'arch/s390', 'arch/powerpc', 'arch/mips', 'arch/parisc']);

export interface Definition {
  kind: 'SYSCALL' | 'COMPAT';
  name: string;
  file: string;
  line: number;
  /** The preprocessor conditions around the definition, `&&`-joined (`''` = unconditional). */
  cond: string;
  params: Array<{ type: string; name: string }>;
}

function listSources(root: string, dir = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, dir))) {
    const rel = dir ? `${dir}/${e}` : e;
    if (SKIP_DIRS.has(rel) || (dir === 'arch' && !ARCH_DIRS.has(rel))) continue;
    const st = statSync(join(root, rel));
    if (st.isDirectory()) out.push(...listSources(root, rel));
    else if (/\.[ch]$/.test(e)) out.push(rel);
  }
  return out;
}

/** Replaces comments by spaces, keeping newlines so line numbers stay right. */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (m) => m.replace(/[^\n]/g, ' '));
}

/** Splits at top-level commas. */
function splitTop(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.replace(/\s+/g, ' ').trim());
}

/**
 * `compat_arg_u64(x)` / `compat_arg_u64_dual(x)` (include/linux/compat.h) stand for two 32-bit halves on the
 * compat ABIs that pass a 64-bit value in two registers; expand them so the parameter list has its real arity.
 */
function expandCompatArgs(parts: string[]): string[] {
  const out: string[] = [];
  for (const p of parts) {
    const m = /^(?:compat_arg_u64(?:_dual)?|arg_u32p)\((\w+)\)$/.exec(p);
    if (m) out.push('u32', `${m[1]}_lo`, 'u32', `${m[1]}_hi`);
    else out.push(p);
  }
  return out;
}

interface CondFrame {
  /** Conditions of the branches already passed (negated in the current one). */
  previous: string[];
  current: string;
  guard: boolean;
}

/** Extracts the syscall definitions of one source file. */
export function extractDefinitions(file: string, text: string): Definition[] {
  const lines = stripComments(text).split('\n');
  const defs: Definition[] = [];
  const stack: CondFrame[] = [];
  const condition = (): string =>
    stack
      .filter((f) => !f.guard)
      .map((f) => [...f.previous.map((p) => `!(${p})`), f.current].filter(Boolean).join(' && '))
      .filter(Boolean)
      .join(' && ');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    // Preprocessor lines continue over backslash-newlines.
    while (/^\s*#/.test(line) && line.trimEnd().endsWith('\\') && i + 1 < lines.length) line = `${line.trimEnd().slice(0, -1)} ${lines[++i]}`;
    const pp = /^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b\s*(.*?)\s*$/.exec(line);
    if (pp) {
      const d = pp[1];
      const rest = pp[2].replace(/\s+/g, ' ');
      if (d === 'ifdef') stack.push({ previous: [], current: `defined(${rest})`, guard: false });
      else if (d === 'ifndef') {
        // An include guard: `#ifndef X` followed by `#define X`.
        const next = lines.slice(i + 1).find((l) => l.trim() !== '') ?? '';
        const guard = new RegExp(`^\\s*#\\s*define\\s+${rest}\\b`).test(next);
        stack.push({ previous: [], current: `!defined(${rest})`, guard });
      } else if (d === 'if') stack.push({ previous: [], current: rest, guard: false });
      else if (d === 'elif' || d === 'else') {
        const f = stack[stack.length - 1];
        if (f) {
          f.previous.push(f.current);
          f.current = d === 'elif' ? rest : '';
        }
      } else stack.pop();
      continue;
    }
    const m = /^\s*(COMPAT_)?SYSCALL_DEFINE([0-6])\(/.exec(line);
    if (!m) continue;
    // Gather the macro's argument list up to its closing parenthesis.
    let body = '';
    let depth = 0;
    let done = false;
    for (let j = i; j < lines.length && !done; j++) {
      const start = j === i ? m[0].length : 0;
      if (j === i) depth = 1;
      for (let k = start; k < lines[j].length; k++) {
        const ch = lines[j][k];
        if (ch === '(') depth++;
        if (ch === ')') depth--;
        if (depth === 0) {
          done = true;
          break;
        }
        body += ch;
      }
      body += ' ';
    }
    const parts = expandCompatArgs(splitTop(body));
    const n = Number(m[2]);
    const name = parts[0];
    const rest = parts.slice(1).filter((p, idx) => !(n === 0 && idx === 0 && p === ''));
    if (rest.length !== 2 * n) throw new Error(`${file}:${i + 1}: ${m[0]}${name}: ${rest.length} items for ${n} parameters`);
    const params: Definition['params'] = [];
    for (let p = 0; p < n; p++) params.push({ type: rest[2 * p], name: rest[2 * p + 1] });
    defs.push({ kind: m[1] ? 'COMPAT' : 'SYSCALL', name, file, line: i + 1, cond: condition(), params });
  }
  return defs;
}

function tsvCell(s: string): string {
  if (/[\t\n]/.test(s)) throw new Error(`cell with a tab or newline: ${JSON.stringify(s)}`);
  return s === '' ? '-' : s;
}

function extract(root: string, label: string, out: string, only: string[] | undefined): void {
  const files = only ?? listSources(root);
  const rows: string[] = [];
  let defCount = 0;
  for (const f of files.sort()) {
    const text = readFileSync(join(root, f), 'utf8');
    if (!/SYSCALL_DEFINE/.test(text)) continue;
    for (const d of extractDefinitions(f, text)) {
      defCount++;
      const head = ['def', d.kind, d.name, d.file, String(d.line), tsvCell(d.cond)];
      if (d.params.length === 0) rows.push([...head, '-', '-', '-'].join('\t'));
      d.params.forEach((p, i) => rows.push([...head, String(i), tsvCell(p.type), tsvCell(p.name)].join('\t')));
    }
  }
  let tblCount = 0;
  if (!only) {
    for (const t of TABLE_FILES) {
      for (const line of readFileSync(join(root, t), 'utf8').split('\n')) {
        if (line.trim() === '' || line.startsWith('#')) continue;
        const cols = line.trim().split(/\s+/);
        rows.push(['tbl', t, ...cols].join('\t'));
        tblCount++;
      }
    }
  }
  const header = [
    `# Syscall definitions${only ? '' : ' and syscall tables'} extracted by scripts/gen-argtypes.ts --extract.`,
    `# Source: ${label}`,
    `# ${defCount} definitions${only ? ` from ${files.join(', ')}` : ` from the tree (every .c/.h outside ${[...SKIP_DIRS].join(', ')} and outside arch/ except ${[...ARCH_DIRS].join(', ')})`}${only ? '' : `, ${tblCount} table lines from ${TABLE_FILES.join(', ')}`}.`,
    '# Rows: def KIND NAME FILE LINE COND INDEX TYPE ARGNAME | tbl FILE NR ABI NAME ENTRY [COMPAT-ENTRY]; "-" = empty.',
  ];
  writeFileSync(out, `${header.join('\n')}\n${rows.join('\n')}\n`);
  process.stdout.write(`wrote ${out}: ${defCount} definitions, ${tblCount} table lines\n`);
}

// ---------------------------------------------------------------------------------------------------------------
// Generation (from the committed TSV)

/** How one of our tables maps onto a kernel syscall table. */
interface TableSpec {
  /** The kernel table file (a `tbl` row's FILE). */
  file: string;
  /** Its ABI column values that belong to this table. */
  abis: string[];
  /** Take the compat entry point (5th column) when the line has one. */
  compat: boolean;
  /** The arch directory whose own definitions win over the generic ones. */
  archDir: string;
  /** Kconfig facts that decide between alternative definitions (see `resolveDefinition`). */
  config: string[];
  /** True when `long` and pointers are 32 bits in the kernel's view (never for the tables we cover). */
  ilp32?: boolean;
}

/**
 * Our tables (libseccomp's names) with 64-bit argument registers. The extra ABI columns of the generic table are
 * the arch's `syscall_abis_64` (arch/{arm64,riscv,loongarch}/kernel/Makefile.syscalls). `config` lists the Kconfig
 * symbols that choose between alternative definitions, as `select`ed by the arch's top-level config in
 * arch/<dir>/Kconfig (6.12): CLONE_BACKWARDS by ARM64, RISCV, MIPS, PARISC and PPC; CLONE_BACKWARDS2, OLD_SIGACTION
 * and OLD_SIGSUSPEND3 by S390; OLD_SIGSUSPEND by PPC; none of them by X86_64 (X86_32 selects CLONE_BACKWARDS) or
 * LOONGARCH. Symbols not listed count as off; other macros are unknown, and an alternative is taken only when
 * every other one is ruled out.
 */
export const TABLE_SPECS: Record<string, TableSpec> = {
  x86_64: { file: 'arch/x86/entry/syscalls/syscall_64.tbl', abis: ['common', '64'], compat: false, archDir: 'arch/x86/', config: ['CONFIG_X86_64', 'CONFIG_64BIT'] },
  x32: { file: 'arch/x86/entry/syscalls/syscall_64.tbl', abis: ['common', 'x32'], compat: true, archDir: 'arch/x86/', config: ['CONFIG_X86_64', 'CONFIG_64BIT', 'CONFIG_X86_X32_ABI', 'CONFIG_COMPAT'] },
  aarch64: { file: 'scripts/syscall.tbl', abis: ['common', '64', 'renameat', 'rlimit', 'memfd_secret'], compat: false, archDir: 'arch/arm64/', config: ['CONFIG_64BIT', 'CONFIG_CLONE_BACKWARDS'] },
  riscv64: { file: 'scripts/syscall.tbl', abis: ['common', '64', 'riscv', 'rlimit', 'memfd_secret'], compat: false, archDir: 'arch/riscv/', config: ['CONFIG_64BIT', 'CONFIG_CLONE_BACKWARDS'] },
  loongarch64: { file: 'scripts/syscall.tbl', abis: ['common', '64'], compat: false, archDir: 'arch/loongarch/', config: ['CONFIG_64BIT'] },
  s390x: { file: 'arch/s390/kernel/syscalls/syscall.tbl', abis: ['common', '64'], compat: false, archDir: 'arch/s390/', config: ['CONFIG_64BIT', 'CONFIG_CLONE_BACKWARDS2', 'CONFIG_OLD_SIGACTION', 'CONFIG_OLD_SIGSUSPEND3'] },
  ppc64: { file: 'arch/powerpc/kernel/syscalls/syscall.tbl', abis: ['common', '64', 'nospu'], compat: false, archDir: 'arch/powerpc/', config: ['CONFIG_64BIT', 'CONFIG_PPC64', 'CONFIG_CLONE_BACKWARDS', 'CONFIG_OLD_SIGSUSPEND'] },
  mips64: { file: 'arch/mips/kernel/syscalls/syscall_n64.tbl', abis: ['n64'], compat: false, archDir: 'arch/mips/', config: ['CONFIG_64BIT', 'CONFIG_CLONE_BACKWARDS'] },
  mips64n32: { file: 'arch/mips/kernel/syscalls/syscall_n32.tbl', abis: ['n32'], compat: false, archDir: 'arch/mips/', config: ['CONFIG_64BIT', 'CONFIG_CLONE_BACKWARDS', 'CONFIG_MIPS32_N32', 'CONFIG_COMPAT'] },
  parisc64: { file: 'arch/parisc/kernel/syscalls/syscall.tbl', abis: ['common', '64'], compat: false, archDir: 'arch/parisc/', config: ['CONFIG_64BIT', 'CONFIG_CLONE_BACKWARDS'] },
};

/** Generic definitions that a configuration we cover never builds (no-MMU and no-POSIX-timers stubs). */
const GENERIC_EXCLUDED_FILES = new Set(['mm/nommu.c', 'kernel/time/posix-stubs.c']);

/**
 * Widths of the C types in syscall parameters on a 64-bit kernel (LP64: long and pointers 64 bits). Typedefs
 * resolved from include/linux/types.h, include/uapi/asm-generic/posix_types.h, include/linux/compat.h and the
 * uapi headers named. `bits` is the width of the type itself; the argument comparison uses 32 for anything
 * narrower than 32 (the filter sees 32-bit words).
 */
export const C_TYPES: Record<string, { bits: 8 | 16 | 32 | 64; signed: boolean }> = {
  int: { bits: 32, signed: true },
  'unsigned int': { bits: 32, signed: false },
  unsigned: { bits: 32, signed: false },
  long: { bits: 64, signed: true },
  'unsigned long': { bits: 64, signed: false },
  'long long': { bits: 64, signed: true },
  'unsigned long long': { bits: 64, signed: false },
  'unsigned short': { bits: 16, signed: false },
  short: { bits: 16, signed: true },
  u8: { bits: 8, signed: false },
  u16: { bits: 16, signed: false },
  u32: { bits: 32, signed: false },
  __u32: { bits: 32, signed: false },
  s32: { bits: 32, signed: true },
  __s32: { bits: 32, signed: true },
  u64: { bits: 64, signed: false },
  __u64: { bits: 64, signed: false },
  s64: { bits: 64, signed: true },
  __s64: { bits: 64, signed: true },
  // __kernel_pid_t, __kernel_uid32_t, ... (posix_types.h)
  pid_t: { bits: 32, signed: true },
  uid_t: { bits: 32, signed: false },
  gid_t: { bits: 32, signed: false },
  qid_t: { bits: 32, signed: false },
  key_serial_t: { bits: 32, signed: true },
  key_t: { bits: 32, signed: true },
  clockid_t: { bits: 32, signed: true },
  timer_t: { bits: 32, signed: true },
  mqd_t: { bits: 32, signed: true },
  rwf_t: { bits: 32, signed: true },
  __kernel_rwf_t: { bits: 32, signed: true },
  umode_t: { bits: 16, signed: false },
  // size_t, ssize_t, off_t are long-sized on 64-bit kernels; loff_t is long long.
  size_t: { bits: 64, signed: false },
  ssize_t: { bits: 64, signed: true },
  off_t: { bits: 64, signed: true },
  loff_t: { bits: 64, signed: true },
  aio_context_t: { bits: 64, signed: false },
  old_sigset_t: { bits: 64, signed: false },
  __kernel_old_time_t: { bits: 64, signed: true },
  time_t: { bits: 64, signed: true },
  // Pointer typedefs.
  cap_user_header_t: { bits: 64, signed: false },
  cap_user_data_t: { bits: 64, signed: false },
  __sighandler_t: { bits: 64, signed: false },
  // compat types (include/linux/compat.h, asm-generic/compat.h): 32-bit user ABI.
  compat_int_t: { bits: 32, signed: true },
  compat_uint_t: { bits: 32, signed: false },
  compat_long_t: { bits: 32, signed: true },
  compat_ulong_t: { bits: 32, signed: false },
  compat_size_t: { bits: 32, signed: false },
  compat_ssize_t: { bits: 32, signed: true },
  compat_off_t: { bits: 32, signed: true },
  compat_loff_t: { bits: 64, signed: true },
  compat_pid_t: { bits: 32, signed: true },
  compat_uptr_t: { bits: 32, signed: false },
  compat_aio_context_t: { bits: 32, signed: false },
  compat_old_sigset_t: { bits: 32, signed: false },
  compat_timer_t: { bits: 32, signed: true },
  compat_key_t: { bits: 32, signed: true },
  compat_mode_t: { bits: 32, signed: false },
  // Spelled out in a few arch definitions.
  uint: { bits: 32, signed: false },
  uintptr_t: { bits: 64, signed: false },
};

/** Normalizes a parameter type: drops qualifiers and `__user`; pointers become `T *`. */
export function normalizeType(t: string): string {
  return t
    .replace(/\b(const|volatile|__user|__force|__kernel|signed(?= (?:int|long|short|char)))\b/g, ' ')
    .replace(/\s*\*\s*/g, ' *')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Width and signedness of a normalized C type on a 64-bit kernel; undefined when unknown. */
export function typeWidth(type: string): { bits: 8 | 16 | 32 | 64; signed: boolean } | undefined {
  if (type.includes('*')) return { bits: 64, signed: false };
  if (/^enum \w+$/.test(type)) return { bits: 32, signed: false };
  return C_TYPES[type];
}

interface TblRow {
  file: string;
  nr: number;
  abi: string;
  name: string;
  entry: string;
  compat?: string;
}

export interface ArgTypeData {
  label: string;
  defs: Definition[];
  tbl: TblRow[];
}

export function readTsv(file: string): ArgTypeData {
  const defs = new Map<string, Definition>();
  const tbl: TblRow[] = [];
  let label = '';
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('# Source: ')) label = line.slice('# Source: '.length);
    if (line === '' || line.startsWith('#')) continue;
    const c = line.split('\t').map((x) => (x === '-' ? '' : x));
    if (c[0] === 'def') {
      const [, kind, name, f, ln, cond, index, type, argName] = c;
      const key = `${kind} ${name} ${f}:${ln}`;
      let d = defs.get(key);
      if (!d) {
        d = { kind: kind as Definition['kind'], name, file: f, line: Number(ln), cond, params: [] };
        defs.set(key, d);
      }
      if (index !== '') {
        if (Number(index) !== d.params.length) throw new Error(`${file}: ${key} parameter ${index} out of order`);
        d.params.push({ type, name: argName });
      }
    } else if (c[0] === 'tbl') {
      const [, f, nr, abi, name, entry, compat] = c;
      const row: TblRow = { file: f, nr: Number(nr), abi, name, entry: entry ?? '' };
      if (compat) row.compat = compat;
      tbl.push(row);
    } else throw new Error(`${file}: bad row ${line.slice(0, 60)}`);
  }
  return { label, defs: [...defs.values()], tbl };
}

/** `sys_foo`, `__sys_foo`, `sys_foo_wrapper`, `compat_sys_foo` -> the definition they come from; undefined for none. */
export function entryDefinitionKey(entry: string): { kind: Definition['kind']; name: string } | undefined {
  const e = entry.replace(/^__/, '').replace(/_wrapper$/, '');
  if (e === 'sys_ni_syscall' || e === '' || e === '-') return undefined;
  let m = /^compat_sys_(\w+)$/.exec(e);
  if (m) return { kind: 'COMPAT', name: m[1] };
  m = /^sys_(\w+)$/.exec(e);
  if (m) return { kind: 'SYSCALL', name: m[1] };
  return undefined;
}

/**
 * Evaluates a preprocessor condition for a configuration in three-valued logic: `CONFIG_*` symbols are true when
 * listed and false otherwise; anything else (`__ARCH_WANT_*`, `BITS_PER_LONG == 32`, ...) is unknown (undefined).
 * Understands `defined(X)`, `X`, `IS_ENABLED(X)`, `!`, `&&`, `||` and parentheses; anything it cannot parse is unknown.
 */
export function evalCondition(cond: string, config: readonly string[]): boolean | undefined {
  if (cond.trim() === '') return true;
  const tokens = cond.match(/defined\s*\(\s*\w+\s*\)|defined\s+\w+|IS_ENABLED\s*\(\s*\w+\s*\)|\w+|&&|\|\||!|\(|\)|\S+/g) ?? [];
  let pos = 0;
  let broken = false;
  type V = boolean | undefined;
  const not = (v: V): V => (v === undefined ? undefined : !v);
  const primary = (): V => {
    const t = tokens[pos++];
    if (t === '!') return not(primary());
    if (t === '(') {
      const v = or();
      if (tokens[pos++] !== ')') broken = true;
      return v;
    }
    const m = /^(?:defined|IS_ENABLED)\s*\(?\s*(\w+)\s*\)?$/.exec(t ?? '');
    const sym = m ? m[1] : t;
    if (sym === undefined || !/^\w+$/.test(sym)) {
      broken = true;
      return undefined;
    }
    if (/^CONFIG_\w+$/.test(sym)) return config.includes(sym);
    return undefined;
  };
  const and = (): V => {
    let v = primary();
    while (tokens[pos] === '&&') {
      pos++;
      const w = primary();
      v = v === false || w === false ? false : v === true && w === true ? true : undefined;
    }
    return v;
  };
  const or = (): V => {
    let v = and();
    while (tokens[pos] === '||') {
      pos++;
      const w = and();
      v = v === true || w === true ? true : v === false && w === false ? false : undefined;
    }
    return v;
  };
  const v = or();
  return broken || pos !== tokens.length ? undefined : v;
}

function sameParams(a: Definition, b: Definition): boolean {
  return a.params.length === b.params.length && a.params.every((p, i) => normalizeType(p.type) === normalizeType(b.params[i].type));
}

/** The definition an entry point of one table runs: the arch's own first, then the generic one; alternatives by config. */
export function resolveDefinition(defs: readonly Definition[], spec: TableSpec, key: { kind: Definition['kind']; name: string }): Definition | undefined | 'ambiguous' {
  const same = defs.filter((d) => d.kind === key.kind && d.name === key.name);
  const own = same.filter((d) => d.file.startsWith(spec.archDir));
  const generic = same.filter((d) => !d.file.startsWith('arch/') && !GENERIC_EXCLUDED_FILES.has(d.file));
  for (const pool of [own, generic]) {
    if (pool.length === 0) continue;
    if (pool.every((d) => sameParams(d, pool[0]))) return pool[0];
    // The one alternative that the configuration does not rule out.
    const possible = pool.filter((d) => evalCondition(d.cond, spec.config) !== false);
    if (possible.length > 0 && possible.every((d) => sameParams(d, possible[0]))) return possible[0];
    return 'ambiguous';
  }
  return undefined;
}

export interface ResolvedSyscall {
  table: string;
  name: string;
  entry: string;
  def: Definition;
}

export interface Resolution {
  resolved: ResolvedSyscall[];
  /** Syscalls of our tables whose entry point has no SYSCALL_DEFINE (asm entry points, sys_ni_syscall, ...). */
  unresolved: Array<{ table: string; name: string; entry: string; why: string }>;
}

/**
 * Resolves every syscall of the kernel tables to its definition; names our tables list that the arch's 6.12 table
 * lacks (newer calls, and set_mempolicy_home_node on mips n64) get entry point `sys_NAME`, from the supplement first.
 */
export function resolveAll(main: ArgTypeData, supplement: ArgTypeData | undefined, ourNames: (table: string) => readonly string[]): Resolution {
  const resolved: ResolvedSyscall[] = [];
  const unresolved: Resolution['unresolved'] = [];
  for (const [table, spec] of Object.entries(TABLE_SPECS)) {
    const rows = main.tbl.filter((r) => r.file === spec.file && spec.abis.includes(r.abi));
    const seen = new Set<string>();
    const add = (name: string, entry: string, defs: readonly Definition[]): void => {
      seen.add(name);
      const key = entryDefinitionKey(entry);
      if (!key) {
        unresolved.push({ table, name, entry, why: 'no C definition' });
        return;
      }
      const def = resolveDefinition(defs, spec, key);
      if (def === 'ambiguous') throw new Error(`${table} ${name}: alternative definitions of ${entry} that the configuration does not decide`);
      if (!def) unresolved.push({ table, name, entry, why: 'no SYSCALL_DEFINE' });
      else resolved.push({ table, name, entry, def });
    };
    for (const r of rows) add(r.name, spec.compat && r.compat ? r.compat : r.entry, main.defs);
    if (supplement) {
      for (const name of ourNames(table)) {
        if (seen.has(name)) continue;
        // A call the 6.12 table of this arch lacks: its generic definition, newest source first.
        const defs = [...supplement.defs, ...main.defs];
        if (defs.some((d) => d.kind === 'SYSCALL' && d.name === name)) add(name, `sys_${name}`, defs);
      }
    }
  }
  return { resolved, unresolved };
}

/** Provenance written into the generated file. */
function provenance(main: ArgTypeData): string[] {
  return [
    `// Definitions and tables: ${main.label}`,
    '//   extracted with scripts/gen-argtypes.ts --extract into data/syscalls/argtypes-kernel.tsv.',
    '// Newer syscalls: data/syscalls/argtypes-supplement.tsv (written by hand from the upstream SYSCALL_DEFINE lines).',
  ];
}

export interface GeneratedArgTypes {
  source: string;
  resolvedCount: number;
  unresolved: Resolution['unresolved'];
}

/** Our table's syscall names (from the generated syscall table, so both tables agree on names). */
export async function ourTableNames(): Promise<(table: string) => readonly string[]> {
  const { NAMES, NUMBERS } = await import('../src/core/syscalls/table.generated.js');
  const names = NAMES.split(' ');
  return (t: string) => {
    const nums = (NUMBERS as Record<string, string>)[t]?.split(',') ?? [];
    return names.filter((_, i) => nums[i] !== undefined && nums[i] !== '');
  };
}

/**
 * The generated module. Format (compact for the browser bundle): `ARG_TYPES`, the distinct normalized C types with
 * width and signedness; `SIGNATURES`, the distinct parameter lists as `typeIndex,typeIndex/name,name`; `BASE`, for
 * each syscall name the signature most tables use (`name=index`, space-separated); `OVERRIDES`, per table the
 * names whose signature differs from BASE (`-` = no definition on that table).
 */
export function generateArgTypesSource(ours: (table: string) => readonly string[], opts: { date?: string } = {}): GeneratedArgTypes {
  const main = readTsv(KERNEL_TSV);
  const supplement = readTsv(SUPPLEMENT_TSV);
  const res = resolveAll(main, supplement, ours);
  const types: string[] = [];
  const typeIndex = new Map<string, number>();
  const sigs: string[] = [];
  const sigIndex = new Map<string, number>();
  const perTable = new Map<string, Map<string, number>>();
  const unknownTypes = new Set<string>();
  for (const r of res.resolved) {
    const idx = r.def.params.map((p) => {
      const t = normalizeType(p.type);
      if (!typeWidth(t)) unknownTypes.add(`${t} (${r.table} ${r.name})`);
      let i = typeIndex.get(t);
      if (i === undefined) {
        i = types.length;
        types.push(t);
        typeIndex.set(t, i);
      }
      return i;
    });
    const sig = `${idx.join(',')}/${r.def.params.map((p) => p.name).join(',')}`;
    let si = sigIndex.get(sig);
    if (si === undefined) {
      si = sigs.length;
      sigs.push(sig);
      sigIndex.set(sig, si);
    }
    const m = perTable.get(r.table) ?? new Map<string, number>();
    m.set(r.name, si);
    perTable.set(r.table, m);
  }
  if (unknownTypes.size > 0) throw new Error(`C types without a width in C_TYPES: ${[...unknownTypes].join('; ')}`);
  // BASE: the most common signature per name.
  const votes = new Map<string, Map<number, number>>();
  for (const m of perTable.values()) {
    for (const [name, si] of m) {
      const v = votes.get(name) ?? new Map<number, number>();
      v.set(si, (v.get(si) ?? 0) + 1);
      votes.set(name, v);
    }
  }
  const base = new Map<string, number>();
  for (const name of [...votes.keys()].sort()) {
    const v = [...(votes.get(name) as Map<number, number>)].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    base.set(name, v[0][0]);
  }
  const overrides: Record<string, string> = {};
  for (const table of Object.keys(TABLE_SPECS)) {
    const m = perTable.get(table) ?? new Map<string, number>();
    const out: string[] = [];
    for (const name of [...ours(table)].sort()) {
      const mine = m.get(name);
      const b = base.get(name);
      if (mine === b) continue;
      if (mine === undefined && b === undefined) continue;
      out.push(`${name}=${mine === undefined ? '-' : mine}`);
    }
    overrides[table] = out.join(' ');
  }
  const date = opts.date ?? new Date().toISOString().slice(0, 10);
  const typeRows = types.map((t) => {
    const w = typeWidth(t) as { bits: number; signed: boolean };
    return `[${JSON.stringify(t)}, ${w.bits}, ${w.signed ? 1 : 0}]`;
  });
  const lines = [
    '// GENERATED by scripts/gen-argtypes.ts (npx tsx scripts/gen-argtypes.ts). Do not edit; edit data/syscalls/argtypes-*.tsv.',
    '//',
    ...provenance(main),
    `// ${res.resolved.length} (table, syscall) pairs typed; ${res.unresolved.length} without a C definition (asm entry points,`,
    '//   sys_ni_syscall, parisc wrappers); see data/syscalls/README.md.',
    `// Generated: ${date}`,
    '',
    '/** Where the argument types come from. */',
    'export const ARGTYPES_PROVENANCE = {',
    `  source: ${JSON.stringify(main.label)},`,
    `  supplement: ${JSON.stringify('data/syscalls/argtypes-supplement.tsv: syscalls added after 6.12, from their upstream SYSCALL_DEFINE lines')},`,
    `  generated: ${JSON.stringify(date)},`,
    '} as const;',
    '',
    '/** The tables that have argument types (libseccomp table names with 64-bit argument registers). */',
    `export const ARGTYPE_TABLES: readonly string[] = ${JSON.stringify(Object.keys(TABLE_SPECS))};`,
    '',
    '/** Distinct normalized C types: [type, bits on a 64-bit kernel, signed]. */',
    `export const ARG_TYPES: ReadonlyArray<readonly [string, 8 | 16 | 32 | 64, 0 | 1]> = [\n  ${typeRows.join(',\n  ')},\n];`,
    '',
    '/** Distinct parameter lists: `typeIndex,...` `/` `name,...` (empty for no parameters). */',
    `export const SIGNATURES: readonly string[] = ${JSON.stringify(sigs)};`,
    '',
    '/** Per syscall name, the signature most tables use: `name=signatureIndex`, space-separated. */',
    `export const BASE: string = ${JSON.stringify([...base].map(([n, i]) => `${n}=${i}`).join(' '))};`,
    '',
    '/** Per table, the names whose signature differs from BASE (`-` = no C definition there). */',
    'export const OVERRIDES: Readonly<Record<string, string>> = {',
    ...Object.entries(overrides).map(([t, v]) => `  ${t}: ${JSON.stringify(v)},`),
    '};',
    '',
  ];
  return { source: lines.join('\n'), resolvedCount: res.resolved.length, unresolved: res.unresolved };
}

/** The generation date written in an existing generated file, if any. */
export function generatedDate(text: string): string | undefined {
  return /^\/\/ Generated: (\d{4}-\d{2}-\d{2})$/m.exec(text)?.[1];
}

async function main(argv: string[]): Promise<number> {
  const at = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const root = at('--extract');
  if (root) {
    const label = at('--label');
    if (!label) throw new Error('--extract needs --label naming the tree (version, commit or package)');
    const only = at('--only')?.split(',').filter(Boolean);
    extract(root, label, at('--out') ?? KERNEL_TSV, only);
    return 0;
  }
  const ours = await ourTableNames();
  const existing = existsSync(OUTPUT) ? readFileSync(OUTPUT, 'utf8') : undefined;
  const date = existing ? generatedDate(existing) : undefined;
  if (argv.includes('--check')) {
    if (!existing || generateArgTypesSource(ours, { date }).source !== existing) {
      process.stderr.write(`${OUTPUT} is stale: run npx tsx scripts/gen-argtypes.ts\n`);
      return 1;
    }
    return 0;
  }
  // Keep the old date when nothing else changed, so regenerating is a no-op.
  let gen = generateArgTypesSource(ours, { date });
  if (gen.source !== existing) gen = generateArgTypesSource(ours);
  writeFileSync(OUTPUT, gen.source);
  const byTable = new Map<string, string[]>();
  for (const u of gen.unresolved) byTable.set(u.table, [...(byTable.get(u.table) ?? []), u.name]);
  process.stdout.write(`wrote ${OUTPUT} (${gen.source.length} bytes): ${gen.resolvedCount} typed\n`);
  for (const [t, names] of byTable) process.stdout.write(`  ${t}: no C definition for ${names.length}: ${names.join(' ')}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
