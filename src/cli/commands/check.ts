/**
 * `seccomp-kit check [PROFILE]`: reads a profile (default: Docker's built-in one), resolves it for
 * this machine (its architecture and kernel, Docker's default capabilities, runc) and prints a short
 * summary: which ABIs the filter covers, which rules apply and why the others do not, and how many
 * syscalls each ABI allows, denies or checks arguments of.
 */
import { buildFilter } from '../../core/compile/index.js';
import { programStats } from '../../core/compile/stats.js';
import { getAbi } from '../../core/syscalls/index.js';
import { statsTable } from './compile.js';
import type { Command } from 'commander';
import type { Policy, PolicySummary } from '../../core/profile/index.js';
import { builtinProfile, errnoName, isBuiltinRef, summarizePolicy } from '../../core/profile/index.js';
import { action, EXIT_NEGATIVE, EXIT_OK } from '../run.js';
import { color, printJson, println, table } from '../output.js';
import { contextFromOptions, contextOptions, readForResolve, resolveOrReport } from './resolve.js';
import type { ContextOptions } from './resolve.js';

const EXAMPLES = `
Without a profile, checks Docker's built-in default. The context is this machine: its
architecture and kernel, Docker's default capabilities and runc; change any of them with the
options (the same as for resolve). For the whole policy, run resolve.

Exit status: 0 the profile resolves, 1 it has errors (or the runtime would refuse it), 2 bad option.

Examples:
  $ seccomp-kit check                               Docker's default on this machine
  $ seccomp-kit check my-profile.json
  $ seccomp-kit check builtin:podman --runtime crun
  $ seccomp-kit check --cap-add SYS_ADMIN           what --cap-add SYS_ADMIN changes
  $ seccomp-kit check --json | jq .abis`;

export function register(program: Command): void {
  const cmd = program
    .command('check')
    .description('summarise what a seccomp profile enforces on this machine (default: Docker\'s built-in profile)')
    .argument('[profile]', 'profile file (JSON or YAML), - for standard input, or builtin:NAME', 'builtin:docker');
  contextOptions(cmd)
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', EXAMPLES)
    .action(action((file: string, opts: ContextOptions & { json?: boolean }) => run(file, opts)));
}

function run(file: string, opts: ContextOptions & { json?: boolean }): number {
  const ctx = contextFromOptions(opts);
  const profile = readForResolve(file, opts);
  if (!profile) {
    if (opts.json) printJson({ file, ok: false, reason: 'the profile has errors' });
    return EXIT_NEGATIVE;
  }
  const policy = resolveOrReport(profile, ctx);
  if (!policy) {
    if (opts.json) printJson({ file, ok: false, reason: 'the runtime would refuse this profile' });
    return EXIT_NEGATIVE;
  }
  const summary = summarizePolicy(policy);
  // The filter seccomp-kit would compile from it, with `compile`'s defaults.
  const built = policy.unconfined ? undefined : buildFilter(policy);
  const filter = built ? { instructions: built.compiled.program.length, stats: programStats(built.compiled.program, built.policy) } : undefined;
  if (opts.json) {
    printJson({ file, ok: true, ...summary, filter });
    return EXIT_OK;
  }
  printSummary(file, policy, summary);
  if (filter) {
    println(`  ${color.bold('compiled')} (seccomp-kit compile ${file}): ${filter.instructions} instructions`);
    println(statsTable(filter.stats).split('\n').map((l) => `  ${l}`).join('\n'));
    println('');
  }
  return EXIT_OK;
}

/** `ERRNO(1) (EPERM)`. */
function describeAction(text: string): string {
  const m = /^ERRNO\((\d+)\)$/.exec(text);
  const name = m ? errnoName(Number(m[1])) : undefined;
  return name ? `${text} ${color.dim(`(${name})`)}` : text;
}

function printSummary(file: string, policy: Policy, s: PolicySummary): void {
  const c = s.context;
  const what = isBuiltinRef(file) ? `${file} ${color.dim(`(${builtinProfile(file).description})`)}` : file;
  println(`${color.bold(what)}`);
  if (c) {
    const caps = c.privileged ? 'all capabilities (privileged)' : `${c.capabilities.length} capabilities`;
    println(color.dim(`  as ${c.runtime === 'none' ? 'written (no runtime)' : `${c.runtime} enforces it`} on ${c.daemonArch}${c.kernel ? `, kernel ${c.kernel}` : ''}, ${caps}, read as ${c.dialect}${c.syscallTable !== 'latest' ? `, ${c.syscallTable}` : ''}`));
  }
  println('');
  if (s.unconfined) {
    println(`  ${color.yellow(color.bold('unconfined'))}: no seccomp filter is loaded; every syscall is allowed`);
    const why = policy.notes.find((n) => n.code === 'unconfined');
    if (why) println(color.dim(`  ${why.message}`));
    return;
  }
  const rows: string[][] = [];
  const archs = s.architectures.map((a, i) => (i === 0 ? `${a} ${color.dim('(native)')}` : a)).join(', ');
  rows.push(['  architectures', archs]);
  rows.push(['  default action', `${describeAction(s.defaultAction)}; other architectures: ${s.badArchAction}`]);
  if (s.flags.length) rows.push(['  filter flags', s.flags.join(', ')]);
  const dropped = s.rulesTotal - s.rulesKept;
  rows.push(['  rules', `${s.rulesTotal} in the profile: ${color.green(`${s.rulesKept} applied`)}${dropped ? `, ${dropped} not applied` : ''}`]);
  println(table(rows));
  for (const d of s.rulesDropped) println(`  ${' '.repeat(16)}${String(d.count).padStart(4)}  ${d.label}`);
  println('');
  const head = ['  ABI', 'syscalls', 'allowed', 'conditional', 'denied'];
  const body = s.abis.map((a) => [`  ${a.abi}`, String(a.total), color.green(String(a.allowed)), color.yellow(String(a.conditional)), color.red(String(a.denied + a.other))]);
  println(table([head.map((h) => color.bold(h)), ...body].map((r) => r.map((cell, i) => (i === 0 ? cell : cell.padStart(Math.max(head[i].length, 3)))))));
  const stub = s.abis.filter((a) => a.rangeFrom !== undefined);
  if (stub.length > 0) {
    println('');
    println(`  ${color.dim('runc answers ERRNO(38) (ENOSYS) for numbers above the highest syscall the profile names:')}`);
    println(`  ${color.dim(stub.map((a) => `${a.abi} > ${formatNr(a.abi, (a.rangeFrom as number) - 1)}`).join(', '))}`);
  }
  const conditional = policy.abis[0]?.syscalls.filter((x) => x.clauses.length > 0 && x.clauses[0].conditions.length > 0).map((x) => x.name) ?? [];
  if (conditional.length > 0) println(`  ${color.dim(`conditional on ${policy.abis[0].abi}: ${conditional.join(', ')}`)}`);
  println('');
  const w = s.notes.warnings;
  const i = s.notes.info;
  const tail = `see them with: seccomp-kit resolve ${file}`;
  if (w > 0) println(`  ${color.yellow(`${w} warning${w === 1 ? '' : 's'}`)}, ${i} note${i === 1 ? '' : 's'} — ${tail}`);
  else println(`  ${color.green('no warnings')}, ${i} note${i === 1 ? '' : 's'} — ${tail}`);
}

/** x32 numbers carry 0x40000000: print them as the table number plus the bit. */
function formatNr(abi: string, nr: number): string {
  const off = getAbi(abi)?.nrOffset ?? 0;
  return off !== 0 && nr >= off ? `${nr - off} (0x${nr.toString(16)})` : String(nr);
}
