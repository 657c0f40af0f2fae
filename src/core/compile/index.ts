export * from './ir.js';
export * from './args.js';
export * from './tree.js';
export * from './layout.js';
export * from './compile.js';
export * from './select.js';
export * from './intervals.js';
export * from './enosys.js';
