/**
 * OCI runtime-spec dialect: `linux.seccomp` alone, or a whole `config.json` (the profile is then at
 * `/linux/seccomp`). This is what containerd's CRI plugin and `ctr` read (a plain Go unmarshal into
 * `specs.LinuxSeccomp`), so Docker's extensions are unknown keys there: ignored by containerd, which
 * makes a Docker profile apply every caps-gated rule and drop every legacy `name` rule.
 */
import type { Diagnostic, Profile } from '../model.js';
import { parsePodmanErrno } from '../errno.js';
import type { DialectReading } from './common.js';
import { writeWarning, writeArgs } from './common.js';

const DOCKER_EXT = 'a Docker/Podman extension: containerd and runc ignore it';

export const OCI_KEY_HINTS: Record<string, string> = {
  archMap: `'archMap' is ${DOCKER_EXT} (only the native architecture is then filtered)`,
  includes: `'includes' is ${DOCKER_EXT}: the rule applies unconditionally`,
  excludes: `'excludes' is ${DOCKER_EXT}: the rule applies unconditionally`,
  name: `'name' is ${DOCKER_EXT}: the rule has no names and does nothing (crun rejects it)`,
  comment: `'comment' is ${DOCKER_EXT}`,
  errno: "'errno' is a Podman extension: other runtimes ignore it",
  defaultErrno: "'defaultErrno' is a Podman extension: other runtimes ignore it",
};

export const ociReading: DialectReading = { dialect: 'oci', notePrefix: '', goRoot: 'specs.LinuxSeccomp', keyHints: OCI_KEY_HINTS };
export const ociConfigReading: DialectReading = { dialect: 'oci', notePrefix: '', goRoot: 'specs.Spec', keyHints: OCI_KEY_HINTS };

/** Conditions, names and errno strings as OCI can carry them, with a warning for each loss. */
export function ociRules(p: Profile, w: Diagnostic[], target: 'oci' | 'spo'): Record<string, unknown>[] {
  if (p.archMap.length) {
    w.push(writeWarning('inexpressible', `archMap dropped: ${target === 'spo' ? 'SPO' : 'OCI'} has no per-host architecture list (resolve the profile for an architecture, or list them in architectures)`, `${p.root}/archMap`, p));
  }
  let comments = 0;
  const rules = p.rules.map((r) => {
    const o: Record<string, unknown> = {};
    const names = [...r.names];
    if (r.name !== undefined && r.name !== '') {
      if (names.length === 0) names.push(r.name);
      else w.push(writeWarning('inexpressible', `legacy name '${r.name}' dropped: the rule also has names (Docker rejects the pair)`, `${r.pointer}/name`, p));
    }
    if (names.length === 0) w.push(writeWarning('inexpressible', 'rule with no names: the target requires at least one name', r.pointer, p));
    o.names = names;
    o.action = r.action;
    let errnoRet = r.errnoRet;
    if (r.errno !== undefined) {
      const v = parsePodmanErrno(r.errno);
      if ('value' in v) errnoRet = v.value;
      else w.push(writeWarning('inexpressible', `errno "${r.errno}" dropped: ${v.error}`, `${r.pointer}/errno`, p));
    }
    if (errnoRet !== undefined) o.errnoRet = errnoRet;
    if (r.args.length) {
      o.args = writeArgs(r.args);
    }
    for (const which of ['includes', 'excludes'] as const) {
      const f = r[which];
      if (f && (f.caps.length || f.arches.length || f.minKernel !== undefined)) {
        w.push(writeWarning('inexpressible', `${which} dropped: the rule is written unconditionally (what containerd does with it)`, f.pointer, p, 'resolve the profile for a host (caps, arch, kernel) to keep the conditions\' effect'));
      }
    }
    if (r.comment !== undefined && r.comment !== '') comments++;
    return o;
  });
  if (comments) w.push({ severity: 'info', code: 'inexpressible', message: `${comments} rule comment(s) dropped`, source: p.file !== undefined ? { file: p.file } : {} });
  return rules;
}

/** The `linux.seccomp` object. */
export function ociDocument(p: Profile, w: Diagnostic[]): Record<string, unknown> {
  const doc: Record<string, unknown> = { defaultAction: p.defaultAction };
  if (p.defaultActionMissing && p.defaultAction === '') w.push(writeWarning('inexpressible', 'defaultAction is required by OCI; written as ""', p.root, p));
  let def = p.defaultErrnoRet;
  if (p.defaultErrno !== undefined) {
    const v = parsePodmanErrno(p.defaultErrno);
    if ('value' in v) def = v.value;
    else w.push(writeWarning('inexpressible', `defaultErrno "${p.defaultErrno}" dropped: ${v.error}`, `${p.root}/defaultErrno`, p));
  }
  if (def !== undefined) doc.defaultErrnoRet = def;
  if (p.architectures.length) doc.architectures = [...p.architectures];
  if (p.flags !== undefined) doc.flags = [...p.flags];
  if (p.listenerPath !== undefined) doc.listenerPath = p.listenerPath;
  if (p.listenerMetadata !== undefined) doc.listenerMetadata = p.listenerMetadata;
  doc.syscalls = ociRules(p, w, 'oci');
  if (p.spo) w.push(writeWarning('inexpressible', 'Kubernetes metadata (name, labels, baseProfileName, state) dropped', p.root, p));
  return doc;
}
