/**
 * From a {@link SyntaxNode} tree to a plain document value, guided by a dialect's zod schema, the
 * way Go's `encoding/json` fills a struct (which is what moby, containers/common, containerd and
 * runc use), and reporting everything it tolerates:
 *
 * - keys: exact match first, then a case-insensitive one (Go folds case; strict mode calls it an
 *   error but still uses the value, so the model is what Docker would see); unknown keys are
 *   ignored (error in strict mode, warning with `compat: 'docker'`), with a "did you mean".
 * - duplicate keys: the later value is decoded *into* the earlier one: scalars and string arrays are
 *   replaced, objects merge field by field, and so do the object elements of arrays (Go reuses a
 *   slice's existing elements when it decodes into it again; golang/go#21092).
 * - `null`: resets pointers, slices and maps (here: the field becomes absent), leaves strings,
 *   numbers, booleans and value structs unchanged.
 * - integers: only integer literals, within the Go type's range; the format's own (narrower) limit
 *   is an error in strict mode and a warning with `compat: 'docker'`.
 *
 * Each problem carries Go's wording in `note` where Go would fail. The decoder records the source
 * position of every value (`sources`) and key (`keySources`) by canonical JSON pointer.
 */
import { z } from 'zod';
import type { SourceRef } from '../errors.js';
import type { Diagnostic } from './model.js';
import type { LineIndex, ObjectNode, SyntaxNode } from './json.js';
import { pointerSegment } from './json.js';
import { schemaMeta } from './schema.js';
import { suggest } from './suggest.js';

/** Everything the decoder reads from and writes to. */
export interface DecodeContext {
  text: string;
  lines: LineIndex;
  file?: string;
  /** Go's leniency (`compat: 'docker'`): tolerated problems become warnings. */
  compat: boolean;
  /** Prefix of Go-style notes: `Decoding seccomp profile failed: `. */
  notePrefix: string;
  /** Go type of the whole document: `seccomp.Seccomp`. */
  goRoot: string;
  /** Explanations for keys that mean something in another dialect (`errno` in Docker, ...). */
  keyHints: Record<string, string>;
  diagnostics: Diagnostic[];
  sources: Record<string, SourceRef>;
  keySources: Record<string, SourceRef>;
  /** Pointer -> syntax node, for messages that quote the literal. */
  nodes: Map<string, SyntaxNode>;
  /** Pointers whose value was rejected (so schema checks do not report them again as missing). */
  dropped: Set<string>;
}

/** Where Go's error would say the problem is: innermost struct and the dotted field path. */
interface GoPath {
  struct?: string;
  path: string[];
}

type Kind = 'object' | 'loose' | 'array' | 'record' | 'string' | 'int' | 'boolean' | 'unknown' | 'minKernel';

/** Strips `.optional()` wrappers. */
export function unwrap(s: z.ZodType): z.ZodType {
  let cur = s;
  while (cur instanceof z.ZodOptional || cur instanceof z.ZodNullable) cur = cur.unwrap() as z.ZodType;
  return cur;
}

function kindOf(s: z.ZodType): Kind {
  if (schemaMeta(s)?.minKernel) return 'minKernel';
  if (s instanceof z.ZodObject) return s._zod.def.catchall instanceof z.ZodUnknown ? 'loose' : 'object';
  if (s instanceof z.ZodArray) return 'array';
  if (s instanceof z.ZodRecord) return 'record';
  if (s instanceof z.ZodString || s instanceof z.ZodEnum) return 'string';
  if (s instanceof z.ZodBigInt) return 'int';
  if (s instanceof z.ZodBoolean) return 'boolean';
  return 'unknown';
}

const EXPECTED: Record<Kind, string> = {
  object: 'an object',
  loose: 'an object',
  array: 'an array',
  record: 'an object',
  string: 'a string',
  int: 'an integer',
  boolean: 'true or false',
  unknown: 'a value',
  minKernel: 'a string',
};

function found(n: SyntaxNode): string {
  switch (n.kind) {
    case 'object': return 'an object';
    case 'array': return 'an array';
    case 'string': return `a string (${JSON.stringify(n.value.length > 40 ? n.value.slice(0, 40) + '…' : n.value)})`;
    case 'number': return n.raw;
    case 'boolean': return String(n.value);
    case 'null': return 'null';
  }
}

/** Go's name for a JSON value kind in `cannot unmarshal X`. */
function goWhat(n: SyntaxNode): string {
  return n.kind === 'boolean' ? 'bool' : n.kind;
}

/** Go's `foldName`: ASCII case folding plus the two non-ASCII letters that fold to ASCII (K, ſ). */
export function foldKey(k: string): string {
  return k.replace(/\u212a/g, 'k').replace(/\u017f/g, 's').toLowerCase();
}

export class Decoder {
  constructor(private readonly ctx: DecodeContext) {}

  ref(offset: number, pointer?: string): SourceRef {
    const { line, column } = this.ctx.lines.position(offset);
    const r: SourceRef = { line, column, offset: Math.min(offset, this.ctx.text.length) };
    if (this.ctx.file !== undefined) r.file = this.ctx.file;
    if (pointer !== undefined) r.pointer = pointer;
    return r;
  }

  report(severity: Diagnostic['severity'], code: string, message: string, offset: number, pointer: string | undefined, extra: { note?: string; hint?: string; related?: SourceRef } = {}): void {
    const d: Diagnostic = { severity, code, message, source: this.ref(offset, pointer) };
    if (extra.hint) d.hint = extra.hint;
    if (extra.note) d.note = extra.note;
    if (extra.related) d.related = extra.related;
    this.ctx.diagnostics.push(d);
  }

  private tolerated(): 'error' | 'warning' {
    return this.ctx.compat ? 'warning' : 'error';
  }

  private goNote(n: SyntaxNode, what: string, go: GoPath, goType: string | undefined): string {
    const type = goType ?? 'interface {}';
    if (!go.struct || go.path.length === 0) return `${this.ctx.notePrefix}json: cannot unmarshal ${what} into Go value of type ${type}`;
    return `${this.ctx.notePrefix}json: cannot unmarshal ${what} into Go struct field ${go.struct}.${go.path.join('.')} of type ${type}`;
  }

  /** Decodes the document root. */
  decodeRoot(node: SyntaxNode, schema: z.ZodType, pointer: string): unknown {
    return this.decode(node, schema, undefined, pointer, { path: [] });
  }

  /**
   * Decodes `node` against `schema` into `prev` (the value a duplicate key or a reused slice
   * element already holds). Returns the new value; `undefined` means absent.
   */
  decode(node: SyntaxNode, schema: z.ZodType, prev: unknown, pointer: string, go: GoPath): unknown {
    const s = unwrap(schema);
    const meta = schemaMeta(s);
    const kind = kindOf(s);
    this.ctx.sources[pointer] = this.ref(node.start, pointer);
    this.ctx.nodes.set(pointer, node);
    if (kind === 'unknown') return undefined;
    if (kind === 'minKernel') return this.minKernel(node, prev, pointer);
    if (node.kind === 'null') {
      if (kind === 'object' || kind === 'loose') return meta?.nullKeeps ? prev : undefined;
      if (kind === 'array' || kind === 'record') return undefined;
      this.report('warning', 'null-value', `null is ignored here (Go leaves the ${kind === 'int' ? 'number' : kind} unchanged): the field counts as absent`, node.start, pointer, {
        hint: 'remove the key or give it a value',
      });
      return prev;
    }
    const typeError = (what = goWhat(node), message?: string): unknown => {
      this.ctx.dropped.add(pointer);
      this.report('error', 'type', message ?? `expected ${EXPECTED[kind]}, found ${found(node)}`, node.start, pointer, {
        note: this.goNote(node, what, go, meta?.goType),
      });
      return prev;
    };
    switch (kind) {
      case 'string':
        return node.kind === 'string' ? node.value : typeError();
      case 'boolean':
        return node.kind === 'boolean' ? node.value : typeError();
      case 'int':
        return this.integer(node, s, prev, pointer, go, typeError);
      case 'record': {
        if (node.kind !== 'object') return typeError();
        const out: Record<string, unknown> = {};
        const valueSchema = (s as z.ZodRecord)._zod.def.valueType as z.ZodType;
        for (const m of node.members) {
          const p = `${pointer}/${pointerSegment(m.key)}`;
          this.ctx.keySources[p] = this.ref(m.keyStart, p);
          const v = this.decode(m.value, valueSchema, out[m.key], p, { struct: go.struct, path: [...go.path, m.key] });
          if (v === undefined) delete out[m.key];
          else out[m.key] = v;
        }
        return out;
      }
      case 'array': {
        if (node.kind !== 'array') return typeError();
        const el = (s as z.ZodArray<z.ZodType>).element;
        const elKind = kindOf(unwrap(el));
        const elIsStruct = elKind === 'object' || elKind === 'loose';
        const old = Array.isArray(prev) ? prev : [];
        return node.items.map((item, i) => {
          const p = `${pointer}/${i}`;
          if (item.kind === 'null' && elIsStruct) {
            this.ctx.sources[p] = this.ref(item.start, p);
            this.ctx.dropped.add(p);
            this.report('error', 'null-element', `${describeArray(pointer)} element ${i} is null; a rule or entry must be an object`, item.start, p, {
              note: 'moby keeps a nil element and then dereferences it (a crash, not an error message)',
            });
            return null;
          }
          if (item.kind === 'null' && !elIsStruct) {
            this.ctx.sources[p] = this.ref(item.start, p);
            this.report('warning', 'null-value', `null in ${describeArray(pointer)} is read as an empty string`, item.start, p);
            return old[i] ?? (elKind === 'string' ? '' : undefined);
          }
          return this.decode(item, el, elIsStruct ? old[i] : undefined, p, go);
        });
      }
      case 'object':
      case 'loose':
        if (node.kind !== 'object') return typeError();
        return this.object(node, s as z.ZodObject, prev, pointer, go, meta?.goStruct ?? go.struct, kind === 'loose');
    }
  }

  private integer(node: SyntaxNode, s: z.ZodType, prev: unknown, pointer: string, go: GoPath, typeError: (what?: string, message?: string) => unknown): unknown {
    const lim = schemaMeta(s)?.int;
    if (!lim) return typeError();
    if (node.kind !== 'number') return typeError();
    const goMin = lim.goMin ?? lim.min;
    const goMax = lim.goMax ?? lim.max;
    if (node.int === undefined) {
      return typeError(`number ${node.raw}`, `expected an integer, found ${node.raw}${/[eE]/.test(node.raw) ? ' (exponents are not allowed)' : ''}`);
    }
    // Go parses unsigned fields with ParseUint, which rejects any sign, even "-0".
    if (goMin >= 0n && node.raw.startsWith('-') && node.int === 0n) {
      return typeError(`number ${node.raw}`, `expected an unsigned integer, found ${node.raw}`);
    }
    const v = node.int;
    if (v < goMin || v > goMax) {
      this.ctx.dropped.add(pointer);
      this.report('error', 'range', `${node.raw} is out of range for ${lim.label} (${lim.min}..${lim.max})`, node.start, pointer, {
        note: this.goNote(node, `number ${node.raw}`, go, schemaMeta(s)?.goType),
      });
      return prev;
    }
    if (v < lim.min || v > lim.max) {
      this.report(this.tolerated(), 'range', `${node.raw} is out of range for ${lim.label} (${lim.min}..${lim.max})`, node.start, pointer, {
        hint: `Go decodes it into a ${schemaMeta(s)?.goType ?? 'wider type'}; runtimes truncate or reject it`,
      });
    }
    return v;
  }

  private object(node: ObjectNode, s: z.ZodObject, prev: unknown, pointer: string, go: GoPath, struct: string | undefined, loose: boolean): Record<string, unknown> {
    const shape = s.shape as Record<string, z.ZodType>;
    const keys = Object.keys(shape);
    const folded = new Map<string, string>();
    for (const k of keys) if (!folded.has(foldKey(k))) folded.set(foldKey(k), k);
    const out: Record<string, unknown> = prev !== null && typeof prev === 'object' && !Array.isArray(prev) ? { ...(prev as Record<string, unknown>) } : {};
    const seen = new Map<string, { key: string; offset: number }>();
    for (const m of node.members) {
      let field: string | undefined = Object.prototype.hasOwnProperty.call(shape, m.key) ? m.key : undefined;
      if (field === undefined) {
        const f = folded.get(foldKey(m.key));
        if (f !== undefined) {
          field = f;
          this.report(this.tolerated(), 'key-case', `key '${m.key}' should be written '${f}'`, m.keyStart, `${pointer}/${pointerSegment(f)}`, {
            hint: 'Go (Docker, Podman, containerd) matches keys case-insensitively, so it is used; JSON Schema, crun and Kubernetes do not',
          });
        }
      }
      if (field === undefined) {
        const p = `${pointer}/${pointerSegment(m.key)}`;
        this.ctx.keySources[p] = this.ref(m.keyStart, p);
        if (!loose) this.unknownKey(m.key, m.keyStart, p, keys);
        const dup = seen.get(`\u0000${m.key}`);
        if (dup && loose) this.duplicate(m.key, m.keyStart, p, dup.offset);
        seen.set(`\u0000${m.key}`, { key: m.key, offset: m.keyStart });
        continue;
      }
      const p = `${pointer}/${pointerSegment(field)}`;
      const dup = seen.get(field);
      if (dup) this.duplicate(m.key, m.keyStart, p, dup.offset, dup.key);
      seen.set(field, { key: m.key, offset: m.keyStart });
      this.ctx.keySources[p] = this.ref(m.keyStart, p);
      const v = this.decode(m.value, shape[field], out[field], p, { struct, path: [...go.path, field] });
      if (v === undefined) delete out[field];
      else out[field] = v;
    }
    return out;
  }

  private duplicate(key: string, offset: number, pointer: string, firstOffset: number, firstKey = key): void {
    const first = this.ref(firstOffset);
    this.report(this.tolerated(), 'duplicate-key', `duplicate key '${key}' (first written${firstKey !== key ? ` as '${firstKey}'` : ''} at line ${first.line}, column ${first.column})`, offset, pointer, {
      hint: 'Go keeps the last value (objects and the objects in arrays are merged field by field into the earlier one)',
      related: first,
    });
  }

  private unknownKey(key: string, offset: number, pointer: string, known: string[]): void {
    const hintFor = this.ctx.keyHints[key];
    const close = suggest(key, known);
    const message = close ? `unknown key '${key}'; did you mean '${close}'?` : `unknown key '${key}'`;
    const hint = hintFor ?? (close ? `Go ignores unknown keys silently: '${key}' has no effect` : `known keys here: ${known.join(', ')}`);
    this.report(this.tolerated(), 'unknown-key', message, offset, pointer, { hint });
  }

  /** moby's `KernelVersion.UnmarshalJSON`: a string `"<kernel>.<major>"`, each part a uint8; `""` means 0.0. */
  private minKernel(node: SyntaxNode, prev: unknown, pointer: string): unknown {
    if (node.kind === 'null') return undefined;
    const raw = this.ctx.text.slice(node.start, node.end);
    const fail = (cause?: string): unknown => {
      this.ctx.dropped.add(pointer);
      const message = `invalid kernel version: ${raw}, expected "<kernel>.<major>"${cause ? `: ${cause}` : ''}`;
      this.report('error', 'min-kernel', message, node.start, pointer, {
        note: `${this.ctx.notePrefix}${message}`,
        hint: 'write the kernel as a string of two numbers 0-255, such as "5.8"',
      });
      return prev;
    };
    if (node.kind !== 'string') return fail(`json: cannot unmarshal ${goWhat(node)} into Go value of type string`);
    const v = node.value;
    // "" leaves the value as it was (a fresh KernelVersion is 0.0, which every kernel satisfies).
    if (v === '') return typeof prev === 'string' ? prev : '';
    const parts = splitN(v, '.', 3);
    if (parts.length !== 2) return fail();
    for (const part of parts) {
      const err = parseUint8(part);
      if (err) return fail(err);
    }
    if (parts.every((p) => Number(p) === 0)) return fail('version cannot be 0.0');
    return v;
  }
}

function describeArray(pointer: string): string {
  const seg = pointer.split('/').pop() ?? '';
  return seg ? `'${seg}'` : 'the array';
}

/** Go's `strings.SplitN`. */
function splitN(s: string, sep: string, n: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    out.push(rest.slice(0, i));
    rest = rest.slice(i + sep.length);
  }
  out.push(rest);
  return out;
}

/** Go's `strconv.ParseUint(s, 10, 8)` error text, or undefined when it parses. */
export function parseUint8(s: string): string | undefined {
  const q = JSON.stringify(s);
  if (s.length === 0) return `strconv.ParseUint: parsing ${q}: invalid syntax`;
  let n = 0;
  for (const ch of s) {
    // Letters are digits >= 10 in Go's loop, which makes them invalid for base 10 too.
    if (ch < '0' || ch > '9') return `strconv.ParseUint: parsing ${q}: invalid syntax`;
    n = n * 10 + (ch.charCodeAt(0) - 48);
    if (n > 255) return `strconv.ParseUint: parsing ${q}: value out of range`;
  }
  return undefined;
}
