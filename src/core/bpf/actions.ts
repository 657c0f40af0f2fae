/**
 * Seccomp actions: the 32-bit value a filter returns, split into action and data the way
 * kernel/seccomp.c does (`ret & SECCOMP_RET_ACTION_FULL`, `ret & SECCOMP_RET_DATA`).
 */
import {
  SECCOMP_RET_ACTION_FULL,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_DATA,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
  SECCOMP_RET_KILL_THREAD,
  SECCOMP_RET_LOG,
  SECCOMP_RET_TRACE,
  SECCOMP_RET_TRAP,
  SECCOMP_RET_USER_NOTIF,
} from './opcodes.js';

/** Action names, strongest first (the kernel's precedence order). */
export const ACTION_KINDS = ['KILL_PROCESS', 'KILL_THREAD', 'TRAP', 'ERRNO', 'USER_NOTIF', 'TRACE', 'LOG', 'ALLOW'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** The base value of each action (data bits zero). */
export const ACTION_VALUES: Readonly<Record<ActionKind, number>> = {
  KILL_PROCESS: SECCOMP_RET_KILL_PROCESS,
  KILL_THREAD: SECCOMP_RET_KILL_THREAD,
  TRAP: SECCOMP_RET_TRAP,
  ERRNO: SECCOMP_RET_ERRNO,
  USER_NOTIF: SECCOMP_RET_USER_NOTIF,
  TRACE: SECCOMP_RET_TRACE,
  LOG: SECCOMP_RET_LOG,
  ALLOW: SECCOMP_RET_ALLOW,
};

/** Actions whose 16 data bits mean something (TRAP: si_errno, ERRNO: errno, TRACE: ptrace message). */
export const ACTIONS_WITH_DATA: ReadonlySet<ActionKind> = new Set<ActionKind>(['TRAP', 'ERRNO', 'TRACE']);

/** A decoded return value. */
export interface Action {
  kind: ActionKind;
  /** The 16 data bits (0 for actions without data). */
  data: number;
}

/**
 * Decodes a filter's return value as the kernel does. An unknown action value is treated by the
 * kernel as KILL_PROCESS (`seccomp_run_filters` default case); `known` says whether it was one.
 */
export function decodeAction(ret: number): Action & { known: boolean } {
  const r = ret >>> 0;
  const full = (r & SECCOMP_RET_ACTION_FULL) >>> 0;
  const data = r & SECCOMP_RET_DATA;
  switch (full) {
    case SECCOMP_RET_KILL_PROCESS: return { kind: 'KILL_PROCESS', data: 0, known: true };
    case SECCOMP_RET_KILL_THREAD: return { kind: 'KILL_THREAD', data: 0, known: true };
    case SECCOMP_RET_TRAP: return { kind: 'TRAP', data, known: true };
    case SECCOMP_RET_ERRNO: return { kind: 'ERRNO', data, known: true };
    case SECCOMP_RET_USER_NOTIF: return { kind: 'USER_NOTIF', data: 0, known: true };
    case SECCOMP_RET_TRACE: return { kind: 'TRACE', data, known: true };
    case SECCOMP_RET_LOG: return { kind: 'LOG', data: 0, known: true };
    case SECCOMP_RET_ALLOW: return { kind: 'ALLOW', data: 0, known: true };
    default: return { kind: 'KILL_PROCESS', data: 0, known: false };
  }
}

/** Encodes an action as the 32-bit return value. */
export function encodeAction(a: Action): number {
  const base = ACTION_VALUES[a.kind];
  return (ACTIONS_WITH_DATA.has(a.kind) ? base | (a.data & SECCOMP_RET_DATA) : base) >>> 0;
}

/**
 * Formats a return value by name: `ALLOW`, `ERRNO(1)`, `TRACE(5)`, `KILL_PROCESS`.
 * A value whose data bits are set on an action without data, or an unknown action, is printed in
 * hex so that the text still round-trips exactly (`0x7fff0001`).
 */
export function formatAction(ret: number): string {
  const r = ret >>> 0;
  const a = decodeAction(r);
  if (!a.known) return hex32(r);
  if (ACTIONS_WITH_DATA.has(a.kind)) return `${a.kind}(${a.data})`;
  if ((r & SECCOMP_RET_DATA) !== 0) return hex32(r);
  return a.kind;
}

/** Accepted spellings: `KILL` (= KILL_THREAD, as runc and libseccomp name it), `ERRNO(n)`, `SCMP_ACT_ERRNO(n)`, `TRACE(n)`, `NOTIFY`. */
export function parseAction(text: string): number | undefined {
  const m = /^(?:SCMP_ACT_|SECCOMP_RET_)?([A-Z_]+)(?:\((\d+|0x[0-9a-f]+)\))?$/i.exec(text.trim());
  if (!m) return undefined;
  let name = m[1].toUpperCase();
  if (name === 'KILL') name = 'KILL_THREAD';
  if (name === 'NOTIFY') name = 'USER_NOTIF';
  if (!(ACTION_KINDS as readonly string[]).includes(name)) return undefined;
  const kind = name as ActionKind;
  if (m[2] === undefined) return ACTION_VALUES[kind] >>> 0;
  if (!ACTIONS_WITH_DATA.has(kind)) return undefined;
  const data = Number(m[2]);
  if (!Number.isInteger(data) || data < 0 || data > SECCOMP_RET_DATA) return undefined;
  return encodeAction({ kind, data });
}

/** Lower number = takes precedence when several filters disagree (kernel compares the signed action). */
export function actionPrecedence(ret: number): number {
  return (ret & SECCOMP_RET_ACTION_FULL) | 0;
}

function hex32(v: number): string {
  return `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
}
