/**
 * Reading profiles: text (or bytes) -> syntax tree with positions (json.ts / yaml.ts) -> dialect
 * (pinned or detected) -> Go-faithful decoding (decode.ts) -> schema checks (schema.ts) -> the
 * {@link Profile} model, with every problem as a compiler-style {@link Diagnostic}.
 * {@link readProfile} never throws for bad input.
 */
import { SeccompKitError } from '../errors.js';
import type { SourceRef } from '../errors.js';
import type { Diagnostic, Dialect, Profile } from './model.js';
import { DIALECTS } from './model.js';
import { LineIndex, parseJson, pointerSegment } from './json.js';
import type { ObjectNode, SyntaxNode, TextProblem } from './json.js';
import { parseYaml } from './yaml.js';
import { Decoder } from './decode.js';
import type { DecodeContext } from './decode.js';
import { readerSchema } from './schema.js';
import type { DocumentKind } from './schema.js';
import { suggest } from './suggest.js';
import { buildModel, loadChecks } from './dialects/common.js';
import type { DecodedSeccomp, DialectReading } from './dialects/common.js';
import { dockerLegacyReading, dockerReading } from './dialects/docker.js';
import { podmanReading } from './dialects/podman.js';
import { ociConfigReading, ociReading } from './dialects/oci.js';
import { SPO_KIND, spoMeta, spoReading } from './dialects/spo.js';
import type { DecodedSpo } from './dialects/spo.js';

/** Options of {@link readProfile}. */
export interface ReadOptions {
  /** File name or label used in positions and messages. */
  file?: string;
  /** Pin the dialect instead of detecting it. */
  dialect?: Dialect;
  /**
   * `strict` (default): unknown keys, wrong key case and duplicate keys are errors. `docker`:
   * accept what Go's encoding/json accepts (Docker, Podman, containerd) and report each as a warning.
   * SPO documents are always read strictly, as the Kubernetes API server reads them.
   */
  compat?: 'strict' | 'docker';
  /** Input syntax; `auto` (default) looks at the file extension, then at the text. */
  format?: 'json' | 'yaml' | 'auto';
  /** For streams with several SeccompProfile documents: keep the one with this `metadata.name`. */
  name?: string;
}

/** How the dialect was chosen, for messages. */
export interface Detection {
  dialect: Dialect;
  /** Why: `pinned`, or the keys that decided. */
  reason: string;
}

/** Result of {@link readProfile}. */
export interface ReadResult {
  /** The profile when the input holds exactly one (after `name` selection); undefined otherwise. */
  profile?: Profile;
  /** Every profile read (several for multi-document SPO YAML). Present even when diagnostics have errors. */
  profiles: Profile[];
  /** Everything found, in input order; errors mean an engine would refuse the file. */
  diagnostics: Diagnostic[];
  format: 'json' | 'yaml';
  /** Dialect of each document read, in order. */
  detections: Detection[];
}

const READINGS: Record<Dialect, DialectReading> = {
  docker: dockerReading,
  'docker-legacy': dockerLegacyReading,
  podman: podmanReading,
  oci: ociReading,
  spo: spoReading,
};

const OCI_TOP = new Set(['defaultAction', 'defaultErrnoRet', 'architectures', 'flags', 'listenerPath', 'listenerMetadata', 'syscalls']);
const OCI_RULE = new Set(['names', 'action', 'errnoRet', 'args']);

function member(o: ObjectNode, key: string): SyntaxNode | undefined {
  for (let i = o.members.length - 1; i >= 0; i--) if (o.members[i].key === key) return o.members[i].value;
  return undefined;
}

function ruleObjects(o: ObjectNode): ObjectNode[] {
  const s = member(o, 'syscalls');
  return s?.kind === 'array' ? s.items.filter((x): x is ObjectNode => x.kind === 'object') : [];
}

/**
 * Guesses the dialect of a document from its keys (exact spelling; first match wins):
 *
 * 1. `apiVersion` or `kind` at the top -> `spo` (a Kubernetes object).
 * 2. `ociVersion`, or a `linux` object -> `oci` (a whole config.json; the profile is `/linux/seccomp`).
 * 3. `defaultErrno`, or an `errno` key in a rule -> `podman`.
 * 4. `archMap`, or a rule with `includes`/`excludes`/`comment` (where `minKernel` lives) -> `docker`.
 * 5. rules with the legacy `name` and none with `names` -> `docker-legacy` (Docker 1.10-1.12 files,
 *    which also use the flat `architectures`).
 * 6. only OCI keys (`defaultAction` set, at least one rule, rules with only `names`/`action`/
 *    `errnoRet`/`args`) -> `oci`.
 * 7. anything else, including `{}` and misspelled keys -> `docker` (the most lenient reading).
 */
export function detectDialect(node: SyntaxNode): { dialect: Dialect; kind: DocumentKind; reason: string } {
  if (node.kind !== 'object') return { dialect: 'docker', kind: 'docker', reason: 'not an object' };
  const keys = new Set(node.members.map((m) => m.key));
  if (keys.has('apiVersion') || keys.has('kind')) return { dialect: 'spo', kind: 'spo', reason: 'apiVersion/kind: a Kubernetes object' };
  const linux = member(node, 'linux');
  if (keys.has('ociVersion') || linux?.kind === 'object') return { dialect: 'oci', kind: 'oci-config', reason: 'ociVersion/linux: an OCI config.json' };
  const rules = ruleObjects(node);
  const ruleKeys = new Set(rules.flatMap((r) => r.members.map((m) => m.key)));
  if (keys.has('defaultErrno') || ruleKeys.has('errno')) return { dialect: 'podman', kind: 'podman', reason: 'defaultErrno/errno: containers/common extensions' };
  const dockerOnly = ['includes', 'excludes', 'comment'].filter((k) => ruleKeys.has(k));
  if (keys.has('archMap') || dockerOnly.length) {
    return { dialect: 'docker', kind: 'docker', reason: `${[...(keys.has('archMap') ? ['archMap'] : []), ...dockerOnly].join('/')}: Docker extensions` };
  }
  if (ruleKeys.has('name') && !ruleKeys.has('names')) return { dialect: 'docker-legacy', kind: 'docker-legacy', reason: "legacy 'name' rules" };
  const ociOnly = [...keys].every((k) => OCI_TOP.has(k)) && [...ruleKeys].every((k) => OCI_RULE.has(k));
  const syscalls = member(node, 'syscalls');
  if (ociOnly && keys.has('defaultAction') && rules.length > 0 && syscalls?.kind === 'array' && syscalls.items.length === rules.length) {
    return { dialect: 'oci', kind: 'oci', reason: 'only OCI runtime-spec keys' };
  }
  return { dialect: 'docker', kind: 'docker', reason: 'no dialect-specific keys (Docker is the most lenient reading)' };
}

/** Offset of the first invalid UTF-8 sequence, or -1. */
function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (i + k >= b.length || (b[i + k] & 0xc0) !== 0x80) return i;
    if (n === 2 && ((c === 0xe0 && b[i + 1] < 0xa0) || (c === 0xed && b[i + 1] > 0x9f))) return i;
    if (n === 3 && ((c === 0xf0 && b[i + 1] < 0x90) || (c === 0xf4 && b[i + 1] > 0x8f))) return i;
    i += n + 1;
  }
  return -1;
}

function decodeBytes(bytes: Uint8Array): { text: string; problem?: TextProblem } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    const bad = firstInvalidUtf8(bytes);
    const offset = bad < 0 ? 0 : new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(0, bad)).length;
    return { text, problem: { code: 'encoding', offset, message: 'invalid UTF-8: the bad bytes are read as U+FFFD (as Go does)' } };
  }
}

function chooseFormat(text: string, opts: ReadOptions): 'json' | 'yaml' {
  if (opts.format === 'json' || opts.format === 'yaml') return opts.format;
  const f = opts.file?.toLowerCase() ?? '';
  if (f.endsWith('.json')) return 'json';
  if (f.endsWith('.yaml') || f.endsWith('.yml')) return 'yaml';
  const t = text.replace(/^\ufeff/, '');
  const first = /\S/.exec(t)?.[0];
  if (first === undefined || first === '{' || first === '[' || first === '/') return 'json';
  if (/^\s*(---|%YAML|#)/.test(t) || /^[ \t]*(-[ \t]+)?["']?[A-Za-z_][\w.-]*["']?[ \t]*:([ \t]|$)/m.test(t)) return 'yaml';
  return 'json';
}

interface Session {
  text: string;
  lines: LineIndex;
  file?: string;
  compat: boolean;
  diagnostics: Diagnostic[];
}

function at(s: Session, offset: number, pointer?: string): SourceRef {
  const { line, column } = s.lines.position(offset);
  const r: SourceRef = { line, column, offset: Math.min(Math.max(offset, 0), s.text.length) };
  if (s.file !== undefined) r.file = s.file;
  if (pointer !== undefined) r.pointer = pointer;
  return r;
}

function problem(s: Session, p: TextProblem, severity: Diagnostic['severity']): void {
  const d: Diagnostic = { severity, code: p.code, message: p.message, source: at(s, p.offset) };
  if (p.note) d.note = p.note;
  s.diagnostics.push(d);
}

/** Reads every profile in `input` (JSON or YAML, any dialect). Never throws for bad input. */
export function readProfile(input: string | Uint8Array, opts: ReadOptions = {}): ReadResult {
  let text: string;
  let encodingProblem: TextProblem | undefined;
  if (typeof input === 'string') text = input;
  else ({ text, problem: encodingProblem } = decodeBytes(input));
  const format = chooseFormat(text, opts);
  const s: Session = { text, lines: new LineIndex(text), compat: opts.compat === 'docker', diagnostics: [] };
  if (opts.file !== undefined) s.file = opts.file;
  if (encodingProblem) problem(s, encodingProblem, 'warning');
  const result: ReadResult = { profiles: [], diagnostics: s.diagnostics, format, detections: [] };

  const docs: { node: SyntaxNode; index: number }[] = [];
  if (format === 'json') {
    const r = parseJson(text);
    for (const w of r.warnings) problem(s, w, 'warning');
    if (r.error) {
      problem(s, r.error, 'error');
      return result;
    }
    if (r.node) docs.push({ node: r.node, index: 0 });
  } else {
    const r = parseYaml(text.replace(/^\ufeff/, ' '));
    for (const w of r.warnings) problem(s, w, 'warning');
    for (const e of r.errors) problem(s, e, 'error');
    if (r.errors.length) return result;
    for (const d of r.documents) if (d.node) docs.push({ node: d.node, index: d.index });
    if (docs.length === 0) {
      s.diagnostics.push({ severity: 'error', code: 'no-profile', message: 'the input holds no document', source: at(s, 0) });
      return result;
    }
  }

  for (const doc of docs) readDocument(s, doc.node, doc.index, docs.length > 1, opts, result);

  if (opts.name !== undefined) {
    const named = result.profiles.filter((p) => p.spo?.name === opts.name);
    if (named.length === 0) {
      const names = result.profiles.map((p) => p.spo?.name).filter((n): n is string => n !== undefined);
      const close = suggest(opts.name, names);
      s.diagnostics.push({
        severity: 'error',
        code: 'no-profile',
        message: `no profile named '${opts.name}'${close ? `; did you mean '${close}'?` : ''}`,
        source: at(s, 0),
        ...(names.length ? { hint: `profiles in this file: ${names.join(', ')}` } : {}),
      });
    }
    result.profiles = named;
  }
  if (result.profiles.length === 1) result.profile = result.profiles[0];
  // Input order, like a compiler (stable: same-offset problems keep the order they were found in).
  result.diagnostics.sort((a, b) => (a.source.offset ?? 0) - (b.source.offset ?? 0));
  return result;
}

function readDocument(s: Session, node: SyntaxNode, index: number, multi: boolean, opts: ReadOptions, result: ReadResult): void {
  const detected = detectDialect(node);
  const dialect = opts.dialect ?? detected.dialect;
  let kind: DocumentKind = opts.dialect ? pinnedKind(opts.dialect, node) : detected.kind;
  const reason = opts.dialect ? 'pinned' : detected.reason;

  if (dialect === 'spo' && node.kind === 'object') {
    const k = member(node, 'kind');
    const kindName = k?.kind === 'string' ? k.value : undefined;
    const items = member(node, 'items');
    if (kindName !== undefined && kindName.endsWith('List') && items?.kind === 'array') {
      items.items.forEach((item, i) => {
        const ik = item.kind === 'object' ? member(item, 'kind') : undefined;
        if (ik?.kind === 'string' && ik.value === SPO_KIND) readOne(s, item, `/items/${i}`, 'spo', 'spo', reason, index, opts, result);
        else skipped(s, item, `/items/${i}`, ik?.kind === 'string' ? ik.value : undefined);
      });
      return;
    }
    if (kindName !== undefined && kindName !== SPO_KIND && (multi || !opts.dialect)) {
      skipped(s, node, '', kindName);
      return;
    }
  } else if (multi && !opts.dialect && detected.dialect !== 'spo' && node.kind === 'object' && node.members.length === 0) {
    return;
  }
  if (dialect === 'spo') kind = 'spo';
  readOne(s, node, '', dialect, kind, reason, index, opts, result);
}

function pinnedKind(d: Dialect, node: SyntaxNode): DocumentKind {
  if (d === 'oci' && node.kind === 'object' && (member(node, 'ociVersion') !== undefined || member(node, 'linux')?.kind === 'object')) return 'oci-config';
  return d;
}

function skipped(s: Session, node: SyntaxNode, pointer: string, kind: string | undefined): void {
  s.diagnostics.push({
    severity: 'info',
    code: 'skipped-document',
    message: `skipped a document of kind ${kind ?? '(none)'}: not a SeccompProfile`,
    source: at(s, node.start, pointer),
  });
}

function readOne(s: Session, node: SyntaxNode, base: string, dialect: Dialect, kind: DocumentKind, reason: string, index: number, opts: ReadOptions, result: ReadResult): void {
  result.detections.push({ dialect, reason });
  const reading = kind === 'oci-config' ? ociConfigReading : READINGS[dialect];
  const compat = s.compat && dialect !== 'spo';
  const ctx: DecodeContext = {
    text: s.text,
    lines: s.lines,
    compat,
    notePrefix: reading.notePrefix,
    goRoot: reading.goRoot,
    keyHints: reading.keyHints,
    diagnostics: s.diagnostics,
    sources: {},
    keySources: {},
    nodes: new Map(),
    dropped: new Set(),
  };
  if (s.file !== undefined) ctx.file = s.file;
  const dec = new Decoder(ctx);

  if (node.kind !== 'object') {
    if (node.kind === 'null' && kind !== 'spo' && kind !== 'oci-config') {
      // Go's Unmarshal of `null` into a struct does nothing: an empty profile.
      dec.report('warning', 'null-value', 'the document is null: read as an empty profile', node.start, base);
    } else {
      const what = node.kind === 'boolean' ? 'bool' : node.kind;
      dec.report('error', 'top-level', `a ${dialect === 'spo' ? 'SeccompProfile' : 'seccomp profile'} must be an object, found ${what === 'bool' ? 'a boolean' : what === 'array' ? 'an array' : `a ${what}`}`, node.start, base, {
        note: `${reading.notePrefix}json: cannot unmarshal ${what} into Go value of type ${reading.goRoot}`,
        hint: node.kind === 'string' ? 'a daemon given a path instead of the profile text fails the same way' : undefined,
      });
      return;
    }
  }

  const schema = readerSchema(kind);
  const value = node.kind === 'object' ? (dec.decodeRoot(node, schema, base) as Record<string, unknown> | undefined) ?? {} : {};
  schemaChecks(s, ctx, schema, value, base, compat ? 'warning' : 'error');

  let seccomp: DecodedSeccomp | undefined = value as DecodedSeccomp;
  let root = base;
  if (kind === 'oci-config') {
    const linux = value.linux as Record<string, unknown> | undefined;
    seccomp = linux?.seccomp as DecodedSeccomp | undefined;
    root = `${base}/linux/seccomp`;
    if (!seccomp) {
      dec.report('error', 'no-profile', 'this OCI config has no linux.seccomp: the container would run without seccomp', node.start, base);
      return;
    }
  } else if (kind === 'spo') {
    seccomp = (value as DecodedSpo).spec as DecodedSeccomp | undefined;
    root = `${base}/spec`;
    if (!seccomp) return; // "missing required field 'spec'" was reported
  }
  const profile = buildModel(seccomp, dialect, root, ctx.sources, ctx.keySources, s.file);
  if (kind === 'spo') profile.spo = spoMeta(value as DecodedSpo);
  if (index > 0) profile.document = index;
  loadChecks(profile, s.diagnostics, (pointer, key) => {
    const src = (key ? ctx.keySources[pointer] : undefined) ?? ctx.sources[pointer] ?? ctx.keySources[pointer] ?? ctx.sources[root] ?? at(s, node.start);
    return { ...src, pointer };
  }, ctx.dropped.size > 0);
  result.profiles.push(profile);
}

function getAt(v: unknown, path: readonly PropertyKey[]): unknown {
  let cur = v;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

const ENUM_WHAT: Record<string, string> = {
  action: 'action',
  defaultAction: 'action',
  op: 'operator',
  architectures: 'architecture',
  architecture: 'architecture',
  subArchitectures: 'architecture',
  flags: 'flag',
  apiVersion: 'apiVersion',
  kind: 'kind',
  state: 'state',
};

/** Runs the zod schema over the decoded document and turns its issues into diagnostics. */
function schemaChecks(s: Session, ctx: DecodeContext, schema: ReturnType<typeof readerSchema>, value: unknown, base: string, severity: 'error' | 'warning'): void {
  const r = schema.safeParse(value);
  if (r.success) return;
  for (const issue of r.error.issues) {
    const path = issue.path;
    const pointer = base + path.map((p) => `/${pointerSegment(typeof p === 'number' ? p : String(p))}`).join('');
    const locate = (ptr: string): SourceRef => {
      let p = ptr;
      for (;;) {
        const src = ctx.sources[p];
        if (src) return { ...src, pointer: ptr };
        if (p === '' || p === base) return { ...at(s, 0), pointer: ptr };
        p = p.slice(0, p.lastIndexOf('/'));
      }
    };
    if (ctx.dropped.has(pointer)) continue;
    const field = String(path[path.length - 1] ?? '');
    const numericField = /^\d+$/.test(field) ? String(path[path.length - 2] ?? '') : field;
    const here = getAt(value, path);
    let code = 'schema';
    let message = issue.message;
    let hint: string | undefined;
    if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && here === undefined) {
      code = 'required';
      message = `missing required field '${field}'`;
    } else if (issue.code === 'too_small' && issue.origin === 'array') {
      code = 'min-items';
      message = `'${field}' must have at least ${issue.minimum} item${Number(issue.minimum) === 1 ? '' : 's'}`;
    } else if (issue.code === 'too_big' && issue.origin === 'array') {
      code = 'max-items';
      message = `'${field}' may have at most ${issue.maximum} items (it has ${Array.isArray(here) ? here.length : '?'})`;
    } else if (issue.code === 'too_big' && issue.origin === 'string') {
      code = 'max-length';
      message = `'${field}' may be at most ${issue.maximum} characters long`;
    } else if (issue.code === 'invalid_value') {
      code = 'enum';
      const what = ENUM_WHAT[numericField] ?? numericField;
      const values = issue.values.map(String);
      const close = typeof here === 'string' ? suggest(here, values) : undefined;
      message = `unknown ${what} '${String(here)}'${close ? `; did you mean '${close}'?` : ''}`;
      hint = `valid values: ${values.join(', ')}`;
    } else if (issue.code === 'invalid_format') {
      code = 'pattern';
      message = `'${String(here)}' does not match the pattern ${'pattern' in issue ? String(issue.pattern) : ''}`.trim();
    }
    const d: Diagnostic = { severity, code, message, source: code === 'required' ? locate(pointer.slice(0, pointer.lastIndexOf('/'))) : locate(pointer) };
    d.source.pointer = pointer;
    if (hint) d.hint = hint;
    s.diagnostics.push(d);
  }
}

/** True when a result has no error diagnostics. */
export function isClean(r: { diagnostics: Diagnostic[] }): boolean {
  return !r.diagnostics.some((d) => d.severity === 'error');
}

/**
 * Reads exactly one profile or throws `SeccompKitError('parse')` with the first error (position,
 * message, hint). Warnings are dropped; use {@link readProfile} to see them.
 */
export function readProfileOrThrow(input: string | Uint8Array, opts: ReadOptions = {}): Profile {
  const r = readProfile(input, opts);
  const err = r.diagnostics.find((d) => d.severity === 'error');
  if (err) throw new SeccompKitError('parse', err.message, { source: err.source, hint: err.hint ?? err.note });
  if (!r.profile) {
    const names = r.profiles.map((p) => p.spo?.name ?? '(unnamed)');
    throw new SeccompKitError('parse', r.profiles.length === 0 ? 'no profile found' : `${r.profiles.length} profiles found (${names.join(', ')}); choose one by name`, {
      source: opts.file !== undefined ? { file: opts.file } : {},
    });
  }
  return r.profile;
}

/** Every dialect name, for option parsing. */
export function isDialect(s: string): s is Dialect {
  return (DIALECTS as readonly string[]).includes(s);
}
