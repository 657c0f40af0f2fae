/** seccomp-kit for Node: the pure core plus the Node-only parts (files, kernel, runtimes). */
export * from './core/index.js';
export { hostAbi } from './node/host.js';
export { readInputBytes, readInputText } from './node/files.js';
