/**
 * `seccomp-kit schema DIALECT`: prints the JSON Schema (draft 2020-12) of a profile dialect,
 * generated from the same definitions the reader and `validate` use.
 */
import type { Command } from 'commander';
import { SeccompKitError } from '../../core/errors.js';
import { DIALECTS, isDialect, jsonSchemaFor, toJsonText } from '../../core/profile/index.js';
import { action, EXIT_OK } from '../run.js';

const EXAMPLES = `
uint64 limits are printed exactly (18446744073709551615). Editors that take a "$schema" or a
schema association (VS Code json.schemas / yaml.schemas) can use the output directly.

Examples:
  $ seccomp-kit schema docker > docker-seccomp.schema.json
  $ seccomp-kit schema spo
  $ seccomp-kit schema oci | jq '.properties.syscalls'`;

export function register(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of a seccomp profile dialect')
    .argument('<dialect>', DIALECTS.join(', '))
    .addHelpText('after', EXAMPLES)
    .action(
      action((dialect: string) => {
        if (!isDialect(dialect)) throw new SeccompKitError('usage', `unknown dialect '${dialect}'`, { hint: `dialects: ${DIALECTS.join(', ')}` });
        // toJsonText writes bigint limits exactly (uint64 max does not fit a double).
        process.stdout.write(toJsonText(jsonSchemaFor(dialect)));
        return EXIT_OK;
      }),
    );
}
