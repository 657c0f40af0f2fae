/**
 * Collecting {@link PolicyNote}s during resolution: positions from the profile's source map,
 * one note per (code, pointer, message) however often a rule is fanned out.
 */
import { SeccompKitError } from '../errors.js';
import type { SourceRef } from '../errors.js';
import type { Profile } from './model.js';
import type { PolicyNote } from './policy.js';

/**
 * Where a JSON pointer of the profile is in its text (falls back to the pointer alone). The
 * reader's own entry is returned as is (shared, not copied) when it already names file and pointer.
 */
export function sourceOf(profile: Profile, pointer: string | undefined): SourceRef {
  if (pointer === undefined) return profile.file !== undefined ? { file: profile.file } : {};
  // JSON pointers are '' or start with '/', so they never name an inherited property.
  const s = pointer === '' || pointer.startsWith('/') ? profile.sources[pointer] : undefined;
  if (s && s.pointer === pointer && (s.file !== undefined || profile.file === undefined)) return s;
  // A value the profile does not have (e.g. /architectures filled by archMap): point at its nearest parent.
  let near = s;
  for (let p = pointer; !near && p !== ''; ) {
    p = p.slice(0, p.lastIndexOf('/'));
    near = profile.sources[p];
  }
  const base: SourceRef = near ? { ...near } : {};
  if (profile.file !== undefined && base.file === undefined) base.file = profile.file;
  base.pointer = pointer;
  return base;
}

/** The notes of one resolution. */
export class NoteSink {
  readonly notes: PolicyNote[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly profile: Profile) {}

  /** Position of a pointer. */
  src(pointer: string | undefined): SourceRef {
    return sourceOf(this.profile, pointer);
  }

  add(severity: PolicyNote['severity'], code: string, message: string, pointer?: string, extra: { abi?: string; syscall?: string } = {}): void {
    const key = `${code}\u0000${pointer ?? ''}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const n: PolicyNote = { severity, code, message, source: this.src(pointer) };
    if (extra.abi !== undefined) n.abi = extra.abi;
    if (extra.syscall !== undefined) n.syscall = extra.syscall;
    this.notes.push(n);
  }

  info(code: string, message: string, pointer?: string, extra?: { abi?: string; syscall?: string }): void {
    this.add('info', code, message, pointer, extra);
  }

  warn(code: string, message: string, pointer?: string, extra?: { abi?: string; syscall?: string }): void {
    this.add('warning', code, message, pointer, extra);
  }

  /** A failure the daemon or runtime would report: thrown as `SeccompKitError('resolve')`. */
  fail(message: string, pointer?: string, hint?: string): never {
    throw new SeccompKitError('resolve', message, { source: this.src(pointer), ...(hint ? { hint } : {}) });
  }
}
