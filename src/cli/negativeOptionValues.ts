/**
 * `--lr -1` as `--lr=-1`: node's parseArgs takes a value that starts with "-" for an option of its own and
 * stops with "argument is ambiguous", so a negative number never reached the option's own check (which says
 * what the value must be). A token after `--name` that is a negative number is joined to it.
 */
export function joinNegativeOptionValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    const next = argv[i + 1];
    if (/^--[^=]+$/.test(token) && next !== undefined && /^-(?:\d|\.\d|Infinity\b)/.test(next)) {
      out.push(`${token}=${next}`);
      i++;
    } else out.push(token);
  }
  return out;
}
