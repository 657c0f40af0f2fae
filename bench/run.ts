/**
 * `npm run bench`: seccomp-kit's numbers side by side with libseccomp (through koffi), in one run.
 * Prints tables of sizes, executed instructions, cache coverage, timings and ratios. Not a test:
 * nothing here asserts.
 */
import { loadBuiltin, resolveProfile, type Policy } from '../src/core/profile/index.js';
import { readAndResolveDockerDefault } from '../src/core/profile/resolve-bench.js';
import { compilePolicy, restrictPolicyAbis } from '../src/core/compile/index.js';
import { programStats, type ProgramStats } from '../src/core/compile/stats.js';
import { compileEmulator, seccompDataWords } from '../src/core/bpf/emulate.js';
import { seccompData, type Program } from '../src/core/bpf/instruction.js';
import { syscallEntries } from '../src/core/syscalls/index.js';
import { libseccompAvailable, libseccompVersion, buildLibseccompFilter } from '../src/node/libseccomp.js';
import { libseccompSpecFor } from './libseccomp-spec.js';
import { kernelTimingSection, type KernelTimingGroup } from './kernel-timing.js';
import { medianMs, nsPerCall, printTable, ratio } from './util.js';

const CTX = { arch: 'amd64', kernel: '6.18', runtime: 'runc' as const };
const THREE = ['x86_64', 'x86', 'x32'];

function policyFor(name: string, abis: string[]): Policy {
  return restrictPolicyAbis(resolveProfile(loadBuiltin(name), CTX), abis);
}

interface Row { who: string; program: Program; stats: ProgramStats; ms?: number }

function sizes(): void {
  const lib = libseccompAvailable();
  console.log(`libseccomp: ${lib ? libseccompVersion() : 'not available (install libseccomp2): its columns are left out'}`);
  for (const name of ['builtin:docker', 'builtin:podman']) {
    for (const abis of [['x86_64'], THREE]) {
      const policy = policyFor(name, abis);
      const ours = compilePolicy(policy).program;
      const rows: Row[] = [{ who: 'seccomp-kit', program: ours, stats: programStats(ours, policy), ms: medianMs(() => compilePolicy(policyFor(name, abis)), 30) }];
      if (lib) {
        for (const optimize of [1, 2] as const) {
          const spec = libseccompSpecFor(name, CTX, abis, optimize);
          const p = buildLibseccompFilter(spec);
          rows.push({ who: `libseccomp opt=${optimize}`, program: p, stats: programStats(p, policy), ms: medianMs(() => buildLibseccompFilter(spec), 20, 2) });
        }
      }
      const table: (string | number)[][] = [['filter', 'instructions', ...abis.flatMap((a) => [`${a} mean`, `${a} worst`, `${a} any path`]), 'cached allows', 'compile ms']];
      for (const r of rows) {
        const cache = r.stats.abis.filter((a) => a.cache).map((a) => `${a.cache?.cacheable}/${a.cache?.allowed}`).join(' ');
        table.push([r.who, r.program.length, ...r.stats.abis.flatMap((a) => [a.meanExecuted, a.worstExecuted, a.worstAnyPath]), cache, r.ms ?? 0]);
      }
      if (rows.length > 1) {
        for (const r of rows.slice(1)) {
          table.push([`ratio ours/${r.who.replace('libseccomp ', '')}`, ratio(rows[0].program.length, r.program.length), ...rows[0].stats.abis.flatMap((a, i) => [ratio(a.meanExecuted, r.stats.abis[i].meanExecuted), ratio(a.worstExecuted, r.stats.abis[i].worstExecuted), ratio(a.worstAnyPath, r.stats.abis[i].worstAnyPath)]), '', ratio(rows[0].ms ?? 0, r.ms ?? 0)]);
        }
      }
      printTable(`${name}, ${abis.join(' + ')} (amd64, Docker capabilities, kernel 6.18, runc)`, table);
    }
  }
  console.log('\nmean/worst: instructions executed over every syscall number of the ABI\'s table, arguments 0; any path: worst over every path (arguments unknown).');
  console.log('compile ms: ours = resolve + compile from the profile (median of 30 warm runs); libseccomp = rule adds + export (median of 20).');
}

async function resolution(): Promise<void> {
  // Timed on the shipped bundle (dist/core.js, built by `npm run bench`), which is what users run;
  // tsx's transform adds function-name helpers to every closure and is slower.
  const core = (await import(new URL('../dist/core.js', import.meta.url).href)) as typeof import('../src/core/index.js');
  const once = (): unknown => core.resolveProfile(core.loadBuiltin('builtin:docker'), CTX);
  const t0 = performance.now();
  once();
  const cold = performance.now() - t0;
  const warm = medianMs(once, 300, 50);
  const source = medianMs(readAndResolveDockerDefault, 200, 20);
  printTable('read + resolve builtin:docker (goal: under 2 ms warm)', [['', 'ms'], ['bundle, first run in this process', cold], ['bundle, warm, median of 300', warm], ['from source under tsx, warm, median of 200', source]]);
}

function emulator(): void {
  const rows: (string | number)[][] = [['program', 'instructions', 'codegen ns/call', 'interpreter ns/call']];
  const policy = policyFor('builtin:docker', THREE);
  const programs: Array<[string, Program]> = [['seccomp-kit builtin:docker 3-ABI', compilePolicy(policy).program]];
  if (libseccompAvailable()) {
    programs.push(['libseccomp opt=1 builtin:docker 3-ABI', buildLibseccompFilter(libseccompSpecFor('builtin:docker', CTX, THREE, 1))]);
    programs.push(['libseccomp opt=2 builtin:docker 3-ABI', buildLibseccompFilter(libseccompSpecFor('builtin:docker', CTX, THREE, 2))]);
  }
  const nrs = syscallEntries('x86_64').map((e) => e.nr);
  const words = nrs.map((nr) => seccompDataWords(seccompData(0xc000003e, nr)));
  for (const [name, p] of programs) {
    const gen = compileEmulator(p);
    const interp = compileEmulator(p, { codegen: false });
    rows.push([name, p.length, nsPerCall((i) => gen.runWords(words[i % words.length])), nsPerCall((i) => interp.runWords(words[i % words.length]), 5_000)]);
  }
  printTable('emulator (x86_64 syscalls of the table, arguments 0)', rows);
}

/** ns per call on this kernel: ours, libseccomp opt=1 and opt=2, and no filter (bench/kernel-timing.ts). */
function kernelRuntime(): void {
  const lib = libseccompAvailable();
  const groups: KernelTimingGroup[] = ['builtin:docker', 'builtin:podman'].map((name) => {
    const filters = [{ who: 'seccomp-kit', program: compilePolicy(policyFor(name, THREE)).program }];
    if (lib) {
      for (const optimize of [1, 2] as const) {
        filters.push({ who: `libseccomp opt=${optimize}`, program: buildLibseccompFilter(libseccompSpecFor(name, CTX, THREE, optimize)) });
      }
    }
    return { title: `${name}, ${THREE.join(' + ')}`, filters };
  });
  if (!lib) console.log('\nkernel runtime: libseccomp not available, only seccomp-kit and no filter are timed');
  kernelTimingSection(groups);
}

async function main(): Promise<void> {
  console.log(`seccomp-kit bench — node ${process.version}, ${new Date().toISOString()}`);
  sizes();
  await resolution();
  emulator();
  kernelRuntime();
}

await main();
