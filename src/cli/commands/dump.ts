import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { SeccompKitError } from '../../core/errors.js';
import { encodeProgram } from '../../core/bpf/codec.js';
import { disassemble, renderDisassembly } from '../../core/bpf/disasm.js';
import { readProcessSeccomp } from '../../node/dump.js';
import { color, printJson, println } from '../output.js';
import { action } from '../run.js';
import { disasmPainter } from './bpf-common.js';

interface DumpOpts {
  pid: string;
  index?: string;
  output?: string;
  json?: boolean;
  arch?: string;
}

function parseNumber(text: string, what: string): number {
  if (!/^\d+$/.test(text)) throw new SeccompKitError('usage', `${what} must be a non-negative integer, not '${text}'`);
  return Number(text);
}

/** `f.bpf` -> `f.3.bpf`, `out` -> `out.3.bpf`. */
function numberedPath(out: string, i: number): string {
  return `${out.replace(/\.bpf$/, '')}.${i}.bpf`;
}

function order(i: number, n: number): string {
  if (n === 1) return 'the only filter';
  if (i === 0) return 'oldest, installed first';
  if (i === n - 1) return 'newest, installed last';
  return `installed ${i + 1} of ${n}`;
}

export function register(program: Command): void {
  program
    .command('dump')
    .description('show the seccomp filters of a running process (ptrace; needs root)')
    .requiredOption('--pid <pid>', 'the process to read')
    .option('-i, --index <n>', 'only filter n (0 = the first installed, the oldest)')
    .option('-o, --output <file>', 'write raw sock_filter bytes: filter n with --index, else every filter to FILE.0.bpf, FILE.1.bpf, ...')
    .option('--json', 'print mode, count and each filter as disassembly lines')
    .option('-a, --arch <abi>', 'ABI for syscall names where a filter never checks arch')
    .addHelpText(
      'after',
      `
The mode and filter count come from /proc/PID/status; the filters themselves from
ptrace(PTRACE_SECCOMP_GET_FILTER): the process is attached with PTRACE_SEIZE, stopped for the
time of the reading and resumed. This needs CAP_SYS_ADMIN (and CAP_SYS_PTRACE over the process),
seccomp-kit itself must not run under seccomp, the process must not be traced already, and the
kernel must be built with CONFIG_CHECKPOINT_RESTORE.

The kernel numbers filters from the oldest: index 0 was installed first, the highest index last
(ptrace(2) says the opposite; the kernel code and a test say this). On every system call
all filters run, and the action with the highest precedence wins (KILL over TRAP over ERRNO over
... over ALLOW). Filters belong to threads; the PID names the main thread.

A process without seccomp prints that and exits 0; so does strict mode (which has no filters).

Examples:
  $ seccomp-kit dump --pid 1234
  $ seccomp-kit dump --pid "$(pidof nginx)" --index 0 -o nginx.bpf
  $ seccomp-kit dump --pid 1234 -o filters                 # filters.0.bpf (oldest), filters.1.bpf, ...
  $ seccomp-kit dump --pid 1234 --json | jq '.filters[0].instructions'
  $ docker inspect -f '{{.State.Pid}}' web | xargs -I{} seccomp-kit dump --pid {}`,
    )
    .action(
      action(async (opts: DumpOpts) => {
        const pid = parseNumber(opts.pid, '--pid');
        const only = opts.index === undefined ? undefined : parseNumber(opts.index, '--index');
        const r = readProcessSeccomp(pid);
        const n = r.filters.length;
        if (only !== undefined && only >= n) {
          throw new SeccompKitError('usage', `process ${pid} has ${n} filter${n === 1 ? '' : 's'}: no index ${only}`);
        }
        const chosen = r.filters.map((p, index) => ({ index, p })).filter((f) => only === undefined || f.index === only);
        const written: string[] = [];
        if (opts.output !== undefined) {
          if (n === 0) throw new SeccompKitError('usage', `process ${pid} has no seccomp filter (mode ${r.mode}): nothing to write`);
          for (const { index, p } of chosen) {
            const file = only !== undefined ? opts.output : numberedPath(opts.output, index);
            writeFileSync(file, encodeProgram(p, 'little'));
            written.push(file);
          }
        }
        const name = r.comm !== undefined ? `pid ${pid} (${r.comm})` : `pid ${pid}`;
        if (opts.json) {
          printJson({
            pid,
            comm: r.comm ?? null,
            mode: r.mode,
            count: n,
            order: 'index 0 is the oldest filter (installed first), the last index the newest',
            written,
            filters: chosen.map(({ index, p }) => {
              const d = disassemble(p, { abi: opts.arch, file: `${name} filter ${index}`, allowUnknown: true });
              return { index, oldest: index === 0, newest: index === n - 1, instructions: p.length, abi: d.abi ?? null, lines: d.lines };
            }),
          });
          return 0;
        }
        if (r.mode !== 'filter') {
          println(`${name}: seccomp ${r.mode === 'disabled' ? 'is disabled (mode 0)' : 'is in strict mode (mode 1): read, write, _exit and sigreturn only, no filters'}`);
          return 0;
        }
        println(`${name}: seccomp filter mode, ${n} filter${n === 1 ? '' : 's'} (index 0 = installed first; all run, the highest-precedence action wins)`);
        for (const { index, p } of chosen) {
          const d = disassemble(p, { abi: opts.arch, file: `${name} filter ${index}`, allowUnknown: true });
          println();
          println(color.bold(`; filter ${index} (${order(index, n)}): ${p.length} instructions`));
          process.stdout.write(renderDisassembly(d, disasmPainter));
        }
        for (const f of written) println(`; wrote ${f}`);
        return 0;
      }),
    );
}
