/**
 * Name <-> number lookups over the generated tables. Each ABI's index is decoded on first use and cached,
 * so a caller that needs one ABI pays for one table only.
 */
import type { Abi, SyscallEntry } from './types.js';
import { toAbi } from './abis.js';
import { KERNEL_VERSIONS, NAMES, NUMBERS, SINCE } from './table.generated.js';

interface AbiIndex {
  entries: readonly SyscallEntry[];
  byName: Map<string, SyscallEntry>;
  byNr: Map<number, SyscallEntry>;
}

const indexes = new Map<string, AbiIndex>();
let names: readonly string[] | undefined;
let versions: readonly string[] | undefined;

/** The earliest kernel the version data covers: `since === SINCE_FLOOR` means "this version or earlier". */
export const SINCE_FLOOR = '3.0';

// Must match VERSION_CHARS in scripts/gen-syscalls.ts.
const VERSION_CHARS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

function allNames(): readonly string[] {
  names ??= Object.freeze(NAMES.split(' '));
  return names;
}

function index(abi: Abi): AbiIndex {
  const cached = indexes.get(abi.name);
  if (cached) return cached;
  versions ??= KERNEL_VERSIONS === '' ? [] : KERNEL_VERSIONS.split(' ');
  const nameList = allNames();
  const numbers = NUMBERS[abi.table].split(',');
  const since = SINCE[abi.table];
  if (numbers.length !== nameList.length || since.length !== nameList.length) {
    throw new Error(`syscall table ${abi.table} is corrupt`);
  }
  const entries: SyscallEntry[] = [];
  for (let i = 0; i < nameList.length; i++) {
    if (numbers[i] === '') continue;
    const e: SyscallEntry = { name: nameList[i], nr: parseInt(numbers[i], 36) + abi.nrOffset };
    const v = since[i] === '-' ? undefined : versions[VERSION_CHARS.indexOf(since[i])];
    if (v !== undefined) e.since = v;
    entries.push(Object.freeze(e));
  }
  entries.sort((a, b) => a.nr - b.nr);
  const idx: AbiIndex = {
    entries: Object.freeze(entries),
    byName: new Map(entries.map((e) => [e.name, e])),
    byNr: new Map(entries.map((e) => [e.nr, e])),
  };
  indexes.set(abi.name, idx);
  return idx;
}

/** The entry for a syscall name on an ABI, if the ABI has it. */
export function syscallEntry(abi: Abi | string, name: string): SyscallEntry | undefined {
  return index(toAbi(abi)).byName.get(name);
}

/** The number the filter sees for `name` on this ABI (x32 bit and MIPS base included), if it has one. */
export function syscallNumber(abi: Abi | string, name: string): number | undefined {
  return syscallEntry(abi, name)?.nr;
}

/** The syscall with this number (as the filter sees it) on this ABI. */
export function syscallName(abi: Abi | string, nr: number): string | undefined {
  return index(toAbi(abi)).byNr.get(nr)?.name;
}

/** Every syscall of an ABI, by increasing number. */
export function syscallEntries(abi: Abi | string): readonly SyscallEntry[] {
  return index(toAbi(abi)).entries;
}

/**
 * The kernel version that added `name` on this ABI (`"6.6"`), when known. `"3.0"` ({@link SINCE_FLOOR})
 * means 3.0 or earlier. Unknown for all of aarch64, loongarch64 and riscv64 (data/syscalls/README.md).
 */
export function syscallSince(abi: Abi | string, name: string): string | undefined {
  return syscallEntry(abi, name)?.since;
}

/** The largest syscall number of the ABI (ARM's private calls at 0xf0000+ included). */
export function maxSyscallNumber(abi: Abi | string): number {
  const e = index(toAbi(abi)).entries;
  return e[e.length - 1].nr;
}

/** Every syscall name known on at least one ABI, sorted. */
export function allSyscallNames(): readonly string[] {
  return allNames();
}

/** True when some ABI has a syscall of this name. */
export function isKnownSyscall(name: string): boolean {
  return binarySearch(allNames(), name);
}

function binarySearch(list: readonly string[], key: string): boolean {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = list[mid];
    if (v === key) return true;
    if (v < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Compares kernel versions (`"5.10"` > `"5.9"`). */
export function compareKernelVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
