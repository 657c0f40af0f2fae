/**
 * Kernel argument width: compare only the low 32 bits of arguments the kernel reads as a 32-bit (or narrower) type.
 *
 * seccomp sees the full 64-bit argument registers, but the kernel's syscall wrappers cast each register to the
 * parameter's declared type, so `socket(int family, ...)` acts on the low 32 bits of a0. libseccomp compares all
 * 64 bits on 64-bit ABIs, so a rule that allows by exclusion (`a0 > 40`, `a0 != 40`, a narrow mask) is satisfied by
 * `40 | 1 << 32` while the kernel sees 40. Setting `width: 32` on such conditions makes the filter compare what the
 * kernel reads. Types come from src/core/syscalls/argtypes.ts (the kernel's SYSCALL_DEFINE declarations).
 */
import type { AbiPolicy, Clause, Condition, Policy, PolicyNote, SyscallPolicy } from '../profile/policy.js';
import { conditionHolds } from '../profile/decide.js';
import { argumentType, type ArgumentType } from '../syscalls/argtypes.js';
import { getAbi } from '../syscalls/abis.js';
import { syscallName } from '../syscalls/lookup.js';

/** One argument whose conditions were narrowed to 32 bits. */
export interface ArgWidthChange {
  abi: string;
  syscall: string;
  /** Argument index 0..5. */
  arg: number;
  /** The kernel's C type of the argument (`int`, `unsigned int`, `umode_t`, ...). */
  type: string;
  /** Width of that type (8, 16 or 32). */
  bits: number;
  /** The kernel's parameter name, when known. */
  name?: string;
}

/** What {@link applyKernelArgWidth} returns. */
export interface ArgWidthResult {
  /** The policy with narrowed conditions and one `arg-width-32` note per changed syscall; the input is not modified. */
  policy: Policy;
  /** One entry per (ABI, syscall, argument) narrowed, in policy order. */
  changed: ArgWidthChange[];
}

const U32 = 0xffffffffn;

function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

function describeArg(arg: number, t: ArgumentType): string {
  return `a${arg} (${t.type}${t.name ? ` ${t.name}` : ''})`;
}

/** The note for one syscall: which arguments, their types, and the bypass the change closes. */
const OP_TEXT: Record<Condition['op'], string> = { EQ: '==', NE: '!=', LT: '<', LE: '<=', GT: '>', GE: '>=', MASKED_EQ: '&' };

function conditionText(c: Condition): string {
  return c.op === 'MASKED_EQ' ? `(a${c.arg} & ${hex(c.mask ?? 0n)}) == ${hex(c.value)}` : `a${c.arg} ${OP_TEXT[c.op]} ${hex(c.value)}`;
}

/**
 * An argument value on which a 64-bit comparison and the kernel disagree for one of the narrowed conditions: the
 * condition's own value with bit 32 set (what an attacker would try first).
 */
function example(conds: readonly Condition[]): string | undefined {
  // Prefer a condition that holds on 64 bits but not for the kernel's value: the bypass direction.
  for (const wanted of [true, false]) {
    for (const c of conds) {
      const x = (1n << 32n) | (c.value & U32);
      const args = [0n, 0n, 0n, 0n, 0n, 0n];
      args[c.arg] = x;
      const wide = conditionHolds({ ...c, width: 64 }, args);
      if (wide === wanted && wide !== conditionHolds({ ...c, width: 32 }, args)) {
        return `a${c.arg} = ${hex(x)} is ${hex(x & U32)} to the kernel, yet \`${conditionText(c)}\` is ${wide ? 'true' : 'false'} for it on 64 bits`;
      }
    }
  }
  return undefined;
}

function noteFor(abi: string, sys: SyscallPolicy, args: Array<{ arg: number; t: ArgumentType }>, conds: readonly Condition[], highValues: Array<{ arg: number; value: bigint }>, source: PolicyNote['source']): PolicyNote {
  const list = args.map((a) => describeArg(a.arg, a.t)).join(', ');
  const narrow = args.filter((a) => a.t.bits < 32);
  const ex = example(conds);
  let message =
    `${sys.name} on ${abi}: ${list} now compared on the low 32 bits, the width the kernel reads. Compared on 64 bits ` +
    `(libseccomp), the upper bits, which the kernel drops, decide instead${ex ? `: ${ex}` : ''}; so an exclusion rule ` +
    `(!=, <, >, a narrow mask) could be passed by setting them`;
  if (narrow.length > 0) {
    message += `; ${narrow.map((a) => `${a.t.type} is ${a.t.bits} bits, so bits ${a.t.bits}-31 of a${a.arg} are still compared although the kernel ignores them (an exclusion rule on it can still be passed by setting them)`).join('; ')}`;
  }
  if (highValues.length > 0) {
    message += `; ${highValues.map((h) => `the rule value ${hex(h.value)} on a${h.arg} has bits above 31, which the kernel never sees: it now stands for ${hex(h.value & U32)}`).join('; ')}`;
  }
  const note: PolicyNote = { severity: 'info', code: 'arg-width-32', message, abi, syscall: sys.name };
  if (source) note.source = source;
  return note;
}

/**
 * Sets `width: 32` on every condition whose argument the kernel reads as a type of 32 bits or less, on ABIs whose
 * argument registers are 64 bits wide (x86_64, x32, aarch64, s390x, ppc64, riscv64, ...). 32-bit ABIs are left
 * alone (their arguments are 32 bits already), and so are arguments whose type is unknown or 64 bits wide
 * (`unsigned long`, `size_t`, pointers). Pure: returns a new policy, sharing unchanged parts with the input.
 */
export function applyKernelArgWidth(policy: Policy): ArgWidthResult {
  const changed: ArgWidthChange[] = [];
  const notes: PolicyNote[] = [];
  const abis = policy.abis.map((ap): AbiPolicy => {
    const abi = getAbi(ap.abi);
    if (!abi || abi.bits !== 64) return ap;
    let abiChanged = false;
    const syscalls = ap.syscalls.map((sys): SyscallPolicy => {
      // The number is what the filter matches; the name only when the number is not in the table.
      const name = syscallName(abi, sys.nr) ?? sys.name;
      const narrowed = new Map<number, ArgumentType>();
      const highValues: Array<{ arg: number; value: bigint }> = [];
      const conds: Condition[] = [];
      let firstSource: PolicyNote['source'];
      const clauses = sys.clauses.map((cl): Clause => {
        let clauseChanged = false;
        const conditions = cl.conditions.map((c): Condition => {
          if (c.width !== 64 || name === '') return c;
          const t = argumentType(abi, name, c.arg);
          if (!t || t.bits > 32) return c;
          clauseChanged = true;
          narrowed.set(c.arg, t);
          conds.push(c);
          if (c.value > U32 && !highValues.some((h) => h.arg === c.arg && h.value === c.value)) highValues.push({ arg: c.arg, value: c.value });
          firstSource ??= cl.origin?.source;
          return { ...c, width: 32 };
        });
        return clauseChanged ? { ...cl, conditions } : cl;
      });
      if (narrowed.size === 0) return sys;
      abiChanged = true;
      const args = [...narrowed].sort((a, b) => a[0] - b[0]).map(([arg, t]) => ({ arg, t }));
      for (const { arg, t } of args) {
        const ch: ArgWidthChange = { abi: ap.abi, syscall: name, arg, type: t.type, bits: t.bits };
        if (t.name) ch.name = t.name;
        changed.push(ch);
      }
      notes.push(noteFor(ap.abi, { ...sys, name }, args, conds, highValues, firstSource));
      return { ...sys, clauses };
    });
    return abiChanged ? { ...ap, syscalls } : ap;
  });
  if (changed.length === 0) return { policy, changed };
  return { policy: { ...policy, abis, notes: [...policy.notes, ...notes] }, changed };
}
