/** Exporting profiles for Docker, Podman, OCI runtimes (runc, crun), bubblewrap and Kubernetes SPO. */
export { CRUN_BPF_ANNOTATION, EXPORT_TARGETS, exportInvocation, exportProfile, isExportTarget, resolvedProfile, setConfigSeccomp } from './export.js';
export type { ExportOptions, ExportResult, ExportTarget } from './export.js';
