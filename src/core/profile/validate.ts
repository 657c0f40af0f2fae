/**
 * Checks beyond reading: what the runtime (runc, crun) or the target format will reject or quietly
 * change when the profile is used. The reader already reported syntax, types, keys, ranges and
 * the engines' load-time checks; {@link validateProfile} adds the names checked against each
 * dialect's enums, NOTIFY and listener rules, argument indices, errno ranges, capability and
 * architecture spellings in conditions, and (for another target dialect) what cannot be expressed.
 */
import type { SourceRef } from '../errors.js';
import type { Diagnostic, Dialect, Profile, ProfileRule } from './model.js';
import { OCI_ACTIONS, OCI_ARCHES, OCI_FLAGS, OCI_OPERATORS, SPO_ARCHES, SPO_LISTENER_PATH } from './schema.js';
import { parsePodmanErrno } from './errno.js';
import { suggest } from './suggest.js';
import { profileDocument } from './write.js';

/** Options of {@link validateProfile}. */
export interface ValidateOptions {
  /** Check against this dialect (default: the profile's own). Another dialect adds "cannot express" warnings. */
  dialect?: Dialect;
  /** Runtime whose behaviour decides severities where runc and crun differ (default runc). */
  runtime?: 'runc' | 'crun';
}

/** Linux capability names (linux/capability.h, CAP_CHOWN = 0 ... CAP_CHECKPOINT_RESTORE = 40). */
export const CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW',
  'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD',
  'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG',
  'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
] as const;

/** moby's native arch names for `includes/excludes.arches` (values of `goToNative`, moby/profiles seccomp_linux.go). */
export const MOBY_NATIVE_ARCHES = [
  'x86', 'amd64', 'arm', 'arm64', 'loongarch64', 'mips64', 'mips64n32', 'mipsel64', 'mips3l64n32', 'mipsel', 'ppc', 'ppc64',
  'ppc64le', 'riscv64', 's390', 's390x',
] as const;

/** containers/common compares with libseccomp-golang's `ScmpArch.String()` names. */
export const LIBSECCOMP_NATIVE_ARCHES = [
  'x86', 'amd64', 'x32', 'arm', 'arm64', 'mips', 'mips64', 'mips64n32', 'mipsel', 'mipsel64', 'mipsel64n32', 'ppc', 'ppc64',
  'ppc64le', 's390', 's390x', 'parisc', 'parisc64', 'riscv64', 'loong64', 'm68k', 'sh', 'sheb',
] as const;

/** Arches runc's converter does not know (crun passes them to libseccomp). */
const RUNC_UNKNOWN_ARCHES = new Set(['SCMP_ARCH_PARISC', 'SCMP_ARCH_PARISC64', 'SCMP_ARCH_M68K', 'SCMP_ARCH_SH', 'SCMP_ARCH_SHEB', 'SCMP_ARCH_NATIVE']);
const ERRNO_ACTIONS = new Set(['SCMP_ACT_ERRNO', 'SCMP_ACT_TRACE']);
/** libseccomp rejects ERRNO data >= 4095 (tested with 2.5.4: 4094 is accepted). */
const ERRNO_LIMIT = 4095n;

/** Checks a profile for what the runtime or `dialect` will reject or change. */
export function validateProfile(profile: Profile, opts: ValidateOptions = {}): Diagnostic[] {
  const dialect = opts.dialect ?? profile.dialect;
  const crun = opts.runtime === 'crun';
  const out: Diagnostic[] = [];
  // Checks the reader already made when it read the profile as this dialect.
  const readAsTarget = dialect === profile.dialect;
  const enumsRead = readAsTarget && dialect === 'spo';

  const src = (pointer: string): SourceRef => {
    const s = profile.sources[pointer] ?? profile.keySources?.[pointer];
    const base: SourceRef = s ? { ...s } : {};
    if (profile.file !== undefined && base.file === undefined) base.file = profile.file;
    base.pointer = pointer;
    return base;
  };
  const add = (severity: Diagnostic['severity'], code: string, message: string, pointer: string, extra: { hint?: string; note?: string } = {}): void => {
    const d: Diagnostic = { severity, code, message, source: src(pointer) };
    if (extra.hint) d.hint = extra.hint;
    if (extra.note) d.note = extra.note;
    out.push(d);
  };
  const checkEnum = (value: string, allowed: readonly string[], what: string, code: string, pointer: string, runtimeNote?: string): boolean => {
    if (allowed.includes(value)) return true;
    const close = suggest(value, allowed);
    add('error', code, `unknown ${what} '${value}'${close ? `; did you mean '${close}'?` : ''}`, pointer, {
      hint: `valid: ${allowed.join(', ')}`,
      ...(runtimeNote ? { note: runtimeNote } : {}),
    });
    return false;
  };
  const arches = dialect === 'spo' ? SPO_ARCHES : OCI_ARCHES;
  const checkArch = (a: string, pointer: string): void => {
    if (enumsRead) return;
    if (!checkEnum(a, arches, 'architecture', 'unknown-arch', pointer, `string ${a} is not a valid arch for seccomp`)) return;
    if (RUNC_UNKNOWN_ARCHES.has(a)) add(crun ? 'info' : 'warning', 'runtime-arch', `runc rejects architecture ${a} (crun accepts it)`, pointer);
  };
  const checkErrno = (v: bigint, pointer: string, what: string): void => {
    const t = v & 0xffffn;
    if (v > 0xffffn) add('warning', 'errno-truncated', `${what} ${v} is truncated to 16 bits by runc and crun: ERRNO(${t})`, pointer);
    if (t >= ERRNO_LIMIT) add('error', 'errno-range', `${what} ${v} is not a valid errno: libseccomp rejects ERRNO data >= 4095, so the container fails to start`, pointer, { note: 'error creating filter: invalid argument' });
  };

  if (profile.disablesSeccomp) return out;

  // Default action.
  const rootPtr = profile.root;
  if (profile.defaultAction === '') {
    add('error', 'missing-default-action', 'defaultAction is empty: runc rejects the profile (there are rules, so seccomp is not disabled)', `${rootPtr}/defaultAction`, { note: 'string  is not a valid action for seccomp' });
  } else if (!enumsRead && checkEnum(profile.defaultAction, OCI_ACTIONS, 'action', 'unknown-action', `${rootPtr}/defaultAction`, `string ${profile.defaultAction} is not a valid action for seccomp`)) {
    if (profile.defaultAction === 'SCMP_ACT_NOTIFY') add('error', 'notify-default', 'SCMP_ACT_NOTIFY cannot be used as default action', `${rootPtr}/defaultAction`);
  }
  if (profile.defaultErrnoRet !== undefined) {
    checkErrno(profile.defaultErrnoRet, `${rootPtr}/defaultErrnoRet`, 'defaultErrnoRet');
    if (profile.defaultAction !== '' && !ERRNO_ACTIONS.has(profile.defaultAction)) {
      add(crun ? 'error' : 'warning', 'errno-on-action', `defaultErrnoRet with ${profile.defaultAction}: runc ignores it, crun fails ("errno value specified for action \`${profile.defaultAction}\`")`, `${rootPtr}/defaultErrnoRet`);
    }
  }
  if (profile.defaultErrno !== undefined && dialect === 'podman') {
    const r = parsePodmanErrno(profile.defaultErrno);
    if ('error' in r) add('error', 'unknown-errno', r.error, `${rootPtr}/defaultErrno`);
    else checkErrno(r.value, `${rootPtr}/defaultErrno`, 'defaultErrno');
  }

  profile.architectures.forEach((a, i) => checkArch(a, `${rootPtr}/architectures/${i}`));
  for (const e of profile.archMap) {
    checkArch(e.architecture, `${e.pointer}/architecture`);
    e.subArchitectures.forEach((a, i) => checkArch(a, `${e.pointer}/subArchitectures/${i}`));
  }
  if (!enumsRead) (profile.flags ?? []).forEach((f, i) => checkEnum(f, OCI_FLAGS, 'flag', 'unknown-flag', `${rootPtr}/flags/${i}`, `seccomp flag ${f} is not known to runc`));
  if (profile.listenerMetadata !== undefined && profile.listenerMetadata !== '' && !profile.listenerPath) {
    add('error', 'listener-metadata-without-path', 'listenerMetadata is set but listenerPath is not (the OCI spec: MUST NOT be set without listenerPath)', `${rootPtr}/listenerMetadata`);
  }
  if (dialect === 'spo' && !readAsTarget && profile.listenerPath && !SPO_LISTENER_PATH.test(profile.listenerPath)) {
    add('error', 'pattern', `listenerPath '${profile.listenerPath}' must match ${SPO_LISTENER_PATH} for SPO`, `${rootPtr}/listenerPath`);
  }

  const usesNotify = profile.rules.some((r) => r.action === 'SCMP_ACT_NOTIFY');
  if (usesNotify && !profile.listenerPath) {
    const r = profile.rules.find((x) => x.action === 'SCMP_ACT_NOTIFY') as ProfileRule;
    add('error', 'notify-without-listener', 'SCMP_ACT_NOTIFY is used but listenerPath is not set: runc fails at container start', `${r.pointer}/action`, { note: 'seccomp listenerPath is not set' });
  }

  for (const r of profile.rules) validateRule(r);
  if (!readAsTarget) {
    const w: Diagnostic[] = [];
    profileDocument(profile, dialect, {}, w);
    out.push(...w);
  }
  return out;

  function validateRule(r: ProfileRule): void {
    const names = r.names.length ? r.names : r.name !== undefined && r.name !== '' ? [r.name] : [];
    if (names.length === 0 && !(readAsTarget && (dialect === 'oci' || dialect === 'spo'))) {
      add('warning', 'empty-names', 'rule has no syscall names: it has no effect (crun rejects it: "Required field \'names\' not present")', r.pointer);
    }
    r.names.forEach((n, i) => {
      if (n === '') add(crun ? 'warning' : 'error', 'empty-name', 'empty syscall name: runc fails ("empty string is not a valid syscall")', `${r.pointer}/names/${i}`);
    });
    const actionOk = r.action === '' ? (add('error', 'missing-action', 'rule has no action: runc rejects it', r.pointer), false) : enumsRead || checkEnum(r.action, OCI_ACTIONS, 'action', 'unknown-action', `${r.pointer}/action`, `string ${r.action} is not a valid action for seccomp`);
    if (actionOk && r.action === 'SCMP_ACT_NOTIFY' && names.includes('write')) {
      add('error', 'notify-write', 'SCMP_ACT_NOTIFY cannot be used for the write syscall', `${r.pointer}/action`);
    }
    if (r.errnoRet !== undefined) {
      checkErrno(r.errnoRet, `${r.pointer}/errnoRet`, 'errnoRet');
      if (actionOk && !ERRNO_ACTIONS.has(r.action) && !(r.errnoRet === 0n && dialect === 'spo')) {
        add(crun ? 'error' : 'warning', 'errno-on-action', `errnoRet with ${r.action}: runc ignores it, crun fails ("errno value specified for action \`${r.action}\`")`, `${r.pointer}/errnoRet`);
      }
    }
    if (r.errno !== undefined && dialect === 'podman') {
      const e = parsePodmanErrno(r.errno);
      if ('error' in e) add('error', 'unknown-errno', e.error, `${r.pointer}/errno`, { hint: 'an errno name such as EPERM, ENOSYS, or a decimal number' });
      else checkErrno(e.value, `${r.pointer}/errno`, 'errno');
    }
    const seen = new Set<bigint>();
    let repeated = false;
    for (const a of r.args) {
      if (a.index >= 6n) {
        add('error', 'arg-index', `argument index ${a.index}: syscalls only have up to 6 arguments (0..5)`, `${a.pointer}/index`, {
          note: `error creating seccomp syscall condition for syscall ${names[0] ?? ''}: syscalls only have up to 6 arguments (${a.index} given)`,
        });
      }
      if (seen.has(a.index)) repeated = true;
      seen.add(a.index);
      const opOk = a.op === '' ? (add('error', 'missing-op', 'argument has no op', a.pointer), false) : enumsRead || checkEnum(a.op, OCI_OPERATORS, 'operator', 'unknown-op', `${a.pointer}/op`, `string ${a.op} is not a valid operator for seccomp`);
      if (!opOk) continue;
      if (a.op === 'SCMP_CMP_MASKED_EQ') {
        const mask = a.value;
        const want = a.valueTwo ?? 0n;
        if ((want & ~mask) !== 0n) add('warning', 'never-matches', `MASKED_EQ can never match: (arg & ${hex(mask)}) == ${hex(want)} needs bits outside the mask`, a.pointer, { hint: 'value is the mask, valueTwo the expected result' });
      } else if (a.valueTwo !== undefined && a.valueTwo !== 0n) {
        add('info', 'value-two-ignored', `valueTwo is only used by SCMP_CMP_MASKED_EQ; ${a.op} ignores it`, `${a.pointer}/valueTwo`);
      }
    }
    if (repeated) {
      add('info', 'args-or-split', 'an argument index repeats: runc and crun turn every condition of this rule into its own rule (OR, not AND)', `${r.pointer}/args`);
    }
    for (const f of [r.includes, r.excludes]) {
      if (!f) continue;
      f.caps.forEach((c, i) => {
        if ((CAPABILITIES as readonly string[]).includes(c)) return;
        const close = suggest(c.startsWith('CAP_') ? c : `CAP_${c.toUpperCase()}`, CAPABILITIES);
        add('warning', 'cap-name', `capability '${c}' never matches (names are compared exactly, e.g. CAP_SYS_ADMIN)${close ? `; did you mean '${close}'?` : ''}`, `${f.pointer}/caps/${i}`);
      });
      const known: readonly string[] = dialect === 'podman' ? LIBSECCOMP_NATIVE_ARCHES : MOBY_NATIVE_ARCHES;
      f.arches.forEach((a, i) => {
        if (known.includes(a)) return;
        const alias: Record<string, string> = { x86_64: 'amd64', aarch64: 'arm64', i386: 'x86', i686: 'x86', armhf: 'arm', SCMP_ARCH_X86_64: 'amd64', SCMP_ARCH_AARCH64: 'arm64' };
        const close = alias[a] ?? suggest(a, known);
        const never = a === 'x32' && dialect !== 'podman' ? "'x32' never matches: no dockerd is built for it" : `arch '${a}' never matches the engine's native arch name`;
        add(a === 'x32' ? 'info' : 'warning', 'arch-name', `${never}${close && a !== 'x32' ? `; did you mean '${close}'?` : ''}`, `${f.pointer}/arches/${i}`);
      });
    }
  }
}

function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}
