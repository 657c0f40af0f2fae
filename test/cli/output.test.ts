import { describe, expect, it } from 'vitest';
import { stringifyJson, table } from '../../src/cli/output.js';

describe('stringifyJson', () => {
  it('writes bigints as exact integer literals', () => {
    const text = stringifyJson({ max: 18446744073709551615n, neg: -5n, list: [1n, 2], s: 'x' }, 0);
    expect(text).toBe('{"max":18446744073709551615,"neg":-5,"list":[1,2],"s":"x"}');
  });
  it('leaves strings that look like markers alone', () => {
    expect(stringifyJson({ s: '__skbig_abc_1' }, 0)).toBe('{"s":"__skbig_abc_1"}');
  });
  it('writes bytes as hex', () => {
    expect(stringifyJson(new Uint8Array([0x20, 0, 4]), 0)).toBe('"200004"');
  });
});

describe('table', () => {
  it('aligns columns ignoring colour codes', () => {
    expect(table([['a', 'bb'], ['\u001b[31mccc\u001b[39m', 'd']])).toBe('a    bb\n\u001b[31mccc\u001b[39m  d');
  });
});
