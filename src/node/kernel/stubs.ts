/**
 * Two tiny machine-code functions the kernel probe calls through koffi, so that it can issue raw
 * syscalls from a known instruction address and on the i386 ABI, without a C compiler:
 *
 *   int64_t sk_sys64(uint32_t nr, uint64_t a0, ..., uint64_t a5)   // `syscall`, x86_64 ABI
 *   int64_t sk_sys32(uint32_t nr, uint32_t a0, ..., uint32_t a5)   // `int $0x80`, i386 ABI
 *
 * Both return the kernel's raw result (-errno on failure; no libc errno). `int $0x80` from a
 * 64-bit process enters the kernel's ia32 path: seccomp sees AUDIT_ARCH_I386 and 32-bit
 * arguments, exactly as for a 32-bit program (needs CONFIG_IA32_EMULATION, on by default).
 * The 32-bit stub lives below 2 GiB (MAP_32BIT), so its instruction pointer looks like a 32-bit
 * program's. `seccomp_data.instruction_pointer` is the address after the syscall instruction.
 */
import { libc, MAP_32BIT, MAP_ANONYMOUS, MAP_PRIVATE, PROT_EXEC, PROT_READ, PROT_WRITE } from './libc.js';

/**
 * x86_64 System V: nr in edi, a0..a4 in rsi, rdx, rcx, r8, r9, a5 on the stack; the syscall ABI
 * wants nr in rax and arguments in rdi, rsi, rdx, r10, r8, r9.
 */
export const SYS64_CODE: readonly number[] = [
  0xf3, 0x0f, 0x1e, 0xfa, //       endbr64
  0x89, 0xf8, //                   mov eax, edi        (zero-extends nr)
  0x48, 0x89, 0xf7, //             mov rdi, rsi
  0x48, 0x89, 0xd6, //             mov rsi, rdx
  0x48, 0x89, 0xca, //             mov rdx, rcx
  0x4d, 0x89, 0xc2, //             mov r10, r8
  0x4d, 0x89, 0xc8, //             mov r8, r9
  0x4c, 0x8b, 0x4c, 0x24, 0x08, // mov r9, [rsp+8]
  0x0f, 0x05, //                   syscall
  0xc3, //                         ret
];
/** Offset of the byte after `syscall` in {@link SYS64_CODE}. */
export const SYS64_IP_OFFSET = 28;

/** i386 syscall ABI: nr in eax, arguments in ebx, ecx, edx, esi, edi, ebp (rbx, rbp are callee-saved). */
export const SYS32_CODE: readonly number[] = [
  0xf3, 0x0f, 0x1e, 0xfa, //       endbr64
  0x53, //                         push rbx
  0x55, //                         push rbp
  0x89, 0xf8, //                   mov eax, edi        nr
  0x89, 0xf3, //                   mov ebx, esi        a0
  0x41, 0x89, 0xd3, //             mov r11d, edx       a1 (kept aside)
  0x89, 0xca, //                   mov edx, ecx        a2
  0x44, 0x89, 0xd9, //             mov ecx, r11d       a1
  0x44, 0x89, 0xc6, //             mov esi, r8d        a3
  0x44, 0x89, 0xcf, //             mov edi, r9d        a4
  0x8b, 0x6c, 0x24, 0x18, //       mov ebp, [rsp+24]   a5 (above two pushes and the return address)
  0xcd, 0x80, //                   int 0x80
  0x5d, //                         pop rbp
  0x5b, //                         pop rbx
  0x48, 0x63, 0xc0, //             movsxd rax, eax     (the i386 result is 32-bit)
  0xc3, //                         ret
];
/** Offset of the byte after `int $0x80` in {@link SYS32_CODE}. */
export const SYS32_IP_OFFSET = 30;

/** Addresses of the stubs in this process (shared by all its threads). */
export interface StubAddresses {
  sys64: bigint;
  sys32: bigint;
  /** `seccomp_data.instruction_pointer` of a syscall made by each stub. */
  ip64: bigint;
  ip32: bigint;
}

let stubs: StubAddresses | undefined;

function mapCode(code: readonly number[], extraFlags: number): bigint {
  const c = libc();
  const { koffi } = c;
  const mmap = mmapFn();
  const page = mmap(null, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | extraFlags, -1, 0);
  const addr = page === null ? 0n : koffi.address(page);
  if (addr === 0n || addr === 0xffffffffffffffffn) throw new Error(`mmap for the syscall stub failed: errno ${c.errno()}`);
  new Uint8Array(koffi.view(page, 4096)).set(code);
  if (mprotectFn()(page, 4096, PROT_READ | PROT_EXEC) !== 0) throw new Error(`mprotect for the syscall stub failed: errno ${c.errno()}`);
  return addr;
}

type MmapFn = (addr: null, len: number, prot: number, flags: number, fd: number, off: number) => unknown;
type MprotectFn = (addr: unknown, len: number, prot: number) => number;
let mmapF: MmapFn | undefined;
let mprotectF: MprotectFn | undefined;
function mmapFn(): MmapFn {
  if (!mmapF) {
    const lib = libc().koffi.load('libc.so.6');
    mmapF = lib.func('void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off)') as MmapFn;
    mprotectF = lib.func('int mprotect(void *addr, size_t len, int prot)') as MprotectFn;
  }
  return mmapF;
}
function mprotectFn(): MprotectFn {
  mmapFn();
  return mprotectF as MprotectFn;
}

/** Maps the two stubs once per process (never unmapped: worker threads may still call them). */
export function stubAddresses(): StubAddresses {
  if (stubs) return stubs;
  const sys64 = mapCode(SYS64_CODE, 0);
  const sys32 = mapCode(SYS32_CODE, MAP_32BIT);
  stubs = { sys64, sys32, ip64: sys64 + BigInt(SYS64_IP_OFFSET), ip32: sys32 + BigInt(SYS32_IP_OFFSET) };
  return stubs;
}
