/**
 * Podman / CRI-O / Buildah dialect (containers/common `pkg/seccomp`): Docker's keys without
 * `minKernel`, plus `defaultErrno` and per-rule `errno` (an errno name or decimal number that wins
 * over the numeric field), `includes`/`excludes` as value structs (`null` leaves them as they were),
 * and the Docker <= 20.10 error texts. The writer is shared with Docker (dialects/docker.ts).
 */
import type { DialectReading } from './common.js';

export const podmanReading: DialectReading = {
  dialect: 'podman',
  notePrefix: 'decoding seccomp profile failed: ',
  goRoot: 'seccomp.Seccomp',
  keyHints: {
    minKernel: "'minKernel' is a Docker extension: Podman ignores it and applies the rule on every kernel",
    state: "'state' belongs to a Kubernetes SeccompProfile's spec",
    baseProfileName: "'baseProfileName' belongs to a Kubernetes SeccompProfile's spec",
  },
};
