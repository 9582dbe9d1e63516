import { parseArgs, type ParseArgsConfig } from 'node:util';

type FlagOptions = NonNullable<ParseArgsConfig['options']>;

/** A CLI's arguments as node's `parseArgs` reads them, strictly: an unknown flag is an error. */
export function parseCliArgs<const O extends FlagOptions>(argv: string[], options: O) {
  return parseArgs({ args: argv, allowPositionals: true, strict: true, options });
}

/** For CLIs that take options only: a readable error for the first bare argument. */
export function rejectArguments(positionals: string[]): void {
  if (positionals.length) throw new Error(`unexpected argument "${positionals[0]}" (options start with --)`);
}
