/**
 * `--outputs LIST`: which of the large per-(query, candidate) files a run writes, besides the results
 * tables, config and summary that every run has. `csv`: `<type>_raw_scores.csv`; `parquet`:
 * `<type>_raw_scores.parquet` (in the reference layout, its `<name>_raw_scores.parquet`); `trec`:
 * `<type>_run.txt` and `qrels.txt`. `all` (the default) or `none` stand for every one or none of them.
 */
export const OUTPUT_KINDS = ['csv', 'parquet', 'trec'] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];
export type OutputSelection = Record<OutputKind, boolean>;

export function parseOutputsOption(text: string): OutputSelection {
  const names = text
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const unknown = names.filter(
    (n) => n !== 'all' && n !== 'none' && !(OUTPUT_KINDS as readonly string[]).includes(n),
  );
  if (unknown.length || names.length === 0)
    throw new Error(
      `--outputs takes a comma-separated list of ${OUTPUT_KINDS.join(', ')} (or all, or none), got "${text}"`,
    );
  const all = names.includes('all');
  if (names.includes('none') && names.length > 1)
    throw new Error(`--outputs none cannot be combined with other outputs, got "${text}"`);
  return Object.fromEntries(
    OUTPUT_KINDS.map((kind) => [kind, all || names.includes(kind)]),
  ) as OutputSelection;
}

/** The selection as config.json records it: the kinds written, in a fixed order. */
export function outputKinds(selection: OutputSelection): OutputKind[] {
  return OUTPUT_KINDS.filter((kind) => selection[kind]);
}
