/**
 * Classic BPF opcode fields and seccomp constants.
 * Sources: linux/bpf_common.h, linux/filter.h (opcode fields, BPF_MAXINSNS, BPF_MEMWORDS),
 * linux/seccomp.h (SECCOMP_RET_*, struct seccomp_data), kernel/seccomp.c (what seccomp accepts).
 */

// Instruction classes (code & 0x07), linux/bpf_common.h
export const BPF_LD = 0x00;
export const BPF_LDX = 0x01;
export const BPF_ST = 0x02;
export const BPF_STX = 0x03;
export const BPF_ALU = 0x04;
export const BPF_JMP = 0x05;
export const BPF_RET = 0x06;
export const BPF_MISC = 0x07;

// Load sizes (code & 0x18)
export const BPF_W = 0x00;
export const BPF_H = 0x08;
export const BPF_B = 0x10;

// Load modes (code & 0xe0)
export const BPF_IMM = 0x00;
export const BPF_ABS = 0x20;
export const BPF_IND = 0x40;
export const BPF_MEM = 0x60;
export const BPF_LEN = 0x80;
export const BPF_MSH = 0xa0;

// ALU / JMP operations (code & 0xf0)
export const BPF_ADD = 0x00;
export const BPF_SUB = 0x10;
export const BPF_MUL = 0x20;
export const BPF_DIV = 0x30;
export const BPF_OR = 0x40;
export const BPF_AND = 0x50;
export const BPF_LSH = 0x60;
export const BPF_RSH = 0x70;
export const BPF_NEG = 0x80;
export const BPF_MOD = 0x90;
export const BPF_XOR = 0xa0;

export const BPF_JA = 0x00;
export const BPF_JEQ = 0x10;
export const BPF_JGT = 0x20;
export const BPF_JGE = 0x30;
export const BPF_JSET = 0x40;

// Operand source (code & 0x08)
export const BPF_K = 0x00;
export const BPF_X = 0x08;
// Return value source (code & 0x18)
export const BPF_A = 0x10;

// BPF_MISC operations (code & 0xf8)
export const BPF_TAX = 0x00;
export const BPF_TXA = 0x80;

/** linux/filter.h: maximum program length accepted by bpf_check_classic. */
export const BPF_MAXINSNS = 4096;
/** linux/filter.h: number of scratch memory words M[0..15]. */
export const BPF_MEMWORDS = 16;

export const bpfClass = (code: number): number => code & 0x07;
export const bpfSize = (code: number): number => code & 0x18;
export const bpfMode = (code: number): number => code & 0xe0;
export const bpfOp = (code: number): number => code & 0xf0;
export const bpfSrc = (code: number): number => code & 0x08;
export const bpfRval = (code: number): number => code & 0x18;
export const bpfMiscOp = (code: number): number => code & 0xf8;

// seccomp return values, linux/seccomp.h
export const SECCOMP_RET_KILL_PROCESS = 0x80000000;
export const SECCOMP_RET_KILL_THREAD = 0x00000000;
export const SECCOMP_RET_TRAP = 0x00030000;
export const SECCOMP_RET_ERRNO = 0x00050000;
export const SECCOMP_RET_USER_NOTIF = 0x7fc00000;
export const SECCOMP_RET_TRACE = 0x7ff00000;
export const SECCOMP_RET_LOG = 0x7ffc0000;
export const SECCOMP_RET_ALLOW = 0x7fff0000;
export const SECCOMP_RET_ACTION_FULL = 0xffff0000;
export const SECCOMP_RET_DATA = 0x0000ffff;
/** include/linux/err.h: the kernel caps ERRNO data at MAX_ERRNO. */
export const MAX_ERRNO = 4095;

// struct seccomp_data offsets, linux/seccomp.h
export const SECCOMP_DATA_NR = 0;
export const SECCOMP_DATA_ARCH = 4;
export const SECCOMP_DATA_IP = 8;
export const SECCOMP_DATA_ARGS = 16;
export const SECCOMP_DATA_SIZE = 64;

// seccomp(2) operations and filter flags, linux/seccomp.h
export const SECCOMP_SET_MODE_STRICT = 0;
export const SECCOMP_SET_MODE_FILTER = 1;
export const SECCOMP_GET_ACTION_AVAIL = 2;
export const SECCOMP_GET_NOTIF_SIZES = 3;

export const SECCOMP_FILTER_FLAG_TSYNC = 1 << 0;
export const SECCOMP_FILTER_FLAG_LOG = 1 << 1;
export const SECCOMP_FILTER_FLAG_SPEC_ALLOW = 1 << 2;
export const SECCOMP_FILTER_FLAG_NEW_LISTENER = 1 << 3;
export const SECCOMP_FILTER_FLAG_TSYNC_ESRCH = 1 << 4;
export const SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV = 1 << 5;

/** The x32 ABI bit that the kernel sets in `nr` (arch/x86/include/uapi/asm/unistd.h __X32_SYSCALL_BIT). */
export const X32_SYSCALL_BIT = 0x40000000;

/** Names of the SECCOMP_FILTER_FLAG_* bits, for messages and summaries. */
export const FILTER_FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [SECCOMP_FILTER_FLAG_TSYNC, 'TSYNC'],
  [SECCOMP_FILTER_FLAG_LOG, 'LOG'],
  [SECCOMP_FILTER_FLAG_SPEC_ALLOW, 'SPEC_ALLOW'],
  [SECCOMP_FILTER_FLAG_NEW_LISTENER, 'NEW_LISTENER'],
  [SECCOMP_FILTER_FLAG_TSYNC_ESRCH, 'TSYNC_ESRCH'],
  [SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, 'WAIT_KILLABLE_RECV'],
];
