/**
 * Which syscall names and architectures a runtime's libseccomp knows, and how it multiplexes
 * socket/IPC calls, per supported libseccomp version.
 *
 * `libseccomp-2.5.4` is Debian bookworm's libseccomp2 2.5.4-1+deb12u1 ("syscalls up to Linux
 * 6.7"), the library runc and crun use on that distribution. The lists below were obtained by
 * asking that library (`seccomp_syscall_resolve_name_arch`, `seccomp_arch_resolve_name`) about
 * every name and ABI of our table (libseccomp src/syscalls.csv at 90d3f7dd), on 2026-11-23:
 * - names it does not know at all (resolution returns __NR_SCMP_ERROR on every ABI);
 * - names it knows but maps to a pseudo number on an ABI where our table has a real number;
 * - ABIs it does not know (added in libseccomp 2.6.0).
 * Upstream v2.5.4 (without Debian's patch) additionally lacks cachestat, fchmodat2,
 * map_shadow_stack, futex_wake, futex_wait and futex_requeue; that variant is not modelled.
 */

/** Names Debian's libseccomp 2.5.4 does not resolve on any ABI. */
const UNKNOWN_2_5_4: readonly string[] = [
  'atomic_barrier', 'atomic_cmpxchg_32', 'file_getattr', 'file_setattr', 'getpagesize', 'getxattrat', 'listmount',
  'listns', 'listxattrat', 'lsm_get_self_attr', 'lsm_list_modules', 'lsm_set_self_attr', 'mseal', 'open_tree_attr',
  'removexattrat', 'riscv_hwprobe', 'rseq_slice_yield', 'setxattrat', 'statmount', 'uprobe', 'uretprobe',
];

/** Names Debian's 2.5.4 knows but has no number for on one ABI (where our table has one). */
const MISSING_ON_ABI_2_5_4: Readonly<Record<string, readonly string[]>> = {
  x32: ['map_shadow_stack'],
};

/** ABIs libseccomp 2.5.4 has no support for. */
const UNSUPPORTED_ABIS_2_5_4: readonly string[] = ['loongarch64', 'm68k', 'sh', 'sheb'];

/**
 * ABIs on which libseccomp rewrites socket and SysV IPC rules to also match the multiplexer
 * (`.rule_add = abi_rule_add` in src/arch-*.c): 2.5.4 has x86, mips o32, ppc, ppc64 and s390(x);
 * 2.6 adds m68k and sh.
 */
const MULTIPLEXING_2_5_4: readonly string[] = ['x86', 'mips', 'mipsel', 'ppc', 'ppc64', 'ppc64le', 's390', 's390x'];
const MULTIPLEXING_LATEST: readonly string[] = [...MULTIPLEXING_2_5_4, 'm68k', 'sh', 'sheb'];

/**
 * The calls libseccomp resolves through its multiplexer on those ABIs (`_abi_syscall_socket_test`,
 * `_abi_syscall_ipc_test` in src/syscalls.c): the socket calls and the SysV IPC calls.
 */
export const LIBSECCOMP_MUX_NAMES: ReadonlySet<string> = new Set([
  'socket', 'bind', 'connect', 'listen', 'accept', 'getsockname', 'getpeername', 'socketpair', 'send', 'recv', 'sendto',
  'recvfrom', 'shutdown', 'setsockopt', 'getsockopt', 'sendmsg', 'recvmsg', 'accept4', 'recvmmsg', 'sendmmsg',
  'semop', 'semget', 'semctl', 'semtimedop', 'msgsnd', 'msgrcv', 'msgget', 'msgctl', 'shmat', 'shmdt', 'shmget', 'shmctl',
]);

/** What one libseccomp version knows. */
export interface LibseccompVersion {
  label: string;
  /** True when libseccomp resolves `name` at all (runc/crun ignore rules whose name it does not). */
  knowsName(name: string): boolean;
  /** True when libseccomp has a number for `name` on this ABI (given that our table has one). */
  knowsOnAbi(abi: string, name: string): boolean;
  /** True when libseccomp supports the ABI. */
  supportsAbi(abi: string): boolean;
  /** True when libseccomp adds socketcall/ipc rules for socket/IPC rules on this ABI. */
  multiplexes(abi: string): boolean;
  /** 2.5.4 and earlier mis-merge LT/LE chains (GHSA-4q85-33p6-j5g6, fixed in 2.6.1). */
  ltLeMergeBug: boolean;
}

const unknown254 = new Set(UNKNOWN_2_5_4);
const unsupported254 = new Set(UNSUPPORTED_ABIS_2_5_4);
const mux254 = new Set(MULTIPLEXING_2_5_4);
const muxLatest = new Set(MULTIPLEXING_LATEST);

export const LIBSECCOMP_2_5_4: LibseccompVersion = {
  label: 'libseccomp 2.5.4 (Debian 2.5.4-1+deb12u1)',
  knowsName: (name) => !unknown254.has(name),
  knowsOnAbi: (abi, name) => !unknown254.has(name) && !(MISSING_ON_ABI_2_5_4[abi] ?? []).includes(name),
  supportsAbi: (abi) => !unsupported254.has(abi),
  multiplexes: (abi) => mux254.has(abi),
  ltLeMergeBug: true,
};

/** Our full table with libseccomp 2.6.1 semantics. `knowsName` is completed by the caller with the table. */
export const LIBSECCOMP_LATEST: LibseccompVersion = {
  label: 'libseccomp 2.6 (full syscall table)',
  knowsName: () => true,
  knowsOnAbi: () => true,
  supportsAbi: () => true,
  multiplexes: (abi) => muxLatest.has(abi),
  ltLeMergeBug: false,
};
