/**
 * JSON with positions. A small iterative parser (no recursion, so 10,000 nested arrays cost no
 * stack) that keeps, for every value, its start/end offsets, for every object member its key
 * position and, for numbers, the literal text (a uint64 such as 18446744073709551615 is exact as
 * bigint). Duplicate keys are kept in order: deciding what they mean is the decoder's job.
 *
 * The grammar is RFC 8259, which is also what Go's `encoding/json` accepts; syntax errors carry a
 * friendly message and Go's own wording (`invalid character '}' looking for beginning of value`)
 * as a note, because that is what Docker prints.
 */

/** Fields every syntax node has: offsets into the text, end exclusive. */
interface NodeBase {
  start: number;
  end: number;
}

/** An object; `members` in source order, duplicates included. */
export interface ObjectNode extends NodeBase {
  kind: 'object';
  members: Member[];
}

/** One `"key": value` pair. */
export interface Member {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: SyntaxNode;
}

export interface ArrayNode extends NodeBase {
  kind: 'array';
  items: SyntaxNode[];
}

export interface StringNode extends NodeBase {
  kind: 'string';
  value: string;
}

/** A number: `raw` is the literal as written; `int` is set when it is an integer literal. */
export interface NumberNode extends NodeBase {
  kind: 'number';
  raw: string;
  int?: bigint;
}

export interface BooleanNode extends NodeBase {
  kind: 'boolean';
  value: boolean;
}

export interface NullNode extends NodeBase {
  kind: 'null';
}

/** A parsed JSON (or YAML, see yaml.ts) value with positions. */
export type SyntaxNode = ObjectNode | ArrayNode | StringNode | NumberNode | BooleanNode | NullNode;

/** A problem found while parsing text, by offset. */
export interface TextProblem {
  message: string;
  offset: number;
  /** Go's wording, when there is one. */
  note?: string;
  code: string;
}

/** Result of {@link parseJson}: a node, or the first syntax error (and warnings either way). */
export interface JsonParseResult {
  node?: SyntaxNode;
  error?: TextProblem;
  warnings: TextProblem[];
}

/** Go's encoding/json limit (`maxNestingDepth`): deeper input is a syntax error there too. */
export const MAX_JSON_DEPTH = 10000;

const INT_LITERAL = /^-?(?:0|[1-9][0-9]*)$/;

/** Parses one JSON text. Never throws for any input. */
export function parseJson(text: string, opts: { maxDepth?: number } = {}): JsonParseResult {
  return new JsonParser(text, opts.maxDepth ?? MAX_JSON_DEPTH).run();
}

/** Go's quoting of an offending character in scanner errors: `'x'`, `'\''`, `'"'`, `'\n'`. */
function goQuoteChar(c: string): string {
  if (c === "'") return `'\\''`;
  if (c === '"') return `'"'`;
  const code = c.codePointAt(0) ?? 0;
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 92: '\\\\' };
  if (named[code]) return `'${named[code]}'`;
  if (code < 0x20 || code === 0x7f) return `'\\x${code.toString(16).padStart(2, '0')}'`;
  return `'${c}'`;
}

/** How a character is shown in our own messages. */
function showChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${c}'`;
}

class ParseFailure {
  constructor(readonly problem: TextProblem) {}
}

type Frame =
  | { node: ObjectNode; key?: string; keyStart?: number; keyEnd?: number }
  | { node: ArrayNode };

class JsonParser {
  private i = 0;
  private readonly warnings: TextProblem[] = [];

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  run(): JsonParseResult {
    try {
      const node = this.parseDocument();
      return { node, warnings: this.warnings };
    } catch (e) {
      if (e instanceof ParseFailure) return { error: e.problem, warnings: this.warnings };
      throw e;
    }
  }

  private fail(message: string, note: string, offset = this.i): never {
    throw new ParseFailure({ message, note, offset: Math.min(offset, this.text.length), code: 'syntax' });
  }

  /** Error for the character at `i` (or the end of input) in a given context. */
  private unexpected(context: string, friendly: string): never {
    if (this.i >= this.text.length) this.fail(`unexpected end of input: ${friendly}`, 'unexpected end of JSON input');
    const c = String.fromCodePoint(this.text.codePointAt(this.i) ?? 0);
    if (c === '/' && (this.text[this.i + 1] === '/' || this.text[this.i + 1] === '*')) {
      this.fail(`comments are not allowed in JSON (${friendly})`, `invalid character ${goQuoteChar(c)} ${context}`);
    }
    this.fail(`unexpected ${showChar(c)}: ${friendly}`, `invalid character ${goQuoteChar(c)} ${context}`);
  }

  private skipWs(): void {
    const t = this.text;
    let i = this.i;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.i = i;
  }

  private parseDocument(): SyntaxNode {
    const t = this.text;
    if (t.charCodeAt(0) === 0xfeff) {
      this.fail('a byte order mark (U+FEFF) is not allowed before JSON', "invalid character 'ï' looking for beginning of value", 0);
    }
    const stack: Frame[] = [];
    this.skipWs();
    let value: SyntaxNode;
    // Each turn of the loop reads one value (opening containers pushes a frame and continues),
    // then climbs out of every container that this value completes.
    for (;;) {
      const c = t[this.i];
      if (c === '{' || c === '[') {
        if (stack.length + 1 > this.maxDepth) {
          this.fail(`nesting deeper than ${this.maxDepth} levels`, `invalid character ${goQuoteChar(c)} exceeded max depth`);
        }
        const start = this.i++;
        this.skipWs();
        if (c === '{') {
          const node: ObjectNode = { kind: 'object', start, end: start, members: [] };
          if (t[this.i] === '}') {
            node.end = ++this.i;
            value = node;
          } else {
            const frame: Frame = { node };
            this.readKey(frame, 'looking for beginning of object key string');
            stack.push(frame);
            continue;
          }
        } else {
          const node: ArrayNode = { kind: 'array', start, end: start, items: [] };
          if (t[this.i] === ']') {
            node.end = ++this.i;
            value = node;
          } else {
            stack.push({ node });
            continue;
          }
        }
      } else {
        value = this.parseScalar();
      }
      // Attach the value and close finished containers.
      for (;;) {
        const top = stack[stack.length - 1];
        if (!top) {
          this.skipWs();
          if (this.i < t.length) this.unexpected('after top-level value', 'expected the end of the input after the top-level value');
          return value;
        }
        if (top.node.kind === 'object') {
          const f = top as { node: ObjectNode; key?: string; keyStart?: number; keyEnd?: number };
          f.node.members.push({ key: f.key ?? '', keyStart: f.keyStart ?? 0, keyEnd: f.keyEnd ?? 0, value });
          this.skipWs();
          const d = t[this.i];
          if (d === ',') {
            this.i++;
            this.skipWs();
            this.readKey(f, 'looking for beginning of object key string');
            break;
          }
          if (d === '}') {
            f.node.end = ++this.i;
            stack.pop();
            value = f.node;
            continue;
          }
          this.unexpected('after object key:value pair', "expected ',' or '}' after an object member");
        } else {
          top.node.items.push(value);
          this.skipWs();
          const d = t[this.i];
          if (d === ',') {
            this.i++;
            this.skipWs();
            break;
          }
          if (d === ']') {
            top.node.end = ++this.i;
            stack.pop();
            value = top.node;
            continue;
          }
          this.unexpected('after array element', "expected ',' or ']' after an array element");
        }
      }
    }
  }

  /** Reads `"key" :` and leaves `i` at the value. */
  private readKey(frame: { key?: string; keyStart?: number; keyEnd?: number }, context: string): void {
    if (this.text[this.i] !== '"') this.unexpected(context, 'expected a key in double quotes');
    const keyStart = this.i;
    const key = this.readString();
    frame.key = key;
    frame.keyStart = keyStart;
    frame.keyEnd = this.i;
    this.skipWs();
    if (this.text[this.i] !== ':') this.unexpected('after object key', "expected ':' after the key");
    this.i++;
    this.skipWs();
  }

  private parseScalar(): SyntaxNode {
    const t = this.text;
    const start = this.i;
    const c = t[start];
    if (c === '"') {
      const value = this.readString();
      return { kind: 'string', start, end: this.i, value };
    }
    if (c === '-' || (c >= '0' && c <= '9')) return this.readNumber();
    if (c === 't') return { kind: 'boolean', value: true, start, end: this.readLiteral('true') };
    if (c === 'f') return { kind: 'boolean', value: false, start, end: this.readLiteral('false') };
    if (c === 'n') return { kind: 'null', start, end: this.readLiteral('null') };
    return this.unexpected('looking for beginning of value', 'expected a value');
  }

  private readLiteral(word: string): number {
    for (let k = 0; k < word.length; k++, this.i++) {
      if (this.text[this.i] !== word[k]) {
        this.unexpected(`in literal ${word} (expecting '${word[k]}')`, `expected '${word}'`);
      }
    }
    return this.i;
  }

  private readNumber(): NumberNode {
    const t = this.text;
    const start = this.i;
    const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9';
    if (t[this.i] === '-') this.i++;
    if (t[this.i] === '0') this.i++;
    else if (isDigit(t[this.i])) while (isDigit(t[this.i])) this.i++;
    else this.unexpected('in numeric literal', 'expected a digit');
    if (t[this.i] === '.') {
      this.i++;
      if (!isDigit(t[this.i])) this.unexpected('after decimal point in numeric literal', 'expected a digit after the decimal point');
      while (isDigit(t[this.i])) this.i++;
    }
    if (t[this.i] === 'e' || t[this.i] === 'E') {
      this.i++;
      if (t[this.i] === '+' || t[this.i] === '-') this.i++;
      if (!isDigit(t[this.i])) this.unexpected('in exponent of numeric literal', 'expected a digit in the exponent');
      while (isDigit(t[this.i])) this.i++;
    }
    const raw = t.slice(start, this.i);
    const node: NumberNode = { kind: 'number', start, end: this.i, raw };
    if (INT_LITERAL.test(raw)) node.int = BigInt(raw);
    return node;
  }

  /** Reads a string starting at the opening quote; leaves `i` after the closing quote. */
  private readString(): string {
    const t = this.text;
    const open = this.i;
    let i = open + 1;
    let out = '';
    let chunk = i;
    for (;;) {
      if (i >= t.length) {
        this.i = i;
        this.fail('unterminated string', 'unexpected end of JSON input');
      }
      const c = t.charCodeAt(i);
      if (c === 0x22) {
        out += t.slice(chunk, i);
        this.i = i + 1;
        return out;
      }
      if (c < 0x20) {
        this.i = i;
        this.fail(`control character ${showChar(t[i])} in a string (write it as an escape)`, `invalid character ${goQuoteChar(t[i])} in string literal`);
      }
      if (c >= 0xd800 && c <= 0xdfff) {
        // A lone surrogate cannot come from valid UTF-8; Go decodes such bytes as U+FFFD.
        const pair = c <= 0xdbff && i + 1 < t.length && t.charCodeAt(i + 1) >= 0xdc00 && t.charCodeAt(i + 1) <= 0xdfff;
        if (pair) {
          i += 2;
          continue;
        }
        out += t.slice(chunk, i) + '\ufffd';
        this.warnings.push({ code: 'encoding', offset: i, message: 'invalid UTF-16/UTF-8 in a string, replaced by U+FFFD' });
        i++;
        chunk = i;
        continue;
      }
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += t.slice(chunk, i);
      const e = t[i + 1];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          const hi = this.hex4(i + 2);
          i += 6;
          if (hi >= 0xd800 && hi <= 0xdbff && t[i] === '\\' && t[i + 1] === 'u') {
            const lo = this.hex4(i + 2);
            if (lo >= 0xdc00 && lo <= 0xdfff) {
              out += String.fromCharCode(hi, lo);
              i += 6;
              chunk = i;
              continue;
            }
          }
          if (hi >= 0xd800 && hi <= 0xdfff) {
            // Go's decoder turns an unpaired surrogate escape into U+FFFD.
            out += '\ufffd';
            this.warnings.push({ code: 'encoding', offset: i - 6, message: `unpaired surrogate escape \\u${hi.toString(16)} replaced by U+FFFD` });
          } else out += String.fromCharCode(hi);
          chunk = i;
          continue;
        }
        default:
          this.i = i + 1;
          if (i + 1 >= t.length) this.fail('unterminated string', 'unexpected end of JSON input');
          this.fail(`invalid escape ${showChar(t[i + 1])} in a string`, `invalid character ${goQuoteChar(t[i + 1])} in string escape code`);
      }
      i += 2;
      chunk = i;
    }
  }

  private hex4(at: number): number {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const ch = this.text[at + k];
      const d = ch === undefined ? -1 : parseInt(ch, 16);
      if (ch === undefined || Number.isNaN(d)) {
        this.i = at + k;
        if (ch === undefined) this.fail('unterminated string', 'unexpected end of JSON input');
        this.fail(`invalid \\u escape: ${showChar(ch)} is not a hex digit`, `invalid character ${goQuoteChar(ch)} in \\u hexadecimal character escape`);
      }
      v = v * 16 + d;
    }
    return v;
  }
}

/**
 * Offset -> 1-based line and column (columns count UTF-16 code units, as editors on the web do).
 * Lines end at `\n`; a `\r` before it belongs to the line.
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** Number of lines (an empty text has one). */
  get lines(): number {
    return this.starts.length;
  }

  position(offset: number): { line: number; column: number } {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - this.starts[lo] + 1 };
  }
}

/** Escapes one JSON pointer segment (RFC 6901). */
export function pointerSegment(s: string | number): string {
  return typeof s === 'number' ? String(s) : s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Splits a JSON pointer into unescaped segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `/syscalls/3/args/0/value` -> `syscalls[3].args[0].value`, the form compiler-style messages print. */
export function pointerToPath(pointer: string): string {
  let out = '';
  for (const seg of pointerSegments(pointer)) {
    if (/^(0|[1-9][0-9]*)$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
