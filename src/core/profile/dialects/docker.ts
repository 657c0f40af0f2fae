/**
 * Docker (moby) dialects: `docker` (moby >= 23, moby/profiles `seccomp.Seccomp`) and
 * `docker-legacy` (Docker <= 20.10 reading, including the 1.12 one-`name`-per-rule files), and the
 * writer they share with Podman's dialect (same keys plus `errno`/`defaultErrno`, minus
 * `minKernel`).
 */
import type { Diagnostic, Profile, ProfileRule, RuleFilter } from '../model.js';
import { parsePodmanErrno } from '../errno.js';
import type { DialectReading } from './common.js';
import { writeWarning, writeArgs } from './common.js';

const PODMAN_ONLY = "a Podman (containers/common) extension: Docker ignores it";

/** Keys that mean something elsewhere, explained when they appear in a Docker profile. */
export const DOCKER_KEY_HINTS: Record<string, string> = {
  errno: `'errno' is ${PODMAN_ONLY}, so the rule returns errnoRet (or EPERM); use "errnoRet": <number>`,
  defaultErrno: `'defaultErrno' is ${PODMAN_ONLY}; use "defaultErrnoRet": <number>`,
  state: "'state' belongs to a Kubernetes SeccompProfile's spec",
  baseProfileName: "'baseProfileName' belongs to a Kubernetes SeccompProfile's spec",
};

export const dockerReading: DialectReading = {
  dialect: 'docker',
  notePrefix: 'Decoding seccomp profile failed: ',
  goRoot: 'seccomp.Seccomp',
  keyHints: DOCKER_KEY_HINTS,
};

export const dockerLegacyReading: DialectReading = { ...dockerReading, dialect: 'docker-legacy' };

type Target = 'docker' | 'docker-legacy' | 'podman';

function filterDoc(f: RuleFilter, target: Target, p: Profile, w: Diagnostic[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (f.caps.length) o.caps = [...f.caps];
  if (f.arches.length) o.arches = [...f.arches];
  if (f.minKernel !== undefined) {
    if (target === 'podman') {
      w.push(writeWarning('inexpressible', `minKernel "${f.minKernel}" dropped: Podman has no minKernel, the condition is gone`, `${f.pointer}/minKernel`, p));
    } else o.minKernel = f.minKernel;
  }
  return o;
}

function errnoToNumber(s: string, pointer: string, p: Profile, w: Diagnostic[], what: string): bigint | undefined {
  const r = parsePodmanErrno(s);
  if ('error' in r) {
    w.push(writeWarning('inexpressible', `${what} "${s}" dropped: ${r.error}`, pointer, p));
    return undefined;
  }
  w.push(writeWarning('converted', `${what} "${s}" written as its number ${r.value} (Docker ignores errno names)`, pointer, p));
  return r.value;
}

function ruleDoc(r: ProfileRule, target: Target, p: Profile, w: Diagnostic[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (r.names.length > 0 || r.name === undefined) o.names = [...r.names];
  if (r.name !== undefined) o.name = r.name;
  o.action = r.action;
  let errnoRet = r.errnoRet;
  if (r.errno !== undefined && target !== 'podman') errnoRet = errnoToNumber(r.errno, `${r.pointer}/errno`, p, w, 'errno') ?? errnoRet;
  if (errnoRet !== undefined) o.errnoRet = errnoRet;
  if (r.errno !== undefined && target === 'podman') o.errno = r.errno;
  if (r.args.length) {
    o.args = writeArgs(r.args);
  }
  if (r.comment !== undefined) o.comment = r.comment;
  if (r.includes) o.includes = filterDoc(r.includes, target, p, w);
  if (r.excludes) o.excludes = filterDoc(r.excludes, target, p, w);
  return o;
}

/** The document a Docker-family engine reads, in a stable key order. */
export function dockerFamilyDocument(p: Profile, target: Target, w: Diagnostic[]): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  if (!p.defaultActionMissing || p.defaultAction !== '') doc.defaultAction = p.defaultAction;
  let defaultErrnoRet = p.defaultErrnoRet;
  if (p.defaultErrno !== undefined && target !== 'podman') {
    defaultErrnoRet = errnoToNumber(p.defaultErrno, `${p.root}/defaultErrno`, p, w, 'defaultErrno') ?? defaultErrnoRet;
  }
  if (defaultErrnoRet !== undefined) doc.defaultErrnoRet = defaultErrnoRet;
  if (p.defaultErrno !== undefined && target === 'podman') doc.defaultErrno = p.defaultErrno;
  if (p.architectures.length) doc.architectures = [...p.architectures];
  if (p.archMap.length) doc.archMap = p.archMap.map((e) => ({ architecture: e.architecture, subArchitectures: [...e.subArchitectures] }));
  if (p.flags !== undefined) doc.flags = [...p.flags];
  if (p.listenerPath !== undefined) doc.listenerPath = p.listenerPath;
  if (p.listenerMetadata !== undefined) doc.listenerMetadata = p.listenerMetadata;
  doc.syscalls = p.rules.map((r) => ruleDoc(r, target, p, w));
  if (target === 'docker-legacy') {
    for (const k of ['defaultErrnoRet', 'flags', 'listenerPath', 'listenerMetadata'] as const) {
      if (doc[k] !== undefined) w.push(writeWarning('ignored-by-target', `${k} is ignored by Docker <= 20.10`, `${p.root}/${k}`, p));
    }
  }
  if (p.spo) w.push(writeWarning('inexpressible', 'Kubernetes metadata (name, labels, baseProfileName, state) dropped', p.root, p));
  return doc;
}
