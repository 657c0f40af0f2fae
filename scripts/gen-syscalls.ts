/**
 * Generates `src/core/syscalls/table.generated.ts` from the inputs in `data/syscalls/` (see its README):
 * libseccomp's syscalls.csv (names, numbers), the kernel versions of libseccomp PR #457 and our supplement,
 * and the kernel UAPI constants (checked against /usr/include when installed).
 *
 *   npx tsx scripts/gen-syscalls.ts           write the file
 *   npx tsx scripts/gen-syscalls.ts --check   exit 1 if the committed file is stale
 *
 * Output format (compact, so the browser bundle stays small): one space-separated string of all names, then per
 * table one comma-separated string of base-36 numbers aligned with the names ('' = not on that table), and per
 * table one string with one character per name indexing KERNEL_VERSIONS ('-' = unknown).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OUTPUT = join(ROOT, 'src/core/syscalls/table.generated.ts');
const DATA = join(ROOT, 'data/syscalls');

/** Where the numbers come from (data/syscalls/README.md). */
const NUMBERS_SOURCE = {
  source: 'seccomp/libseccomp src/syscalls.csv',
  commit: '90d3f7dd6f52dbf0f4a38ebd0657032b6ef05e6a',
  date: '2026-07-01',
  header: 'v7.1.0-rc4',
  license: 'LGPL-2.1',
} as const;
/** Where the kernel versions come from. */
const KVER_SOURCE = {
  source: 'seccomp/libseccomp pull request #457 src/syscalls.csv (kernels 3.0-6.16 scanned)',
  commit: '031024addec2fd77ff88b92ac2e8b68b56e9b746',
  date: '2025-08-28',
} as const;

/** Tables whose version column in the PR #457 file is unusable (every entry reads 3.0; README). */
const UNTRUSTED_KVER_TABLES = new Set(['aarch64', 'loongarch64', 'riscv64']);
/** (table, version) pairs of the PR #457 file known wrong (i386 direct socket/IPC calls read 3.10; README). */
const UNTRUSTED_KVER_ENTRIES = new Set(['x86:3.10']);

const VERSION_CHARS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

interface Csv {
  header: string[];
  rows: string[][];
}

function readLines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').map((l) => l.replace(/\r$/, ''));
}

/** libseccomp's CSV has no quoting: plain comma splitting. The first line is the header (starts with '#'). */
function readSyscallCsv(file: string): Csv {
  const lines = readLines(file).filter((l) => l.trim() !== '');
  const header = lines[0].split(',');
  if (!header[0].startsWith('#syscall')) throw new Error(`${file}: unexpected header ${header[0]}`);
  const rows = lines.slice(1).map((l) => l.split(','));
  for (const r of rows) if (r.length !== header.length) throw new Error(`${file}: bad row ${r[0]}`);
  return { header, rows };
}

/** `SCMP_KV_5_10` / `KV_5_10` -> `5.10`; UNDEF -> undefined. */
function parseKver(cell: string): string | undefined {
  const m = /^(?:SCMP_)?KV_(\d+)_(\d+)$/.exec(cell);
  if (m) return `${m[1]}.${m[2]}`;
  if (/^(?:SCMP_)?KV_UNDEF$/.test(cell)) return undefined;
  throw new Error(`unexpected kernel version cell ${cell}`);
}

function compareVersions(a: string, b: string): number {
  const [a1, a2] = a.split('.').map(Number);
  const [b1, b2] = b.split('.').map(Number);
  return a1 - b1 || a2 - b2;
}

export interface UapiConstant {
  header: string;
  name: string;
  value: number;
}

export function readUapiConstants(): UapiConstant[] {
  const out: UapiConstant[] = [];
  for (const line of readLines(join(DATA, 'uapi-constants.csv'))) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [header, name, value] = line.split(',');
    out.push({ header, name, value: Number(value) });
  }
  return out;
}

/**
 * Evaluates `#define` constants of an installed header (and what it includes from linux/elf-em.h):
 * numbers, names and `|` only, which is all the UAPI constants we use need.
 */
export function headerDefines(texts: string[]): Map<string, number> {
  const raw = new Map<string, string>();
  for (const text of texts) {
    const joined = text.replace(/\\\n/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ');
    for (const line of joined.split('\n')) {
      const m = /^\s*#\s*define\s+(\w+)\s+(.+?)\s*$/.exec(line);
      if (m) raw.set(m[1], m[2]);
    }
  }
  const cache = new Map<string, number>();
  const evaluate = (name: string, depth: number): number | undefined => {
    if (cache.has(name)) return cache.get(name);
    const expr = raw.get(name);
    if (expr === undefined || depth > 20) return undefined;
    let value = 0;
    for (const part of expr.replace(/[()]/g, ' ').split('|')) {
      const t = part.trim();
      const v = /^(0x[0-9a-f]+|\d+)[uUlL]*$/i.test(t) ? Number(t.replace(/[uUlL]+$/, '')) : evaluate(t, depth + 1);
      if (v === undefined) return undefined;
      value = (value | v) >>> 0;
    }
    cache.set(name, value);
    return value;
  };
  const out = new Map<string, number>();
  for (const name of raw.keys()) {
    const v = evaluate(name, 0);
    if (v !== undefined) out.set(name, v);
  }
  return out;
}

/** Installed copies of a UAPI header (Debian puts asm/ under the multiarch directory). */
function installedHeader(header: string): string | undefined {
  for (const dir of ['/usr/include', '/usr/include/x86_64-linux-gnu', '/usr/include/aarch64-linux-gnu']) {
    const p = join(dir, header);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Checks our UAPI constants against the installed headers. Returns the headers that were checked;
 * throws on a mismatch or a constant missing from an installed header.
 */
export function checkUapiConstants(constants: UapiConstant[]): string[] {
  const checked = new Set<string>();
  const byHeader = new Map<string, UapiConstant[]>();
  for (const c of constants) byHeader.set(c.header, [...(byHeader.get(c.header) ?? []), c]);
  for (const [header, list] of byHeader) {
    if (header.includes(':')) continue; // another architecture's header (mips:asm/unistd.h)
    const path = installedHeader(header);
    if (!path) continue;
    const texts = [readFileSync(path, 'utf8')];
    if (header === 'linux/audit.h') {
      const em = installedHeader('linux/elf-em.h');
      if (em) texts.push(readFileSync(em, 'utf8'));
    }
    const defs = headerDefines(texts);
    for (const c of list) {
      const v = defs.get(c.name);
      if (v === undefined) throw new Error(`${c.name} not found in ${path}`);
      if (v !== c.value) throw new Error(`${c.name}: data/syscalls/uapi-constants.csv says ${c.value}, ${path} says ${v}`);
    }
    checked.add(path);
  }
  return [...checked].sort();
}

interface Supplement {
  name: string;
  table: string;
  since: string;
}

function readSupplement(): Supplement[] {
  const out: Supplement[] = [];
  for (const line of readLines(join(DATA, 'kver-supplement.csv'))) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [name, table, since] = line.split(',', 3);
    if (!/^\d+\.\d+$/.test(since)) throw new Error(`kver-supplement.csv: bad version ${since}`);
    out.push({ name, table, since });
  }
  return out;
}

export interface GenerateOptions {
  /** Generation date written in the header (YYYY-MM-DD); today when omitted. */
  date?: string;
}

/** Builds the text of table.generated.ts. Pure given the input files, apart from the date. */
export function generateTableSource(options: GenerateOptions = {}): string {
  const date = options.date ?? new Date().toISOString().slice(0, 10);
  const numbers = readSyscallCsv(join(DATA, 'libseccomp-syscalls.csv'));
  const kver = readSyscallCsv(join(DATA, 'libseccomp-pr457-kver.csv'));
  if (numbers.header.slice(1).join() !== kver.header.slice(1).join()) throw new Error('CSV columns differ');

  const tables: string[] = [];
  for (let i = 1; i < numbers.header.length; i += 2) tables.push(numbers.header[i]);
  const kverRows = new Map(kver.rows.map((r) => [r[0], r]));

  // Drop names that no table has (none today, but an all-PNR row would be noise).
  const rows = numbers.rows.filter((r) => tables.some((_, t) => r[1 + 2 * t] !== 'PNR'));
  rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const names = rows.map((r) => r[0]);
  for (const n of names) if (!/^[a-z0-9_]+$/.test(n)) throw new Error(`unexpected syscall name ${n}`);

  // since[table][name index]
  const since: (string | undefined)[][] = tables.map(() => names.map(() => undefined));
  let fromPr = 0;
  let dropped = 0;
  rows.forEach((r, n) => {
    const k = kverRows.get(r[0]);
    tables.forEach((table, t) => {
      const col = 1 + 2 * t;
      if (r[col] === 'PNR') return;
      if (!k || k[col] !== r[col]) return;
      const v = parseKver(k[col + 1]);
      if (v === undefined) return;
      if (UNTRUSTED_KVER_TABLES.has(table) || UNTRUSTED_KVER_ENTRIES.has(`${table}:${v}`)) {
        dropped++;
        return;
      }
      since[t][n] = v;
      fromPr++;
    });
  });
  const supplement = readSupplement();
  for (const s of supplement) {
    const t = tables.indexOf(s.table);
    const n = names.indexOf(s.name);
    if (t < 0 || n < 0) throw new Error(`kver-supplement.csv: unknown ${s.name} on ${s.table}`);
    if (rows[n][1 + 2 * t] === 'PNR') throw new Error(`kver-supplement.csv: ${s.name} is not on ${s.table}`);
    if (since[t][n] !== undefined && since[t][n] !== s.since) {
      throw new Error(`kver-supplement.csv: ${s.name} on ${s.table} already ${since[t][n]}`);
    }
    since[t][n] = s.since;
  }

  const versions = [...new Set(since.flat().filter((v): v is string => v !== undefined))].sort(compareVersions);
  if (versions.length > VERSION_CHARS.length) throw new Error('too many kernel versions for the encoding');

  const constants = readUapiConstants();
  checkUapiConstants(constants);
  const constant = (name: string): number => {
    const c = constants.find((x) => x.name === name);
    if (!c) throw new Error(`uapi-constants.csv lacks ${name}`);
    return c.value;
  };
  const hex = (v: number): string => `0x${v.toString(16).padStart(8, '0')}`;

  const out: string[] = [];
  out.push(
    '// GENERATED by scripts/gen-syscalls.ts (npm run gen:syscalls). Do not edit; edit data/syscalls/ instead.',
    '//',
    `// Numbers: ${NUMBERS_SOURCE.source} at ${NUMBERS_SOURCE.commit} (${NUMBERS_SOURCE.date}),`,
    `//   header ${NUMBERS_SOURCE.header}, ${NUMBERS_SOURCE.license} data; copy in data/syscalls/libseccomp-syscalls.csv.`,
    `// Kernel versions: ${KVER_SOURCE.source}`,
    `//   at ${KVER_SOURCE.commit} (${KVER_SOURCE.date}); copy in data/syscalls/libseccomp-pr457-kver.csv;`,
    `//   ${fromPr} taken, ${dropped} distrusted (data/syscalls/README.md), ${supplement.length} from data/syscalls/kver-supplement.csv.`,
    '// Constants: data/syscalls/uapi-constants.csv (linux/audit.h, linux/net.h, linux/ipc.h, asm/unistd.h),',
    '//   checked against the installed /usr/include headers whenever this file is generated.',
    `// Generated: ${date}`,
    '',
    "import type { TableName } from './types.js';",
    '',
    '/** Where the table data comes from. */',
    'export const TABLE_PROVENANCE = {',
    `  source: ${JSON.stringify(NUMBERS_SOURCE.source)},`,
    `  commit: ${JSON.stringify(NUMBERS_SOURCE.commit)},`,
    `  date: ${JSON.stringify(NUMBERS_SOURCE.date)},`,
    `  header: ${JSON.stringify(NUMBERS_SOURCE.header)},`,
    `  kernelVersionSource: ${JSON.stringify(KVER_SOURCE.source)},`,
    `  kernelVersionCommit: ${JSON.stringify(KVER_SOURCE.commit)},`,
    `  generated: ${JSON.stringify(date)},`,
    '} as const;',
    '',
    '/** The tables, in libseccomp CSV column order. */',
    `export const TABLE_NAMES: readonly TableName[] = ${JSON.stringify(tables)};`,
    '',
    '/** Every syscall name, sorted, separated by one space. */',
    `export const NAMES: string = ${JSON.stringify(names.join(' '))};`,
    '',
    '/** Kernel versions referenced by SINCE, oldest first. */',
    `export const KERNEL_VERSIONS: string = ${JSON.stringify(versions.join(' '))};`,
    '',
    '/** Per table: base-36 syscall number for each name of NAMES, comma-separated; empty = not on that table. */',
    'export const NUMBERS: Readonly<Record<TableName, string>> = {',
  );
  tables.forEach((table, t) => {
    const cells = rows.map((r) => (r[1 + 2 * t] === 'PNR' ? '' : Number(r[1 + 2 * t]).toString(36)));
    out.push(`  ${table}: ${JSON.stringify(cells.join(','))},`);
  });
  out.push(
    '};',
    '',
    `/** Per table: one character per name of NAMES, index into KERNEL_VERSIONS (${JSON.stringify(VERSION_CHARS.slice(0, 3))}...); '-' = unknown. */`,
    'export const SINCE: Readonly<Record<TableName, string>> = {',
  );
  tables.forEach((table, t) => {
    const s = since[t].map((v) => (v === undefined ? '-' : VERSION_CHARS[versions.indexOf(v)])).join('');
    out.push(`  ${table}: ${JSON.stringify(s)},`);
  });
  out.push('};', '');

  out.push('/** AUDIT_ARCH_* values (linux/audit.h). */', 'export const AUDIT_ARCH = {');
  for (const c of constants.filter((x) => x.name.startsWith('AUDIT_ARCH_'))) {
    out.push(`  ${c.name.slice('AUDIT_ARCH_'.length)}: ${hex(c.value)},`);
  }
  out.push(
    '} as const;',
    '',
    '/** The bit x32 syscall numbers carry (__X32_SYSCALL_BIT, arch/x86/include/uapi/asm/unistd.h). */',
    `export const X32_SYSCALL_BIT = ${hex(constant('__X32_SYSCALL_BIT'))};`,
    '',
    '/** MIPS syscall number bases (arch/mips/include/uapi/asm/unistd.h): o32, n64, n32. */',
    `export const MIPS_NR_BASE = { o32: ${constant('__NR_O32_Linux')}, n64: ${constant('__NR_64_Linux')}, n32: ${constant('__NR_N32_Linux')} } as const;`,
    '',
    '/** socketcall(2) sub-call numbers by syscall name (SYS_* of linux/net.h). */',
    'export const SOCKETCALL_SUBCALLS: Readonly<Record<string, number>> = {',
  );
  for (const c of constants.filter((x) => x.header === 'linux/net.h')) {
    out.push(`  ${c.name.slice('SYS_'.length).toLowerCase()}: ${c.value},`);
  }
  out.push('};', '', '/** ipc(2) sub-call numbers by syscall name (linux/ipc.h). */', 'export const IPC_SUBCALLS: Readonly<Record<string, number>> = {');
  for (const c of constants.filter((x) => x.header === 'linux/ipc.h')) {
    out.push(`  ${c.name.toLowerCase()}: ${c.value},`);
  }
  out.push('};');
  // Sub-call names must be syscall names: the lookups rely on it.
  for (const c of constants.filter((x) => x.header === 'linux/net.h' || x.header === 'linux/ipc.h')) {
    const n = c.header === 'linux/net.h' ? c.name.slice(4).toLowerCase() : c.name.toLowerCase();
    if (!names.includes(n)) throw new Error(`sub-call ${n} is not a syscall name in the CSV`);
  }
  return `${out.join('\n')}\n`;
}

/** The generation date written in an existing generated file, if any. */
export function generatedDate(text: string): string | undefined {
  return /^\/\/ Generated: (\d{4}-\d{2}-\d{2})$/m.exec(text)?.[1];
}

function main(argv: string[]): number {
  const existing = existsSync(OUTPUT) ? readFileSync(OUTPUT, 'utf8') : undefined;
  if (argv.includes('--check')) {
    const fresh = existing && generateTableSource({ date: generatedDate(existing) });
    if (fresh !== existing) {
      process.stderr.write(`${OUTPUT} is stale: run npm run gen:syscalls\n`);
      return 1;
    }
    return 0;
  }
  // Keep the old date when nothing else changed, so regenerating is a no-op.
  const keep = existing ? generateTableSource({ date: generatedDate(existing) }) : undefined;
  if (keep !== undefined && keep === existing) {
    process.stdout.write(`${OUTPUT} is up to date\n`);
    return 0;
  }
  const checked = checkUapiConstants(readUapiConstants());
  process.stdout.write(`UAPI constants checked against: ${checked.join(', ') || 'no installed header'}\n`);
  const text = generateTableSource();
  writeFileSync(OUTPUT, text);
  process.stdout.write(`wrote ${OUTPUT} (${text.length} bytes)\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
