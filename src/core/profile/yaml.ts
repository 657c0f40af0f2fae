/**
 * YAML with positions, into the same {@link SyntaxNode} tree the JSON parser builds, one tree per
 * document of a multi-document stream (`---`). The `yaml` package parses (YAML 1.2 core schema,
 * integers as bigint so a uint64 survives); this module converts its nodes, keeping offsets,
 * resolving aliases (with a budget against "billion laughs" expansion) and leaving duplicate keys
 * in place for the decoder to judge.
 */
import { parseAllDocuments, isAlias, isMap, isScalar, isSeq, isPair } from 'yaml';
import type { Document, Node as YamlNode, ParsedNode } from 'yaml';
import type { Member, SyntaxNode, TextProblem } from './json.js';

/** One document of a YAML stream. */
export interface YamlDocument {
  /** 0-based index in the stream. */
  index: number;
  /** Offset where the document starts. */
  start: number;
  /** Undefined for an empty document (only comments or nothing). */
  node?: SyntaxNode;
}

export interface YamlParseResult {
  documents: YamlDocument[];
  errors: TextProblem[];
  warnings: TextProblem[];
}

/** Deepest nesting converted; deeper input is reported, not followed (seccomp profiles need ~8). */
export const MAX_YAML_DEPTH = 1000;
/** Most nodes one stream may expand to (aliases included). */
export const MAX_YAML_NODES = 1_000_000;

class Budget {
  nodes = 0;
  exceeded?: TextProblem;
}

/** Parses a YAML stream. Never throws for any input. */
export function parseYaml(text: string): YamlParseResult {
  const errors: TextProblem[] = [];
  const warnings: TextProblem[] = [];
  const documents: YamlDocument[] = [];
  let docs: Document.Parsed[];
  try {
    // prettyErrors off: building the context snippet of an error on a huge line is very slow.
    docs = [...parseAllDocuments(text, { intAsBigInt: true, uniqueKeys: false, prettyErrors: false, version: '1.2' })];
  } catch (e) {
    // The yaml package reports its own stack exhaustion as an error; anything else is unexpected
    // but must not escape a reader that promises not to throw.
    errors.push({ code: 'syntax', offset: 0, message: `cannot parse YAML: ${e instanceof Error ? e.message : String(e)}` });
    return { documents, errors, warnings };
  }
  const budget = new Budget();
  docs.forEach((doc, index) => {
    for (const e of doc.errors) {
      errors.push({ code: e.code === 'RESOURCE_EXHAUSTION' ? 'depth' : 'syntax', offset: clamp(e.pos[0], text.length), message: firstLine(e.message) });
    }
    for (const w of doc.warnings) warnings.push({ code: 'yaml', offset: clamp(w.pos[0], text.length), message: firstLine(w.message) });
    const start = clamp(doc.range?.[0] ?? 0, text.length);
    if (doc.contents === null || doc.errors.length > 0) {
      documents.push({ index, start });
      return;
    }
    const node = convert(doc.contents, doc, text, budget, 0);
    if (budget.exceeded) {
      errors.push(budget.exceeded);
      documents.push({ index, start });
      return;
    }
    documents.push({ index, start, node });
  });
  return { documents, errors, warnings };
}

function clamp(n: number, max: number): number {
  return Math.max(0, Math.min(Number.isFinite(n) ? n : 0, max));
}

function firstLine(s: string): string {
  const line = s.split('\n')[0].trim();
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

function range(n: YamlNode | null | undefined, fallback: number, len: number): [number, number] {
  const r = n?.range;
  if (!r) return [clamp(fallback, len), clamp(fallback, len)];
  return [clamp(r[0], len), clamp(r[1], len)];
}

function convert(n: YamlNode | ParsedNode | null, doc: Document.Parsed, text: string, budget: Budget, depth: number, fallback = 0): SyntaxNode {
  const len = text.length;
  if (budget.exceeded) return { kind: 'null', start: 0, end: 0 };
  if (++budget.nodes > MAX_YAML_NODES) {
    budget.exceeded = { code: 'depth', offset: range(n, fallback, len)[0], message: `the YAML expands to more than ${MAX_YAML_NODES} nodes (aliases?)` };
    return { kind: 'null', start: 0, end: 0 };
  }
  if (depth > MAX_YAML_DEPTH) {
    budget.exceeded = { code: 'depth', offset: range(n, fallback, len)[0], message: `nesting deeper than ${MAX_YAML_DEPTH} levels` };
    return { kind: 'null', start: 0, end: 0 };
  }
  if (n === null || n === undefined) return { kind: 'null', start: clamp(fallback, len), end: clamp(fallback, len) };
  if (isAlias(n)) {
    const target = n.resolve(doc);
    if (!target) {
      const [s, e] = range(n, fallback, len);
      return { kind: 'null', start: s, end: e };
    }
    return convert(target, doc, text, budget, depth + 1, fallback);
  }
  const [start, end] = range(n, fallback, len);
  if (isScalar(n)) {
    const v = n.value;
    if (typeof v === 'string') return { kind: 'string', start, end, value: v };
    if (typeof v === 'bigint') return { kind: 'number', start, end, raw: text.slice(start, end), int: v };
    if (typeof v === 'number') return { kind: 'number', start, end, raw: text.slice(start, end) };
    if (typeof v === 'boolean') return { kind: 'boolean', start, end, value: v };
    if (v === null || v === undefined) return { kind: 'null', start, end };
    // Other tags (!!binary, custom): keep the text; the decoder will call it a string.
    return { kind: 'string', start, end, value: text.slice(start, end) };
  }
  if (isSeq(n)) {
    return { kind: 'array', start, end, items: n.items.map((it) => convert(it as YamlNode, doc, text, budget, depth + 1, end)) };
  }
  if (isMap(n)) {
    const members: Member[] = [];
    for (const p of n.items) {
      if (!isPair(p)) continue;
      const k = p.key as YamlNode | null;
      let key: string;
      const [keyStart, keyEnd] = range(k, start, len);
      if (k === null || k === undefined) key = '';
      else if (isScalar(k)) key = k.value === null || k.value === undefined ? '' : String(k.value);
      else key = text.slice(keyStart, keyEnd);
      members.push({ key, keyStart, keyEnd, value: convert(p.value as YamlNode | null, doc, text, budget, depth + 1, keyEnd) });
    }
    return { kind: 'object', start, end, members };
  }
  return { kind: 'null', start, end };
}
