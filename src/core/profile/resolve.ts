/**
 * Resolution: a {@link Profile} -> the {@link Policy} the kernel is asked to enforce, exactly as
 * a daemon and a runtime would produce it (profiles.md §2.3-§5).
 *
 * Stage 1 (this file) is the daemon's reading, which yields an OCI `linux.seccomp` object:
 * - `docker` (moby/profiles `setupSeccomp`): archMap by the daemon's GOARCH (first matching entry,
 *   native first; dead on loong64 and mipsle), `name`/`names` checked before filtering,
 *   `excludes` (any arch, any cap, kernel >= minKernel) then `includes` (all of them), minKernel
 *   read lazily, `flags: []` dropped on the way to the runtime;
 * - `podman` (containers/common): the 7-entry native archMap, no minKernel, `name`/`names` checked
 *   after filtering, `defaultErrno` / `errno` names, old error wording;
 * - `oci` (containerd, a runtime config.json): Docker's extensions are unknown keys, ignored.
 * Stage 2 (runtime.ts) is what runc, crun or nobody (`none`) make of that object.
 */
import { SECCOMP_RET_ALLOW } from '../bpf/opcodes.js';
import type { Profile, ProfileRule, RuleFilter } from './model.js';
import type { Policy, PolicyContext, RuleOutcome } from './policy.js';
import { effectiveContext } from './context.js';
import type { EffectiveContext, ResolveContext } from './context.js';
import { ALL_CAPABILITIES, isCapabilityName } from './caps.js';
import { daemonArches } from './context.js';
import { getAbi } from '../syscalls/index.js';
import { formatKernel, kernelAtLeast, minKernelError, parseMinKernel } from './minkernel.js';
import { parsePodmanErrno } from './errno.js';
import { NoteSink } from './resolve-notes.js';
import { applyRuntime } from './runtime.js';
import type { Located, OciRule, OciSeccomp } from './runtime.js';

export { defaultContext } from './context.js';
export type { ResolveContext } from './context.js';

/** Who reads the profile, after mapping the model's dialects onto the three readers. */
export type Reader = 'docker' | 'podman' | 'oci';

/** The reader for a dialect: `docker-legacy` is read by moby, `spo` profiles are plain OCI once written to the node. */
export function readerOf(dialect: Profile['dialect']): Reader {
  switch (dialect) {
    case 'docker':
    case 'docker-legacy':
      return 'docker';
    case 'podman':
      return 'podman';
    case 'oci':
    case 'spo':
      return 'oci';
  }
}

/**
 * Resolves a profile for a context (defaults: Docker on amd64, Docker's capabilities, runc, our
 * full syscall table). Throws `SeccompKitError('resolve')` with the daemon's or runtime's message
 * and the position in the profile for what would make `docker run` (or the runtime) fail.
 */
export function resolveProfile(profile: Profile, ctx: Partial<ResolveContext> = {}): Policy {
  const e = effectiveContext(ctx);
  const reader = readerOf(ctx.dialect ?? profile.dialect);
  const n = new NoteSink(profile);
  const outcomes: RuleOutcome[] = profile.rules.map((r, i) => {
    const o: RuleOutcome = { rule: i, pointer: r.pointer, names: r.name ? [r.name, ...r.names] : [...r.names], status: 'applied', source: n.src(r.pointer) };
    return o;
  });
  const context: PolicyContext = {
    dialect: reader,
    daemonArch: e.arch.goarch,
    runtime: e.ctx.runtime,
    syscallTable: e.ctx.syscallTable,
    capabilities: [...e.capabilities],
    privileged: e.ctx.privileged,
  };
  if (e.kernel) context.kernel = formatKernel(e.kernel);
  if (profile.file !== undefined) context.file = profile.file;

  const stage1 = reader === 'docker' ? readDocker(profile, e, n, outcomes) : reader === 'podman' ? readPodman(profile, e, n, outcomes) : readOci(profile, e, n, outcomes);
  let policy: Policy;
  if (stage1 === 'unconfined') {
    for (const o of outcomes) {
      o.status = 'dropped';
      o.reason = 'unconfined';
    }
    policy = { unconfined: true, defaultAction: SECCOMP_RET_ALLOW, badArchAction: SECCOMP_RET_ALLOW, flags: 0, abis: [], notes: n.notes, rules: outcomes };
  } else {
    policy = applyRuntime({ oci: stage1, e, notes: n, outcomes });
  }
  policy.context = context;
  return policy;
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

function isBuiltin(profile: Profile, e: EffectiveContext): boolean {
  return e.ctx.builtin ?? (profile.file?.startsWith('builtin:') === true);
}

function ptr(profile: Profile, key: string): string {
  return `${profile.root}/${key}`;
}

function present(profile: Profile, pointer: string): boolean {
  return Object.prototype.hasOwnProperty.call(profile.sources, pointer);
}

function namesOf(rule: ProfileRule): Located<string>[] {
  return rule.names.map((name, j) => ({ value: name, pointer: `${rule.pointer}/names/${j}` }));
}

function ociRule(rule: ProfileRule, index: number, names: Located<string>[], profile: Profile, errno?: { value: bigint; pointer: string }): OciRule {
  const r: OciRule = {
    rule: index,
    pointer: rule.pointer,
    names,
    namesPresent: present(profile, `${rule.pointer}/names`) || rule.names.length > 0,
    action: rule.action,
    args: rule.args,
  };
  if (errno) {
    r.errnoRet = errno.value;
    r.errnoPointer = errno.pointer;
  } else if (rule.errnoRet !== undefined) {
    r.errnoRet = rule.errnoRet;
    r.errnoPointer = `${rule.pointer}/errnoRet`;
  }
  return r;
}

function located(values: readonly string[], base: string): Located<string>[] {
  return values.map((value, i) => ({ value, pointer: `${base}/${i}` }));
}

function unconfinedBecauseEmpty(profile: Profile, n: NoteSink, who: string): 'unconfined' {
  n.warn('unconfined', `this profile disables seccomp: an empty defaultAction with no syscalls means no filter at all in ${who} (and runc)`, profile.root);
  return 'unconfined';
}

const MOBY_NATIVES: ReadonlySet<string> = new Set(daemonArches().map((a) => a.mobyNative).filter((x) => x !== ''));
const PODMAN_NATIVES: ReadonlySet<string> = new Set(daemonArches().map((a) => a.podmanNative));

/** Notes for capability and arch strings that can never match (checked on every rule, applied or not). */
function lintFilter(f: RuleFilter | undefined, n: NoteSink, who: 'moby' | 'containers/common'): void {
  if (!f) return;
  f.caps.forEach((c, i) => {
    if (isCapabilityName(c)) return;
    const fixed = c.toUpperCase().startsWith('CAP_') ? c.toUpperCase() : `CAP_${c.toUpperCase()}`;
    const hint = ALL_CAPABILITIES.includes(fixed) ? ` (write ${fixed})` : '';
    n.warn('cap-never-matches', `"${c}" never matches: ${who} compares capabilities exactly with the bounding set's names${hint}`, `${f.pointer}/caps/${i}`);
  });
  if (f.arches.length === 0) return;
  const arches = daemonArches();
  const natives = who === 'moby' ? MOBY_NATIVES : PODMAN_NATIVES;
  f.arches.forEach((a, i) => {
    if (natives.has(a)) return;
    const abi = getAbi(a);
    const daemon = abi ? arches.find((d) => d.abi === abi.name) : undefined;
    const spelled = daemon ? (who === 'moby' ? daemon.mobyNative : daemon.podmanNative) : '';
    if (abi && !daemon) {
      n.info('arch-never-matches', `"${a}" never matches: no ${who === 'moby' ? 'dockerd' : 'Podman'} runs as ${abi.name} (the arch compared is the daemon's own)`, `${f.pointer}/arches/${i}`);
    } else {
      n.warn('arch-never-matches', `"${a}" never matches: ${who} compares arches with its native names${spelled ? ` (write ${spelled})` : ` (${[...natives].join(', ')})`}`, `${f.pointer}/arches/${i}`);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// moby

function readDocker(profile: Profile, e: EffectiveContext, n: NoteSink, outcomes: RuleOutcome[]): OciSeccomp | 'unconfined' {
  // Decoding errors come first: moby rejects a bad minKernel anywhere in the file.
  for (const r of profile.rules) {
    for (const f of [r.excludes, r.includes]) {
      if (f?.minKernel !== undefined && minKernelError(f.minKernel)) parseMinKernel(f.minKernel, n.src(`${f.pointer}/minKernel`));
    }
  }
  if (profile.defaultAction === '' && profile.rules.length === 0) return unconfinedBecauseEmpty(profile, n, 'Docker');
  if (e.ctx.privileged && isBuiltin(profile, e)) {
    n.warn('unconfined', 'privileged containers run without the built-in seccomp profile (only a custom profile given with --security-opt seccomp=FILE applies to them)', profile.root);
    return 'unconfined';
  }
  if (profile.architectures.length > 0 && profile.archMap.length > 0) {
    n.fail("both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'", ptr(profile, 'archMap'));
  }
  const arches = located(profile.architectures, ptr(profile, 'architectures'));
  applyArchMap(profile, e.arch.mobyArchMapKey, e, n, arches, 'moby');
  if (profile.defaultErrno !== undefined) n.warn('podman-only', "Docker ignores 'defaultErrno' (a Podman extension); defaultErrnoRet decides", ptr(profile, 'defaultErrno'));

  const rules: OciRule[] = [];
  profile.rules.forEach((rule, i) => {
    lintFilter(rule.includes, n, 'moby');
    lintFilter(rule.excludes, n, 'moby');
    let names = namesOf(rule);
    if (rule.name) {
      if (rule.names.length > 0) {
        n.fail("both 'name' and 'names' are specified in the seccomp profile, use either 'name' or 'names'", `${rule.pointer}/name`);
      }
      names = [{ value: rule.name, pointer: `${rule.pointer}/name` }];
    }
    if (rule.errno !== undefined) n.warn('podman-only', "Docker ignores 'errno' (a Podman extension); errnoRet decides", `${rule.pointer}/errno`);
    const why = mobyFilterOut(rule, e, n);
    if (why) {
      n.info('rule-excluded', `rule not applied: ${why.text}`, rule.pointer);
      outcomes[i].status = 'dropped';
      outcomes[i].reason = 'rule-excluded';
      outcomes[i].detail = why.kind;
      return;
    }
    rules.push(ociRule(rule, i, names, profile));
  });
  return {
    defaultAction: profile.defaultAction,
    defaultActionPresent: true,
    ...(profile.defaultErrnoRet !== undefined ? { defaultErrnoRet: profile.defaultErrnoRet } : {}),
    architectures: arches,
    ...dockerFlags(profile, n, 'Docker'),
    ...listener(profile),
    rules,
    root: profile.root,
  };
}

/** Why moby skips a rule (excludes: any; includes: all), or undefined when it applies. */
function mobyFilterOut(rule: ProfileRule, e: EffectiveContext, n: NoteSink): { text: string; kind: 'arch' | 'caps' | 'kernel' } | undefined {
  const arch = e.arch.mobyNative;
  const caps = e.capabilities;
  const ex = rule.excludes;
  if (ex) {
    if (ex.arches.length > 0 && ex.arches.includes(arch)) return { text: `excludes.arches contains ${arch}`, kind: 'arch' };
    const cap = ex.caps.find((c) => caps.includes(c));
    if (cap) return { text: `excludes.caps: the container has ${cap}`, kind: 'caps' };
    if (ex.minKernel !== undefined && kernelSatisfies(ex.minKernel, `${ex.pointer}/minKernel`, e, n)) {
      return {
        text: ex.minKernel === '' ? 'excludes.minKernel "" excludes on every kernel' : `excludes.minKernel ${ex.minKernel}: the kernel is ${formatKernel(requireKernel(e, n, `${ex.pointer}/minKernel`))}`,
        kind: 'kernel',
      };
    }
  }
  const inc = rule.includes;
  if (inc) {
    if (inc.arches.length > 0 && !inc.arches.includes(arch)) return { text: `includes.arches (${inc.arches.join(', ')}) does not contain ${arch || '(no native name)'}`, kind: 'arch' };
    const missing = inc.caps.find((c) => !caps.includes(c));
    if (missing) return { text: `includes.caps: the container lacks ${missing}`, kind: 'caps' };
    if (inc.minKernel !== undefined && !kernelSatisfies(inc.minKernel, `${inc.pointer}/minKernel`, e, n)) {
      return { text: `includes.minKernel ${inc.minKernel}: the kernel is ${formatKernel(requireKernel(e, n, `${inc.pointer}/minKernel`))}`, kind: 'kernel' };
    }
  }
  return undefined;
}

function requireKernel(e: EffectiveContext, n: NoteSink, pointer: string): { major: number; minor: number } {
  if (!e.kernel) {
    n.fail('this rule has a minKernel condition: the host kernel version is needed to resolve it', pointer, 'give the kernel as major.minor (context kernel, CLI --kernel 6.18)');
  }
  return e.kernel;
}

/** host >= minKernel, reading the host version only now (moby reads it lazily). `""` is 0.0: always true. */
function kernelSatisfies(raw: string, pointer: string, e: EffectiveContext, n: NoteSink): boolean {
  const min = parseMinKernel(raw, n.src(pointer));
  if (min.major === 0 && min.minor === 0) return true;
  return kernelAtLeast(requireKernel(e, n, pointer), min);
}

function applyArchMap(profile: Profile, key: string | undefined, e: EffectiveContext, n: NoteSink, arches: Located<string>[], who: 'moby' | 'containers/common'): void {
  if (profile.archMap.length === 0) return;
  if (key === undefined) {
    const bug = who === 'moby' && (e.arch.goarch === 'loong64' || e.arch.goarch === 'mipsle');
    n.warn('archmap-not-applied', bug
      ? `archMap is not applied on ${e.arch.goarch}: moby's native name "${e.arch.mobyNative}" is missing from its own archMap table (a moby bug); the filter covers the native ABI only`
      : `archMap is not applied: ${who} has no archMap key for ${e.arch.goarch}; the filter covers the native ABI only`, ptr(profile, 'archMap'));
    return;
  }
  const entry = profile.archMap.find((m) => m.architecture === key);
  if (!entry) {
    n.info('archmap-no-entry', `archMap has no entry for ${key}: the filter covers the native ABI only`, ptr(profile, 'archMap'));
    return;
  }
  arches.push({ value: entry.architecture, pointer: `${entry.pointer}/architecture` });
  entry.subArchitectures.forEach((s, i) => arches.push({ value: s, pointer: `${entry.pointer}/subArchitectures/${i}` }));
  n.info('archmap', `archMap entry ${key} selects ${[entry.architecture, ...entry.subArchitectures].join(', ')}`, entry.pointer);
}

/** Daemons marshal the spec with `flags,omitempty`: an empty list reaches the runtime as "absent". */
function dockerFlags(profile: Profile, n: NoteSink, who: string): { flags?: Located<string>[] } {
  if (profile.flags === undefined) return {};
  if (profile.flags.length === 0) {
    n.info('flags-empty-dropped', `flags: [] does not reach the runtime through ${who} (omitted when the spec is written), so the runtime adds SECCOMP_FILTER_FLAG_SPEC_ALLOW`, ptr(profile, 'flags'));
    return {};
  }
  return { flags: located(profile.flags, ptr(profile, 'flags')) };
}

function listener(profile: Profile): { listenerPath?: string; listenerMetadata?: string } {
  const out: { listenerPath?: string; listenerMetadata?: string } = {};
  if (profile.listenerPath !== undefined) out.listenerPath = profile.listenerPath;
  if (profile.listenerMetadata !== undefined) out.listenerMetadata = profile.listenerMetadata;
  return out;
}

// ---------------------------------------------------------------------------------------------
// containers/common

function readPodman(profile: Profile, e: EffectiveContext, n: NoteSink, outcomes: RuleOutcome[]): OciSeccomp | 'unconfined' {
  if (profile.defaultAction === '' && profile.rules.length === 0) return unconfinedBecauseEmpty(profile, n, 'Podman');
  if (e.ctx.privileged && isBuiltin(profile, e)) {
    n.warn('unconfined', 'Podman runs privileged containers without seccomp unless a profile is given explicitly', profile.root);
    return 'unconfined';
  }
  if (profile.architectures.length > 0 && profile.archMap.length > 0) {
    n.fail("'architectures' and 'archMap' were specified in the seccomp profile, use either 'architectures' or 'archMap'", ptr(profile, 'archMap'));
  }
  const arches = located(profile.architectures, ptr(profile, 'architectures'));
  applyArchMap(profile, e.arch.podmanArchMapKey, e, n, arches, 'containers/common');
  const defaultErrno = podmanErrno(profile.defaultErrno, ptr(profile, 'defaultErrno'), profile.defaultErrnoRet, ptr(profile, 'defaultErrnoRet'), n);

  const rules: OciRule[] = [];
  const arch = e.arch.podmanNative;
  const caps = e.capabilities;
  profile.rules.forEach((rule, i) => {
    lintFilter(rule.includes, n, 'containers/common');
    lintFilter(rule.excludes, n, 'containers/common');
    for (const f of [rule.includes, rule.excludes]) {
      if (f?.minKernel !== undefined) n.warn('minkernel-ignored', `containers/common has no minKernel: "${f.minKernel}" is ignored, the condition does not apply`, `${f.pointer}/minKernel`);
    }
    const ex = rule.excludes;
    const inc = rule.includes;
    let why: { text: string; kind: 'arch' | 'caps' } | undefined;
    if (ex && ex.arches.length > 0 && ex.arches.includes(arch)) why = { text: `excludes.arches contains ${arch}`, kind: 'arch' };
    else if (ex && ex.caps.some((c) => caps.includes(c))) why = { text: `excludes.caps: the container has ${ex.caps.find((c) => caps.includes(c))}`, kind: 'caps' };
    else if (inc && inc.arches.length > 0 && !inc.arches.includes(arch)) why = { text: `includes.arches (${inc.arches.join(', ')}) does not contain ${arch}`, kind: 'arch' };
    else if (inc && inc.caps.some((c) => !caps.includes(c))) why = { text: `includes.caps: the container lacks ${inc.caps.find((c) => !caps.includes(c))}`, kind: 'caps' };
    if (why) {
      n.info('rule-excluded', `rule not applied: ${why.text}`, rule.pointer);
      outcomes[i].status = 'dropped';
      outcomes[i].reason = 'rule-excluded';
      outcomes[i].detail = why.kind;
      return;
    }
    if (rule.name && rule.names.length > 0) {
      n.fail("'name' and 'names' were specified in the seccomp profile, use either 'name' or 'names'", `${rule.pointer}/name`);
    }
    const errno = podmanErrno(rule.errno, `${rule.pointer}/errno`, rule.errnoRet, `${rule.pointer}/errnoRet`, n);
    // containers/common emits one OCI rule for `name` and another for `names`.
    if (rule.name) rules.push(ociRule(rule, i, [{ value: rule.name, pointer: `${rule.pointer}/name` }], profile, errno));
    if (rule.names.length > 0) rules.push(ociRule(rule, i, namesOf(rule), profile, errno));
    if (!rule.name && rule.names.length === 0) {
      n.warn('no-names', 'this rule has no syscall names: containers/common drops it', rule.pointer);
      outcomes[i].status = 'dropped';
      outcomes[i].reason = 'no-names';
    }
  });
  return {
    defaultAction: profile.defaultAction,
    defaultActionPresent: true,
    ...(defaultErrno ? { defaultErrnoRet: defaultErrno.value } : {}),
    architectures: arches,
    ...dockerFlags(profile, n, 'containers/common'),
    ...listener(profile),
    rules,
    root: profile.root,
  };
}

/** containers/common `getErrno`: the string (name or decimal) wins over the number. */
function podmanErrno(text: string | undefined, textPointer: string, value: bigint | undefined, valuePointer: string, n: NoteSink): { value: bigint; pointer: string } | undefined {
  if (text !== undefined && text !== '') {
    const r = parsePodmanErrno(text);
    if ('error' in r) n.fail(r.error, textPointer, 'use an errno name such as EPERM or ENOSYS, or a decimal number');
    if (value !== undefined && value !== r.value) n.info('errno-string-wins', `"${text}" (${r.value}) wins over the numeric value ${value}`, textPointer);
    return { value: r.value, pointer: textPointer };
  }
  return value === undefined ? undefined : { value, pointer: valuePointer };
}

// ---------------------------------------------------------------------------------------------
// plain OCI (containerd, a runtime config.json)

function readOci(profile: Profile, e: EffectiveContext, n: NoteSink, outcomes: RuleOutcome[]): OciSeccomp | 'unconfined' {
  if (e.ctx.privileged) {
    n.warn('unconfined', 'Kubernetes runs privileged containers unconfined whatever the seccomp profile says', profile.root);
    return 'unconfined';
  }
  if (profile.archMap.length > 0) n.warn('docker-only-ignored', 'archMap is a Docker extension: a plain OCI reader (containerd) ignores it, so the filter covers the native ABI only', ptr(profile, 'archMap'));
  if (profile.defaultErrno !== undefined) n.warn('podman-only', "'defaultErrno' is a Podman extension: ignored here", ptr(profile, 'defaultErrno'));
  const rules: OciRule[] = [];
  profile.rules.forEach((rule, i) => {
    if (rule.includes || rule.excludes) {
      n.warn('docker-only-ignored', 'includes/excludes are Docker extensions: a plain OCI reader applies this rule unconditionally', (rule.includes ?? rule.excludes)?.pointer ?? rule.pointer);
    }
    if (rule.name !== undefined && rule.names.length === 0) {
      n.warn('docker-only-ignored', `the legacy 'name' is unknown to a plain OCI reader: this rule has no syscall names`, `${rule.pointer}/name`);
    }
    if (rule.errno !== undefined) n.warn('podman-only', "'errno' is a Podman extension: ignored here", `${rule.pointer}/errno`);
    rules.push(ociRule(rule, i, namesOf(rule), profile));
  });
  // A whole config.json goes to the runtime as written; a profile file read by containerd is
  // re-marshalled with `flags,omitempty`.
  let flags: Located<string>[] | undefined;
  if (profile.flags !== undefined) {
    if (profile.flags.length === 0 && profile.root !== '/linux/seccomp') {
      n.info('flags-empty-dropped', 'flags: [] does not survive containerd writing the runtime config (omitempty): the runtime adds SECCOMP_FILTER_FLAG_SPEC_ALLOW', ptr(profile, 'flags'));
    } else {
      flags = located(profile.flags, ptr(profile, 'flags'));
    }
  }
  void outcomes;
  return {
    defaultAction: profile.defaultAction,
    defaultActionPresent: present(profile, ptr(profile, 'defaultAction')),
    ...(profile.defaultErrnoRet !== undefined ? { defaultErrnoRet: profile.defaultErrnoRet } : {}),
    architectures: located(profile.architectures, ptr(profile, 'architectures')),
    ...(flags ? { flags } : {}),
    ...listener(profile),
    rules,
    root: profile.root,
  };
}
