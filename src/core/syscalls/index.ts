/**
 * Syscall tables for the 23 ABIs a seccomp filter can see: names and numbers (libseccomp's syscalls.csv), the
 * kernel version that added each call where known, AUDIT_ARCH values, socketcall/ipc multiplexing, named groups
 * and suggestions for names an ABI lacks. Pure data and lookups: runs in browsers.
 */
export type { Abi, MultiplexedCall, SyscallEntry, TableName } from './types.js';
export { ABIS, abiNames, abiForSeccompData, abisForAuditArch, getAbi, requireAbi, toAbi } from './abis.js';
export {
  SINCE_FLOOR,
  allSyscallNames,
  compareKernelVersions,
  isKnownSyscall,
  maxSyscallNumber,
  syscallEntries,
  syscallEntry,
  syscallName,
  syscallNumber,
  syscallSince,
} from './lookup.js';
export {
  type Multiplexer,
  multiplexedCall,
  multiplexedCalls,
  multiplexedSubcallName,
  multiplexerOnlyCalls,
} from './multiplexers.js';
export { GROUPS, expandGroup, groupNames } from './groups.js';
export { type SyscallSuggestion, editDistance, suggestSyscall } from './suggest.js';
export {
  type SyscallAnswer,
  type SyscallGroupAnswer,
  describeAcrossAbis,
  describeGroup,
  describeQuery,
  describeSyscall,
  parseSyscallNumber,
  requireGroup,
} from './query.js';
export {
  AUDIT_ARCH,
  IPC_SUBCALLS,
  MIPS_NR_BASE,
  SOCKETCALL_SUBCALLS,
  TABLE_NAMES,
  TABLE_PROVENANCE,
} from './table.generated.js';
// X32_SYSCALL_BIT is exported once, from bpf/opcodes.
export { type ArgumentType, ARGTYPES_PROVENANCE, argumentBits, argumentType, argumentTypes, hasArgumentTypes } from './argtypes.js';
