/**
 * Kubernetes Security Profiles Operator `SeccompProfile` (security-profiles-operator.x-k8s.io v1
 * and v1beta1), usually YAML, possibly several per file (`---`) or inside a `List`. The profile is
 * `spec` (root pointer `/spec`); `metadata` and the SPO-only fields go to {@link SpoMeta}. The CRD
 * has no `defaultErrnoRet`, no Docker extensions, int32/int64 numbers that must be >= 0 and an
 * `errnoRet` of 0 means "unset"; the writer warns about each of these.
 */
import type { Diagnostic, Profile, SpoMeta } from '../model.js';
import { INT32_MAX, INT64_MAX } from '../schema.js';
import type { DialectReading } from './common.js';
import { writeWarning } from './common.js';
import { ociRules } from './oci.js';

export const SPO_KIND = 'SeccompProfile';
export const SPO_API_V1 = 'security-profiles-operator.x-k8s.io/v1';

export const spoReading: DialectReading = {
  dialect: 'spo',
  notePrefix: '',
  goRoot: 'v1.SeccompProfile',
  keyHints: {
    defaultErrnoRet: "the SeccompProfile CRD has no defaultErrnoRet: the API server rejects it (the default errno is EPERM)",
    archMap: "'archMap' is a Docker extension; the CRD has only architectures",
    includes: "'includes' is a Docker extension; the CRD has no conditional rules",
    excludes: "'excludes' is a Docker extension; the CRD has no conditional rules",
    comment: "'comment' is a Docker extension; the CRD has none",
    errno: "'errno' is a Podman extension; use errnoRet",
  },
};

/** Decoded Kubernetes object around the spec. */
export interface DecodedSpo {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown> & { state?: string; disabled?: boolean; baseProfileName?: string };
}

/** The SPO-only part of the model. */
export function spoMeta(v: DecodedSpo): SpoMeta {
  const m: SpoMeta = { apiVersion: v.apiVersion ?? '', kind: v.kind ?? '' };
  const md = v.metadata ?? {};
  if (md.name !== undefined) m.name = md.name;
  if (md.namespace !== undefined) m.namespace = md.namespace;
  if (md.labels !== undefined) m.labels = { ...md.labels };
  if (md.annotations !== undefined) m.annotations = { ...md.annotations };
  const spec = v.spec ?? {};
  if (spec.baseProfileName !== undefined) m.baseProfileName = spec.baseProfileName;
  if (spec.state !== undefined) m.state = spec.state;
  if (spec.disabled !== undefined) m.disabled = spec.disabled;
  else if (spec.state !== undefined) m.disabled = spec.state === 'Disabled';
  return m;
}

/** Writer options that only SPO uses. */
export interface SpoWriteOptions {
  /** `metadata.name` (default: the profile's own, else `profile`). */
  name?: string;
  namespace?: string;
}

/** The whole `SeccompProfile` object. */
export function spoDocument(p: Profile, w: Diagnostic[], opts: SpoWriteOptions = {}): Record<string, unknown> {
  const meta = p.spo;
  const metadata: Record<string, unknown> = { name: opts.name ?? meta?.name ?? 'profile' };
  const ns = opts.namespace ?? meta?.namespace;
  if (ns !== undefined) metadata.namespace = ns;
  if (meta?.labels) metadata.labels = { ...meta.labels };
  if (meta?.annotations) metadata.annotations = { ...meta.annotations };
  const spec: Record<string, unknown> = {};
  if (meta?.state !== undefined) spec.state = meta.state;
  else if (meta?.disabled !== undefined && meta.apiVersion.endsWith('/v1beta1')) spec.disabled = meta.disabled;
  else if (meta?.disabled) spec.state = 'Disabled';
  if (meta?.baseProfileName !== undefined) spec.baseProfileName = meta.baseProfileName;
  spec.defaultAction = p.defaultAction;
  if (p.defaultErrnoRet !== undefined || p.defaultErrno !== undefined) {
    w.push(writeWarning('inexpressible', `default errno ${p.defaultErrno ?? p.defaultErrnoRet} dropped: the SeccompProfile CRD has no defaultErrnoRet, so the default action returns EPERM`, `${p.root}/${p.defaultErrno !== undefined ? 'defaultErrno' : 'defaultErrnoRet'}`, p));
  }
  if (p.architectures.length) spec.architectures = [...p.architectures];
  if (p.listenerPath !== undefined) spec.listenerPath = p.listenerPath;
  if (p.listenerMetadata !== undefined) spec.listenerMetadata = p.listenerMetadata;
  const rules = ociRules(p, w, 'spo');
  rules.forEach((r, i) => {
    const rule = p.rules[i];
    if (r.errnoRet === 0n) {
      delete r.errnoRet;
      w.push(writeWarning('inexpressible', 'errnoRet 0 dropped: SPO treats 0 as unset, so the rule returns EPERM', `${rule.pointer}/errnoRet`, p));
    } else if (typeof r.errnoRet === 'bigint' && r.errnoRet > INT32_MAX) {
      w.push(writeWarning('inexpressible', `errnoRet ${r.errnoRet} exceeds the CRD's int32: the API server rejects it`, `${rule.pointer}/errnoRet`, p));
    }
    if (rule.args.length > 6) w.push(writeWarning('inexpressible', `${rule.args.length} args: the CRD allows at most 6`, `${rule.pointer}/args`, p));
    for (const a of rule.args) {
      for (const k of ['value', 'valueTwo'] as const) {
        const v = a[k];
        if (v !== undefined && v > INT64_MAX) {
          w.push(writeWarning('inexpressible', `${k} ${v} exceeds 2^63-1: the CRD's int64 cannot hold it (the API server rejects it)`, `${a.pointer}/${k}`, p, 'a 32-bit argument only compares its low 32 bits; otherwise split the rule'));
        }
      }
      if (a.index > INT32_MAX) w.push(writeWarning('inexpressible', `index ${a.index} exceeds the CRD's int32`, `${a.pointer}/index`, p));
    }
  });
  if (rules.length) spec.syscalls = rules;
  if (p.flags !== undefined && p.flags.length) spec.flags = [...p.flags];
  else if (p.flags !== undefined) w.push(writeWarning('inexpressible', 'flags: [] cannot be expressed (omitempty): the runtime adds SPEC_ALLOW again', `${p.root}/flags`, p));
  const apiVersion = meta?.apiVersion && meta.apiVersion.startsWith('security-profiles-operator.x-k8s.io/') ? meta.apiVersion : SPO_API_V1;
  return { apiVersion, kind: SPO_KIND, metadata, spec };
}
