/** The pure core of seccomp-kit: runs in Node and in browsers (no Node APIs). */
export * from './errors.js';
export * from './bpf/index.js';
export * from './syscalls/index.js';
export * from './compile/index.js';
export * from './compile/stats.js';
export * from './profile/index.js';
