/**
 * `seccomp-kit syscalls [--arch A] [--json] [NAME|NUMBER|@GROUP ...]`: syscall numbers, names, groups and
 * multiplexer routes on one ABI or on all of them.
 */
import type { Command } from 'commander';
import { action, EXIT_NEGATIVE, EXIT_OK } from '../run.js';
import { color, printJson, println, table } from '../output.js';
import { hostAbi } from '../../node/host.js';
import {
  ABIS,
  SINCE_FLOOR,
  TABLE_PROVENANCE,
  describeAcrossAbis,
  describeGroup,
  describeSyscall,
  groupNames,
  requireAbi,
  requireGroup,
  syscallEntries,
  type Abi,
  type MultiplexedCall,
  type SyscallAnswer,
  type SyscallEntry,
  type SyscallGroupAnswer,
} from '../../core/syscalls/index.js';

interface Options {
  arch?: string;
  json?: boolean;
}

const EXAMPLES = `
Numbers are the ones a seccomp filter sees: x32 numbers carry the x32 bit (0x40000000),
MIPS numbers their ABI base (4000, 5000, 6000). Kernel versions: "≤3.0" means 3.0 or earlier.

Exit status: 0 every query resolved, 1 some name or number does not exist on the ABI,
2 unknown architecture or group.

Examples:
  $ seccomp-kit syscalls --arch x86_64 fchmodat2      452  fchmodat2  (x86_64, since 6.6)
  $ seccomp-kit syscalls --arch x86 socketcall socket also shows the socketcall(SYS_SOCKET=1) route
  $ seccomp-kit syscalls --arch aarch64 open          not there: use openat (56) or openat2 (437)
  $ seccomp-kit syscalls --arch x32 0x40000001        a number prints its name
  $ seccomp-kit syscalls @network                     group members with numbers (host ABI)
  $ seccomp-kit syscalls --arch all clone3            the number on every ABI
  $ seccomp-kit syscalls --arch all                   the ABIs: AUDIT_ARCH, width, byte order, names
  $ seccomp-kit syscalls --arch riscv64 --json        the whole table as JSON`;

export function register(program: Command): void {
  program
    .command('syscalls')
    .description('look up syscall numbers and names per architecture, groups such as @network, and socketcall/ipc routes')
    .argument('[query...]', 'syscall names, numbers (decimal or 0x hex) or @groups; none = the whole table')
    .option('-a, --arch <arch>', 'ABI: x86_64, x86, x32, aarch64, arm, ... (aliases such as amd64, arm64, i386, SCMP_ARCH_*), or "all" (default: this machine)')
    .option('--json', 'print machine-readable JSON')
    .addHelpText('after', `${EXAMPLES}\n\nGroups: ${groupNames().join(' ')}`)
    .action(action((queries: string[], opts: Options) => run(queries, opts)));
}

function run(queries: string[], opts: Options): number {
  if (opts.arch !== undefined && opts.arch.trim().toLowerCase() === 'all') return runAll(queries, opts);
  const abi = opts.arch === undefined ? hostAbi() : requireAbi(opts.arch);
  if (queries.length === 0) return printTable(abi, opts);

  const answers = queries.map((q) => (q.trim().startsWith('@') ? describeGroup(abi, q) : describeSyscall(abi, q)));
  if (opts.json) printJson(answers.map(answerJson));
  else for (const a of answers) printAnswer(abi, a);
  return answers.every(resolved) ? EXIT_OK : EXIT_NEGATIVE;
}

function resolved(a: SyscallAnswer | SyscallGroupAnswer): boolean {
  return a.kind === 'group' || a.entry !== undefined;
}

// ---------------------------------------------------------------- one ABI

/** `452` on most ABIs; `1073742276 (0x40000000|452)` on x32 so the table number stays visible. */
function formatNr(abi: Abi, nr: number): string {
  if (abi.nrOffset >= 0x10000 && nr >= abi.nrOffset) return `${nr} (0x${abi.nrOffset.toString(16)}|${nr - abi.nrOffset})`;
  return String(nr);
}

function formatSince(since: string | undefined): string | undefined {
  if (since === undefined) return undefined;
  return since === SINCE_FLOOR ? `since ≤${since}` : `since ${since}`;
}

function formatMux(m: MultiplexedCall): string {
  return `${m.via}(${m.subName}=${m.sub}) = ${m.viaNr}`;
}

function printAnswer(abi: Abi, a: SyscallAnswer | SyscallGroupAnswer): void {
  if (a.kind === 'group') return printGroup(abi, a);
  if (a.entry) {
    const e = a.entry;
    const paren = [abi.name, formatSince(e.since)].filter(Boolean).join(', ');
    println(`${color.bold(formatNr(abi, e.nr))}  ${e.name}  ${color.dim(`(${paren})`)}`);
    if (a.multiplexed) println(`     also via ${formatMux(a.multiplexed)}`);
    return;
  }
  if (a.kind === 'number') {
    println(`-  ${a.query}  ${color.dim(`(no syscall ${a.query} on ${abi.name}${a.note ? `; ${a.note}` : ''})`)}`);
    return;
  }
  const parts: string[] = [];
  if (a.multiplexed) parts.push(`no syscall of its own on ${abi.name}; reachable via ${formatMux(a.multiplexed)}`);
  else if (a.knownElsewhere) parts.push(`does not exist on ${abi.name}`);
  else parts.push('unknown syscall');
  const repl = (a.suggestions ?? []).filter((s) => s.kind === 'replacement');
  const spell = (a.suggestions ?? []).filter((s) => s.kind === 'spelling');
  if (repl.length) parts.push(`use ${repl.map((s) => `${s.name} (${s.nr})`).join(' or ')}`);
  if (spell.length) parts.push(`did you mean ${spell.map((s) => s.name).join(', ')}?`);
  println(`-  ${a.query}  ${color.dim(`(${parts.join('; ')})`)}`);
}

function printGroup(abi: Abi, g: SyscallGroupAnswer): void {
  println(color.bold(`${g.group} on ${abi.name}: ${g.members.length} syscalls`));
  println(table(g.members.map((e) => entryRow(abi, e))));
  const only = g.multiplexed.filter((m) => m.call.directNr === undefined);
  const both = g.multiplexed.filter((m) => m.call.directNr !== undefined);
  if (only.length) println(`only via a multiplexer: ${only.map((m) => `${m.name} = ${formatMux(m.call)}`).join(', ')}`);
  if (both.length) println(color.dim(`also via a multiplexer: ${both.map((m) => `${m.name} (${m.call.subName}=${m.call.sub})`).join(' ')}`));
  const absent = g.absent.filter((n) => !only.some((m) => m.name === n));
  if (absent.length) println(color.dim(`not on ${abi.name}: ${absent.join(' ')}`));
}

function entryRow(abi: Abi, e: SyscallEntry): string[] {
  return [formatNr(abi, e.nr), e.name, formatSince(e.since) ?? ''];
}

function printTable(abi: Abi, opts: Options): number {
  const entries = syscallEntries(abi);
  if (opts.json) {
    printJson({ abi: abiJson(abi), provenance: TABLE_PROVENANCE, syscalls: entries });
    return EXIT_OK;
  }
  println(table(entries.map((e) => entryRow(abi, e))));
  return EXIT_OK;
}

// ---------------------------------------------------------------- all ABIs

function runAll(queries: string[], opts: Options): number {
  if (queries.length === 0) {
    if (opts.json) printJson(ABIS.map(abiJson));
    else printAbis();
    return EXIT_OK;
  }
  // A group expands to its members, each shown on every ABI.
  const names: string[] = [];
  for (const q of queries) {
    if (q.trim().startsWith('@')) names.push(...requireGroup(q));
    else names.push(q);
  }
  const results = names.map((q) => ({ query: q, answers: describeAcrossAbis(q) }));
  if (opts.json) {
    printJson(results.map((r) => ({ query: r.query, abis: r.answers.map(answerJson) })));
  } else {
    for (const r of results) {
      println(color.bold(r.query));
      const rows = r.answers.map((a) => {
        const abi = requireAbi(a.abi);
        if (!a.entry) {
          const how = a.kind === 'name' && a.multiplexed ? `via ${formatMux(a.multiplexed)}` : '';
          return [`  ${a.abi}`, '-', how];
        }
        const extra = [a.kind === 'number' ? a.entry.name : '', formatSince(a.entry.since) ?? ''];
        if (a.multiplexed) extra.push(`also via ${formatMux(a.multiplexed)}`);
        return [`  ${a.abi}`, formatNr(abi, a.entry.nr), extra.filter(Boolean).join('  ')];
      });
      println(table(rows));
    }
  }
  const anyWhere = results.every((r) => r.answers.some((a) => a.entry !== undefined || (a.kind === 'name' && a.multiplexed)));
  return anyWhere ? EXIT_OK : EXIT_NEGATIVE;
}

function printAbis(): void {
  const hex = (v: number): string => `0x${v.toString(16).padStart(8, '0')}`;
  const rows = [['abi', 'AUDIT_ARCH', 'bits', 'long', 'endian', 'nr offset', 'table', 'libseccomp/OCI', 'moby', 'aliases']];
  for (const a of ABIS) {
    rows.push([
      a.name, hex(a.auditArch), String(a.bits), String(a.longBits), a.endian, a.nrOffset >= 0x10000 ? `0x${a.nrOffset.toString(16)}` : String(a.nrOffset),
      a.table, a.scmpName, a.mobyName ?? '-', a.aliases.join(' ') || '-',
    ]);
  }
  println(table(rows));
}

// ---------------------------------------------------------------- JSON

function abiJson(a: Abi): Record<string, unknown> {
  return {
    name: a.name,
    table: a.table,
    auditArch: a.auditArch,
    auditArchHex: `0x${a.auditArch.toString(16).padStart(8, '0')}`,
    bits: a.bits,
    longBits: a.longBits,
    endian: a.endian,
    nrOffset: a.nrOffset,
    scmpName: a.scmpName,
    mobyName: a.mobyName ?? null,
    aliases: a.aliases,
  };
}

function answerJson(a: SyscallAnswer | SyscallGroupAnswer): Record<string, unknown> {
  if (a.kind === 'group') return { ...a };
  return {
    query: a.query,
    abi: a.abi,
    kind: a.kind,
    found: a.entry !== undefined,
    name: a.entry?.name ?? (a.kind === 'name' ? a.query.trim() : null),
    nr: a.entry?.nr ?? null,
    since: a.entry?.since ?? null,
    multiplexed: a.multiplexed ?? null,
    ...(a.knownElsewhere !== undefined ? { knownElsewhere: a.knownElsewhere } : {}),
    ...(a.suggestions ? { suggestions: a.suggestions } : {}),
    ...(a.note ? { note: a.note } : {}),
  };
}
