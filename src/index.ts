/** seccomp-kit for Node: the pure core plus the Node-only parts (files, kernel, runtimes). */
export * from './core/index.js';
