// Fuzzing the reader: random JSON, random text and bytes, mutated real profiles (deleted, inserted,
// replaced characters, swapped value types, truncation), huge numbers, random YAML, deep nesting.
// The reader must never throw (readProfileOrThrow only SeccompKitError), never hang, and every
// position it reports must lie inside the input. About 110,000 inputs per run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify as yamlStringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SeccompKitError } from '../../src/core/errors.js';
import type { SourceRef } from '../../src/core/errors.js';
import { DIALECTS, readProfile, readProfileOrThrow, validateProfile, writeProfile } from '../../src/core/profile/index.js';
import type { ReadOptions } from '../../src/core/profile/index.js';

const root = join(import.meta.dirname, '../..');
const data = (f: string): string => readFileSync(join(root, 'data/profiles', f), 'utf8');

/** Small but complete profiles of every dialect: mutations of these reach every reader path quickly. */
const SMALL = [
  data('strict.json'),
  `{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"]}],
 "syscalls": [{"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38, "excludes": {"caps": ["CAP_SYS_ADMIN"], "minKernel": "5.3"}},
  {"name": "socket", "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 18446744073709551615, "valueTwo": 0, "op": "SCMP_CMP_NE"}], "comment": "x"}]}`,
  `{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrno": "ENOSYS", "syscalls": [{"names": ["vmsplice"], "action": "SCMP_ACT_ERRNO", "errno": "EPERM", "includes": {}, "excludes": {"arches": ["s390x"]}}]}`,
  `{"ociVersion": "1.0.2", "linux": {"seccomp": {"defaultAction": "SCMP_ACT_KILL", "flags": [], "listenerPath": "/run/a", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_NOTIFY"}]}}}`,
];
const SPO = readFileSync(join(root, 'test/fixtures/profiles/spo-multi.yaml'), 'utf8');
const FULL = [data('docker.json'), data('podman.json'), data('docker-2016.json')];

function within(src: SourceRef, text: string, lines: string[], what: string): void {
  const ok =
    src.line !== undefined &&
    src.column !== undefined &&
    src.offset !== undefined &&
    src.line >= 1 &&
    src.line <= lines.length &&
    src.column >= 1 &&
    src.column <= lines[src.line - 1].length + 1 &&
    src.offset >= 0 &&
    src.offset <= text.length;
  if (!ok) throw new Error(`${what} outside the input (${text.length} chars, ${lines.length} lines): ${JSON.stringify(src)}`);
}

/** Reads `input` and checks every invariant; returns the number of profiles read. */
function check(input: string | Uint8Array, opts: ReadOptions = {}, deep = false): number {
  const r = readProfile(input, opts);
  const text = typeof input === 'string' ? input : new TextDecoder('utf-8', { ignoreBOM: true }).decode(input);
  const lines = text.split('\n');
  for (const d of r.diagnostics) within(d.source, text, lines, `diagnostic ${d.code}`);
  for (const p of r.profiles) {
    for (const [ptr, src] of Object.entries(p.sources)) within(src, text, lines, `source of ${ptr}`);
    for (const d of validateProfile(p)) if (d.source.line !== undefined) within(d.source, text, lines, `validate ${d.code}`);
    if (deep) for (const dialect of DIALECTS) writeProfile(p, dialect);
  }
  try {
    readProfileOrThrow(input, opts);
  } catch (e) {
    if (!(e instanceof SeccompKitError)) throw e;
  }
  return r.profiles.length;
}

/** A mutation applied to a text. */
type Mutation =
  | { op: 'delete'; at: number; len: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'replace'; at: number; text: string }
  | { op: 'truncate'; at: number }
  | { op: 'swap'; at: number; to: string };

const JSONISH = fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '\\', '-', '0', '1e9', 'null', 'true', '\n', ' ', '\u0000', '\ud800', 'é', '18446744073709551616', '"names"', '"Names"', '"arg"', '//', '/*');
const TYPE_SWAPS = fc.constantFrom('null', '"5"', '-1', '1.5', '[]', '{}', 'true', '[null]', '18446744073709551615', '""', '"4.8"', '{"a": 1}');

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(JSONISH, fc.string({ maxLength: 4 })) }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), text: JSONISH }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('swap' as const), at: fc.nat(), to: TYPE_SWAPS }),
);

/** Replaces the value starting at or after `at` (a string, number, literal or small container) by `to`. */
function swapValue(t: string, at: number, to: string): string {
  const re = /:\s*("(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*|true|false|null|\[\]|\{\})/g;
  re.lastIndex = at % Math.max(1, t.length);
  const m = re.exec(t) ?? (re.lastIndex = 0, re.exec(t));
  if (!m) return t;
  const start = m.index + m[0].length - m[1].length;
  return t.slice(0, start) + to + t.slice(start + m[1].length);
}

function mutate(base: string, ms: Mutation[]): string {
  let t = base;
  for (const m of ms) {
    const at = t.length === 0 ? 0 : m.at % (t.length + 1);
    switch (m.op) {
      case 'delete': t = t.slice(0, at) + t.slice(at + m.len); break;
      case 'insert': t = t.slice(0, at) + m.text + t.slice(at); break;
      case 'replace': t = t.slice(0, at) + m.text + t.slice(at + m.text.length); break;
      case 'truncate': t = t.slice(0, at); break;
      case 'swap': t = swapValue(t, at, m.to); break;
    }
  }
  return t;
}

/** Markers for the profile-shaped generator (classes, so no JSON value can look like one). */
class Raw {
  constructor(readonly raw: string) {}
}
class Obj {
  constructor(readonly kv: [string, unknown][]) {}
}

const compatOpts: fc.Arbitrary<ReadOptions> = fc.record(
  { compat: fc.constantFrom('strict' as const, 'docker' as const), dialect: fc.constantFrom(...DIALECTS) },
  { requiredKeys: ['compat'] },
);

describe('fuzz: readProfile never throws, reports positions inside the input', () => {
  it('random JSON values (40,000)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), compatOpts, (v, opts) => {
        check(JSON.stringify(v), opts);
      }),
      { numRuns: 40_000 },
    );
  });

  it('random profile-shaped documents with random field types and huge numbers (15,000)', () => {
    const anyValue = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }).map((b) => new Raw(b.toString())),
      fc.stringMatching(/^-?[0-9]{1,40}(\.[0-9]{1,3})?([eE][+-]?[0-9]{1,3})?$/).map((s) => new Raw(s)),
    );
    const key = fc.constantFrom('names', 'name', 'Names', 'action', 'errnoRet', 'errno', 'args', 'arg', 'comment', 'includes', 'excludes', 'index', 'value', 'valueTwo', 'op', 'caps', 'arches', 'minKernel', 'x');
    const obj = (depth: number): fc.Arbitrary<unknown> =>
      depth === 0 ? anyValue : fc.oneof(anyValue, fc.array(fc.tuple(key, obj(depth - 1)), { maxLength: 6 }).map((kv) => new Obj(kv)), fc.array(obj(depth - 1), { maxLength: 4 }));
    const text = (v: unknown): string => {
      if (v instanceof Raw) return v.raw;
      if (v instanceof Obj) return `{${v.kv.map(([k, x]) => `${JSON.stringify(k)}: ${text(x)}`).join(', ')}}`;
      if (Array.isArray(v)) return `[${v.map(text).join(', ')}]`;
      return JSON.stringify(v) ?? 'null';
    };
    const top = fc.record({ defaultAction: fc.constantFrom('"SCMP_ACT_ERRNO"', '""', 'null', '1'), rules: fc.array(obj(3), { maxLength: 4 }), extra: fc.array(fc.tuple(fc.constantFrom('archMap', 'architectures', 'defaultErrnoRet', 'flags', 'DefaultAction', 'listenerPath'), obj(2)), { maxLength: 3 }) });
    fc.assert(
      fc.property(top, compatOpts, (t, opts) => {
        const extra = t.extra.map(([k, v]) => `, ${JSON.stringify(k)}: ${text(v)}`).join('');
        check(`{"defaultAction": ${t.defaultAction}, "syscalls": [${t.rules.map(text).join(', ')}]${extra}}`, opts);
      }),
      { numRuns: 15_000 },
    );
  });

  it('mutated small profiles of every dialect (30,000)', () => {
    fc.assert(
      fc.property(fc.nat({ max: SMALL.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), compatOpts, (i, ms, opts) => {
        check(mutate(SMALL[i], ms), opts);
      }),
      { numRuns: 30_000 },
    );
  });

  it('random text and bytes (12,000)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60, unit: 'binary' }), (s) => void check(s)), { numRuns: 6_000 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 60 }), (b) => void check(b)), { numRuns: 3_000 });
    fc.assert(fc.property(fc.string({ maxLength: 60, unit: 'binary' }), (s) => void check(s, { format: 'yaml' })), { numRuns: 3_000 });
  });

  it('random and mutated YAML (8,000)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        check(yamlStringify(v), { format: 'yaml' });
      }),
      { numRuns: 4_000 },
    );
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
        check(mutate(SPO, ms), { format: 'yaml' });
      }),
      { numRuns: 3_000 },
    );
    fc.assert(
      fc.property(fc.array(fc.constantFrom('- ', '[', ']', '{', '}', 'a: ', '&x ', '*x ', '---\n', '\n', '  ', '? ', '"', "'", '|\n', '!!binary ', '0x1', '1e9', ': '), { maxLength: 40 }), (parts) => {
        check(parts.join(''), { format: 'yaml' });
      }),
      { numRuns: 1_000 },
    );
  });

  it('mutated full-size real profiles, also converted to every dialect (400)', () => {
    fc.assert(
      fc.property(fc.nat({ max: FULL.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), compatOpts, (i, ms, opts) => {
        check(mutate(FULL[i], ms), opts, true);
      }),
      { numRuns: 400 },
    );
  });

  it('deep nesting in every container and syntax is reported, not a stack overflow', () => {
    for (const n of [10_000, 10_001, 100_000]) {
      expect(check('['.repeat(n) + ']'.repeat(n))).toBe(0);
      expect(check('{"syscalls": ' + '['.repeat(n) + ']'.repeat(n) + '}')).toBeLessThanOrEqual(1);
      expect(check('{"x":'.repeat(n) + 'null' + '}'.repeat(n), { compat: 'docker' })).toBeLessThanOrEqual(1);
    }
    for (const n of [1_000, 20_000]) {
      check('- '.repeat(n) + 'x', { format: 'yaml' });
      check('a: ' + '['.repeat(n), { format: 'yaml' });
      check('a: ' + '{a: '.repeat(n) + '1' + '}'.repeat(n), { format: 'yaml' });
      check(Array.from({ length: Math.min(n, 3000) }, (_, i) => ' '.repeat(i) + 'a:').join('\n'), { format: 'yaml' });
    }
    // an alias bomb stays bounded
    let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++) bomb += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    const r = readProfile(bomb, { format: 'yaml' });
    expect(r.diagnostics.some((d) => d.code === 'depth')).toBe(true);
  });
});
