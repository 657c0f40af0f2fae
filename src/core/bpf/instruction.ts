/**
 * The instruction model: one classic-BPF instruction is `struct sock_filter`
 * (`__u16 code; __u8 jt; __u8 jf; __u32 k;`, linux/filter.h), 8 bytes.
 */

/** One `struct sock_filter`. All fields are unsigned integers in their C widths. */
export interface Instruction {
  /** 16-bit opcode. */
  code: number;
  /** Jump offset if true (0..255), relative to the next instruction. */
  jt: number;
  /** Jump offset if false (0..255). */
  jf: number;
  /** 32-bit operand, as an unsigned number (0..0xffffffff). */
  k: number;
}

/** A program is its instructions in order; index 0 runs first. */
export type Program = Instruction[];

/** Builds an instruction, normalising `k` to unsigned 32 bits. */
export function insn(code: number, k = 0, jt = 0, jf = 0): Instruction {
  return { code: code & 0xffff, jt: jt & 0xff, jf: jf & 0xff, k: k >>> 0 };
}

/** What the kernel sees for one syscall (`struct seccomp_data`). Arguments are full 64-bit values. */
export interface SeccompData {
  /** Syscall number as the kernel passes it (x32 numbers carry 0x40000000); signed 32-bit in C, kept unsigned here. */
  nr: number;
  /** AUDIT_ARCH_* value (unsigned 32-bit). */
  arch: number;
  /** Instruction pointer (u64). */
  instructionPointer: bigint;
  /** The six syscall arguments (u64 each). */
  args: [bigint, bigint, bigint, bigint, bigint, bigint];
}

/** Builds a {@link SeccompData} with zero defaults. */
export function seccompData(arch: number, nr: number, args: readonly bigint[] = [], instructionPointer = 0n): SeccompData {
  const a: bigint[] = [0n, 0n, 0n, 0n, 0n, 0n];
  for (let i = 0; i < 6 && i < args.length; i++) a[i] = BigInt.asUintN(64, args[i]);
  return { nr: nr >>> 0, arch: arch >>> 0, instructionPointer: BigInt.asUintN(64, instructionPointer), args: a as SeccompData['args'] };
}
