/**
 * Output conventions shared by every command: JSON on stdout for `--json`, human text with colour
 * only on a TTY (and never with NO_COLOR), diagnostics on stderr.
 */
import pc from 'picocolors';

const useColor = (stream: NodeJS.WriteStream): boolean =>
  Boolean(stream.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';

/** Colour functions for stdout; identity functions when stdout is not a terminal. */
export const color = pc.createColors(useColor(process.stdout));
/** Colour functions for stderr. */
export const colorErr = pc.createColors(useColor(process.stderr));

/**
 * JSON.stringify that writes bigint values as exact integer literals (a uint64 survives),
 * and Uint8Array as hex strings.
 */
export function stringifyJson(value: unknown, indent = 2): string {
  // bigints become marked strings, then the quotes around them are removed; the nonce keeps a
  // user string that happens to look like a marker from being touched.
  const nonce = Math.random().toString(36).slice(2, 10);
  const prefix = `__skbig_${nonce}_`;
  let sawBig = false;
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'bigint') {
        sawBig = true;
        return `${prefix}${v.toString()}`;
      }
      if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
      return v;
    },
    indent,
  );
  if (text === undefined) return 'null';
  return sawBig ? text.replace(new RegExp(`"${prefix}(-?\\d+)"`, 'g'), '$1') : text;
}

/** Prints a value as JSON on stdout, followed by a newline. */
export function printJson(value: unknown): void {
  process.stdout.write(`${stringifyJson(value)}\n`);
}

/** Writes one line to stdout. */
export function println(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Writes one line to stderr. */
export function eprintln(line = ''): void {
  process.stderr.write(`${line}\n`);
}

/** Pads a table of strings into aligned columns (ANSI colour codes are not counted). */
export function table(rows: string[][], sep = '  '): string {
  // eslint-disable-next-line no-control-regex
  const visible = (s: string): number => s.replace(/\u001b\[[0-9;]*m/g, '').length;
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, visible(c))));
  return rows
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i] - visible(c)))).join(sep).trimEnd())
    .join('\n');
}
