// Bundles the CLI into one ESM file so a cold start loads a single module (fast),
// and the library entry points for package consumers.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // koffi ships a native addon; it must be loaded from node_modules at run time.
  external: ['koffi'],
  banner: { js: "import { createRequire as __skCreateRequire } from 'node:module'; const require = __skCreateRequire(import.meta.url);" },
};

await build({ ...common, entryPoints: { cli: 'src/cli/main.ts', index: 'src/index.ts', core: 'src/core/index.ts' }, outdir: 'dist' });
