/** seccomp-kit for Node: the pure core plus the Node-only parts (files, kernel, runtimes). */
export * from './core/index.js';
export { hostAbi } from './node/host.js';
export { readInputBytes, readInputText } from './node/files.js';
export { setNoNewPrivs, noNewPrivs, installFilter, seccompModeStrict, execFiltered, filterFlagSupported, actionAvailable, formatFilterFlags } from './node/kernel/install.js';
export { probeKernel, kernelVerify, kernelProbeSupport, closeKernelProbes } from './node/kernel/probe.js';
export type { SeccompCase, KernelOutcome } from './node/kernel/probe.js';
export { libseccompAvailable, libseccompVersion, libseccompResolveSyscall, buildLibseccompFilter } from './node/libseccomp.js';
export type { LibseccompSpec, LibseccompRule, LibseccompArg } from './node/libseccomp.js';
