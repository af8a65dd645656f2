/** A parsed command line: the flags given as `--name value` or `--name=value`. */
export interface ParsedArgs {
  readonly flags: ReadonlyMap<string, string>;
  readonly help: boolean;
  readonly positional: readonly string[];
}

/**
 * Parses `--name value`, `--name=value` and `--help`/`-h`. Returns an error message for a
 * flag without a value or a flag not in `known`.
 */
export function parseArgs(
  argv: readonly string[],
  known: ReadonlySet<string>,
): ParsedArgs | string {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (!known.has(name)) return `unknown option --${name}`;
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i += 1;
    }
    if (value === undefined || value === '') return `--${name} needs a value`;
    flags.set(name, value);
  }
  return { flags, help, positional };
}
