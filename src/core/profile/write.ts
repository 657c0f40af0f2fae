/**
 * Writing a {@link Profile} in any dialect: a stable key order (the order of each format's Go
 * struct), deterministic layout (so write -> read -> write is byte-identical), bigint numbers
 * written exactly, and a warning for everything the target cannot express (SPO: no
 * defaultErrnoRet, errnoRet 0, values above 2^63-1; OCI/SPO: no includes/excludes/archMap; ...).
 */
import { Document } from 'yaml';
import type { Diagnostic, Dialect, Profile } from './model.js';
import { dockerFamilyDocument } from './dialects/docker.js';
import { ociDocument } from './dialects/oci.js';
import { spoDocument } from './dialects/spo.js';

/** Options of {@link writeProfile}. */
export interface WriteOptions {
  /** Indentation: a number of spaces or a string (default 2 spaces). */
  indent?: number | string;
  /** `yaml` is the default for `spo`, `json` for the others. */
  format?: 'json' | 'yaml';
  /** SPO: `metadata.name` (default: the profile's own, else `profile`). */
  name?: string;
  /** SPO: `metadata.namespace`. */
  namespace?: string;
  /** Receives the warnings (also returned by {@link convertProfile}). */
  warnings?: Diagnostic[];
}

/** Text plus what got lost. */
export interface WriteResult {
  text: string;
  warnings: Diagnostic[];
}

/** The document object a dialect's file holds (plain data, bigint numbers). */
export function profileDocument(profile: Profile, dialect: Dialect, opts: WriteOptions = {}, warnings: Diagnostic[] = []): Record<string, unknown> {
  switch (dialect) {
    case 'docker':
    case 'docker-legacy':
    case 'podman':
      return dockerFamilyDocument(profile, dialect, warnings);
    case 'oci':
      return ociDocument(profile, warnings);
    case 'spo':
      return spoDocument(profile, warnings, { ...(opts.name !== undefined ? { name: opts.name } : {}), ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}) });
  }
}

/** Writes `profile` as `dialect`, returning the text and the warnings. */
export function convertProfile(profile: Profile, dialect: Dialect, opts: WriteOptions = {}): WriteResult {
  const warnings: Diagnostic[] = [];
  const doc = profileDocument(profile, dialect, opts, warnings);
  const format = opts.format ?? (dialect === 'spo' ? 'yaml' : 'json');
  const text = format === 'yaml' ? toYamlText(doc) : toJsonText(doc, opts.indent ?? 2);
  opts.warnings?.push(...warnings);
  return { text, warnings };
}

/** Writes `profile` as `dialect` (warnings go to `opts.warnings` when given). */
export function writeProfile(profile: Profile, dialect: Dialect, opts: WriteOptions = {}): string {
  return convertProfile(profile, dialect, opts).text;
}

/** Pretty JSON with exact bigints, one array item per line, a final newline. */
export function toJsonText(value: unknown, indent: number | string = 2): string {
  const unit = typeof indent === 'number' ? ' '.repeat(indent) : indent;
  const out: string[] = [];
  const write = (v: unknown, pad: string): void => {
    if (typeof v === 'bigint') out.push(v.toString());
    else if (typeof v === 'string' || typeof v === 'boolean' || v === null) out.push(JSON.stringify(v));
    else if (typeof v === 'number') out.push(Number.isFinite(v) ? String(v) : 'null');
    else if (Array.isArray(v)) {
      if (v.length === 0) {
        out.push('[]');
        return;
      }
      const inner = pad + unit;
      out.push('[\n');
      v.forEach((x, i) => {
        out.push(inner);
        write(x, inner);
        out.push(i < v.length - 1 ? ',\n' : '\n');
      });
      out.push(`${pad}]`);
    } else if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
      if (entries.length === 0) {
        out.push('{}');
        return;
      }
      const inner = pad + unit;
      out.push('{\n');
      entries.forEach(([k, x], i) => {
        out.push(`${inner}${JSON.stringify(k)}: `);
        write(x, inner);
        out.push(i < entries.length - 1 ? ',\n' : '\n');
      });
      out.push(`${pad}}`);
    } else out.push('null');
  };
  write(value, '');
  return `${out.join('')}\n`;
}

/** YAML for Kubernetes: block style, strings that YAML 1.1 would read as something else quoted. */
export function toYamlText(value: unknown): string {
  const doc = new Document(value, { version: '1.1' });
  return doc.toString({ lineWidth: 0, indentSeq: true });
}
