/**
 * `seccomp-kit validate FILE... [--dialect D] [--compat docker] [--runtime crun] [--json]`: reads
 * each profile (any dialect, JSON or YAML, or `builtin:NAME`) and prints every problem like a
 * compiler, one line each: `file:line:col: error: message [field.path]`.
 */
import type { Command } from 'commander';
import { SeccompKitError } from '../../core/errors.js';
import type { Diagnostic, Dialect, Profile, ReadResult } from '../../core/profile/index.js';
import { DIALECTS, builtinProfile, isBuiltinRef, isDialect, pointerToPath, readProfile, validateProfile } from '../../core/profile/index.js';
import { action, EXIT_NEGATIVE, EXIT_OK } from '../run.js';
import { color, colorErr, eprintln, printJson, println } from '../output.js';
import { inputName, readInputBytes } from '../../node/files.js';

interface Options {
  dialect?: string;
  compat?: string;
  runtime?: string;
  name?: string;
  json?: boolean;
  verbose?: boolean;
}

const EXAMPLES = `
Dialects: ${DIALECTS.join(', ')} (detected from the keys when not given).
Default is strict: unknown keys, wrong key case and duplicate keys are errors. --compat docker
reads the way Go's encoding/json does (Docker, Podman, containerd) and makes those warnings.

Exit status: 0 no errors (warnings allowed), 1 some profile has errors, 2 unreadable file or bad option.

Examples:
  $ seccomp-kit validate profile.json
  $ seccomp-kit validate --compat docker my-docker-profile.json
  $ seccomp-kit validate --dialect oci config.json       the linux.seccomp object of an OCI config
  $ seccomp-kit validate profiles.yaml                   every SeccompProfile document in the stream
  $ seccomp-kit validate --runtime crun profile.json     severities as crun sees them
  $ seccomp-kit validate builtin:docker builtin:podman
  $ seccomp-kit validate --json profile.json | jq '.files[0].diagnostics'`;

export function register(program: Command): void {
  program
    .command('validate')
    .description('check seccomp profiles (Docker, Podman, OCI, Kubernetes SPO) and report problems like a compiler')
    .argument('<files...>', 'profile files (JSON or YAML), - for standard input, or builtin:NAME')
    .option('-d, --dialect <dialect>', `read as this dialect: ${DIALECTS.join(', ')}`)
    .option('--compat <mode>', 'strict (default) or docker (accept what Docker accepts, as warnings)')
    .option('--runtime <runtime>', 'runc (default) or crun: where the two disagree, whose rules decide errors')
    .option('--name <name>', 'only the SeccompProfile with this metadata.name')
    .option('-v, --verbose', 'also print infos, hints and the reference implementation\'s wording')
    .option('--json', 'print machine-readable JSON')
    .addHelpText('after', EXAMPLES)
    .action(action((files: string[], opts: Options) => run(files, opts)));
}

/** Parses the options every profile-reading command shares. */
export function readOptions(opts: { dialect?: string; compat?: string; name?: string }): { dialect?: Dialect; compat: 'strict' | 'docker'; name?: string } {
  if (opts.dialect !== undefined && !isDialect(opts.dialect)) {
    throw new SeccompKitError('usage', `unknown dialect '${opts.dialect}'`, { hint: `dialects: ${DIALECTS.join(', ')}` });
  }
  if (opts.compat !== undefined && opts.compat !== 'strict' && opts.compat !== 'docker') {
    throw new SeccompKitError('usage', `unknown --compat mode '${opts.compat}'`, { hint: 'strict or docker' });
  }
  return {
    ...(opts.dialect !== undefined ? { dialect: opts.dialect as Dialect } : {}),
    compat: opts.compat === 'docker' ? 'docker' : 'strict',
    ...(opts.name !== undefined ? { name: opts.name } : {}),
  };
}

/** Reads a file or `builtin:NAME` into a {@link ReadResult}. */
export function readProfileInput(file: string, opts: { dialect?: Dialect; compat: 'strict' | 'docker'; name?: string }): ReadResult {
  if (isBuiltinRef(file)) {
    const b = builtinProfile(file);
    return readProfile(b.text, { ...opts, file, dialect: opts.dialect ?? b.dialect, format: 'json' });
  }
  return readProfile(readInputBytes(file), { ...opts, file: inputName(file) });
}

function severityLabel(d: Diagnostic): string {
  if (d.severity === 'error') return colorErr.red(colorErr.bold('error'));
  if (d.severity === 'warning') return colorErr.yellow(colorErr.bold('warning'));
  return colorErr.cyan('info');
}

/** One diagnostic as one compiler-style line: `file:line:col: error: message [field.path]`. */
export function formatDiagnostic(d: Diagnostic, file: string): string {
  const s = d.source;
  let loc = s.file ?? file;
  if (s.line !== undefined) loc += `:${s.line}:${s.column ?? 1}`;
  const path = s.pointer ? pointerToPath(s.pointer) : '';
  return `${colorErr.bold(`${loc}:`)} ${severityLabel(d)}: ${d.message}${path ? ` ${colorErr.dim(`[${path}]`)}` : ''}`;
}

/** Prints diagnostics on stderr, with hints and notes when `verbose`. */
export function printDiagnostics(diags: Diagnostic[], file: string, verbose = false): void {
  for (const d of diags) {
    if (d.severity === 'info' && !verbose) continue;
    eprintln(formatDiagnostic(d, file));
    if (verbose && d.hint) eprintln(`  ${colorErr.dim('hint:')} ${d.hint}`);
    if (verbose && d.note) eprintln(`  ${colorErr.dim('note:')} ${d.note}`);
  }
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return (a.source.offset ?? -1) - (b.source.offset ?? -1);
}

function profileSummary(p: Profile): Record<string, unknown> {
  return {
    dialect: p.dialect,
    ...(p.spo?.name !== undefined ? { name: p.spo.name } : {}),
    root: p.root,
    defaultAction: p.defaultAction,
    rules: p.rules.length,
    disablesSeccomp: Boolean(p.disablesSeccomp),
  };
}

function run(files: string[], opts: Options): number {
  const ro = readOptions(opts);
  if (opts.runtime !== undefined && opts.runtime !== 'runc' && opts.runtime !== 'crun') {
    throw new SeccompKitError('usage', `unknown --runtime '${opts.runtime}'`, { hint: 'runc or crun' });
  }
  const runtime = opts.runtime === 'crun' ? 'crun' : 'runc';
  const report: { file: string; format: string; profiles: Record<string, unknown>[]; diagnostics: Diagnostic[] }[] = [];
  let errors = 0;
  let warnings = 0;
  for (const file of files) {
    const r = readProfileInput(file, ro);
    const diags = [...r.diagnostics];
    for (const p of r.profiles) diags.push(...validateProfile(p, { runtime }));
    diags.sort(byPosition);
    const e = diags.filter((d) => d.severity === 'error').length;
    const w = diags.filter((d) => d.severity === 'warning').length;
    errors += e;
    warnings += w;
    const name = isBuiltinRef(file) ? file : inputName(file);
    report.push({ file: name, format: r.format, profiles: r.profiles.map(profileSummary), diagnostics: diags });
    if (opts.json) continue;
    printDiagnostics(diags, name, opts.verbose);
    const kinds = [...new Set(r.profiles.map((p) => p.dialect))].join(', ') || 'no profile';
    const counts = [e ? `${e} error${e > 1 ? 's' : ''}` : '', w ? `${w} warning${w > 1 ? 's' : ''}` : ''].filter(Boolean).join(', ');
    const what = r.profiles.length > 1 ? `${r.profiles.length} profiles (${kinds})` : kinds;
    println(`${name}: ${e ? color.red('invalid') : color.green('valid')} (${what}${counts ? `; ${counts}` : ''})`);
  }
  if (opts.json) printJson({ valid: errors === 0, errors, warnings, files: report });
  return errors ? EXIT_NEGATIVE : EXIT_OK;
}
