// The pure core must run in a browser: nothing under src/core may import a Node built-in, koffi,
// src/node or src/cli, or use Node-only globals.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const coreDir = join(root, 'src/core');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const builtins = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0]]));
const importRe = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

export function forbiddenImports(file: string, text: string): string[] {
  const bad: string[] = [];
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec.startsWith('node:') || builtins.has(spec) || builtins.has(spec.split('/')[0]) || spec === 'koffi') {
      bad.push(`${relative(root, file)} imports ${spec}`);
    } else if (spec.startsWith('.')) {
      const target = relative(root, resolve(dirname(file), spec));
      if (!target.startsWith('src/core')) bad.push(`${relative(root, file)} imports ${spec} (outside src/core)`);
    }
  }
  // Node-only globals (comments are stripped first so TSDoc may mention them).
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  for (const g of ['process.', 'Buffer.', 'require(', '__dirname', '__filename']) {
    if (code.includes(g)) bad.push(`${relative(root, file)} uses the Node global ${g.replace(/[.(]$/, '')}`);
  }
  return bad;
}

describe('layering', () => {
  it('src/core imports nothing from Node, koffi, src/node or src/cli', () => {
    const files = tsFiles(coreDir);
    expect(files.length).toBeGreaterThan(5);
    const bad = files.flatMap((f) => forbiddenImports(f, readFileSync(f, 'utf8')));
    expect(bad).toEqual([]);
  });

  it('the check itself catches each kind of violation', () => {
    const f = join(coreDir, 'x/y.ts');
    expect(forbiddenImports(f, "import { readFileSync } from 'node:fs';")).toHaveLength(1);
    expect(forbiddenImports(f, "import fs from 'fs';")).toHaveLength(1);
    expect(forbiddenImports(f, "import { x } from '../../node/files.js';")).toHaveLength(1);
    expect(forbiddenImports(f, "export { main } from '../../cli/main.js';")).toHaveLength(1);
    expect(forbiddenImports(f, "const k = await import('koffi');")).toHaveLength(1);
    expect(forbiddenImports(f, 'const b = Buffer.from([1]);')).toHaveLength(1);
    expect(forbiddenImports(f, "import { y } from '../bpf/opcodes.js';")).toEqual([]);
  });
});
