/**
 * `seccomp-kit convert FILE --to docker|docker-legacy|podman|oci|spo [-o OUT]`: reads a profile in
 * any dialect and writes it in another; what the target cannot express is reported on stderr.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { SeccompKitError } from '../../core/errors.js';
import { DIALECTS, convertProfile, isBuiltinRef, isDialect } from '../../core/profile/index.js';
import { action, EXIT_NEGATIVE, EXIT_OK } from '../run.js';
import { eprintln } from '../output.js';
import { inputName } from '../../node/files.js';
import { printDiagnostics, readOptions, readProfileInput } from './validate.js';

interface Options {
  to?: string;
  from?: string;
  compat?: string;
  name?: string;
  output?: string;
  indent?: string;
  format?: string;
  metadataName?: string;
  quiet?: boolean;
}

const EXAMPLES = `
The input is read strictly (see \`validate\`); a profile with errors is not converted (exit 1).
Warnings say what the target cannot express (OCI and SPO have no includes/excludes/archMap,
SPO has no defaultErrnoRet, ...). JSON output for every dialect but spo (YAML).

Examples:
  $ seccomp-kit convert builtin:docker --to oci -o seccomp.json
  $ seccomp-kit convert profile.json --to spo --metadata-name my-app > my-app.yaml
  $ seccomp-kit convert podman.json --to docker          errno names become errnoRet numbers
  $ seccomp-kit convert profiles.yaml --name web --to docker
  $ seccomp-kit convert --compat docker sloppy.json --to docker   normalise key case and duplicates`;

export function register(program: Command): void {
  program
    .command('convert')
    .description('convert a seccomp profile between Docker, Podman, OCI and Kubernetes SPO formats')
    .argument('<file>', 'profile file (JSON or YAML), - for standard input, or builtin:NAME')
    .requiredOption('-t, --to <dialect>', `target dialect: ${DIALECTS.join(', ')}`)
    .option('-o, --output <file>', 'write here instead of standard output')
    .option('--from <dialect>', 'read the input as this dialect (default: detected)')
    .option('--compat <mode>', 'strict (default) or docker')
    .option('--name <name>', 'the SeccompProfile to convert when the input has several')
    .option('--metadata-name <name>', 'metadata.name of a written SeccompProfile')
    .option('--format <format>', 'json or yaml (default: yaml for spo, json otherwise)')
    .option('--indent <n>', 'spaces per level in JSON (default 2), or "tab"')
    .option('-q, --quiet', 'do not print warnings')
    .addHelpText('after', EXAMPLES)
    .action(action((file: string, opts: Options) => run(file, opts)));
}

function run(file: string, opts: Options): number {
  const to = opts.to ?? '';
  if (!isDialect(to)) throw new SeccompKitError('usage', `unknown target dialect '${to}'`, { hint: `dialects: ${DIALECTS.join(', ')}` });
  if (opts.format !== undefined && opts.format !== 'json' && opts.format !== 'yaml') throw new SeccompKitError('usage', `unknown --format '${opts.format}'`, { hint: 'json or yaml' });
  let indent: number | string = 2;
  if (opts.indent !== undefined) {
    if (opts.indent === 'tab') indent = '\t';
    else if (/^[0-8]$/.test(opts.indent)) indent = Number(opts.indent);
    else throw new SeccompKitError('usage', `bad --indent '${opts.indent}'`, { hint: 'a number 0-8 or "tab"' });
  }
  const ro = readOptions({ ...(opts.from !== undefined ? { dialect: opts.from } : {}), ...(opts.compat !== undefined ? { compat: opts.compat } : {}), ...(opts.name !== undefined ? { name: opts.name } : {}) });
  const name = isBuiltinRef(file) ? file : inputName(file);
  const r = readProfileInput(file, ro);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) {
    printDiagnostics(r.diagnostics.filter((d) => d.severity !== 'info'), name);
    eprintln(`${name}: not converted: ${errors.length} error${errors.length > 1 ? 's' : ''}`);
    return EXIT_NEGATIVE;
  }
  if (!opts.quiet) printDiagnostics(r.diagnostics, name);
  if (!r.profile) {
    const names = r.profiles.map((p) => p.spo?.name ?? '(unnamed)');
    throw new SeccompKitError('usage', `${name} holds ${r.profiles.length} profiles; choose one with --name`, { hint: `profiles: ${names.join(', ')}` });
  }
  const out = convertProfile(r.profile, to, {
    indent,
    ...(opts.format !== undefined ? { format: opts.format as 'json' | 'yaml' } : {}),
    ...(opts.metadataName !== undefined ? { name: opts.metadataName } : {}),
  });
  if (!opts.quiet) printDiagnostics(out.warnings, name);
  if (opts.output !== undefined) {
    try {
      writeFileSync(opts.output, out.text);
    } catch (err) {
      throw new SeccompKitError('io', `cannot write ${opts.output}: ${(err as Error).message}`, { source: { file: opts.output } });
    }
  } else process.stdout.write(out.text);
  return EXIT_OK;
}
